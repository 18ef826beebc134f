"""Timeline charts: a mark per event or a count per row and month, and reading a click on them."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import altair as alt
import pandas as pd
import pytest

from stationmap.timeline.charts import (
    COUNT,
    COUNT_SELECTIONS,
    MAX_EVENT_MARKS,
    PERIOD,
    SELECTION,
    SELECTION_MONTH_CELL,
    SELECTION_PERIOD,
    SELECTION_YEAR_CELL,
    SELECTIONS,
    build_timeline_chart,
    clicked_cells,
    count_cells,
    events_in_cells,
    group_count_column,
    selected_event_ids,
    timeline_chart,
    vega_lite_spec,
    wants_counts,
)
from stationmap.timeline.event_list import MAX_LISTED_EVENTS
from stationmap.timeline.events import (
    LANE_EMBASSY,
    LANE_GOVERNMENT,
    LANE_POLICE,
    LANES,
    chart_rows,
    count_by_group,
)
from tests.conftest import TEST_TODAY
from tests.timeline_data import (
    all_events,
    big_synthetic_dataset,
    huge_synthetic_dataset,
    period_of,
    uk_events,
)


@pytest.fixture(scope="module")
def big_dataset():
    return big_synthetic_dataset()


@pytest.fixture(scope="module")
def huge_dataset():
    return huge_synthetic_dataset()


def test_chart_draws_days_as_points_and_months_as_spans(shipped_dataset):
    chart = build_timeline_chart(uk_events(shipped_dataset), start=date(2022, 9, 1))
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point"]
    filters = [layer["transform"][0]["filter"] for layer in spec["layer"]]
    assert "!=" in str(filters[0]) and "==" in str(filters[1])
    assert any(param["name"] == "event" for param in spec.get("params", []))


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


# --- at scale --------------------------------------------------------------------------------


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


def test_a_chart_spec_is_what_st_altair_chart_would_draw_made_once(shipped_dataset):
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    events = uk_events(shipped_dataset)
    chart = timeline_chart(events, row_field="lane", start=date(2022, 9, 1), end=TEST_TODAY)
    ours = dict(chart.spec)
    theirs = _convert_altair_to_vega_lite_spec(chart.chart)
    ((name, table),) = ours.pop("datasets").items()
    ((their_name, their_table),) = theirs.pop("datasets").items()
    # The same spec, but for the table's name; the table itself stays a DataFrame, which
    # Streamlit sends as the same Arrow bytes it makes from the Altair chart.
    assert json.dumps(ours).replace(name, "T") == json.dumps(theirs).replace(their_name, "T")
    assert name.startswith("timeline-") and table is chart.chart.data
    assert isinstance(their_table, bytes)
    # Another table, another name: the browser draws the chart afresh.
    fewer = timeline_chart(
        events.iloc[:3], row_field="lane", start=date(2022, 9, 1), end=TEST_TODAY
    )
    assert next(iter(fewer.spec["datasets"])) != name
    assert vega_lite_spec(chart.chart, "timeline")["datasets"].keys() == {name}
