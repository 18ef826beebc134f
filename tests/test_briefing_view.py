"""The briefing's pure helpers: links read and written, stepping, a slide's view, its sources,
map, chart and style sheets."""

from __future__ import annotations

import base64
import json
import re
from datetime import date

import pandas as pd
import pytest

from stationmap import config
from stationmap.app import ui_state
from stationmap.briefing import view as briefing_view
from stationmap.briefing.stories import load_briefings, parse_briefings
from stationmap.briefing.view import MODE_LIST, MODE_PRESENT, MODE_PRINT, MODE_STORY, Request
from stationmap.map import assets
from stationmap.map import records as map_records
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY

PAYLOAD_LINE = re.compile(r"^var \w+ = stationmap\.drawLayer\(\w+, (.*)\);$", re.MULTILINE)

CHAINED = """
[[stories]]
id = "first"
title = "First"
next_story = "second"

[[stories.slides]]
caption = "One."

[[stories.slides]]
caption = "Two."

[[stories]]
id = "second"
title = "Second"

[[stories.slides]]
caption = "Three."
"""


@pytest.fixture(scope="module")
def stories(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    briefings = load_briefings(
        config.DEFAULT_DATA_DIR / "briefings.toml",
        known_countries=set(view["iso2"]),
        known_regions=set(view["region"]),
        today=TEST_TODAY,
    )
    assert briefings.problems == []
    return briefings.stories


def slide_view(dataset, slide, **kwargs):
    on = slide.filters.as_of or TEST_TODAY
    return briefing_view.build_slide_view(
        dataset, build_site_view(dataset, on), slide, on=on, **kwargs
    )


# --- links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, Request(MODE_LIST)),
        ({"story": "uk"}, Request(MODE_STORY, "uk", 1)),
        ({"story": "uk", "slide": "3"}, Request(MODE_STORY, "uk", 3)),
        ({"story": "uk", "slide": ["2", "4"]}, Request(MODE_STORY, "uk", 4)),
        ({"story": "uk", "slide": "99"}, Request(MODE_STORY, "uk", 6)),
        ({"story": "uk", "slide": "-2"}, Request(MODE_STORY, "uk", 1)),
        ({"story": "uk", "slide": "three"}, Request(MODE_STORY, "uk", 1)),
        ({"story": "uk", "print": "1"}, Request(MODE_PRINT, "uk", 1)),
        ({"story": "uk", "contrast": "high"}, Request(MODE_STORY, "uk", 1, True)),
        ({"story": "uk", "contrast": "loud"}, Request(MODE_STORY, "uk", 1)),
        ({"story": "nope"}, Request(MODE_LIST, unknown_story="nope")),
        ({"present": "1", "story": "uk"}, Request(MODE_PRESENT)),
        ({"present": "0"}, Request(MODE_LIST)),
        ({"present": "true", "contrast": "HIGH"}, Request(MODE_PRESENT, high_contrast=True)),
    ],
)
def test_a_link_is_read_as_what_can_be_shown(stories, params, expected):
    assert briefing_view.read_request(params, stories) == expected


@pytest.mark.parametrize(
    "request_",
    [
        Request(MODE_STORY, "uk", 3),
        Request(MODE_STORY, "world", 6, True),
        Request(MODE_PRINT, "uk", 2),
        Request(MODE_PRESENT, high_contrast=True),
        Request(MODE_LIST),
    ],
)
def test_the_parameters_written_read_back_as_the_same_request(stories, request_):
    assert briefing_view.read_request(briefing_view.request_params(request_), stories) == request_


def test_a_slide_has_its_own_address():
    assert briefing_view.slide_link("uk", 3) == "briefing?story=uk&slide=3"
    assert briefing_view.slide_link("uk", 3, high_contrast=True).endswith("&contrast=high")
    assert {ui_state.STORY, ui_state.SLIDE} <= set(briefing_view.BRIEFING_PARAMS)


def test_stepping_stops_at_either_end_of_a_story(stories):
    assert briefing_view.step(stories, "uk", 1, -1) is None
    assert briefing_view.step(stories, "uk", 1, +1) == Request(MODE_STORY, "uk", 2)
    assert briefing_view.step(stories, "uk", 6, -1) == Request(MODE_STORY, "uk", 5)
    assert briefing_view.step(stories, "uk", 6, +1) is None


def test_past_its_last_slide_a_story_goes_on_to_its_next_story():
    chained = parse_briefings(CHAINED, today=TEST_TODAY).stories
    assert briefing_view.step(chained, "first", 2, +1) == Request(MODE_STORY, "second", 1)
    assert briefing_view.step(chained, "second", 1, +1) is None


def test_a_slides_period_starts_after_the_previous_slides_date(stories):
    uk, world = stories["uk"], stories["world"]
    assert briefing_view.period_start(uk, 1) is None
    assert briefing_view.period_start(uk, 4) == date(2023, 4, 30)
    # Undated slides ("today") have no period of their own.
    assert briefing_view.period_start(world, 4) is None


# --- a slide's view ----------------------------------------------------------------------------


def test_a_slide_shows_its_own_filters_on_its_own_date(shipped_dataset, stories):
    uk = stories["uk"]
    first = slide_view(shipped_dataset, uk.slides[0])
    statement = slide_view(shipped_dataset, uk.slides[3])
    assert first.on == date(2022, 9, 12)
    assert sorted(first.sites.index) == ["uk-croydon", "uk-glasgow", "uk-hendon"]
    assert (first.counts["sites"], first.counts["countries"]) == (3, 1)
    assert statement.counts["sites"] == 4
    assert statement.counts["by_status"]["no_evidence_found"] == 3
    # No event after the slide's date is on its timeline.
    assert statement.events["start"].max() <= pd.Timestamp(2023, 6, 6)


def test_a_caption_is_filled_with_the_slides_counts(shipped_dataset, stories):
    closures = slide_view(shipped_dataset, stories["world"].slides[2])
    sites, countries = closures.counts["sites"], closures.counts["countries"]
    assert f"for {sites} sites in {countries} countries" in closures.caption
    assert "{" not in closures.caption


def test_a_caption_with_no_translation_is_shown_in_english_and_marked(shipped_dataset):
    text = CHAINED.replace('caption = "One."', 'caption = "One."\ncaptions = { zh-Hans = "一。" }')
    slide = parse_briefings(text, today=TEST_TODAY).stories["first"].slides[0]
    assert slide_view(shipped_dataset, slide, language="zh-Hans").caption == "一。"
    english = slide_view(shipped_dataset, slide, language="zh-Hant")
    assert (english.caption, english.caption_translated) == ("One.", False)


def test_a_dated_slide_cites_the_sources_of_its_period(shipped_dataset, stories):
    uk = stories["uk"]
    statement = slide_view(shipped_dataset, uk.slides[3], since=briefing_view.period_start(uk, 4))
    events = statement.events
    period = events[
        (events["start"] > pd.Timestamp(2023, 4, 30)) & (events["start"] <= "2023-06-06")
    ]
    assert not period.empty
    cited = {source_id for ids in period["source_ids"] for source_id in ids}
    assert {source["source_id"] for source in statement.sources} == cited
    # Newest first: the statement of 6 June 2023 in Hansard leads.
    assert statement.sources[0]["publisher"] == "UK Parliament (Hansard)"


def test_an_undated_slide_cites_the_events_that_set_its_statuses(shipped_dataset, stories):
    charges = slide_view(shipped_dataset, stories["world"].slides[4])
    setting = shipped_dataset.events.set_index("event_id").loc[
        list(charges.sites["status_event_id"])
    ]
    assert [s["source_id"] for s in charges.sources] == list(
        dict.fromkeys(i for ids in setting["source_ids"] for i in ids)
    )


def test_the_source_line_names_a_few_and_counts_the_rest():
    sources = [
        {"publisher": f"Publisher {n}", "title": "T", "date": None, "url": f"https://x.org/{n}"}
        for n in range(5)
    ]
    line = briefing_view.sources_html(sources)
    assert line.count("<a ") == briefing_view.SOURCES_SHOWN
    assert "2 more" in line
    assert 'rel="noopener noreferrer"' in line


def test_the_source_line_says_which_sources_are_weak():
    sources = [
        {"publisher": "Relay", "title": "T", "date": None, "url": "https://x.org/1",
         "reliability": "weak"},
        {"publisher": "Paper", "title": "T", "date": None, "url": "https://x.org/2",
         "reliability": ""},
    ]  # fmt: skip
    line = briefing_view.sources_html(sources)
    assert ">Relay</a> (weak source) · " in line
    assert ">Paper</a></p>" in line


def test_the_source_line_escapes_and_follows_only_http_links():
    hostile = [
        {
            "publisher": "<img src=x onerror=alert(1)>",
            "title": '"><script>',
            "date": None,
            "url": "javascript:alert(1)",
        },
    ]
    line = briefing_view.sources_html(hostile)
    assert "<img" not in line and "<script" not in line and "javascript:" not in line
    assert "&lt;img src=x onerror=alert(1)&gt;" in line


def test_presenting_a_view_captions_its_counts_and_date():
    state = FilterState(countries=("GB",))
    counts = {"sites": 4, "countries": 1}
    slide = briefing_view.present_slide(state, counts, date(2023, 6, 7))
    assert slide.caption == "4 sites in 1 country · statuses as of 7 June 2023"
    assert slide.filters == state and slide.panel == "map" and slide.center is None
    single = briefing_view.facts_line({"sites": 1, "countries": 1}, date(2022, 9, 12))
    assert single == "1 site in 1 country · statuses as of 12 September 2022"


# --- the slide's map and chart -----------------------------------------------------------------


def map_payload(page: str) -> dict:
    return json.loads(PAYLOAD_LINE.search(page).group(1))


def shown_ids(payload: dict) -> list[str]:
    """The sites a slide's map shows: those its fixed view lets through, one bit per record."""
    bits = base64.b64decode(payload["view"]["visible"])
    records = payload["live"]["records"]
    return [
        record["id"]
        for index, record in enumerate(records)
        if bits[index >> 3] >> (index & 7) & 1 and record["lat"] is not None
    ]


def test_a_slides_map_holds_its_sites_at_its_view_with_a_compact_legend(shipped_dataset, stories):
    first = slide_view(shipped_dataset, stories["uk"].slides[0])
    page = briefing_view.slide_map_html(first, shipped_dataset)
    payload = map_payload(page)
    # The sites of the map page's layer, shown for the slide's one day: no play control.
    assert sorted(shown_ids(payload)) == sorted(first.sites.index)
    assert payload["records"] == []
    assert payload["view"]["steps"] == []
    assert payload["view"]["day"] == map_records.day_number(first.on)
    assert payload["view"]["filter"] == []
    assert 'data-status="alleged"' in payload["legend"]
    assert 'data-status="convicted"' not in payload["legend"]
    # The slide's centre and zoom; the arrow keys belong to the slides, not the map.
    assert "center: [53.8, -3.0]" in page and '"zoom": 6' in page
    assert '"keyboard": false' in page
    assert briefing_view.MAP_PRESENTATION_CSS in page
    assert briefing_view.MAP_HIGH_CONTRAST_CSS not in page
    assert ui_state.BRIEFING_NEXT in page and "PageDown" in page
    # A document of its own, read on its own by a screen reader: its language and a title.
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert f"<title>Map: {first.slide.title}</title>" in page
    # Finer outlines when close (from the app's own host), and the cities named.
    assert payload["fineOutlinesUrl"].endswith("countries-50m.json")
    assert payload["fineOutlinesZoom"] == 4
    assert "stationmap.cityLabels(" in page and '"name":"Glasgow"' in page
    # Leaflet and MarkerCluster as one script, and not the jQuery folium's own map lists
    # (nothing of a slide's uses it).
    assert assets.LEAFLET_MARKERCLUSTER_JS in page
    assert assets.JQUERY_JS not in page
    assert "$(" not in page and "jQuery" not in page


def test_a_slides_city_labels_name_each_city_once_and_no_country(shipped_dataset, stories):
    statement = slide_view(shipped_dataset, stories["uk"].slides[3])
    placed = map_records.placed_sites(statement.sites)
    labels = briefing_view.city_labels(placed)
    # London's two sites get one label, between them.
    assert [label["name"] for label in labels] == ["Belfast", "Glasgow", "London"]
    london = placed[placed["city"] == "London"]
    (middle,) = [label for label in labels if label["name"] == "London"]
    assert london["display_lat"].min() < middle["lat"] < london["display_lat"].max()
    country_level = placed.assign(precision="country")
    assert briefing_view.city_labels(country_level) == []


def test_many_city_names_are_a_file_read_when_first_shown_and_a_few_stay_inline():
    many = [{"name": f"City {n}", "lat": 1.0, "lng": 2.0} for n in range(250)]
    published = []

    def publish(value, *, prefix):
        published.append((prefix, value))
        return f"/app/static/cache/{prefix}-1.json"

    url = briefing_view.city_labels_or_url(many, publish)
    assert url == "/app/static/cache/city-labels-1.json"
    assert published == [("city-labels", many)]
    few = many[: briefing_view.INLINE_CITY_LABELS]
    assert briefing_view.city_labels_or_url(few, publish) == few
    # Uploaded data (nothing published), or a folder that cannot be written: inline.
    assert briefing_view.city_labels_or_url(many, None) == many

    def read_only(value, *, prefix):
        raise OSError("read-only")

    assert briefing_view.city_labels_or_url(many, read_only) == many


def test_without_tiles_a_slides_zoom_stops_where_the_outlines_still_show(shipped_dataset, stories):
    new_york = slide_view(shipped_dataset, stories["world"].slides[4])
    page = briefing_view.slide_map_html(new_york, shipped_dataset, high_contrast=True)
    assert f'"zoom": {briefing_view.NO_TILES_MAX_ZOOM}' in page
    assert briefing_view.MAP_HIGH_CONTRAST_CSS in page


def test_a_slide_without_centre_fits_its_sites(shipped_dataset, stories):
    autumn = slide_view(shipped_dataset, stories["uk"].slides[1])
    page = briefing_view.slide_map_html(autumn, shipped_dataset)
    assert "fitBounds" in page
    assert len(shown_ids(map_payload(page))) == len(map_records.placed_sites(autumn.sites))


def shown_by_the_browser(payload: dict) -> dict[str, int]:
    """What layer.js shows for a fixed view: each site in view with a marker whose status on
    the view's day (core.statusOn) passes its status filter, with that status's index."""
    view = payload["view"]
    shown, in_view = {}, set(shown_ids(payload))
    for record in payload["live"]["records"]:
        if record["id"] not in in_view:
            continue
        earlier = [index for day, index in record["h"] if day <= view["day"]]
        status = earlier[-1] if earlier else -1
        if status >= 0 and (not view["filter"] or status in view["filter"]):
            shown[record["id"]] = status
    return shown


@pytest.mark.parametrize(
    "state",
    [
        FilterState(),
        FilterState(statuses=("alleged", "reported_closed"), as_of=date(2023, 6, 7)),
        FilterState(countries=("NL", "GB"), as_of=date(2022, 10, 1)),
    ],
)
def test_a_slides_map_shows_exactly_its_sites_with_their_statuses_and_legend(
    shipped_dataset, state
):
    on = state.as_of or TEST_TODAY
    view = build_site_view(shipped_dataset, on)
    slide = briefing_view.present_slide(state, count_headlines(apply_filters(view, state)), on)
    presented = slide_view(shipped_dataset, slide)
    payload = map_payload(briefing_view.slide_map_html(presented, shipped_dataset))

    placed = map_records.placed_sites(presented.sites)
    shown = shown_by_the_browser(payload)
    assert sorted(shown) == sorted(placed.index)
    assert {site: schema.STATUSES[index] for site, index in shown.items()} == dict(placed["status"])
    # The legend counts what is shown, and lists only those statuses.
    for status in schema.STATUSES:
        count = list(placed["status"]).count(status)
        listed = f'data-status="{status}"' in payload["legend"]
        assert listed == bool(count), status
        if count:
            assert re.search(
                rf'data-status="{status}">.*?sm-legend-count">{count}<', payload["legend"]
            )


def test_a_slide_of_published_data_fetches_the_map_pages_sites_and_embeds_none(
    shipped_dataset, stories
):
    first = slide_view(shipped_dataset, stories["uk"].slides[0])
    layer = briefing_view.inline_layer(shipped_dataset, first.on)[0]
    source = {
        "dataUrl": "/app/static/cache/sites-1.json",
        "popupUrls": ["/app/static/cache/popups-1.json"],
        "popupPart": 256,
    }
    page = briefing_view.slide_map_html(first, shipped_dataset, live=(layer, source))
    payload = map_payload(page)
    assert payload["live"] == source and payload["records"] == []
    # No site's record or popup: the slide is the same few kilobytes at any number of sites.
    assert "uk-croydon" not in page and "Croydon" not in page.split("stationmap.cityLabels")[0]
    assert payload["view"]["visible"] and payload["view"]["steps"] == []
    # Fetched while the map's scripts load, as fetch() will ask for it.
    preload = '<link rel="preload" href="/app/static/cache/sites-1.json" as="fetch"'
    assert preload + ' crossorigin="anonymous">' in page
    assert page.index(preload) < page.index("leaflet-markercluster.js")


def test_a_slides_chart_is_its_lanes_in_large_type(shipped_dataset, stories):
    statement = slide_view(shipped_dataset, stories["uk"].slides[3])
    chart = briefing_view.slide_chart(
        statement, start=date(2022, 9, 1), height=190, high_contrast=True
    ).to_dict()
    assert chart["height"] == 190
    assert chart["config"]["background"] == "#000000"
    assert chart["config"]["axis"]["labelFontSize"] >= 16
    for layer in chart["layer"]:
        assert layer["encoding"]["color"]["legend"] is None
        assert layer["encoding"]["y"]["field"] == "lane"
    # The axis runs past the slide's date and the June replies known only to their month, and
    # keeps room at its ends for a whole dot, so the slide's own events are not cut.
    scale = chart["layer"][0]["encoding"]["x"]["scale"]
    assert scale["domain"][1] >= "2023-07-01"
    assert scale["padding"] == briefing_view.CHART_EDGE_PX > 0


def chart_events(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Events as the timeline gives them: (first day, morning after the last, precision)."""
    return pd.DataFrame(
        [
            {"start": pd.Timestamp(start), "end": pd.Timestamp(end), "date_precision": precision}
            for start, end, precision in rows
        ]
    )


def test_the_time_axis_ends_past_the_slides_day_and_its_months_but_not_its_years():
    on, start = date(2023, 6, 6), date(2022, 9, 1)
    day = chart_events(("2023-06-06", "2023-06-07", "day"))
    month = chart_events(("2023-06-01", "2023-07-01", "month"))
    year = chart_events(("2023-01-01", "2024-01-01", "year"))

    # A fortieth of the nine months shown: six days.
    assert briefing_view.chart_end(day, on, start) == date(2023, 6, 12)
    assert briefing_view.chart_end(pd.concat([day, month]), on, start) == date(2023, 6, 30)
    assert briefing_view.chart_end(pd.concat([day, year]), on, start) == date(2023, 6, 12)
    assert briefing_view.chart_end(day, on, None) == on


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [
        (date(2022, 9, 1), date(2022, 11, 30), 1),
        (date(2022, 9, 1), date(2023, 12, 20), 3),
        (date(2022, 9, 1), date(2026, 11, 27), 12),
        (None, date(2026, 11, 27), 1),
    ],
)
def test_ticks_are_spaced_out_over_long_periods(start, end, step):
    assert briefing_view.tick_months(start, end) == step


# --- the page's style sheets -------------------------------------------------------------------


def test_the_style_sheet_sizes_captions_for_a_shared_screen_and_prints_a_slide_a_page():
    css = briefing_view.page_css()
    # clamp(28px, 2.25vw, …): 28.8 px at 1280 wide, 43.2 px at 1920.
    minimum, per_vw = re.search(r"--sm-caption: clamp\((\d+)px, ([\d.]+)vw", css).groups()
    assert int(minimum) >= 28 and 1280 * float(per_vw) / 100 >= 28
    assert '[data-testid="stSidebar"]' in css and '[data-testid="stHeader"]' in css
    assert "@media print" in css and "size: landscape" in css and "break-before: page" in css
    assert "#000000" not in css.split("@media print")[0]
    high = briefing_view.page_css(high_contrast=True)
    assert "background: #000000" in high
    # High contrast is for the screen: printed, a slide is black on white.
    assert high.index("@media screen") < high.index("background: #000000")
    # And a timeline Vega drew white on black is printed black on white.
    assert "svg.marks { background-color: #ffffff !important; }" in high
    assert "svg.marks" not in briefing_view.page_css()


def test_a_slides_map_in_high_contrast_prints_in_normal_contrast(shipped_dataset, stories):
    first = slide_view(shipped_dataset, stories["uk"].slides[0])
    page = briefing_view.slide_map_html(first, shipped_dataset, high_contrast=True)
    assert briefing_view.screen_only(briefing_view.MAP_HIGH_CONTRAST_CSS) in page
