"""The map builder, tested on the HTML folium renders: records, legend, escaping, assets, tiles."""

from __future__ import annotations

import json
import re

import pytest
import streamlit_folium

from stationmap import browser_code
from stationmap.html import palette
from stationmap.map import assets
from stationmap.map import builder as mapbuilder
from stationmap.map import records as map_records
from stationmap.record import schema
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY
from tests.map_support import (
    HOSTILE_NAMES,
    HOSTILE_URLS,
    Scripts,
    build,
    hostile_map_dataset,
    payload_of,
    render,
    site_view,
)


@pytest.fixture(scope="module")
def shipped_html(shipped_dataset) -> str:
    return render(build(shipped_dataset))


@pytest.fixture
def hostile_dataset():
    return hostile_map_dataset()


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
    records = map_records.build_site_records(
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


def test_shipped_sites_sharing_coordinates_are_all_apart(shipped_dataset, shipped_html):
    records = payload_of(shipped_html)["records"]
    assert len({(r["lat"], r["lng"]) for r in records}) == len(records)
    view = site_view(shipped_dataset)
    for record in records:
        lat, lon = view.loc[record["id"], ["latitude", "longitude"]]
        assert abs(record["lat"] - lat) <= map_records.RING_RADIUS_DEG * 1.001


def test_a_click_maps_back_to_its_site(shipped_html):
    records = payload_of(shipped_html)["records"]
    for record in records[:10]:
        assert (
            map_records.site_at(records, {"lat": record["lat"], "lng": record["lng"]})
            == (record["id"])
        )
    assert map_records.site_at(records, {"lat": -89.0, "lng": 0.0}) is None
    assert map_records.site_at(records, None) is None
    assert map_records.site_at(records, {"lat": "x"}) is None


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
