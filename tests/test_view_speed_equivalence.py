"""The vectorised status lookup and site view give exactly what a plain row-by-row walk gives.

The references below are the straightforward computations the fast paths replaced: sort the
events, walk each site's history, build one row per site. Every column, dtype, value and row
order must match on every date, whatever the date's precision or the data's shape.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from datetime import date, timedelta

import pandas as pd
import pytest

from stationmap.record import schema
from stationmap.record.basis import site_basis
from stationmap.record.filters import FilterState, apply_filters, filter_options, fold
from stationmap.record.loader import Dataset, build_dataset
from stationmap.record.status import StatusChange, status_histories, statuses_on
from stationmap.record.views import SITE_VIEW_COLUMNS, build_site_view, region_of
from stationmap.synth import synthetic_rows
from tests.conftest import TEST_TODAY, csv_bytes, small_files, small_rows

# --- the references ---------------------------------------------------------------------------


def reference_histories(dataset: Dataset) -> dict[str, list[StatusChange]]:
    dated = [event for event in dataset.events.itertuples(index=False) if event.date is not None]
    first_reports: dict[str, object] = {}
    for event in sorted(dated, key=lambda event: (event.date, event.order)):
        if event.event_type in schema.REPORT_EVENT_TYPES:
            for site_id in event.site_ids:
                first_reports.setdefault(site_id, event)
    histories: dict[str, list[StatusChange]] = {}
    for site_id, report in first_reports.items():

        def effective(event, report=report) -> date:
            return max(event.date.start, report.date.start)

        namings = [event for event in dated if site_id in event.site_ids]
        namings.sort(
            key=lambda event: (effective(event), event is not report, event.date, event.order)
        )
        history = histories.setdefault(site_id, [])
        for event in namings:
            status = event.sets_status.get(site_id)
            if event is report:
                status = status or schema.DEFAULT_STATUS
            if status:
                change = StatusChange(site_id, status, event.date, event.event_id, effective(event))
                history.append(change)
    return {site_id: histories.get(site_id, []) for site_id in dataset.sites.index}


def reference_statuses_on(histories: dict[str, list[StatusChange]], on: date) -> pd.DataFrame:
    rows = []
    for site_id, history in histories.items():
        position = bisect_right(history, on, key=lambda change: change.effective)
        current = history[position - 1] if position else None
        first = history[0] if history else None
        rows.append(
            {
                "site_id": site_id,
                "status": current.status if current else None,
                "status_since": current.date if current else None,
                "status_event_id": current.event_id if current else None,
                "first_reported": first.date if first else None,
                "first_report_event_id": first.event_id if first else None,
                "reported": current is not None,
            }
        )
    columns = [
        "site_id",
        "status",
        "status_since",
        "status_event_id",
        "first_reported",
        "first_report_event_id",
        "reported",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("site_id", drop=False).rename_axis(None)


def reference_site_base(dataset: Dataset) -> pd.DataFrame:
    sites = dataset.sites
    event_ids: dict[str, list[str]] = {site_id: [] for site_id in sites.index}
    cited: dict[str, set[str]] = {site_id: set(ids) for site_id, ids in sites["source_ids"].items()}
    for event in dataset.events.itertuples(index=False):
        for site_id in event.site_ids:
            if site_id in event_ids:
                event_ids[site_id].append(event.event_id)
                cited[site_id].update(event.source_ids)
    base = sites.drop(columns=["row"])
    base["region"] = [region_of(code) for code in base["iso2"]]
    base["event_count"] = [len(event_ids[site_id]) for site_id in base.index]
    base["source_count"] = [len(cited[site_id]) for site_id in base.index]
    # The basis has its own tests (tests/test_basis.py); here it only has to be carried.
    return base.join(site_basis(dataset))


def reference_site_view(base: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    view = base.join(statuses.drop(columns=["site_id"]))
    view["reported"] = view["reported"].fillna(False).astype(bool)
    return view[SITE_VIEW_COLUMNS]


def reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def reference_apply_filters(view: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    keep = view["reported"].astype(bool)
    if state.statuses:
        keep &= view["status"].isin(state.statuses)
    if state.countries:
        keep &= view["iso2"].isin(state.countries)
    if state.regions:
        keep &= view["region"].isin(state.regions)
    if state.bureaus:
        bureau = view["operating_bureau"].where(view["operating_bureau"] != "", "Not reported")
        keep &= bureau.isin(state.bureaus)
    if state.bases:
        keep &= view["basis"].isin(state.bases)
    if state.reported_from or state.reported_to:
        first = view["first_reported"].map(lambda d: d.start if d is not None else None)
        if state.reported_from:
            keep &= first.map(lambda d: d is not None and d >= state.reported_from)
        if state.reported_to:
            keep &= first.map(lambda d: d is not None and d <= state.reported_to)
    if state.text.strip():
        needle = reference_fold(state.text.strip())
        searchable = ["name", "country", "city", "locality", "operating_bureau", "notes"]
        haystack = view[searchable].astype(str).agg(" ".join, axis=1).map(reference_fold)
        keep &= haystack.str.contains(needle, regex=False)
    return view[keep.astype(bool)]


def reference_filter_options(view: pd.DataFrame) -> dict[str, list]:
    bureaus = sorted({b for b in view["operating_bureau"] if b})
    if (view["operating_bureau"] == "").any():
        bureaus.append("Not reported")
    countries = (
        view[["iso2", "country"]]
        .drop_duplicates("iso2")
        .sort_values("country", key=lambda names: names.map(reference_fold))
    )
    firsts = [d.start for d in view["first_reported"] if d is not None]
    return {
        "statuses": list(schema.STATUSES),
        "countries": list(countries.itertuples(index=False, name=None)),
        "regions": sorted(set(view["region"])),
        "bureaus": bureaus,
        "bases": list(schema.BASES),
        "first_reported_range": (min(firsts), max(firsts)) if firsts else None,
    }


def assert_identical(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same columns, dtypes, index, order and values; None and NaN are not taken as equal."""
    pd.testing.assert_frame_equal(actual, expected, check_exact=True, check_flags=True)
    for column, dtype in expected.dtypes.items():
        if pd.api.types.is_object_dtype(dtype):
            assert list(map(type, actual[column])) == list(map(type, expected[column]))


# --- the data -----------------------------------------------------------------------------------


def dates_around(dataset: Dataset) -> list[date]:
    """Every day a status can change on, the days either side of it and its period's last day;
    the first of every month from the first event on; a day long before any report; today."""
    days = {date(1995, 1, 1), TEST_TODAY, date.today()}
    dated = dataset.events["date"].dropna()
    for when in dated:
        days |= {when.start - timedelta(days=1), when.start, when.start + timedelta(days=1)}
        days |= {when.end, when.end + timedelta(days=1)}
    month = min((when.start for when in dated), default=TEST_TODAY).replace(day=1)
    while month <= TEST_TODAY:
        days.add(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return sorted(days)


def coarsened_synthetic_files(sites: int) -> dict[str, bytes]:
    """A synthetic dataset where some events are known only to the month or the year, and some
    fall on one first day at every precision, so partial dates and their ties are exercised."""
    rows = synthetic_rows(sites, seed=3)
    for number, event in enumerate(rows[schema.EVENTS_FILE]):
        if number % 5 == 1:
            event["date"], event["date_precision"] = event["date"][:7], "month"
        elif number % 7 == 2:
            event["date"], event["date_precision"] = event["date"][:4], "year"
    first_site = rows[schema.SITES_FILE][0]
    tie = {**rows[schema.EVENTS_FILE][0], "site_ids": first_site["site_id"], "sets_status": ""}
    rows[schema.EVENTS_FILE] += [
        {**tie, "event_id": "TIE-Y", "date": "2024", "date_precision": "year",
         "event_type": "conviction", "sets_status": "convicted"},
        {**tie, "event_id": "TIE-M", "date": "2024-01", "date_precision": "month",
         "event_type": "charge", "sets_status": "charges_filed"},
        {**tie, "event_id": "TIE-D", "date": "2024-01-01", "date_precision": "day",
         "event_type": "police_visit", "sets_status": "no_evidence_found"},
        {**tie, "event_id": "UNDATED", "date": "", "date_precision": "unknown",
         "event_type": "media_report"},
    ]  # fmt: skip
    # A response known only to the year of a site's first report: it takes effect on the
    # report's day, not on 1 January (see stationmap.record.first_reports).
    second_site = rows[schema.SITES_FILE][1]["site_id"]
    first_report = next(e for e in rows[schema.EVENTS_FILE] if e["site_ids"] == second_site)
    rows[schema.EVENTS_FILE].append(
        {**first_report, "event_id": "CLAMPED", "date": first_report["date"][:4],
         "date_precision": "year", "event_type": "closure_reported",
         "sets_status": "reported_closed"}
    )  # fmt: skip
    return {file: csv_bytes(file, file_rows) for file, file_rows in rows.items()}


def without_sites() -> dict[str, bytes]:
    rows = small_rows()
    rows[schema.EVENTS_FILE] = [e for e in rows[schema.EVENTS_FILE] if not e["site_ids"]]
    rows[schema.SITES_FILE] = []
    return small_files(rows)


DATASETS = {
    "small": lambda: build_dataset(small_files(), today=TEST_TODAY),
    "synthetic with partial dates": lambda: build_dataset(
        coarsened_synthetic_files(150), today=TEST_TODAY
    ),
    "no sites": lambda: build_dataset(without_sites(), today=TEST_TODAY),
}


@pytest.fixture(scope="module", params=["shipped", *DATASETS])
def dataset(request, shipped_dataset) -> Dataset:
    if request.param == "shipped":
        # A copy, with no derived tables yet: they are computed here from nothing, and what
        # these tests do to them stays here.
        return Dataset(shipped_dataset.sites, shipped_dataset.events, shipped_dataset.sources)
    return DATASETS[request.param]()


# --- the comparisons ------------------------------------------------------------------------------


def test_the_crafted_synthetic_data_loads_whole_with_every_precision():
    dataset = DATASETS["synthetic with partial dates"]()
    assert dataset.problems == []
    assert {when.precision for when in dataset.events["date"].dropna()} == {"day", "month", "year"}
    assert dataset.events["date"].isna().any()


def test_histories_match_the_reference(dataset):
    assert status_histories(dataset) == reference_histories(dataset)


def test_statuses_and_site_view_match_the_reference_on_every_date(dataset):
    histories, base = reference_histories(dataset), reference_site_base(dataset)
    for on in dates_around(dataset):
        expected = reference_statuses_on(histories, on)
        assert_identical(statuses_on(dataset, on), expected)
        assert_identical(build_site_view(dataset, on), reference_site_view(base, expected))


def test_a_view_changed_by_its_caller_leaves_the_next_view_alone(dataset):
    # The tables a view is made from are kept per dataset; a caller's edits must not reach them.
    view = build_site_view(dataset, TEST_TODAY)
    view["status"] = view["name"] = "changed by a caller"
    statuses = statuses_on(dataset, TEST_TODAY)
    statuses["status"] = statuses["first_reported"] = "changed by a caller"
    expected = reference_statuses_on(reference_histories(dataset), TEST_TODAY)
    assert_identical(statuses_on(dataset, TEST_TODAY), expected)
    assert_identical(
        build_site_view(dataset, TEST_TODAY),
        reference_site_view(reference_site_base(dataset), expected),
    )


def test_a_response_of_a_coarse_date_waits_for_the_first_report():
    dataset = DATASETS["synthetic with partial dates"]()
    history = status_histories(dataset)["syn-000001"]
    clamped = next(change for change in history if change.event_id == "CLAMPED")
    assert clamped.date.start.month == 1 and clamped.date.start.day == 1
    assert clamped.effective == history[0].effective > clamped.date.start


def test_same_first_day_changes_apply_day_then_month_then_year():
    dataset = DATASETS["synthetic with partial dates"]()
    history = status_histories(dataset)["syn-000000"]
    assert [change.event_id for change in history if change.event_id.startswith("TIE")] == [
        "TIE-D",
        "TIE-M",
        "TIE-Y",
    ]
    assert statuses_on(dataset, date(2024, 1, 1)).loc["syn-000000", "status"] == "convicted"


FILTERS = {
    "none": FilterState(),
    "status": FilterState(statuses=("alleged", "no_evidence_found")),
    "country": FilterState(countries=("GB", "FR", "US")),
    "region and bureau": FilterState(regions=("Europe",), bureaus=("Not reported", "Fuzhou PSB")),
    "first reported": FilterState(reported_from=date(2022, 10, 1), reported_to=date(2023, 6, 30)),
    "basis": FilterState(bases=("authorities", "media")),
    **{
        f"text {text!r}": FilterState(text=text)
        for text in ["kobanya", "KŐBÁNYA", "glasgow unit", "straße", "STRASSE", "ǅ", "ﬁ", " psb "]
    },
    "text and status": FilterState(text="synthetic 1", statuses=("alleged",)),
}


@pytest.mark.parametrize("state", FILTERS.values(), ids=FILTERS)
def test_filters_match_the_reference(dataset, state):
    view = build_site_view(dataset, TEST_TODAY)
    if view.empty and state.text:
        # The row-wise join the reference searched with fails on a table with no rows.
        assert apply_filters(view, state).empty
    else:
        assert_identical(apply_filters(view, state), reference_apply_filters(view, state))


@pytest.mark.parametrize(
    "text", ["Kőbánya", "STRASSE", "ǅ ﬁ", "Ｔｏｋｙｏ", "İstanbul", "ascii only"]
)
def test_fold_matches_the_reference(text):
    assert fold(text) == reference_fold(text)


def test_filter_options_match_the_reference(dataset):
    view = build_site_view(dataset, TEST_TODAY)
    assert filter_options(view) == reference_filter_options(view)
