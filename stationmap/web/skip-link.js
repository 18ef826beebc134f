// On the map page (pages/map.py): "Skip the map" moves focus past the map's markers to what
// follows the map, and a site opened from the list of sites under the map has its details take
// focus once they are shown. The page calls stationmap.bindSkipLinks() with the link, and
// stationmap.focusWhenShown(selector) in the run that shows such details.
(function (root) {
    root.stationmap = root.stationmap || {};
    // Frames to wait for an element the same run draws after this script.
    var MAX_FRAMES = 60;

    // Moves focus to the first element matching selector (focusable by script only, not by
    // Tab) and scrolls it into view; whether there was one.
    function focusOn(selector) {
        var target = document.querySelector(selector);
        if (!target) { return false; }
        if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
        target.focus({preventScroll: true});
        target.scrollIntoView({block: "start"});
        return true;
    }

    root.stationmap.focusWhenShown = function (selector) {
        var frames = 0;
        (function attempt() {
            if (!focusOn(selector) && ++frames !== MAX_FRAMES) {
                root.requestAnimationFrame(attempt);
            }
        })();
    };

    // Once per page: a click, or Enter, on a link with a data-sm-skip attribute (a CSS
    // selector) moves focus to that element instead of following the link. (No "less than"
    // sign followed by a letter anywhere in this file: the page's HTML sanitiser drops a
    // script that has one.)
    root.stationmap.bindSkipLinks = function () {
        if (root.stationmap.skipLinksBound) { return; }
        root.stationmap.skipLinksBound = true;
        document.addEventListener("click", function (event) {
            var link = event.target.closest ? event.target.closest("a[data-sm-skip]") : null;
            if (!link) { return; }
            event.preventDefault();
            focusOn(link.getAttribute("data-sm-skip"));
        });
    };
})(globalThis);
