"""The events of a timeline table as an HTML list, under their month headings, with sources.

Every string from the data is escaped, and a source becomes a link only through
`popups.source_list_html` (http(s) only). The list's styles are in web/timeline-list.css.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from stationmap import browser_code
from stationmap.html.escape import esc
from stationmap.html.popups import source_list_html
from stationmap.i18n import _
from stationmap.timeline.events import (
    EVENT_GROUPS,
    GROUP_COLORS,
    UNDATED_HEADING,
    by_month,
    group_label,
)

# The page lists every event, with its sources, up to this many; past it, one month at a time:
# 20,000 events made 10 MB of HTML for the browser to lay out.
MAX_LISTED_EVENTS = 1_000

LIST_CSS = browser_code.read("web/timeline-list.css")
# What makes `jump_html`'s links move focus: the map's skip link's script, which does that for
# any link with a data-sm-skip attribute (a CSS selector). Drawn with unsafe_allow_javascript.
JUMP_SCRIPT = browser_code.script("web/skip-link.js", "stationmap.bindSkipLinks")


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


# The list's anchors: the first month of each year, and the events with no known date.
UNDATED_ANCHOR = "sm-undated"


def year_anchor(year: int) -> str:
    """The id of a year's first month heading in the list: 'sm-year-2023'."""
    return f"sm-year-{year}"


def _anchor_of(month: pd.DataFrame) -> str:
    """The anchor of a month's year (by_month keeps a month's events together, in order)."""
    start = month["start"].iloc[0]
    return UNDATED_ANCHOR if pd.isna(start) else year_anchor(int(start.year))


def months_html(events: pd.DataFrame, sources: Mapping[str, Mapping]) -> str:
    """Every event under its month heading ('June 2023', …, 'Date not known' last); the first
    heading of each year is the target of `jump_html`'s link to it."""
    parts, anchored = [], set()
    for heading, month in by_month(events):
        anchor = _anchor_of(month)
        target = ""
        if anchor not in anchored:
            anchored.add(anchor)
            # Focusable by the link, not by Tab: the reader goes on from the heading.
            target = f' id="{anchor}" tabindex="-1"'
        parts.append(
            f'<h4 class="sm-month"{target}>{esc(heading)}</h4>{event_list_html(month, sources)}'
        )
    return "".join(parts)


def jump_html(events: pd.DataFrame) -> str:
    """Links to each year of the list (and its events with no known date), in its order, for
    a reader of a long list; empty when the list holds one year or none."""
    targets: dict[str, str] = {}
    for heading, month in by_month(events):
        anchor = _anchor_of(month)
        if anchor not in targets:
            undated = anchor == UNDATED_ANCHOR
            targets[anchor] = heading if undated else anchor.removeprefix("sm-year-")
    if len(targets) < 2:
        return ""
    # A link moves focus to its heading and scrolls it into view by script (JUMP_SCRIPT), not
    # by the address: a jump by the address was undone, now and then, by a scroll back of some
    # thousands of pixels once the list had been made on request. Without the script, the
    # address still takes the reader there.
    links = "".join(
        f'<li><a href="#{anchor}" data-sm-skip="#{anchor}">{esc(label)}</a></li>'
        for anchor, label in targets.items()
    )
    label = esc(_("Jump to a year"))
    return (
        f'<nav class="sm-jump" aria-label="{label}"><span>{esc(_("Jump to:"))}</span>'
        f"<ul>{links}</ul></nav><script>{JUMP_SCRIPT}</script>"
    )


def shown_kinds(events: pd.DataFrame) -> list[str]:
    """The kinds of dated event among `events` (their groups), in the timeline's order: what a
    chart of them draws."""
    present = set(events.loc[events["start"].notna(), "group"])
    return [group for group in EVENT_GROUPS if group in present]


def kinds_legend_html(events: pd.DataFrame) -> str:
    """A chart's legend as a list: the colour of each kind of event it draws, named in words.

    In the page, not in the chart: Vega lays a legend out in fixed columns that run off a
    narrow chart ("…diplomatic res"); words in a list wrap. The colours come from the
    timeline's own table, never from the data; the names are escaped.
    """
    items = "".join(
        f'<li><span class="sm-kind-swatch" style="background:{GROUP_COLORS[group]}"></span>'
        f"{esc(group_label(group))}</li>"
        for group in shown_kinds(events)
    )
    return f'<ul class="sm-kinds" aria-label="{esc(_("Kinds of event"))}">{items}</ul>'
