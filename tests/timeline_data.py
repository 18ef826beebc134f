"""Timeline test data shared by the tests of stationmap.timeline's modules: the UK's events, a
small dataset with an event known only to the year, and synthetic datasets at scale."""

from __future__ import annotations

import pycountry

from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from stationmap.synth import synthetic_rows
from stationmap.timeline.events import scope_for, select_events
from tests.conftest import TEST_TODAY, csv_bytes, small_files, small_rows


def uk_events(dataset):
    view = build_site_view(dataset, TEST_TODAY)
    uk = apply_filters(view, FilterState(countries=("GB",)))
    return select_events(dataset, scope_for(uk))


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


def big_synthetic_dataset():
    """About 2,000 events on 1,000 sites: past the point where the charts draw counts."""
    dataset = build_dataset(synthetic_files(1000), today=TEST_TODAY)
    assert not dataset.problems
    return dataset


def huge_synthetic_dataset():
    """About 20,000 events on 10,000 sites, as the speed bench has."""
    return build_dataset(synthetic_files(10_000), today=TEST_TODAY)


def all_events(dataset, **filters):
    view = build_site_view(dataset, TEST_TODAY)
    sites = apply_filters(view, FilterState(**filters))
    return select_events(dataset, scope_for(sites, include_global=not sites.empty)), sites


def period_of(when) -> str:
    """The cell an event is counted in, worked out from its date alone."""
    return when.iso()[:4] if when.precision == "year" else when.iso()[:7]
