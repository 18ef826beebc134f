"""The tables of the sites and sources pages, built from the site view: pure, no Streamlit.

Dates are kept as the text they were written in ('2022-09-12', '2023-06', '2023'), which sorts
in date order, and are shown at their own precision ('June 2023'): in the sites table by a
column whose options carry each date's words (`date_labels`), in the small tables by the pandas
Styler that `style_table` returns. In the sites table a status is a tag in the map's colour
(`palette.STATUS_TAG_COLORS`) with its name, so colour is never the only cue, and a basis that
calls for caution is a dark orange tag (`basis_tags`). A Styler would cost about a second a run
at 10,000 sites: Streamlit sends it cell by cell.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa
from pandas.io.formats.style import Styler

from stationmap import browser_code, i18n
from stationmap.html import palette, popups
from stationmap.html.escape import esc, safe_href
from stationmap.html.texts import Texts, current_texts
from stationmap.i18n import N_, _
from stationmap.record import schema, staleness
from stationmap.record.basis import WEAK, is_single_source
from stationmap.record.dates import PartialDate, PartialDateError, parse_partial_date
from stationmap.record.filters import UNKNOWN_BUREAU
from stationmap.record.loader import Dataset

# Status straight after the name, and the Details action after it: the column people come for
# stays in view on a 1280-pixel screen, left of the wide ones.
SITE_TABLE_COLUMNS = [
    "name",
    "status",
    "details",
    "country",
    "city",
    "precision",
    "operating_bureau",
    "status_since",
    "first_reported",
    "event_count",
    "source_count",
    "basis",
    "independent_sources",
    "status_source",
]
COUNTRY_SUMMARY_COLUMNS = ["country", "sites", *schema.STATUSES, "latest_event"]
SOURCE_TABLE_COLUMNS = [
    "publisher",
    "title",
    "date",
    "kind",
    "sites",
    "events",
    "url",
]
# The label of each row's button that opens the site's details below the table.
DETAILS_ACTION = N_("Details")
# How the sites table marks a basis that rests on one publisher, after the basis itself.
SINGLE_SOURCE = N_("single source")
# Characters of a digest in a widget key: enough that two selections never share a key.
KEY_DIGEST_CHARS = 12


def iso_text(value: PartialDate | None) -> str | None:
    """A date as written ('2023-06'), which sorts in date order; None when unknown."""
    return value.iso() if isinstance(value, PartialDate) else None


def date_display(value: object) -> str:
    """An ISO partial date ('2023-06') in words at its precision ('June 2023'); '' if empty."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        return i18n.date_label(parse_partial_date(value))
    except PartialDateError:
        return value


def _first_link(source_ids: Iterable[str], urls: pd.Series) -> str | None:
    for source_id in source_ids:
        if source_id in urls.index and (href := safe_href(urls[source_id])):
            return href
    return None


def status_source_url(site: pd.Series, dataset: Dataset) -> str | None:
    """A link to the source of a site's current status: the first http(s) source of the event
    that set it, else the site's own first one. None if neither has a followable link."""
    urls = dataset.sources["url"]
    event_id = site.get("status_event_id")
    if isinstance(event_id, str) and event_id in dataset.events.index:
        if link := _first_link(dataset.events.at[event_id, "source_ids"], urls):
            return link
    return _first_link(site.get("source_ids") or (), urls)


def basis_text(site: pd.Series, texts: Texts) -> str:
    """What a site rests on, in words; a single-source site says so ('Media only · single
    source'), as a weak one does by its label ('Weak sources only')."""
    return _basis_words(site["basis"], is_single_source(site["independent_sources"]), texts)


def _basis_words(basis: str, single_source: bool, texts: Texts) -> str:
    text = texts.basis_label(basis)
    if single_source:
        text += " · " + i18n.gettext(SINGLE_SOURCE, texts.language)
    return text


def basis_tags(texts: Texts) -> dict[str, str]:
    """Every basis the sites table can show, in words, with the colour of its tag: dark orange
    for one that calls for caution (weak or single source), a plain light tag otherwise."""
    tags = {}
    for basis in schema.BASES:
        for single_source in (False, True):
            caution = basis == WEAK or single_source
            tags[_basis_words(basis, single_source, texts)] = (
                palette.CAUTION_TAG_COLOR if caution else palette.PLAIN_TAG_COLOR
            )
    return tags


def status_tags(texts: Texts) -> dict[str, str]:
    """Every status in words, with the colour of its tag in the sites table (the map's)."""
    return {
        texts.status_label(status): palette.STATUS_TAG_COLORS[status] for status in schema.STATUSES
    }


def site_table(filtered: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """One row per filtered site (rows of the site view), indexed by site id, in view order.

    Text is in the reader's language; `status` and `basis` are one-item lists of their words
    (the tags the table draws: a list, as words may hold a comma the table would split on);
    dates are ISO text (see the module docstring); `status_source` is an http(s) link or None;
    `details` is the label of the row's button that opens its details.
    """
    texts = current_texts()
    details = i18n.gettext(DETAILS_ACTION, texts.language)
    not_reported = i18n.bureau_label(UNKNOWN_BUREAU)
    rows = []
    for site_id, site in filtered.iterrows():
        country_level = popups.is_country_level(site)
        rows.append(
            {
                "site_id": site_id,
                "name": site["name"],
                "country": i18n.country_label(site["iso2"], site["country"]),
                "city": site["city"] or (texts.city_not_reported if country_level else ""),
                "precision": texts.precision_label(site["precision"]),
                "operating_bureau": site["operating_bureau"] or not_reported,
                "status": [texts.status_label(site["status"])] if site["status"] else None,
                "details": details,
                "status_since": iso_text(site["status_since"]),
                "first_reported": iso_text(site["first_reported"]),
                "event_count": int(site["event_count"]),
                "source_count": int(site["source_count"]),
                "basis": [basis_text(site, texts)],
                "independent_sources": int(site["independent_sources"]),
                "status_source": status_source_url(site, dataset),
            }
        )
    table = pd.DataFrame(rows, columns=["site_id", *SITE_TABLE_COLUMNS])
    return table.set_index("site_id").rename_axis(None)


# Columns of the sites table whose few distinct words repeat from row to row: the grid gets
# each word once (Arrow dictionary encoding) instead of once per row.
REPEATED_TEXT_COLUMNS = (
    "details",
    "country",
    "city",
    "precision",
    "operating_bureau",
    "status_since",
    "first_reported",
    "status_source",
)
# Columns of tags (the status, the basis): each cell a list of one word. The grid reads a text
# cell written as a JSON list as that list, so the cells go as text, repeated words once
# (Arrow dictionary encoding): at 10,000 sites a list column took 245-450 KB of the grid's
# 1.5 MB, and a JSON list is not split on the commas a word may hold, as plain text would be.
TAG_COLUMNS = ("status", "basis")
# Counts of events and sources, far under 2**31: four bytes a cell instead of eight.
COUNT_COLUMNS = ("event_count", "source_count", "independent_sources")


# The sites table's dates, shown in words by their column's options (`date_labels`).
SITE_DATE_COLUMNS = ("status_since", "first_reported")


@dataclass(frozen=True)
class SitesGrid:
    """The sites table (indexed by site id), the same rows as the grid gets them
    (`grid_table`) already in Arrow, the words of every date they hold (`date_labels`) and
    the digest of the rows' ids (`ids_digest`).

    Each is made once per filters and shared: at 10,000 sites, turning the grid's rows into
    Arrow took about 25 ms of every run and the digest 15 ms (both walk every row).
    """

    table: pd.DataFrame
    grid: pa.Table
    dates: dict[str, str]
    digest: str

    def selection_key(self, prefix: str) -> str:
        """`selection_key(prefix, ids)` for these rows, from the digest made once."""
        return f"{prefix}-{self.digest}"


def sites_grid(filtered: pd.DataFrame, dataset: Dataset) -> SitesGrid:
    """All the sites page's table needs, built at once: one shared cache entry to look up on
    each run instead of three (a look-up hashes the filters, a few milliseconds each)."""
    table = site_table(filtered, dataset)
    return SitesGrid(
        table,
        pa.Table.from_pandas(grid_table(table), preserve_index=False),
        date_labels(table, SITE_DATE_COLUMNS),
        ids_digest(table.index),
    )


def grid_table(table: pd.DataFrame) -> pd.DataFrame:
    """The sites table as the grid gets it: the same rows and values, with row numbers for an
    index (the grid hides it; site ids would add about 180 KB at 10,000 sites), repeated
    words (cities, status sources too) as categories, tags as categories of JSON lists
    (`TAG_COLUMNS`) and counts as 32-bit integers: at 10,000 sites 0.8 MB of Arrow, from
    3.1 MB with none of this (2.0 MB before cities, sources and counts were added, 1.5 MB
    before the tags)."""
    grid = table.reset_index(drop=True)
    for column in TAG_COLUMNS:
        grid[column] = grid[column].map(_json_list, na_action="ignore").astype("category")
    for column in REPEATED_TEXT_COLUMNS:
        grid[column] = grid[column].astype("category")
    for column in COUNT_COLUMNS:
        grid[column] = grid[column].astype("int32")
    return grid


def _json_list(words: list[str]) -> str:
    """A list of words as the grid reads it back from text: JSON, non-ASCII kept as it is."""
    return json.dumps(list(words), ensure_ascii=False)


def _event_dates_by_country(filtered: pd.DataFrame, dataset: Dataset) -> dict[str, date]:
    """The latest event date per country: events naming its filtered sites, or the country
    itself without naming a site."""
    country_of_site = filtered["iso2"].to_dict()
    latest: dict[str, PartialDate] = {}
    for event in dataset.events.itertuples(index=False):
        if event.date is None:
            continue
        if event.site_ids:
            countries = {country_of_site[s] for s in event.site_ids if s in country_of_site}
        else:
            countries = {event.iso2} if event.iso2 else set()
        for iso2 in countries:
            if iso2 not in latest or event.date > latest[iso2]:
                latest[iso2] = event.date
    return latest


def country_summary(filtered: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Per country of the filtered sites: how many, how many per status, the latest event.

    Indexed by ISO code, most sites first; status columns are keyed by status.
    """
    latest = _event_dates_by_country(filtered, dataset)
    rows = []
    for iso2, sites in filtered.groupby("iso2", sort=False):
        counts = sites["status"].value_counts()
        rows.append(
            {
                "iso2": iso2,
                "country": i18n.country_label(iso2, sites["country"].iloc[0]),
                "sites": len(sites),
                **{status: int(counts.get(status, 0)) for status in schema.STATUSES},
                "latest_event": iso_text(latest.get(iso2)),
            }
        )
    table = pd.DataFrame(rows, columns=["iso2", *COUNTRY_SUMMARY_COLUMNS])
    table = table.sort_values(
        ["sites", "country"], ascending=[False, True], key=_sort_key, kind="stable"
    )
    return table.set_index("iso2").rename_axis(None)


def _sort_key(column: pd.Series) -> pd.Series:
    return column.map(str.casefold) if column.dtype == object else column


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """Per source id: how many sites it supports (cited by the site or by one of its events)
    and how many events cite it."""
    sites: dict[str, set[str]] = {source_id: set() for source_id in dataset.sources.index}
    events: dict[str, int] = dict.fromkeys(dataset.sources.index, 0)
    for site_id, source_ids in dataset.sites["source_ids"].items():
        for source_id in source_ids:
            sites.setdefault(source_id, set()).add(site_id)
    for event in dataset.events.itertuples(index=False):
        for source_id in event.source_ids:
            events[source_id] = events.get(source_id, 0) + 1
            sites.setdefault(source_id, set()).update(event.site_ids)
    return pd.DataFrame(
        {
            "sites": pd.Series({k: len(v) for k, v in sites.items()}, dtype="int64"),
            "events": pd.Series(events, dtype="int64"),
        },
        index=dataset.sources.index,
    )


def sources_cited(
    dataset: Dataset, site_ids: Iterable[str], events: pd.DataFrame
) -> frozenset[str]:
    """The ids of the loaded sources that these sites' own rows or these events cite.

    `events` is any table of events with a `source_ids` column (a timeline's selection): a
    view's sources are those of its sites and of the events shown with them.
    """
    rows = dataset.sites.loc[dataset.sites.index.intersection(list(site_ids)), "source_ids"]
    cited = {source_id for ids in rows for source_id in ids}
    cited.update(source_id for ids in events["source_ids"] for source_id in ids)
    return frozenset(cited) & frozenset(dataset.sources.index)


def source_table(dataset: Dataset, only: Collection[str] | None = None) -> pd.DataFrame:
    """Every source (or those in `only`), newest first: publisher, title, date (ISO), kind in
    words, the sites and events it supports (in the whole dataset), and its link (None unless
    http(s)). Indexed by source id."""
    sources = dataset.sources
    if only is not None:
        sources = sources[sources.index.isin(list(only))]
    usage = source_usage(dataset)
    undated_last = sources["date"].map(lambda d: d.start if d is not None else date.min)
    ordered = sources.assign(_sort=undated_last).sort_values(
        ["_sort", "publisher"], ascending=[False, True], kind="stable"
    )
    table = pd.DataFrame(
        {
            "publisher": ordered["publisher"],
            "title": ordered["title"],
            "date": ordered["date"].map(iso_text),
            "kind": ordered["kind"].map(i18n.source_kind_label),
            "sites": usage.loc[ordered.index, "sites"],
            "events": usage.loc[ordered.index, "events"],
            "url": ordered["url"].map(safe_href),
        },
        columns=SOURCE_TABLE_COLUMNS,
    )
    return table.rename_axis(None)


def source_table_html(
    dataset: Dataset, only: Collection[str] | None = None, first: int | None = None
) -> str:
    """Every source (or those in `only`) as an HTML table, newest first, for the sources page;
    or its `first` rows only.

    The link text is the publisher and title, never the address (whose slug may carry the name
    of a business whose involvement was denied); then the copy read, a weak mark and the note,
    as in the popups. Every value is escaped; only http(s) addresses become links.
    """
    texts = current_texts()
    sources = dataset.sources
    table = source_table(dataset, only)
    if first is not None:
        table = table.head(first)
    headers = (_("Source"), _("Date"), _("Kind"), _("Sites"), _("Events"))
    head = "".join(f'<th scope="col">{esc(header)}</th>' for header in headers)
    rows = []
    for source_id, row in table.iterrows():
        source = sources.loc[source_id].to_dict()
        rows.append(
            f'<tr id="source-{esc(source_id)}">'
            f"<td>{popups.source_link_html(source)}{popups.source_extras_html(source, texts)}</td>"
            f'<td class="sm-nowrap">{esc(texts.date(source.get("date")))}</td>'
            f"<td>{esc(row['kind'])}</td>"
            f'<td class="sm-number">{int(row["sites"])}</td>'
            f'<td class="sm-number">{int(row["events"])}</td></tr>'
        )
    # The columns' widths, the same for any rows (web/sources.css).
    columns = "".join(
        f'<col class="{name}">' if name else "<col>"
        for name in ("", "sm-col-date", "sm-col-kind", "sm-col-count", "sm-col-count")
    )
    return (
        f"<style>{browser_code.read('web/sources.css')}{popups.POPUP_CSS}</style>"
        f'<table class="sm-source-table"><colgroup>{columns}</colgroup>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


LATEST_CHECK_COLUMNS = ["name", "country", "latest_source_date", "source"]


def latest_check_table(dataset: Dataset) -> pd.DataFrame:
    """Per site, oldest first: when a source naming it was last dated, and which source
    ('publisher — title'); sites with no dated source first. Indexed by site id."""
    checks = staleness.latest_checks(dataset)
    iso2 = dataset.sites["iso2"]
    table = pd.DataFrame(
        {
            "name": checks["name"],
            "country": [
                i18n.country_label(iso2[site_id], country)
                for site_id, country in zip(checks.index, checks["country"], strict=True)
            ],
            "latest_source_date": [iso_text(when) for when in checks["latest_source_date"]],
            "source": [
                f"{publisher} — {title}" if source_id else _("No dated source")
                for source_id, publisher, title in zip(
                    checks["source_id"], checks["publisher"], checks["title"], strict=True
                )
            ],
        },
        index=checks.index,
        columns=LATEST_CHECK_COLUMNS,
    )
    return table.rename_axis(None)


def style_table(table: pd.DataFrame, *, date_columns: Sequence[str] = ()) -> Styler:
    """The table with its dates shown in words; the values underneath stay as they are, so
    sorting a date column sorts by date. For small tables: Streamlit sends a Styler cell by cell
    (the sites table uses `date_labels` instead)."""
    styler = table.style.format(date_display, subset=list(date_columns), na_rep="")
    return styler.format(na_rep="", subset=[c for c in table.columns if c not in date_columns])


def date_labels(table: pd.DataFrame, columns: Iterable[str]) -> dict[str, str]:
    """Each date written in these columns (ISO text), oldest first, with its words: the options
    of a column that shows the words and sorts by the date."""
    written = {value for column in columns for value in table[column].dropna()}
    return {value: date_display(value) for value in sorted(written)}


# st.dataframe's rows and header are 35 pixels each; past this many rows the table scrolls.
TABLE_ROW_PX = 35
TABLE_MAX_VISIBLE_ROWS = 10
# The table's border, and the room around it in the box that holds its place.
TABLE_FRAME_PX = 3


def table_height(rows: int) -> int:
    """The pixel height a table of `rows` rows is drawn at (header included, at least one row
    tall): the page reserves it before the table's code has loaded, so nothing below moves."""
    visible = min(max(rows, 1), TABLE_MAX_VISIBLE_ROWS)
    return (visible + 1) * TABLE_ROW_PX + TABLE_FRAME_PX


# The sources page's table of links: a box this tall at most, in which it scrolls (its header
# stays in view), and about this much per row for a shorter table (a title of two lines).
SOURCE_TABLE_MAX_PX = 600
SOURCE_TABLE_HEAD_PX = 36
SOURCE_ROW_PX = 50
# Opened from another page, the sources page draws this many rows of a longer table first (the
# box shows a dozen), and the whole table in the run that starts once they show: the browser
# took 0.2 s to lay out a thousand rows before anything of the page showed.
SOURCE_FIRST_ROWS = 40


def source_table_height(rows: int) -> int:
    """The height of the box the sources page keeps for a table of `rows` sources, before the
    table's code has loaded: drawn into it, the table moves nothing under it."""
    return min(SOURCE_TABLE_HEAD_PX + max(rows, 1) * SOURCE_ROW_PX, SOURCE_TABLE_MAX_PX)


def ids_digest(ids: Iterable[str]) -> str:
    """A short digest of row ids, in their order."""
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:KEY_DIGEST_CHARS]


def selection_key(prefix: str, ids: Iterable[str]) -> str:
    """A widget key that changes whenever the rows change, so a selection never points at a
    row that moved: `prefix` and a digest of the ids."""
    return f"{prefix}-{ids_digest(ids)}"
