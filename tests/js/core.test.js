// The map's rules (stationmap/map/live/core.js) under Node: status on a day, applying a view,
// the legend's counts, popups and tooltips built from escaped fields, country outlines.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const CORE = path.join(__dirname, "..", "..", "stationmap", "map", "live", "core.js");
const core = require(CORE);

// Status indices as a status table of three would number them.
const ALLEGED = 0, INVESTIGATED = 1, CLOSED = 2;
const HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "' onmouseover='alert(1)",
    "&lt;b&gt; already escaped",
];

// A site as layer.js makes it: placed ones have a marker (any object will do here).
function site(index, history, options) {
    const record = Object.assign({id: "s" + index, name: "Site " + index, h: history,
                                  countryLevel: false}, (options || {}).record);
    return Object.assign({record: record, index: index, status: -1, shown: false,
                          inView: true, marker: {}}, options, {record: record});
}

// The base64 one-bit-per-site mask Python sends as a view's "visible"
// (stationmap.map.live_layer.map_view_message).
function visibleBits(flags) {
    const bytes = Buffer.alloc(Math.ceil(flags.length / 8));
    flags.forEach((flag, index) => { if (flag) { bytes[index >> 3] |= 1 << (index & 7); } });
    return bytes.toString("base64");
}

test("the file defines stationmap.core in a browser, where there is no module", () => {
    const frame = {atob: atob};
    frame.globalThis = frame;
    vm.runInNewContext(fs.readFileSync(CORE, "utf8"), frame);
    assert.deepEqual(Object.keys(frame.stationmap.core).sort(), Object.keys(core).sort());
    assert.equal(frame.stationmap.core.statusOn([[5, CLOSED]], 5), CLOSED);
});

// --- status on a day ---------------------------------------------------------------------

test("a site has no status before its first report, then the latest change's", () => {
    const history = [[10, ALLEGED], [20, INVESTIGATED], [30, CLOSED]];
    assert.equal(core.statusOn(history, 9), -1);
    assert.equal(core.statusOn(history, 10), ALLEGED);
    assert.equal(core.statusOn(history, 29), INVESTIGATED);
    assert.equal(core.statusOn(history, 30), CLOSED);
    assert.equal(core.statusOn(history, 10000), CLOSED);
    assert.equal(core.statusOn([], 10), -1);
});

test("of two changes on one day, the later in the history wins", () => {
    assert.equal(core.statusOn([[10, ALLEGED], [20, INVESTIGATED], [20, CLOSED]], 20), CLOSED);
});

test("days before day zero are negative and work the same", () => {
    assert.equal(core.statusOn([[-200, ALLEGED], [-1, CLOSED]], -2), ALLEGED);
    assert.equal(core.statusOn([[-200, ALLEGED], [-1, CLOSED]], 0), CLOSED);
});

test("the status filter lets any reported status through when empty, else only its own", () => {
    assert.equal(core.allowed(INVESTIGATED, []), true);
    assert.equal(core.allowed(-1, []), false);
    assert.equal(core.allowed(INVESTIGATED, [CLOSED, INVESTIGATED]), true);
    assert.equal(core.allowed(ALLEGED, [CLOSED]), false);
    assert.equal(core.allowed(-1, [CLOSED]), false);
});

// --- applying a view -------------------------------------------------------------------------

test("a view's bits say which sites are in view, one bit per site in record order", () => {
    const flags = [true, false, false, true, false, false, false, false, true, false, true];
    const sites = flags.map((_, index) => site(index, []));
    assert.equal(core.markInView(sites, visibleBits(flags)), true);
    assert.deepEqual(sites.map((s) => s.inView), flags);
    assert.equal(core.markInView(sites, visibleBits(flags.map(() => false))), false);
    assert.ok(sites.every((s) => !s.inView));
});

test("a view shows its play control's starting step, or its day without a control", () => {
    assert.equal(core.viewDay({steps: [[100, "", ""], [130, "", ""]], start: 1, day: 7}), 130);
    assert.equal(core.viewDay({steps: [], start: 0, day: 7}), 7);
});

test("a day shows the sites in view whose status then passes the filter", () => {
    const sites = [
        site(0, [[10, ALLEGED], [20, INVESTIGATED]]),
        site(1, [[15, ALLEGED]]),
        site(2, [[10, CLOSED]], {inView: false}),
        site(3, [[10, ALLEGED]], {marker: null}),
        site(4, [[25, ALLEGED]]),
    ];
    let plan = core.planDay(sites, 20, []);
    assert.deepEqual(plan.add.map((s) => s.index), [0, 1]);
    assert.deepEqual(plan.restyle.map((s) => s.index), [0, 1]);
    assert.deepEqual(plan.remove, []);
    assert.deepEqual(sites.map((s) => s.shown), [true, true, false, false, false]);
    assert.equal(sites[0].status, INVESTIGATED);

    // The filter keeps the sites under investigation; a later day brings site 4 in, if allowed.
    plan = core.planDay(sites, 30, [INVESTIGATED]);
    assert.deepEqual(plan.remove.map((s) => s.index), [1]);
    assert.deepEqual(plan.add, []);
    assert.deepEqual(plan.restyle, []);
    // A hidden site keeps the status its marker last showed.
    assert.equal(sites[1].status, ALLEGED);

    // Back before every report: nothing is shown.
    plan = core.planDay(sites, 5, []);
    assert.deepEqual(plan.remove.map((s) => s.index), [0]);
    assert.ok(sites.every((s) => !s.shown));
});

test("a focused site stands out only if its marker is shown on the day", () => {
    const focused = site(0, [[10, INVESTIGATED]]);
    assert.equal(core.focusShown(focused, 10, []), true);
    assert.equal(core.focusShown(focused, 9, []), false);
    assert.equal(core.focusShown(focused, 10, [CLOSED]), false);
    assert.equal(core.focusShown(null, 10, []), false);
    assert.equal(core.focusShown(site(1, [[10, ALLEGED]], {marker: null}), 10, []), false);
    assert.equal(core.focusShown(site(2, [[10, ALLEGED]], {inView: false}), 10, []), false);
});

test("the legend counts shown markers by status, country-level rows, and unplaced sites", () => {
    const sites = [
        site(0, [[10, ALLEGED]], {shown: true, status: ALLEGED}),
        site(1, [[10, CLOSED]], {shown: true, status: CLOSED, record: {countryLevel: true}}),
        site(2, [[10, CLOSED]], {shown: true, status: CLOSED}),
        site(3, [[10, ALLEGED]], {marker: null}),
        site(4, [[50, ALLEGED]], {marker: null}),
        site(5, [[10, ALLEGED]], {marker: null, inView: false}),
        site(6, [[10, ALLEGED]], {shown: false}),
    ];
    assert.deepEqual(core.legendCounts(sites, 3, [], 20), {
        counts: [1, 0, 2], countryLevel: 1, shown: 3, unplaced: 1,
    });
    // Unplaced sites are counted under the status filter too.
    assert.equal(core.legendCounts(sites, 3, [CLOSED], 20).unplaced, 0);
    assert.equal(core.fillCount("Not on the map: {count}", 4), "Not on the map: 4");
});

test("an open popup shows the status line in force on the day", () => {
    assert.equal(core.currentLine([-1, 10, 20], 15), 1);
    assert.equal(core.currentLine([-1, 10, 20], 20), 2);
    assert.equal(core.currentLine([10, 20], 5), -1);
    assert.equal(core.currentLine([], 5), -1);
});

// --- HTML built from escaped fields ------------------------------------------------------------

test("escaping makes any value text in an element or a quoted attribute", () => {
    assert.equal(core.escapeHtml("<a href=\"x\" title='y'>&</a>"),
                 "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    assert.equal(core.escapeHtml(null), "");
    assert.equal(core.escapeHtml(undefined), "");
    assert.equal(core.escapeHtml(12), "12");
    for (const value of HOSTILE) {
        assert.doesNotMatch(core.escapeHtml(value), /[<>"']/);
    }
});

test("a tooltip shows hostile names, labels and notes as text", () => {
    for (const value of HOSTILE) {
        const html = core.tooltipHtml(value, value, value);
        assert.doesNotMatch(html, /<(?!\/?(div|strong|br|em)>)/, html);
        assert.equal(html.split(core.escapeHtml(value)).length - 1, 3);
    }
    assert.equal(core.tooltipHtml("Glasgow", "Under investigation", null),
                 "<div><strong>Glasgow</strong><br>Under investigation</div>");
    assert.equal(core.tooltipHtml("France", "Alleged", "City not reported"),
                 "<div><strong>France</strong><br>Alleged<br><em>City not reported</em></div>");
});

test("a marker's screen-reader label is the same parts, as plain text", () => {
    assert.equal(core.ariaLabel("<b>x</b>", "Alleged", null), "<b>x</b> \u2014 Alleged");
    assert.equal(core.ariaLabel("France", "Alleged", "City not reported"),
                 "France \u2014 Alleged \u2014 City not reported");
});

// --- the keyboard ------------------------------------------------------------------------------

test("Enter and Space activate a marker or cluster; other keys do not", () => {
    assert.equal(core.activates("Enter"), true);
    assert.equal(core.activates(" "), true);
    assert.equal(core.activates("Spacebar"), true);
    for (const key of ["Tab", "Escape", "ArrowDown", "e", "", undefined]) {
        assert.equal(core.activates(key), false, String(key));
    }
});

test("focus goes to the revealed marker a reader meets first: top row, then leftmost", () => {
    const row = 24;
    // Two in the top row (y within one row of each other): the left one wins.
    assert.equal(core.firstInReadingOrder(
        [{x: 300, y: 200}, {x: 120, y: 10}, {x: 40, y: 20}, {x: 10, y: 90}], row), 2);
    // A lower row loses to a higher one even far to its left.
    assert.equal(core.firstInReadingOrder([{x: 0, y: 50}, {x: 500, y: 5}], row), 1);
    assert.equal(core.firstInReadingOrder([{x: 7, y: 7}], row), 0);
    assert.equal(core.firstInReadingOrder([], row), -1);
});

test("a cluster's screen-reader name counts its sites in the words Python sent", () => {
    assert.equal(core.fillCount("{count} sites, Enter to zoom", 6), "6 sites, Enter to zoom");
});

test("marker and cluster faces are built from escaped values", () => {
    assert.equal(core.markerHtml({color: "#d1495b", textColor: "#ffffff", symbol: "A"}),
                 "<span style=\"background:#d1495b;color:#ffffff\">A</span>");
    const hostile = core.markerHtml({color: "red\"><img src=x>", textColor: "#fff",
                                     symbol: "<script>"});
    assert.doesNotMatch(hostile, /<img|<script|"></);
    assert.equal(core.clusterHtml(12), "<div><span>12</span></div>");
});

test("a static cluster's ring shows its sites' statuses in proportion, in the table's order", () => {
    const table = [{color: "#aa0000"}, {color: "#00bb00"}, {color: "#0000cc"}];
    assert.equal(core.clusterRing([CLOSED, CLOSED], table), "conic-gradient(#0000cc 0deg 360deg)");
    assert.equal(core.clusterRing([CLOSED, ALLEGED, ALLEGED, INVESTIGATED], table),
                 "conic-gradient(#aa0000 0deg 180deg, #00bb00 180deg 270deg, "
                 + "#0000cc 270deg 360deg)");
    // Nothing known to colour: no ring.
    assert.equal(core.clusterRing([], table), null);
    assert.equal(core.clusterRing([-1, 7], table), null);
    // A colour is escaped, though Python allows only #rrggbb.
    assert.doesNotMatch(core.clusterRing([0], [{color: "red\"><img>"}]), /[<>"]/);
});

test("a live map's popup comes from its part, or says it is loading, escaped", () => {
    const live = {popups: ["<p>zero</p>", null, "<p>two</p>"]};
    const size = core.popupPartSize(live);
    assert.equal(size, 3);
    assert.equal(core.popupFrom([live.popups], size, 2), "<p>two</p>");
    assert.equal(core.popupFrom([live.popups], size, 1), "");

    // Published in parts of two: site 3 is the second of part 1, not loaded yet.
    const published = {popupUrls: ["a.json", "b.json"], popupPart: 2};
    assert.equal(core.popupPartSize(published), 2);
    assert.equal(core.popupPartOf(3, 2), 1);
    assert.equal(core.popupFrom([["<p>0</p>", "<p>1</p>"]], 2, 3), null);
    assert.equal(core.popupFrom([["<p>0</p>", "<p>1</p>"], ["<p>2</p>", "<p>3</p>"]], 2, 3),
                 "<p>3</p>");
    assert.equal(core.popupPartSize({popups: []}), 1);
    assert.equal(core.popupPartSize(null), 1);

    for (const value of HOSTILE) {
        const html = core.loadingHtml(value);
        assert.ok(html.startsWith("<p class=\"sm-loading\">") && html.endsWith("</p>"));
        assert.doesNotMatch(html.slice(22, -4), /[<>"']/);
    }
});

// --- country outlines --------------------------------------------------------------------------

test("a ring that does not cross the antimeridian is kept as it is", () => {
    const ring = [[10, 10], [20, 10], [20, 20], [10, 10]];
    assert.equal(core.joinAcrossAntimeridian(ring), ring);
});

test("a ring crossing the antimeridian twice is made continuous past 180", () => {
    const ring = [[170, 60], [-170, 60], [-170, 70], [170, 70], [170, 60]];
    assert.deepEqual(core.joinAcrossAntimeridian(ring),
                     [[170, 60], [190, 60], [190, 70], [170, 70], [170, 60]]);
});

test("a ring crossing it once goes round the pole and is closed along it", () => {
    const ring = [[170, -70], [-170, -70], [0, -80], [170, -70]];
    const joined = core.joinAcrossAntimeridian(ring);
    assert.deepEqual(joined.slice(0, 4), [[170, -70], [170, -90], [-170, -90], [-170, -70]]);
});

test("the legend starts folded on a short map and open on a tall one", () => {
    // 1280x720 gives the map about 440 px and a phone about 520: folded there.
    assert.equal(core.legendStartsOpen(440), false);
    assert.equal(core.legendStartsOpen(524), false);
    // 1920x1080 gives it about 760 px: room for the legend beside the sites.
    assert.equal(core.legendStartsOpen(760), true);
    assert.equal(core.legendStartsOpen(560), true);
});
