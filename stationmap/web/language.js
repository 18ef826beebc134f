// On the app's page: Streamlit's page says lang="en" whatever it shows. With the page's lang
// set, Simplified and Traditional Chinese each get their own glyph forms and fonts
// (i18n.font_css). chrome._render_language_marks calls stationmap.setPageLanguage(tag) with
// one of the languages that have a catalogue.
(function (root) {
    root.stationmap = root.stationmap || {};
    root.stationmap.setPageLanguage = function (tag) {
        document.documentElement.lang = tag;
    };
})(globalThis);
