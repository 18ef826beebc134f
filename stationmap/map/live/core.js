// The map's rules, without Leaflet or a page: a site's status on a day, which sites a view
// shows, what the legend counts, and the bits of HTML the map makes, escaped.
//
// The same file runs in the map's frame, as stationmap.core (Python inlines it before
// layer.js, see stationmap/browser_code.py), and under Node's require, for tests/js/. No build
// step: plain ES5 in a small UMD guard.
//
// Statuses are positions in the status table Python sends
// (stationmap.map.records.status_styles); nothing here knows their names, colours or labels.
// Days are day numbers (stationmap.map.records.day_number).
(function (root, factory) {
    var core = factory();
    if (typeof module === "object" && module.exports) {
        module.exports = core;
    } else {
        root.stationmap = root.stationmap || {};
        root.stationmap.core = core;
    }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
    "use strict";

    // --- status on a day -----------------------------------------------------------------

    // A site's status on a day (a status index), or -1 before its first report. history is
    // the site's [day number, status index] pairs, first report first, as Python worked them
    // out (stationmap.map.records.history_pairs): the latest pair on or before the day wins.
    function statusOn(history, day) {
        for (var i = history.length - 1; i >= 0; i--) {
            if (history[i][0] <= day) { return history[i][1]; }
        }
        return -1;
    }

    // Whether a status passes a view's status filter (status indices; empty: any status).
    // Not yet reported (-1) never does.
    function allowed(status, filter) {
        return status >= 0 && (!filter.length || filter.indexOf(status) >= 0);
    }

    // --- applying a view -------------------------------------------------------------------
    // A site here is {record, index, status, shown, inView, marker}: record as Python sent
    // it, index its position among the records, status the status its marker shows,
    // shown whether its marker is on the map, inView whether the view's filters allow it on
    // some date, marker its marker (null for a site without coordinates).

    // Marks each site in view or not from a view's "visible": one bit per record, in record
    // order, base64 (stationmap.map.live_layer.map_view_message). Whether any site is in view.
    function markInView(sites, visible) {
        var bits = atob(visible);
        var any = false;
        sites.forEach(function (site) {
            site.inView = ((bits.charCodeAt(site.index >> 3) >> (site.index & 7)) & 1) === 1;
            any = any || site.inView;
        });
        return any;
    }

    // The day a view shows: the play control's step it starts at, or its day when it has none.
    function viewDay(view) {
        return view.steps.length ? view.steps[view.start][0] : view.day;
    }

    // Sets each placed site's status and whether its marker is shown on a day, under a status
    // filter; returns the sites whose marker must change: restyle (its status changed),
    // add and remove (onto or off the map). A site keeps the status it last showed while
    // it is hidden.
    function planDay(sites, day, filter) {
        var plan = {restyle: [], add: [], remove: []};
        sites.forEach(function (site) {
            if (!site.marker) { return; }
            var status = statusOn(site.record.h, day);
            var visible = site.inView && allowed(status, filter);
            if (visible && status !== site.status) {
                site.status = status;
                plan.restyle.push(site);
            }
            if (visible !== site.shown) {
                (visible ? plan.add : plan.remove).push(site);
                site.shown = visible;
            }
        });
        return plan;
    }

    // Whether a site asked for by name (a view's focus) has a marker shown on a day.
    function focusShown(site, day, filter) {
        return Boolean(site) && site.marker !== null && site.inView
            && allowed(statusOn(site.record.h, day), filter);
    }

    // What the legend counts on a day: shown markers per status (counts, one per status of
    // the table), those of country-level rows, all shown, and the sites in view with no
    // coordinates whose status on the day passes the filter (never drawn, but counted).
    function legendCounts(sites, statusCount, filter, day) {
        var counts = [];
        for (var i = 0; i < statusCount; i++) { counts.push(0); }
        var tally = {counts: counts, countryLevel: 0, shown: 0, unplaced: 0};
        sites.forEach(function (site) {
            if (site.shown) {
                counts[site.status] += 1;
                tally.shown += 1;
                if (site.record.countryLevel) { tally.countryLevel += 1; }
            } else if (!site.marker && site.inView) {
                if (allowed(statusOn(site.record.h, day), filter)) { tally.unplaced += 1; }
            }
        });
        return tally;
    }

    // Of a popup's status lines, each shown from its day on (data-from), the one in force on
    // a day: its position, or -1 when none is.
    function currentLine(froms, day) {
        var current = -1;
        froms.forEach(function (from, position) {
            if (from <= day) { current = position; }
        });
        return current;
    }

    // A text with "{count}" in it, counted.
    function fillCount(template, count) {
        return template.replace("{count}", String(count));
    }

    // --- HTML, escaped -----------------------------------------------------------------------

    var REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"};

    // A value as HTML text: never markup, in an element or a quoted attribute.
    function escapeHtml(value) {
        if (value === null || value === undefined) { return ""; }
        return String(value).replace(/[&<>"']/g, function (char) { return REFERENCES[char]; });
    }

    // A marker's face: its status's letter on its colours (a row of the status table).
    function markerHtml(style) {
        return "<span style=\"background:" + escapeHtml(style.color) + ";color:"
            + escapeHtml(style.textColor) + "\">" + escapeHtml(style.symbol) + "</span>";
    }

    // A cluster's face: how many sites it holds.
    function clusterHtml(count) {
        return "<div><span>" + escapeHtml(count) + "</span></div>";
    }

    // The cluster ring of a map whose statuses do not change (the offline export, a briefing
    // slide's one view): a CSS conic gradient of its sites' status colours, each in proportion and in the
    // status table's order, so a cluster of two closed sites reads as closed at a slide's zoom.
    // indices: the sites' status indices; colours come from the status table, escaped.
    function clusterRing(indices, statuses) {
        var counts = statuses.map(function () { return 0; });
        indices.forEach(function (index) {
            if (index >= 0 && index < counts.length) { counts[index] += 1; }
        });
        var total = counts.reduce(function (sum, count) { return sum + count; }, 0);
        if (total === 0) { return null; }
        var stops = [], from = 0, seen = 0;
        counts.forEach(function (count, index) {
            if (count === 0) { return; }
            seen += count;
            var to = Math.round(360 * seen / total);
            stops.push(escapeHtml(statuses[index].color) + " " + from + "deg " + to + "deg");
            from = to;
        });
        return "conic-gradient(" + stops.join(", ") + ")";
    }

    // A marker's tooltip: the site's name, its status, and the note of a country-level row
    // (null for the others). Every part is text from the data or the status table, escaped.
    function tooltipHtml(name, label, note) {
        var html = "<div><strong>" + escapeHtml(name) + "</strong><br>" + escapeHtml(label);
        if (note !== null) { html += "<br><em>" + escapeHtml(note) + "</em>"; }
        return html + "</div>";
    }

    // A marker's name for screen readers: the same parts, as plain text (set with
    // setAttribute, never parsed).
    function ariaLabel(name, label, note) {
        var parts = [name, label];
        if (note !== null) { parts.push(note); }
        return parts.join(" \u2014 ");
    }

    // --- the keyboard ---------------------------------------------------------------------------

    // Whether a key (KeyboardEvent.key) activates a focused marker or cluster, as it would a
    // button: Enter or Space.
    // The legend starts folded on a short map (a 1280x720 laptop, a phone): open, it would
    // cover a third of the map and the sites under it, while the counts above the map already
    // give each status with its colour and letter. A taller map has room for it.
    var LEGEND_OPEN_MIN_HEIGHT_PX = 560;
    function legendStartsOpen(mapHeightPx) {
        return mapHeightPx >= LEGEND_OPEN_MIN_HEIGHT_PX;
    }

    function activates(key) {
        return key === "Enter" || key === " " || key === "Spacebar";
    }

    // Of the markers and clusters a zoom revealed, as {x, y} points on the map's container,
    // the one a reader meets first (top to bottom, then left to right, in rows of rowPx): its
    // position, or -1 when there is none. Focus moves there, so it is never lost to the page.
    function firstInReadingOrder(points, rowPx) {
        var best = -1;
        points.forEach(function (point, position) {
            if (best < 0) { best = position; return; }
            var row = Math.floor(point.y / rowPx), bestRow = Math.floor(points[best].y / rowPx);
            if (row < bestRow || (row === bestRow && point.x < points[best].x)) {
                best = position;
            }
        });
        return best;
    }

    // How many sites' popups each part of a live map's popups holds: inline (an upload), all
    // in one part; published, popupPart a file. A static map's popups are in its records.
    function popupPartSize(live) {
        if (!live) { return 1; }
        return live.popups ? Math.max(live.popups.length, 1) : live.popupPart;
    }

    // Which part holds the popup of the site at index.
    function popupPartOf(index, partSize) {
        return Math.floor(index / partSize);
    }

    // A site's popup from the parts loaded so far: the HTML Python built with every value
    // escaped (stationmap.html.popups), empty if the site has none; null while its part is not
    // loaded.
    function popupFrom(parts, partSize, index) {
        var part = parts[popupPartOf(index, partSize)];
        if (!part) { return null; }
        return part[index % partSize] || "";
    }

    // What an open popup says while its part is being fetched.
    function loadingHtml(text) {
        return "<p class=\"sm-loading\">" + escapeHtml(text) + "</p>";
    }

    // --- country outlines --------------------------------------------------------------------

    // Natural Earth rings that cross the antimeridian jump from 180 to -180, which Leaflet
    // would draw as a line across the whole map. A ring that crosses twice (Russia, Fiji) is
    // made continuous past 180; one that crosses once goes round a pole (Antarctica) and is
    // closed along it.
    function joinAcrossAntimeridian(ring) {
        var crossings = 0;
        for (var i = 1; i < ring.length; i++) {
            if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) { crossings++; }
        }
        if (crossings === 0) { return ring; }
        var joined = [ring[0]];
        var offset = 0;
        for (var j = 1; j < ring.length; j++) {
            var previous = ring[j - 1], point = ring[j];
            var step = point[0] - previous[0];
            if (Math.abs(step) > 180) {
                if (crossings % 2 === 1) {
                    var pole = point[1] < 0 ? -90 : 90;
                    joined.push([previous[0], pole], [point[0], pole]);
                } else {
                    offset += step > 0 ? -360 : 360;
                }
            }
            joined.push([point[0] + offset, point[1]]);
        }
        return joined;
    }

    return {
        statusOn: statusOn,
        allowed: allowed,
        markInView: markInView,
        viewDay: viewDay,
        planDay: planDay,
        focusShown: focusShown,
        legendCounts: legendCounts,
        legendStartsOpen: legendStartsOpen,
        currentLine: currentLine,
        fillCount: fillCount,
        escapeHtml: escapeHtml,
        markerHtml: markerHtml,
        clusterHtml: clusterHtml,
        clusterRing: clusterRing,
        tooltipHtml: tooltipHtml,
        ariaLabel: ariaLabel,
        activates: activates,
        firstInReadingOrder: firstInReadingOrder,
        popupPartSize: popupPartSize,
        popupPartOf: popupPartOf,
        popupFrom: popupFrom,
        loadingHtml: loadingHtml,
        joinAcrossAntimeridian: joinAcrossAntimeridian
    };
});
