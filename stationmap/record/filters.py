"""The filters every page shares, applied by pure functions to the site view.

`FilterState` is what a person chose in the sidebar (and what the URL carries); an empty
selection means "no restriction", so a fresh link shows everything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stationmap.record import schema

# Columns the free-text search looks in: names, places and notes, never ids.
SEARCHABLE_COLUMNS = ("name", "country", "city", "locality", "operating_bureau", "notes")


@dataclass(frozen=True)
class FilterState:
    """What to show. Empty tuples and None mean no restriction."""

    statuses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO alpha-2 codes
    regions: tuple[str, ...] = ()
    bureaus: tuple[str, ...] = ()
    # What the sites rest on (schema.BASES, see stationmap.record.basis).
    bases: tuple[str, ...] = ()
    reported_from: date | None = None
    reported_to: date | None = None
    text: str = ""
    as_of: date | None = None  # the date statuses are derived for; None = today


# Shown in the bureau filter for sites whose bureau no source names.
UNKNOWN_BUREAU = "Not reported"

_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Lower-case text without accents, so 'kobanya' finds 'Kőbánya'."""
    if text.isascii():
        # The common case, and a quick one: ASCII has nothing to decompose or strip, and it
        # casefolds as it lowercases.
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Accents are never ASCII: only the other characters need a look.
    return _NOT_ASCII.sub(_unless_combining, decomposed)


def _unless_combining(match: re.Match) -> str:
    char = match.group()
    return "" if unicodedata.combining(char) else char


def apply_filters(view: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The rows of a site view that the filters allow; unreported sites are always hidden."""
    return view[allowed_mask(view, state)]


def allowed_mask(
    view: pd.DataFrame, state: FilterState, *, reported_only: bool = True
) -> pd.Series:
    """Which rows of a site view the filters allow, as booleans aligned with it.

    `reported_only` False keeps sites not yet reported on the view's date (a map with a play
    control shows them once they are), without copying the view to say so.
    """
    keep = view["reported"].astype(bool) if reported_only else pd.Series(True, index=view.index)
    if state.statuses:
        keep &= view["status"].isin(state.statuses)
    if state.countries:
        keep &= view["iso2"].isin(state.countries)
    if state.regions:
        keep &= view["region"].isin(state.regions)
    if state.bureaus:
        bureau = view["operating_bureau"].where(view["operating_bureau"] != "", UNKNOWN_BUREAU)
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
        needle = fold(state.text.strip())
        # Each site's searchable text as one string, joined in plain Python: pandas' own string
        # joins convert every cell of every column, and this runs on each rerun with a search.
        columns = (view[column].astype(str).tolist() for column in SEARCHABLE_COLUMNS)
        haystacks = (" ".join(texts) for texts in zip(*columns, strict=True))
        keep &= np.array([needle in fold(haystack) for haystack in haystacks], dtype=bool)
    return keep.astype(bool)


def filter_options(view: pd.DataFrame) -> dict[str, list]:
    """The choices each filter offers, from the data itself, sorted for people."""
    # Distinct values first: the sidebar asks on every rerun, and iterating every site's text
    # one by one is what costs.
    bureaus = sorted(b for b in view["operating_bureau"].unique() if b)
    if (view["operating_bureau"] == "").any():
        bureaus.append(UNKNOWN_BUREAU)
    countries = (
        view[["iso2", "country"]]
        .drop_duplicates("iso2")
        .sort_values("country", key=lambda names: names.map(fold))
    )
    firsts = [d.start for d in view["first_reported"] if d is not None]
    return {
        "statuses": list(schema.STATUSES),
        "countries": list(countries.itertuples(index=False, name=None)),
        "regions": sorted(view["region"].unique()),
        "bureaus": bureaus,
        "bases": list(schema.BASES),
        "first_reported_range": (min(firsts), max(firsts)) if firsts else None,
    }


def count_headlines(filtered: pd.DataFrame) -> dict:
    """Headline counts for the filtered sites: sites, countries and sites per status."""
    counts = filtered["status"].value_counts()
    return {
        "sites": len(filtered),
        "countries": int(filtered["iso2"].nunique()),
        "by_status": {status: int(counts.get(status, 0)) for status in schema.STATUSES},
    }
