"""What each site rests on: its basis and how many independent publishers stand behind it.

Both are derived from the sources, never typed, once per dataset (`site_basis`).

**The sources that name a site** are those its own row cites plus those of every event that lists
it, dated or not. Each such citation is graded, the strongest grade first:

1. `weak`: the source is marked `reliability = weak` (alt-media, a content farm, an anonymous
   relay, a single unsupported claim), whatever its kind or what it is cited for.
2. `court`: a court or a prosecutor. A source of kind `court`, or one cited by a `charge` or
   `conviction` event of the site's host country that lists the site (the New York case's
   Justice Department release). A charge or conviction for other offences (`other_charge`,
   `other_conviction`, Seoul) never counts: it says nothing about a station.
3. `authorities`: the host country's government, police or parliament addressed the site. A
   source cited by a host-country event listing the site that records an authority's act or word
   (a police visit, an investigation, a closure ordered or reported, a government or
   parliamentary statement, a diplomatic protest, a law, an arrest), whatever the source's kind:
   a newspaper's report that the police opened an inquiry documents that the police did; and a
   source of kind `government` or `parliament` cited by the site's own row or by such an event.
   An event is the host country's when its `iso2` is the site's. So a Chinese embassy's or
   ministry's answer (an `embassy_response`, or an event filed under China or worldwide) never
   makes a site `authorities`, nor does an elected member's own website (`politician`).
4. `ngo_report`: a source of kind `ngo_report` (Safeguard Defenders' reports).
5. `media`: everything else (media, encyclopedias, politicians' own pages).

A site's **basis** is the strongest grade among its citations that are not weak; `weak` when every
source naming it is weak.

**Independent sources** count the distinct publishers behind all the sources naming the site:
a source's `original_publisher` where it reprints or relays another's story, else its
`publisher`, compared without case, accents, punctuation, a leading "The" or remarks in brackets
("The Herald (Glasgow)" and "the herald" are one publisher). Copies of one story count once.
A site with one independent source is marked single-source wherever its basis is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from stationmap.record import schema
from stationmap.record.filters import fold
from stationmap.record.loader import Dataset

COURT, AUTHORITIES, NGO_REPORT, MEDIA, WEAK = schema.BASES
# Strongest first: a lower rank wins.
RANK = {basis: rank for rank, basis in enumerate(schema.BASES)}

# Events whose sources document a prosecutor's or a court's act about a station.
COURT_EVENT_TYPES = frozenset({"charge", "conviction"})
# Events whose sources document the host country's authorities addressing a site.
AUTHORITY_EVENT_TYPES = frozenset(
    {
        "police_visit",
        "investigation_opened",
        "closure_ordered",
        "closure_reported",
        "government_statement",
        "parliamentary_statement",
        "diplomatic_protest",
        "legislation",
        "arrest",
    }
)
AUTHORITY_SOURCE_KINDS = frozenset({"government", "parliament"})

BASIS_COLUMNS = ["basis", "independent_sources"]

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[\W_]+")


def _text(value: object) -> str:
    # A cell of a frame built outside the loader may be None or NaN rather than ''.
    return value if isinstance(value, str) else ""


def publisher_key(publisher: object) -> str:
    """A publisher's name as compared for independence: 'The Herald (Glasgow)' -> 'herald'."""
    text = fold(_BRACKETED.sub(" ", _text(publisher)))
    words = _NOT_WORD.sub(" ", text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def citation_grade(source: dict, event_type: str | None, host_event: bool) -> str:
    """The grade of one source as cited by a site's row (`event_type` None) or by an event.

    `host_event`: the event is the site's host country's (its iso2 is the site's).
    """
    if _text(source.get("reliability")) == schema.RELIABILITY_WEAK:
        return WEAK
    kind = source.get("kind")
    if kind == "court" or (host_event and event_type in COURT_EVENT_TYPES):
        return COURT
    if host_event and event_type in AUTHORITY_EVENT_TYPES:
        return AUTHORITIES
    if kind in AUTHORITY_SOURCE_KINDS and (event_type is None or host_event):
        if event_type != "embassy_response":
            return AUTHORITIES
    if kind == NGO_REPORT:
        return NGO_REPORT
    return MEDIA


def basis_of(grades: Iterable[str]) -> str | None:
    """The strongest grade that is not weak; weak if all are; None without any citation."""
    grades = set(grades)
    strong = grades - {WEAK}
    if strong:
        return min(strong, key=RANK.__getitem__)
    return WEAK if grades else None


def site_basis(dataset: Dataset) -> pd.DataFrame:
    """Per site (indexed by site id): `basis` and `independent_sources`, once per dataset."""
    if dataset.derived.site_basis is None:
        dataset.derived.site_basis = _compute_site_basis(dataset)
    return dataset.derived.site_basis


def _compute_site_basis(dataset: Dataset) -> pd.DataFrame:
    sites, events = dataset.sites, dataset.events
    sources = dataset.sources.to_dict("index")
    iso2 = dict(zip(sites.index.tolist(), sites["iso2"].tolist(), strict=True))
    # (site, source, event type or None for the site's own row, host-country event?)
    grades: dict[str, set[str]] = {site_id: set() for site_id in iso2}
    publishers: dict[str, set[str]] = {site_id: set() for site_id in iso2}

    def cite(site_id: str, source_ids: Iterable[str], event_type: str | None, host: bool):
        for source_id in source_ids:
            source = sources.get(source_id)
            if source is None:
                continue
            grades[site_id].add(citation_grade(source, event_type, host))
            name = _text(source.get("original_publisher")) or _text(source.get("publisher"))
            publishers[site_id].add(publisher_key(name) or source_id)

    for site_id, source_ids in zip(sites.index.tolist(), sites["source_ids"].tolist(), strict=True):
        cite(site_id, source_ids, None, True)
    for site_ids, event_type, event_iso2, source_ids in zip(
        events["site_ids"].tolist(),
        events["event_type"].tolist(),
        events["iso2"].tolist(),
        events["source_ids"].tolist(),
        strict=True,
    ):
        for site_id in site_ids:
            if site_id in iso2:
                cite(
                    site_id,
                    source_ids,
                    event_type,
                    bool(event_iso2) and event_iso2 == iso2[site_id],
                )
    frame = pd.DataFrame(
        {
            "basis": [basis_of(grades[site_id]) for site_id in iso2],
            "independent_sources": [len(publishers[site_id]) for site_id in iso2],
        },
        index=pd.Index(list(iso2), dtype=object),
        columns=BASIS_COLUMNS,
    )
    return frame.astype({"independent_sources": "int64"})


def is_single_source(independent_sources: object) -> bool:
    """Whether a site rests on one publisher alone (copies of its story included)."""
    try:
        return int(independent_sources) == 1
    except (TypeError, ValueError):
        return False
