"""What the sources-and-method page states about the data: status definitions, version, changelog.

Pure: no Streamlit. The definitions follow the research notes' own (shared/research/NOTES.md, §1),
in neutral words; the page shows them beside the status colours.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stationmap import i18n
from stationmap.i18n import N_
from stationmap.record import schema

# Kept beside the data files, so a data release and its entry travel together.
CHANGELOG_FILE = "CHANGELOG.md"

# One neutral line per status: what has to have been reported for a site to have it.
STATUS_DEFINITIONS = {
    "alleged": N_(
        "Named by an NGO or the media as a station; no official outcome has been reported."
    ),
    "under_investigation": N_(
        "An authority of the host country said it was checking or investigating the site."
    ),
    "investigation_closed": N_(
        "The host country's police closed their investigation without charges, \"at this "
        'stage" or so far; the popup names who said it.'
    ),
    "no_evidence_found": N_(
        "Host-country authorities (police, a ministry, a department) said they found no "
        'evidence of crime there, often "so far"; the popup names who said it.'
    ),
    "ordered_closed": N_(
        "The host government told China or the operators to close it; no later confirmation "
        "that it closed has been found."
    ),
    "reported_closed": N_(
        "An authority, or the operators, said it had closed or stopped; often this rests on the "
        "Chinese side's word alone."
    ),
    "charges_filed": N_("Prosecutors filed criminal charges in connection with the site."),
    "convicted": N_("A court accepted a guilty plea, or gave a guilty verdict, in the case."),
}
if set(STATUS_DEFINITIONS) != set(schema.STATUSES):
    raise RuntimeError("every status needs a definition")


# One neutral line per basis (stationmap.record.basis): what the strongest source naming a site is.
BASIS_DEFINITIONS = {
    "court": N_(
        "A court or a prosecutor acted: a court's own record, or a source reporting charges or "
        "a conviction in the host country about the site."
    ),
    "authorities": N_(
        "The host country's government, police or parliament addressed the site (a visit, an "
        "inquiry, a statement, a closure), as its sources report."
    ),
    "ngo_report": N_(
        "An NGO report names the site; no host-country authority or court is reported to have "
        "addressed it."
    ),
    "media": N_(
        "Only the media (or an encyclopedia, or a politician's own page) name the site; no NGO "
        "report, authority or court."
    ),
    "weak": N_(
        "Every source naming the site is marked weak in the research: alt-media, a content "
        "farm, an anonymous relay or a single unsupported claim."
    ),
}
if set(BASIS_DEFINITIONS) != set(schema.BASES):
    raise RuntimeError("every basis needs a definition")


def basis_definitions() -> pd.DataFrame:
    """Every basis, strongest first: its key, its label and its definition, translated."""
    language = i18n.current_language()
    return pd.DataFrame(
        [
            {
                "basis": basis,
                "label": i18n.basis_label(basis),
                "definition": i18n.gettext(BASIS_DEFINITIONS[basis], language),
            }
            for basis in schema.BASES
        ],
        columns=["basis", "label", "definition"],
    )


def status_definitions() -> pd.DataFrame:
    """Every status in the vocabulary's order: its key, its label and its definition, translated."""
    language = i18n.current_language()
    return pd.DataFrame(
        [
            {
                "status": status,
                "label": i18n.status_label(status),
                "definition": i18n.gettext(STATUS_DEFINITIONS[status], language),
            }
            for status in schema.STATUSES
        ],
        columns=["status", "label", "definition"],
    )


def read_changelog(data_dir: Path | None) -> str | None:
    """The text of the data folder's CHANGELOG.md, or None if there is none."""
    if data_dir is None:
        return None
    path = Path(data_dir) / CHANGELOG_FILE
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
