// The sites on a Leaflet map, in the map's frame: one marker cluster, the legend, the country
// outlines, and on a live map (the map page) its views and play control. A live map may instead
// have one fixed view, payload.view (a briefing slide): the map page's sites, read once and
// shared, shown for one day, with no play control and no refit. Only this file
// touches Leaflet and the page; the rules it applies are in core.js (stationmap.core, tested
// under Node), and streamlit-folium is reached only through bridge.js.
//
// Python (stationmap.map.builder.SiteLayer) inlines core.js, bridge.js and this file into the
// map's script and then calls stationmap.drawLayer(map, payload) with the layer's payload as
// JSON.
//
// Every text below comes from the payload and is set as text (textContent, setAttribute) or
// escaped (stationmap.core); the HTML made here is from the status table, which Python checked
// is colours and single letters, and the popups, which Python escaped.
(function (stationmap) {
var core = stationmap.core;
var bridge = stationmap.bridge;

// Rows of this many pixels make the reading order of the markers a cluster reveals.
var READING_ROW_PX = 24;
// MarkerCluster adds many markers in slices of 200 ms and by default waits 50 ms after each:
// the browser takes its turn between two slices all the same (input, painting), and the wait
// only held the first view back (10,000 sites take two or three slices).
var CHUNK_DELAY_MS = 0;
// From this zoom on every marker stands alone. MarkerCluster works out its clusters for every
// zoom up front, and the zooms of streets cost most: each one a marker still stands alone at
// is a grid insert per marker (10,000 sites: 280 ms for zooms 1-18, 160 ms for 1-12, measured
// in Chromium). By zoom 13 a cluster's 40 px radius is under a kilometre, and the sites that
// share a point are spread on a ring 1.1 km wide (stationmap.map.records), so they stand apart
// there anyway; only distinct sites under ~800 m apart now overlap at zoom 13-15 instead of
// staying a cluster (none in the shipped data: its closest two are 1.9 km apart).
var UNCLUSTERED_FROM_ZOOM = 13;
// A first view's markers are clustered for the zooms up to this many closer in than the one it
// shows (see clusterFirstForShownZoom), and for the rest when the map first zooms.
var FIRST_VIEW_EXTRA_ZOOMS = 3;

// A divIcon whose element has a name for screen readers ("6 sites, Enter to zoom" for a
// cluster, which would otherwise be read as a bare number), set as text, never parsed.
var NamedIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
        var element = L.DivIcon.prototype.createIcon.call(this, oldIcon);
        element.setAttribute("aria-label", this.options.label);
        return element;
    }
});

stationmap.drawLayer = function (map, payload) {
    // Chinese text gets the fonts and glyph forms of its script (see i18n.font_css).
    map.getContainer().setAttribute("lang", payload.lang);
    if (payload.iconImagePath) {
        L.Icon.Default.imagePath = payload.iconImagePath;
    }
    if (payload.outlinesUrl) {
        L.DomUtil.addClass(map.getContainer(), "sm-no-tiles");
    }
    // Leaflet focuses the map on a mouse press (for its arrow keys) and then restores the
    // scroll of its own window only. In a frame, the page around it scrolls the whole map into
    // view, the press ends off the marker under it and the click is lost (a 1280x800 screen).
    if (map.keyboard) {
        var keys = map.keyboard.enabled();
        map.keyboard.disable();
        map.keyboard._onMouseDown = function () {
            if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
        };
        if (keys) { map.keyboard.enable(); }
    }
    // What waits until the markers being added are all in their clusters (the outlines): run
    // at once when none are being added.
    var adding = false, afterAdding = [];
    function whenAdded(task) {
        if (adding) { afterAdding.push(task); } else { task(); }
    }
    function clusteredAll() {
        if (!adding) { return; }
        adding = false;
        performance.mark("stationmap:markers-clustered");
        // After MarkerCluster has drawn the clusters, which it does once this returns.
        setTimeout(function () {
            afterAdding.splice(0).forEach(function (task) { task(); });
        }, 0);
    }
    var outlinesStarted = false;
    // A live map draws the outlines once its markers show: they are the backdrop, and drawing
    // two hundred countries would otherwise delay the first markers.
    function drawOutlines() {
        if (!payload.outlinesUrl || outlinesStarted) { return; }
        outlinesStarted = true;
        // Below every other layer, and never in the way of a click.
        var outlinePane = map.createPane("smOutlines");
        outlinePane.style.zIndex = 250;
        outlinePane.style.pointerEvents = "none";
        // A live map loads the TopoJSON reader beside the outlines, off the path to its
        // markers; a static one has it among its scripts (the offline export inlines them).
        var reader = window.topojson ? Promise.resolve() : new Promise(function (done, fail) {
            var script = document.createElement("script");
            script.src = payload.topojsonUrl;
            script.onload = done;
            script.onerror = function () { fail(new Error("not loaded: " + script.src)); };
            document.head.appendChild(script);
        });
        // The coarse outlines, enough for a continent; from fineOutlinesZoom on, the finer
        // ones, for a country at a slide's zoom. Each file is read once, when first wanted.
        var layers = {}, shown = null, asked = 0;
        function layerOf(url) {
            if (!layers[url]) { layers[url] = outlineLayer(url, reader); }
            return layers[url];
        }
        function showOutlines() {
            var close = Boolean(payload.fineOutlinesUrl)
                && map.getZoom() >= payload.fineOutlinesZoom;
            var ticket = ++asked;
            layerOf(close ? payload.fineOutlinesUrl : payload.outlinesUrl).then(function (layer) {
                // The fine file unread: the coarse one will do.
                return layer || layerOf(payload.outlinesUrl);
            }).then(function (layer) {
                // Only the last zoom's choice is drawn, whichever file arrives first.
                if (ticket !== asked || !layer || layer === shown) { return; }
                if (shown) { map.removeLayer(shown); }
                shown = layer.addTo(map);
            });
        }
        showOutlines();
        map.on("zoomend", showOutlines);
    }
    // Natural Earth countries from a TopoJSON file, as a layer (null when it cannot be read).
    function outlineLayer(url, reader) {
        return Promise.all([fetch(url), reader])
            .then(function (loaded) {
                var response = loaded[0];
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            })
            .then(function (topology) {
                var countries = topojson.feature(topology, topology.objects.countries);
                countries.features.forEach(function (feature) {
                    var geometry = feature.geometry;
                    if (!geometry) { return; }
                    var polygons = geometry.type === "Polygon"
                        ? [geometry.coordinates] : geometry.coordinates;
                    polygons.forEach(function (polygon) {
                        for (var i = 0; i < polygon.length; i++) {
                            polygon[i] = core.joinAcrossAntimeridian(polygon[i]);
                        }
                    });
                });
                return L.geoJSON(countries, {
                    pane: "smOutlines",
                    interactive: false,
                    attribution: payload.outlinesAttribution,
                    style: {color: "#8a949e", weight: 0.7, fillColor: "#f7f7f4", fillOpacity: 1}
                });
            })
            .catch(function (error) {
                console.warn("stationmap: country outlines not drawn:", url, error);
                return null;
            });
    }
    // A live map's one fixed view, if it has one (a briefing slide); like any live map's, its
    // outlines come once its markers show.
    var fixedView = payload.live ? payload.view || null : null;
    if (!payload.live) { drawOutlines(); }
    var cluster = L.markerClusterGroup({
        maxClusterRadius: 40,
        showCoverageOnHover: false,
        // Spreading is done in Python; at the last zoom every site stands alone.
        spiderfyOnMaxZoom: false,
        disableClusteringAtZoom: UNCLUSTERED_FROM_ZOOM,
        // A slide's one view is added in one go: in chunks its clusters showed only after the
        // last chunk anyway, and the pauses between chunks made a slide of 10,000 sites wait
        // longer. The map page keeps its chunks: its play control must stay responsive.
        // chunkProgress is called after the last markers either way.
        chunkedLoading: !fixedView,
        chunkDelay: CHUNK_DELAY_MS,
        chunkProgress: function (processed, total) {
            if (processed === total) { clusteredAll(); }
        },
        iconCreateFunction: function (group) {
            var count = group.getChildCount();
            var html = core.clusterHtml(count);
            var className = "marker-cluster sm-cluster";
            // A static map's statuses never change, nor a fixed view's: its clusters show
            // them as a ring.
            var ring = payload.live && !fixedView ? null : core.clusterRing(
                group.getAllChildMarkers().map(function (marker) {
                    return marker.smSite.status;
                }), payload.statuses);
            if (ring) {
                html = "<b class=\"sm-cluster-ring\" style=\"background:" + ring + "\"></b>"
                    + html;
                className += " sm-cluster-ringed";
            }
            return new NamedIcon({
                html: html,
                className: className,
                iconSize: L.point(40, 40),
                label: core.fillCount(payload.clusterLabel, count)
            });
        }
    });
    map.addLayer(cluster);
    var statuses = payload.statuses;
    var statusIndex = {};
    statuses.forEach(function (style, index) { statusIndex[style.key] = index; });
    // A live map (the map page) gets its sites once, then views (filters, date) one by one;
    // a static map (the offline export) has its sites and view in the payload; a fixed view (a
    // briefing slide) is a live map given one view, in its payload.
    var live = payload.live;
    var play = live ? payload.play : null;
    var icons = {};
    function iconFor(status, countryLevel) {
        var key = status + (countryLevel ? "c" : "p");
        if (!icons[key]) {
            var style = statuses[status];
            icons[key] = L.divIcon({
                className: "sm-marker " + (countryLevel ? "sm-marker-country" : "sm-marker-point"),
                html: core.markerHtml(style),
                iconSize: [24, 24],
                iconAnchor: [12, 12],
                popupAnchor: [0, -12],
                tooltipAnchor: [12, 0]
            });
        }
        return icons[key];
    }
    // The note a country-level row's tooltip and label add; null for the others.
    function noteFor(site) {
        return site.record.countryLevel ? payload.cityNotReported : null;
    }
    function labelFor(site) {
        return core.ariaLabel(site.record.name, statuses[site.status].label, noteFor(site));
    }
    function tooltipFor(site) {
        return core.tooltipHtml(site.record.name, statuses[site.status].label, noteFor(site));
    }
    function labelIcon(site) {
        // setAttribute takes text, never HTML.
        if (site.marker._icon) { site.marker._icon.setAttribute("aria-label", labelFor(site)); }
    }
    // The view's status filter (status indices; empty: any status).
    var filter = [];
    function fetchText(url) {
        return fetch(url).then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
            return response.text();
        });
    }
    function fetchJson(url) {
        return fetchText(url).then(JSON.parse);
    }
    // The popups of a live map are most of its bytes, and most are never opened: they come in
    // parts of popupPart sites, each fetched when one of its popups is first opened. Inline
    // (an upload), they are one part.
    var popupPart = core.popupPartSize(live);
    var popupParts = live && live.popups ? [live.popups] : [];
    var partsLoading = [];
    function loadPopupPart(part) {
        if (popupParts[part] || partsLoading[part]) { return; }
        partsLoading[part] = fetchJson(live.popupUrls[part]).then(function (list) {
            popupParts[part] = list;
            partsLoading[part] = null;
            if (openPopup && openPopup.isOpen()) { openPopup.update(); syncPopup(); }
        }).catch(function (error) {
            partsLoading[part] = null;
            console.warn("stationmap: popups not loaded:", error);
        });
    }
    function popupFor(site) {
        var html = core.popupFrom(popupParts, popupPart, site.index);
        if (html !== null) { return html; }
        loadPopupPart(core.popupPartOf(site.index, popupPart));
        return core.loadingHtml(play.texts.loading);
    }
    function makeSite(record, index) {
        var status = live ? -1 : statusIndex[record.status];
        var site = {record: record, index: index, status: status, shown: false, inView: !live,
                    marker: null};
        if (record.lat === null || record.lng === null) { return site; }
        var marker = L.marker([record.lat, record.lng], {
            icon: iconFor(Math.max(status, 0), record.countryLevel),
            riseOnHover: true
        });
        marker.on("add", function () { labelIcon(site); });
        marker.smSite = site;
        site.marker = marker;
        return site;
    }
    // A marker gets its tooltip and popup the first time it is pointed at or clicked, not up
    // front: at ten thousand sites, making them all was most of the time to the first marker.
    function bindOnce(marker) {
        var site = marker.smSite;
        if (!site || marker.getPopup()) { return false; }
        marker.bindTooltip(function () { return tooltipFor(site); }, {direction: "right"});
        marker.bindPopup(live ? function () { return popupFor(site); } : site.record.popup,
                         {maxWidth: 380, minWidth: 240, maxHeight: 320});
        return true;
    }
    cluster.on("mouseover", function (event) {
        if (bindOnce(event.layer)) { event.layer.openTooltip(); }
    });
    cluster.on("click", function (event) {
        if (bindOnce(event.layer)) { event.layer.openPopup(); }
    });
    // The keyboard does what a click does. Leaflet turns Enter on a marker into a click with
    // no position, which opens nothing here and tells streamlit-folium of no site; so Enter
    // and Space are handled on key down (which also stops Leaflet's own Enter, and the page
    // scrolling on Space): a marker gets the click a pointer gives it, position included, so
    // its popup opens and the page shows its details; a cluster zooms in, and focus moves to
    // what it revealed instead of being lost with the cluster's icon.
    cluster.on("keydown", function (event) {
        var key = event.originalEvent;
        if (!core.activates(key.key) || !event.layer.smSite) { return; }
        L.DomEvent.preventDefault(key);
        var marker = event.layer;
        bindOnce(marker);
        marker.fire("click", {latlng: marker.getLatLng(), originalEvent: key}, true);
    });
    var pendingReveal = null;
    // How long to wait for the revealed icons: a zoom can end (with no animation) some 300 ms
    // before MarkerCluster has swapped the cluster's icon for its children's, and focus must
    // not fall back to the page's body meanwhile.
    var REVEAL_RETRY_MS = 50;
    var REVEAL_RETRIES = 40;
    function focusRevealed(opened, children, triesLeft) {
        if (triesLeft === undefined) { triesLeft = REVEAL_RETRIES; }
        var shown = [];
        children.forEach(function (child) {
            var parent = cluster.getVisibleParent(child);
            // The cluster that was opened can still be drawn for a moment: not a reveal.
            if (parent && parent !== opened && parent._icon && shown.indexOf(parent) < 0) {
                shown.push(parent);
            }
        });
        var first = core.firstInReadingOrder(shown.map(function (layer) {
            return map.latLngToContainerPoint(layer.getLatLng());
        }), READING_ROW_PX);
        if (first >= 0) {
            shown[first]._icon.focus({preventScroll: true});
        } else if (triesLeft > 0) {
            setTimeout(function () {
                focusRevealed(opened, children, triesLeft - 1);
            }, REVEAL_RETRY_MS);
        } else {
            // Nothing to land on: keep the keyboard in the map rather than on the page's body.
            map.getContainer().focus({preventScroll: true});
        }
    }
    cluster.on("clusterkeydown", function (event) {
        var key = event.originalEvent;
        if (!core.activates(key.key)) { return; }
        L.DomEvent.preventDefault(key);
        var opened = event.layer;
        var children = opened.getAllChildMarkers();
        // Clusters are redrawn once the zoom has ended, animated or not. A zoom that changed
        // nothing ends no animation: a reveal still waiting then must not move focus later.
        if (pendingReveal) {
            cluster.off("animationend", pendingReveal);
            map.off("zoomend", pendingReveal);
        }
        var reveal = function () {
            if (pendingReveal !== reveal) { return; }
            pendingReveal = null;
            cluster.off("animationend", reveal);
            map.off("zoomend", reveal);
            focusRevealed(opened, children);
        };
        pendingReveal = reveal;
        // Whichever comes first: MarkerCluster's animation end, or the map's zoom end (some
        // zooms end no cluster animation); focusRevealed waits for the new icons either way.
        cluster.once("animationend", reveal);
        map.once("zoomend", reveal);
        opened.zoomToBounds();
    });
    var sites = [];
    var legendBox = null;
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
        legendBox = L.DomUtil.create("div", "sm-legend-control");
        legendBox.innerHTML = payload.legend;
        var folding = legendBox.querySelector("details");
        if (payload.live && !fixedView && folding
                && !core.legendStartsOpen(map.getSize().y)) {
            folding.open = false;
        }
        L.DomEvent.disableClickPropagation(legendBox);
        L.DomEvent.disableScrollPropagation(legendBox);
        return legendBox;
    };
    legend.addTo(map);
    var empty = L.DomUtil.create("div", "sm-empty", map.getContainer());
    empty.setAttribute("role", "status");
    empty.textContent = payload.emptyMessage;
    empty.hidden = true;
    if (!live) {
        sites = payload.records.map(makeSite);
        sites.forEach(function (site) {
            site.shown = site.marker !== null && core.allowed(site.status, filter);
        });
        cluster.addLayers(sites.filter(function (site) { return site.shown; })
            .map(function (site) { return site.marker; }));
        empty.hidden = sites.some(function (site) { return site.shown; });
        return cluster;
    }

    // --- a live map: views and the play control. Everything below runs in the browser; only
    // a new view (another filter or sidebar date) comes from the server, as a few hundred bytes.
    var currentDay = null;
    function updateLegend() {
        var tally = core.legendCounts(sites, statuses.length, filter, currentDay);
        statuses.forEach(function (style, index) {
            var cell = legendBox.querySelector(
                'li[data-status="' + style.key + '"] .sm-legend-count');
            if (cell) { cell.textContent = String(tally.counts[index]); }
        });
        var levelCell = legendBox.querySelector(
            'li[data-status="country-level"] .sm-legend-count');
        if (levelCell) { levelCell.textContent = String(tally.countryLevel); }
        var note = legendBox.querySelector(".sm-legend-note");
        if (!note && tally.unplaced) {
            note = L.DomUtil.create("p", "sm-legend-note", legendBox.querySelector(".sm-legend"));
        }
        if (note) {
            note.textContent = core.fillCount(play.texts.unplaced, tally.unplaced);
            note.hidden = !tally.unplaced;
        }
        // Nothing the filters allow, on any date; or nothing on the day shown (a fixed view
        // has one day: its filters' message).
        empty.textContent = anyInView && !fixedView ? play.texts.emptyThen
            : payload.emptyMessage;
        empty.hidden = tally.shown > 0;
    }
    var openPopup = null;
    // An open popup shows what was known on the day shown: later events and the sources only
    // they cite are hidden, and of its status lines (one per change) the one of that day.
    function syncPopup() {
        if (!openPopup || !openPopup.isOpen()) { return; }
        var root = openPopup.getElement();
        if (!root) { return; }
        root.querySelectorAll("[data-d]").forEach(function (item) {
            item.hidden = Number(item.getAttribute("data-d")) > currentDay;
        });
        var lines = root.querySelectorAll(".sm-now [data-from]");
        var current = core.currentLine(Array.prototype.map.call(lines, function (line) {
            return Number(line.getAttribute("data-from"));
        }), currentDay);
        lines.forEach(function (line, position) { line.hidden = position !== current; });
    }
    map.on("popupopen", function (event) { openPopup = event.popup; syncPopup(); });
    map.on("popupclose", function (event) {
        if (openPopup === event.popup) { openPopup = null; }
    });
    function markerOf(site) { return site.marker; }
    // MarkerCluster places each marker it is given at every zoom, from the map's least to the
    // last it clusters at, before it shows any: at 10,000 sites most of the time before a
    // first view went to the zooms of cities, where most markers stand alone (in Chromium,
    // 10,000 markers: 160-220 ms for zooms 1-12, 18 ms for 1-6). So the first markers are
    // clustered for the zooms up to FIRST_VIEW_EXTRA_ZOOMS closer in than the one shown, and
    // for every zoom when the map first starts to zoom. Clustered from the zoom shown itself,
    // its clusters came out other than from zoom 12, and left some markers under 24 px from a
    // cluster (axe's target-size, on the shipped data and at 1,000 sites); from three zooms
    // closer in, axe found none there nor at 100 or 10,000 sites. Not later in idle time: the
    // clusters of the zoom shown would change under the reader's eyes; a zoom changes them
    // anyway.
    var clusteredOnce = false, shallow = false;
    function clusterFirstForShownZoom() {
        clusteredOnce = true;
        var lastClustered = Math.round(map.getZoom()) + FIRST_VIEW_EXTRA_ZOOMS;
        if (lastClustered + 1 >= UNCLUSTERED_FROM_ZOOM) { return; }
        cluster.options.disableClusteringAtZoom = lastClustered + 1;
        cluster.clearLayers();  // it has no markers yet: this makes its grids for those zooms
        shallow = true;
        map.on("zoomstart", clusterEveryZoom);
    }
    function clusterEveryZoom() {
        if (!shallow) { return; }
        shallow = false;
        map.off("zoomstart", clusterEveryZoom);
        // Every marker is taken off the map and added again: a popup open on one closes with
        // it, and is opened again if its marker still stands alone.
        var popupMarker = null;
        if (openPopup && openPopup.isOpen()) {
            sites.some(function (site) {
                if (site.marker && site.marker.getPopup() === openPopup) {
                    popupMarker = site.marker;
                }
                return popupMarker !== null;
            });
        }
        var markers = cluster.getLayers();
        var chunked = cluster.options.chunkedLoading;
        cluster.options.disableClusteringAtZoom = UNCLUSTERED_FROM_ZOOM;
        // In one go: in slices, the map would show some markers between two of them.
        cluster.options.chunkedLoading = false;
        cluster.clearLayers();
        cluster.addLayers(markers);
        cluster.options.chunkedLoading = chunked;
        if (popupMarker && map.hasLayer(popupMarker)) { popupMarker.openPopup(); }
        performance.mark("stationmap:clustered-every-zoom");
    }
    function showDay(day) {
        currentDay = day;
        var plan = core.planDay(sites, day, filter);
        plan.restyle.forEach(function (site) {
            site.marker.setIcon(iconFor(site.status, site.record.countryLevel));
            labelIcon(site);
        });
        if (plan.remove.length) { cluster.removeLayers(plan.remove.map(markerOf)); }
        if (plan.add.length) {
            if (!clusteredOnce) { clusterFirstForShownZoom(); }
            adding = true;
            cluster.addLayers(plan.add.map(markerOf));
        }
        updateLegend();
        syncPopup();
    }
    var steps = [], index = 0, timer = null;
    var box, button, slider, monthLabel, dayLabel;
    function render() {
        if (!box) { return; }
        box.hidden = !steps.length;
        if (!steps.length) { return; }
        monthLabel.textContent = steps[index][1];
        dayLabel.textContent = steps[index][2];
        slider.max = String(steps.length - 1);
        slider.value = String(index);
        slider.setAttribute("aria-valuetext", steps[index][2]);
    }
    function goTo(next) {
        index = next;
        showDay(steps[index][0]);
        render();
    }
    function setPlaying(playing) {
        if (!button) { return; }
        button.textContent = (playing ? "\u275a\u275a " : "\u25b6 ")
            + (playing ? play.texts.pause : play.texts.play);
        button.setAttribute("aria-pressed", playing ? "true" : "false");
    }
    // The page's counts follow the day the control settles on: where the slider is let go
    // (each key press is one), where playing is paused or ends. Not every step played, which
    // would run the page each month.
    var reportedDay = null;
    function reportDay() {
        var day = steps.length ? steps[index][0] : null;
        if (day === null || day === reportedDay || !bridge.canReport(window)) { return; }
        reportedDay = day;
        bridge.reportDay(window, payload.dayReport, day, shownKey);
    }
    function stop() {
        if (timer !== null) { clearInterval(timer); }
        timer = null;
        setPlaying(false);
    }
    function pause() {
        var wasPlaying = timer !== null;
        stop();
        if (wasPlaying) { reportDay(); }
    }
    function start() {
        if (index >= steps.length - 1) { goTo(0); }
        timer = setInterval(function () {
            if (index >= steps.length - 1) { pause(); } else { goTo(index + 1); }
        }, play.stepMs);
        setPlaying(true);
    }
    var control = L.control({position: "topright"});
    control.onAdd = function () {
        box = L.DomUtil.create("div", "sm-play");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", play.texts.title);
        L.DomUtil.create("p", "sm-play-title", box).textContent = play.texts.title;
        monthLabel = L.DomUtil.create("p", "sm-play-month", box);
        monthLabel.setAttribute("aria-live", "polite");
        dayLabel = L.DomUtil.create("p", "sm-play-day", box);
        var row = L.DomUtil.create("div", "sm-play-row", box);
        button = L.DomUtil.create("button", "sm-play-button", row);
        button.type = "button";
        slider = L.DomUtil.create("input", "sm-play-slider", row);
        slider.type = "range";
        slider.min = "0";
        slider.step = "1";
        slider.setAttribute("aria-label", play.texts.slider);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        L.DomEvent.on(button, "click", function () {
            if (timer !== null) { pause(); } else { start(); }
        });
        L.DomEvent.on(slider, "input", function () {
            stop();
            goTo(Number(slider.value));
        });
        L.DomEvent.on(slider, "change", reportDay);
        return box;
    };
    if (!fixedView) {
        control.addTo(map);
        setPlaying(false);
        render();
    }

    // The sites allowed by the filters that do not depend on the date: one bit per site, in
    // the order of the records, base64.
    var visibleBits = null, anyInView = false;
    function fitToView() {
        var points = [];
        sites.forEach(function (site) {
            if (site.marker && site.inView) { points.push([site.record.lat, site.record.lng]); }
        });
        if (points.length) {
            map.fitBounds(points, {padding: payload.fitPadding, maxZoom: payload.fitMaxZoom,
                                   animate: false});
        } else {
            map.setView(payload.worldCenter, payload.worldZoom, {animate: false});
        }
    }
    var loaded = false, failed = false, pendingView = null, shownKey = null, reported = false;
    var shownFocus = null;
    // Asked for by the page's first run in a session
    // (stationmap.app.render_order.map_first): once the map has shown its sites, or has
    // failed to load them, and the browser has painted that, tell the page, whose next run
    // draws the rest of it. Once per map; every later value (a click) says it too, so a
    // click that overtakes the report's run cannot leave the page waiting for a report that
    // was already sent.
    function reportShown(view) {
        if (!view.report || reported || !bridge.canReport(window)) { return; }
        reported = true;
        bridge.reportShown(window, payload.shownReport);
    }
    function applyView(view) {
        if (!loaded) {
            pendingView = view;
            if (failed) { reportShown(view); }
            return;
        }
        // The same view again (e.g. the run that the report above starts): nothing to redo,
        // and a month being played goes on playing.
        if (view.key === shownKey) { reportShown(view); return; }
        stop();
        filter = view.filter;
        var refit = view.visible !== visibleBits;
        if (refit) {
            visibleBits = view.visible;
            anyInView = core.markInView(sites, view.visible);
        }
        steps = view.steps;
        index = view.start;
        var day = core.viewDay(view);
        // The page counted this view's own day.
        reportedDay = day;
        var focused = view.focus === null ? null : sites[view.focus];
        var focusShown = core.focusShown(focused, day, filter);
        // The view is set before the markers are added, so they are clustered once, at the
        // zoom they are shown at; without animation, so they show at once.
        if (focusShown) {
            // MarkerCluster zooms as far as the site's cluster splits (below), which it knows
            // from every zoom only: the markers are clustered for every zoom, the first ones
            // at once rather than for the shown zoom and then again.
            clusteredOnce = true;
            clusterEveryZoom();
            map.setView([focused.record.lat, focused.record.lng], payload.focusZoom,
                        {animate: false});
        } else if (refit && !fixedView) {
            fitToView();
        }
        showDay(day);
        render();
        // The site a reader asked for (a link with ?site=) stands out of any cluster, its popup
        // open once, when it is first asked for; its story is under the map.
        if (focusShown) {
            var opening = view.focus !== shownFocus;
            cluster.zoomToShowLayer(focused.marker, function () {
                if (!opening) { return; }
                bindOnce(focused.marker);
                focused.marker.openPopup();
            });
        }
        shownFocus = view.focus;
        // For tests: the view this map shows, once it shows it.
        map.getContainer().setAttribute("data-sm-view", view.key);
        shownKey = view.key;
        performance.mark("stationmap:view-shown");
        // The backdrop after the markers: drawn between two slices of them, it held the last
        // ones back.
        whenAdded(drawOutlines);
        reportShown(view);
    }
    // The server's views arrive through streamlit-folium's feature group (bridge.js); one may
    // arrive before this map exists, or before its sites.
    bridge.receiveViews(window, applyView);
    if (fixedView) { applyView(fixedView); }
    if (bridge.canReport(window)) { bridge.countClicksFromNone(window); }
    // The map page's sites, as JSON text: from the page around the frame when an earlier frame
    // left them there, else fetched and left there for the next frame. A slide's are fetched
    // as its preload has started to.
    var keptText = live.records || fixedView ? null : bridge.keptSites(window, live.dataUrl);
    var records = live.records ? Promise.resolve(live.records)
        : (keptText !== null ? Promise.resolve(keptText) : fetchText(live.dataUrl))
            .then(function (text) {
                if (keptText === null && !fixedView) {
                    bridge.keepSites(window, live.dataUrl, text);
                }
                return JSON.parse(text);
            });
    records.then(function (list) {
        // Marks in the frame's performance timeline, for measuring where a first paint goes.
        performance.mark("stationmap:sites-loaded");
        sites = list.map(makeSite);
        performance.mark("stationmap:markers-made");
        loaded = true;
        if (pendingView) { applyView(pendingView); pendingView = null; }
    }).catch(function (error) {
        console.error("stationmap: sites not loaded:", error);
        drawOutlines();
        empty.textContent = play.texts.notLoaded;
        empty.hidden = false;
        failed = true;
        reportShown(pendingView || {});
    });
    return cluster;
};
})(globalThis.stationmap);
