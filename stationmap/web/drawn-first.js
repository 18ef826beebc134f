// A page's first visit in a session (the sites' table, the timeline's charts): the page draws
// what the reader came for alone, and this reporter (an st.components.v2 component,
// stationmap.app.drawn_first) says when it shows: an element matching the page's selector
// (its data) is in the document. The run that report starts draws the rest of the page and
// the sidebar, whose code then loads after the main widget's, not before it.
//
// It reports once each time it is put on the page: the element in the document, or, should
// it never come (a widget that cannot draw), after WAIT_MS at most, so the rest of the
// page always follows. Once per mount, not once per browser page: a new session in the same
// page (the server restarted, or another server of a cluster took over) starts drawn-first
// again and must be told too.
const WAIT_MS = 5000;

const reportDrawn = function (component) {
    let reported = false;
    const selector = component.data && component.data.selector;
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
    if (doc.querySelector(selector)) {
        report();
        return undefined;
    }
    watcher = new globalThis.MutationObserver(function () {
        if (doc.querySelector(selector)) { report(); }
    });
    watcher.observe(doc.body, { childList: true, subtree: true });
    timer = globalThis.setTimeout(report, WAIT_MS);
    return stop;
};

globalThis.stationmap = globalThis.stationmap || {};
globalThis.stationmap.reportDrawn = reportDrawn;
export default reportDrawn;
