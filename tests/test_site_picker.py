"""The list of sites below the sites table: whole for a short table, searched for a long one."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config
from stationmap.app import site_picker, ui_state
from stationmap.synth import write_synthetic_dataset
from tests.app_session import (
    DASHBOARD,
    RUN_TIMEOUT_S,
    assert_ran_cleanly,
    drawn_whole,
    map_has_shown,
)

TABLE = pd.DataFrame(
    {
        "name": ["Harbour office", "Old town desk", "Harbour annex", "Station"],
        "city": ["Lisbon", "Porto", "Faro", None],
        "country": ["Portugal", "Portugal", "Portugal", "Spain"],
    },
    index=pd.Index(["pt-1", "pt-2", "pt-3", "es-1"], name="site_id"),
)


def test_no_search_words_list_every_site_in_the_tables_order():
    assert site_picker.site_choices(TABLE, "", None) == site_picker.SiteChoices(
        ("pt-1", "pt-2", "pt-3", "es-1"), 4
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harbour", ("pt-1", "pt-3")),  # any case
        ("  PORTO ", ("pt-2",)),  # the city, spaces around ignored
        ("spain", ("es-1",)),  # the country; a missing city matches nothing, breaks nothing
        ("office\nlisbon", ()),  # words of two fields do not join into a match
        ("(", ()),  # words, not a pattern
    ],
)
def test_search_words_match_a_name_city_or_country(query, expected):
    choices = site_picker.site_choices(TABLE, query, None)
    assert choices.options == expected
    assert choices.matched == len(expected)


def test_the_list_is_cut_at_its_limit_and_says_how_many_matched():
    choices = site_picker.site_choices(TABLE, "portugal", None, limit=2)
    assert choices == site_picker.SiteChoices(("pt-1", "pt-2"), 3)


def test_the_open_site_stays_in_the_list_whatever_the_search():
    choices = site_picker.site_choices(TABLE, "harbour", "es-1", limit=1)
    assert choices == site_picker.SiteChoices(("es-1", "pt-1"), 2)
    # A site the table no longer has is not brought back.
    assert site_picker.site_choices(TABLE, "", "gone", limit=1).options == ("pt-1",)


LONG = site_picker.LIST_MAX_OPTIONS + 50


@pytest.fixture
def long_data(tmp_path, monkeypatch):
    folder = write_synthetic_dataset(tmp_path / "data", LONG)
    monkeypatch.setenv(config.DATA_DIR_ENV, str(folder))
    return folder


def sites_page() -> AppTest:
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()
    return drawn_whole(app.switch_page("pages/sites.py").run())


def test_a_long_table_gets_a_search_box_and_a_list_of_its_first_sites(long_data):
    app = sites_page()

    assert_ran_cleanly(app)
    (picker,) = [box for box in app.selectbox if box.key == ui_state.SITE_CHOICE]
    assert len(picker.options) == site_picker.LIST_MAX_OPTIONS
    search = app.text_input(key=ui_state.SITE_SEARCH)
    assert search.label == "Find a site for its details"
    assert search.proto.max_chars == site_picker.SEARCH_MAX_CHARS
    notes = [caption.value for caption in app.main.caption]
    assert (
        f"The list holds the first {site_picker.LIST_MAX_OPTIONS} of {LONG} matching sites, "
        "in the table's order: type more of a name above to narrow it."
    ) in notes


def test_search_words_narrow_the_list_and_a_site_chosen_from_it_opens(long_data):
    app = sites_page()
    app.text_input(key=ui_state.SITE_SEARCH).input("Synthetic site 17 (").run()

    picker = app.selectbox(key=ui_state.SITE_CHOICE)
    assert len(picker.options) == 1 and picker.options[0].startswith("Synthetic site 17 (")
    assert "1 site matches." in [caption.value for caption in app.main.caption]

    picker.set_value("syn-000017").run()

    assert_ran_cleanly(app)
    details = " ".join(block.proto.body for block in app.get("html"))
    assert "Synthetic site 17" in details
    # Other search words leave the open site in the list, and open.
    app.text_input(key=ui_state.SITE_SEARCH).input("no such place").run()
    assert app.selectbox(key=ui_state.SITE_CHOICE).value == "syn-000017"
    assert "0 sites match." in [caption.value for caption in app.main.caption]


def test_a_short_table_lists_every_site_with_no_search_box():
    app = sites_page()

    assert_ran_cleanly(app)
    assert not [box for box in app.text_input if box.key == ui_state.SITE_SEARCH]
    (table,) = [f for f in app.dataframe if (f.key or "").startswith(ui_state.SITES_TABLE)]
    assert 0 < len(table.value) <= site_picker.LIST_MAX_OPTIONS
    assert len(app.selectbox(key=ui_state.SITE_CHOICE).options) == len(table.value)
