"""The map page under Streamlit's AppTest: the headline counts follow the as-of date."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config, i18n
from stationmap.app import ui_state
from stationmap.map import assets, folium_bridge
from stationmap.map import records as map_records
from stationmap.record.facts import last_event_day
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.app_session import DASHBOARD, RUN_TIMEOUT_S, assert_ran_cleanly, run_map


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


def test_without_an_as_of_date_the_slider_and_the_counts_end_at_the_last_event():
    app = run_map()

    assert_ran_cleanly(app)
    last = last_event_day(load_dataset(config.DEFAULT_DATA_DIR), date.today())
    view = view_sent_to_the_map(app)
    # The slider's last month is the last event's, not the current one, and it starts there.
    assert view["steps"][-1][0] == view["day"] == map_records.day_number(last)
    assert view["start"] == len(view["steps"]) - 1
    # The counts say which day they are for: the map's.
    caption = f"Counts on {i18n.day_label(last)}"
    assert caption in [c.value for c in app.caption]
    assert metric(app, "Sites") == str(headline(FilterState())["sites"])


def test_the_counts_name_the_as_of_date_the_map_shows():
    app = run_map({ui_state.AS_OF: "2023-06-05"})

    assert_ran_cleanly(app)
    assert "Counts on 5 June 2023" in [c.value for c in app.caption]
    # A later as-of date than the last event is still the slider's last step.
    app = run_map({ui_state.AS_OF: (date.today() - timedelta(days=1)).isoformat()})
    view = view_sent_to_the_map(app)
    assert view["steps"][-1][0] == view["day"]


# --- a session's first visit: the map first, the rest once it has shown ---------------------


def first_visit(query: dict | None = None) -> AppTest:
    """The map page as a new browser session opens it, before its map has said anything."""
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update(query or {})
    return app.run()


def view_sent_to_the_map(app: AppTest) -> dict:
    """The view (live_layer.map_view_message) in the script streamlit-folium runs in the map."""
    (component,) = app.get("component_instance")
    group = json.loads(component.proto.json_args)["feature_group"]
    (line,) = re.findall(r"^\}\)\((\{.*\})\);$", group, re.MULTILINE)
    return json.loads(line)


def test_a_first_visit_draws_the_map_alone_and_asks_it_to_report():
    app = first_visit()

    assert_ran_cleanly(app)
    assert [title.value for title in app.title] == ["Alleged Chinese overseas police stations"]
    view = view_sent_to_the_map(app)
    assert view["report"] is True
    # Nothing whose code the browser would fetch beside the map's: no filters, counts or buttons.
    assert not app.sidebar.multiselect and not app.sidebar.date_input
    assert not app.metric and not app.button
    assert ui_state.CHROME_DRAWN not in app.session_state


def test_once_the_map_has_shown_the_next_run_draws_the_whole_page_with_the_same_view():
    app = first_visit()
    first_view = view_sent_to_the_map(app)

    # What the map's value is once it has shown its sites (bridge.js's reportShown).
    app.session_state[ui_state.SITE_MAP] = {
        "last_object_clicked": None,
        folium_bridge.MAP_SHOWN_REPORT: True,
    }
    app.run()

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS) is not None
    assert metric(app, "Sites") == str(headline(FilterState())["sites"])
    view = view_sent_to_the_map(app)
    assert "report" not in view
    # The same view: the map has nothing to redo, and its iframe is kept (same script).
    assert view["key"] == first_view["key"]
    assert app.session_state[ui_state.CHROME_DRAWN] is True


def test_a_map_page_opened_from_another_draws_its_map_and_sidebar_then_the_rest():
    # The sources page is drawn whole on a first visit (the sites and the timeline draw their
    # main widget first, app/drawn_first.py).
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.switch_page("pages/sources.py").run()
    assert app.session_state[ui_state.CHROME_DRAWN] is True

    app.switch_page("pages/map.py").run()

    # The map, asked to report once it shows its sites, and the sidebar (its code is in the
    # browser); not the counts, the buttons, the list under the map nor the footer.
    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS) is not None
    first_view = view_sent_to_the_map(app)
    assert first_view["report"] is True
    assert not app.metric
    assert not app.main.button
    assert not app.main.expander
    assert app.session_state[ui_state.FOOTER_LEFT_OUT] is True
    assert app.session_state[ui_state.REPORT_PENDING] is True

    # The run the map's report starts draws the rest, and asks the map for nothing more.
    app.run()

    assert_ran_cleanly(app)
    assert metric(app, "Sites") == str(headline(FilterState())["sites"])
    assert app.button(key=ui_state.PRESENT_VIEW) is not None
    view = view_sent_to_the_map(app)
    assert "report" not in view
    assert view["key"] == first_view["key"]
    assert app.session_state[ui_state.FOOTER_LEFT_OUT] is False


def test_a_first_visit_from_a_link_with_filters_is_drawn_whole_at_once():
    # Only the sidebar's widgets can read the link's filters, so they are drawn first.
    app = first_visit({ui_state.STATUS: "Conviction in court"})

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == ["convicted"]
    assert "report" not in view_sent_to_the_map(app)


def test_with_the_maps_code_from_a_cdn_the_page_never_waits_for_the_map(monkeypatch, tmp_path):
    # No vendored assets: the map's code would come from CDNs, and a map that may never load
    # would never report, so the page is drawn whole.
    monkeypatch.setattr(config, "VENDOR_DIR", tmp_path)
    try:
        app = first_visit()
    finally:
        assets.install(assets.detect_assets(config.PROJECT_ROOT / "static" / "vendor"))

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS) is not None
    assert "report" not in view_sent_to_the_map(app)
