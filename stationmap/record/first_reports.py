"""The first-report rule: when a site appears, and what can never come before it.

A site's first report is its earliest dated event of a report type (`schema.REPORT_EVENT_TYPES`:
an NGO report, a media report, a parliamentary statement) that names it. Every other event
responds to a report: a police visit, an investigation, a closure, a government or embassy
statement, a protest, a law, an arrest, a charge, a conviction, a case for other offences. A
response can never be a site's first report; it can only follow the report that named the site.
So the loader (and `validate`) holds every dataset to three rules:

- A site that no dated report names has no first report: it is reported with its sites.csv row
  and left out, even if a response names it. Unless the events that could have been its
  report were rejected (their rows are problems already), or events.csv was not given or could
  not be read: then the site is kept, alleged and undated (`stationmap.record.status`), with a
  notice at its sites.csv row naming the rejected rows, so one bad event row never silently
  takes its site away.
- A response whose period lies wholly before the first report of a site it names (its last day
  comes before the report's first day) is dated wrongly: it is reported with its events.csv row
  and left out, for all its sites.
- A response known only to the month or the year whose period contains a site's first report
  is kept, and takes effect for that site no earlier than the first report (see
  `stationmap.record.status`): a denial of "December 2022" about a site first reported on 5 December
  2022 counts from the 5th, after the report, never from the 1st.

Reports order as dates do everywhere: by their first day, then day before month before year,
then by their place in the events file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from stationmap.record import schema
from stationmap.record.problems import Problem

# Of periods starting on the same day, the one known to the day comes first.
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

# A problem about a site with no report names at most this many of the responses that name it.
MAX_LISTED_RESPONSES = 3


def is_report(event: Mapping) -> bool:
    """Whether an event is of a type that can be a site's first report."""
    return event.get("event_type") in schema.REPORT_EVENT_TYPES


def chronological_key(event: Mapping) -> tuple:
    """An event's place among dated events: first day, precision, place in the file."""
    when = event["date"]
    return (when.start, PRECISION_RANK.get(when.precision, len(PRECISION_RANK)), event["order"])


def first_report_events(events: Iterable[Mapping]) -> dict[str, Mapping]:
    """Per site id, the event that is its first report (sites no dated report names are absent)."""
    first: dict[str, Mapping] = {}
    for event in events:
        if event["date"] is None or not is_report(event):
            continue
        for site_id in event["site_ids"]:
            current = first.get(site_id)
            if current is None or chronological_key(event) < chronological_key(current):
                first[site_id] = event
    return first


def _why_kept_unreported(
    site_id: str, rejected_naming: Mapping[str, list[int]], events_unread: str | None
) -> str | None:
    """Why a site no loaded report names is kept, alleged and undated; None: it is not."""
    shown = "shown as alleged, undated, until a report naming it loads"
    if events_unread:
        return f"kept without a first report: {events_unread}; {shown}"
    lines = rejected_naming.get(site_id)
    if not lines:
        return None
    listed = ", ".join(str(line) for line in lines[:MAX_LISTED_RESPONSES])
    more = " …" if len(lines) > MAX_LISTED_RESPONSES else ""
    rows = "row" if len(lines) == 1 else "rows"
    return (
        f"its events were rejected: {schema.EVENTS_FILE} {rows} {listed}{more} (see the problems "
        f"there); kept without a first report and {shown}"
    )


def check_first_reports(
    sites: list[dict],
    events: list[dict],
    problems: list[Problem],
    *,
    notices: list[Problem] | None = None,
    rejected_naming: Mapping[str, list[int]] | None = None,
    events_unread: str | None = None,
) -> tuple[list[dict], list[dict]]:
    """Apply the rules above to the loader's valid rows: the sites and events that stay.

    `rejected_naming`: per site, the lines of rejected event rows that could have been its
    report; `events_unread`: why no event row could be read at all (None: they were read).
    A site kept for either reason gets a notice in `notices` (None: in `problems`).
    """
    notices = problems if notices is None else notices
    rejected_naming = rejected_naming or {}
    first = first_report_events(events)
    responses_naming: dict[str, list[str]] = {}
    for event in events:
        if event["date"] is not None and not is_report(event):
            for site_id in event["site_ids"]:
                responses_naming.setdefault(site_id, []).append(event["event_id"])

    kept_sites = []
    for site in sites:
        site_id = site["site_id"]
        if site_id in first:
            kept_sites.append(site)
            continue
        if kept_because := _why_kept_unreported(site_id, rejected_naming, events_unread):
            kept_sites.append(site)
            notices.append(Problem(schema.SITES_FILE, site["row"], "site_id", kept_because))
            continue
        message = (
            f"no dated report ({', '.join(schema.REPORT_EVENT_TYPES)}) in {schema.EVENTS_FILE} "
            f"names site '{site_id}', so it has no first report"
        )
        if responses := responses_naming.get(site_id):
            listed = ", ".join(responses[:MAX_LISTED_RESPONSES])
            more = " …" if len(responses) > MAX_LISTED_RESPONSES else ""
            message += f" (only responses name it: {listed}{more}; a response cannot be one)"
        problems.append(Problem(schema.SITES_FILE, site["row"], "site_id", message))

    kept_ids = {site["site_id"] for site in kept_sites}
    kept_events = []
    for event in events:
        early = []
        if event["date"] is not None and not is_report(event):
            early = [
                (site_id, first[site_id])
                for site_id in event["site_ids"]
                if site_id in kept_ids
                and site_id in first
                and event["date"].end < first[site_id]["date"].start
            ]
        for site_id, report in early:
            problems.append(
                Problem(
                    schema.EVENTS_FILE,
                    event["row"],
                    "date",
                    f"this {event['event_type']} ({event['date'].iso()}) responds to site "
                    f"'{site_id}' before its first report ({report['event_id']}, "
                    f"{report['date'].iso()}); a response cannot come before the report that "
                    "named the site: date it from its source, or leave it undated",
                )
            )
        if not early:
            kept_events.append(event)
    return kept_sites, kept_events
