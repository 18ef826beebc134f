// A page's first visit in a session (the sites' table, the timeline's charts, a briefing
// slide's map): the page draws what the reader came for alone, and this reporter (an
// st.components.v2 component, stationmap.app.drawn_first) says when it shows: an element
// matching the page's selector (its data) is in the document. The run that report starts draws
// the rest of the page and the sidebar, whose code then loads after the main widget's, not
// before it.
//
// With data.inFrames the element may also be in a same-origin frame's document (a slide's map
// is a srcdoc frame): each frame's document is watched too, for the attribute FRAME_CHANGES
// names, and the one a frame loads in place of its first (about:blank) is looked at on its load
// and watched from then on.
//
// Found in either, the report waits for the browser to paint it (as the map page's own report
// does, bridge.reportShown), so the reader sees the widget before the next run's work starts.
//
// It reports once each time it is put on the page: the element in the document, or, should
// it never come (a widget that cannot draw), after WAIT_MS at most, so the rest of the
// page always follows. Once per mount, not once per browser page: a new session in the same
// page (the server restarted, or another server of a cluster took over) starts drawn-first
// again and must be told too.
const WAIT_MS = 5000;
// In a frame's document, only the attribute a slide's map sets once its view shows (its markers
// added, or none for a view of no sites): watching every element added there made a record of
// each of the thousands of markers MarkerCluster adds and takes out again while it clusters,
// and at 10,000 sites the map showed 100-500 ms later.
const FRAME_CHANGES = {attributes: true, subtree: true, attributeFilter: ["data-sm-view"]};

const reportDrawn = function (component) {
    let reported = false;
    const data = component.data || {};
    const selector = data.selector;
    const inFrames = Boolean(data.inFrames);
    const win = globalThis;
    const doc = win.document;
    const watchers = [];
    const watchedDocs = new WeakSet();
    const framesSeen = [];
    let timer = null;
    const stop = function () {
        watchers.splice(0).forEach(function (watcher) { watcher.disconnect(); });
        framesSeen.splice(0).forEach(function (frame) {
            frame.removeEventListener("load", check);
        });
        if (timer) { win.clearTimeout(timer); }
    };
    const send = function () { component.setTriggerValue("drawn", true); };
    const report = function (afterPaint) {
        if (reported) { return; }
        reported = true;
        stop();
        if (afterPaint) {
            win.requestAnimationFrame(function () { win.setTimeout(send, 0); });
        } else {
            send();
        }
    };
    const watch = function (target, changes) {
        const watcher = new win.MutationObserver(check);
        watcher.observe(target, changes);
        watchers.push(watcher);
    };
    // Whether a same-origin frame shows the element; each frame's document watched once.
    const shownInFrame = function () {
        return Array.prototype.some.call(doc.querySelectorAll("iframe"), function (frame) {
            if (framesSeen.indexOf(frame) < 0) {
                framesSeen.push(frame);
                frame.addEventListener("load", check);
            }
            let inner = null;
            try {
                inner = frame.contentDocument;
            } catch (error) {
                inner = null;  // another origin's frame: not the page's widget
            }
            if (!inner || !inner.documentElement) { return false; }
            if (!watchedDocs.has(inner)) {
                watchedDocs.add(inner);
                watch(inner.documentElement, FRAME_CHANGES);
            }
            return inner.querySelector(selector) !== null;
        });
    };
    function check() {
        if (reported) { return; }
        if (doc.querySelector(selector) || (inFrames && shownInFrame())) {
            report(true);
        }
    }
    check();
    if (reported) { return undefined; }
    watch(doc.body, {childList: true, subtree: true});
    timer = win.setTimeout(function () { report(false); }, WAIT_MS);
    return stop;
};

globalThis.stationmap = globalThis.stationmap || {};
globalThis.stationmap.reportDrawn = reportDrawn;
export default reportDrawn;
