// Inside a briefing slide's map document: the slide keys work even after a click on the map
// gave it the keyboard (a key pressed in a frame never reaches the page around it). They press
// the page's own Next and Previous buttons (and Escape its hidden way out); the map's own
// arrow-key panning is switched off.
// stationmap.briefing.view.slide_map_html calls
// stationmap.bindSlideKeys({key: button key, ...}).
(function (root) {
    root.stationmap = root.stationmap || {};
    root.stationmap.bindSlideKeys = function (buttons) {
        document.addEventListener("keydown", function (event) {
            var key = buttons[event.key];
            if (!key || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
                return;
            }
            try {
                var button = window.parent.document.querySelector(".st-key-" + key + " button");
                if (button && !button.disabled) { event.preventDefault(); button.click(); }
            } catch (error) { /* a map opened on its own has no slides around it */ }
        });
    };
})(globalThis);
