"""Timeline tables and charts: event groups, dates at their precision, scope of events."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import altair as alt
import pandas as pd
import pycountry
import pytest

from stationmap import i18n
from stationmap.html import popups
from stationmap.record import schema
from stationmap.record.dates import parse_partial_date
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from stationmap.synth import synthetic_rows
from stationmap.timeline.events import (
    COUNT,
    COUNT_SELECTIONS,
    EVENT_GROUPS,
    LANE_EMBASSY,
    LANE_GOVERNMENT,
    LANE_OTHER_OFFENCES,
    LANE_POLICE,
    LANES,
    MAX_EVENT_MARKS,
    MAX_LISTED_EVENTS,
    MAX_SITE_ROWS,
    PERIOD,
    SELECTION,
    SELECTION_MONTH_CELL,
    SELECTION_PERIOD,
    SELECTION_YEAR_CELL,
    SELECTIONS,
    axis_start,
    build_timeline_chart,
    by_month,
    chart_rows,
    clicked_cells,
    count_by_group,
    count_cells,
    earliest_report,
    event_item_html,
    events_in_cells,
    group_count_column,
    group_of,
    latest_month,
    month_heading,
    months_html,
    row_per_site,
    scope_for,
    select_events,
    selected_event_ids,
    timeline_chart,
    wants_counts,
)
from tests.conftest import TEST_TODAY, csv_bytes, small_files, small_rows


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


def test_chart_draws_days_as_points_and_months_as_spans(shipped_dataset):
    chart = build_timeline_chart(uk_events(shipped_dataset), start=date(2022, 9, 1))
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point"]
    filters = [layer["transform"][0]["filter"] for layer in spec["layer"]]
    assert "!=" in str(filters[0]) and "==" in str(filters[1])
    assert any(param["name"] == "event" for param in spec.get("params", []))


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


def with_a_year_event():
    """The small dataset plus a statement about Glasgow known only to the year 2022."""
    rows = small_rows()
    rows[schema.EVENTS_FILE].append(
        {**rows[schema.EVENTS_FILE][1], "event_id": "Y1", "date": "2022",
         "date_precision": "year", "site_ids": "uk-glasgow", "sets_status": "",
         "event_type": "government_statement", "actor": "Scottish Government"}
    )  # fmt: skip
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert dataset.problems == []
    return dataset


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


# --- at scale --------------------------------------------------------------------------------


def synthetic_files(sites: int, seed: int = 5) -> dict[str, bytes]:
    """A synthetic dataset with the variety of the real one: events known only to the month or
    the year, one naming several sites, a country's own events, China answering for every site,
    a worldwide report, embassy replies and undated events."""
    rows = synthetic_rows(sites, seed=seed)
    events = rows[schema.EVENTS_FILE]
    for number, event in enumerate(events):
        if number % 5 == 1:
            event["date"], event["date_precision"] = event["date"][:7], "month"
        elif number % 7 == 2:
            event["date"], event["date_precision"] = event["date"][:4], "year"
        if number % 9 == 4 and event["event_type"] != "ngo_report":
            event["event_type"] = "embassy_response"
    first_sites = rows[schema.SITES_FILE][:5]
    # A country that hosts no site speaks for all of them, as China's foreign ministry did.
    hosts = {site["iso2"] for site in rows[schema.SITES_FILE]}
    outsider = next(c for c in pycountry.countries if c.alpha_2 not in hosts)
    common = {**events[0], "sets_status": "", "date_precision": "day"}
    events += [
        {**common, "event_id": "MANY", "date": "2023-06-06", "event_type": "ngo_report",
         "site_ids": ";".join(site["site_id"] for site in first_sites),
         "country": schema.GLOBAL_COUNTRY, "iso2": ""},
        {**common, "event_id": "HOST", "date": "2023-06", "date_precision": "month",
         "site_ids": "", "event_type": "legislation"},
        {**common, "event_id": "OUTSIDER", "date": "2022-10-26", "site_ids": "",
         "country": outsider.name, "iso2": outsider.alpha_2, "event_type": "media_report"},
        {**common, "event_id": "CHINA", "date": "2022-10-27", "site_ids": "",
         "country": "China", "iso2": "CN", "event_type": "government_statement"},
        {**common, "event_id": "WORLD", "date": "2022", "date_precision": "year",
         "site_ids": "", "country": schema.GLOBAL_COUNTRY, "iso2": "", "event_type": "ngo_report"},
        {**common, "event_id": "UNDATED", "date": "", "date_precision": "unknown"},
    ]  # fmt: skip
    return {file: csv_bytes(file, file_rows) for file, file_rows in rows.items()}


@pytest.fixture(scope="module")
def big_dataset():
    """About 2,000 events on 1,000 sites: past the point where the charts draw counts."""
    dataset = build_dataset(synthetic_files(1000), today=TEST_TODAY)
    assert not dataset.problems
    return dataset


@pytest.fixture(scope="module")
def huge_dataset():
    """About 20,000 events on 10,000 sites, as the speed bench has."""
    return build_dataset(synthetic_files(10_000), today=TEST_TODAY)


def all_events(dataset, **filters):
    view = build_site_view(dataset, TEST_TODAY)
    sites = apply_filters(view, FilterState(**filters))
    return select_events(dataset, scope_for(sites, include_global=not sites.empty)), sites


def period_of(when) -> str:
    """The cell an event is counted in, worked out from its date alone."""
    return when.iso()[:4] if when.precision == "year" else when.iso()[:7]


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


@pytest.mark.parametrize("row_field", ["lane", "row_label"])
def test_the_counts_are_the_events_each_row_has_in_each_period(big_dataset, row_field):
    events, sites = all_events(big_dataset)
    table = events
    if row_field == "row_label":
        table, _order = chart_rows(
            events, per_site=False, site_names={}, countries=set(sites["iso2"])
        )
    cells = count_cells(table, row_field)

    dated = table[table["start"].notna()]
    rows = dated[row_field]  # the lanes as the chart names them: in English, their own names
    expected = Counter(zip(rows, map(period_of, dated["date"]), strict=True))
    counted = dict(
        zip(zip(cells[row_field], cells[PERIOD], strict=True), cells[COUNT], strict=True)
    )
    assert counted == dict(expected)
    assert cells[COUNT].sum() == len(dated) == events["start"].notna().sum()
    # Each group's column counts that group's events, and the groups add up to the cell.
    for group, count in count_by_group(dated).items():
        column = group_count_column(group)
        assert (cells[column].sum() if column in cells else 0) == count
    group_columns = [c for c in cells.columns if c.endswith("_events")]
    assert (cells[group_columns].sum(axis=1) == cells[COUNT]).all()
    # A month's cell spans the month; a year's (events known only to the year) the year.
    months, years = cells[cells["precision"] == "month"], cells[cells["precision"] == "year"]
    assert not months.empty and not years.empty
    assert (months["start"].dt.day == 1).all()
    assert (months["end"] == months["start"] + pd.offsets.MonthBegin(1)).all()
    assert ((years["start"].dt.month == 1) & (years["start"].dt.day == 1)).all()
    assert (years["end"] == years["start"] + pd.offsets.YearBegin(1)).all()
    assert set(years[PERIOD].str.len()) == {4} and set(months[PERIOD].str.len()) == {7}
    assert "2022 (month not known)" in set(years["period_label"])


def test_a_cell_holds_exactly_the_events_it_counts(big_dataset):
    events, _sites = all_events(big_dataset)
    cells = count_cells(events, "lane")
    for cell in cells.itertuples():
        ids = events_in_cells(events, [(cell.lane, cell.period)], "lane")
        assert len(ids) == cell.events
        chosen = events[events["event_id"].isin(ids)]
        assert set(chosen["lane"]) == {cell.lane}
        assert set(map(period_of, chosen["date"])) == {cell.period}
    assert events_in_cells(events, [], "lane") == []
    assert events_in_cells(events, [("No such row", "2023-06")], "lane") == []


def test_past_the_mark_limit_a_chart_draws_counts_and_reads_clicks_as_cells(big_dataset):
    events, _sites = all_events(big_dataset)
    assert wants_counts(events) and events["start"].notna().sum() > MAX_EVENT_MARKS
    chart = timeline_chart(events, row_field="lane", start=date(2022, 9, 1), end=TEST_TODAY)
    assert chart.counts and chart.selections == COUNT_SELECTIONS
    spec = chart.chart.to_dict()
    # A month's cells and a year's strips, each layer with its own click selection.
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "bar"]
    params = {param["name"]: param for param in spec["params"]}
    for name in COUNT_SELECTIONS:
        assert params[name]["select"] == {
            "type": "point",
            "fields": ["lane", PERIOD],
            "on": "click",
        }
    assert params["timeline_zoom"]["bind"] == "scales"
    (data,) = spec["datasets"].values()
    assert sum(row[COUNT] for row in data) == events["start"].notna().sum()
    titles = [item["title"] for item in spec["layer"][0]["encoding"]["tooltip"]]
    assert titles[:3] == ["Date", "Kind of event", "Events"]
    assert "Police visits and investigations" in titles
    # The axis runs over the same days as the chart of every event.
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain == ["2022-09-01T00:00:00", "2026-11-28T00:00:00"]

    cell = next(row for row in data if row["precision"] == "month")
    clicked = {"selection": {SELECTION_MONTH_CELL: [{"lane": cell["lane"], PERIOD: cell[PERIOD]}]}}
    ids = chart.clicked_event_ids(clicked)
    assert len(ids) == cell[COUNT]
    year = next(row for row in data if row["precision"] == "year")
    clicked = {"selection": {SELECTION_YEAR_CELL: [{"lane": year["lane"], PERIOD: year[PERIOD]}]}}
    assert len(chart.clicked_event_ids(clicked)) == year[COUNT]
    # An event click (from a chart of every event, before the data grew) selects nothing here.
    assert chart.clicked_event_ids({"selection": {SELECTION: [{"event_id": ids[0]}]}}) == []


def test_the_shipped_data_is_still_drawn_event_by_event(shipped_dataset):
    events = uk_events(shipped_dataset)
    chart = timeline_chart(events, row_field="lane", start=date(2022, 9, 1), end=TEST_TODAY)
    assert not chart.counts and chart.selections == SELECTIONS
    assert (
        chart.chart.to_dict()
        == build_timeline_chart(
            events, row_field="lane", start=date(2022, 9, 1), end=TEST_TODAY
        ).to_dict()
    )
    assert chart.clicked_event_ids({"selection": {SELECTION: [{"event_id": "E070"}]}}) == ["E070"]
    everything, _sites = all_events(shipped_dataset)
    assert not wants_counts(everything) and len(everything) <= MAX_LISTED_EVENTS


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (None, []),
        ({"selection": {}}, []),
        ({"selection": {"month_cell": [{"lane": "A", "period": "2023-06"}]}}, [("A", "2023-06")]),
        ({"selection": {"year_cell": [{"lane": "A", "period": "2022"}]}}, [("A", "2022")]),
        ({"selection": {"month_cell": [{"lane": "A", "period": 5}, {"x": 1}, "junk"]}}, []),
        ({"selection": {"event": [{"event_id": "E070"}]}}, []),
    ],
)
def test_the_clicked_cells_are_read_from_either_cell_selection(selection, expected):
    assert clicked_cells(selection, "lane") == expected


def test_at_10000_sites_the_charts_grow_with_rows_and_months_not_events(huge_dataset):
    events, sites = all_events(huge_dataset)
    rows, order = chart_rows(events, per_site=False, site_names={}, countries=set(sites["iso2"]))
    assert len(events) > 19_000
    # A cell per month from the first report to today, and a strip per year (2022 to 2026).
    periods = len(pd.period_range("2022-09", "2026-11", freq="M")) + 5
    with alt.data_transformers.disable_max_rows():
        lanes = timeline_chart(events, row_field="lane", start=date(2022, 9, 1), end=TEST_TODAY)
        by_row = timeline_chart(rows, row_order=order, start=date(2022, 9, 1), end=TEST_TODAY)
        lane_json, row_json = lanes.chart.to_json(), by_row.chart.to_json()
    assert lanes.counts and by_row.counts
    (lane_cells,) = lanes.chart.to_dict()["datasets"].values()
    assert len(lane_cells) <= len(LANES) * periods
    (row_cells,) = json.loads(row_json)["datasets"].values()
    assert len(row_cells) <= len(order) * periods
    # A mark per event made 9.6 MB of JSON for the lanes alone (5 MB in Arrow, as Streamlit
    # sends it), and as much again for the rows. The counts take a few kilobytes, and,
    # with a row for each of some 160 countries, about a megabyte.
    assert len(lane_json) < 100_000
    assert len(row_json) < 2_000_000


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


def test_one_month_at_a_time_opens_at_the_latest_dated_month(big_dataset):
    events, _sites = all_events(big_dataset)
    months = by_month(events)
    headings = [heading for heading, _month in months]
    assert headings[-1] == "Date not known"
    latest = latest_month(headings)
    assert latest == len(headings) - 2
    assert months[latest][1]["start"].max() == events["start"].max()
    assert sum(len(month) for _heading, month in months) == len(events) > MAX_LISTED_EVENTS
    assert latest_month(["June 2023"]) == 0 and latest_month([]) == 0


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
