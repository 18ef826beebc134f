"""The sidebar's pure parts: widget values to filters, defaults, URL names, the multiselects."""

from __future__ import annotations

from datetime import date

import pytest

from stationmap.app import sidebar, ui_state
from stationmap.record.filters import FilterState, filter_options
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY

BOUNDS = (date(2022, 1, 1), date(2024, 5, 14))


def state_of(values, today=TEST_TODAY):
    return sidebar.filter_state_from_values(values, reported_bounds=BOUNDS, today=today)


# --- widget values to FilterState -------------------------------------------------------------


def test_no_values_mean_no_restriction():
    assert state_of({}) == FilterState()


def test_the_defaults_mean_no_restriction():
    options = {"first_reported_range": BOUNDS}
    assert state_of(sidebar.filter_defaults(options, TEST_TODAY)) == FilterState()


def test_multiselect_values_become_tuples_in_the_order_chosen():
    state = state_of(
        {
            ui_state.STATUS: ["under_investigation", "alleged"],
            ui_state.COUNTRY: ["GB", "NL"],
            ui_state.REGION: ["Europe"],
            ui_state.BUREAU: ["Fuzhou PSB"],
            ui_state.BASIS: ["media", "weak"],
        }
    )
    assert state.statuses == ("under_investigation", "alleged")
    assert state.countries == ("GB", "NL")
    assert state.regions == ("Europe",)
    assert state.bureaus == ("Fuzhou PSB",)
    assert state.bases == ("media", "weak")


def test_search_text_is_trimmed():
    assert state_of({ui_state.TEXT: "  Glasgow \n"}).text == "Glasgow"


def test_a_range_inside_the_data_restricts_both_ends():
    state = state_of({ui_state.REPORTED: (date(2022, 9, 1), date(2023, 6, 30))})
    assert (state.reported_from, state.reported_to) == (date(2022, 9, 1), date(2023, 6, 30))


def test_a_range_reaching_the_datas_ends_is_open_there():
    # So a site first reported after the link was made still shows.
    state = state_of({ui_state.REPORTED: (BOUNDS[0], BOUNDS[1])})
    assert (state.reported_from, state.reported_to) == (None, None)
    state = state_of({ui_state.REPORTED: (date(2023, 1, 1), date(2030, 1, 1))})
    assert (state.reported_from, state.reported_to) == (date(2023, 1, 1), None)


def test_a_half_picked_range_is_open_ended():
    state = state_of({ui_state.REPORTED: (date(2023, 1, 1),)})
    assert (state.reported_from, state.reported_to) == (date(2023, 1, 1), None)


def test_an_empty_range_is_no_restriction():
    assert state_of({ui_state.REPORTED: ()}) == FilterState()


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 6, 6), date(2023, 6, 6)),
        (TEST_TODAY, None),  # today is the default, kept open so the view moves with the calendar
        (date(2030, 1, 1), None),
        (None, None),
    ],
)
def test_as_of_today_or_later_means_today(as_of, expected):
    assert state_of({ui_state.AS_OF: as_of}).as_of == expected


@pytest.mark.parametrize(
    "values",
    [
        {ui_state.STATUS: "alleged"},  # a bare string is not a selection
        {ui_state.AS_OF: "2023-06-06"},
        {ui_state.REPORTED: ("2023-01-01", "2023-12-31")},
        {ui_state.TEXT: 42},
    ],
)
def test_values_of_the_wrong_kind_are_ignored(values):
    assert state_of(values) == FilterState()


def test_defaults_cover_every_filter():
    defaults = sidebar.filter_defaults({"first_reported_range": BOUNDS}, TEST_TODAY)
    assert set(defaults) == set(ui_state.FILTER_KEYS)
    assert defaults[ui_state.AS_OF] == TEST_TODAY
    assert defaults[ui_state.REPORTED] == BOUNDS


def test_an_empty_dataset_has_no_range_to_reset():
    assert ui_state.REPORTED not in sidebar.filter_defaults(
        {"first_reported_range": None}, TEST_TODAY
    )


def test_filters_from_the_shipped_data_select_what_apply_filters_selects(shipped_dataset):
    view = build_site_view(shipped_dataset, on=TEST_TODAY)
    options = filter_options(view)
    state = sidebar.filter_state_from_values(
        {ui_state.TEXT: "Glasgow"},
        reported_bounds=options["first_reported_range"],
        today=TEST_TODAY,
    )
    assert state == FilterState(text="Glasgow")


# --- names -----------------------------------------------------------------------------------


def test_url_parameter_names_are_distinct_and_not_reserved_by_streamlit():
    names = [*ui_state.FILTER_KEYS, ui_state.LANGUAGE]
    assert len(names) == len(set(names))
    # Streamlit keeps these for embedding and refuses to bind them.
    assert not {name.lower() for name in names} & {"embed", "embed_options"}
    assert all(name == name.lower() and " " not in name for name in names)


def test_the_multiselect_table_covers_every_multiselect_filter_once():
    selects = (sidebar.STATUS_FILTER, *sidebar.PLACE_AND_BASIS_FILTERS)
    keys = [select.key for select in selects]
    assert len(keys) == len(set(keys))
    chosen_as_lists = {
        key for key, value in sidebar.filter_defaults({}, TEST_TODAY).items() if value == []
    }
    assert set(keys) == chosen_as_lists


def test_each_multiselect_offers_the_choices_filter_options_gives(shipped_dataset):
    options = filter_options(build_site_view(shipped_dataset, on=TEST_TODAY))
    country = next(s for s in sidebar.PLACE_AND_BASIS_FILTERS if s.key == ui_state.COUNTRY)
    codes = country.choices(options)
    assert codes == [code for code, _name in options["countries"]]
    assert country.format_func(options)("GB").endswith("United Kingdom")
    assert sidebar.STATUS_FILTER.choices(options) == options["statuses"]
