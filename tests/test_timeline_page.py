"""The timeline page under Streamlit's AppTest: events the filters allow, by kind, up to a date."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config
from stationmap.app import ui_state
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from stationmap.synth import write_synthetic_dataset
from stationmap.timeline.charts import (
    COUNT,
    COUNT_SELECTIONS,
    MAX_EVENT_MARKS,
    PERIOD,
    SELECTION,
    SELECTION_MONTH_CELL,
    events_in_cells,
)
from stationmap.timeline.event_list import MAX_LISTED_EVENTS, latest_month
from stationmap.timeline.events import (
    GROUP_EMBASSY,
    GROUP_LEGAL,
    GROUP_POLICE,
    LANE_POLICE,
    MAX_COUNTRY_ROWS,
    MAX_SITE_ROWS,
    by_month,
    scope_for,
    select_events,
)
from tests.app_session import DASHBOARD, RUN_TIMEOUT_S, assert_ran_cleanly, map_has_shown

PAGE = "pages/timeline.py"
UK = "United Kingdom"


def run_timeline(query: dict | None = None, *, list_open: bool = True) -> AppTest:
    """The timeline page after the map's, whole: opened from another page it draws its second
    chart in the run its first chart's report starts (stationmap.app.drawn_first), run here
    too; with its month-by-month list opened (`list_open`), as most tests read it."""
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S))
    app.query_params.update(query or {})
    if list_open:
        app.session_state[ui_state.TIMELINE_LIST] = True
    return app.run().switch_page(PAGE).run().run()


def metric(app: AppTest, label: str) -> str:
    """A count in the line above the charts ("Events: **195** · …"), by its label."""
    (line,) = [block.value for block in app.markdown if block.value.startswith("Events: **")]
    counts = dict(re.findall(r"(?:^| · )([^:·]+): \*\*(\d+)\*\*", line))
    return counts[label]


def listed_event_ids(app: AppTest) -> list[str]:
    """The events in the page's month-by-month list, in order."""
    bodies = [block.value for block in app.get("html") if 'class="sm-month"' in block.value]
    assert len(bodies) == 1
    return re.findall(r'data-event="([^"]+)"', bodies[0])


def expected_events(state: FilterState, groups=()) -> list[str]:
    """The events the page should list, worked out with the package's pure functions."""
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    view = build_site_view(dataset, on=state.as_of or date.today())
    sites = apply_filters(view, state)
    scope = scope_for(sites, include_global=not sites.empty)
    events = select_events(dataset, scope, groups, until=state.as_of)
    return list(events["event_id"])


def test_the_uk_timeline_shows_every_uk_event_with_its_lanes_counted():
    app = run_timeline({ui_state.COUNTRY: UK})

    assert_ran_cleanly(app)
    expected = expected_events(FilterState(countries=("GB",)))
    assert metric(app, "Events") == str(len(expected))
    assert listed_event_ids(app) == expected
    assert "E070" in expected  # the statement of 6 June 2023
    assert int(metric(app, "Police visits and investigations")) >= 4
    assert int(metric(app, "Embassy responses")) >= 2
    # Two charts: the lanes, and one row per UK site.
    assert [s.value for s in app.subheader][:2] == [
        "Police visits and government responses",
        "By site",
    ]


def test_choosing_a_kind_of_event_keeps_only_that_kind():
    app = run_timeline({ui_state.COUNTRY: UK})
    everything = int(metric(app, "Events"))

    app.button_group(key=ui_state.EVENT_GROUP).set_value([GROUP_POLICE]).run()

    assert_ran_cleanly(app)
    police = expected_events(FilterState(countries=("GB",)), [GROUP_POLICE])
    assert 0 < len(police) < everything
    assert metric(app, "Events") == str(len(police))
    assert listed_event_ids(app) == police


def test_a_link_with_kinds_of_event_opens_with_them_chosen():
    app = run_timeline(
        {ui_state.COUNTRY: UK, ui_state.EVENT_GROUP: ["Embassy responses", "Legal steps"]}
    )

    assert_ran_cleanly(app)
    groups = [GROUP_EMBASSY, GROUP_LEGAL]
    assert app.button_group(key=ui_state.EVENT_GROUP).value == groups
    expected = expected_events(FilterState(countries=("GB",)), groups)
    assert listed_event_ids(app) == expected


def test_a_first_visit_with_kinds_in_its_link_charts_them_and_brings_the_pills_after():
    # A new session straight to the link: the first run draws the first chart alone, without
    # the pills (their code would load beside Vega's), for the kinds the link names.
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update({ui_state.EVENT_GROUP: ["Legal steps", "Embassy responses"]})
    app.switch_page(PAGE).run()

    assert_ran_cleanly(app)
    assert not app.button_group
    groups = [GROUP_LEGAL, GROUP_EMBASSY]
    expected = expected_events(FilterState(), groups)
    assert metric(app, "Events") == str(len(expected))

    # The run the chart's report starts: the pills, holding the same kinds, and the same count.
    app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
    app.run()
    assert_ran_cleanly(app)
    assert sorted(app.button_group(key=ui_state.EVENT_GROUP).value) == sorted(groups)
    assert metric(app, "Events") == str(len(expected))


def test_the_as_of_date_leaves_out_later_events():
    app = run_timeline({ui_state.COUNTRY: UK, ui_state.AS_OF: "2023-06-05"})

    assert_ran_cleanly(app)
    expected = expected_events(FilterState(countries=("GB",), as_of=date(2023, 6, 5)))
    assert listed_event_ids(app) == expected
    assert "E070" not in expected
    assert int(metric(app, "Events")) < len(expected_events(FilterState(countries=("GB",))))
    assert any("to 5 June 2023" in caption.value for caption in app.caption)


def test_the_list_by_month_is_drawn_only_once_asked_for():
    app = run_timeline({ui_state.COUNTRY: UK}, list_open=False)

    assert_ran_cleanly(app)
    expected = expected_events(FilterState(countries=("GB",)))
    assert "Every event, by month" in [s.value for s in app.subheader]
    (listing,) = [e for e in app.expander if e.label.startswith("List the")]
    assert listing.label == f"List the {len(expected)} events with their sources"
    # Nothing of the list is made or sent until the reader opens it.
    assert not [b for b in app.get("html") if 'class="sm-month"' in b.value]

    app.session_state[ui_state.TIMELINE_LIST] = True
    app.run()

    assert_ran_cleanly(app)
    assert listed_event_ids(app) == expected


def test_many_countries_get_a_row_each():
    app = run_timeline()

    assert_ran_cleanly(app)
    assert metric(app, "Events") == str(len(expected_events(FilterState())))
    assert "By country" in [s.value for s in app.subheader]


def test_when_no_site_matches_there_are_no_events_not_even_worldwide_ones():
    app = run_timeline({ui_state.TEXT: "no-such-place-anywhere"})

    assert_ran_cleanly(app)
    assert metric(app, "Events") == "0"
    assert "No events match these filters." in [info.value for info in app.info]
    assert not app.get("arrow_vega_lite_chart") and not app.get("vega_lite_chart")


@pytest.mark.parametrize("selection", ["event", "event_period"])
def test_an_event_clicked_on_a_chart_is_shown_with_its_sources(selection):
    app = run_timeline({ui_state.COUNTRY: UK})
    event_id = "E070" if selection == "event" else "E068"
    # What the browser sends when an event is clicked (AppTest cannot click a chart).
    app.session_state[ui_state.LANE_CHART] = {"selection": {selection: [{"event_id": event_id}]}}
    app.run()

    assert_ran_cleanly(app)
    boxes = [b.value for b in app.get("html") if 'class="sm-month"' not in b.value]
    (box,) = [body for body in boxes if f'data-event="{event_id}"' in body]
    assert 'target="_blank" rel="noopener noreferrer"' in box
    assert "**Selected on the charts**" in [m.value for m in app.markdown]


# --- at scale: a synthetic dataset past the charts' and the list's limits ---------------------


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory) -> Path:
    """About 2,000 events on 1,000 sites, written as the app's data files."""
    return write_synthetic_dataset(tmp_path_factory.mktemp("synthetic"), 1000)


@pytest.fixture
def at_scale(synthetic_dir, monkeypatch) -> Path:
    monkeypatch.setenv(config.DATA_DIR_ENV, str(synthetic_dir))
    return synthetic_dir


def synthetic_events(folder: Path):
    """Every event of the data in `folder`, as the page shows it with no filter."""
    dataset = load_dataset(folder)
    sites = build_site_view(dataset, on=date.today())
    return select_events(dataset, scope_for(sites))


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def chart_rows_sent(app: AppTest) -> list[pd.DataFrame]:
    """The rows each chart sends the browser (Streamlit sends them as Arrow, beside the spec)."""
    tables = []
    for chart in app.get("vega_lite_chart"):
        (dataset,) = chart.proto.datasets
        tables.append(pa.ipc.open_stream(dataset.data.data).read_all().to_pandas())
    return tables


def test_at_scale_the_charts_count_events_per_month(at_scale):
    app = run_timeline()

    assert_ran_cleanly(app)
    events = synthetic_events(at_scale)
    dated = int(events["start"].notna().sum())
    assert dated > MAX_EVENT_MARKS
    assert metric(app, "Events") == str(len(events))
    specs = chart_specs(app)
    assert len(specs) == 2
    for spec in specs:
        names = {param["name"] for param in spec["params"]}
        assert set(COUNT_SELECTIONS) <= names and SELECTION not in names
    # Each chart counts every dated event once, in a cell per row and month.
    lanes, by_country = chart_rows_sent(app)
    assert lanes[COUNT].sum() == by_country[COUNT].sum() == dated
    assert len(lanes) < 4 * 60 and len(by_country) < dated / 2
    assert "By country" in [s.value for s in app.subheader]
    assert any(
        "a chart shows how many events each row has per month" in c.value for c in app.caption
    )


def test_at_scale_a_clicked_cell_lists_its_events_with_their_sources(at_scale):
    app = run_timeline()
    events = synthetic_events(at_scale)
    police = events[events["lane"] == LANE_POLICE]
    period = police["start"].iloc[0].strftime("%Y-%m")
    expected = events_in_cells(events, [(LANE_POLICE, period)], "lane")
    assert expected
    # What the browser sends when a cell is clicked (AppTest cannot click a chart).
    cell = {"lane": LANE_POLICE, PERIOD: period}
    app.session_state[ui_state.LANE_CHART] = {"selection": {SELECTION_MONTH_CELL: [cell]}}
    app.run()

    assert_ran_cleanly(app)
    boxes = [b.value for b in app.get("html") if 'class="sm-month"' not in b.value]
    (box,) = [body for body in boxes if "data-event=" in body]
    assert re.findall(r'data-event="([^"]+)"', box) == expected
    assert 'target="_blank" rel="noopener noreferrer"' in box


def test_at_scale_the_list_shows_one_month_at_a_time(at_scale):
    app = run_timeline()
    events = synthetic_events(at_scale)
    assert len(events) > MAX_LISTED_EVENTS
    months = dict(by_month(events))
    headings = list(months)

    assert_ran_cleanly(app)
    picker = app.selectbox(key=ui_state.TIMELINE_MONTH)
    latest = headings[latest_month(headings)]
    assert picker.value == latest
    assert listed_event_ids(app) == list(months[latest]["event_id"])
    assert any("too many to list at once" in caption.value for caption in app.caption)

    picker.select(headings[0]).run()

    assert_ran_cleanly(app)
    assert listed_event_ids(app) == list(months[headings[0]]["event_id"])
    # Every event is in one month or another.
    assert sum(len(month) for month in months.values()) == len(events)


def test_at_scale_the_quietest_countries_share_the_last_row_of_the_chart(at_scale):
    app = run_timeline(list_open=False)

    assert_ran_cleanly(app)
    countries = load_dataset(at_scale).sites["country"].nunique()
    assert countries > MAX_COUNTRY_ROWS
    shared = countries - (MAX_COUNTRY_ROWS - 1)
    _lanes, by_country = chart_rows_sent(app)
    rows = set(by_country["row_label"])
    assert f"{shared} other countries" in rows
    assert len(rows) <= MAX_COUNTRY_ROWS + 1  # and worldwide
    dated = int(synthetic_events(at_scale)["start"].notna().sum())
    assert by_country[COUNT].sum() == dated
    assert any(
        caption.value.startswith(
            f"The {MAX_COUNTRY_ROWS - 1} countries with the most events have a row each; "
            f"the other {shared} countries share the last one."
        )
        for caption in app.caption
    ), [caption.value for caption in app.caption]


def test_at_scale_a_country_with_too_many_sites_gets_one_row(at_scale):
    dataset = load_dataset(at_scale)
    busiest = dataset.sites["country"].value_counts()
    country = busiest.index[0]
    assert busiest.iloc[0] > MAX_SITE_ROWS
    app = run_timeline({ui_state.COUNTRY: country})

    assert_ran_cleanly(app)
    assert "By country" in [s.value for s in app.subheader]
    assert any("too many for a row each" in caption.value for caption in app.caption)
