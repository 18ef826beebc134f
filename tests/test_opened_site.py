"""The opened site in the address (?site=), and the map as text, on the map page (AppTest)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config
from stationmap.app import opened_site, ui_state
from stationmap.html import view_text
from stationmap.html.texts import current_texts
from stationmap.map import folium_bridge
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.app_session import DASHBOARD, RUN_TIMEOUT_S, assert_ran_cleanly, map_has_shown, run_map

GLASGOW = "uk-glasgow"


def details_html(app: AppTest) -> str:
    return " ".join(
        block.value for block in app.get("html") if '<div class="sm-details">' in block.value
    )


def view_focus(app: AppTest) -> int | None:
    """The `focus` of the view sent to the map: the record index it centres on, or None."""
    (component,) = app.get("component_instance")
    group = json.loads(component.proto.json_args)["feature_group"]
    (line,) = re.findall(r"^\}\)\((\{.*\})\);$", group, re.MULTILINE)
    return json.loads(line)["focus"]


def run_map_as_text_open(query: dict) -> AppTest:
    """The map page run whole with the map as text open, as after a click on its heading."""
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S))
    app.session_state[ui_state.MAP_AS_TEXT_OPEN] = True
    app.query_params.update(query)
    return app.run()


def today_view():
    return build_site_view(load_dataset(config.DEFAULT_DATA_DIR), on=date.today())


def click(app: AppTest, site_id: str, count: int) -> AppTest:
    """As the map's value is after its `count`-th click, on `site_id`'s marker."""
    site = today_view().loc[site_id]
    app.session_state[ui_state.SITE_MAP] = {
        folium_bridge.CLICKED: {
            "lat": round(float(site["latitude"]), 6),
            "lng": round(float(site["longitude"]), 6),
        },
        folium_bridge.CLICK_COUNT: count,
        folium_bridge.MAP_SHOWN_REPORT: True,
    }
    return app.run()


# --- the rules ---------------------------------------------------------------------------------


def test_a_new_click_opens_its_site_and_else_the_address_does_if_it_is_shown():
    shown = {"a", "b"}
    assert opened_site.decide("a", "b", True, shown) == opened_site.Opened("b", by_click=True)
    # The click the value still holds, already acted on: the address decides.
    assert opened_site.decide("a", "b", False, shown) == opened_site.Opened("a")
    assert opened_site.decide(None, "b", False, shown) == opened_site.Opened(None)
    assert opened_site.decide(None, None, True, shown) == opened_site.Opened(None)
    # Not in the data, filtered out or malformed: ignored, and named for a neutral note.
    assert opened_site.decide("<b>zz</b>", None, False, shown) == opened_site.Opened(
        None, unknown="<b>zz</b>"
    )


def test_the_map_centres_only_on_a_site_the_address_named_and_no_click_did():
    assert opened_site.map_focus("a", None) == "a"
    assert opened_site.map_focus("a", "b") == "a"
    assert opened_site.map_focus("a", "a") is None
    assert opened_site.map_focus(None, "a") is None
    assert opened_site.map_focus("", None) is None


def test_a_long_id_is_cut_before_it_is_shown():
    assert opened_site.shown_id("E001") == "E001"
    cut = opened_site.shown_id("x" * 500)
    assert len(cut) == opened_site.MAX_ID_SHOWN and cut.endswith("…")


# --- the page ----------------------------------------------------------------------------------


def test_a_click_puts_the_site_in_the_address_and_close_takes_it_out():
    app = run_map({ui_state.COUNTRY: "United Kingdom"})
    assert ui_state.FOCUS_SITE not in app.query_params

    click(app, GLASGOW, 1)

    assert_ran_cleanly(app)
    assert "Glasgow" in details_html(app)
    assert app.query_params[ui_state.FOCUS_SITE] == GLASGOW
    # The next run: the address names the site a click opened; the map is not moved to it.
    app.run()
    assert view_focus(app) is None
    assert "Glasgow" in details_html(app)

    app.button(key=ui_state.CLOSE_SITE).click().run()

    assert_ran_cleanly(app)
    assert ui_state.FOCUS_SITE not in app.query_params
    assert details_html(app) == ""
    # The map's value still holds that click; it does not open the site again.
    app.run()
    assert details_html(app) == ""
    # A new click on the same marker does.
    click(app, GLASGOW, 2)
    assert "Glasgow" in details_html(app)


def test_a_link_with_a_site_opens_its_details_and_centres_the_map_on_it():
    app = run_map({ui_state.FOCUS_SITE: GLASGOW})

    assert_ran_cleanly(app)
    assert "Glasgow" in details_html(app)
    assert view_focus(app) == list(load_dataset(config.DEFAULT_DATA_DIR).sites.index).index(GLASGOW)


@pytest.mark.parametrize("site_id", ["no-such-site", "<img src=x onerror=alert(1)>*[a](b)*"])
def test_an_unknown_or_malformed_site_in_the_link_is_ignored_with_a_neutral_note(site_id):
    app = run_map({ui_state.FOCUS_SITE: site_id})

    assert_ran_cleanly(app)
    assert not app.error and not app.warning
    assert details_html(app) == ""
    (note,) = [c.value for c in app.caption if "not among the sites shown" in c.value]
    # The id as text: every Markdown character escaped, nothing else of it acted on.
    assert "<img" not in note.replace("\\<img", "")
    assert "[a](b)" not in note


def test_the_map_as_text_is_made_only_once_opened():
    app = run_map({ui_state.COUNTRY: "United Kingdom"})

    assert_ran_cleanly(app)
    assert [e for e in app.main.expander if e.label.startswith("The map as text")]
    # Folded, it holds nothing: its buttons would be drawn on the thread the map's frame uses.
    assert not [b for b in app.get("html") if '<div class="sm-text-view">' in b.value]
    assert not [b for b in app.button if str(b.key).startswith(f"{ui_state.SITE_LIST}-")]

    app.session_state[ui_state.MAP_AS_TEXT_OPEN] = True
    app.run()

    assert_ran_cleanly(app)
    assert [b for b in app.get("html") if '<div class="sm-text-view">' in b.value]
    assert [b for b in app.button if str(b.key).startswith(f"{ui_state.SITE_LIST}-")]


def test_the_map_as_text_counts_what_the_headline_counts_and_lists_every_site():
    state = FilterState(countries=("GB",))
    app = run_map_as_text_open({ui_state.COUNTRY: "United Kingdom"})

    assert_ran_cleanly(app)
    filtered = apply_filters(today_view(), state)
    headline = count_headlines(filtered)
    summary = " ".join(b.value for b in app.get("html") if "sm-text-view" in b.value)
    assert f"{headline['sites']} sites in 1 country." in summary
    assert f"United Kingdom: {headline['sites']}</li>" in summary
    for status, count in headline["by_status"].items():
        label = current_texts().status_label(status)
        assert f"<li>{label}: {count}</li>" in summary
    listed = [b for b in app.button if str(b.key).startswith(f"{ui_state.SITE_LIST}-")]
    assert sorted(b.key.split("-", 1)[1] for b in listed) == sorted(filtered.index)
    assert any(b.label.startswith("Glasgow") and "United Kingdom" in b.label for b in listed)


def test_choosing_a_site_in_the_list_opens_it_as_a_link_would():
    app = run_map_as_text_open({ui_state.COUNTRY: "United Kingdom"})

    app.button(key=f"{ui_state.SITE_LIST}-{GLASGOW}").click().run()

    assert_ran_cleanly(app)
    assert app.query_params[ui_state.FOCUS_SITE] == GLASGOW
    assert "Glasgow" in details_html(app)
    assert view_focus(app) is not None
    # Its details take focus (a script in the page, stationmap/web/skip-link.js).
    assert any("focusWhenShown" in b.value for b in app.get("html"))


def test_the_list_is_bounded_to_its_first_sites_by_country_and_name():
    view = today_view()
    every = view_text.listed_sites(view, limit=len(view))
    assert len(every) == len(view)
    assert view_text.listed_sites(view, limit=5) == every[:5]
    # Argentina's sites come first in English.
    assert every[0].text.endswith(", Argentina")


def test_the_pages_scripts_survive_streamlits_html_sanitiser():
    # st.html(unsafe_allow_javascript=True) passes scripts through DOMPurify, which drops a
    # <script> whose text has "<" before a letter, "/" or "!" (it would look like markup).
    from stationmap import browser_code
    from stationmap.app import map_access

    text = browser_code.read(map_access.SKIP_SCRIPT)
    assert "stationmap.bindSkipLinks" in text
    assert not re.search(r"<[/\w!]", text)


@pytest.mark.parametrize(
    "site_id", ["E001", 'x*/alert(1)/*"</script><img src=x>', "a\u2028b`${c}`"]
)
def test_the_details_focus_script_carries_any_id_as_a_string_and_nothing_else(site_id):
    from stationmap.app import map_access

    first, rest = map_access.details_focus_script(site_id).split("\n", 1)
    literal = re.fullmatch(r'void ("(?:[^"\\]|\\.)*");', first)
    assert literal is not None, first
    assert json.loads(literal.group(1)) == site_id
    assert "</script" not in first.lower() and "<img" not in first
    assert rest.rstrip().endswith('stationmap.focusWhenShown(".st-key-site_details");')
