"""HTML for the map's tooltips, popups and legend, and for the site details under the map.

Every function here is pure and returns a string of HTML. Every value that comes from the data
goes through `escape.esc` on its way in, and a source becomes a link only through
`escape.link_html` (plain http(s) addresses only; see `stationmap.html.escape`). Interface texts
come translated once per language in a `texts.Texts` (see `stationmap.html.texts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from stationmap import browser_code, i18n
from stationmap.html import palette
from stationmap.html.escape import LINK_ATTRIBUTES, esc, link_html, safe_href, text_of
from stationmap.html.texts import Texts, current_texts
from stationmap.record import schema
from stationmap.record.basis import WEAK, is_single_source
from stationmap.record.dates import PartialDate, resolve_day
from stationmap.record.loader import Dataset
from stationmap.record.status import status_histories

# Styles for the HTML below, in the map's document (popups) and on the page (details).
POPUP_CSS = browser_code.read("web/popup.css")


def _status_change_css() -> str:
    # A status change in a popup is marked by a chip drawn in CSS, not by markup: a popup
    # travels once per site in the map's data, a style rule once per status. The letter's
    # empty alternative text keeps screen readers to the status's name, which follows it.
    rules = []
    for status in schema.STATUSES:
        symbol = palette.STATUS_SYMBOLS[status]
        rules.append(
            f'.sm-to-{status}::before {{ content: "{symbol}"; content: "{symbol}" / ""; '
            f"background: {palette.STATUS_COLORS[status]}; "
            f"color: {palette.STATUS_TEXT_COLORS[status]}; }}"
        )
    return "\n".join(rules) + "\n"


POPUP_CSS += _status_change_css()
POPUP_CSS += browser_code.read("web/caution.css")
# Chinese text in the popups, legend and details takes the CJK fonts of its script.
POPUP_CSS += i18n.font_css()


# --- small pieces ------------------------------------------------------------------------------


def is_country_level(site: Mapping) -> bool:
    """True for a row that stands for a country or region whose sources name no city."""
    return site.get("precision") == "country"


def status_chip_html(status: str, text: str = "") -> str:
    """A small disc in the status colour holding its symbol letter, then `text` (HTML)."""
    background = palette.STATUS_COLORS.get(status, "#777777")
    foreground = palette.STATUS_TEXT_COLORS.get(status, "#FFFFFF")
    symbol = palette.STATUS_SYMBOLS.get(status, "?")
    chip = (
        f'<span class="sm-chip" style="background:{background};color:{foreground}" '
        f'aria-hidden="true">{esc(symbol)}</span>'
    )
    return f"{chip} {text}" if text else chip


def event_sort_key(event: Mapping) -> tuple:
    """Dated events by date, then in file order; undated events last (as views.events_by_site)."""
    when = event.get("date")
    dated = isinstance(when, PartialDate)
    return (not dated, when.start if dated else date.max, event.get("order", 0))


def ordered_events(events: Iterable[Mapping]) -> list[Mapping]:
    """Events in date order, undated ones last."""
    return sorted(events, key=event_sort_key)


def events_by_site(
    events: Iterable[Mapping], site_ids: Iterable[str], as_of: date | None = None
) -> dict[str, list[Mapping]]:
    """Each site's events up to `as_of` (undated ones included), in date order."""
    wanted = set(site_ids)
    by_site: dict[str, list[Mapping]] = {site_id: [] for site_id in wanted}
    for event in events:
        when = event.get("date")
        if as_of is not None and isinstance(when, PartialDate) and when.start > as_of:
            continue
        for site_id in event["site_ids"]:
            if site_id in wanted:
                by_site[site_id].append(event)
    return {site_id: ordered_events(found) for site_id, found in by_site.items()}


def events_of_site(events: pd.DataFrame, site_id: str, as_of: date | None = None) -> list[Mapping]:
    """The events (rows of the events table) naming one site, up to `as_of`, in date order."""
    naming = events[events["site_ids"].map(lambda ids: site_id in ids)]
    return events_by_site(naming.to_dict("records"), [site_id], as_of)[site_id]


def site_source_ids(site: Mapping, events: Iterable[Mapping]) -> list[str]:
    """Every source a site cites itself or through its events, without repeats, in order found."""
    ids = dict.fromkeys(site.get("source_ids", ()))
    for event in events:
        ids.update(dict.fromkeys(event.get("source_ids", ())))
    return list(ids)


def source_sort_key(source: Mapping) -> tuple:
    """Sources by date (undated last), then publisher."""
    when = source.get("date")
    dated = isinstance(when, PartialDate)
    return (not dated, when.start if dated else date.max, text_of(source.get("publisher")))


# --- sources -----------------------------------------------------------------------------------


def is_weak(source: Mapping) -> bool:
    """Whether the research marks a source weak (`reliability` = weak)."""
    return text_of(source.get("reliability")) == schema.RELIABILITY_WEAK


def source_html(source: Mapping, texts: Texts | None = None) -> str:
    """One source as 'publisher — title' (a link when its URL is http(s)), then its date and
    `source_extras_html`."""
    texts = texts or current_texts()
    date_text = esc(texts.date(source.get("date")))
    return f"{source_link_html(source)}, {date_text}{source_extras_html(source, texts)}"


def source_link_html(source: Mapping) -> str:
    """'publisher — title' as a link to the publisher's address (as text if it is not http(s))."""
    return link_html(
        source.get("url"), f"{esc(source.get('publisher'))} — {esc(source.get('title'))}"
    )


def source_extras_html(source: Mapping, texts: Texts | None = None) -> str:
    """What follows a source's link when it has them: a link to the copy actually read ('copy
    read', http(s) only), 'weak source' in bold words, and the curator's note."""
    texts = texts or current_texts()
    html = ""
    if copy := safe_href(source.get("copy_url")):
        html += f' · <a href="{esc(copy)}" {LINK_ATTRIBUTES}>{esc(texts.copy_read)}</a>'
    if is_weak(source):
        html += f' · <strong class="sm-caution">{esc(texts.weak_source)}</strong>'
    if note := esc(source.get("note")):
        html += f'<br><span class="sm-source-note">{esc(texts.note)} {note}</span>'
    return html


def source_list_html(
    source_ids: Iterable[str],
    sources: Mapping[str, Mapping],
    texts: Texts | None = None,
    *,
    days: Mapping[str, int] | None = None,
) -> str:
    """Sources as a list, in date order; ids with no loaded source are skipped.

    `days` gives some sources the day number from which they are cited (see `day_attribute`),
    so the map's play control can hide them before it.
    """
    texts = texts or current_texts()
    found = sorted(
        ((i, sources[i]) for i in dict.fromkeys(source_ids) if i in sources),
        key=lambda item: source_sort_key(item[1]),
    )
    if not found:
        return f'<p class="sm-none">{esc(texts.no_sources)}</p>'
    days = days or {}
    items = "".join(
        f"<li{day_attribute(days.get(source_id))}>{source_html(source, texts)}</li>"
        for source_id, source in found
    )
    return f'<ul class="sm-sources">{items}</ul>'


def citation_links_html(
    source_ids: Iterable[str], sources: Mapping[str, Mapping], texts: Texts | None = None
) -> str:
    """An event's sources as short links, each showing its publisher (and if it is weak)."""
    texts = texts or current_texts()
    links = [
        link_html(sources[source_id].get("url"), esc(sources[source_id].get("publisher")))
        + (f" ({esc(texts.weak_source)})" if is_weak(sources[source_id]) else "")
        for source_id in source_ids
        if source_id in sources
    ]
    return f' <span class="sm-cites">[{"; ".join(links)}]</span>' if links else ""


# --- events ------------------------------------------------------------------------------------


def event_html(event: Mapping, sources: Mapping[str, Mapping], texts: Texts | None = None) -> str:
    """One event: date, type, actor, summary and its sources as links."""
    texts = texts or current_texts()
    return (
        f'<span class="sm-date">{esc(texts.date(event.get("date")))}</span> · '
        f"{esc(texts.event_type_label(text_of(event.get('event_type'))))} · "
        f"{esc(event.get('actor'))}: {esc(event.get('summary'))}"
        f"{citation_links_html(event.get('source_ids', ()), sources, texts)}"
    )


def day_attribute(day: int | None) -> str:
    """` data-d="N"`: the day number from which an item of a popup is part of the picture.

    The map's play control hides items whose day is after the date it shows; an item without
    one (an undated event, a source of unknown date cited by no dated event) is always shown.
    """
    return "" if day is None else f' data-d="{int(day)}"'


def status_change_html(status: str, texts: Texts | None = None) -> str:
    """' → (chip) Under investigation': the status an event set, after the event."""
    texts = texts or current_texts()
    label = esc(texts.status_label(status))
    return f' → <span class="sm-to sm-to-{esc(status)}">{label}</span>'


def event_list_html(
    events: Iterable[Mapping],
    sources: Mapping[str, Mapping],
    texts: Texts | None = None,
    *,
    changes: Mapping[str, str] | None = None,
    day_of: Callable[[date], int] | None = None,
) -> str:
    """Events in date order as an ordered list.

    `changes` maps the ids of the events that changed the site's status to the status each set
    (its first report included): the list then doubles as the site's status history. With
    `day_of`, each dated event carries its day number (see `day_attribute`).
    """
    texts = texts or current_texts()
    changes = changes or {}
    items = []
    for event in ordered_events(events):
        when = event.get("date")
        day = day_of(when.start) if day_of is not None and isinstance(when, PartialDate) else None
        status = changes.get(text_of(event.get("event_id")))
        change = status_change_html(status, texts) if status else ""
        items.append(f"<li{day_attribute(day)}>{event_html(event, sources, texts)}{change}</li>")
    if not items:
        return f'<p class="sm-none">{esc(texts.no_events)}</p>'
    return f'<ol class="sm-events">{"".join(items)}</ol>'


# --- the site ----------------------------------------------------------------------------------


def tooltip_html(site: Mapping, texts: Texts | None = None) -> str:
    """What hovering a marker shows: the site's name and status; country rows say no city."""
    texts = texts or current_texts()
    parts = [
        f"<strong>{esc(site.get('name'))}</strong>",
        esc(texts.status_label(text_of(site.get("status")))),
    ]
    if is_country_level(site):
        parts.append(f"<em>{esc(texts.city_not_reported)}</em>")
    return "<br>".join(parts)


def tooltip_text(site: Mapping, texts: Texts | None = None) -> str:
    """The tooltip as plain text, for screen readers (set as text, never parsed as HTML)."""
    texts = texts or current_texts()
    parts = [text_of(site.get("name")), texts.status_label(text_of(site.get("status")))]
    if is_country_level(site):
        parts.append(texts.city_not_reported)
    return " — ".join(parts)


def status_line_html(
    site: Mapping, events_by_id: Mapping[str, Mapping], texts: Texts | None = None
) -> str:
    """'Alleged, since June 2023 (NGO report, Safeguard Defenders)', after the status chip."""
    texts = texts or current_texts()
    status = text_of(site.get("status"))
    if status not in schema.STATUSES:
        # Not reported by the date shown: the site has no status yet.
        return esc(texts.no_status)
    text = esc(texts.status_label(status))
    since = site.get("status_since")
    if isinstance(since, PartialDate):
        text += esc(texts.since.format(date=texts.date(since)))
    setter = events_by_id.get(text_of(site.get("status_event_id")))
    if setter is not None:
        kind = texts.event_type_label(text_of(setter.get("event_type")))
        text += f' <span class="sm-set-by">({esc(kind)}, {esc(setter.get("actor"))})</span>'
    return status_chip_html(status, text)


def country_name(site: Mapping, texts: Texts | None = None) -> str:
    """A site's country in the reader's language (Babel's name for its ISO code)."""
    texts = texts or current_texts()
    iso2, name = text_of(site.get("iso2")), text_of(site.get("country"))
    return i18n.country_label(iso2, name, texts.language) if iso2 else name


# The day number of the status line a site has before its first report: before any real day.
BEFORE_FIRST_REPORT = -(10**6)


def status_lines_html(
    site: Mapping,
    history: Sequence,
    events_by_id: Mapping[str, Mapping],
    day_of: Callable[[date], int],
    texts: Texts | None = None,
) -> str:
    """The site's status line on every day at once: one line per status change, for the map.

    Each line carries `data-from`, the day number it holds from; the map shows the one of the
    day it shows and hides the others. Without a script, the latest line shows. A line reads
    as `status_line_html` would on that day; the first says the site was not reported yet.
    """
    texts = texts or current_texts()
    lines = [(BEFORE_FIRST_REPORT, status_line_html({**site, "status": None}, events_by_id, texts))]
    for change in history:
        then = {
            **site,
            "status": change.status,
            "status_since": change.date,
            "status_event_id": change.event_id,
        }
        lines.append((day_of(change.effective), status_line_html(then, events_by_id, texts)))
    latest = len(lines) - 1
    return "".join(
        f'<span data-from="{int(day)}"{"" if number == latest else " hidden"}>{line}</span>'
        for number, (day, line) in enumerate(lines)
    )


def basis_rows(site: Mapping, texts: Texts) -> list[tuple[str, str]]:
    """The facts-list rows of what a site rests on; weak and single-source bases stand out.

    Marked in words and bold (class `sm-caution`), never by colour alone. No rows for a site
    row without a basis (one not built by `views.build_site_view`).
    """
    basis = text_of(site.get("basis"))
    if basis not in schema.BASES:
        return []
    label = esc(texts.basis_label(basis))
    if basis == WEAK:
        label = f'<strong class="sm-caution">{label}</strong>'
    rows = [(texts.basis, label)]
    count = site.get("independent_sources")
    if isinstance(count, int | np.integer) and count >= 0:
        shown = esc(str(int(count)))
        if is_single_source(count):
            shown = f'<strong class="sm-caution">{esc(texts.single_source.format(n=1))}</strong>'
        rows.append((texts.independent_sources, shown))
    return rows


def facts_html(
    site: Mapping,
    events_by_id: Mapping[str, Mapping],
    texts: Texts | None = None,
    *,
    status_html: str | None = None,
) -> str:
    """The site's place, precision, bureau and status as a definition list.

    `status_html` replaces the site's status line (the map's popups give every day's, see
    `status_lines_html`), in a span of class `sm-now`.
    """
    texts = texts or current_texts()
    status = status_line_html(site, events_by_id, texts)
    if status_html is not None:
        status = f'<span class="sm-now">{status_html}</span>'
    not_reported = esc(texts.not_reported)
    city = esc(site.get("city")) or (
        esc(texts.city_not_reported) if is_country_level(site) else not_reported
    )
    rows = (
        (texts.country, esc(country_name(site, texts))),
        (texts.city, city),
        (texts.locality, esc(site.get("locality")) or not_reported),
        (texts.precision, esc(texts.precision_label(text_of(site.get("precision"))))),
        (texts.bureau, esc(site.get("operating_bureau")) or not_reported),
        (texts.status, status),
        *basis_rows(site, texts),
    )
    items = "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl class="sm-facts">{items}</dl>'


def popup_html(
    site: Mapping,
    events: Sequence[Mapping],
    sources: Mapping[str, Mapping],
    events_by_id: Mapping[str, Mapping] | None = None,
    texts: Texts | None = None,
    *,
    history: Sequence | None = None,
    day_of: Callable[[date], int] | None = None,
) -> str:
    """A marker's popup: facts, the site's events in date order and all its sources.

    `events` are the events naming the site (any order); `sources` maps source ids to source
    rows; `events_by_id` finds the event that set the status (default: among `events`).
    `history` (the site's `StatusChange`s) marks each event that changed the status with the
    status it set, so the event list is also the status history: each change with its date,
    its event and that event's sources. `day_of` (a date's day number) tags every dated item,
    for the map's play control (see `day_attribute`).
    """
    texts = texts or current_texts()
    events_by_id = events_by_id if events_by_id is not None else {e["event_id"]: e for e in events}
    changes = {change.event_id: change.status for change in history or ()}
    source_days = _source_days(site, events, sources, day_of) if day_of is not None else None
    heading = texts.events_and_changes if history else texts.events
    status_lines = None
    if day_of is not None and history is not None:
        status_lines = status_lines_html(site, history, events_by_id, day_of, texts)
    return (
        '<div class="sm-popup">'
        f'<h4 class="sm-name">{esc(site.get("name"))}</h4>'
        f"{facts_html(site, events_by_id, texts, status_html=status_lines)}"
        f'<h5 class="sm-heading">{esc(heading)}</h5>'
        f"{event_list_html(events, sources, texts, changes=changes, day_of=day_of)}"
        f'<h5 class="sm-heading">{esc(texts.sources)}</h5>'
        f"{source_list_html(site_source_ids(site, events), sources, texts, days=source_days)}"
        "</div>"
    )


def _source_days(
    site: Mapping,
    events: Iterable[Mapping],
    sources: Mapping[str, Mapping],
    day_of: Callable[[date], int],
) -> dict[str, int]:
    """The day from which each of a site's sources belongs to the picture.

    A source an event cites counts from that event's day (the earliest, if several); one that
    only the site itself or an undated event cites counts from its own publication date, and
    from the start if that is not known.
    """
    days: dict[str, int] = {}
    others: list[str] = list(site.get("source_ids", ()))
    for event in events:
        when = event.get("date")
        ids = event.get("source_ids", ())
        if not isinstance(when, PartialDate):
            others.extend(ids)
            continue
        day = day_of(when.start)
        for source_id in ids:
            days[source_id] = min(day, days.get(source_id, day))
    for source_id in others:
        published = (sources.get(source_id) or {}).get("date")
        if source_id not in days and isinstance(published, PartialDate):
            days[source_id] = day_of(published.start)
    return days


def status_history_html(
    history: Sequence,
    events_by_id: Mapping[str, Mapping],
    texts: Texts | None = None,
    sources: Mapping[str, Mapping] | None = None,
) -> str:
    """A site's status changes (`StatusChange`s) in date order, with the event behind each.

    Each change reads: its date at the precision the sources give, the status, the kind of
    event and who acted, and (given `sources`) that event's sources as links.
    """
    texts = texts or current_texts()
    if not history:
        return f'<p class="sm-none">{esc(texts.no_status)}</p>'
    items = []
    for change in history:
        event = events_by_id.get(change.event_id)
        setter = ""
        if event is not None:
            kind = texts.event_type_label(text_of(event.get("event_type")))
            setter = f" — {esc(kind)}, {esc(event.get('actor'))}"
            if sources is not None:
                setter += citation_links_html(event.get("source_ids", ()), sources, texts)
        label = esc(texts.status_label(change.status))
        items.append(
            f'<li><span class="sm-date">{esc(texts.date(change.date))}</span> '
            f"{status_chip_html(change.status, label)}{setter}</li>"
        )
    return f'<ol class="sm-history">{"".join(items)}</ol>'


def details_html(
    site: Mapping,
    events: Sequence[Mapping],
    sources: Mapping[str, Mapping],
    history: Sequence,
    events_by_id: Mapping[str, Mapping] | None = None,
    texts: Texts | None = None,
) -> str:
    """The panel for a clicked site: facts, notes, status history, events and sources."""
    texts = texts or current_texts()
    events_by_id = events_by_id if events_by_id is not None else {e["event_id"]: e for e in events}
    notes = esc(site.get("notes"))
    notes_html = f'<p class="sm-notes">{notes}</p>' if notes else ""
    return (
        '<div class="sm-details">'
        f'<h3 class="sm-name">{esc(site.get("name"))}</h3>'
        f"{facts_html(site, events_by_id, texts)}"
        f"{notes_html}"
        f'<h4 class="sm-heading">{esc(texts.status_history)}</h4>'
        f"{status_history_html(history, events_by_id, texts, sources)}"
        f'<h4 class="sm-heading">{esc(texts.events)}</h4>'
        f"{event_list_html(events, sources, texts)}"
        f'<h4 class="sm-heading">{esc(texts.sources)}</h4>'
        f"{source_list_html(site_source_ids(site, events), sources, texts)}"
        "</div>"
    )


def site_details(
    dataset: Dataset, site: Mapping, as_of: date | None = None, texts: Texts | None = None
) -> str:
    """`details_html` for one row of the site view, with what happened up to `as_of`."""
    site_id = text_of(site.get("site_id"))
    on = resolve_day(as_of)
    history = [change for change in status_histories(dataset)[site_id] if change.effective <= on]
    return details_html(
        site,
        events_of_site(dataset.events, site_id, as_of),
        dataset.sources.to_dict("index"),
        history,
        texts=texts,
    )
