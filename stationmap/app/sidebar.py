"""The shared filters in the sidebar: widget values to a FilterState, defaults, the count.

Widgets made in the entry point persist across pages, so a filter chosen on one page holds on
every page; each filter is bound to the URL with Streamlit's ``bind="query-params"`` (names in
:mod:`stationmap.app.ui_state`), so a copied link opens the same filters. The functions at the
top are pure and tested without Streamlit; those below draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from stationmap import i18n
from stationmap.app import ui_state
from stationmap.i18n import N_, _, n_
from stationmap.record.dates import resolve_day
from stationmap.record.filters import FilterState, count_headlines


class Multiselect(NamedTuple):
    """One of the sidebar's multiselect filters; its texts are translated when drawn."""

    key: str
    label: str
    placeholder: str
    # From filter_options: the choices, and how each is shown.
    choices: Callable[[Mapping[str, Any]], list]
    format_func: Callable[[Mapping[str, Any]], Callable[[str], str]]
    help: str | None = None


def _country_labels(options: Mapping[str, Any]) -> Callable[[str], str]:
    names = dict(options["countries"])
    return lambda code: i18n.country_label(code, names.get(code, code))


STATUS_FILTER = Multiselect(
    ui_state.STATUS,
    N_("Status"),
    N_("All statuses"),
    lambda options: options["statuses"],
    lambda options: i18n.status_label,
)
# Drawn in this order, under the as-of date.
PLACE_AND_BASIS_FILTERS = (
    Multiselect(
        ui_state.COUNTRY,
        N_("Country"),
        N_("All countries"),
        lambda options: [code for code, _name in options["countries"]],
        _country_labels,
    ),
    Multiselect(
        ui_state.REGION,
        N_("Region"),
        N_("All regions"),
        lambda options: options["regions"],
        lambda options: i18n.region_label,
    ),
    Multiselect(
        ui_state.BUREAU,
        N_("Operating bureau (as reported)"),
        N_("All bureaus"),
        lambda options: options["bureaus"],
        lambda options: i18n.bureau_label,
    ),
    Multiselect(
        ui_state.BASIS,
        N_("Basis"),
        N_("Any basis"),
        lambda options: options["bases"],
        lambda options: i18n.basis_label,
        help=N_(
            "What each site rests on: the strongest kind of source naming it (Sources → "
            "Method says how it is worked out)."
        ),
    ),
)


# --- pure helpers -------------------------------------------------------------------------------


def filter_state_from_values(
    values: Mapping[str, Any],
    *,
    reported_bounds: tuple[date, date] | None = None,
    today: date | None = None,
) -> FilterState:
    """The FilterState the sidebar widgets' values stand for (keys from ui_state).

    A missing or cleared widget means no restriction. A first-report range that reaches the
    data's own first or last date is open on that side, so sites reported later still show
    when the data grows; while a person has picked only the first day of a range, the range is
    open-ended. An as-of date of today or later, or none, means today (``as_of=None``).
    """
    today = resolve_day(today)

    def chosen(key: str) -> tuple:
        value = values.get(key)
        return tuple(value) if isinstance(value, list | tuple) else ()

    reported = [day for day in chosen(ui_state.REPORTED) if isinstance(day, date)]
    reported_from = reported[0] if reported else None
    reported_to = reported[1] if len(reported) > 1 else None
    if reported_bounds:
        if reported_from is not None and reported_from <= reported_bounds[0]:
            reported_from = None
        if reported_to is not None and reported_to >= reported_bounds[1]:
            reported_to = None
    as_of = values.get(ui_state.AS_OF)
    if not isinstance(as_of, date) or as_of >= today:
        as_of = None
    text = values.get(ui_state.TEXT)
    return FilterState(
        statuses=chosen(ui_state.STATUS),
        countries=chosen(ui_state.COUNTRY),
        regions=chosen(ui_state.REGION),
        bureaus=chosen(ui_state.BUREAU),
        bases=chosen(ui_state.BASIS),
        reported_from=reported_from,
        reported_to=reported_to,
        text=text.strip() if isinstance(text, str) else "",
        as_of=as_of,
    )


def filter_defaults(options: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Each filter widget's value when nothing is chosen: what "Reset filters" restores."""
    defaults: dict[str, Any] = {
        ui_state.TEXT: "",
        ui_state.AS_OF: today,
        **{select.key: [] for select in (STATUS_FILTER, *PLACE_AND_BASIS_FILTERS)},
    }
    if options.get("first_reported_range"):
        defaults[ui_state.REPORTED] = tuple(options["first_reported_range"])
    return defaults


def filter_summary(site_view: pd.DataFrame, filtered: pd.DataFrame) -> str:
    """'Showing 3 of 40 sites · 2 countries': the count above the filters."""
    shown = count_headlines(filtered)
    total = int(site_view["reported"].sum())
    sites = n_("Showing {shown} of {total} site", "Showing {shown} of {total} sites", total).format(
        shown=shown["sites"], total=total
    )
    countries = n_("{n} country", "{n} countries", shown["countries"])
    return f"{sites} · {countries.format(n=shown['countries'])}"


# --- drawing ----------------------------------------------------------------------------------


def _reset_filters(defaults: Mapping[str, Any]) -> None:
    # Through session state, the one way Streamlit lets code change a bound widget: the URL
    # follows, and drops every parameter that is back at its default.
    for key, value in defaults.items():
        st.session_state[key] = value


def _draw_multiselect(select: Multiselect, options: Mapping[str, Any]) -> None:
    st.multiselect(
        _(select.label),
        select.choices(options),
        key=select.key,
        format_func=select.format_func(options),
        placeholder=_(select.placeholder),
        help=_(select.help) if select.help else None,
        bind="query-params",
    )


def render_sidebar(options: Mapping[str, Any]) -> FilterState:
    """Draw the shared filters in the sidebar and return what they select.

    ``options`` are the choices (``filters.filter_options``: the countries, regions and bureaus
    present in the data, and so on).
    """
    today = resolve_day()
    defaults = filter_defaults(options, today)
    bound = {"bind": "query-params"}
    with st.sidebar:
        st.header(_("Filters"))
        st.text_input(
            _("Search names, places and notes"),
            key=ui_state.TEXT,
            placeholder=_("e.g. Glasgow"),
            **bound,
        )
        _draw_multiselect(STATUS_FILTER, options)
        first_reported = options["first_reported_range"]
        st.date_input(
            _("Statuses as of"),
            # "today" rather than a date: a page left open overnight moves on with the calendar.
            value="today",
            # No status exists before the first report.
            min_value=first_reported[0] if first_reported else None,
            max_value=today,
            key=ui_state.AS_OF,
            format="YYYY-MM-DD",
            help=_(
                "Each site shows the status its latest reported event had set by this date. "
                "Sites first reported later are hidden."
            ),
            **bound,
        )
        for select in PLACE_AND_BASIS_FILTERS:
            _draw_multiselect(select, options)
        if ui_state.REPORTED in defaults:
            first, last = defaults[ui_state.REPORTED]
            st.date_input(
                _("First reported between"),
                value=(first, last),
                min_value=first,
                max_value=last,
                key=ui_state.REPORTED,
                format="YYYY-MM-DD",
                **bound,
            )
        st.button(
            _("Reset filters"),
            key=ui_state.RESET_FILTERS,
            on_click=_reset_filters,
            args=(defaults,),
            icon=":material/restart_alt:",
        )
        st.caption(
            _(
                "Copy link: the address in your browser holds these filters. Copy it to share "
                "or bookmark exactly this view."
            )
        )
    return filters_in_session(options, today)


def filters_in_session(options: Mapping[str, Any], today: date) -> FilterState:
    """The FilterState the sidebar widgets' values in session state stand for."""
    return filter_state_from_values(
        {key: st.session_state.get(key) for key in ui_state.FILTER_KEYS},
        reported_bounds=options["first_reported_range"],
        today=today,
    )
