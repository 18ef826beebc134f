"""The timeline table: event groups and lanes, dates at their precision, scope, chart rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from stationmap import i18n
from stationmap.record import schema
from stationmap.record.dates import parse_partial_date
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from stationmap.timeline.events import (
    EVENT_GROUPS,
    GROUP_EMBASSY,
    GROUP_GOVERNMENT,
    GROUP_LEGAL,
    GROUP_POLICE,
    LANE_EMBASSY,
    LANE_GOVERNMENT,
    LANE_OTHER_OFFENCES,
    LANE_POLICE,
    LANES,
    MAX_COUNTRY_ROWS,
    MAX_SITE_ROWS,
    axis_start,
    by_month,
    chart_rows,
    count_by_group,
    counts_markdown,
    earliest_report,
    fold_countries,
    group_label,
    group_of,
    groups_named,
    month_heading,
    row_per_site,
    scope_for,
    select_events,
)
from tests.conftest import TEST_TODAY, small_files, small_rows
from tests.timeline_data import big_synthetic_dataset, uk_events, with_a_year_event


@pytest.fixture(scope="module")
def big_dataset():
    return big_synthetic_dataset()


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
        ("other_charge", "other_offences"),
        ("other_conviction", "other_offences"),
    ],
)
def test_every_event_type_has_a_group(event_type, group):
    assert group_of(event_type) == group
    assert group in EVENT_GROUPS


def seoul_like_dataset():
    """The small dataset plus a charge and a conviction of Glasgow's operator for other
    offences (as in Seoul, E112 and E115), and a real charge about Croydon."""
    rows = small_rows()
    case = {**rows[schema.EVENTS_FILE][0], "site_ids": "uk-glasgow", "actor": "Prosecutors"}
    rows[schema.EVENTS_FILE] += [
        {**case, "event_id": "X1", "date": "2024-01-10", "event_type": "other_charge",
         "summary": "Charged the operator with fraud, unrelated to a station."},
        {**case, "event_id": "X2", "date": "2024-06-10", "event_type": "other_conviction",
         "summary": "Convicted the operator of fraud."},
        {**case, "event_id": "C1", "date": "2024-02-01", "site_ids": "uk-croydon",
         "event_type": "charge", "sets_status": "charges_filed",
         "summary": "Charged two people with running the station."},
    ]  # fmt: skip
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert dataset.problems == []
    return dataset


def test_cases_for_other_offences_are_never_legal_steps_of_a_station():
    dataset = seoul_like_dataset()
    everything = scope_for(build_site_view(dataset, TEST_TODAY))
    legal = select_events(dataset, everything, ["legal"])
    assert list(legal["event_id"]) == ["C1"]
    other = select_events(dataset, everything, ["other_offences"])
    assert list(other["event_id"]) == ["X1", "X2"]
    assert set(other["lane"]) == {LANE_OTHER_OFFENCES} and LANE_OTHER_OFFENCES in LANES
    assert set(other["type_label"]) == {"Charge (other offences)", "Conviction (other offences)"}
    counts = count_by_group(select_events(dataset, everything))
    assert (counts["legal"], counts["other_offences"]) == (1, 2)


def test_a_case_for_other_offences_never_changes_a_status_or_a_status_filter():
    dataset = seoul_like_dataset()
    view = build_site_view(dataset, TEST_TODAY)
    assert view.loc["uk-glasgow", "status"] == "alleged"
    convicted = apply_filters(view, FilterState(statuses=("convicted", "charges_filed")))
    assert list(convicted.index) == ["uk-croydon"]


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
    events = uk_events(shipped_dataset)
    months = by_month(events)
    dated = [(heading, group) for heading, group in months if heading != "Date not known"]
    firsts = [group["start"].min() for _, group in dated]
    assert firsts == sorted(firsts)
    # Within a month, by date and then as the events file has them.
    for _, group in dated:
        keys = list(zip(group["start"], group["order"], strict=True))
        assert keys == sorted(keys)
    assert sum(len(group) for _, group in months) == len(events)


def test_the_first_report_starts_the_timeline():
    # A statement of "2022" counts from 1 January; the reports began in September.
    assert earliest_report(with_a_year_event()) == date(2022, 9, 12)


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
    # The shipped data's countries fit: each keeps its own row.
    assert len(order) - 1 <= MAX_COUNTRY_ROWS
    assert fold_countries(rows, order) == (rows, order, 0)


def test_past_the_row_limit_the_quietest_countries_share_one_row(big_dataset):
    view = build_site_view(big_dataset, TEST_TODAY)
    events = select_events(big_dataset, scope_for(view))
    rows, order = chart_rows(events, per_site=False, site_names={}, countries=set(view["iso2"]))
    countries = [row for row in order if row != "Worldwide"]
    assert len(countries) > MAX_COUNTRY_ROWS

    folded, folded_order, shared = fold_countries(rows, order)

    assert shared == len(countries) - (MAX_COUNTRY_ROWS - 1)
    assert len(folded_order) == MAX_COUNTRY_ROWS + 1
    assert folded_order[-2:] == [f"{shared} other countries", "Worldwide"]
    kept = folded_order[:-2]
    assert kept == sorted(kept)
    # The busiest countries keep their rows: none left out has more events than one kept.
    per_country = rows["row_label"].value_counts()
    left_out = set(countries) - set(kept)
    assert min(per_country[c] for c in kept) >= max(per_country[c] for c in left_out)
    # Every event stays on the chart, on its own country's row or on the shared one.
    assert list(folded["event_id"]) == list(rows["event_id"])
    assert set(folded["row_label"]) == set(folded_order)
    moved = folded["row_label"] != rows["row_label"]
    assert set(rows.loc[moved, "row_label"]) == left_out


def test_year_precision_events_span_their_year_and_read_as_the_year():
    dataset = with_a_year_event()
    view = build_site_view(dataset, TEST_TODAY)
    events = select_events(dataset, scope_for(view)).set_index("event_id")
    statement = events.loc["Y1"]
    assert statement["date_label"] == "2022"
    assert statement["month_heading"] == "2022 (month not known)"
    assert (statement["start"], statement["end"]) == (
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2023-01-01"),
    )


def test_undated_events_are_listed_last_under_their_own_heading():
    dataset = with_a_year_event()
    view = build_site_view(dataset, TEST_TODAY)
    months = by_month(select_events(dataset, scope_for(view)))
    assert months[-1][0] == "Date not known"
    assert set(months[-1][1]["event_id"]) == {"E5"}
    # A year comes before its months: it is listed from its first day.
    assert [heading for heading, _ in months[:2]] == ["2022 (month not known)", "September 2022"]


def test_events_in_scope_follow_the_rule_event_by_event(big_dataset):
    view = build_site_view(big_dataset, TEST_TODAY)
    host = big_dataset.sites.iloc[0]["iso2"]
    hosts = set(big_dataset.sites["iso2"])
    for sites, include_global in (
        (view, True),
        (apply_filters(view, FilterState(countries=(host,))), True),
        (apply_filters(view, FilterState(countries=(host,))), False),
    ):
        scope = scope_for(sites, include_global=include_global)

        def in_scope(event, scope=scope):
            if event.site_ids:
                return bool(set(event.site_ids) & scope.site_ids)
            if event.country == schema.GLOBAL_COUNTRY or event.iso2 == "CN":
                return scope.include_global
            if event.iso2 not in hosts:
                # A country hosting no site: only in a view of every country.
                return scope.include_global and hosts <= scope.countries
            return event.iso2 in scope.countries

        wanted = [e for e in big_dataset.events.itertuples() if in_scope(e)]
        wanted.sort(key=lambda e: (e.date is None, e.date.start if e.date else None, e.order))
        events = select_events(big_dataset, scope)
        assert list(events["event_id"]) == [e.event_id for e in wanted]
        for row, event in zip(events.itertuples(), wanted, strict=True):
            assert row.date_label == i18n.date_label(event.date)
            assert row.month_heading == month_heading(event.date)
            if event.date is not None:
                assert row.start == pd.Timestamp(event.date.start)
                assert row.end == pd.Timestamp(event.date.end) + pd.Timedelta(days=1)
            assert set(row.site_ids) <= set(event.site_ids)
    everything = set(select_events(big_dataset, scope_for(view))["event_id"])
    assert {"MANY", "HOST", "OUTSIDER", "CHINA", "WORLD", "UNDATED"} <= everything
    one_country = apply_filters(view, FilterState(countries=(host,)))
    shown = set(select_events(big_dataset, scope_for(one_country))["event_id"])
    assert "CHINA" in shown and "OUTSIDER" not in shown
    # With no site and no worldwide events, nothing is left.
    assert select_events(big_dataset, scope_for(view.iloc[:0], include_global=False)).empty


def test_one_country_has_a_row_per_site_only_while_they_fit(shipped_dataset, big_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    assert row_per_site(apply_filters(view, FilterState(countries=("GB",))))
    assert not row_per_site(view)
    big_view = build_site_view(big_dataset, TEST_TODAY)
    busiest = big_view["iso2"].value_counts()
    crowded = apply_filters(big_view, FilterState(countries=(busiest.index[0],)))
    assert len(crowded) > MAX_SITE_ROWS and not row_per_site(crowded)
    quiet = busiest[busiest <= MAX_SITE_ROWS].index[0]
    assert row_per_site(apply_filters(big_view, FilterState(countries=(quiet,))))


def test_dates_are_labelled_in_the_readers_language_each_time(shipped_dataset, monkeypatch):
    # The labels are kept per date and language: a reader who switches language must not be
    # served the labels of the one before.
    english = uk_events(shipped_dataset).set_index("event_id")
    monkeypatch.setattr(i18n, "current_language", lambda: "zh-Hans")
    chinese = uk_events(shipped_dataset).set_index("event_id")
    assert english.loc["E070", "date_label"] == "6 June 2023"
    assert chinese.loc["E070", "date_label"] == "2023年6月6日"
    assert chinese.loc["E068", "month_heading"] == "2023年6月"


def test_the_axis_starts_early_enough_for_announcements_made_before_any_report(shipped_dataset):
    everything = scope_for(build_site_view(shipped_dataset, TEST_TODAY))
    events = select_events(shipped_dataset, everything)
    start = axis_start(shipped_dataset, events)
    earliest = events["start"].dropna().min().date()
    # Qingtian police's 2021 announcement predates the first NGO report (September 2022).
    assert earliest < earliest_report(shipped_dataset)
    assert start == earliest.replace(day=1)


def test_the_axis_starts_at_the_first_reports_month_when_nothing_is_earlier(shipped_dataset):
    everything = scope_for(build_site_view(shipped_dataset, TEST_TODAY))
    events = select_events(shipped_dataset, everything)
    later = events[events["start"] >= pd.Timestamp(earliest_report(shipped_dataset))]
    assert axis_start(shipped_dataset, later) == earliest_report(shipped_dataset).replace(day=1)


def test_the_counts_above_the_charts_are_one_line_of_text():
    counts = {GROUP_POLICE: 4, GROUP_GOVERNMENT: 3, GROUP_EMBASSY: 2}
    assert counts_markdown(12, counts) == (
        "Events: **12** · Police visits and investigations: **4** · "
        "Government responses: **3** · Embassy responses: **2**"
    )


def test_the_counts_are_labelled_in_the_readers_language(monkeypatch):
    monkeypatch.setattr(i18n, "current_language", lambda: "zh-Hans")
    line = counts_markdown(1, {GROUP_POLICE: 0, GROUP_GOVERNMENT: 0, GROUP_EMBASSY: 1})
    assert line.startswith("事件：**1** · ") and line.endswith("：**1**")


def test_groups_are_found_by_their_labels_in_order_once_and_unknown_labels_left_out():
    labels = [group_label(GROUP_LEGAL), "Nonsense", group_label(GROUP_EMBASSY)]
    assert groups_named(labels) == (GROUP_LEGAL, GROUP_EMBASSY)
    assert groups_named([*labels, group_label(GROUP_LEGAL)]) == (GROUP_LEGAL, GROUP_EMBASSY)
    assert groups_named([]) == ()
    # Every group by its own label.
    assert groups_named(group_label(group) for group in EVENT_GROUPS) == EVENT_GROUPS
