// Installed before any page script (Playwright's add_init_script), in the top document only:
// records what the bench and tests/browser/test_layout_shift.py read after a load.
//
// - window.__smShifts: every layout shift (Layout Instability API), with the elements that
//   moved, described when the shift is reported (a node may be gone by the time it is read);
// - window.__smStates: every change of Streamlit's script state, with its time;
// - window.__smLastChange: the time of the latest shift or state change (quiet is measured
//   from it);
// - window.__smFileNavMs(): how long Streamlit's own file-name navigation ("dashboard,
//   briefing, map, ...") has been on screen, before the app's navigation replaced it;
// - window.__smLastClick: the time of the latest click, a page change's start;
// - window.__smGridCells: each time a table's accessible cells (role=gridcell) came into the
//   document where there were none: the grid paints its canvas first and builds them 200 ms
//   or more later (page_drawn.js times the canvas), so the bench reports both.
// Times are performance.now(): milliseconds from the start of the navigation.
(() => {
  if (window.top !== window || window.__smShifts) {
    return;
  }
  const shifts = [];
  const states = [];
  window.__smShifts = shifts;
  window.__smStates = states;
  window.__smLastChange = 0;
  window.__smLastClick = null;
  const gridCells = [];
  window.__smGridCells = gridCells;
  let hadCells = false;

  const MAX_KEY_CHARS = 48;
  const label = (element) => {
    let text = element.tagName.toLowerCase();
    const testId = element.getAttribute('data-testid');
    if (testId) {
      text += `[${testId}]`;
    }
    // A key the app chose ("st-key-status"), not one Streamlit made from a hash.
    const key = [...element.classList].find(
      (name) => name.startsWith('st-key-') && name.length <= MAX_KEY_CHARS);
    if (key) {
      text += `.${key}`;
    }
    return text;
  };
  const named = (element) =>
    element.hasAttribute('data-testid') ||
    [...element.classList].some((name) => name.startsWith('st-key-'));
  // The element, its nearest named ancestors, and the start of its text.
  const describe = (node) => {
    const element = node && node.nodeType === 1 ? node : node && node.parentElement;
    if (!element || !element.isConnected) {
      return 'a node since removed';
    }
    const path = [label(element)];
    for (let up = element.parentElement; up && path.length < 4; up = up.parentElement) {
      if (named(up)) {
        path.push(label(up));
      }
    }
    const words = (element.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return path.join(' < ') + (words ? ` "${words}"` : '');
  };
  const box = (rect) => [rect.x, rect.y, rect.width, rect.height].map(Math.round);

  if (typeof PerformanceObserver !== 'undefined' &&
      (PerformanceObserver.supportedEntryTypes || []).includes('layout-shift')) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        shifts.push({
          time: entry.startTime,
          value: entry.value,
          hadRecentInput: entry.hadRecentInput,
          sources: (entry.sources || []).map((source) => ({
            node: describe(source.node),
            from: box(source.previousRect),
            to: box(source.currentRect),
          })),
        });
        window.__smLastChange = Math.max(window.__smLastChange, performance.now());
      }
    }).observe({type: 'layout-shift', buffered: true});
  } else {
    window.__smShifts = null;
  }

  // Streamlit names the entry point "dashboard" in the navigation it draws from the file names
  // before the app's first run has sent its own.
  const FILE_NAV_LABEL = 'dashboard';
  const fileNav = {visibleMs: 0, since: null, first: null};
  window.__smFileNav = fileNav;
  window.__smFileNavMs = () =>
    fileNav.visibleMs + (fileNav.since === null ? 0 : performance.now() - fileNav.since);
  const fileNavShown = () => [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
    .some((link) => {
      if (link.textContent.trim() !== FILE_NAV_LABEL) {
        return false;
      }
      const rect = link.getBoundingClientRect();
      return rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.left < innerWidth;
    });

  let lastState = null;
  new MutationObserver(() => {
    const now = performance.now();
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute('data-test-script-state') : null;
    if (state !== lastState) {
      states.push([state, now]);
      lastState = state;
      window.__smLastChange = Math.max(window.__smLastChange, now);
    }
    const hasCells =
      document.querySelector('[data-testid="stDataFrame"] [role="gridcell"]') !== null;
    if (hasCells && !hadCells) {
      gridCells.push(now);
    }
    hadCells = hasCells;
    const shown = fileNavShown();
    if (shown && fileNav.since === null) {
      fileNav.since = now;
      fileNav.first = fileNav.first === null ? now : fileNav.first;
    } else if (!shown && fileNav.since !== null) {
      fileNav.visibleMs += now - fileNav.since;
      fileNav.since = null;
    }
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});

  document.addEventListener('click', () => {
    window.__smLastClick = performance.now();
  }, true);
})();
