"""A briefing caption's numbers come from the data: its placeholders, and the check on typed counts.

A caption (`data/briefings.toml`, in English and in each translation) may write a number in
three ways only:

- a **placeholder**, filled when the slide is shown from the slide's own view (its filters and
  its date):
  - `{sites}`, `{countries}`: the sites the slide shows and their countries;
  - `{ever_<status>}`, `{ever_<status>_countries}` for any status (e.g. `{ever_reported_closed}`):
    the sites, and their countries, whose status history up to the slide's date includes that
    status, among the sites the slide's filters allow leaving its status filter aside. So
    "closure was reported for {ever_reported_closed} sites" counts every site for which a
    closure was reported, including those shown today under a later finding, where `{sites}`
    on a slide filtered to `reported_closed` counts only those whose status today is that;
- part of a **date**: a year (1900-2099), a day or year beside a month's name ("6 June 2023",
  "June 2023"), an ISO date, or a number followed by 年, 月 or 日;
- a **figure a source states**, as an event's summary in `events.csv` records it (a report's own
  claim, "at least 102 stations in 53 countries").

Any other bare number (digits not joined to letters, so "E040", "11e" and "3rd" are not counts) is
a typed count: `validate` and the briefing page report it with the caption's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from stationmap.record import schema
from stationmap.record.loader import Dataset
from stationmap.record.status import status_histories

EVER_PREFIX = "ever_"
COUNTRIES_SUFFIX = "_countries"
CAPTION_PLACEHOLDERS = (
    "sites",
    "countries",
    *(f"{EVER_PREFIX}{status}" for status in schema.STATUSES),
    *(f"{EVER_PREFIX}{status}{COUNTRIES_SUFFIX}" for status in schema.STATUSES),
)
# How an error message names the placeholders: the status ones by their pattern.
PLACEHOLDERS_NAMED = "{sites}, {countries}, {ever_<status>}, {ever_<status>_countries}"

PLACEHOLDER = re.compile(r"\{(\w*)\}")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
# A number not joined to a Latin letter or to another digit group ("E040", "11e", "3rd", "1.5"
# as one number). CJK characters around it do not join it: "54个" is a count.
_NUMBER = re.compile(r"(?<![A-Za-z0-9.,])\d+(?:[.,]\d+)*(?![A-Za-z0-9]|[.,]\d)")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_BEFORE_MONTH = re.compile(rf"^\s*(?:{_MONTHS})\b")
_AFTER_MONTH = re.compile(rf"\b(?:{_MONTHS})\.?\s*$")
_CJK_DATE_UNITS = ("年", "月", "日")
FIRST_YEAR, LAST_YEAR = 1900, 2099


def _digits(number: str) -> str:
    return re.sub(r"[.,]", "", number)


def is_date_part(text: str, start: int, end: int) -> bool:
    """Whether the number at text[start:end] is a year or part of a date."""
    number = text[start:end]
    if number.isdigit() and len(number) == 4 and FIRST_YEAR <= int(number) <= LAST_YEAR:
        return True
    if text[end : end + 1] in _CJK_DATE_UNITS:
        return True
    return bool(_BEFORE_MONTH.match(text[end : end + 12]) or _AFTER_MONTH.search(text[:start]))


def typed_counts(caption: str, stated: Iterable[str] = ()) -> list[str]:
    """The numbers of a caption that are typed counts (see the module docstring), in order."""
    text = _ISO_DATE.sub(" ", PLACEHOLDER.sub(" ", caption))
    stated = {_digits(number) for number in stated}
    return [
        match.group()
        for match in _NUMBER.finditer(text)
        if not is_date_part(text, match.start(), match.end())
        and _digits(match.group()) not in stated
    ]


def figures_stated_in_events(dataset: Dataset) -> frozenset[str]:
    """Every number the events' summaries state: figures a caption may quote from a source.
    Once per dataset."""
    if dataset.derived.stated_figures is None:
        numbers: set[str] = set()
        for summary in dataset.events["summary"].tolist():
            numbers.update(_digits(match.group()) for match in _NUMBER.finditer(summary or ""))
        dataset.derived.stated_figures = frozenset(numbers)
    return dataset.derived.stated_figures


def unknown_placeholders(caption: str) -> list[str]:
    """The `{names}` in a caption that are not placeholders."""
    return [name for name in PLACEHOLDER.findall(caption) if name not in CAPTION_PLACEHOLDERS]


def ever_status_counts(dataset: Dataset, sites: pd.DataFrame, on) -> dict[str, int]:
    """`{ever_<status>}` and `{ever_<status>_countries}` for `sites` (rows of a site view):
    how many of them, and in how many countries, had each status at some time up to `on`."""
    histories = status_histories(dataset)
    had: dict[str, set[str]] = {status: set() for status in schema.STATUSES}
    country: Mapping[str, str] = sites["iso2"].to_dict()
    for site_id in sites.index:
        for change in histories.get(site_id, ()):
            if change.effective <= on:
                had[change.status].add(site_id)
    counts: dict[str, int] = {}
    for status, site_ids in had.items():
        counts[f"{EVER_PREFIX}{status}"] = len(site_ids)
        counts[f"{EVER_PREFIX}{status}{COUNTRIES_SUFFIX}"] = len({country[s] for s in site_ids})
    return counts


def fill_caption(caption: str, counts: Mapping[str, int]) -> str:
    """A caption with its placeholders replaced by the slide's own counts."""
    return PLACEHOLDER.sub(
        lambda match: (
            str(counts.get(match.group(1), ""))
            if match.group(1) in CAPTION_PLACEHOLDERS
            else match.group()
        ),
        caption,
    )
