// Whether a page's main widget is drawn and Streamlit is idle (page.wait_for_function).
// args: {kind, expected, since, graceMs}; reads window.__smStates (page_watch.js).
// Returns {at} (performance.now() when it held), {error} to give up, or false to keep waiting.
// `since`: a script run must have been under way at this time or started after it (a page
// change: the click), so the page it left cannot pass for the page it opens.
(args) => {
  // Streamlit's grid: a header row of 35 px, then rows of 35 px; the band is inside the first.
  const FIRST_ROW_BAND = [40, 66];
  const TEXT_COLOURS = 8;
  // Sites a Leaflet map draws: its marker icons plus the numbers in its cluster icons, in this
  // document and every same-origin frame (streamlit-folium's, a slide's static map).
  const sitesDrawn = () => {
    const counts = [];
    const visit = (doc) => {
      const pane = doc.querySelector('.leaflet-container .leaflet-marker-pane');
      if (pane) {
        let drawn = pane.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)').length;
        pane.querySelectorAll('.marker-cluster > div > span').forEach((span) => {
          drawn += parseInt(span.textContent, 10) || 0;
        });
        counts.push(drawn);
      }
      doc.querySelectorAll('iframe').forEach((frame) => {
        try {
          if (frame.contentDocument) {
            visit(frame.contentDocument);
          }
        } catch (error) {
          // A frame from another origin: not a map of the app's.
        }
      });
    };
    visit(document);
    return counts;
  };
  const shows = (selector, inner) => [...document.querySelectorAll(selector)].some((element) => {
    const rect = element.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 && (!inner || element.querySelector(inner));
  });
  // The grid paints its cells on a canvas, and its accessible copy of them (role=gridcell) only
  // 200 ms or more later: glide-data-grid debounces it. So a table counts as drawn when its
  // canvas shows text in its first row (many colours, where a blank or gridlined row has a few).
  const gridPainted = () => [...document.querySelectorAll('[data-testid="stDataFrame"] canvas')]
    .some((canvas) => {
      const box = canvas.getBoundingClientRect();
      if (canvas.width === 0 || box.width === 0) {
        return false;
      }
      const scale = canvas.width / box.width;
      const top = Math.round(FIRST_ROW_BAND[0] * scale);
      const height = Math.round((FIRST_ROW_BAND[1] - FIRST_ROW_BAND[0]) * scale);
      if (top + height > canvas.height) {
        return false;
      }
      let pixels;
      try {
        pixels = canvas.getContext('2d').getImageData(0, top, canvas.width, height).data;
      } catch (error) {
        // A canvas the page may not read (one that drew another origin's image): its
        // accessible cells tell instead, later.
        return canvas.closest('[data-testid="stDataFrame"]')
          .querySelector('[role="gridcell"]') !== null;
      }
      const colours = new Set();
      for (let i = 0; i < pixels.length && colours.size < TEXT_COLOURS; i += 4) {
        colours.add(pixels[i] * 16777216 + pixels[i + 1] * 65536 + pixels[i + 2] * 256 + pixels[i + 3]);
      }
      return colours.size >= TEXT_COLOURS;
    });
  const drawn = {
    map: () => sitesDrawn().some((n) => (args.expected === null ? n > 0 : n === args.expected)),
    chart: () => shows('[data-testid="stVegaLiteChart"], .vega-embed', 'canvas, svg.marks'),
    table: () => shows('[data-testid="stDataFrame"]', 'canvas') && gridPainted(),
    sources: () => shows('table.sm-source-table', 'tbody tr'),
    list: () => shows('.st-key-present_view button'),
  };
  const now = performance.now();
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
  const states = window.__smStates || [];
  // A run under way at `since` (a click during a run restarts it with the new page) or one
  // started after it.
  const before = states.filter(([, at]) => at < args.since);
  const ranSince = args.since === null ||
    (before.length > 0 && before[before.length - 1][0] === 'running') ||
    states.some(([state, at]) => state === 'running' && at >= args.since);
  if (!ranSince) {
    return false;
  }
  if (!idle) {
    return false;
  }
  if (document.querySelector('[data-testid="stException"]')) {
    return {error: 'the app shows an exception'};
  }
  if (drawn[args.kind]()) {
    return {at: now};
  }
  const lastChange = states.length ? states[states.length - 1][1] : now;
  if (document.readyState === 'complete' && now - lastChange > args.graceMs) {
    return {error: `idle for ${Math.round(args.graceMs / 1000)} s with no ${args.kind} drawn`};
  }
  return false;
}
