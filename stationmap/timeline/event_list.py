"""The events of a timeline table as an HTML list, under their month headings, with sources.

Every string from the data is escaped, and a source becomes a link only through
`popups.source_list_html` (http(s) only). The list's styles are in web/timeline-list.css.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from stationmap import browser_code
from stationmap.html.popups import esc, source_list_html
from stationmap.i18n import _
from stationmap.timeline.events import GROUP_COLORS, UNDATED_HEADING, by_month

# The page lists every event, with its sources, up to this many; past it, one month at a time:
# 20,000 events made 10 MB of HTML for the browser to lay out.
MAX_LISTED_EVENTS = 1_000

LIST_CSS = browser_code.read("web/timeline-list.css")


def latest_month(headings: list[str]) -> int:
    """Which of `by_month`'s headings is the latest month with a date (the last heading, if
    none has one): where a list of one month at a time opens."""
    undated = _(UNDATED_HEADING)
    dated = [index for index, heading in enumerate(headings) if heading != undated]
    return dated[-1] if dated else max(len(headings) - 1, 0)


def event_item_html(event: Mapping, sources: Mapping[str, Mapping]) -> str:
    """One event of the timeline: date, kind, actor, summary, sites and its sources as links."""
    color = GROUP_COLORS.get(event.get("group"), "#999999")
    sites = ""
    if event.get("site_names"):
        label = _("Sites: {names}").format(names=event["site_names"])
        sites = f'<p class="sm-sites">{esc(label)}</p>'
    return (
        f'<li style="border-left-color:{color}" data-event="{esc(event.get("event_id"))}">'
        f'<p><span class="sm-date">{esc(event.get("date_label"))}</span> · '
        f'<span class="sm-group">{esc(event.get("type_label"))}</span> · '
        f"<strong>{esc(event.get('actor'))}</strong></p>"
        f"<p>{esc(event.get('summary'))}</p>"
        f"{sites}"
        f"{source_list_html(event.get('source_ids', ()), sources)}"
        "</li>"
    )


def event_list_html(events: pd.DataFrame, sources: Mapping[str, Mapping]) -> str:
    """Events (rows of a timeline table) as a list, in the order given."""
    items = "".join(event_item_html(event, sources) for event in events.to_dict("records"))
    return f'<ol class="sm-timeline">{items}</ol>'


def months_html(events: pd.DataFrame, sources: Mapping[str, Mapping]) -> str:
    """Every event under its month heading ('June 2023', …, 'Date not known' last)."""
    return "".join(
        f'<h4 class="sm-month">{esc(heading)}</h4>{event_list_html(month, sources)}'
        for heading, month in by_month(events)
    )
