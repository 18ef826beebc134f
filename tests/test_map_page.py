"""The map page under Streamlit's AppTest: the headline counts follow the as-of date."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config, ui_state
from stationmap.filters import FilterState, apply_filters, count_headlines
from stationmap.loader import load_dataset
from stationmap.views import build_site_view

DASHBOARD = config.PROJECT_ROOT / "dashboard.py"
# The first run imports pandas, folium and the gazetteer; a cold CI machine needs a while.
RUN_TIMEOUT_S = 60


def run_map(query: dict | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update(query or {})
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [exception.value for exception in app.exception]


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def headline(state: FilterState) -> dict:
    """The map's headline counts for a FilterState, from the package's pure functions."""
    view = build_site_view(load_dataset(config.DEFAULT_DATA_DIR), on=state.as_of or date.today())
    return count_headlines(apply_filters(view, state))


def test_the_as_of_control_changes_the_counts_on_the_map():
    app = run_map()
    today = headline(FilterState())
    assert metric(app, "Sites") == str(today["sites"])

    app.sidebar.date_input(key=ui_state.AS_OF).set_value(date(2022, 10, 1)).run()

    assert_ran_cleanly(app)
    then = headline(FilterState(as_of=date(2022, 10, 1)))
    # Only the sites reported by 1 October 2022 are counted.
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    reported = build_site_view(dataset, on=date(2022, 10, 1))["reported"].sum()
    assert then["sites"] == reported < today["sites"]
    assert metric(app, "Sites") == str(then["sites"])
    assert metric(app, "Countries") == str(then["countries"])
    counts = " ".join(block.value for block in app.get("html") if "sm-counts" in block.value)
    for status, count in then["by_status"].items():
        assert f'data-status="{status}"' in counts
        assert f"{count}</strong>" in counts


@pytest.mark.parametrize(
    ("on", "glasgow"),
    [(date(2023, 6, 5), "under_investigation"), (date(2023, 6, 7), "no_evidence_found")],
)
def test_a_link_with_an_as_of_date_counts_the_statuses_of_that_day(on, glasgow):
    app = run_map({ui_state.AS_OF: on.isoformat(), ui_state.TEXT: "Glasgow"})

    assert_ran_cleanly(app)
    assert metric(app, "Sites") == "1"
    counts = " ".join(block.value for block in app.get("html") if "sm-counts" in block.value)
    assert f'data-status="{glasgow}"><span' in counts
    status_html = counts.split(f'data-status="{glasgow}">', 1)[1].split("</li>", 1)[0]
    assert '<strong class="sm-count-value">1</strong>' in status_html


def test_a_site_named_in_the_link_has_its_story_under_the_map():
    app = run_map({ui_state.FOCUS_SITE: "uk-glasgow", ui_state.AS_OF: "2023-06-05"})

    assert_ran_cleanly(app)
    details = " ".join(block.value for block in app.get("html") if "sm-details" in block.value)
    assert "Glasgow" in details and "Status history" in details
    # As of the date in the sidebar: the statement of 6 June 2023 is not there yet.
    history = details.split('<ol class="sm-history">', 1)[1].split("</ol>", 1)[0]
    assert "Under investigation" in history
    assert "No evidence found" not in history
    assert "As of 5 June 2023, the date in the sidebar." in [c.value for c in app.caption]
