// On the map page (pages/map.py): "Skip the map" moves focus past the map's markers to what
// follows the map, and a site opened from the list of sites under the map has its details take
// focus once they are shown. The page calls stationmap.bindSkipLinks() with the link, and
// stationmap.focusWhenShown(selector) in the run that shows such details.
(function (root) {
    root.stationmap = root.stationmap || {};
    // Frames to wait for an element the same run draws after this script.
    var MAX_FRAMES = 60;

    // A jump keeps its target at the top of its scroller while what holds it still changes (an
    // expander opening grows for about half a second): at most this many frames, and until
    // the target and the scroller's height have stayed put for STILL_FRAMES.
    var SETTLE_FRAMES = 120;
    var STILL_FRAMES = 10;

    // The nearest ancestor of element that scrolls for the reader (overflow auto or scroll,
    // content taller than it), or null. Not scrollIntoView: it also scrolls an ancestor that
    // clips (overflow hidden), such as an expander's details element while it opens, whose height
    // then grows and takes that scroll back; the jump was undone (timeline's year links).
    function scrollerOf(element, styleOf) {
        for (var node = element.parentElement; node; node = node.parentElement) {
            var overflow = styleOf(node).overflowY;
            if ((overflow === "auto" || overflow === "scroll")
                    && node.scrollHeight > node.clientHeight) {
                return node;
            }
        }
        return null;
    }

    // How far target's top is below where it should be in scroller (its scroll-margin-top
    // under scroller's top).
    function offsetIn(target, scroller, styleOf) {
        var margin = parseFloat(styleOf(target).scrollMarginTop) || 0;
        return target.getBoundingClientRect().top - scroller.getBoundingClientRect().top
            - margin;
    }

    // Scrolls target to the top of its scroller, again on the next frames while what holds it
    // changes (an expander opening), until it stays put; the reader's own scrolling (wheel,
    // touch, a key) ends that at once.
    function scrollToTop(target) {
        var styleOf = root.getComputedStyle.bind(root);
        var scroller = scrollerOf(target, styleOf);
        if (!scroller) {
            target.scrollIntoView({block: "start"});
            return;
        }
        var frames = 0, still = 0, height = -1, stopped = false;
        var stop = function () { stopped = true; };
        var inputs = ["wheel", "touchmove", "keydown", "mousedown"];
        inputs.forEach(function (kind) {
            root.addEventListener(kind, stop, {capture: true, once: true, passive: true});
        });
        (function settle() {
            if (stopped) { return; }
            var off = offsetIn(target, scroller, styleOf);
            if (Math.abs(off) > 1 || scroller.scrollHeight !== height) {
                if (Math.abs(off) > 1) { scroller.scrollTop += off; }
                height = scroller.scrollHeight;
                still = 0;
            } else {
                still += 1;
            }
            if (still < STILL_FRAMES && ++frames < SETTLE_FRAMES) {
                root.requestAnimationFrame(settle);
            } else {
                inputs.forEach(function (kind) {
                    root.removeEventListener(kind, stop, {capture: true});
                });
            }
        })();
    }

    // Moves focus to the first element matching selector (focusable by script only, not by
    // Tab) and scrolls it to the top of the page; whether there was one.
    function focusOn(selector) {
        var target = document.querySelector(selector);
        if (!target) { return false; }
        if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
        target.focus({preventScroll: true});
        scrollToTop(target);
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
    root.stationmap.scrollerOf = scrollerOf;
})(globalThis);
