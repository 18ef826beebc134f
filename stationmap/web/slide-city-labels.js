// Inside a briefing slide's map document: the name of each city with a site, beside it, once
// the map is close enough to tell the cities apart (a room cannot hover to find out which dot
// is London). Names are set as text, never parsed as HTML; the labels take no clicks or focus.
// stationmap.briefing.view.slide_map_html calls
// stationmap.cityLabels(map, [{name, lat, lng}, ...], from zoom, offset in px).
(function (root) {
    root.stationmap = root.stationmap || {};
    root.stationmap.cityLabels = function (map, cities, fromZoom, offset) {
        var labels = L.layerGroup(cities.map(function (city) {
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
        function show() {
            if (map.getZoom() >= fromZoom) { labels.addTo(map); } else { labels.remove(); }
        }
        show();
        map.on("zoomend", show);
    };
})(globalThis);
