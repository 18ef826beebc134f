"""The timeline table: which events a timeline shows, grouped, dated and placed on chart rows.

Events are grouped into a few kinds a reader can tell apart at a glance, and each keeps the
period its date actually covers (`start` to `end`): an event known only to the month spans that
month, so no chart shows a false exact day. The as-of date means "the picture as it was then":
events that started after it are left out. Pure pandas; the charts are in `charts`, the HTML
list in `event_list`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from stationmap import i18n
from stationmap.html.texts import counts_line
from stationmap.i18n import N_, _, n_
from stationmap.record import schema
from stationmap.record.dates import PartialDate
from stationmap.record.filters import fold
from stationmap.record.loader import Dataset
from stationmap.record.status import status_histories

# The event groups, in the order they are listed and coloured.
GROUP_REPORTS = "reports"
GROUP_POLICE = "police"
GROUP_GOVERNMENT = "government"
GROUP_EMBASSY = "embassy"
GROUP_LEGAL = "legal"
# Charges and convictions for offences other than running a station (Seoul): a group and a lane
# of their own, so that picking "Legal steps" never shows them beside a station's prosecution.
GROUP_OTHER_OFFENCES = "other_offences"
EVENT_GROUPS = (
    GROUP_REPORTS,
    GROUP_POLICE,
    GROUP_GOVERNMENT,
    GROUP_EMBASSY,
    GROUP_LEGAL,
    GROUP_OTHER_OFFENCES,
)

GROUP_OF_EVENT_TYPE = {
    "ngo_report": GROUP_REPORTS,
    "media_report": GROUP_REPORTS,
    "police_visit": GROUP_POLICE,
    "investigation_opened": GROUP_POLICE,
    "government_statement": GROUP_GOVERNMENT,
    "parliamentary_statement": GROUP_GOVERNMENT,
    "diplomatic_protest": GROUP_GOVERNMENT,
    "closure_ordered": GROUP_GOVERNMENT,
    "closure_reported": GROUP_GOVERNMENT,
    "embassy_response": GROUP_EMBASSY,
    "legislation": GROUP_LEGAL,
    "arrest": GROUP_LEGAL,
    "charge": GROUP_LEGAL,
    "conviction": GROUP_LEGAL,
    "other_charge": GROUP_OTHER_OFFENCES,
    "other_conviction": GROUP_OTHER_OFFENCES,
}
if set(GROUP_OF_EVENT_TYPE) != set(schema.EVENT_TYPES):
    raise RuntimeError("every event type needs a timeline group")

# What the group filter and the chart's legend call each group.
GROUP_LABELS = {
    GROUP_REPORTS: N_("Reports"),
    GROUP_POLICE: N_("Police visits and investigations"),
    GROUP_GOVERNMENT: N_("Government, parliamentary and diplomatic responses"),
    GROUP_EMBASSY: N_("Embassy responses"),
    GROUP_LEGAL: N_("Legal steps"),
    GROUP_OTHER_OFFENCES: N_("Cases for other offences"),
}

# Colour-blind-safe (Okabe-Ito), and distinct from nothing else on the same chart.
GROUP_COLORS = {
    GROUP_REPORTS: "#999999",
    GROUP_POLICE: "#0072B2",
    GROUP_GOVERNMENT: "#E69F00",
    GROUP_EMBASSY: "#CC79A7",
    GROUP_LEGAL: "#D55E00",
    GROUP_OTHER_OFFENCES: "#000000",
}
if not set(GROUP_LABELS) == set(GROUP_COLORS) == set(EVENT_GROUPS):
    raise RuntimeError("every event group needs a label and a colour")

# The lanes the UK statement of 6 June 2023 tells its story in: when police visited, what the
# government said, what the embassy answered; everything else below them.
LANE_POLICE = N_("Police visits and investigations")
LANE_GOVERNMENT = N_("Government responses")
LANE_EMBASSY = N_("Embassy responses")
LANE_OTHER = N_("Reports and legal steps")
LANE_OTHER_OFFENCES = N_("Cases for other offences")
LANES = (LANE_POLICE, LANE_GOVERNMENT, LANE_EMBASSY, LANE_OTHER, LANE_OTHER_OFFENCES)
LANE_OF_GROUP = {
    GROUP_POLICE: LANE_POLICE,
    GROUP_GOVERNMENT: LANE_GOVERNMENT,
    GROUP_EMBASSY: LANE_EMBASSY,
    GROUP_REPORTS: LANE_OTHER,
    GROUP_LEGAL: LANE_OTHER,
    GROUP_OTHER_OFFENCES: LANE_OTHER_OFFENCES,
}


GLOBAL_ROW = N_("Worldwide")
UNDATED_HEADING = N_("Date not known")

# A row per site reads well for a few dozen sites; one country with hundreds would make a chart
# thousands of pixels tall, so past this the chart has a row per country, as for many countries.
MAX_SITE_ROWS = 40
# The same holds for countries: 160 of them (10,000 synthetic sites) made a chart 5,300 pixels
# tall, of 2,800 cells, that kept the browser busy for a second before the page showed. Past
# this many, the countries with the most events keep a row each and the others share one.
MAX_COUNTRY_ROWS = 40

TIMELINE_COLUMNS = [
    "event_id",
    "date",
    "date_label",
    "start",
    "end",
    "date_precision",
    "month_heading",
    "country",
    "iso2",
    "row_label",
    "event_type",
    "type_label",
    "group",
    "lane",
    "actor",
    "summary",
    "site_ids",
    "site_names",
    "source_ids",
    "order",
]


def group_of(event_type: str) -> str:
    """The timeline group of an event type (e.g. 'police' for 'police_visit')."""
    return GROUP_OF_EVENT_TYPE[event_type]


def group_label(group: str) -> str:
    """A group as people read it, in their language."""
    return _(GROUP_LABELS[group]) if group in GROUP_LABELS else group


def groups_named(labels: Iterable[str]) -> tuple[str, ...]:
    """The groups whose labels (`group_label`, in the reader's language) are `labels`, in
    their order, each once; a label of no group is left out. What the timeline's pills, bound
    to the URL, would hold for a link carrying these labels."""
    by_label = {group_label(group): group for group in EVENT_GROUPS}
    return tuple(dict.fromkeys(by_label[label] for label in labels if label in by_label))


def month_heading(when: PartialDate | None) -> str:
    """The heading an event is listed under: 'June 2023', '2022 (month not known)', …"""
    if when is None:
        return _(UNDATED_HEADING)
    if when.precision == "year":
        return _("{year} (month not known)").format(year=i18n.date_label(when))
    return i18n.date_label(PartialDate(when.start.replace(day=1), "month"))


def axis_start(dataset: Dataset, events: pd.DataFrame) -> date | None:
    """The first day of a timeline's axis: the month of the first report, or of an earlier event.

    Chinese official announcements of the programme (2021, January 2022) predate every report;
    an axis that began at the first report would draw them outside the chart.
    """
    first = earliest_report(dataset)
    starts = events["start"].dropna() if "start" in events else pd.Series(dtype="datetime64[s]")
    if not starts.empty:
        earliest_event = starts.min().date()
        first = earliest_event if first is None else min(first, earliest_event)
    return first.replace(day=1) if first else None


def earliest_report(dataset: Dataset) -> date | None:
    """The day of the first report (an NGO or media report): where a timeline starts.

    A statement known only to the year ("2022") counts from 1 January of it, and so would
    start the timeline months before anything was reported; the reports are the start. Data
    with no dated report starts at its first site's first appearance.
    """
    # Asked on every run of the map page: once per dataset is enough.
    if dataset.derived.earliest_report is None:
        events = dataset.events
        reports = events[events["event_type"].map(GROUP_OF_EVENT_TYPE.get) == GROUP_REPORTS]
        days = [when.start for when in reports["date"] if when is not None]
        if not days:
            # An undated allegation (a site kept without a report) has no day to start from.
            days = [
                h[0].effective
                for h in status_histories(dataset).values()
                if h and h[0].date is not None
            ]
        dataset.derived.earliest_report = min(days, default=None)
    return dataset.derived.earliest_report


@dataclass(frozen=True)
class EventScope:
    """Which events a timeline shows: those about these sites or countries."""

    site_ids: frozenset[str]
    countries: frozenset[str]
    include_global: bool = True


def scope_for(filtered_sites: pd.DataFrame, *, include_global: bool = True) -> EventScope:
    """The events that belong with a filtered set of sites: theirs and their countries'."""
    return EventScope(
        site_ids=frozenset(filtered_sites["site_id"]),
        countries=frozenset(filtered_sites["iso2"]),
        include_global=include_global,
    )


def select_events(
    dataset: Dataset,
    scope: EventScope,
    groups: Iterable[str] = (),
    *,
    until: date | None = None,
) -> pd.DataFrame:
    """Events in scope, as a timeline table in date order (undated last).

    An event is in scope if it names a site in scope, or names no site and concerns a country
    in scope, or is worldwide (when the scope includes worldwide events). A statement by China
    (`schema.OPERATING_COUNTRY_ISO2`: its foreign ministry answering the reports) is about
    every site, so it counts as worldwide. `groups` keeps only those groups (empty: all);
    `until` leaves out events that started after that day (undated events stay: nothing says
    they came later).
    """
    # Whole columns at a time, and each label made once per distinct value: at 20,000 events a
    # row-by-row loop, translating every date and country anew, took seconds of every rerun.
    events = dataset.events.reset_index(drop=True)
    groups = set(groups)
    site_ids = events["site_ids"]
    names_sites = site_ids.map(len) > 0
    listed = site_ids[names_sites].explode()
    names_a_site_in_scope = (
        listed.isin(scope.site_ids).groupby(level=0).any().reindex(events.index, fill_value=False)
    )
    hosts = set(dataset.sites["iso2"])
    about_everyone = (events["country"] == schema.GLOBAL_COUNTRY) | (
        events["iso2"] == schema.OPERATING_COUNTRY_ISO2
    )
    # A country that hosts no site (Thailand's checks that found no post) belongs with no
    # site's country: it shows with the worldwide events only in a view of every country.
    elsewhere = ~about_everyone & ~events["iso2"].isin(hosts)
    every_country = scope.include_global and hosts <= scope.countries
    about_a_country_in_scope = events["iso2"].isin(scope.countries)
    in_scope = names_a_site_in_scope.where(
        names_sites,
        about_a_country_in_scope.where(~about_everyone, scope.include_global).where(
            ~elsewhere, every_country
        ),
    ).astype(bool)
    group = events["event_type"].map(GROUP_OF_EVENT_TYPE)
    keep = in_scope & (group.isin(groups) if groups else True)
    if until is not None:
        started_later = events["date"].map(lambda when: when is not None and when.start > until)
        keep &= ~started_later.astype(bool)
    kept = events[keep].reset_index(drop=True)
    group = group[keep].reset_index(drop=True)

    dates = kept["date"]
    distinct_dates = {when for when in dates if when is not None}
    # Once per distinct date (i18n keeps the labels themselves between runs).
    date_labels = {when: i18n.date_label(when) for when in [*distinct_dates, None]}
    headings = {when: month_heading(when) for when in [*distinct_dates, None]}
    starts = dates.map({when: pd.Timestamp(when.start) for when in distinct_dates})
    # The bar runs to the end of the last day of the period.
    ends = dates.map({when: pd.Timestamp(when.end + timedelta(days=1)) for when in distinct_dates})
    places = list(zip(kept["iso2"], kept["country"], strict=True))
    row_labels = {
        (iso2, country): i18n.country_label(iso2, country) if iso2 else _(GLOBAL_ROW)
        for iso2, country in set(places)
    }
    type_labels = {kind: i18n.event_type_label(kind) for kind in set(kept["event_type"])}
    site_names = dataset.sites["name"].to_dict()
    shown_sites = [
        tuple(s for s in ids if s in scope.site_ids) or tuple(ids) for ids in kept["site_ids"]
    ]
    table = pd.DataFrame(
        {
            "event_id": kept["event_id"],
            "date": dates,
            "date_label": [date_labels[when] for when in dates],
            # Whole days: seconds, the unit pandas gives a Timestamp made from a date.
            "start": starts.astype("datetime64[s]"),
            "end": ends.astype("datetime64[s]"),
            "date_precision": kept["date_precision"],
            "month_heading": [headings[when] for when in dates],
            "country": kept["country"],
            "iso2": kept["iso2"],
            "row_label": [row_labels[place] for place in places],
            "event_type": kept["event_type"],
            "type_label": kept["event_type"].map(type_labels),
            "group": group,
            "lane": group.map(LANE_OF_GROUP),
            "actor": kept["actor"],
            "summary": kept["summary"],
            "site_ids": shown_sites,
            "site_names": [", ".join(site_names.get(s, s) for s in ids) for ids in shown_sites],
            "source_ids": kept["source_ids"],
            "order": kept["order"],
        },
        columns=TIMELINE_COLUMNS,
    )
    table["undated"] = table["start"].isna()
    table = table.sort_values(["undated", "start", "order"], kind="stable").drop(columns="undated")
    return table.reset_index(drop=True)


def by_month(events: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The events split under their month headings, in date order (undated last)."""
    # One pass over the table, headings in the order they first appear (the table is in date
    # order): a mask per heading went over 20,000 events forty times.
    return list(events.groupby("month_heading", sort=False))


def count_by_group(events: pd.DataFrame) -> dict[str, int]:
    """How many events each group has, every group listed."""
    counts = events["group"].value_counts()
    return {group: int(counts.get(group, 0)) for group in EVENT_GROUPS}


# The counts above the charts: every event, then the three lanes of the UK's story.
COUNTED_GROUPS = (GROUP_POLICE, GROUP_GOVERNMENT, GROUP_EMBASSY)


def counts_markdown(total: int, counts: Mapping[str, int]) -> str:
    """The counts above the charts as one line of Markdown (texts.counts_line): "Events:
    **195** · Police visits and investigations: **40** · …"."""
    parts = [(_("Events"), total)] + [(_(LANE_OF_GROUP[g]), counts[g]) for g in COUNTED_GROUPS]
    return counts_line(parts)


# --- chart rows ----------------------------------------------------------------------------------


def per_site_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, site) so a single-country chart can have a row per site."""
    exploded = events.assign(site_id=events["site_ids"].map(lambda ids: list(ids) or [""]))
    exploded = exploded.explode("site_id")
    return exploded


def row_per_site(sites: pd.DataFrame) -> bool:
    """Whether the chart of these (filtered) sites has a row per site: they are all in one
    country, and few enough for a row each (see MAX_SITE_ROWS)."""
    return sites["iso2"].nunique() == 1 and len(sites) <= MAX_SITE_ROWS


def chart_rows(
    events: pd.DataFrame, *, per_site: bool, site_names: Mapping[str, str], countries: Iterable[str]
) -> tuple[pd.DataFrame, list[str]]:
    """The dated events with the chart row each is drawn on, and the rows in display order.

    By country: one row per country, worldwide last. By site (`per_site`, for one country):
    one row per site, then the country's own events that name no site, then other countries
    (China answering for every site) and worldwide. An event naming several sites is drawn on
    each of their rows.
    """
    dated = events[events["start"].notna()]
    countries = set(countries)
    worldwide = _(GLOBAL_ROW)
    rows = per_site_rows(dated).reset_index(drop=True) if per_site else dated.copy()
    site_ids = rows["site_id"] if per_site else [""] * len(rows)
    keys = list(zip(site_ids, rows["iso2"], rows["country"], strict=True))

    def place(site_id: str, iso2: str, country: str) -> tuple[str, int]:
        if site_id:
            return site_names.get(site_id, site_id), 0
        if per_site and iso2 in countries:
            name = i18n.country_label(iso2, country)
            return _("{country}: all sites").format(country=name), 1
        if iso2:
            return i18n.country_label(iso2, country), 2
        return worldwide, 3

    # Labelled once per distinct site and country (a few hundred), not once per event.
    placed = {key: place(*key) for key in dict.fromkeys(keys)}
    rows["row_label"] = [placed[key][0] for key in keys]
    ranked = dict(placed.values())
    order = sorted(ranked, key=lambda label: (ranked[label], fold(label)))
    return rows, order


def fold_countries(
    rows: pd.DataFrame, order: list[str], limit: int = MAX_COUNTRY_ROWS
) -> tuple[pd.DataFrame, list[str], int]:
    """A chart by country (`chart_rows` with `per_site` False) with at most `limit` rows of
    countries: past it, the `limit` - 1 countries with the most dated events keep their row
    and the others share one ("120 other countries"), after them and before worldwide.

    Returns the rows, their order and how many countries share the last row (0: none). Every
    event stays on the chart, and a click on the shared row lists its events.
    """
    worldwide = _(GLOBAL_ROW)
    countries = [label for label in order if label != worldwide]
    if len(countries) <= limit:
        return rows, order, 0
    events_per_row = rows["row_label"].value_counts()
    busiest = sorted(countries, key=lambda label: (-events_per_row.get(label, 0), fold(label)))
    kept = set(busiest[: limit - 1])
    others = len(countries) - len(kept)
    shared = n_("{n} other country", "{n} other countries", others).format(n=others)
    own_row = rows["row_label"].isin(kept) | (rows["row_label"] == worldwide)
    rows = rows.assign(row_label=rows["row_label"].where(own_row, shared))
    folded = [label for label in order if label in kept] + [shared]
    return rows, folded + [worldwide] * (worldwide in order), others


def shown_rows(events: pd.DataFrame, row_field: str) -> pd.Series:
    """The row each event is drawn on, as the chart names it (the lanes in the reader's
    language)."""
    if row_field == "lane":
        return events["lane"].map({lane: _(lane) for lane in LANES})
    return events[row_field]
