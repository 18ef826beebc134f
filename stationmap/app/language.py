"""The interface language: chosen from the link, the session or the browser; the picker.

``dashboard.py`` calls :func:`choose_language` first, so every ``_()`` in the run uses the
chosen language, and draws :func:`render_language_picker` after the page.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stationmap import browser_code, i18n
from stationmap.app import ui_state
from stationmap.i18n import _


def _relabel_bound_filters() -> None:
    # A bound multiselect writes its chosen labels into the URL; after a language change, setting
    # each filter to its own value makes Streamlit rewrite them in the new language.
    for key in (*ui_state.FILTER_KEYS, ui_state.EVENT_GROUP):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _language_chosen() -> None:
    # The picker's callback: the URL follows at once, so the run it starts reads the new choice.
    st.query_params[ui_state.LANGUAGE] = st.session_state[ui_state.LANGUAGE]
    _relabel_bound_filters()


def _browser_language(languages: tuple[str, ...]) -> str:
    """The language the reader's browser prefers, among those offered (English if none)."""
    accept = st.context.headers.get("Accept-Language")
    return i18n.preferred_language([st.context.locale, *i18n.accepted_languages(accept)], languages)


def _choose_language(languages: tuple[str, ...]) -> str:
    """This run's language: the link's, else the session's, else the browser's."""
    from_url = i18n.match_language(st.query_params.get(ui_state.LANGUAGE), languages)
    chosen = st.session_state.get(ui_state.LANGUAGE)
    if from_url is not None:
        chosen = from_url
    elif chosen not in languages:
        # A link without a language but with filters was made in English (the one language
        # the URL leaves out): its filter labels are English, so it opens in English.
        labelled = any(key in st.query_params for key in ui_state.LABELLED_KEYS)
        chosen = i18n.SOURCE_LANGUAGE if labelled else _browser_language(languages)
    # Set on every run, not only when it changes: a page switch can reset the picker to its
    # default while the session still holds the old value.
    st.session_state[ui_state.LANGUAGE] = chosen
    return chosen


def choose_language() -> DeltaGenerator | None:
    """Settle this run's language and keep the top of the sidebar for its picker.

    The language travels in the URL as its tag (``?lang=zh-Hans``), so a shared link opens in
    it; with none, the browser's preferred language decides. The URL leaves ``lang`` out only
    for English in a browser that prefers English. Call before anything shows text, so every
    ``_()`` in the run uses the chosen language; draw the picker with `render_language_picker`
    into the place returned (None: only one language, no picker), after the page, so the
    page's own code is fetched first.
    """
    languages = i18n.available_languages()
    if len(languages) < 2:
        return None
    chosen = _choose_language(languages)
    in_url = chosen != i18n.SOURCE_LANGUAGE or _browser_language(languages) != chosen
    if not in_url:
        st.query_params.pop(ui_state.LANGUAGE, None)
    elif st.query_params.get(ui_state.LANGUAGE) != chosen:
        # A page switch drops parameters no widget is bound to; this puts it back.
        st.query_params[ui_state.LANGUAGE] = chosen
    return st.sidebar.container()


def render_language_picker(place: DeltaGenerator | None) -> None:
    """Offer the interface languages in `place` (from `choose_language`), if there are several."""
    if place is None:
        return
    with place:
        # Not bound with bind="query-params": that would put the picker's label in the URL.
        st.selectbox(
            _("Language"),
            i18n.available_languages(),
            key=ui_state.LANGUAGE,
            format_func=i18n.language_label,
            on_change=_language_chosen,
        )
        _render_language_marks(i18n.current_language())


def _render_language_marks(language: str) -> None:
    """Mark the page with its language, and say once that the data stays in English.

    Streamlit's page says ``lang="en"`` whatever it shows: the browser then draws Chinese with
    whichever CJK font it finds first, often the Japanese forms. With the page's ``lang`` set,
    Simplified and Traditional text each get their own forms and fonts (i18n.font_css).
    """
    note = ""
    if language != i18n.SOURCE_LANGUAGE:
        note = html.escape(
            _(
                "Event summaries, notes, actor names and source titles stay in the dataset's "
                "language (English)."
            )
        )
        note = f'<p class="sm-data-language">{note}</p>'
    # Our own constant text: the tag is one of the languages with a catalogue.
    tag = browser_code.script_safe_json(i18n.html_lang(language))
    script = browser_code.script("web/language.js", "stationmap.setPageLanguage", tag)
    st.html(
        f"<style>{i18n.font_css()}{browser_code.read('web/language.css')}</style>{note}"
        f"<script>{script}</script>",
        unsafe_allow_javascript=True,
    )
