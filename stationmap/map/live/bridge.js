// The map's side of streamlit-folium: every use of its frame's internals is here, and its
// Python side is stationmap/map/folium_bridge.py (which names the hooks this relies on and
// tests that the pinned version still has them).
//
// - Views arrive as the script of streamlit-folium's feature_group_to_add, which it
//   evaluates in the map it already has when the group changes (view-handoff.js); they are
//   handed to the map through window.smApplyView, or kept in window.smPendingView until the
//   map can take them.
// - Clicks are counted from null, as the page's first value has it (countClicksFromNone).
// - The map tells the page it has shown its sites by sending streamlit-folium's last value
//   again (window.__GLOBAL_DATA__.previous_data) with one more key, through the
//   Streamlit.setComponentValue the frame exposes as window.Streamlit, wrapped so that every
//   later value (a click) carries the key too. The day the play control's slider settles on
//   goes the same way, so the page's counts follow the map.
//
// - The sites of the map page are kept by the page around the frame, for the next frame
//   (keptSites, keepSites).
//
// Runs in the map's frame as stationmap.bridge, and under Node's require for tests/js/; the
// frame's window is passed in, so a test can pass a stand-in.
(function (root, factory) {
    var bridge = factory();
    if (typeof module === "object" && module.exports) {
        module.exports = bridge;
    } else {
        root.stationmap = root.stationmap || {};
        root.stationmap.bridge = bridge;
    }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
    "use strict";

    // From now on, views go to apply; one that arrived before the map could take it is
    // applied at once.
    function receiveViews(win, apply) {
        win.smApplyView = apply;
        if (win.smPendingView) {
            apply(win.smPendingView);
            win.smPendingView = null;
        }
    }

    // Whether this frame can report to the page (not in a briefing slide or the offline file).
    function canReport(win) {
        return Boolean(win.Streamlit);
    }

    // Sets marks (keys and values) in the component's value, now and in every value the frame
    // sends later (streamlit-folium's own, on a click), and sends it, which starts a run of
    // the page. The value sent is streamlit-folium's last one, so nothing it reported (a
    // click) is lost; its own record of what it sent is left as it was.
    function mark(win, marks) {
        var streamlit = win.Streamlit;
        if (!win.smValueMarks) {
            win.smValueMarks = {};
            var send = streamlit.setComponentValue;
            streamlit.setComponentValue = function (value) {
                return send.call(streamlit, Object.assign({}, value, win.smValueMarks));
            };
        }
        Object.assign(win.smValueMarks, marks);
        var sent = win.__GLOBAL_DATA__ && win.__GLOBAL_DATA__.previous_data;
        streamlit.setComponentValue(sent || {});
    }

    // Once the browser has painted what the map shows: sets key
    // (stationmap.app.render_order.map_first).
    function reportShown(win, key) {
        win.requestAnimationFrame(function () {
            win.setTimeout(function () {
                var marks = {};
                marks[key] = true;
                mark(win, marks);
            }, 0);
        });
    }

    // The day the map's slider shows, for the view it belongs to (its key), so the page's
    // counts can follow it (folium_bridge.reported_day).
    function reportDay(win, key, day, viewKey) {
        var marks = {};
        marks[key] = {day: day, view: viewKey};
        mark(win, marks);
    }

    // streamlit-folium counts clicks from 0, while the value the page starts with (Python's
    // default) has no count (None): that difference alone would make the map send a value, and
    // the page run again, as soon as it is drawn. Counting from null instead (null + 1 is 1)
    // keeps the first value the page's own until the first click. Runs before the frame's
    // first value is worked out (the map's script comes before streamlit-folium's setup).
    function countClicksFromNone(win) {
        var data = win.__GLOBAL_DATA__;
        if (data && data.last_object_clicked_count === 0) { data.last_object_clicked_count = null; }
    }

    // The map page's sites (their file's JSON text), kept by the page the frame is in
    // (Streamlit's, of the same origin) under the file's URL: streamlit-folium's frame is made
    // anew on every page change into the map, and fetched the sites again each time (1.4 MB
    // at 10,000 sites). The file is named by its content, so text kept for its URL is its
    // text. A string holds nothing of the frame that kept it. Nothing is kept, or found,
    // where the page is another origin's or there is no page around the frame.
    var KEPT_SITES = "__stationmapSites";

    function hostOf(win) {
        try {
            var host = win.parent;
            // Reading a property of another origin's page throws.
            return host && host !== win && typeof host.location.href === "string" ? host : null;
        } catch (error) {
            return null;
        }
    }

    // The sites' JSON text kept for url, or null.
    function keptSites(win, url) {
        var host = hostOf(win);
        var kept = host ? host[KEPT_SITES] : null;
        return kept && kept.url === url && typeof kept.text === "string" ? kept.text : null;
    }

    // Keeps text as the sites' JSON of url.
    function keepSites(win, url, text) {
        var host = hostOf(win);
        if (host) { host[KEPT_SITES] = {url: url, text: text}; }
    }

    return {
        keptSites: keptSites,
        keepSites: keepSites,
        receiveViews: receiveViews,
        canReport: canReport,
        reportShown: reportShown,
        reportDay: reportDay,
        countClicksFromNone: countClicksFromNone
    };
});
