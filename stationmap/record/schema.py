"""The dataset's schema: file names, columns, vocabularies and the rules every row must meet.

This module is the single owner of what a valid stationmap dataset looks like. The loader, the
CLI, the app and the tests all import their column names and vocabularies from here, so a
change to the schema is made once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SITES_FILE = "sites.csv"
EVENTS_FILE = "events.csv"
SOURCES_FILE = "sources.csv"
DATA_FILES = (SITES_FILE, EVENTS_FILE, SOURCES_FILE)

# Several ids or statuses in one CSV cell are separated by this, as in the research files.
LIST_SEPARATOR = ";"

# --- vocabularies -------------------------------------------------------------------------------

# Ordered as the process usually runs: a report, then an inquiry, then an outcome.
STATUSES = (
    "alleged",
    "under_investigation",
    # The authorities closed their investigation without charges, "at this stage" (RCMP, 2025).
    "investigation_closed",
    "no_evidence_found",
    "ordered_closed",
    "reported_closed",
    "charges_filed",
    "convicted",
)
# A site named by an event but with no status-bearing event yet is simply alleged.
DEFAULT_STATUS = "alleged"

EVENT_TYPES = (
    "ngo_report",
    "media_report",
    "police_visit",
    "investigation_opened",
    "closure_ordered",
    "closure_reported",
    "government_statement",
    "parliamentary_statement",
    "embassy_response",
    "diplomatic_protest",
    "legislation",
    "arrest",
    "charge",
    "conviction",
    # A charge or conviction of someone linked to a site for offences other than running a
    # station (Seoul): shown for what it is, never counted as a station case.
    "other_charge",
    "other_conviction",
)

# A site's first report is its earliest dated event of one of these types. Every other type is a
# response to a report (a visit, a denial, a closure, a case) and cannot be a site's first
# report: a response can only follow the report that named the site.
REPORT_EVENT_TYPES = ("ngo_report", "media_report", "parliamentary_statement")

# Event types that may never set a status: a case for other offences says nothing about whether
# a station ran, so it must not put a site among the charged or convicted ones.
NON_STATUS_EVENT_TYPES = ("other_charge", "other_conviction")

PRECISIONS = ("country", "city", "locality")

DATE_PRECISIONS = ("day", "month", "year", "unknown")

SOURCE_KINDS = (
    "media",
    "parliament",
    "government",
    "ngo_report",
    "encyclopedia",
    "court",
    # An elected member's own website or statement: one politician's word, not a public body's.
    "politician",
)

# A source's `reliability`: empty (as reliable as its kind), or `weak` where the research marks
# it so (alt-media, a content farm, an anonymous relay, a single unsupported claim).
RELIABILITY_WEAK = "weak"
RELIABILITIES = (RELIABILITY_WEAK,)

# What a site rests on (derived per site by stationmap.record.basis, never typed), strongest first.
BASES = ("court", "authorities", "ngo_report", "media", "weak")

# Where a site's coordinates came from. A curator's typed coordinates always win over any
# geocoder; the gazetteer values say which level of place the offline gazetteer matched.
COORD_SOURCES = (
    "curated",
    "gazetteer:locality",
    "gazetteer:city",
    "gazetteer:capital",
    "nominatim",
)

# Events about the whole world (an NGO's global report) carry this instead of a country.
GLOBAL_COUNTRY = "Global"
# The country whose police are alleged to run the stations: its statements (a foreign-ministry
# denial) answer for every site at once, so the timeline shows them with worldwide events.
OPERATING_COUNTRY_ISO2 = "CN"

# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One CSV column: its name, whether a value is required and what it means."""

    name: str
    required: bool
    doc: str
    # A column added after files without it were made: a file may leave it out altogether
    # (older data folders, uploads, synthetic data) and every row reads it as empty.
    may_be_absent: bool = False


SITE_COLUMNS = (
    Column("site_id", True, "stable id: lower-case letters, digits and hyphens"),
    Column("name", True, "neutral display name"),
    Column("country", True, "host country, in English"),
    Column("iso2", True, "ISO 3166-1 alpha-2 code of the host country"),
    Column("city", False, "city or town; empty where the sources name none"),
    Column("locality", False, "district or street named by a public body; never a business"),
    Column("operating_bureau", False, "Chinese public security bureau a source names for it"),
    Column("precision", True, "how precise the location is: " + ", ".join(PRECISIONS)),
    Column("latitude", False, "decimal degrees, WGS84"),
    Column("longitude", False, "decimal degrees, WGS84"),
    Column("coord_source", False, "where the coordinates came from: " + ", ".join(COORD_SOURCES)),
    Column("notes", False, "curator's neutral notes"),
    Column("source_ids", True, "ids from sources.csv, separated by ';'"),
)

EVENT_COLUMNS = (
    Column("event_id", True, "stable id, e.g. E001"),
    Column("date", False, "YYYY-MM-DD, YYYY-MM or YYYY; empty when the sources give none"),
    Column("date_precision", True, "day, month, year, or unknown (date empty)"),
    Column("site_ids", False, "sites the event concerns, ';'-separated; empty = country-wide"),
    Column("country", True, "country the event concerns, or 'Global'"),
    Column("iso2", False, "ISO 3166-1 alpha-2 code; empty only for 'Global'"),
    Column("event_type", True, "one of: " + ", ".join(EVENT_TYPES)),
    Column("actor", True, "public body, official or publisher that acted or spoke"),
    Column("summary", True, "one neutral line"),
    Column(
        "sets_status",
        False,
        "status this event establishes: one status for all its sites, or "
        "'site_id:status' pairs separated by ';'",
    ),
    Column("source_ids", True, "ids from sources.csv, separated by ';'"),
)

SOURCE_COLUMNS = (
    Column("source_id", True, "stable id, e.g. S001"),
    Column("publisher", True, "who published it"),
    Column("title", True, "title, or a bracketed description where none was captured"),
    Column("date", False, "YYYY-MM-DD, YYYY-MM or YYYY; empty when unknown"),
    Column("url", True, "http(s) address of the page read"),
    Column("kind", True, "one of: " + ", ".join(SOURCE_KINDS)),
    Column(
        "copy_url",
        False,
        "http(s) address of the copy actually read (mirror, reprint, archive) when url is the "
        "publisher's original; shown as 'copy read'",
        may_be_absent=True,
    ),
    Column(
        "original_publisher",
        False,
        "publisher of the story this source reprints or relays; copies of one story count once",
        may_be_absent=True,
    ),
    Column(
        "reliability",
        False,
        "empty, or 'weak' where the research marks the source weak",
        may_be_absent=True,
    ),
    Column("note", False, "curator's neutral note on the source", may_be_absent=True),
)

COLUMNS_BY_FILE = {
    SITES_FILE: SITE_COLUMNS,
    EVENTS_FILE: EVENT_COLUMNS,
    SOURCES_FILE: SOURCE_COLUMNS,
}
ID_COLUMN_BY_FILE = {SITES_FILE: "site_id", EVENTS_FILE: "event_id", SOURCES_FILE: "source_id"}


def column_names(file_name: str) -> tuple[str, ...]:
    """The ordered column names of one of the dataset's files."""
    return tuple(column.name for column in COLUMNS_BY_FILE[file_name])


SITE_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Event and source ids are free-form but must be safe to show and to use as anchors.
RECORD_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
