"""The briefing page's logic, without Streamlit: what a link asks for, each slide's view, its
map, chart and sources, and the style sheets that turn the page into slides.

A presenter shares their screen with a room, so a slide carries only the story: its title, a
caption in large type, a map or timeline of the slide's own filtered view, and a short source
line. The page (``pages/briefing.py``) lays these out; everything it shows is decided here.

What a link asks for (:func:`read_request`) comes from the URL parameters named in
:mod:`stationmap.app.ui_state`:

- ``?story=uk&slide=3``: a slide of a story (slide 1 when none or an impossible number is given);
- ``?story=uk&print=1``: every slide of the story, one per printed page;
- ``?present=1`` with the shared filters: the map as those filters show it, as one slide;
- ``&contrast=high``: white on black, with thick outlines, for a washed-out projector;
- no story: the list of stories.

A slide never touches the shared sidebar filters: its view comes from its own `FilterState`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd

from stationmap import browser_code, i18n
from stationmap.app import ui_state
from stationmap.briefing.captions import EVER_PREFIX, ever_status_counts, fill_caption
from stationmap.briefing.stories import Slide, Story
from stationmap.html import legend
from stationmap.html.escape import LINK_ATTRIBUTES, esc, safe_href
from stationmap.html.popups import is_weak
from stationmap.i18n import _, n_
from stationmap.map import assets as map_assets
from stationmap.map import builder as mapbuilder
from stationmap.map import live_layer as map_live_layer
from stationmap.map.live_layer import LiveLayer
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.loader import Dataset
from stationmap.record.status import status_histories
from stationmap.record.views import build_site_view
from stationmap.timeline.charts import build_timeline_chart
from stationmap.timeline.events import (
    scope_for,
    select_events,
)

MODE_LIST = "list"
MODE_STORY = "story"
MODE_PRESENT = "present"
MODE_PRINT = "print"

# The value of ?contrast= that asks for the high-contrast theme, and of ?present= and ?print=.
HIGH_CONTRAST = "high"
YES = "1"
# Every parameter the briefing owns; the shared filters' parameters are left as they are.
BRIEFING_PARAMS = (
    ui_state.STORY,
    ui_state.SLIDE,
    ui_state.PRESENT,
    ui_state.PRINT,
    ui_state.CONTRAST,
)

# A slide names a few sources and points to the Sources page for the rest: a line, not a list.
SOURCES_SHOWN = 3
# Beyond these lengths a title is set smaller, and a caption gets half the slide's width
# instead of five twelfths, so that neither wraps past the screen (captions stay >= 28 px).
LONG_TITLE_CHARS = 60
LONG_CAPTION_CHARS = 380


# --- what a link asks for -------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What the briefing page shows, as read from its URL.

    `unknown_story` is a story id the link named that is not in the stories file (the page
    then shows the list of stories and says so).
    """

    mode: str = MODE_LIST
    story_id: str | None = None
    number: int = 1
    high_contrast: bool = False
    unknown_story: str | None = None


def _first(value: Any) -> str | None:
    # st.query_params gives the last value of a repeated parameter; a plain dict may give a list.
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return value.strip() if isinstance(value, str) else None


def _is_yes(value: Any) -> bool:
    return (_first(value) or "").casefold() in {"1", "true", "yes", "on"}


def read_request(params: Mapping[str, Any], stories: Mapping[str, Story]) -> Request:
    """The request a link's parameters make, corrected to what can be shown.

    An unknown story shows the list; a slide number that is not a number is slide 1, and one
    past either end is the nearest slide.
    """
    high_contrast = (_first(params.get(ui_state.CONTRAST)) or "").casefold() == HIGH_CONTRAST
    if _is_yes(params.get(ui_state.PRESENT)):
        return Request(MODE_PRESENT, high_contrast=high_contrast)
    story_id = _first(params.get(ui_state.STORY))
    if not story_id:
        return Request(MODE_LIST, high_contrast=high_contrast)
    if story_id not in stories:
        return Request(MODE_LIST, high_contrast=high_contrast, unknown_story=story_id)
    try:
        number = int(_first(params.get(ui_state.SLIDE)) or 1)
    except ValueError:
        number = 1
    number = min(max(number, 1), len(stories[story_id].slides))
    mode = MODE_PRINT if _is_yes(params.get(ui_state.PRINT)) else MODE_STORY
    return Request(mode, story_id, number, high_contrast)


def request_params(request: Request) -> dict[str, str]:
    """The briefing's URL parameters for a request (the shared filters' are not among them)."""
    params: dict[str, str] = {}
    if request.mode == MODE_PRESENT:
        params[ui_state.PRESENT] = YES
    elif request.story_id and request.mode in (MODE_STORY, MODE_PRINT):
        params[ui_state.STORY] = request.story_id
        params[ui_state.SLIDE] = str(request.number)
        if request.mode == MODE_PRINT:
            params[ui_state.PRINT] = YES
    if request.high_contrast:
        params[ui_state.CONTRAST] = HIGH_CONTRAST
    return params


def slide_link(story_id: str, number: int, *, high_contrast: bool = False) -> str:
    """The address of a slide, relative to the app: ``briefing?story=uk&slide=3``."""
    params = request_params(Request(MODE_STORY, story_id, number, high_contrast))
    return "briefing?" + "&".join(f"{key}={value}" for key, value in params.items())


def step(stories: Mapping[str, Story], story_id: str, number: int, by: int) -> Request | None:
    """The slide `by` steps (+1 or -1) from a slide, or None past either end.

    Past the last slide, a story that names a `next_story` goes on to that story's first slide.
    """
    story = stories[story_id]
    wanted = number + by
    if 1 <= wanted <= len(story.slides):
        return Request(MODE_STORY, story_id, wanted)
    if by > 0 and story.next_story in stories:
        return Request(MODE_STORY, story.next_story, 1)
    return None


def period_start(story: Story, number: int) -> date | None:
    """The day the previous slide shows, when it is earlier than this slide's: what this slide
    adds begins after it. None for a first slide, or when either slide has no date."""
    if number < 2:
        return None
    this, previous = story.slides[number - 1].filters.as_of, story.slides[number - 2].filters.as_of
    if this is None or previous is None or previous >= this:
        return None
    return previous


# --- a slide's view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SlideView:
    """What one slide shows: its sites on its date, their counts, the caption and the events.

    `caption_translated` is False when the caption is shown in English for want of a
    translation into the reader's language (the page says so). `events` are the timeline's
    events for the slide's sites, their countries and the world, up to `on`; `sources` the
    sources behind the slide, newest first.
    """

    slide: Slide
    on: date
    sites: pd.DataFrame
    counts: dict
    caption: str
    caption_translated: bool
    events: pd.DataFrame
    sources: list[dict]


def build_slide_view(
    dataset: Dataset,
    view: pd.DataFrame,
    slide: Slide,
    *,
    on: date,
    language: str = i18n.SOURCE_LANGUAGE,
    since: date | None = None,
    by_period: bool | None = None,
) -> SlideView:
    """A slide's view: `view` is the site view for `on` (the slide's as-of date, or today).

    The source line names the sources of the events in the slide's period, from `since` (see
    `period_start`) to `on`, when `by_period` is true; by default, when the slide has a date of
    its own. Otherwise it names the sources of the events that set the statuses it shows.
    """
    sites = apply_filters(view, slide.filters)
    counts = count_headlines(sites)
    caption, translated = slide.caption_in(language)
    if "{" + EVER_PREFIX in caption:
        # {ever_<status>}: among the sites the slide allows whatever their status today.
        any_status = apply_filters(view, replace(slide.filters, statuses=()))
        counts = {**counts, **ever_status_counts(dataset, any_status, on)}
    scope = scope_for(sites, include_global=not sites.empty)
    events = select_events(dataset, scope, until=on)
    if by_period is None:
        by_period = slide.filters.as_of is not None
    sources = slide_sources(dataset, sites, events, since=since, until=on, period=by_period)
    return SlideView(
        slide=slide,
        on=on,
        sites=sites,
        counts=counts,
        caption=fill_caption(caption, counts),
        caption_translated=translated,
        events=events,
        sources=sources,
    )


def slide_sources(
    dataset: Dataset,
    sites: pd.DataFrame,
    events: pd.DataFrame,
    *,
    since: date | None,
    until: date,
    period: bool = True,
) -> list[dict]:
    """The sources behind a slide, newest event first, each once (rows of dataset.sources).

    With `period`, those of the dated events after `since` (any, without it) up to `until`:
    what the slide narrates. Otherwise, or when that period holds no event, those of the
    events that set the statuses of the slide's sites.
    """
    dated = events[events["start"].notna()]
    chosen = dated.iloc[0:0]
    if period:
        start = pd.Timestamp(since) if since else None
        chosen = dated[
            (dated["start"] <= pd.Timestamp(until))
            & ((dated["start"] > start) if start is not None else True)
        ]
    if chosen.empty:
        setting = set(sites["status_event_id"].dropna())
        chosen = events[events["event_id"].isin(setting)]
    # Newest first; events of one day in the file's order.
    chosen = chosen.sort_values(["start", "order"], ascending=[False, True], na_position="last")
    known = dataset.sources.to_dict("index")
    ids = dict.fromkeys(i for cited in chosen["source_ids"] for i in cited if i in known)
    return [{"source_id": source_id, **known[source_id]} for source_id in ids]


def facts_line(counts: Mapping[str, Any], on: date) -> str:
    """'3 sites in 1 country · statuses as of 12 September 2022'."""
    sites = n_("{n} site", "{n} sites", counts["sites"]).format(n=counts["sites"])
    countries = n_("{n} country", "{n} countries", counts["countries"]).format(
        n=counts["countries"]
    )
    return _("{sites} in {countries} · statuses as of {date}").format(
        sites=sites, countries=countries, date=i18n.day_label(on)
    )


def present_slide(state: FilterState, counts: Mapping[str, Any], on: date) -> Slide:
    """The one slide "Present this view" shows: the shared filters' view, captioned with its
    counts and date (no centre or zoom: the map fits the sites)."""
    return Slide(
        number=1,
        title=_("Alleged overseas police stations"),
        caption=facts_line(counts, on),
        captions={},
        filters=state,
        center=None,
        zoom=None,
        panel="map",
    )


def sources_html(sources: Sequence[Mapping], limit: int = SOURCES_SHOWN) -> str:
    """The slide's source line: the first few publishers as links with their dates (and
    "weak source" after one the research marks weak), then how many more. Every value is
    escaped; only http(s) links are followed."""
    if not sources:
        return f'<p class="sm-slide-sources">{esc(_("No sources cited for this view."))}</p>'
    items = []
    for source in sources[:limit]:
        publisher = esc(source.get("publisher"))
        title = esc(source.get("title"))
        href = safe_href(source.get("url"))
        name = (
            f'<a href="{esc(href)}" title="{title}" {LINK_ATTRIBUTES}>{publisher}</a>'
            if href
            else publisher
        )
        when = source.get("date")
        item = f"{name} ({esc(i18n.date_label(when))})" if when else name
        if is_weak(source):
            # Said in words on the slide too: a room should know what a weak source is worth.
            item += f" ({esc(_('weak source'))})"
        items.append(item)
    more = len(sources) - limit
    if more > 0:
        items.append(esc(n_("{n} more", "{n} more", more).format(n=more)))
    label = esc(_("Sources:"))
    return f'<p class="sm-slide-sources"><strong>{label}</strong> {" · ".join(items)}</p>'


# --- the slide's map and chart ----------------------------------------------------------------

# Inside the map's document: type and markers sized for a room, read from across it; with
# ?contrast=high, white on black.
MAP_PRESENTATION_CSS = browser_code.read("web/slide-map.css")
MAP_HIGH_CONTRAST_CSS = browser_code.read("web/slide-map-high-contrast.css")


def screen_only(css: str) -> str:
    """Style for the screen alone: high contrast is for a projector; on paper white on black
    is a black page, so a slide printed from high contrast prints as the normal one."""
    return f"@media screen {{\n{css}}}\n"


# Inside the map's document: the arrow and page keys step through the slides, and Escape leaves
# them, even after a click gave the map the keyboard (stationmap.bindSlideKeys).
KEY_SCRIPT = "web/slide-keys.js"
# Without tiles the map draws 1:110m country outlines, which show nothing closer than this (a
# slide set to show one city at zoom 11 would show a blank triangle of coast); with tiles, a
# slide's own zoom stands.
NO_TILES_MAX_ZOOM = 7

# Inside the map's document: a view set for a wide screen that cuts off a slide's sites on a
# narrower one gives way to a fit to the sites, within limits (stationmap.keepInView).
KEEP_IN_VIEW_SCRIPT = "web/slide-keep-in-view.js"
# Pixels kept clear at the map's edge (a marker's radius, its ring and a little air), and how
# many zoom levels the map may give up to show every site.
KEEP_IN_VIEW_MARGIN_PX = 24
KEEP_IN_VIEW_MOST_LEVELS = 1

# Inside the map's document: each city's name beside its sites from this zoom on, where a slide
# shows a country or two (the world at zoom 2 would be a crowd of names), this many pixels
# right of the place, clear of a marker (stationmap.cityLabels).
CITY_LABELS_SCRIPT = "web/slide-city-labels.js"
CITY_LABELS_FROM_ZOOM = 5
CITY_LABEL_OFFSET_PX = 22

SLIDE_KEYS = {
    "ArrowRight": ui_state.BRIEFING_NEXT,
    "PageDown": ui_state.BRIEFING_NEXT,
    "ArrowLeft": ui_state.BRIEFING_PREVIOUS,
    "PageUp": ui_state.BRIEFING_PREVIOUS,
    "Escape": ui_state.BRIEFING_EXIT,
}


def slide_map_html(
    slide_view: SlideView,
    dataset: Dataset,
    *,
    tiles: map_assets.TileChoice = map_assets.NO_TILES,
    assets: map_assets.MapAssets | None = None,
    high_contrast: bool = False,
    live: tuple[LiveLayer, Mapping] | None = None,
    publish: Callable[..., str] | None = None,
) -> str:
    """The slide's map as an HTML document for an iframe: its sites on its date, at its centre
    and zoom (or fitted), with a compact legend and no play control.

    `live` is the dataset's live layer and its source (`stationmap.map.source.live_layer`, the
    map page's): the map reads its sites from there, so a slide of ten thousand sites is a few
    kilobytes, its sites fetched once and shared. Without it, a layer is built with its sites
    inline (tests, a dataset of no session). `publish` (`static_cache.publish_json`, for the
    published data only) turns a long list of city names into a file the map reads when it
    first shows them.
    """
    slide = slide_view.slide
    zoom = slide.zoom
    if zoom is not None and not tiles.has_tiles:
        zoom = min(zoom, NO_TILES_MAX_ZOOM)
    layer, source = live or inline_layer(dataset, slide_view.on)
    shown = slide_view.sites
    if "reported" in shown:
        shown = shown[shown["reported"].astype(bool)]
    positions = map_live_layer.marker_positions(layer, shown.index)
    placed = shown.loc[positions.index].join(positions)
    placed = placed[placed["status"].isin(schema.STATUSES)]
    counts = placed["status"].value_counts().to_dict()
    unplaced = int((shown["latitude"].isna() | shown["longitude"].isna()).sum())
    bounds = None
    if not placed.empty:
        # Numbers only: nothing from the data reaches a script as text.
        bounds = [
            [float(placed["display_lat"].min()), float(placed["display_lon"].min())],
            [float(placed["display_lat"].max()), float(placed["display_lon"].max())],
        ]
    view = map_live_layer.map_view_message(
        layer,
        shown.index,
        as_of=slide_view.on,
        statuses=slide.filters.statuses,
        first=None,
        last=slide_view.on,
    )
    site_map = mapbuilder.build_slide_map(
        source,
        view,
        legend_html=legend.legend_html(
            counts,
            country_level=int((placed["precision"] == "country").sum()),
            unplaced=unplaced,
            compact=True,
        ),
        bounds=bounds,
        tiles=tiles,
        assets=assets,
        center=slide.center,
        zoom=zoom,
    )
    # The arrow keys step through the slides; they must not also pan the map.
    site_map.options["keyboard"] = False
    css = MAP_PRESENTATION_CSS + (screen_only(MAP_HIGH_CONTRAST_CSS) if high_contrast else "")
    script = browser_code.script(
        KEY_SCRIPT, "stationmap.bindSlideKeys", browser_code.script_safe_json(SLIDE_KEYS)
    )
    if bounds is not None:
        script += "\n" + browser_code.script(
            KEEP_IN_VIEW_SCRIPT,
            "stationmap.keepInView",
            site_map.get_name(),
            browser_code.script_safe_json(bounds),
            str(KEEP_IN_VIEW_MARGIN_PX),
            str(KEEP_IN_VIEW_MOST_LEVELS),
        )
        script += "\n" + browser_code.script(
            CITY_LABELS_SCRIPT,
            "stationmap.cityLabels",
            site_map.get_name(),
            # The names are set as text in the browser; the JSON is safe in a script.
            browser_code.script_safe_json(city_labels_or_url(city_labels(placed), publish)),
            str(CITY_LABELS_FROM_ZOOM),
            str(CITY_LABEL_OFFSET_PX),
        )
    page = site_map.get_root().render()
    # The frame is a document of its own, read on its own by a screen reader: it says its
    # language (its legend's) and has a title naming it.
    page = page.replace("<html>", f'<html lang="{esc(i18n.html_lang())}">', 1)
    title = _("Map: {slide}").format(slide=slide.title)
    page = page.replace("</head>", f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>", 1)
    # After folium's own script, which comes after </body> and makes the map.
    head, end, tail = page.rpartition("</html>")
    return f"{head}<script>{script}</script>\n{end}{tail}"


def inline_layer(dataset: Dataset, on: date) -> tuple[LiveLayer, dict]:
    """A live layer of every site of `dataset` (their rows on `on`) in the current language,
    its sites and popups inline in the map (not kept: the app passes the map page's own,
    `map_source.live_layer`)."""
    layer = map_live_layer.build_live_layer(
        build_site_view(dataset, on=on),
        events=dataset.events,
        sources=dataset.sources,
        histories=status_histories(dataset),
    )
    return layer, {"records": layer.records, "popups": layer.popups}


# Up to this many cities are named inside the slide's document; more (a few thousand at ten
# thousand sites, a quarter of a megabyte) are a file, read only once the map is close enough.
INLINE_CITY_LABELS = 200


def city_labels_or_url(labels: list[dict], publish: Callable[..., str] | None) -> list[dict] | str:
    """The labels themselves, or the URL `publish` gives them when they are many."""
    if publish is None or len(labels) <= INLINE_CITY_LABELS:
        return labels
    try:
        return publish(labels, prefix="city-labels")
    except OSError:
        return labels  # a read-only install: inline, as for an upload


def city_labels(placed: pd.DataFrame) -> list[dict]:
    """Each city of the placed sites, once, at the middle of its sites' markers, for a label.

    A row for a whole country names no city and gets none; a city's name is a public place's.
    """
    cities = placed[
        (placed["precision"] != "country")
        & placed["city"].fillna("").astype(str).str.strip().ne("")
    ]
    middles = cities.groupby(["iso2", "city"], sort=True)[["display_lat", "display_lon"]].mean()
    return [
        {"name": str(city), "lat": round(float(lat), 6), "lng": round(float(lng), 6)}
        for (_iso2, city), (lat, lng) in middles.iterrows()
    ]


# Days the time axis runs past the slide's date, at least (a fortieth of its span otherwise).
CHART_MIN_MARGIN_DAYS = 5
# The chart's type, read from across a room (WCAG's large text starts at 18.5 px bold, 24 px);
# and the room, in pixels, kept at each end of the time axis for a dot of the first or last
# day (its radius and outline).
CHART_TEXT_PX = 16
CHART_EDGE_PX = 12


def tick_months(start: date | None, end: date) -> int:
    """Months between the ticks of a slide's time axis: 1 over half a year, up to 12."""
    if start is None:
        return 1
    months = (end.year - start.year) * 12 + end.month - start.month
    for step, most in ((1, 8), (3, 24), (6, 48)):
        if months <= most:
            return step
    return 12


def chart_end(events: pd.DataFrame, on: date, start: date | None) -> date:
    """The last day of a slide's time axis.

    A little past the slide's date: the events of that very day, often the point of the slide,
    would otherwise be cut in half at the edge. And past the end of the month of an event known
    only to its month (the embassy's reply, "June 2023", on a slide of 6 June): its bar is
    drawn whole. An event known only to its year is not waited for: its bar would stretch the
    axis for months past the slide.
    """
    end = on
    if start is not None:
        end += timedelta(days=max(CHART_MIN_MARGIN_DAYS, (on - start).days // 40))
    months = events.loc[events["date_precision"].eq("month") & events["end"].notna(), "end"]
    if not months.empty:
        # "end" is the morning after the period's last day.
        end = max(end, (months.max() - pd.Timedelta(days=1)).date())
    return end


def slide_chart(
    slide_view: SlideView,
    *,
    start: date | None,
    height: int,
    high_contrast: bool = False,
) -> alt.LayerChart:
    """The timeline's lane chart for the slide's events, in type a room can read."""
    foreground = "#ffffff" if high_contrast else "#1b1f24"
    end = chart_end(slide_view.events, slide_view.on, start)
    chart = build_timeline_chart(
        slide_view.events, row_field="lane", start=start, end=end, name="briefing"
    ).properties(height=height)
    # The legend is the page's own, in words that wrap (event_list.kinds_legend_html): Vega's
    # would run off the slide. Ticks every month would crowd labels in type this size over
    # years, so they are spaced out.
    step = tick_months(start, slide_view.on)
    for layer in chart.layer:
        layer.encoding.color.legend = None
        x = layer.encoding.x
        x["axis"].tickCount = alt.TimeIntervalStep(interval="month", step=step)
        # A dot on the first or last day is drawn whole, not cut by the edge of the plot.
        if x["scale"] is alt.Undefined:
            x["scale"] = alt.Scale()
        x["scale"].padding = CHART_EDGE_PX
    return (
        chart.configure(background="#000000" if high_contrast else "#ffffff")
        .configure_axis(
            labelFontSize=CHART_TEXT_PX,
            labelColor=foreground,
            titleColor=foreground,
            domainColor=foreground,
            tickColor=foreground,
            gridColor="#555555" if high_contrast else "#dde1e6",
            labelSeparation=12,
        )
        .configure_view(stroke=foreground if high_contrast else None)
    )


# --- the page's style sheets ----------------------------------------------------------------

# Sizes for a shared screen: at 1280 px wide a caption is 28.8 px, at 1920 px 43 px. The panel
# (map, chart) takes the height the title, facts and control bar leave, so a slide never
# scrolls; TIMELINE_BESIDE_MAP_PX is the chart's share under a map.
TIMELINE_BESIDE_MAP_PX = 190
TIMELINE_ALONE_PX = 500

# The page as slides (with a placeholder for the timeline's height under a map), its
# high-contrast theme, and one slide per landscape page when printed.
_SLIDE_CSS = browser_code.read("web/briefing.css")
_HIGH_CONTRAST_CSS = browser_code.read("web/briefing-high-contrast.css")
_HIGH_CONTRAST_PRINT_CSS = browser_code.read("web/briefing-high-contrast-print.css")
PRINT_CSS = browser_code.read("web/briefing-print.css")


def page_css(*, high_contrast: bool = False) -> str:
    """The briefing's style sheet: slides on screen (and printed), optionally high contrast."""
    css = _SLIDE_CSS.replace("TIMELINE_PX", f"{TIMELINE_BESIDE_MAP_PX}px")
    if high_contrast:
        css += screen_only(_HIGH_CONTRAST_CSS) + _HIGH_CONTRAST_PRINT_CSS
    return css + PRINT_CSS
