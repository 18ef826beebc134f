// benchmarks/js/page_drawn.js under Node: when a page's table counts as drawn. The grid paints
// its cells on a canvas at once and its accessible cells (role=gridcell) 200 ms or more later,
// so the bench looks at the canvas's first row: text there, not a blank or gridlined row.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(
    path.join(__dirname, "..", "..", "benchmarks", "js", "page_drawn.js"), "utf8");

const WIDTH = 600;
const HEIGHT = 400;

// A canvas of WIDTH x HEIGHT css pixels at `scale` device pixels each, whose rows of device
// pixels hold colours `rowColours(y)` (a list of [r, g, b, a], repeated along the row).
function canvas({scale = 1, rowColours = () => [[0, 0, 0, 0]]} = {}) {
    const reads = [];
    return {
        reads,
        width: WIDTH * scale,
        height: HEIGHT * scale,
        getBoundingClientRect: () => ({width: WIDTH, height: HEIGHT}),
        getContext: () => ({
            getImageData(x, y, width, height) {
                reads.push({x, y, width, height});
                const data = new Uint8ClampedArray(width * height * 4);
                for (let row = 0; row < height; row += 1) {
                    const colours = rowColours(y + row);
                    for (let column = 0; column < width; column += 1) {
                        data.set(colours[column % colours.length], (row * width + column) * 4);
                    }
                }
                return {data};
            },
        }),
    };
}

// A page whose app is idle after a run, with one grid holding `grid` as its canvas.
function tableDrawn(grid) {
    const frame = {
        getBoundingClientRect: () => ({width: WIDTH, height: HEIGHT}),
        querySelector: (selector) => (selector === "canvas" ? grid : null),
    };
    const document = {
        readyState: "complete",
        querySelector(selector) {
            if (selector === "[data-testid=\"stApp\"]") {
                return {getAttribute: () => "notRunning"};
            }
            return null;
        },
        querySelectorAll(selector) {
            if (selector === "[data-testid=\"stDataFrame\"]") {
                return [frame];
            }
            if (selector === "[data-testid=\"stDataFrame\"] canvas") {
                return [grid];
            }
            return [];
        },
    };
    const context = {
        document,
        performance: {now: () => 1000},
        window: {__smStates: [["running", 10], ["notRunning", 900]]},
    };
    vm.createContext(context);
    const check = vm.runInContext(SCRIPT, context);
    return check({kind: "table", expected: null, since: null, graceMs: 10000});
}

// Text: a run of grey shades along the row, as anti-aliased letters give.
const TEXT = Array.from({length: 40}, (_, shade) => [shade * 6, shade * 6, shade * 6, 255]);
const WHITE = [255, 255, 255, 255];
const LINE = [220, 220, 220, 255];

test("a canvas with text in its first row is a drawn table", () => {
    const grid = canvas({rowColours: (y) => (y >= 45 && y < 60 ? TEXT : [WHITE])});
    assert.deepEqual({...tableDrawn(grid)}, {at: 1000});
});

test("a blank canvas, or one with only a background and lines, is not drawn yet", () => {
    assert.equal(tableDrawn(canvas()), false);
    assert.equal(tableDrawn(canvas({rowColours: () => [WHITE, WHITE, LINE]})), false);
});

test("text in the header alone does not count: only the first row is read", () => {
    const grid = canvas({rowColours: (y) => (y < 35 ? TEXT : [WHITE])});
    assert.equal(tableDrawn(grid), false);
    assert.ok(grid.reads.every((read) => read.y >= 35));
});

test("on a screen of two device pixels a css pixel, the same css band is read", () => {
    const grid = canvas({scale: 2, rowColours: (y) => (y >= 90 && y < 120 ? TEXT : [WHITE])});
    assert.deepEqual({...tableDrawn(grid)}, {at: 1000});
    assert.deepEqual(grid.reads.map((read) => [read.y, read.height]), [[80, 52]]);
});

test("a canvas laid out at no width is not read", () => {
    const grid = canvas({rowColours: () => TEXT});
    grid.getBoundingClientRect = () => ({width: 0, height: 0});
    assert.equal(tableDrawn(grid), false);
    assert.equal(grid.reads.length, 0);
});

test("a canvas the page may not read is drawn once its accessible cells are there", () => {
    const grid = canvas();
    grid.getContext = () => ({
        getImageData() { throw new Error("SecurityError: the canvas has been tainted"); },
    });
    let cells = null;
    grid.closest = () => ({querySelector: () => cells});
    assert.equal(tableDrawn(grid), false);
    cells = {};
    assert.deepEqual({...tableDrawn(grid)}, {at: 1000});
});
