// The map's side of streamlit-folium (stationmap/map/live/bridge.js and view-handoff.js),
// against a stand-in for the frame streamlit-folium 0.27.4 makes: window.Streamlit and
// window.__GLOBAL_DATA__.previous_data (see stationmap/map/folium_bridge.py, whose Python test
// checks the real bundle still has them).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const LIVE = path.join(__dirname, "..", "..", "stationmap", "map", "live");
const bridge = require(path.join(LIVE, "bridge.js"));
const REPORT = "stationmap_map_shown";

// A frame whose paint and timers run when the test says, and whose component records values.
function frame(previous) {
    const queued = [];
    const sent = [];
    const win = {
        __GLOBAL_DATA__: {previous_data: previous},
        Streamlit: {setComponentValue(value) { sent.push(value); return "sent"; }},
        requestAnimationFrame(callback) { queued.push(callback); },
        setTimeout(callback) { queued.push(callback); },
    };
    return {win, sent, flush() { while (queued.length) { queued.shift()(); } }};
}

test("the map reports once painted, resending streamlit-folium's last value", () => {
    const clicked = {last_object_clicked: {lat: 51.5, lng: -0.1}};
    const {win, sent, flush} = frame(clicked);
    assert.equal(bridge.canReport(win), true);
    bridge.reportShown(win, REPORT);
    assert.deepEqual(sent, [], "nothing before the browser has painted");
    flush();
    assert.deepEqual(sent, [{last_object_clicked: {lat: 51.5, lng: -0.1}, [REPORT]: true}]);
    // streamlit-folium's own record of what it sent is left as it was.
    assert.deepEqual(win.__GLOBAL_DATA__.previous_data, clicked);
});

test("every later value the frame sends carries the report too", () => {
    const {win, sent, flush} = frame(null);
    bridge.reportShown(win, REPORT);
    flush();
    assert.deepEqual(sent, [{[REPORT]: true}]);
    const result = win.Streamlit.setComponentValue({last_object_clicked: {lat: 1, lng: 2}});
    assert.equal(result, "sent");
    assert.deepEqual(sent[1], {last_object_clicked: {lat: 1, lng: 2}, [REPORT]: true});
});

const DAY = "stationmap_day";

test("the slider's day is sent at once with the view it belongs to, keeping the last click", () => {
    const clicked = {last_object_clicked: {lat: 51.5, lng: -0.1}};
    const {win, sent} = frame(clicked);
    bridge.reportDay(win, DAY, 19000, "view-a");
    assert.deepEqual(sent, [{...clicked, [DAY]: {day: 19000, view: "view-a"}}]);
    assert.deepEqual(win.__GLOBAL_DATA__.previous_data, clicked);
});

test("the shown report and the latest day both travel with every later value", () => {
    const {win, sent, flush} = frame(null);
    bridge.reportShown(win, REPORT);
    flush();
    bridge.reportDay(win, DAY, 19000, "view-a");
    bridge.reportDay(win, DAY, 19031, "view-a");
    assert.deepEqual(sent[2], {[REPORT]: true, [DAY]: {day: 19031, view: "view-a"}});
    // A click after that (streamlit-folium's own send) still says which day the map shows.
    win.Streamlit.setComponentValue({last_object_clicked: {lat: 1, lng: 2}});
    assert.deepEqual(sent[3], {
        last_object_clicked: {lat: 1, lng: 2},
        [REPORT]: true,
        [DAY]: {day: 19031, view: "view-a"},
    });
});

test("a frame without the component cannot report (a slide, the offline file)", () => {
    assert.equal(bridge.canReport({}), false);
});

test("a view that arrives before the map is kept, then applied when the map takes views", () => {
    const win = {};
    const handoff = fs.readFileSync(path.join(LIVE, "view-handoff.js"), "utf8").trim();
    // As Python appends it (folium_bridge.view_layer), run as streamlit-folium evaluates it.
    vm.runInNewContext(handoff + "({\"key\": \"first\"});", {window: win});
    assert.equal(win.smPendingView.key, "first");

    const applied = [];
    bridge.receiveViews(win, (view) => applied.push(view.key));
    assert.deepEqual(applied, ["first"]);
    assert.equal(win.smPendingView, null);

    vm.runInNewContext(handoff + "({\"key\": \"second\"});", {window: win});
    assert.deepEqual(applied, ["first", "second"]);
});

test("clicks are counted from null, as the page's default value has it, not from 0", () => {
    const {win} = frame(null);
    win.__GLOBAL_DATA__.last_object_clicked_count = 0;
    bridge.countClicksFromNone(win);
    assert.equal(win.__GLOBAL_DATA__.last_object_clicked_count, null);
    // streamlit-folium's "+= 1" on the first click then gives 1.
    win.__GLOBAL_DATA__.last_object_clicked_count += 1;
    assert.equal(win.__GLOBAL_DATA__.last_object_clicked_count, 1);
    // A count already under way is left alone; so is a frame with no data.
    win.__GLOBAL_DATA__.last_object_clicked_count = 4;
    bridge.countClicksFromNone(win);
    assert.equal(win.__GLOBAL_DATA__.last_object_clicked_count, 4);
    assert.doesNotThrow(() => bridge.countClicksFromNone({}));
});

// A frame in a page of the same origin, as Streamlit's.
function framedIn(host) {
    return {parent: host};
}

test("the map page's sites are kept by the page around the frame, for its file's URL", () => {
    const host = {location: {href: "http://127.0.0.1:8501/"}};
    const text = '[{"name":"A","lat":1,"lng":2,"h":[[0,1]]}]';
    assert.equal(bridge.keptSites(framedIn(host), "/app/static/cache/sites-1.json"), null);

    bridge.keepSites(framedIn(host), "/app/static/cache/sites-1.json", text);

    // The next frame in the same page finds them.
    assert.equal(bridge.keptSites(framedIn(host), "/app/static/cache/sites-1.json"), text);
    // Another file (new data) is another set of sites.
    assert.equal(bridge.keptSites(framedIn(host), "/app/static/cache/sites-2.json"), null);
});

test("nothing is kept without a page of the same origin around the frame", () => {
    const alone = {location: {href: "http://127.0.0.1:8501/"}};
    alone.parent = alone;
    bridge.keepSites(alone, "/sites.json", "[1]");
    assert.equal(bridge.keptSites(alone, "/sites.json"), null);
    assert.equal(alone.__stationmapSites, undefined);
    // Another origin's page: reading its address throws.
    const foreign = framedIn({get location() { throw new Error("SecurityError"); }});
    bridge.keepSites(foreign, "/sites.json", "[1]");
    assert.equal(bridge.keptSites(foreign, "/sites.json"), null);
});
