"""Briefing: prepared stories of maps and timelines, slide by slide, for a presenter sharing a
screen; and "Present this view", the map's current filters as one clean slide.

What to show comes from the URL (stationmap.briefing.view.read_request); each slide's view,
map, chart, sources and the slides' style sheet come from stationmap.briefing.view. The stories
are data/briefings.toml, checked against the data (stationmap.briefing.stories); their problems are
listed on the list of stories, never raised. On a session's first visit a slide comes alone, and
the sidebar with the run its map's (or chart's) report starts (stationmap.app.drawn_first).
"""

from dataclasses import replace
from datetime import date
from pathlib import Path

import streamlit as st

from stationmap import config, i18n
from stationmap.app import chrome, data, drawn_first, page_actions, ui_state
from stationmap.briefing import view as briefing_view
from stationmap.briefing.captions import figures_stated_in_events
from stationmap.briefing.stories import BRIEFINGS_FILE, Briefings, Slide, load_briefings
from stationmap.exports import describe_filters
from stationmap.html import markdown
from stationmap.html.escape import esc
from stationmap.html.texts import current_texts
from stationmap.i18n import _, n_
from stationmap.map import assets, static_cache
from stationmap.map import source as map_source
from stationmap.record.dates import resolve_day
from stationmap.record.filters import count_headlines
from stationmap.timeline.event_list import kinds_legend_html
from stationmap.timeline.events import earliest_report

MAP_PAGE = "pages/map.py"
# One entry per version of the stories file, per day (a date in the future is refused).
BRIEFINGS_CACHE_ENTRIES = 4
# The map's iframe height before the style sheet sizes it to the screen (and for a browser
# that ignores it).
MAP_FALLBACK_HEIGHT_PX = 520
# The slide's box before its style sheet applies: st.html's code loads after the first slide
# is drawn, and a slide seen at Streamlit's padding would jump up and grow when it applies.
SLIDE_BOX_BEFORE_STYLE_PX = 1


@st.cache_data(show_spinner=False, max_entries=BRIEFINGS_CACHE_ENTRIES)
def cached_briefings(
    path: str, fingerprint: tuple, countries: tuple, regions: tuple, figures: tuple, today: date
) -> Briefings:
    """The stories file, checked against the data's countries, regions and the figures its
    events state (a caption's numbers), once per version."""
    # fingerprint only keys the cache: an edited file is read afresh.
    return load_briefings(
        Path(path),
        known_countries=countries,
        known_regions=regions,
        today=today,
        stated_figures=figures,
    )


def load_stories() -> Briefings | None:
    """The stories in the data folder; None when it has no stories file."""
    path = config.data_dir() / BRIEFINGS_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    published = data.site_view()
    return cached_briefings(
        str(path),
        (stat.st_mtime_ns, stat.st_size),
        tuple(sorted(set(published["iso2"]))),
        tuple(sorted(set(published["region"]))),
        tuple(sorted(figures_stated_in_events(data.load_published_data()))),
        resolve_day(),
    )


def show_problems(briefings: Briefings) -> None:
    """Every problem in the stories file, as the data's problems are shown."""
    lines = [str(problem) for problem in briefings.problems]
    st.warning(
        n_(
            "The stories file has {n} problem. A story with a problem is left out; the others "
            "can be presented.",
            "The stories file has {n} problems. A story with a problem is left out; the others "
            "can be presented.",
            len(lines),
        ).format(n=len(lines)),
        icon=":material/warning:",
    )
    with st.container(key=ui_state.BRIEFING_PROBLEMS):
        # A code block, not Markdown: the lines quote the file.
        st.code("\n".join(lines), language=None, wrap_lines=True)


def show_slide(
    slide_view: briefing_view.SlideView,
    suffix: str,
    *,
    data,
    start: date | None,
    high_contrast: bool,
    facts: str | None = None,
) -> None:
    """One slide: title, facts, caption and sources beside its map and/or timeline.

    `facts` is the line under the title (default: the slide's counts and date).
    """
    slide = slide_view.slide
    with st.container(key=f"{ui_state.BRIEFING_SLIDE}-{suffix}"):
        long_title = len(slide.title) > briefing_view.LONG_TITLE_CHARS
        title_key = ui_state.BRIEFING_TITLE + ("_long" if long_title else "")
        with st.container(key=f"{title_key}-{suffix}"):
            st.title(markdown.curated(slide.title), anchor=False)
        if facts is None:
            facts = briefing_view.facts_line(slide_view.counts, slide_view.on)
        with st.container(key=f"{ui_state.BRIEFING_FACTS}-{suffix}"):
            # Escaped: a presented view's facts quote the search words from the link.
            st.html(f"<p>{esc(facts)}</p>")
        long_caption = len(slide_view.caption) > briefing_view.LONG_CAPTION_CHARS
        words, panel = st.columns([6, 6] if long_caption else [5, 7], gap="medium")
        with words:
            with st.container(key=f"{ui_state.BRIEFING_CAPTION}-{suffix}"):
                # Markdown from the stories file: formatting kept, nothing loaded from elsewhere.
                st.markdown(markdown.curated(slide_view.caption))
            if not slide_view.caption_translated:
                st.caption(_("No translation of this caption yet: it is shown in English."))
            with st.container(key=f"{ui_state.BRIEFING_SOURCES}-{suffix}"):
                st.html(briefing_view.sources_html(slide_view.sources))
                st.page_link(
                    chrome.SOURCES_PAGE, label=_("All sources"), icon=":material/menu_book:"
                )
        with panel:
            if slide.panel in ("map", "both"):
                key = ui_state.BRIEFING_MAP + ("_above" if slide.panel == "both" else "")
                with st.container(key=f"{key}-{suffix}"):
                    st.iframe(
                        slide_map(slide_view, data, high_contrast=high_contrast),
                        height=MAP_FALLBACK_HEIGHT_PX,
                        alt=_("Map of the sites this slide shows"),
                    )
            if slide.panel in ("timeline", "both"):
                height = (
                    briefing_view.TIMELINE_BESIDE_MAP_PX
                    if slide.panel == "both"
                    else briefing_view.TIMELINE_ALONE_PX
                )
                with st.container(key=f"{ui_state.BRIEFING_TIMELINE}-{suffix}"):
                    if slide_view.events["start"].notna().any():
                        st.altair_chart(
                            briefing_view.slide_chart(
                                slide_view, start=start, height=height, high_contrast=high_contrast
                            ),
                            theme=None,
                            width="stretch",
                        )
                        st.html(kinds_legend_html(slide_view.events))
                    else:
                        st.info(_("No dated events for this view."), icon=":material/event_busy:")


def slide_map(slide_view: briefing_view.SlideView, dataset, *, high_contrast: bool) -> str:
    """The slide's map document, built once per slide, date, contrast and language and shared
    (data.shared_result): its sites come from the map page's live layer, kept per dataset."""
    tiles = assets.configured_tiles()

    def build() -> str:
        shared = data.shared_cache_key() is not None
        return briefing_view.slide_map_html(
            slide_view,
            dataset,
            tiles=tiles,
            assets=assets.detect_assets(),
            high_contrast=high_contrast,
            live=map_source.live_layer(dataset, data.site_view, current_texts(), shared=shared),
            # Only the published data goes under static/, which anyone may fetch.
            publish=static_cache.publish_json if shared else None,
        )

    key = (slide_view.slide, slide_view.on, high_contrast, tiles)
    return data.shared_result("briefing_slide_map", key, build)


def shared_slide_view(dataset, slide, on: date, **options) -> briefing_view.SlideView:
    """A slide's view on `on`, in the reader's language, built once per slide, date and
    language and shared (data.shared_result): at ten thousand sites, its events and sources
    take most of a second to select. `options` go to build_slide_view."""
    return data.shared_result(
        "briefing_slide_view",
        (slide, on, tuple(sorted(options.items()))),
        lambda: briefing_view.build_slide_view(
            dataset,
            data.site_view(on),
            slide,
            on=on,
            language=i18n.current_language(),
            **options,
        ),
    )


def story_slide_view(dataset, story, number: int) -> briefing_view.SlideView:
    """A story's slide `number` (from 1), on its own date, in the reader's language."""
    slide = story.slides[number - 1]
    return shared_slide_view(
        dataset,
        slide,
        resolve_day(slide.filters.as_of),
        since=briefing_view.period_start(story, number),
    )


def show_story_bar(request: briefing_view.Request, stories) -> None:
    """Previous, the slide number, Next, the story's title, and the presenter's tools."""
    story = stories[request.story_id]
    previous = briefing_view.step(stories, story.story_id, request.number, -1)
    following = briefing_view.step(stories, story.story_id, request.number, +1)
    if previous is not None:
        previous = replace(previous, high_contrast=request.high_contrast)
    if following is not None:
        following = replace(following, high_contrast=request.high_contrast)
    next_label = _("Next")
    if following is not None and following.story_id != story.story_id:
        next_label = _("Next story")
    with st.container(
        key=ui_state.BRIEFING_BAR, horizontal=True, vertical_alignment="center", gap="small"
    ):
        st.button(
            _("Previous"),
            key=ui_state.BRIEFING_PREVIOUS,
            icon=":material/arrow_back:",
            shortcut="Left",
            disabled=previous is None,
            on_click=page_actions.go,
            args=(previous,),
        )
        st.markdown(f"**{request.number} / {len(story.slides)}**")
        st.button(
            next_label,
            key=ui_state.BRIEFING_NEXT,
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
            shortcut="Right",
            disabled=following is None,
            on_click=page_actions.go,
            args=(following,),
        )
        st.caption(markdown.curated(story.title))
        st.space("stretch")
        show_tools(request, print_button=True)
        show_keys(request, previous, following)


def show_keys(request: briefing_view.Request, previous, following) -> None:
    """The hidden buttons of the presenter's keys (the style sheet hides them), in the bar's
    row: drawn before the style sheet applies, they widen the bar a moment, where a box of
    their own above the slide would push the slide down and let it jump back up (a layout
    shift). Presentation clickers send Page Down and Page Up; a button has one shortcut."""
    with st.container(key=ui_state.BRIEFING_KEYS, horizontal=True):
        st.button(
            _("Next"),
            key=ui_state.BRIEFING_PAGE_DOWN,
            shortcut="PageDown",
            disabled=following is None,
            on_click=page_actions.go,
            args=(following,),
        )
        st.button(
            _("Previous"),
            key=ui_state.BRIEFING_PAGE_UP,
            shortcut="PageUp",
            disabled=previous is None,
            on_click=page_actions.go,
            args=(previous,),
        )
        show_escape(request)


def show_escape(request: briefing_view.Request) -> None:
    """Escape leaves the slides (or the printable page) for the list of stories, as a
    presentation program's Escape does; the button is hidden, its key is what counts."""
    st.button(
        _("Leave the slides"),
        key=ui_state.BRIEFING_EXIT,
        shortcut="Escape",
        on_click=page_actions.go,
        args=(briefing_view.Request(high_contrast=request.high_contrast),),
    )


def show_tools(
    request: briefing_view.Request, *, print_button: bool, contrast_button: bool = True
) -> None:
    """High contrast, print, the list of stories and the way out."""
    if contrast_button:
        st.button(
            _("High contrast"),
            key=ui_state.BRIEFING_CONTRAST,
            icon=":material/contrast:",
            type="primary" if request.high_contrast else "tertiary",
            help=_("White on black with thick outlines, for a projector in a bright room"),
            on_click=page_actions.go,
            args=(replace(request, high_contrast=not request.high_contrast),),
        )
    if print_button:
        st.button(
            _("Print all slides"),
            key=ui_state.BRIEFING_PRINT,
            icon=":material/print:",
            type="tertiary",
            help=_("Every slide of this story on one page, ready to print or save as PDF"),
            on_click=page_actions.go,
            args=(replace(request, mode=briefing_view.MODE_PRINT),),
        )
    st.page_link(MAP_PAGE, label=_("Exit briefing"), icon=":material/close:")


def show_list(request, briefings: Briefings | None, *, uploaded: bool) -> None:
    """The stories to start, every problem in their file, and "Present this view"."""
    st.title(_("Briefing"))
    st.markdown(
        _(
            "Prepared stories to present on a shared screen: large type, one view per slide, "
            "each with its sources. Step through them with the arrow keys or a presentation "
            "clicker (Page Down, Page Up). Each slide has its own address, to open directly or "
            "send to a colleague."
        )
    )
    if request.unknown_story:
        # Escaped: the id comes from the link, and the warning renders Markdown.
        st.warning(
            _("There is no story “{story}”. Choose one below.").format(
                story=markdown.plain(request.unknown_story)
            ),
            icon=":material/search_off:",
        )
    if uploaded:
        st.info(
            _(
                "The stories are written for the published dataset, so they are not shown while "
                "this session shows your uploaded data. “Present this view” below still works."
            ),
            icon=":material/upload_file:",
        )
    elif briefings is None:
        st.info(
            _("This data folder has no stories file ({file}).").format(file=BRIEFINGS_FILE),
            icon=":material/co_present:",
        )
    elif briefings.problems:
        show_problems(briefings)
    stories = briefings.stories if briefings else {}
    for index, story in enumerate(stories.values()):
        with st.container(border=True):
            st.subheader(markdown.curated(story.title), anchor=False)
            if story.summary:
                st.markdown(markdown.curated(story.summary))
            st.caption(n_("{n} slide", "{n} slides", len(story.slides)).format(n=len(story.slides)))
            st.button(
                _("Start"),
                key=f"{ui_state.BRIEFING_START}-{story.story_id}",
                type="primary" if index == 0 else "secondary",
                icon=":material/co_present:",
                on_click=page_actions.go,
                args=(briefing_view.Request(briefing_view.MODE_STORY, story.story_id, 1),),
            )
    st.subheader(_("Present the map as filtered"), anchor=False)
    st.markdown(
        _(
            "The filters in the sidebar, as one slide in large type: the map, how many sites "
            "and countries, and the date of the statuses."
        )
    )
    st.button(
        _("Present this view"),
        key=ui_state.PRESENT_VIEW,
        icon=":material/fit_screen:",
        on_click=page_actions.go,
        args=(briefing_view.Request(briefing_view.MODE_PRESENT),),
    )


def show_present(request, app_view: chrome.PageData, chart_start: date | None) -> Slide:
    """The shared filters' view as one slide: what the map page shows, in large type; the
    slide shown."""
    dataset, view, filtered, state = app_view
    with st.container(key=ui_state.BRIEFING_BAR, horizontal=True, vertical_alignment="center"):
        st.caption(_("Presenting the map's current filters"))
        st.space("stretch")
        show_tools(request, print_button=False)
        # In the bar's row, as show_keys says.
        with st.container(key=ui_state.BRIEFING_KEYS, horizontal=True):
            show_escape(request)
    on = resolve_day(state.as_of)
    slide = briefing_view.present_slide(state, count_headlines(filtered), on)
    country_names = dict(zip(view["iso2"], view["country"], strict=True))
    slide_view = shared_slide_view(dataset, slide, on, by_period=False)
    facts = _("Filters: {filters}").format(filters=describe_filters(state, country_names))
    show_slide(
        slide_view,
        "present",
        data=dataset,
        start=chart_start,
        high_contrast=request.high_contrast,
        facts=facts,
    )
    return slide


def show_print(request, story, dataset, chart_start: date | None) -> None:
    """Every slide of a story one after another: the print style sheet puts each on a page."""
    with st.container(key=ui_state.BRIEFING_BAR, horizontal=True, vertical_alignment="center"):
        st.button(
            _("Back to the slides"),
            key=ui_state.BRIEFING_BACK,
            icon=":material/arrow_back:",
            on_click=page_actions.go,
            args=(replace(request, mode=briefing_view.MODE_STORY),),
        )
        st.caption(
            _(
                "Every slide of “{story}”, one per page: print it or save it as PDF with your "
                "browser (Ctrl+P, or ⌘P on a Mac)."
            ).format(story=markdown.curated(story.title))
        )
        st.space("stretch")
        show_tools(request, print_button=False, contrast_button=False)
    with st.container(key=ui_state.BRIEFING_KEYS):
        show_escape(request)
    for number in range(1, len(story.slides) + 1):
        show_slide(
            story_slide_view(dataset, story, number),
            str(number),
            data=dataset,
            start=chart_start,
            # Printed in normal contrast whatever the screen shows: paper is white, and white
            # on black prints black pages. The request keeps it for the way back.
            high_contrast=False,
        )


app_view = chrome.page_data()
uploaded = data.using_uploaded_data()
briefings = None if uploaded else load_stories()
stories = briefings.stories if briefings else {}
request = briefing_view.read_request(st.query_params.to_dict(), stories)
first_report = earliest_report(app_view.dataset)
chart_start = first_report.replace(day=1) if first_report else None

if request.mode == briefing_view.MODE_LIST:
    show_list(request, briefings, uploaded=uploaded)
else:
    # The printable page is in normal contrast (see show_print).
    high_contrast = request.high_contrast and request.mode != briefing_view.MODE_PRINT
    st.session_state[ui_state.FOOTER_LEFT_OUT] = True
    st.html(f"<style>{briefing_view.page_css(high_contrast=high_contrast)}</style>")
    # No footer is drawn under this box, and the style sheet hides anything else after it. The
    # box is drawn this high, its slide out of sight, until the style sheet applies
    # (briefing.css).
    shown = None  # the one slide on screen (none on the printable page)
    with st.container(key=ui_state.BRIEFING_SHOW, height=SLIDE_BOX_BEFORE_STYLE_PX, border=False):
        if request.mode == briefing_view.MODE_PRESENT:
            shown = show_present(request, app_view, chart_start)
        elif request.mode == briefing_view.MODE_STORY:
            story = stories[request.story_id]
            shown = story.slides[request.number - 1]
            # The slide's own tab title, so a slide's address names it in tabs and bookmarks.
            st.set_page_config(page_title=i18n.tab_title(shown.title))
            show_story_bar(request, stories)
            show_slide(
                story_slide_view(app_view.dataset, stories[request.story_id], request.number),
                str(request.number),
                data=app_view.dataset,
                start=chart_start,
                high_contrast=request.high_contrast,
            )
        else:
            st.set_page_config(page_title=i18n.tab_title(stories[request.story_id].title))
            show_print(request, stories[request.story_id], app_view.dataset, chart_start)
    if shown is not None and drawn_first.drawn_alone():
        # A session's first visit: the sidebar and the language come with the run the slide's
        # report starts (its map's markers, or its chart, shown), and their code loads after
        # the map's frame and its scripts. After the slide's box, which the style sheet keeps
        # alone on screen.
        if shown.panel in ("map", "both"):
            drawn_first.report_when_drawn(drawn_first.SLIDE_MAP, in_frames=True)
        else:
            drawn_first.report_when_drawn(drawn_first.TIMELINE_CHART)
        st.stop()
