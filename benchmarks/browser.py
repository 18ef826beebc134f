"""Debian's Chromium, fresh contexts, and each timed step of the bench (Playwright, sync API).

How "the map shows it" is told, with no hook from the app but its own DOM:

- the map is the document (the page or a same-origin iframe, e.g. streamlit-folium's) that
  holds ``.leaflet-container``;
- the sites it draws are its marker icons plus the numbers in its cluster icons
  (``.leaflet-marker-pane``); with the map fitted to the sites every one is in view;
- where the map has the app's legend (``.sm-legend li[data-status]``), its count per status
  must match too;
- the app has finished: ``stApp``'s ``data-test-script-state`` is ``notRunning`` and, for the
  app's pages, its sidebar widgets are drawn (``APP_COMPLETE_SELECTOR``): on a browser's first
  visit the map page draws them in a second run, started by the map once it has shown its
  sites (``render_order.map_first``).

A first paint is timed twice: until the map shows the expected sites (the figure compared with
the floor), and until the whole page is complete.

An interaction is timed in the page itself: a watcher started just before the action checks
every 10 ms and notes when the server's run started and ended and when the map showed the
expected sites, relative to the action.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

from benchmarks import layout_shift
from benchmarks.stats import Sample, failed, first_line

# Debian's build, for the bench and the browser tests (tests/browser/conftest.py): Playwright's
# own browser download cannot reach its host from here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    # As root, Chromium refuses to start with its sandbox on.
    "--no-sandbox",
    "--disable-gpu",
    # Without these, Chromium phones Google's hosts at every start; on a closed network
    # that is a burst of refused connections and slow starts.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The (and near enough Lighthouse desktop's) screen, for every figure of the bench.
VIEWPORT = layout_shift.VIEWPORT
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# Bounded waits. A first paint of 10,000 sites on a loaded 2-core machine takes seconds;
# these mean "broken", and the step is recorded as failed.
PAGE_TIMEOUT_MS = 120_000
STEP_TIMEOUT_MS = 90_000
POLL_MS = 20
# A page complete this long after its map showed says so in the raw runs.
COMPLETE_NOTE_MIN_S = 0.05
# After the script finished with no chart element at all, the chart is not coming.
NO_CHART_GRACE_MS = 1_500
# Slider steps tried, one by one, for one that changes the map.
PLAY_MAX_TRIES = 60
# After the script finished with no map at all, the map is not coming: at 10,000 sites the
# component takes a few seconds after the run to build its map, so this is generous.
NO_MAP_GRACE_MS = 20_000

# From the start of each page: every change of the app's script state, with its time since
# navigation, so a first paint can say how many script runs it took.
RECORD_RUNS_JS = """
(() => {
  if (window.top !== window) { return; }
  const changes = [];
  window.__smRuns = changes;
  let last = null;
  // Observed, not polled: a poll can miss a short run while the map's frame, which shares
  // this page's thread, is busy drawing.
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute('data-test-script-state') : null;
    if (state !== last) { changes.push([state, performance.now()]); last = state; }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""

# The state of the page and of every map in it (same-origin frames included).
READ_STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const result = {state: app ? app.getAttribute('data-test-script-state') : null, maps: [],
                  exception: !!document.querySelector('[data-testid="stException"]')};
  const visit = (doc) => {
    if (doc.querySelector('.leaflet-container')) {
      const pane = doc.querySelector('.leaflet-marker-pane');
      let markers = 0, clustered = 0;
      if (pane) {
        markers = pane.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)').length;
        pane.querySelectorAll('.marker-cluster > div > span').forEach((span) => {
          clustered += parseInt(span.textContent, 10) || 0;
        });
      }
      const legend = {};
      doc.querySelectorAll('.sm-legend li[data-status]').forEach((li) => {
        const count = li.querySelector('.sm-legend-count');
        if (count) { legend[li.getAttribute('data-status')] = parseInt(count.textContent, 10); }
      });
      result.maps.push({drawn: markers + clustered, icons: pane ? pane.children.length : 0,
                        legend: legend});
    }
    doc.querySelectorAll('iframe').forEach((frame) => {
      try { if (frame.contentDocument) { visit(frame.contentDocument); } } catch (e) {}
    });
  };
  visit(document);
  return result;
}
"""

# The map matches an expectation ({total, byStatus}); none given: any marker at all.
MATCHES_JS = """
(state, expected) => {
  const idle = state.state === null || state.state === 'notRunning';
  const shown = state.maps.some((map) => {
    if (!expected) { return map.icons > 0; }
    if (map.drawn !== expected.total) { return false; }
    if (Object.keys(map.legend).length === 0) { return true; }
    return Object.entries(expected.byStatus).every(([s, n]) => map.legend[s] === n);
  });
  return {idle: idle, shown: shown};
}
"""

# An app page is complete once its sidebar shows its widgets themselves, not only their places:
# the code of each kind of widget loads on its own, and one drawn late (the language picker, at
# the top) moves every widget below it.
APP_COMPLETE_SELECTOR = tuple(
    f'[data-testid="stSidebar"] [data-testid="{testid}"]'
    for testid in ("stSelectbox", "stTextInput", "stMultiSelect", "stDateInput")
)

# 'ok' once the map shows what is expected (args.until 'shown'), or once besides the app is
# idle and shows every one of args.selector (a selector or a list), if any (args.until
# 'complete'); 'exception' or 'no map' to give up early.
FIRST_PAINT_JS = f"""
(args) => {{
  const read = {READ_STATE_JS};
  const matches = {MATCHES_JS};
  const state = read();
  const verdict = matches(state, args.expected);
  if (args.until === 'shown' && verdict.shown) {{ return 'ok'; }}
  if (verdict.idle && verdict.shown
      && [].concat(args.selector || []).every((s) => document.querySelector(s))) {{
    return 'ok';
  }}
  if (verdict.idle && state.exception) {{ return 'exception'; }}
  if (verdict.idle && state.maps.length === 0 && document.readyState === 'complete') {{
    window.__smNoMapSince = window.__smNoMapSince || performance.now();
    if (performance.now() - window.__smNoMapSince > args.graceMs) {{ return 'no map'; }}
  }} else {{
    window.__smNoMapSince = undefined;
  }}
  return false;
}}
"""

START_WATCH_JS = f"""
(expected) => {{
  const read = {READ_STATE_JS};
  const matches = {MATCHES_JS};
  if (window.__smWatch) {{ clearInterval(window.__smWatch.timer); }}
  const watch = {{t0: performance.now(), marks: {{}}, done: false, last: null}};
  window.__smWatch = watch;
  const tick = () => {{
    const now = performance.now() - watch.t0;
    const state = read();
    const verdict = matches(state, expected);
    if (state.state === 'running' && watch.marks.running === undefined) {{
      watch.marks.running = now;
    }}
    if (state.state === 'notRunning' && watch.marks.running !== undefined
        && watch.marks.finished === undefined) {{
      watch.marks.finished = now;
    }}
    if (verdict.shown && watch.marks.shown === undefined) {{ watch.marks.shown = now; }}
    if (verdict.shown && verdict.idle) {{
      watch.marks.done = now;
      watch.done = true;
      clearInterval(watch.timer);
    }} else if (verdict.idle && state.exception) {{
      watch.error = 'the app shows an exception';
      watch.done = true;
      clearInterval(watch.timer);
    }}
    watch.last = {{state: state.state, maps: state.maps}};
  }};
  watch.timer = setInterval(tick, 10);
  return true;
}}
"""

# Resolves to {drawn: true} once the script has finished and a Vega chart has drawn, or to
# {drawn: false} once the script has stayed finished with no chart element for `graceMs`.
CHART_SETTLED_JS = """
(graceMs) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
  const charts = document.querySelectorAll(
    '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"], .vega-embed');
  let drawn = false;
  charts.forEach((chart) => {
    if (chart.querySelector('canvas, svg.marks')) { drawn = true; }
  });
  if (idle && drawn) { return {drawn: true}; }
  if (!idle || charts.length) { window.__smNoChartSince = null; return false; }
  window.__smNoChartSince = window.__smNoChartSince || performance.now();
  return performance.now() - window.__smNoChartSince > graceMs ? {drawn: false} : false;
}
"""

# A client-side time control inside the map: a range input, or a button saying it steps.
FIND_PLAY_CONTROL_JS = """
() => {
  const found = [];
  const visit = (doc, path) => {
    if (doc.querySelector('.leaflet-container')) {
      const range = doc.querySelector('input[type="range"]');
      if (range) { found.push({kind: 'range', path: path}); return; }
      const buttons = [...doc.querySelectorAll('button, [role="button"]')].filter((b) =>
        /step|next|forward|play/i.test(
          (b.getAttribute('aria-label') || '') + ' ' + (b.title || '') + ' ' + b.textContent));
      if (buttons.length) { found.push({kind: 'button', path: path}); }
    }
    doc.querySelectorAll('iframe').forEach((frame, i) => {
      try { if (frame.contentDocument) { visit(frame.contentDocument, path.concat([i])); } }
      catch (e) {}
    });
  };
  visit(document, []);
  return found[0] || null;
}
"""


def is_local_url(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


# The bench's browser sends every request for another host to a proxy that is not there
# (nothing listens on port 9, "discard", here), where it fails at once; Chromium never sends
# loopback requests to a proxy. So no page the bench opens can reach off this machine, and no
# request waits on this process: routing each one through Playwright (``context.route``), as
# the browser tests do to record them, added about 0.25 s to every page load, the floors' as
# much as the app's, and their variation with it (docs/performance.md, thirteenth round).
OFF_MACHINE_PROXY = "http://127.0.0.1:9"


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, able to reach this machine only (`OFF_MACHINE_PROXY`)."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: install Debian's chromium (never `playwright install`)."
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--proxy-server={OFF_MACHINE_PROXY}"],
    )


FILTERS_OPEN_JS = (Path(__file__).resolve().parent / "js" / "filters_open.js").read_text(
    encoding="utf-8"
)


def open_filters(context: BrowserContext) -> None:
    """Start every page of `context` with the sidebar (the filters) open, as for a reader who
    has opened it before (js/filters_open.js): the app starts it closed for a new reader."""
    context.add_init_script(FILTERS_OPEN_JS)


@contextmanager
def fresh_page(browser: Browser, *, watch: bool = False) -> Iterator[Page]:
    """A page in a new context (no cache, no cookies) of a browser from `launch`, where any
    request off this machine fails (and is kept in ``page.third_party_requests``); `watch`:
    with layout shifts, script states and clicks recorded (layout_shift.install), as a new
    reader sees it (the filters closed); otherwise with the filters open, for the steps that
    use them."""
    context: BrowserContext = browser.new_context(
        viewport=VIEWPORT, locale="en-US", timezone_id="UTC"
    )
    page = context.new_page()
    page.third_party_requests = []
    page.errors_seen = []

    def note_off_machine(request) -> None:
        # Failed at the proxy that is not there (launch): only off-machine requests go to it.
        if not is_local_url(request.url):
            page.third_party_requests.append(request.url)

    context.on("requestfailed", note_off_machine)
    context.add_init_script(RECORD_RUNS_JS)
    if watch:
        layout_shift.install(context)
    else:
        open_filters(context)
    page.on("pageerror", lambda error: page.errors_seen.append(str(error)))
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield page
    finally:
        try:
            context.close()
        except PlaywrightError:
            pass


def app_exception(page: Page) -> str | None:
    """The text of an exception box Streamlit shows, if any."""
    try:
        boxes = page.get_by_test_id("stException")
        if boxes.count():
            return "app shows an exception: " + boxes.first.inner_text()[:200]
    except PlaywrightError:
        return None
    return None


def _wait_for_map(
    page: Page,
    expected: dict | None,
    timeout_ms: float,
    *,
    until: str = "complete",
    complete_selector: str | tuple[str, ...] | None = APP_COMPLETE_SELECTOR,
) -> str | None:
    """Wait until the map shows `expected` (or any marker) and, `until` "complete", the page
    is idle and shows every `complete_selector` (None: nothing more); the reason if it does
    not."""
    try:
        outcome = page.wait_for_function(
            FIRST_PAINT_JS,
            arg={
                "expected": expected,
                "graceMs": NO_MAP_GRACE_MS,
                "until": until,
                "selector": complete_selector,
            },
            polling=POLL_MS,
            timeout=timeout_ms,
        ).json_value()
    except PlaywrightError as error:
        return f"{first_line(error)}; last state: {read_state(page)}"
    if outcome == "exception":
        return app_exception(page) or "the app shows an exception"
    if outcome == "no map":
        return f"the page finished with no map for {NO_MAP_GRACE_MS / 1000:.0f} s"
    return None


def time_first_paint(
    page: Page,
    url: str,
    expected: dict | None = None,
    complete_selector: str | tuple[str, ...] | None = None,
) -> Sample:
    """Seconds from opening `url` to its map showing markers (the expected ones, if given).

    Then waits for the page to be complete: idle, and showing every `complete_selector`
    (`APP_COMPLETE_SELECTOR` for the app); that time is the detail's ``complete``.
    """
    start = time.monotonic()
    try:
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
    except PlaywrightError as error:
        return failed(first_line(error))
    problem = _wait_for_map(
        page, expected, PAGE_TIMEOUT_MS, until="shown", complete_selector=complete_selector
    )
    shown = time.monotonic() - start
    if problem:
        return failed(problem)
    problem = _wait_for_map(page, expected, PAGE_TIMEOUT_MS, complete_selector=complete_selector)
    complete = time.monotonic() - start
    if problem:
        return failed(f"map shown at {shown:.2f} s, then: {problem}")
    phases = _script_runs(page)
    if complete - shown >= COMPLETE_NOTE_MIN_S:
        complete_note = f"page complete at {complete:.2f}"
        phases = f"{phases}; {complete_note}" if phases else complete_note
    return Sample(shown, detail={"phases": phases, "complete": complete})


def _script_runs(page: Page) -> str:
    """'2 script runs, the last ended at 1.90' for a Streamlit page; '' for any other."""
    try:
        changes = page.evaluate("() => window.__smRuns || []")
    except PlaywrightError:
        return ""
    runs = sum(1 for state, _ms in changes if state == "running")
    ended = [ms for state, ms in changes if state == "notRunning"]
    if not runs or not ended:
        return ""
    noun = "script run" if runs == 1 else "script runs"
    return f"{runs} {noun}, the last ended at {ended[-1] / 1000:.2f}"


def read_state(page: Page) -> object:
    try:
        return page.evaluate(READ_STATE_JS)
    except PlaywrightError as error:
        return f"<unreadable: {first_line(error)}>"


def _watch_result(page: Page, timeout_ms: float) -> Sample:
    """Wait for the watcher started before an action; the figure is its ``done`` mark."""
    try:
        page.wait_for_function(
            "() => window.__smWatch && window.__smWatch.done", polling=POLL_MS, timeout=timeout_ms
        )
    except PlaywrightError as error:
        last = page.evaluate("() => window.__smWatch && window.__smWatch.last")
        return failed(f"{first_line(error)}; last state: {last}")
    error = page.evaluate("() => window.__smWatch.error || null")
    if error:
        return failed(app_exception(page) or error)
    marks = page.evaluate("() => window.__smWatch.marks")
    phases = []
    if "finished" in marks:
        phases.append(f"server run ended {marks['finished'] / 1000:.2f}")
    if "shown" in marks:
        phases.append(f"map shown {marks['shown'] / 1000:.2f}")
    problem = app_exception(page)
    if problem:
        return failed(problem)
    return Sample(marks["done"] / 1000, detail={"marks": marks, "phases": ", ".join(phases)})


def _start_watch(page: Page, expected: dict) -> None:
    page.evaluate(START_WATCH_JS, expected)


def multiselect(page: Page, label: str):
    return page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )


def time_multiselect_pick(
    page: Page, widget_label: str, option_label: str, expected: dict
) -> Sample:
    """Seconds from picking an option in a sidebar multiselect to the map showing `expected`.

    The option's label is typed first, as people do in a long list: the list then holds that
    option alone, so the click cannot land on a neighbour while the list scrolls.
    """
    try:
        multiselect(page, widget_label).click()
        page.keyboard.type(option_label)
        option = page.get_by_role("option", name=option_label, exact=True)
        option.wait_for(state="visible")
        _start_watch(page, expected)
        option.click()
        page.keyboard.press("Escape")
    except PlaywrightError as error:
        return failed(f"could not pick {option_label!r} in {widget_label!r}: {first_line(error)}")
    sample = _watch_result(page, STEP_TIMEOUT_MS)
    if not sample.ok:
        try:
            chosen = (
                multiselect(page, widget_label)
                .locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
                .evaluate_all("(tags) => tags.map((tag) => tag.getAttribute('aria-label'))")
            )
        except PlaywrightError:
            chosen = "?"
        sample.error = f"{sample.error}; the widget shows {chosen}"
    return sample


def time_month_step(page: Page, date_label: str, expected: dict) -> Sample:
    """Seconds from stepping a sidebar date's month up by one to the map showing `expected`.

    The month field is focused, ArrowUp steps it, Escape commits the date (Streamlit's
    date field sends its value when the field is left or its picker closed).
    """
    try:
        month = page.get_by_role("spinbutton", name=f"month, {date_label}")
        month.focus()
        _start_watch(page, expected)
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Escape")
    except PlaywrightError as error:
        return failed(f"could not step the month of {date_label!r}: {first_line(error)}")
    return _watch_result(page, STEP_TIMEOUT_MS)


def wait_for_map(page: Page, expected: dict, timeout_ms: float = PAGE_TIMEOUT_MS) -> str | None:
    """Wait (untimed) until the map shows `expected`; the reason if it never does."""
    return _wait_for_map(page, expected, timeout_ms)


# The in-map time slider, stepped in the page and timed there. A step that changes nothing on
# the map (no event that month, for the sites shown) cannot be seen, so steps are taken one by
# one until one changes the markers or the legend; that step is timed, from its input event to
# the frame in which the markers drawn add up to the legend's count again.
PLAY_STEP_JS = f"""
async (control) => {{
  const read = {READ_STATE_JS};
  let doc = document;
  for (const i of control.path) {{ doc = doc.querySelectorAll('iframe')[i].contentDocument; }}
  const range = doc.querySelector('input[type="range"]');
  if (!range) {{ return {{error: 'n/a: the map has a play button but no slider to step'}}; }}
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const signature = () => JSON.stringify(read().maps);
  const settled = () => read().maps.some((map) => {{
    const keys = Object.keys(map.legend).filter((key) => key !== 'country-level');
    if (!keys.length) {{ return true; }}
    return map.drawn === keys.reduce((sum, key) => sum + (map.legend[key] || 0), 0);
  }});
  const low = Number(range.min), high = Number(range.max), size = Number(range.step) || 1;
  let direction = 1;
  for (let tries = 1; tries <= {PLAY_MAX_TRIES}; tries++) {{
    let next = Number(range.value) + direction * size;
    if (next > high || next < low) {{
      direction = -direction;
      next = Number(range.value) + direction * size;
      if (next > high || next < low) {{ return {{error: 'the slider has one position'}}; }}
    }}
    const before = signature();
    const t0 = performance.now();
    range.value = String(next);
    range.dispatchEvent(new Event('input', {{bubbles: true}}));
    range.dispatchEvent(new Event('change', {{bubbles: true}}));
    await frame();
    if (signature() === before) {{ continue; }}
    while (performance.now() - t0 < {STEP_TIMEOUT_MS}) {{
      if (settled()) {{ return {{ms: performance.now() - t0, tries: tries}}; }}
      await frame();
    }}
    return {{error: 'after a step the markers never added up to the legend'}};
  }}
  return {{error: 'no step of the slider changed the map ({PLAY_MAX_TRIES} tried)'}};
}}
"""


def time_play_step(page: Page) -> Sample:
    """One step of a client-side time control in the map, if the map has one."""
    try:
        if not page.evaluate(READ_STATE_JS)["maps"]:
            return failed("no map to step")
        control = page.evaluate(FIND_PLAY_CONTROL_JS)
    except PlaywrightError as error:
        return failed(first_line(error))
    if control is None:
        return failed("n/a: the map has no client-side time control")
    try:
        outcome = page.evaluate(PLAY_STEP_JS, control)
    except PlaywrightError as error:
        return failed(first_line(error))
    if "error" in outcome:
        return failed(outcome["error"])
    return Sample(outcome["ms"] / 1000, detail={"phases": f"step {outcome['tries']} changed it"})


def time_chart(page: Page, url: str) -> Sample:
    """Seconds from opening `url` to a Vega chart's canvas or SVG on it."""
    start = time.monotonic()
    try:
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
    except PlaywrightError as error:
        return failed(first_line(error))
    try:
        outcome = page.wait_for_function(
            CHART_SETTLED_JS,
            arg=NO_CHART_GRACE_MS,
            polling=POLL_MS,
            timeout=max(PAGE_TIMEOUT_MS - (time.monotonic() - start) * 1000, 1),
        ).json_value()
    except PlaywrightError:
        return failed(f"no chart drawn within {PAGE_TIMEOUT_MS / 1000:.0f} s")
    elapsed = time.monotonic() - start
    if not outcome["drawn"]:
        return failed("the page finished with no Vega chart on it")
    problem = app_exception(page)
    return failed(problem) if problem else Sample(elapsed)
