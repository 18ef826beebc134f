// stationmap/web/drawn-first.js under Node: a page's first visit reports once its main widget
// shows (an element matching the selector it is given), once per mount.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

// An ES module for Streamlit's components v2; run here as a script without its export.
const SCRIPT = fs.readFileSync(
    path.join(__dirname, "..", "..", "stationmap", "web", "drawn-first.js"), "utf8")
    .replace(/^export default .*$/m, "");

// A page whose table has (or later gets) cells, with animation frames and timers run by hand.
function page({cells}) {
    const observers = [];
    const frameCallbacks = [];
    const timers = new Map();
    let nextTimer = 1;
    const context = {
        document: {
            body: {},
            querySelector: (selector) => {
                context.asked.push(selector);
                return context.cellsShown ? {} : null;
            },
        },
        MutationObserver: class {
            constructor(callback) { this.callback = callback; this.on = false; }
            observe() { this.on = true; observers.push(this); }
            disconnect() { this.on = false; }
        },
        requestAnimationFrame: (fn) => frameCallbacks.push(fn),
        setTimeout: (fn) => { timers.set(nextTimer, fn); return nextTimer++; },
        clearTimeout: (id) => { timers.delete(id); },
        cellsShown: cells,
        asked: [],
    };
    context.globalThis = context;
    vm.createContext(context);
    vm.runInContext(SCRIPT, context);
    return {
        report: context.stationmap.reportDrawn,
        showCells() {
            context.cellsShown = true;
            observers.filter((o) => o.on).forEach((o) => o.callback());
        },
        // The browser paints: the frame's callbacks, then the timers they set.
        paint() {
            const before = new Set(timers.keys());
            frameCallbacks.splice(0).forEach((fn) => fn());
            [...timers.entries()].filter(([id]) => !before.has(id)).forEach(([id, fn]) => {
                timers.delete(id);
                fn();
            });
        },
        runTimers() { [...timers.values()].forEach((fn) => fn()); timers.clear(); },
        timers,
        asked: context.asked,
    };
}

function component() {
    const sent = [];
    return {
        sent,
        data: {selector: "[data-testid=\"stDataFrame\"] [role=\"gridcell\"]"},
        setTriggerValue: (name, value) => sent.push([name, value]),
    };
}

test("a table already drawn is reported once the browser has painted it", () => {
    const browser = page({cells: true});
    const reporter = component();
    browser.report(reporter);
    // The next run's work waits until the reader can see the table.
    assert.deepEqual(reporter.sent, []);
    browser.paint();
    assert.deepEqual(reporter.sent, [["drawn", true]]);
    // It looks for what the page said shows its main widget.
    assert.deepEqual(browser.asked, [reporter.data.selector]);
});

test("a table drawn later is reported when its cells come, once, and its timer dropped", () => {
    const browser = page({cells: false});
    const reporter = component();
    browser.report(reporter);
    assert.deepEqual(reporter.sent, []);
    browser.showCells();
    browser.showCells();
    assert.deepEqual(reporter.sent, []);
    browser.paint();
    browser.paint();
    assert.deepEqual(reporter.sent, [["drawn", true]]);
    assert.equal(browser.timers.size, 0);
});

test("a table that never draws is reported after the wait, so the page goes on", () => {
    const browser = page({cells: false});
    const reporter = component();
    browser.report(reporter);
    browser.runTimers();
    assert.deepEqual(reporter.sent, [["drawn", true]]);
});

test("a new session in the same browser page is told too (each mount reports)", () => {
    const browser = page({cells: true});
    const first = component();
    const second = component();
    browser.report(first);
    browser.report(second);
    browser.paint();
    assert.deepEqual(first.sent, [["drawn", true]]);
    assert.deepEqual(second.sent, [["drawn", true]]);
});

// A page whose slide map is a same-origin frame, its view shown (or not) in the frame's document,
// and a frame of another origin beside it; animation frames and timers run by hand.
function pageWithFrames() {
    const observers = [];
    const frameCallbacks = [];
    const timers = new Map();
    let nextTimer = 1;
    const inner = {
        documentElement: {},
        markers: false,
        querySelector: () => (inner.markers ? {} : null),
    };
    const listeners = new Set();
    const slideFrame = {
        contentDocument: inner,
        addEventListener: (name, fn) => listeners.add(fn),
        removeEventListener: (name, fn) => listeners.delete(fn),
    };
    const foreignFrame = {
        get contentDocument() { throw new Error("cross-origin"); },
        addEventListener: () => {},
        removeEventListener: () => {},
    };
    const context = {
        document: {
            body: {},
            querySelector: () => null,
            querySelectorAll: () => [foreignFrame, slideFrame],
        },
        MutationObserver: class {
            constructor(callback) { this.callback = callback; this.on = false; }
            observe(target, options) {
                this.on = true;
                this.target = target;
                this.options = options;
                observers.push(this);
            }
            disconnect() { this.on = false; }
        },
        requestAnimationFrame: (fn) => frameCallbacks.push(fn),
        setTimeout: (fn) => { timers.set(nextTimer, fn); return nextTimer++; },
        clearTimeout: (id) => { timers.delete(id); },
    };
    context.globalThis = context;
    vm.createContext(context);
    vm.runInContext(SCRIPT, context);
    return {
        report: context.stationmap.reportDrawn,
        observers,
        listeners,
        inner,
        showMarkers() {
            inner.markers = true;
            observers.filter((o) => o.on && o.target === inner.documentElement)
                .forEach((o) => o.callback());
        },
        paint() {
            frameCallbacks.splice(0).forEach((fn) => fn());
            const due = [...timers.entries()].filter(([id]) => id > 1);
            due.forEach(([id, fn]) => { timers.delete(id); fn(); });
        },
        timers,
    };
}

test("a slide's map in a frame is reported once its markers show and have been painted", () => {
    const browser = pageWithFrames();
    const reporter = {
        sent: [],
        data: {selector: ".leaflet-container[data-sm-view]", inFrames: true},
        setTriggerValue(name, value) { this.sent.push([name, value]); },
    };
    browser.report(reporter);
    // The frame's document is watched, for the map's view attribute only (not the thousands of
    // markers added and taken out while they are clustered), and its next document from its
    // load on.
    const inFrame = browser.observers.filter((o) => o.target === browser.inner.documentElement);
    assert.equal(inFrame.length, 1);
    assert.ok(!inFrame[0].options.childList);
    assert.deepEqual([...inFrame[0].options.attributeFilter], ["data-sm-view"]);
    assert.equal(browser.listeners.size, 1);
    assert.deepEqual(reporter.sent, []);
    browser.showMarkers();
    // Not before the browser has painted them.
    assert.deepEqual(reporter.sent, []);
    browser.paint();
    assert.deepEqual(reporter.sent, [["drawn", true]]);
    // Everything it watched is let go, and the wait's timer dropped.
    assert.ok(browser.observers.every((o) => !o.on));
    assert.equal(browser.listeners.size, 0);
    assert.equal(browser.timers.size, 0);
});

test("without inFrames a frame's markers are not looked for", () => {
    const browser = pageWithFrames();
    browser.inner.markers = true;
    const reporter = {
        sent: [],
        data: {selector: ".leaflet-container[data-sm-view]"},
        setTriggerValue(name, value) { this.sent.push([name, value]); },
    };
    browser.report(reporter);
    browser.paint();
    assert.deepEqual(reporter.sent, []);
    assert.equal(browser.listeners.size, 0);
});
