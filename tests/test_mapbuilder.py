"""The map builder, tested on the HTML folium renders: records, legend, escaping, assets, tiles."""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest
import streamlit_folium

from stationmap import browser_code
from stationmap.html import palette
from stationmap.map import assets, folium_bridge
from stationmap.map import builder as mapbuilder
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.status import status_histories
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY, small_files, small_rows

PAYLOAD_LINE = re.compile(r"^var \w+ = stationmap\.drawLayer\(\w+, (.*)\);$", re.MULTILINE)

HOSTILE_NAMES = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    "{{ 7 * 7 }} {% if true %}x{% endif %}",
    "line\u2028separator\u2029<!--",
)
HOSTILE_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " javascript:alert(3)",
    "\njavascript:alert(4)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==",
)


class Scripts(HTMLParser):
    """Each <script>'s attributes and text, as a browser's tokenizer splits them."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
            self._open = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = False

    def handle_data(self, data):
        if self._open:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def render(site_map) -> str:
    return site_map.get_root().render()


def payload_of(html: str) -> dict:
    (line,) = PAYLOAD_LINE.findall(html)
    return json.loads(line)


def site_view(dataset) -> pd.DataFrame:
    return apply_filters(build_site_view(dataset, on=TEST_TODAY), FilterState())


def build(dataset, **options):
    return mapbuilder.build_map(
        site_view(dataset),
        events=dataset.events,
        sources=dataset.sources,
        assets=options.pop("assets", assets.LOCAL_ASSETS),
        **options,
    )


@pytest.fixture(scope="module")
def shipped_html(shipped_dataset) -> str:
    return render(build(shipped_dataset))


@pytest.fixture
def hostile_dataset():
    """The small dataset with hostile names, and sources whose URLs must never be followed."""
    rows = small_rows()
    for site, name in zip(rows[schema.SITES_FILE], HOSTILE_NAMES, strict=False):
        site["name"] = name
    rows[schema.SITES_FILE][0]["notes"] = HOSTILE_NAMES[1]
    rows[schema.EVENTS_FILE][0]["summary"] = HOSTILE_NAMES[0]
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert not dataset.problems
    # The loader refuses such URLs; the map must hold even if one got past it.
    extra = [
        {
            "source_id": f"X{i}",
            "publisher": HOSTILE_NAMES[i % len(HOSTILE_NAMES)],
            "title": "hostile",
            "date": None,
            "url": url,
            "kind": "media",
            "row": 0,
        }
        for i, url in enumerate(HOSTILE_URLS)
    ]
    sources = pd.concat([dataset.sources, pd.DataFrame(extra).set_index("source_id", drop=False)])
    dataset.sources = sources.rename_axis(None)
    cited = tuple(dataset.sources.index)
    dataset.sites.at["uk-croydon", "source_ids"] = cited
    return dataset


# --- records -----------------------------------------------------------------------------------


def test_one_record_per_site_with_its_status(shipped_dataset, shipped_html):
    view = site_view(shipped_dataset)
    records = payload_of(shipped_html)["records"]
    assert len(records) == len(view) == len(shipped_dataset.sites)
    assert {record["id"] for record in records} == set(view.index)
    for record in records:
        assert record["status"] == view.at[record["id"], "status"]
        assert record["name"] == view.at[record["id"], "name"]


def test_each_status_colour_symbol_and_label_travel_once_per_map(shipped_html):
    styles = payload_of(shipped_html)["statuses"]
    assert [style["key"] for style in styles] == list(schema.STATUSES)
    for style in styles:
        status = style["key"]
        assert style["color"] == palette.STATUS_COLORS[status]
        assert style["textColor"] == palette.STATUS_TEXT_COLORS[status]
        assert style["symbol"] == palette.STATUS_SYMBOLS[status]
    assert styles[1]["label"] == "Under investigation"
    # Nothing per site repeats them.
    for record in payload_of(shipped_html)["records"]:
        assert not {"color", "textColor", "symbol", "tooltip", "label"} & set(record)


def test_only_the_sites_passed_are_drawn(shipped_dataset):
    view = site_view(shipped_dataset)
    uk = view[view["iso2"] == "GB"]
    html = render(
        mapbuilder.build_map(uk, events=shipped_dataset.events, sources=shipped_dataset.sources)
    )
    assert sorted(r["id"] for r in payload_of(html)["records"]) == sorted(uk.index)


def test_one_layer_draws_every_site_not_one_folium_object_each(shipped_dataset):
    site_map = build(shipped_dataset)
    assert [type(child).__name__ for child in site_map._children.values()] == [
        "SiteLayer",
        "FitBounds",
    ]


def test_unreported_sites_and_sites_without_coordinates_are_left_out(small_dataset):
    view = build_site_view(small_dataset, on=TEST_TODAY)
    view.loc["uk-glasgow", "latitude"] = float("nan")
    view.loc["fr-unspecified", "reported"] = False
    records = mapbuilder.build_site_records(
        view, events=small_dataset.events, sources=small_dataset.sources
    )
    assert [record["id"] for record in records] == ["uk-croydon"]
    html = render(
        mapbuilder.build_map(view, events=small_dataset.events, sources=small_dataset.sources)
    )
    assert "Not on the map (no coordinates): 1" in payload_of(html)["legend"]


def test_legend_lists_every_status_with_its_count(shipped_dataset, shipped_html):
    legend = payload_of(shipped_html)["legend"]
    counts = site_view(shipped_dataset)["status"].value_counts()
    for status in schema.STATUSES:
        row = re.search(rf'<li data-status="{status}">(.*?)</li>', legend).group(1)
        assert palette.STATUS_COLORS[status] in row
        assert f'<span class="sm-legend-count">{counts.get(status, 0)}</span>' in row
    country_row = re.search(r'<li data-status="country-level">(.*?)</li>', legend).group(1)
    assert "sm-chip-country" in country_row
    assert '<span class="sm-legend-count">18</span>' in country_row


def test_country_level_rows_get_their_own_shape_and_say_no_city(shipped_dataset, shipped_html):
    view = site_view(shipped_dataset)
    for record in payload_of(shipped_html)["records"]:
        country_level = view.at[record["id"], "precision"] == "country"
        assert record["countryLevel"] is country_level
    # The shape and the tooltip's "City not reported" are drawn from that flag.
    assert payload_of(shipped_html)["cityNotReported"] == "City not reported"
    assert "record.countryLevel" in shipped_html and "payload.cityNotReported" in shipped_html
    assert '"sm-marker-country"' in shipped_html
    assert ".sm-marker.sm-marker-country span" in shipped_html


def test_tooltips_and_labels_are_built_escaped_or_as_text_never_as_html(shipped_html):
    # The browser makes the tooltip with core.tooltipHtml, which escapes every part (its Node
    # tests give it hostile names, tests/js/), and the screen-reader label with setAttribute,
    # which never parses HTML.
    layer = browser_code.read("map/live/layer.js")
    assert "core.tooltipHtml(site.record.name" in layer
    assert "core.ariaLabel(site.record.name" in layer
    assert 'setAttribute("aria-label", labelFor(site))' in layer
    assert "innerHTML = site" not in layer
    assert layer.rstrip() in shipped_html


def test_no_sites_shows_the_world_and_says_nothing_matches(shipped_dataset):
    view = site_view(shipped_dataset)
    site_map = mapbuilder.build_map(
        view.iloc[0:0], events=shipped_dataset.events, sources=shipped_dataset.sources
    )
    payload = payload_of(render(site_map))
    assert payload["records"] == []
    assert payload["emptyMessage"] == "No sites match these filters."
    assert site_map.location == list(mapbuilder.WORLD_CENTER)
    assert "FitBounds" not in [type(c).__name__ for c in site_map._children.values()]


def test_the_map_fits_the_sites_shown(shipped_dataset):
    view = site_view(shipped_dataset)
    uk = view[view["iso2"] == "GB"]
    html = render(
        mapbuilder.build_map(uk, events=shipped_dataset.events, sources=shipped_dataset.sources)
    )
    (bounds,) = re.findall(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, re.DOTALL)
    (south, west), (north, east) = json.loads(bounds)
    assert 51 < south < north < 56
    assert -7 < west < east < 0
    assert f'"maxZoom": {mapbuilder.FIT_MAX_ZOOM}' in html


def test_a_centre_and_zoom_override_the_fit(shipped_dataset):
    site_map = build(shipped_dataset, center=(48.0, 10.0), zoom=5)
    html = render(site_map)
    assert "FitBounds" not in [type(child).__name__ for child in site_map._children.values()]
    assert site_map.location == [48.0, 10.0]
    assert '"zoom": 5' in html


# --- escaping ---------------------------------------------------------------------------------


def test_hostile_names_never_appear_unescaped(hostile_dataset):
    html = render(build(hostile_dataset))
    for name in HOSTILE_NAMES:
        assert name not in html
    for fragment in ("<img", "<script>alert", "`", "${alert", "{{ 7", "{%"):
        assert fragment not in html
    # The data arrives intact: decoded from JSON, the plain-text names are as written.
    names = [record["name"] for record in payload_of(html)["records"]]
    for name in HOSTILE_NAMES[:3]:
        assert name in names


def test_jinja_syntax_in_data_is_never_evaluated(hostile_dataset):
    html = render(build(hostile_dataset))
    names = [record["name"] for record in payload_of(html)["records"]]
    assert "`${alert(1)}`" in names
    assert not any(name.startswith("49") for name in names)


def test_no_data_can_break_out_of_the_script_blocks(hostile_dataset):
    html = render(build(hostile_dataset))
    parser = Scripts()
    parser.feed(html)
    assert html.count("<script") == len(parser.scripts)
    assert html.lower().count("</script") == len(parser.scripts)
    inline = [text for attrs, text in parser.scripts if "src" not in attrs]
    # The whole payload sits inside one script and parses as JSON there.
    (with_payload,) = [text for text in inline if "stationmap.drawLayer(map" in text]
    records = payload_of(with_payload)["records"]
    assert len(records) == 3
    for text in inline:
        for char in ("\u2028", "\u2029", "<!--"):
            assert char not in text


def test_urls_that_are_not_http_are_never_links(hostile_dataset):
    html = render(build(hostile_dataset))
    popups_html = " ".join(record["popup"] for record in payload_of(html)["records"])
    hrefs = re.findall(r'href="([^"]*)"', popups_html + html)
    assert hrefs
    for href in hrefs:
        assert href.startswith(("https://", "http://", "/app/static/vendor/")), href
    for url in HOSTILE_URLS:
        assert f'href="{url}' not in popups_html
    # They are shown as text instead, so the reader still sees what the source said.
    assert "javascript:alert(1)" in popups_html
    assert "sm-bad-url" in popups_html


def test_script_safe_json_escapes_what_could_end_or_change_a_script():
    text = mapbuilder.script_safe_json(
        {"a": "</script><!-- & ` ${x} \u2028 \u2029 {{ x }} {% y %} {# z #}"}
    )
    for raw in ("<", ">", "&", "`", "$", "\u2028", "\u2029", "{{", "{%", "{#"):
        assert raw not in text
    assert json.loads(text) == {"a": "</script><!-- & ` ${x} \u2028 \u2029 {{ x }} {% y %} {# z #}"}


# --- shared points --------------------------------------------------------------------------


def points_frame(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["site_id", "latitude", "longitude"])
    return frame.set_index("site_id", drop=False).rename_axis(None)


MADRID = (40.4165, -3.70256)


def test_sites_sharing_a_point_are_spread_on_a_small_ring():
    frame = points_frame(
        [("es-madrid-a", *MADRID), ("es-madrid-b", *MADRID), ("es-madrid-c", *MADRID)]
        + [("pt-lisbon", 38.72509, -9.1498)]
    )
    spread = mapbuilder.spread_shared_points(frame)
    madrid = spread.loc[["es-madrid-a", "es-madrid-b", "es-madrid-c"]]
    points = set(zip(madrid["display_lat"], madrid["display_lon"], strict=True))
    assert len(points) == 3
    scale = math.cos(math.radians(MADRID[0]))
    for lat, lon in points:
        distance = math.hypot(lat - MADRID[0], (lon - MADRID[1]) * scale)
        assert distance == pytest.approx(mapbuilder.RING_RADIUS_DEG, rel=1e-3)
    # Alone at its point, Lisbon stays where it is; the first by id is due north.
    assert tuple(spread.loc["pt-lisbon", ["display_lat", "display_lon"]]) == (38.72509, -9.1498)
    assert spread.loc["es-madrid-a", "display_lon"] == pytest.approx(MADRID[1])
    assert spread.loc["es-madrid-a", "display_lat"] > MADRID[0]


def test_spreading_is_deterministic_whatever_the_row_order():
    rows = [(f"s{i}", *MADRID) for i in range(5)] + [("t", 1.0, 2.0)]
    first = mapbuilder.spread_shared_points(points_frame(rows))
    again = mapbuilder.spread_shared_points(points_frame(rows))
    shuffled = mapbuilder.spread_shared_points(points_frame(rows[::-1]))
    columns = ["display_lat", "display_lon"]
    pd.testing.assert_frame_equal(first[columns], again[columns])
    pd.testing.assert_frame_equal(first[columns], shuffled.loc[first.index, columns])


def test_a_crowded_point_gets_a_wider_ring_so_markers_stay_apart():
    count = 30
    spread = mapbuilder.spread_shared_points(
        points_frame([(f"s{i:02}", 0.0, 0.0) for i in range(count)])
    )
    points = list(zip(spread["display_lat"], spread["display_lon"], strict=True))
    gaps = [math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :]]
    assert min(gaps) >= 0.9 * 2 * math.pi * mapbuilder.RING_RADIUS_DEG / mapbuilder.RING_CAPACITY
    radius = max(math.hypot(lat, lon) for lat, lon in points)
    assert radius <= mapbuilder.RING_RADIUS_DEG * count / mapbuilder.RING_CAPACITY * 1.001


def test_shipped_sites_sharing_coordinates_are_all_apart(shipped_dataset, shipped_html):
    records = payload_of(shipped_html)["records"]
    assert len({(r["lat"], r["lng"]) for r in records}) == len(records)
    view = site_view(shipped_dataset)
    for record in records:
        lat, lon = view.loc[record["id"], ["latitude", "longitude"]]
        assert abs(record["lat"] - lat) <= mapbuilder.RING_RADIUS_DEG * 1.001


def test_a_click_maps_back_to_its_site(shipped_html):
    records = payload_of(shipped_html)["records"]
    for record in records[:10]:
        assert (
            mapbuilder.site_at(records, {"lat": record["lat"], "lng": record["lng"]})
            == (record["id"])
        )
    assert mapbuilder.site_at(records, {"lat": -89.0, "lng": 0.0}) is None
    assert mapbuilder.site_at(records, None) is None
    assert mapbuilder.site_at(records, {"lat": "x"}) is None


# --- assets and tiles ------------------------------------------------------------------------


def links_of(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html
    )


def test_local_assets_come_only_from_the_app(shipped_html):
    links = links_of(shipped_html)
    assert links
    assert all(link.startswith("/app/static/vendor/") for link in links), links
    assert "https://cdn" not in shipped_html
    payload = payload_of(shipped_html)
    assert payload["iconImagePath"] == "/app/static/vendor/leaflet/images/"
    assert payload["outlinesUrl"] == "/app/static/vendor/world-atlas/countries-110m.json"


def test_without_vendored_assets_the_map_uses_cdn_defaults(shipped_dataset, tmp_path):
    cdn = assets.detect_assets(tmp_path)
    try:
        html = render(build(shipped_dataset, assets=cdn))
    finally:
        assets.install(assets.LOCAL_ASSETS)
    links = links_of(html)
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in links
    assert not any(link.startswith("/app/static/") for link in links)
    assert payload_of(html)["outlinesUrl"].startswith("https://cdn.jsdelivr.net/npm/world-atlas@")


def test_without_tiles_there_is_no_tile_layer_and_no_tile_server(shipped_html):
    assert "L.tileLayer" not in shipped_html
    assert "{z}" not in shipped_html
    for host in ("openstreetmap", "cartocdn", "arcgis", "stadiamaps"):
        assert host not in shipped_html
    assert '"maxZoom": 18' in shipped_html


def tile_attribution(html: str) -> str:
    (attribution,) = re.findall(r'"attribution": ("(?:[^"\\]|\\.)*")', html)
    return json.loads(attribution)


def test_osm_tiles_come_with_their_attribution(shipped_dataset):
    html = render(build(shipped_dataset, tiles=assets.resolve_tiles("osm")))
    assert "L.tileLayer" in html
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert tile_attribution(html) == (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    # With tiles there is no need for the outlines.
    assert payload_of(html)["outlinesUrl"] is None


def test_a_custom_template_shows_its_attribution_as_text(shipped_dataset):
    tiles = assets.resolve_tiles(
        "https://tiles.example.org/{z}/{x}/{y}.png", "<b>Example</b> {{ 7 * 7 }}"
    )
    html = render(build(shipped_dataset, tiles=tiles))
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
    assert tile_attribution(html) == "&lt;b&gt;Example&lt;/b&gt; &#123;&#123; 7 * 7 &#125;&#125;"
    assert "<b>Example" not in html


# --- the live map: sites once, then views -------------------------------------------------------

UK = FilterState(countries=("GB",))
FIRST_REPORT = date(2022, 9, 12)


def live_layer(dataset, **options) -> mapbuilder.LiveLayer:
    return mapbuilder.build_live_layer(
        build_site_view(dataset, on=TEST_TODAY),
        events=dataset.events,
        sources=dataset.sources,
        histories=status_histories(dataset),
        **options,
    )


@pytest.fixture(scope="module")
def shipped_layer(shipped_dataset) -> mapbuilder.LiveLayer:
    return live_layer(shipped_dataset)


def view_of(dataset, layer, state: FilterState | None = None, **options) -> dict:
    """The map page's view for these filters: what one rerun sends the live map."""
    state = state or FilterState()
    view = build_site_view(dataset, on=state.as_of or TEST_TODAY)
    return mapbuilder.live_view(
        layer,
        mapbuilder.sites_in_play(view, state).index,
        as_of=state.as_of,
        statuses=state.statuses,
        first=options.pop("first", FIRST_REPORT),
        last=TEST_TODAY,
        **options,
    )


def visible_ids(layer: mapbuilder.LiveLayer, view: dict) -> list[str]:
    """What the browser decodes from a view's `visible` bits: the ids of the sites in view."""
    bits = base64.b64decode(view["visible"])
    return [
        site_id
        for index, site_id in enumerate(layer.site_ids)
        if bits[index >> 3] >> (index & 7) & 1
    ]


def status_index_on(pairs: list[list[int]], on: date) -> int:
    """What the map's `statusOn` computes: the last pair on or before a day, or -1."""
    day = mapbuilder.day_number(on)
    found = [status for first, status in pairs if first <= day]
    return found[-1] if found else -1


def shown_on(layer: mapbuilder.LiveLayer, view: dict, on: date) -> list[str]:
    """What the map's `showDay` shows: placed sites in view whose status on `on` is allowed."""
    shown = []
    for site_id, record in zip(layer.site_ids, layer.records, strict=True):
        status = status_index_on(record["h"], on)
        allowed = status >= 0 and (not view["filter"] or status in view["filter"])
        if record["lat"] is not None and site_id in visible_ids(layer, view) and allowed:
            shown.append(site_id)
    return shown


def test_the_live_layer_holds_every_site_once_with_its_status_history(
    shipped_dataset, shipped_layer
):
    histories = status_histories(shipped_dataset)
    assert list(shipped_layer.site_ids) == list(shipped_dataset.sites.index)
    assert [record["id"] for record in shipped_layer.records] == list(shipped_layer.site_ids)
    for record in shipped_layer.records:
        assert record["h"] == [
            [(change.effective - mapbuilder.DAY_ZERO).days, schema.STATUSES.index(change.status)]
            for change in histories[record["id"]]
        ]
    glasgow = next(record for record in shipped_layer.records if record["id"] == "uk-glasgow")
    # Reported 12 Sep 2022, under investigation from October 2022 (a month: its first day),
    # confirmed by the minister on 1 Nov 2022, no evidence found on 6 June 2023.
    no_evidence = schema.STATUSES.index("no_evidence_found")
    assert glasgow["h"] == [[985, 0], [1004, 1], [1035, 1], [1252, no_evidence]]
    assert mapbuilder.day_number(date(2023, 6, 6)) == 1252
    # Nothing in a record depends on the date or the language: the browser keeps them.
    assert set(glasgow) == {"id", "lat", "lng", "name", "countryLevel", "h"}


@pytest.mark.parametrize(
    "on",
    [
        date(2022, 9, 11),
        date(2022, 9, 12),
        date(2022, 10, 1),
        date(2023, 3, 31),
        date(2023, 4, 1),
        date(2023, 6, 5),
        date(2023, 6, 6),
        date(2023, 6, 7),
        TEST_TODAY,
    ],
)
def test_the_map_shows_on_any_day_what_the_filtered_site_view_gives(
    shipped_dataset, shipped_layer, on
):
    for state in (
        FilterState(as_of=on),
        FilterState(as_of=on, statuses=("no_evidence_found", "reported_closed")),
        FilterState(as_of=on, countries=("GB", "NL"), statuses=("alleged",)),
        FilterState(as_of=on, text="Glasgow"),
    ):
        view = view_of(shipped_dataset, shipped_layer, state)
        expected = mapbuilder.placed_sites(
            apply_filters(build_site_view(shipped_dataset, on=on), state)
        )
        assert sorted(shown_on(shipped_layer, view, on)) == sorted(expected.index), state


def test_a_view_stays_a_few_hundred_bytes_at_any_size(shipped_dataset, shipped_layer):
    view = view_of(shipped_dataset, shipped_layer, UK)
    steps = len(mapbuilder.script_safe_json(view["steps"]))
    # One bit per site: 80 sites are 14 characters of base64, 10,000 would be 1,336.
    assert len(view["visible"]) == 4 * math.ceil(math.ceil(len(shipped_layer.records) / 8) / 3)
    assert len(mapbuilder.script_safe_json(view)) - steps < 250
    assert sorted(visible_ids(shipped_layer, view)) == [
        "uk-belfast",
        "uk-croydon",
        "uk-glasgow",
        "uk-hendon",
    ]


def test_the_view_names_itself_and_changes_with_filters_and_date(shipped_dataset, shipped_layer):
    today = view_of(shipped_dataset, shipped_layer)
    again = view_of(shipped_dataset, shipped_layer)
    closed = view_of(shipped_dataset, shipped_layer, FilterState(statuses=("reported_closed",)))
    then = view_of(shipped_dataset, shipped_layer, FilterState(as_of=date(2023, 1, 1)))
    assert today == again
    assert len({today["key"], closed["key"], then["key"]}) == 3
    # Only the filters that do not depend on the date change the sites in view (and refit).
    assert today["visible"] == closed["visible"] == then["visible"]
    assert closed["filter"] == [schema.STATUSES.index("reported_closed")]


def test_sites_in_play_keep_the_filters_that_do_not_depend_on_the_date(shipped_dataset):
    view = build_site_view(shipped_dataset, on=date(2022, 10, 1))
    state = FilterState(statuses=("reported_closed",), countries=("GB",), as_of=date(2022, 10, 1))
    assert sorted(mapbuilder.sites_in_play(view, state).index) == [
        "uk-belfast",
        "uk-croydon",
        "uk-glasgow",
        "uk-hendon",
    ]
    glasgow = mapbuilder.sites_in_play(view, FilterState(text="Glasgow"))
    assert list(glasgow.index) == ["uk-glasgow"]


def test_the_steps_run_month_by_month_from_the_first_report_and_include_the_as_of_date():
    steps = mapbuilder.play_steps(date(2022, 9, 12), date(2023, 7, 14), date(2023, 6, 5))
    assert steps[:2] == [date(2022, 9, 30), date(2022, 10, 31)]
    assert date(2023, 6, 5) in steps and date(2023, 6, 30) in steps
    assert steps[-1] == date(2023, 7, 14)
    assert steps == sorted(set(steps))
    assert len(steps) == 11 + 1
    assert mapbuilder.play_steps(date(2022, 9, 12), date(2022, 9, 20)) == [date(2022, 9, 20)]


def test_the_control_starts_at_the_as_of_date_with_every_month_labelled(
    shipped_dataset, shipped_layer
):
    view = view_of(shipped_dataset, shipped_layer, FilterState(as_of=date(2023, 6, 5)))
    day, month, caption = view["steps"][view["start"]]
    assert day == view["day"] == mapbuilder.day_number(date(2023, 6, 5))
    assert (month, caption) == ("June 2023", "Statuses on 5 June 2023")
    assert view["steps"][0][1:] == ["September 2022", "Statuses on 30 September 2022"]
    assert view["steps"][-1][1:] == ["November 2026", "Statuses on 27 November 2026"]
    # Without an as-of date the control starts at today, the last step.
    today = view_of(shipped_dataset, shipped_layer)
    assert today["start"] == len(today["steps"]) - 1
    assert today["day"] == mapbuilder.day_number(TEST_TODAY)
    # With no report at all there is nothing to step through: the control hides.
    assert view_of(shipped_dataset, shipped_layer, first=None)["steps"] == []


def live_html(dataset, layer, **options) -> str:
    source = {"records": layer.records, "popups": layer.popups}
    return render(mapbuilder.build_live_map(source, assets=assets.LOCAL_ASSETS, **options))


def test_the_live_map_is_the_same_whatever_the_filters(shipped_dataset, shipped_layer):
    html = live_html(shipped_dataset, shipped_layer)
    payload = payload_of(html)
    assert payload["live"]["records"] == shipped_layer.records
    assert payload["records"] == []
    assert payload["play"]["stepMs"] == mapbuilder.PLAY_STEP_MS
    # The layer's code, whole: the rules, streamlit-folium's side and the glue.
    for name in mapbuilder.LAYER_SCRIPTS:
        assert browser_code.read(name).rstrip() in html, name
    for piece in (
        'L.control({position: "topright"})',
        '"sm-play-slider"',
        "function showDay(day)",
        "core.planDay(sites, day, filter)",
        "site.marker.setIcon(",
        "function updateLegend()",
        "function applyView(view)",
        "bridge.receiveViews(window, applyView);",
    ):
        assert piece in html, piece
    # Built twice, the script is the same to streamlit-folium, so it keeps the map it has.
    source = {"records": shipped_layer.records, "popups": shipped_layer.popups}
    scripts = [
        streamlit_folium.generate_js_hash(
            streamlit_folium._get_map_string(
                mapbuilder.build_live_map(source, assets=assets.LOCAL_ASSETS)
            ),
            "map",
        )
        for _ in range(2)
    ]
    assert scripts[0] == scripts[1]
    # The legend lists every status; the browser counts them for the view shown.
    assert payload["legend"].count("data-status=") == len(schema.STATUSES) + 1


def test_published_sites_are_fetched_not_embedded(shipped_dataset, shipped_layer):
    source = {
        "dataUrl": "/app/static/cache/sites-1.json",
        "popupUrls": ["/app/static/cache/p.json"],
        "popupPart": mapbuilder.POPUP_PART_SITES,
    }
    html = render(mapbuilder.build_live_map(source, assets=assets.LOCAL_ASSETS))
    assert payload_of(html)["live"] == source
    assert "uk-glasgow" not in html
    assert len(html) < 60_000


def test_popups_are_split_in_parts_in_record_order(shipped_layer):
    parts = mapbuilder.popup_parts(shipped_layer, size=30)
    count = len(shipped_layer.popups)
    assert count > 60  # three parts at least
    assert [len(part) for part in parts] == [30] * (count // 30) + [count % 30] * bool(count % 30)
    assert [popup for part in parts for popup in part] == shipped_layer.popups
    glasgow = list(shipped_layer.site_ids).index("uk-glasgow")
    # What the browser's popupFor looks up: part index // size, then index % size.
    assert parts[glasgow // 30][glasgow % 30] == shipped_layer.popups[glasgow]


def test_a_view_can_ask_the_map_to_report_once_shown_and_is_the_same_view(
    shipped_dataset, shipped_layer
):
    plain = view_of(shipped_dataset, shipped_layer)
    asking = view_of(shipped_dataset, shipped_layer, report_shown=True)
    assert "report" not in plain and asking["report"] is True
    # The map compares keys: the run the report starts sends the same view, with nothing to redo.
    assert {k: v for k, v in asking.items() if k != "report"} == plain
    site_map = mapbuilder.build_live_map({"records": [], "popups": []}, assets=assets.LOCAL_ASSETS)
    script = render(site_map)
    assert f'"shownReport":"{folium_bridge.MAP_SHOWN_REPORT}"' in script
    assert "streamlit.setComponentValue(sent || {})" in script


def test_a_view_is_handed_to_the_map_as_a_feature_group(shipped_dataset, shipped_layer):
    view = view_of(shipped_dataset, shipped_layer, UK)
    group = folium_bridge.view_layer(view)
    site_map = mapbuilder.build_live_map({"records": [], "popups": []}, assets=assets.LOCAL_ASSETS)
    group.add_to(site_map)
    html = render(site_map)
    (line,) = re.findall(r"^\}\)\((\{.*\})\);$", html, re.MULTILINE)
    assert json.loads(line) == view
    assert "window.smApplyView(view)" in html


def test_popups_in_a_live_map_mark_each_day_and_each_status_change(shipped_layer):
    popup = shipped_layer.popups[list(shipped_layer.site_ids).index("uk-glasgow")]
    events = popup.split('<ol class="sm-events">', 1)[1].split("</ol>", 1)[0]
    days = [int(day) for day in re.findall(r'<li data-d="(-?\d+)">', events)]
    assert days and days == sorted(days)
    assert days[0] == mapbuilder.day_number(FIRST_REPORT)
    changes = re.findall(r'<span class="sm-to sm-to-([a-z_]+)">', events)
    assert changes == ["alleged", "under_investigation", "under_investigation", "no_evidence_found"]
    # One status line per change, plus one for before the first report.
    now = popup.split('<span class="sm-now">', 1)[1]
    assert now.count("<span data-from=") == len(changes) + 1
    # Each source carries the day it is first cited from, so the control hides later ones.
    listed = popup.split('<ul class="sm-sources">', 1)[1]
    assert re.findall(r'<li data-d="(-?\d+)">', listed)


def test_sites_without_coordinates_are_in_the_layer_for_the_legend(small_dataset):
    view = build_site_view(small_dataset, on=TEST_TODAY)
    view.loc["uk-glasgow", ["latitude", "longitude"]] = float("nan")
    layer = mapbuilder.build_live_layer(
        view,
        events=small_dataset.events,
        sources=small_dataset.sources,
        histories=status_histories(small_dataset),
    )
    glasgow = list(layer.site_ids).index("uk-glasgow")
    assert layer.records[glasgow]["lat"] is None and layer.records[glasgow]["lng"] is None
    assert layer.popups[glasgow] is None
    assert layer.records[glasgow]["h"] == mapbuilder.history_pairs(
        status_histories(small_dataset)["uk-glasgow"]
    )
    assert [record["id"] for record in layer.placed] == ["uk-croydon", "fr-unspecified"]


def test_hostile_strings_stay_escaped_in_a_live_map(hostile_dataset):
    events = hostile_dataset.events
    events.at["E2", "actor"] = HOSTILE_NAMES[3]
    events.at["E3", "summary"] = HOSTILE_NAMES[4]
    layer = live_layer(hostile_dataset)
    html = live_html(hostile_dataset, layer)
    for name in HOSTILE_NAMES:
        assert name not in html
    for fragment in ("<img", "<script>alert", "`", "${alert", "{{ 7", "{%", "\u2028"):
        assert fragment not in html
    parser = Scripts()
    parser.feed(html)
    assert html.lower().count("</script") == len(parser.scripts)
    popups_html = " ".join(popup for popup in layer.popups if popup)
    assert "&#123;&#123; 7 * 7 &#125;&#125;" in popups_html
    for href in re.findall(r'href="([^"]*)"', popups_html):
        assert href.startswith(("https://", "http://")), href
    # Names go to the browser as plain text, which it sets as text, never as HTML.
    assert {record["name"] for record in layer.records} >= set(HOSTILE_NAMES[:3])


def test_a_focused_site_is_named_by_its_index_if_it_has_a_marker(shipped_dataset, shipped_layer):
    view = view_of(shipped_dataset, shipped_layer, focus="uk-glasgow")
    assert shipped_layer.records[view["focus"]]["id"] == "uk-glasgow"
    # An id that is not on the map changes nothing.
    assert view_of(shipped_dataset, shipped_layer, focus="no-such-site")["focus"] is None


def test_no_map_document_stops_its_reader_from_zooming(shipped_dataset, shipped_html):
    """folium's viewport tag says user-scalable=no and maximum-scale=1 (WCAG 1.4.4): gone from
    the static map, the live map and the header streamlit-folium puts in its frame."""
    live = mapbuilder.build_live_map({"records": [], "popups": {}}, assets=assets.LOCAL_ASSETS)
    live_html = render(live)
    frame_header = streamlit_folium._get_header(live)
    for html in (shipped_html, live_html, frame_header):
        assert "user-scalable" not in html
        assert "maximum-scale" not in html
    # The map's own style, which shares folium's header with the tag, is still there
    # (streamlit-folium names the map map_div in its frame).
    assert f"#{live.get_name()}" in live_html and "#map_div" in frame_header
