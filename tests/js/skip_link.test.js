// stationmap/web/skip-link.js under Node: which ancestor a jump scrolls.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(
    path.join(__dirname, "..", "..", "stationmap", "web", "skip-link.js"), "utf8");

function loaded() {
    const context = {};
    context.globalThis = context;
    vm.createContext(context);
    vm.runInContext(SCRIPT, context);
    return context.stationmap;
}

// A chain of stand-in elements, innermost first: each {overflowY, scrollHeight, clientHeight}.
function chain(specs) {
    const nodes = specs.map((spec) => ({...spec, parentElement: null}));
    nodes.forEach((node, i) => { node.parentElement = nodes[i + 1] || null; });
    const target = {parentElement: nodes[0] || null};
    return {target, nodes};
}

const styleOf = (node) => ({overflowY: node.overflowY});

test("a jump scrolls the page's scroller, not an expander that clips while it opens", () => {
    const {target, nodes} = chain([
        {name: "list", overflowY: "visible", scrollHeight: 30000, clientHeight: 30000},
        {name: "details", overflowY: "hidden", scrollHeight: 30000, clientHeight: 400},
        {name: "main", overflowY: "auto", scrollHeight: 32000, clientHeight: 720},
    ]);
    assert.equal(loaded().scrollerOf(target, styleOf), nodes[2]);
});

test("an ancestor that could scroll but has nothing to scroll is passed over", () => {
    const {target, nodes} = chain([
        {name: "box", overflowY: "auto", scrollHeight: 300, clientHeight: 300},
        {name: "main", overflowY: "scroll", scrollHeight: 5000, clientHeight: 720},
    ]);
    assert.equal(loaded().scrollerOf(target, styleOf), nodes[1]);
});

test("with no scrolling ancestor there is none", () => {
    const {target} = chain([
        {name: "body", overflowY: "visible", scrollHeight: 900, clientHeight: 900},
    ]);
    assert.equal(loaded().scrollerOf(target, styleOf), null);
});
