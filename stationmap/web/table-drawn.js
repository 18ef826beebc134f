// On the sites page, a session's first visit: the page draws its title, counts and table
// alone, and this reporter (an st.components.v2 component, stationmap.app.table_first) says
// when the table shows its cells; the run that report starts draws the rest of the page and
// the sidebar. Their code then loads after the table's, not before it.
//
// It reports once each time it is put on the page: the table's cells in the document, or,
// should they never come (a grid that cannot draw), after WAIT_MS at most, so the rest of the
// page always follows. Once per mount, not once per browser page: a new session in the same
// page (the server restarted, or another server of a cluster took over) starts table-first
// again and must be told too.
const CELL_SELECTOR = '[data-testid="stDataFrame"] [role="gridcell"]';
const WAIT_MS = 5000;

const reportTableDrawn = function (component) {
    let reported = false;
    const doc = globalThis.document;
    let watcher = null;
    let timer = null;
    const stop = function () {
        if (watcher) { watcher.disconnect(); }
        if (timer) { globalThis.clearTimeout(timer); }
    };
    const report = function () {
        if (reported) { return; }
        reported = true;
        stop();
        component.setTriggerValue("drawn", true);
    };
    if (doc.querySelector(CELL_SELECTOR)) {
        report();
        return undefined;
    }
    watcher = new globalThis.MutationObserver(function () {
        if (doc.querySelector(CELL_SELECTOR)) { report(); }
    });
    watcher.observe(doc.body, { childList: true, subtree: true });
    timer = globalThis.setTimeout(report, WAIT_MS);
    return stop;
};

globalThis.stationmap = globalThis.stationmap || {};
globalThis.stationmap.reportTableDrawn = reportTableDrawn;
export default reportTableDrawn;
