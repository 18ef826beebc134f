// benchmarks/js/filters_open.js under Node: a reader who opened the filters before.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPT = fs.readFileSync(
    path.join(__dirname, "..", "..", "benchmarks", "js", "filters_open.js"), "utf8");

// A minimal localStorage: Storage.prototype.getItem is what the script wraps.
function browserWithStorage(entries) {
    class Storage {
        constructor(values) { this.values = new Map(Object.entries(values)); }
        getItem(key) { return this.values.has(key) ? this.values.get(key) : null; }
        setItem(key, value) { this.values.set(key, String(value)); }
    }
    const context = {Storage: Storage};
    context.localStorage = new Storage(entries);
    vm.createContext(context);
    vm.runInContext(SCRIPT, context);
    return context.localStorage;
}

test("the sidebar is told open when the page has stored no choice", () => {
    const storage = browserWithStorage({});
    assert.equal(storage.getItem("stSidebarCollapsed-/"), "false");
});

test("a choice the page stored is kept, open or closed", () => {
    const storage = browserWithStorage({"stSidebarCollapsed-/": "true"});
    assert.equal(storage.getItem("stSidebarCollapsed-/"), "true");
    storage.setItem("stSidebarCollapsed-/", "false");
    assert.equal(storage.getItem("stSidebarCollapsed-/"), "false");
});

test("other keys are untouched", () => {
    const storage = browserWithStorage({sidebarWidth: "300"});
    assert.equal(storage.getItem("sidebarWidth"), "300");
    assert.equal(storage.getItem("sidebarNavState"), null);
});
