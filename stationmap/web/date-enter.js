// On the app's page: Streamlit's date fields take a typed date only when focus leaves the
// field, so Enter, which applies a form field everywhere else, did nothing (the sidebar's
// "Statuses as of"). Here Enter in a date field's day, month or year moves focus out of the
// field and straight back: Streamlit applies the date, and the reader stays where they were.
// chrome._render_language_marks calls stationmap.applyDatesOnEnter() on every run; the
// listener is added once per page.
(function (root) {
    root.stationmap = root.stationmap || {};
    root.stationmap.applyDatesOnEnter = function () {
        var doc = root.document;
        if (doc.smDatesOnEnter) { return; }
        doc.smDatesOnEnter = true;
        doc.addEventListener("keydown", function (event) {
            if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) { return; }
            var segment = event.target;
            if (!segment.closest || segment.getAttribute("role") !== "spinbutton") { return; }
            var field = segment.closest('[data-testid="stDateInputField"]');
            // A range (two dates) is left alone: half of one cannot be applied.
            if (!field || field.querySelector("[data-range-field]")) { return; }
            event.preventDefault();
            // Focus must land outside the field for Streamlit to apply it; blur() alone does
            // not do it. The stand-in is never seen and is gone at once.
            var away = doc.createElement("span");
            away.tabIndex = -1;
            doc.body.appendChild(away);
            away.focus({preventScroll: true});
            segment.focus({preventScroll: true});
            away.remove();
        }, true);
    };
})(globalThis);
