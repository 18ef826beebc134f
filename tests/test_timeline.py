"""Timeline tables and charts: event groups, dates at their precision, scope of events."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from stationmap import popups, schema
from stationmap.dates import parse_partial_date
from stationmap.filters import FilterState, apply_filters
from stationmap.timeline import (
    EVENT_GROUPS,
    LANE_EMBASSY,
    LANE_GOVERNMENT,
    LANE_POLICE,
    SELECTION,
    SELECTION_PERIOD,
    SELECTIONS,
    build_timeline_chart,
    by_month,
    chart_rows,
    count_by_group,
    earliest_report,
    event_item_html,
    group_of,
    month_heading,
    months_html,
    scope_for,
    select_events,
    selected_event_ids,
)
from stationmap.views import build_site_view
from tests.conftest import TEST_TODAY


@pytest.mark.parametrize(
    ("event_type", "group"),
    [
        ("ngo_report", "reports"),
        ("media_report", "reports"),
        ("police_visit", "police"),
        ("investigation_opened", "police"),
        ("government_statement", "government"),
        ("parliamentary_statement", "government"),
        ("diplomatic_protest", "government"),
        ("closure_ordered", "government"),
        ("closure_reported", "government"),
        ("embassy_response", "embassy"),
        ("legislation", "legal"),
        ("arrest", "legal"),
        ("charge", "legal"),
        ("conviction", "legal"),
    ],
)
def test_every_event_type_has_a_group(event_type, group):
    assert group_of(event_type) == group
    assert group in EVENT_GROUPS


def test_groups_cover_the_vocabulary():
    assert {group_of(t) for t in schema.EVENT_TYPES} == set(EVENT_GROUPS)


@pytest.mark.parametrize(
    ("text", "label", "heading"),
    [
        ("2023-06-06", "6 June 2023", "June 2023"),
        ("2023-06", "June 2023", "June 2023"),
        ("2022", "2022", "2022 (month not known)"),
        ("", None, "Date not known"),
    ],
)
def test_dates_are_shown_at_their_precision(text, label, heading):
    when = parse_partial_date(text)
    assert (when.label() if when else None) == label
    assert month_heading(when) == heading


def uk_events(dataset):
    view = build_site_view(dataset, TEST_TODAY)
    uk = apply_filters(view, FilterState(countries=("GB",)))
    return select_events(dataset, scope_for(uk))


def test_uk_timeline_has_police_and_government_lanes(shipped_dataset):
    events = uk_events(shipped_dataset)
    police = events[events["lane"] == LANE_POLICE]
    government = events[events["lane"] == LANE_GOVERNMENT]
    assert {"E008", "E027", "E038", "E071"} <= set(police["event_id"])
    assert {"E025", "E062", "E070", "E072", "E074", "E086"} <= set(government["event_id"])
    # The embassy's reply is there too, in its own group.
    assert events.set_index("event_id").loc["E073", "group"] == "embassy"


def test_uk_timeline_excludes_other_countries(shipped_dataset):
    events = uk_events(shipped_dataset)
    assert set(events["iso2"]) <= {"GB", "", "CN"}  # CN: worldwide answers from Beijing
    assert "E014" not in set(events["event_id"])  # Dublin


def test_events_are_in_date_order_with_undated_last(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    events = select_events(shipped_dataset, scope_for(view))
    dated = events["start"].dropna()
    assert dated.is_monotonic_increasing
    assert events["start"].isna().tail(2).all()
    assert len(events) == len(shipped_dataset.events)
    # China's foreign ministry answered the reports as a whole: shown with worldwide events.
    assert {"E012", "E026", "E085"} <= set(uk_events(shipped_dataset)["event_id"])


def test_month_precision_event_spans_its_month(shipped_dataset):
    events = uk_events(shipped_dataset).set_index("event_id")
    met = events.loc["E068"]  # Met conclusion, June 2023
    assert met["date_label"] == "June 2023"
    assert met["start"] == pd.Timestamp("2023-06-01")
    assert met["end"] == pd.Timestamp("2023-07-01")
    statement = events.loc["E070"]
    assert (statement["start"], statement["end"]) == (
        pd.Timestamp("2023-06-06"),
        pd.Timestamp("2023-06-07"),
    )


def test_filter_by_group(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    legal = select_events(shipped_dataset, scope_for(view), groups=["legal"])
    assert set(legal["group"]) == {"legal"}
    assert {"E060", "E061", "E084", "E076"} <= set(legal["event_id"])


def test_grouped_by_month_keeps_order(shipped_dataset):
    months = by_month(uk_events(shipped_dataset))
    headings = [heading for heading, _ in months]
    assert headings[:3] == ["September 2022", "October 2022", "November 2022"]
    assert dict(months)["June 2023"]["event_id"].tolist()[:2] == ["E068", "E069"]


def test_chart_draws_days_as_points_and_months_as_spans(shipped_dataset):
    chart = build_timeline_chart(uk_events(shipped_dataset), start=date(2022, 9, 1))
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point"]
    filters = [layer["transform"][0]["filter"] for layer in spec["layer"]]
    assert "!=" in str(filters[0]) and "==" in str(filters[1])
    assert any(param["name"] == "event" for param in spec.get("params", []))


def test_the_first_report_starts_the_timeline(shipped_dataset):
    # Sweden's "2022" statement counts from 1 January; the reports began in September.
    assert earliest_report(shipped_dataset) == date(2022, 9, 12)


def test_events_after_the_as_of_date_are_left_out(shipped_dataset):
    view = build_site_view(shipped_dataset, date(2023, 6, 5))
    uk = apply_filters(view, FilterState(countries=("GB",), as_of=date(2023, 6, 5)))
    before = select_events(shipped_dataset, scope_for(uk), until=date(2023, 6, 5))
    ids = set(before["event_id"])
    assert "E070" not in ids and "E073" not in ids  # the 6 June 2023 statement and reply
    assert "E068" in ids  # the Met's June 2023 conclusion: its month has begun
    dated = before["start"].dropna()
    assert (dated <= pd.Timestamp("2023-06-05")).all()
    # Undated events stay: nothing says they came later.
    everything = select_events(shipped_dataset, scope_for(uk))
    assert before["start"].isna().sum() == everything["start"].isna().sum()
    after = select_events(shipped_dataset, scope_for(uk), until=date(2023, 6, 6))
    assert {"E070", "E071", "E072", "E073", "E074"} <= set(after["event_id"])


def test_uk_story_of_6_june_2023_in_the_lanes(shipped_dataset):
    on_the_day = (
        uk_events(shipped_dataset)
        .set_index("event_id")
        .loc[["E070", "E071", "E072", "E073", "E074"]]
    )
    assert dict(on_the_day["lane"]) == {
        "E070": LANE_GOVERNMENT,
        "E071": LANE_POLICE,
        "E072": LANE_GOVERNMENT,
        "E073": LANE_EMBASSY,
        "E074": LANE_GOVERNMENT,
    }
    assert set(on_the_day["date_label"]) == {"6 June 2023"}
    # Every event has a source to show.
    assert all(len(ids) > 0 for ids in uk_events(shipped_dataset)["source_ids"])


def test_group_counts_list_every_group(shipped_dataset):
    counts = count_by_group(uk_events(shipped_dataset))
    assert list(counts) == list(EVENT_GROUPS)
    assert counts["police"] == 4 and counts["embassy"] == 2
    assert sum(counts.values()) == len(uk_events(shipped_dataset))


def test_one_country_gets_a_row_per_site_then_its_own_then_others(shipped_dataset):
    events = uk_events(shipped_dataset)
    names = shipped_dataset.sites["name"].to_dict()
    rows, order = chart_rows(events, per_site=True, site_names=names, countries={"GB"})
    assert order == [
        "Belfast",
        "Glasgow",
        "London: Croydon",
        "London: Hendon",
        "United Kingdom: all sites",
        "China",
        "Worldwide",
    ]
    assert set(rows["row_label"]) == set(order)
    # The statement of 6 June 2023 names all four sites: drawn on each of their rows.
    statement = rows[rows["event_id"] == "E070"]
    assert sorted(statement["row_label"]) == order[:4]
    # Undated events are not drawn.
    assert rows["start"].notna().all()


def test_many_countries_get_a_row_each_worldwide_last(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    events = select_events(shipped_dataset, scope_for(view))
    rows, order = chart_rows(events, per_site=False, site_names={}, countries=set(view["iso2"]))
    assert order[-1] == "Worldwide"
    assert order[:-1] == sorted(order[:-1])
    assert len(rows) == events["start"].notna().sum()


def test_year_precision_events_span_their_year_and_read_as_the_year(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    events = select_events(shipped_dataset, scope_for(view)).set_index("event_id")
    sweden = events.loc["E089"]  # "2022": the Swedish foreign minister, autumn 2022
    assert sweden["date_label"] == "2022"
    assert sweden["month_heading"] == "2022 (month not known)"
    assert (sweden["start"], sweden["end"]) == (
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2023-01-01"),
    )


def test_undated_events_are_listed_last_under_their_own_heading(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    months = by_month(select_events(shipped_dataset, scope_for(view)))
    assert months[-1][0] == "Date not known"
    assert set(months[-1][1]["event_id"]) >= {"E087", "E088"}
    # A year comes before its months: it is listed from its first day.
    assert [heading for heading, _ in months[:2]] == ["2022 (month not known)", "September 2022"]


def test_the_chart_spans_the_first_report_to_the_as_of_date(shipped_dataset):
    chart = build_timeline_chart(
        uk_events(shipped_dataset), start=date(2022, 9, 1), end=date(2023, 6, 5)
    )
    spec = chart.to_dict()
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain == ["2022-09-01T00:00:00", "2023-06-06T00:00:00"]
    # A bar reaching past either end is cut at the axis, not drawn over the labels.
    assert all(layer["mark"]["clip"] for layer in spec["layer"])


def test_each_layer_has_its_own_click_selection_of_the_event(shipped_dataset):
    spec = build_timeline_chart(uk_events(shipped_dataset)).to_dict()
    layer_names = [layer["name"] for layer in spec["layer"]]
    params = {param["name"]: param for param in spec["params"]}
    assert params[SELECTION_PERIOD]["views"] == [layer_names[0]]  # the bars
    assert params[SELECTION]["views"] == [layer_names[1]]  # the dots
    for name in SELECTIONS:
        assert params[name]["select"] == {"type": "point", "fields": ["event_id"], "on": "click"}
    # Zooming the time axis selects nothing: bound to the scales, on the bars' layer.
    zoom = params["timeline_zoom"]
    assert zoom["bind"] == "scales" and zoom["select"]["encodings"] == ["x"]


def test_hover_shows_date_actor_and_summary(shipped_dataset):
    spec = build_timeline_chart(uk_events(shipped_dataset)).to_dict()
    titles = [item["title"] for item in spec["layer"][1]["encoding"]["tooltip"]]
    assert titles == ["Date", "Event", "Actor", "Summary", "Sites"]
    data = next(iter(spec["datasets"].values()))
    statement = next(row for row in data if row["event_id"] == "E070")
    assert statement["date_label"] == "6 June 2023"
    assert statement["actor"] == "Security Minister Tom Tugendhat"


def test_the_lane_chart_has_the_lanes_in_their_order(shipped_dataset):
    spec = build_timeline_chart(uk_events(shipped_dataset), row_field="lane").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == [
        LANE_POLICE,
        LANE_GOVERNMENT,
        LANE_EMBASSY,
        "Reports and legal steps",
    ]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (None, []),
        ({"selection": {}}, []),
        ({"selection": {"event": [{"event_id": "E070"}]}}, ["E070"]),
        ({"selection": {"event_period": [{"event_id": "E068"}], "event": []}}, ["E068"]),
        (
            {"selection": {"event": [{"event_id": "E070"}, {"event_id": "E070"}, {"x": 1}]}},
            ["E070"],
        ),
        ({"selection": {"timeline_zoom": {"start": [0, 1]}}}, []),
    ],
)
def test_the_selected_events_are_read_from_either_selection(selection, expected):
    assert selected_event_ids(selection) == expected


def test_the_list_gives_each_event_its_sources_as_safe_links(shipped_dataset):
    sources = shipped_dataset.sources.to_dict("index")
    events = uk_events(shipped_dataset)
    html = months_html(events, sources)
    headings = re.findall(r'<h4 class="sm-month">([^<]+)</h4>', html)
    assert headings == [heading for heading, _ in by_month(events)]
    statement = html.split('data-event="E070"', 1)[1].split("</li></ul></li>", 1)[0]
    assert "6 June 2023" in statement
    assert "Security Minister Tom Tugendhat" in statement
    assert "Sites: London: Croydon, London: Hendon, Glasgow, Belfast" in statement
    hansard = sources["S001"]
    assert f'href="{hansard["url"]}" target="_blank" rel="noopener noreferrer"' in statement
    assert f"{popups.esc(hansard['publisher'])} — {popups.esc(hansard['title'])}" in statement


def test_the_list_escapes_every_data_string_and_links_only_http():
    event = {
        "event_id": 'E1"><b>',
        "group": "police",
        "date_label": "<i>June</i>",
        "type_label": "Police visit",
        "actor": "<img src=x onerror=alert(1)>",
        "summary": "{{ 7 * 7 }} `${alert(1)}`",
        "site_names": "</li><script>alert(1)</script>",
        "source_ids": ("S1", "S2"),
    }
    sources = {
        "S1": {"publisher": "<b>P</b>", "title": "T", "date": None, "url": "javascript:alert(1)"},
        "S2": {"publisher": "P2", "title": "T2", "date": None, "url": "https://example.org/a"},
    }
    html = event_item_html(event, sources)
    for raw in ("<img", "<script", "<i>", "<b>", "{{", "`", "${", 'E1">'):
        assert raw not in html
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.org/a"]
    assert "javascript:alert(1)" in html  # shown as text, never followed
