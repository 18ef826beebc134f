"""Timeline tables and charts: event groups, dates at their precision, scope of events."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from stationmap import schema
from stationmap.dates import parse_partial_date
from stationmap.filters import FilterState, apply_filters
from stationmap.timeline import (
    EVENT_GROUPS,
    LANE_GOVERNMENT,
    LANE_POLICE,
    build_timeline_chart,
    by_month,
    group_of,
    month_heading,
    scope_for,
    select_events,
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
