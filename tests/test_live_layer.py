"""The live map's layer and its map view messages: every site once, then a view per rerun."""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date

import pytest
import streamlit_folium

from stationmap import browser_code
from stationmap.map import assets, folium_bridge, live_layer
from stationmap.map import builder as mapbuilder
from stationmap.map import records as map_records
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.status import status_histories
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY
from tests.map_support import (
    HOSTILE_NAMES,
    Scripts,
    hostile_map_dataset,
    payload_of,
    render,
)


@pytest.fixture
def hostile_dataset():
    return hostile_map_dataset()


UK = FilterState(countries=("GB",))
FIRST_REPORT = date(2022, 9, 12)


def layer_of(dataset, **options) -> live_layer.LiveLayer:
    return live_layer.build_live_layer(
        build_site_view(dataset, on=TEST_TODAY),
        events=dataset.events,
        sources=dataset.sources,
        histories=status_histories(dataset),
        **options,
    )


@pytest.fixture(scope="module")
def shipped_layer(shipped_dataset) -> live_layer.LiveLayer:
    return layer_of(shipped_dataset)


def view_of(dataset, layer, state: FilterState | None = None, **options) -> dict:
    """The map page's view for these filters: what one rerun sends the live map."""
    state = state or FilterState()
    view = build_site_view(dataset, on=state.as_of or TEST_TODAY)
    return live_layer.map_view_message(
        layer,
        live_layer.ids_in_play(view, state),
        as_of=state.as_of,
        statuses=state.statuses,
        first=options.pop("first", FIRST_REPORT),
        last=TEST_TODAY,
        **options,
    )


def visible_ids(layer: live_layer.LiveLayer, view: dict) -> list[str]:
    """What the browser decodes from a view's `visible` bits: the ids of the sites in view."""
    bits = base64.b64decode(view["visible"])
    return [
        site_id
        for index, site_id in enumerate(layer.site_ids)
        if bits[index >> 3] >> (index & 7) & 1
    ]


def status_index_on(pairs: list[list[int]], on: date) -> int:
    """What the map's `statusOn` computes: the last pair on or before a day, or -1."""
    day = map_records.day_number(on)
    found = [status for first, status in pairs if first <= day]
    return found[-1] if found else -1


def shown_on(layer: live_layer.LiveLayer, view: dict, on: date) -> list[str]:
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
            [(change.effective - map_records.DAY_ZERO).days, schema.STATUSES.index(change.status)]
            for change in histories[record["id"]]
        ]
    glasgow = next(record for record in shipped_layer.records if record["id"] == "uk-glasgow")
    # Reported 12 Sep 2022, under investigation from October 2022 (a month: its first day),
    # confirmed by the minister on 1 Nov 2022, no evidence found on 6 June 2023.
    no_evidence = schema.STATUSES.index("no_evidence_found")
    assert glasgow["h"] == [[985, 0], [1004, 1], [1035, 1], [1252, no_evidence]]
    assert map_records.day_number(date(2023, 6, 6)) == 1252
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
        expected = map_records.placed_sites(
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
    assert sorted(live_layer.ids_in_play(view, state)) == [
        "uk-belfast",
        "uk-croydon",
        "uk-glasgow",
        "uk-hendon",
    ]
    glasgow = live_layer.ids_in_play(view, FilterState(text="Glasgow"))
    assert list(glasgow) == ["uk-glasgow"]


def test_sites_in_play_are_those_the_filters_allow_as_if_every_site_were_reported(
    shipped_dataset,
):
    # Early on, most sites are not reported yet: the map holds them for its later months.
    view = build_site_view(shipped_dataset, on=date(2022, 10, 1))
    assert not view["reported"].all()
    for state in (FilterState(), FilterState(countries=("GB", "NL")), FilterState(text="a")):
        assert list(live_layer.ids_in_play(view, state)) == list(
            apply_filters(view.assign(reported=True), state).index
        )


def test_the_view_message_is_the_same_for_an_index_and_a_list_of_ids(
    shipped_dataset, shipped_layer
):
    view = build_site_view(shipped_dataset, on=TEST_TODAY)
    ids = live_layer.ids_in_play(view, FilterState(countries=("GB",)))
    options = {"as_of": None, "statuses": (), "first": FIRST_REPORT, "last": TEST_TODAY}
    from_index = live_layer.map_view_message(shipped_layer, ids, **options)
    from_list = live_layer.map_view_message(shipped_layer, list(ids), **options)
    assert from_index == from_list
    assert (
        from_index["visible"]
        != live_layer.map_view_message(shipped_layer, [], **options)["visible"]
    )


def test_the_steps_run_month_by_month_from_the_first_report_and_include_the_as_of_date():
    steps = live_layer.play_steps(date(2022, 9, 12), date(2023, 7, 14), date(2023, 6, 5))
    assert steps[:2] == [date(2022, 9, 30), date(2022, 10, 31)]
    assert date(2023, 6, 5) in steps and date(2023, 6, 30) in steps
    assert steps[-1] == date(2023, 7, 14)
    assert steps == sorted(set(steps))
    assert len(steps) == 11 + 1
    assert live_layer.play_steps(date(2022, 9, 12), date(2022, 9, 20)) == [date(2022, 9, 20)]


def test_the_control_starts_at_the_as_of_date_with_every_month_labelled(
    shipped_dataset, shipped_layer
):
    view = view_of(shipped_dataset, shipped_layer, FilterState(as_of=date(2023, 6, 5)))
    day, month, caption = view["steps"][view["start"]]
    assert day == view["day"] == map_records.day_number(date(2023, 6, 5))
    assert (month, caption) == ("June 2023", "Statuses on 5 June 2023")
    assert view["steps"][0][1:] == ["September 2022", "Statuses on 30 September 2022"]
    assert view["steps"][-1][1:] == ["November 2026", "Statuses on 27 November 2026"]
    # Without an as-of date the control starts at today, the last step.
    today = view_of(shipped_dataset, shipped_layer)
    assert today["start"] == len(today["steps"]) - 1
    assert today["day"] == map_records.day_number(TEST_TODAY)
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
    assert payload["play"]["stepMs"] == live_layer.PLAY_STEP_MS
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
        "popupPart": live_layer.POPUP_PART_SITES,
    }
    html = render(mapbuilder.build_live_map(source, assets=assets.LOCAL_ASSETS))
    assert payload_of(html)["live"] == source
    assert "uk-glasgow" not in html
    # The map's own scripts are about 64 kB; its sites and popups would add over 180 kB here.
    assert len(html) < 70_000


def test_popups_are_split_in_parts_in_record_order(shipped_layer):
    parts = live_layer.popup_parts(shipped_layer, size=30)
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
    assert days[0] == map_records.day_number(FIRST_REPORT)
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
    layer = live_layer.build_live_layer(
        view,
        events=small_dataset.events,
        sources=small_dataset.sources,
        histories=status_histories(small_dataset),
    )
    glasgow = list(layer.site_ids).index("uk-glasgow")
    assert layer.records[glasgow]["lat"] is None and layer.records[glasgow]["lng"] is None
    assert layer.popups[glasgow] is None
    assert layer.records[glasgow]["h"] == map_records.history_pairs(
        status_histories(small_dataset)["uk-glasgow"]
    )
    assert [record["id"] for record in layer.placed] == ["uk-croydon", "fr-unspecified"]


def test_hostile_strings_stay_escaped_in_a_live_map(hostile_dataset):
    events = hostile_dataset.events
    events.at["E2", "actor"] = HOSTILE_NAMES[3]
    events.at["E3", "summary"] = HOSTILE_NAMES[4]
    layer = layer_of(hostile_dataset)
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
