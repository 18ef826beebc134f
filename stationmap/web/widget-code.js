// The code of the other pages' main widgets (Streamlit's table, its chart), imported once the
// page is drawn and the browser idle, so a reader's first change to one of those pages does not
// wait for it (stationmap.app.widget_code says why and measures it). An st.components.v2
// component at the end of the page; its data names Streamlit's chunk files (js/...) and style
// sheets (css/...), as paths under Streamlit's static folder.
//
// The files are resolved against Streamlit's own entry script (static/js/index.<hash>.js): a
// script's URL is then the one Streamlit's import of the chunk asks for, and the browser's
// module map holds the module once, evaluated here or there. Importing a module that is
// already there costs nothing, so each mount may ask again. A style sheet is linked as
// Streamlit's loader (Vite's) links it, which then finds it there and does not wait for it.
//
// Then, once a document, it warms Vega's code: a first chart compiled it, and a reader's first
// change to the timeline waited for that. The data's chart names vega-embed's and
// vega-interpreter's chunks and gives the spec of a small timeline chart; the loader draws it
// with the options Streamlit's chart gives Vega, in an element it never puts in the page (no
// layout, nothing for a screen reader or a test to find), and throws it away. A Streamlit whose
// chunks do not export what is looked for gets a warning in the console and no warm-up.
//
// The page's <html> says where the loader is (data-sm-widget-code: "loading", then "loaded", or
// "stopped" if it was taken off the page first), so browser tests act on a settled page: while it
// compiles those files, the messages of a short script run can reach the page together, and
// Streamlit then never shows the run as "running".
const STATE_ATTRIBUTE = "data-sm-widget-code";

// In an idle period after Streamlit has finished its run and the page's own files have come
// (none for NETWORK_QUIET_MS): the page's own work and downloads come first. A page that had
// just run its script often still fetched its widgets' code for a while.
const IDLE_TIMEOUT_MS = 10000;
const NETWORK_QUIET_MS = 200;
const ENTRY_SCRIPT = /\/static\/js\/index\.[A-Za-z0-9_-]+\.js$/;

// A script under js/ or a style sheet under css/, by a bare file name: nothing from elsewhere is
// ever imported or linked.
const FILE = /^(js\/[A-Za-z0-9_.-]+\.js|css\/[A-Za-z0-9_.-]+\.css)$/;

// The absolute URL of each file under Streamlit's static folder, the parent of its entry
// script's; none without that script.
const chunkUrls = function (doc, files) {
    const scripts = Array.prototype.slice.call(doc.querySelectorAll("script[src]"));
    const entry = scripts.find(function (script) {
        return ENTRY_SCRIPT.test(new URL(script.src).pathname);
    });
    if (!entry) { return []; }
    const staticRoot = new URL("../", entry.src);
    return files.filter(function (file) { return FILE.test(file); })
        .map(function (file) { return new URL(file, staticRoot).href; });
};

// Link a style sheet as Vite's loader would (rel, crossorigin, href), unless it is linked.
const linkStyleSheet = function (doc, url) {
    const linked = Array.prototype.some.call(doc.getElementsByTagName("link"), function (link) {
        return link.href === url && link.rel === "stylesheet";
    });
    if (linked) { return; }
    const link = doc.createElement("link");
    link.rel = "stylesheet";
    link.crossOrigin = "";
    link.href = url;
    doc.head.appendChild(link);
};

// Whether Streamlit is between runs (a page without the attribute counts as idle).
const appIdle = function (doc) {
    const app = doc.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute("data-test-script-state") : null;
    return state === null || state === "notRunning";
};

// When the page's last file arrived (Resource Timing), as files keep coming: an observer, as the
// browser's list of them stops at 250 entries and a Streamlit page fetches more. Without Resource
// Timing the network counts as quiet.
const watchNetwork = function (win) {
    const perf = win.performance;
    let lastEnd = 0;
    const note = function (entries) {
        entries.forEach(function (entry) { lastEnd = Math.max(lastEnd, entry.responseEnd); });
    };
    if (perf && perf.getEntriesByType) { note(perf.getEntriesByType("resource")); }
    let observer = null;
    if (win.PerformanceObserver) {
        observer = new win.PerformanceObserver(function (list) { note(list.getEntries()); });
        observer.observe({type: "resource"});
    }
    return {
        quiet: function () { return !perf || perf.now() - lastEnd >= NETWORK_QUIET_MS; },
        stop: function () { if (observer) { observer.disconnect(); } },
    };
};

// The options Streamlit's chart (ArrowVegaLiteChart) gives vega-embed, but the interpreter's.
const CHART_OPTIONS = {
    ast: true,
    tooltip: {disableDefaultStyle: true},
    defaultStyle: false,
    actions: false,
};

// A chart Streamlit has drawn on the page.
const DRAWN_CHART = '[data-testid="stVegaLiteChart"] .vega-embed';

// vega-embed's namespace (its default export is the embed function) among a chunk's exports.
const findEmbed = function (module) {
    return Object.values(module || {}).find(function (value) {
        return value !== null && typeof value === "object" && typeof value.default === "function" &&
            typeof value.vegaLite === "object" && value.vegaLite !== null;
    });
};

// vega-interpreter's expression interpreter among a chunk's exports.
const findInterpreter = function (module) {
    return Object.values(module || {}).find(function (value) {
        return value !== null && typeof value === "object" &&
            typeof value.operator === "function" && typeof value.encode === "function";
    });
};

// Draw chart.spec once in this document, out of the page, and throw it away; resolves when
// done or given up, never rejects.
const warmChart = function (win, doc, chart, load) {
    if (!chart || !chart.spec || win.__stationmapChartWarm) { return Promise.resolve(); }
    // A page that has drawn a chart of its own has compiled Vega already.
    if (doc.querySelector(DRAWN_CHART)) {
        win.__stationmapChartWarm = true;
        return Promise.resolve();
    }
    const urls = chunkUrls(doc, [chart.embed, chart.interpreter]);
    if (urls.length !== 2) { return Promise.resolve(); }
    win.__stationmapChartWarm = true;
    return Promise.all(urls.map(function (url) { return load(url); }))
        .then(function (modules) {
            const embed = findEmbed(modules[0]);
            const interpreter = findInterpreter(modules[1]);
            if (!embed || !interpreter) {
                console.warn("stationmap: no chart warm-up: vega-embed or its interpreter not found");
                return null;
            }
            const options = Object.assign({}, CHART_OPTIONS, {expr: interpreter});
            return embed.default(doc.createElement("div"), chart.spec, options)
                .then(function (result) { result.finalize(); });
        })
        .catch(function (error) { console.warn("stationmap: no chart warm-up:", error); });
};

const loadWidgetCode = function (component, importModule) {
    const win = globalThis;
    const doc = win.document;
    const load = importModule || function (url) { return import(url); };
    const files = (component.data && component.data.files) || [];
    const urls = chunkUrls(doc, files);
    let stopped = false;
    let handle = null;
    const network = urls.length ? watchNetwork(win) : null;
    const whenIdle = function (callback) {
        handle = win.requestIdleCallback
            ? {idle: win.requestIdleCallback(callback, {timeout: IDLE_TIMEOUT_MS})}
            : {timer: win.setTimeout(callback, 0)};
    };
    const start = function () {
        whenIdle(function () {
            handle = null;
            if (stopped) { return; }
            if (!appIdle(doc) || !network.quiet()) {
                handle = {timer: win.setTimeout(start, NETWORK_QUIET_MS)};
                return;
            }
            network.stop();
            // All at once: the browser fetches them side by side, and they are in before a
            // reader's next click more often than one after the other.
            Promise.all(urls.map(function (url) {
                return Promise.resolve()
                    .then(function () {
                        if (/\.css$/.test(url)) { return linkStyleSheet(doc, url); }
                        return load(url);
                    })
                    .catch(function (error) {
                        console.warn("stationmap: widget code not preloaded:", url, error);
                    });
            }))
                .then(function () {
                    if (stopped) { return null; }
                    return warmChart(win, doc, component.data && component.data.chart, load);
                })
                .then(function () { say("loaded"); });
        });
    };
    const say = function (state) {
        if (doc.documentElement) { doc.documentElement.setAttribute(STATE_ATTRIBUTE, state); }
    };
    if (urls.length) {
        say("loading");
        start();
    }
    return function () {
        if (!stopped && handle) { say("stopped"); }
        stopped = true;
        if (network) { network.stop(); }
        if (handle && handle.idle !== undefined && win.cancelIdleCallback) {
            win.cancelIdleCallback(handle.idle);
        }
        if (handle && handle.timer !== undefined) { win.clearTimeout(handle.timer); }
    };
};

globalThis.stationmap = globalThis.stationmap || {};
globalThis.stationmap.loadWidgetCode = loadWidgetCode;
globalThis.stationmap.widgetChunkUrls = chunkUrls;
globalThis.stationmap.warmChart = warmChart;
export default function (component) { return loadWidgetCode(component); }
