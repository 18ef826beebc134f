"""The status counts and the map legend: every status with its colour, letter and count.

Pure HTML builders, like `stationmap.html.popups` (whose chips and escaping they use): the map's
legend, the headline counts under the map and the sources page's counts per status.
"""

from __future__ import annotations

from collections.abc import Mapping

from stationmap.html import popups
from stationmap.html.escape import esc
from stationmap.html.texts import Texts, current_texts
from stationmap.record import schema


def status_counts_html(by_status: Mapping[str, int], texts: Texts | None = None) -> str:
    """Per-status counts as chips in the status colours, every status listed (zeros too)."""
    texts = texts or current_texts()
    items = "".join(
        f'<li class="sm-count" data-status="{esc(status)}">'
        f"{popups.status_chip_html(status)} {esc(texts.status_label(status))}: "
        f'<strong class="sm-count-value">{int(by_status.get(status, 0))}</strong></li>'
        for status in schema.STATUSES
    )
    return f'<ul class="sm-counts">{items}</ul>'


def legend_html(
    by_status: Mapping[str, int],
    *,
    country_level: int,
    unplaced: int = 0,
    texts: Texts | None = None,
    compact: bool = False,
) -> str:
    """The map legend: every status with colour, symbol and count, and the country-row shape.

    `compact` lists only the statuses (and the country-row shape) that are on the map, for a
    briefing slide, whose legend must not outweigh its few markers.
    """
    texts = texts or current_texts()
    rows = [
        f'<li data-status="{esc(status)}">{popups.status_chip_html(status)} '
        f"{esc(texts.status_label(status))} "
        f'<span class="sm-legend-count">{int(by_status.get(status, 0))}</span></li>'
        for status in schema.STATUSES
        if not compact or by_status.get(status, 0)
    ]
    if not compact or country_level:
        rows.append(
            '<li data-status="country-level">'
            '<span class="sm-chip sm-chip-country" aria-hidden="true"></span> '
            f"{esc(texts.legend_country_level)} "
            f'<span class="sm-legend-count">{int(country_level)}</span></li>'
        )
    note = ""
    if unplaced:
        text = texts.legend_unplaced.format(count=int(unplaced))
        note = f'<p class="sm-legend-note">{esc(text)}</p>'
    # A <details> element, so a presenter can fold the legend away with one click.
    return (
        '<details class="sm-legend" open>'
        f'<summary class="sm-legend-title">{esc(texts.legend_title)}</summary>'
        f"<ul>{''.join(rows)}</ul>{note}</details>"
    )
