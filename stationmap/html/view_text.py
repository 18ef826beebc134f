"""The map as text, for screen readers and anyone who cannot use the map: pure builders.

A summary of the view (how many sites and countries, on which date, by status and by country)
from the same filtered rows as the headline counts above the map, and the list of those sites
with status and country, each of which the map page lets the reader open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from stationmap import i18n
from stationmap.html.escape import esc, text_of
from stationmap.html.texts import Texts, current_texts
from stationmap.i18n import _, n_
from stationmap.record import schema
from stationmap.record.filters import count_headlines

# The list is for reading through; past this many sites the filters narrow it (the summary
# still counts them all), and a page never draws thousands of buttons.
MAX_LISTED_SITES = 150


@dataclass(frozen=True)
class ListedSite:
    """One entry of the list: the site's id and its line, plain text (escape it where shown)."""

    site_id: str
    text: str


def _country_counts(filtered: pd.DataFrame) -> list[tuple[str, int]]:
    """(country label, sites) for each country, most sites first, then by name."""
    if filtered.empty:
        return []
    counts = filtered.groupby(["iso2", "country"], dropna=False).size()
    labelled = [
        (i18n.country_label(text_of(iso2), text_of(name)), int(count))
        for (iso2, name), count in counts.items()
    ]
    return sorted(labelled, key=lambda item: (-item[1], item[0]))


def summary_html(filtered: pd.DataFrame, on: date, texts: Texts | None = None) -> str:
    """The view in words: totals on a date, then counts by status and by country, escaped."""
    texts = texts or current_texts()
    headline = count_headlines(filtered)
    sites = n_("{count} site", "{count} sites", headline["sites"]).format(count=headline["sites"])
    countries = n_("{count} country", "{count} countries", headline["countries"]).format(
        count=headline["countries"]
    )
    lead = _("Statuses on {date}: {sites} in {countries}.").format(
        date=i18n.day_label(on), sites=sites, countries=countries
    )
    by_status = "".join(
        f"<li>{esc(texts.status_label(status))}: {headline['by_status'][status]}</li>"
        for status in schema.STATUSES
    )
    by_country = "".join(
        f"<li>{esc(label)}: {count}</li>" for label, count in _country_counts(filtered)
    )
    return (
        f'<div class="sm-text-view"><p>{esc(lead)}</p>'
        f"<p><strong>{esc(_('By status'))}</strong></p><ul>{by_status}</ul>"
        f"<p><strong>{esc(_('By country'))}</strong></p><ul>{by_country}</ul></div>"
    )


def _line(name: str, status: str, country: str) -> str:
    return f"{name} \u2014 {status}, {country}" if status else f"{name}, {country}"


def listed_sites(
    filtered: pd.DataFrame, texts: Texts | None = None, limit: int = MAX_LISTED_SITES
) -> list[ListedSite]:
    """The sites of the view by country, then name: "Name — status, country", `limit` at most."""
    texts = texts or current_texts()
    countries: dict[tuple[str, str], str] = {}
    rows = []
    columns = filtered[["iso2", "country", "name", "status"]]
    for site_id, iso2, country_name, name, status in columns.itertuples(name=None):
        where = (text_of(iso2), text_of(country_name))
        if where not in countries:
            countries[where] = i18n.country_label(*where)
        label = texts.status_label(status) if status in schema.STATUSES else ""
        rows.append((countries[where], text_of(name), str(site_id), label))
    rows.sort()
    return [
        ListedSite(site_id, _line(name, status, country))
        for country, name, site_id, status in rows[:limit]
    ]
