"""Status colours, used by the map, legend, table and charts alike.

The Okabe-Ito palette stays distinguishable for the common forms of colour blindness; each
status also has a distinct marker shape letter, so colour is never the only cue.
"""

from __future__ import annotations

from stationmap.record import schema

STATUS_COLORS = {
    "alleged": "#E69F00",  # orange: a claim, nothing official yet
    "under_investigation": "#56B4E9",  # sky blue
    "investigation_closed": "#F0E442",  # yellow: the inquiry ended without an outcome
    "no_evidence_found": "#009E73",  # bluish green
    "ordered_closed": "#CC79A7",  # reddish purple
    "reported_closed": "#0072B2",  # blue
    "charges_filed": "#D55E00",  # vermillion
    "convicted": "#000000",  # black: a court outcome
}

# One letter per status, drawn inside the marker so the status can be read without colour.
STATUS_SYMBOLS = {
    "alleged": "A",
    "under_investigation": "I",
    # E for "ended": I, C and N are taken.
    "investigation_closed": "E",
    "no_evidence_found": "N",
    "ordered_closed": "O",
    "reported_closed": "C",
    "charges_filed": "F",
    "convicted": "V",
}

# Text on each colour that keeps WCAG AA contrast.
STATUS_TEXT_COLORS = {
    "alleged": "#000000",
    "under_investigation": "#000000",
    "investigation_closed": "#000000",
    "no_evidence_found": "#000000",
    "ordered_closed": "#000000",
    "reported_closed": "#FFFFFF",
    "charges_filed": "#000000",
    "convicted": "#FFFFFF",
}

if not set(STATUS_COLORS) == set(STATUS_SYMBOLS) == set(STATUS_TEXT_COLORS) == set(schema.STATUSES):
    raise RuntimeError("every status needs a colour, a symbol and a text colour")
