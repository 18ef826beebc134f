// The map's statusOn on the cases Python's status rule is tested on (tests/test_status.py):
// the changes Python sends for each case give the status the case expects on each date.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const core = require("../../stationmap/map/live/core.js");

const table = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "cases", "status_on_date.json"), "utf8"));
const MS_PER_DAY = 24 * 60 * 60 * 1000;

// A date as the map's day number, as Python writes it (stationmap.map.records.day_number).
function dayNumber(iso) {
    return Math.round((Date.parse(iso) - Date.parse(table.dayZero)) / MS_PER_DAY);
}

test("the shared table has cases", () => {
    assert.ok(table.cases.length >= 10);
});

for (const entry of table.cases) {
    test(entry.case, () => {
        // Statuses are positions in a table the map is sent; any consistent numbering will do.
        const keys = [];
        const indexOf = (key) => {
            if (!keys.includes(key)) { keys.push(key); }
            return keys.indexOf(key);
        };
        const history = entry.changes.map(([day, status]) => [dayNumber(day), indexOf(status)]);
        for (const [on, expected] of Object.entries(entry.expect)) {
            const status = core.statusOn(history, dayNumber(on));
            assert.equal(status === -1 ? null : keys[status], expected, on);
        }
    });
}
