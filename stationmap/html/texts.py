"""The interface texts the HTML library uses, translated once per language into a `Texts`.

A map of ten thousand sites needs the same few dozen texts ten thousand times, so they are
translated once per language (`texts_for`, cached) rather than once per site. Labels of
statuses, event types and dates come from `stationmap.i18n`, so they read the same as on every
other page and follow the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from stationmap import i18n
from stationmap.html.markdown import plain
from stationmap.i18n import N_, _
from stationmap.record import schema
from stationmap.record.dates import PartialDate

PRECISION_LABELS = {
    "country": N_("Country only (city not reported)"),
    "city": N_("City"),
    "locality": N_("District or street"),
}
if not set(PRECISION_LABELS) == set(schema.PRECISIONS):
    raise RuntimeError("every location precision needs a label")


@dataclass(frozen=True)
class Texts:
    """Every interface text the HTML here uses, in one language, translated once."""

    language: str
    country: str
    city: str
    locality: str
    precision: str
    bureau: str
    status: str
    events: str
    events_and_changes: str
    sources: str
    status_history: str
    not_reported: str
    city_not_reported: str
    since: str  # ", since {date}"
    no_events: str
    no_sources: str
    no_status: str
    legend_title: str
    legend_country_level: str
    legend_unplaced: str  # "... {count}"
    basis: str
    independent_sources: str
    single_source: str  # "{n} (single source)"
    copy_read: str
    weak_source: str
    note: str  # "Note:", before a curator's note on a source
    statuses: Mapping[str, str]
    event_types: Mapping[str, str]
    precisions: Mapping[str, str]
    bases: Mapping[str, str]

    def date(self, value: PartialDate | None) -> str:
        """A date at its own precision ('June 2023'), or 'Date not reported'."""
        return i18n.date_label(value if isinstance(value, PartialDate) else None, self.language)

    def status_label(self, status: str) -> str:
        return self.statuses.get(status, status)

    def event_type_label(self, event_type: str) -> str:
        return self.event_types.get(event_type, event_type)

    def precision_label(self, precision: str) -> str:
        return self.precisions.get(precision, precision)

    def basis_label(self, basis: str) -> str:
        return self.bases.get(basis, basis)


def current_texts() -> Texts:
    """The texts in the reader's language (English outside the app)."""
    return texts_for(i18n.current_language())


@lru_cache(maxsize=8)
def texts_for(language: str) -> Texts:
    def tr(message: str) -> str:
        return i18n.gettext(message, language)

    return Texts(
        language=language,
        country=tr(N_("Country")),
        city=tr(N_("City")),
        locality=tr(N_("Locality")),
        precision=tr(N_("Location precision")),
        bureau=tr(N_("Operating bureau (as reported)")),
        status=tr(N_("Status")),
        events=tr(N_("Events")),
        events_and_changes=tr(N_("Events (→ status they set)")),
        sources=tr(N_("Sources")),
        status_history=tr(N_("Status history")),
        not_reported=tr(N_("not reported")),
        city_not_reported=tr(N_("City not reported")),
        since=tr(N_(", since {date}")),
        no_events=tr(N_("No events recorded.")),
        no_sources=tr(N_("No sources loaded.")),
        no_status=tr(N_("No status recorded.")),
        legend_title=tr(N_("Status (sites on the map)")),
        legend_country_level=tr(N_("Country only, city not reported")),
        legend_unplaced=tr(N_("Not on the map (no coordinates): {count}")),
        basis=tr(N_("Basis")),
        independent_sources=tr(N_("Independent sources")),
        single_source=tr(N_("{n} (single source)")),
        # Translators: a link to the copy of a source that was actually read (a mirror, a
        # reprint, an archive), shown after the link to the publisher's original.
        copy_read=tr(N_("copy read")),
        weak_source=tr(N_("weak source")),
        note=tr(N_("Note:")),
        statuses={key: tr(label) for key, label in i18n.STATUS_LABELS.items()},
        event_types={key: tr(label) for key, label in i18n.EVENT_TYPE_LABELS.items()},
        precisions={key: tr(label) for key, label in PRECISION_LABELS.items()},
        bases={key: tr(label) for key, label in i18n.BASIS_LABELS.items()},
    )


def counts_line(counts: Iterable[tuple[str, int]]) -> str:
    """Counts as one line of Markdown: "Sites selected: **12** · Countries: **5**".

    Text, not `st.metric`: Markdown is drawn with the page's first paint, while the code of a
    metric loads on its own, later, and the row it made grew and pushed what is under it down
    (a layout shift). The labels are the interface's own words, escaped all the same.
    """
    return " · ".join(
        # Translators: one count on a page, "Events: 195"; {n} is a number, in bold.
        _("{label}: {n}").format(label=plain(label), n=f"**{int(n)}**")
        for label, n in counts
    )
