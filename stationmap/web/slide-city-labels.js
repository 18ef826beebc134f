// Inside a briefing slide's map document: the name of each city with a site, beside it, once
// the map is close enough to tell the cities apart (a room cannot hover to find out which dot
// is London). Names are set as text, never parsed as HTML; the labels take no clicks or focus.
// stationmap.briefing.view.slide_map_html calls
// stationmap.cityLabels(map, cities, from zoom, offset in px), where cities is the list
// [{name, lat, lng}, ...] or, for a slide of many cities, the URL of a JSON file holding it.
// Either way the labels are made when first wanted: a slide at world zoom makes none.
(function (root) {
    root.stationmap = root.stationmap || {};
    root.stationmap.cityLabels = function (map, cities, fromZoom, offset) {
        var labels = null, loading = false;
        function labelLayer(list) {
            return L.layerGroup(list.map(function (city) {
                var text = document.createElement("span");
                text.textContent = city.name;
                return L.marker([city.lat, city.lng], {
                    icon: L.divIcon({
                        className: "sm-city-label", html: text, iconSize: null,
                        iconAnchor: [-offset, 12]
                    }),
                    interactive: false,
                    keyboard: false,
                    // Under the markers: a label never hides a site.
                    zIndexOffset: -1000
                });
            }));
        }
        function load() {
            loading = true;
            fetch(cities).then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            }).then(function (list) {
                labels = labelLayer(list);
                show();
            }).catch(function (error) {
                console.warn("stationmap: city names not loaded:", cities, error);
            });
        }
        function show() {
            var wanted = map.getZoom() >= fromZoom;
            if (!labels && wanted) {
                if (typeof cities !== "string") {
                    labels = labelLayer(cities);
                } else if (!loading) {
                    load();
                }
            }
            if (!labels) { return; }
            if (wanted) { labels.addTo(map); } else { labels.remove(); }
        }
        show();
        map.on("zoomend", show);
    };
})(globalThis);
