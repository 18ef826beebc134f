// Inside a briefing slide's map document: a view set for a wide screen (a world map at zoom 2
// is 1024 px wide) can cut off a slide's sites on a narrower one. Then the map fits the sites
// instead, giving up most zoom levels at most; a view the author chose much closer than that
// (Europe only, say) keeps the rest out, as meant. Checked again whenever the map's size
// changes. stationmap.briefing.view.slide_map_html calls
// stationmap.keepInView(map, [[south, west], [north, east]], margin in px, most).
(function (root) {
    root.stationmap = root.stationmap || {};
    root.stationmap.keepInView = function (map, bounds, margin, most) {
        var sites = L.latLngBounds(bounds);
        var center = map.getCenter(), chosen = map.getZoom();
        function showsAll() {
            var size = map.getSize();
            var view = L.latLngBounds(
                map.containerPointToLatLng([margin, size.y - margin]),
                map.containerPointToLatLng([size.x - margin, margin]));
            return view.contains(sites);
        }
        function keepInView() {
            map.setView(center, chosen, {animate: false});
            if (showsAll()) { return; }
            var fits = map.getBoundsZoom(sites, false, L.point(2 * margin, 2 * margin));
            if (fits < chosen - most) { return; }
            map.fitBounds(sites, {padding: [margin, margin], maxZoom: chosen, animate: false});
        }
        keepInView();
        map.on("resize", keepInView);
    };
})(globalThis);
