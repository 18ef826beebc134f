// stationmap/web/widget-code.js under Node: the other pages' widget code is imported (and the
// grid's style sheet linked) from beside Streamlit's entry script, once the app and the browser
// are idle, and nothing else is ever loaded.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

// An ES module for Streamlit's components v2; run here as a script without its export.
const SCRIPT = fs.readFileSync(
    path.join(__dirname, "..", "..", "stationmap", "web", "widget-code.js"), "utf8")
    .replace(/^export default .*$/m, "");

const ENTRY = "http://localhost:8501/static/js/index.DormvYxC.js";
const FILES = ["css/DataFrame.DUkanX9_.css", "js/DataFrame.-f9-1zS0.js", "js/Checkbox.CaT4asBe.js"];

// A page with Streamlit's entry script (or none), its app in `state`, the files it has had
// (`ends`: when each arrived) at the time `now`; idle callbacks and timers run by hand.
function page({
    entry = ENTRY, state = "notRunning", links = [], ends = [0], now = 5000, chartDrawn = false,
} = {}) {
    const idle = new Map();
    let nextIdle = 1;
    const timers = new Map();
    let nextTimer = 1;
    const observers = [];
    const clock = {now};
    const head = [];
    const app = {getAttribute: () => app.state, state};
    const html = {attributes: {}, setAttribute: (name, value) => { html.attributes[name] = value; }};
    const context = {
        URL,
        Promise,
        console: {warn: (...args) => context.warnings.push(args)},
        document: {
            documentElement: html,
            head: {appendChild: (element) => head.push(element)},
            querySelectorAll: () => (entry ? [{src: "http://localhost:8501/x.js"}, {src: entry}] : []),
            querySelector: (selector) => {
                if (selector.includes("stApp")) { return app; }
                return chartDrawn && selector.includes("stVegaLiteChart") ? {} : null;
            },
            getElementsByTagName: () => [...links, ...head],
            createElement: (tag) => ({tag, children: []}),
        },
        requestIdleCallback: (fn) => { idle.set(nextIdle, fn); return nextIdle++; },
        cancelIdleCallback: (id) => { idle.delete(id); },
        setTimeout: (fn) => { timers.set(nextTimer, fn); return nextTimer++; },
        clearTimeout: (id) => { timers.delete(id); },
        performance: {
            now: () => clock.now,
            getEntriesByType: () => ends.map((end) => ({responseEnd: end})),
        },
        PerformanceObserver: class {
            constructor(callback) { this.callback = callback; this.on = false; }
            observe(options) { this.on = true; this.options = options; observers.push(this); }
            disconnect() { this.on = false; }
        },
        warnings: [],
    };
    context.globalThis = context;
    vm.createContext(context);
    vm.runInContext(SCRIPT, context);
    return {
        load: context.stationmap.loadWidgetCode,
        urls: context.stationmap.widgetChunkUrls,
        document: context.document,
        app,
        head,
        idle,
        state: () => html.attributes["data-sm-widget-code"],
        timers,
        observers,
        clock,
        warnings: context.warnings,
        fileArrives(end) {
            observers.filter((o) => o.on).forEach((o) => o.callback({getEntries: () => [{responseEnd: end}]}));
        },
        runTimers() {
            const due = [...timers.values()];
            timers.clear();
            due.forEach((fn) => fn());
        },
        async runIdle() {
            const due = [...idle.entries()];
            idle.clear();
            due.forEach(([, fn]) => fn());
            // Every promise the loader chains (imports, then the chart's warm-up) settles.
            for (let turn = 0; turn < 5; turn += 1) {
                await new Promise((resolve) => setImmediate(resolve));
            }
        },
        window: context,
    };
}

function recorder(fail = new Set()) {
    const imported = [];
    return {
        imported,
        importModule: (url) => {
            imported.push(url);
            return fail.has(url) ? Promise.reject(new Error("404")) : Promise.resolve({});
        },
    };
}

test("the files are resolved beside Streamlit's entry script, whatever the page's path", () => {
    const browser = page();
    assert.deepEqual(browser.urls(browser.document, FILES), [
        "http://localhost:8501/static/css/DataFrame.DUkanX9_.css",
        "http://localhost:8501/static/js/DataFrame.-f9-1zS0.js",
        "http://localhost:8501/static/js/Checkbox.CaT4asBe.js",
    ]);
    // Under a base path too (server.baseUrlPath).
    const based = page({entry: "https://example.org/app/static/js/index.abc_-1.js"});
    assert.deepEqual(based.urls(based.document, ["js/DataFrame.x.js"]),
        ["https://example.org/app/static/js/DataFrame.x.js"]);
});

test("only a bare script or style sheet under Streamlit's folders is ever loaded", () => {
    const browser = page();
    const hostile = [
        "https://elsewhere.example/x.js", "//elsewhere.example/x.js", "js/../../x.js",
        "js/a/b.js", "js/x.css", "css/x.js", "javascript:alert(1)", "js/x.js?y", "../x.js",
    ];
    assert.deepEqual(browser.urls(browser.document, hostile), []);
});

test("without Streamlit's entry script nothing is loaded", async () => {
    const browser = page({entry: null});
    const modules = recorder();
    browser.load({data: {files: FILES}}, modules.importModule);
    assert.equal(browser.idle.size, 0);
    assert.deepEqual(modules.imported, []);
    assert.equal(browser.state(), undefined);
});

test("once the browser is idle the scripts are imported and the style sheet linked once", async () => {
    const browser = page({
        links: [{href: "http://localhost:8501/static/css/index.C1JORDN2.css", rel: "stylesheet"}],
    });
    const modules = recorder();
    browser.load({data: {files: FILES}}, modules.importModule);
    // Nothing before an idle period.
    assert.deepEqual(modules.imported, []);
    assert.equal(browser.head.length, 0);
    assert.equal(browser.state(), "loading");
    await browser.runIdle();
    // The page says once everything has come, for the browser tests.
    assert.equal(browser.state(), "loaded");
    assert.deepEqual(modules.imported, [
        "http://localhost:8501/static/js/DataFrame.-f9-1zS0.js",
        "http://localhost:8501/static/js/Checkbox.CaT4asBe.js",
    ]);
    // Linked as Vite's loader links it, so that loader finds it there.
    assert.equal(browser.head.length, 1);
    assert.equal(browser.head[0].rel, "stylesheet");
    assert.equal(browser.head[0].crossOrigin, "");
    assert.equal(browser.head[0].href, "http://localhost:8501/static/css/DataFrame.DUkanX9_.css");
    // A second mount (another page) imports again, which the module map makes free, and does
    // not link the style sheet twice.
    browser.load({data: {files: FILES}}, modules.importModule);
    await browser.runIdle();
    assert.equal(modules.imported.length, 4);
    assert.equal(browser.head.length, 1);
});

test("while Streamlit runs a script it waits, and looks again in an idle period", async () => {
    const browser = page({state: "running"});
    const modules = recorder();
    browser.load({data: {files: FILES}}, modules.importModule);
    await browser.runIdle();
    assert.deepEqual(modules.imported, []);
    assert.equal(browser.timers.size, 1);
    browser.app.state = "notRunning";
    browser.runTimers();
    await browser.runIdle();
    assert.equal(modules.imported.length, 2);
});

test("it waits until the page's own files have stopped coming for a moment", async () => {
    // The last file came 50 ms ago.
    const browser = page({ends: [100, 4950], now: 5000});
    const modules = recorder();
    browser.load({data: {files: FILES}}, modules.importModule);
    // Every file is watched, not only the 250 the browser lists.
    assert.equal(JSON.stringify(browser.observers.map((o) => o.options)), "[{\"type\":\"resource\"}]");
    await browser.runIdle();
    assert.deepEqual(modules.imported, []);
    // Another comes while it waits.
    browser.clock.now = 5200;
    browser.fileArrives(5150);
    browser.runTimers();
    await browser.runIdle();
    assert.deepEqual(modules.imported, []);
    browser.clock.now = 5400;
    browser.runTimers();
    await browser.runIdle();
    assert.equal(modules.imported.length, 2);
    // Then it stops watching.
    assert.ok(browser.observers.every((o) => !o.on));
});

test("a file that fails is said in the console and the others still load", async () => {
    const failing = "http://localhost:8501/static/js/DataFrame.-f9-1zS0.js";
    const browser = page();
    const modules = recorder(new Set([failing]));
    browser.load({data: {files: FILES}}, modules.importModule);
    await browser.runIdle();
    assert.equal(modules.imported.length, 2);
    assert.equal(browser.state(), "loaded");
    assert.equal(browser.warnings.length, 1);
    assert.equal(browser.warnings[0][1], failing);
});

test("unmounted before the browser was idle, it loads nothing", async () => {
    const browser = page();
    const modules = recorder();
    const stop = browser.load({data: {files: FILES}}, modules.importModule);
    stop();
    assert.equal(browser.idle.size, 0);
    assert.ok(browser.observers.every((o) => !o.on));
    assert.equal(browser.state(), "stopped");
    await browser.runIdle();
    assert.deepEqual(modules.imported, []);
});

// The warm-up's two chunks, as Streamlit's build exports them: vega-embed's namespace and
// vega-interpreter's interpreter among other exports under minified names.
const EMBED = "js/embed.CX5AQgxi.js";
const INTERPRETER = "js/vega-interpreter.C4ySyTor.js";
const SPEC = {mark: "point", data: {values: [{a: 1}]}};

function vega({embedFails = false, shapes = true} = {}) {
    const drawn = [];
    const interpreter = {operator() {}, parameter() {}, encode() {}};
    const embed = function (element, spec, options) {
        const result = {finalized: false, finalize() { result.finalized = true; }};
        drawn.push({element, spec, options, result});
        return embedFails ? Promise.reject(new Error("bad spec")) : Promise.resolve(result);
    };
    const modules = {
        [`http://localhost:8501/static/${EMBED}`]: shapes
            ? {t: embed, n: {default: embed, vega: {}, vegaLite: {}, version: "7"}, r: 1}
            : {t: embed},
        [`http://localhost:8501/static/${INTERPRETER}`]: shapes
            ? {a: 1, b: () => 2, c: interpreter, d: null}
            : {a: 1},
    };
    const imported = [];
    return {
        drawn,
        imported,
        interpreter,
        importModule: (url) => {
            imported.push(url);
            return Promise.resolve(modules[url] || {});
        },
    };
}

const WITH_CHART = {files: FILES, chart: {embed: EMBED, interpreter: INTERPRETER, spec: SPEC}};

test("after the code, a chart is drawn once a document out of the page, as Streamlit draws one", async () => {
    const browser = page();
    const charts = vega();
    browser.load({data: WITH_CHART}, charts.importModule);
    await browser.runIdle();
    assert.equal(browser.state(), "loaded");
    assert.equal(charts.drawn.length, 1);
    const [{element, spec, options, result}] = charts.drawn;
    assert.equal(spec, SPEC);
    // Made for it and never put in the page: nothing is laid out, read out or found by a test.
    assert.equal(element.tag, "div");
    assert.equal(browser.head.length, 1); // the grid's style sheet, nothing more
    // Streamlit's options, with the interpreter it gives Vega: no code is made from strings.
    assert.equal(options.expr, charts.interpreter);
    assert.equal(options.ast, true);
    assert.equal(options.actions, false);
    assert.equal(options.defaultStyle, false);
    assert.deepEqual(JSON.parse(JSON.stringify(options.tooltip)), {disableDefaultStyle: true});
    assert.ok(result.finalized);
    assert.deepEqual(browser.warnings, []);
    // Another page's loader in the same document does not draw it again.
    browser.load({data: WITH_CHART}, charts.importModule);
    await browser.runIdle();
    assert.equal(charts.drawn.length, 1);
});

test("a page that has drawn a chart of its own is not warmed again", async () => {
    const browser = page({chartDrawn: true});
    const charts = vega();
    browser.load({data: WITH_CHART}, charts.importModule);
    await browser.runIdle();
    assert.equal(charts.drawn.length, 0);
    assert.ok(!charts.imported.some((url) => url.includes("embed")));
    assert.equal(browser.state(), "loaded");
});

test("chunks that do not export what is looked for, or a chart that fails, only warn", async () => {
    const unlike = page();
    const other = vega({shapes: false});
    unlike.load({data: WITH_CHART}, other.importModule);
    await unlike.runIdle();
    assert.equal(other.drawn.length, 0);
    assert.equal(unlike.state(), "loaded");
    assert.equal(unlike.warnings.length, 1);
    assert.match(unlike.warnings[0][0], /no chart warm-up/);

    const failing = page();
    const broken = vega({embedFails: true});
    failing.load({data: WITH_CHART}, broken.importModule);
    await failing.runIdle();
    assert.equal(failing.state(), "loaded");
    assert.match(failing.warnings[0][0], /no chart warm-up/);
});

test("the warm-up's chunks are resolved like the others: nothing from elsewhere", async () => {
    const browser = page();
    const charts = vega();
    const hostile = {
        files: FILES,
        chart: {embed: "https://elsewhere.example/embed.js", interpreter: INTERPRETER, spec: SPEC},
    };
    browser.load({data: hostile}, charts.importModule);
    await browser.runIdle();
    assert.equal(charts.drawn.length, 0);
    assert.ok(charts.imported.every((url) => url.startsWith("http://localhost:8501/static/js/")));
    assert.equal(browser.state(), "loaded");
});
