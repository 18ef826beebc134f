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


# --- tags in the sites table ----------------------------------------------------------------------

# The sites table (st.dataframe) draws a status as a coloured tag, and picks the tag's text itself:
# black on a background whose relative luminance is above this, white otherwise.
GRID_TAG_BLACK_TEXT_ABOVE = 0.5
# WCAG 2.2 AA for text of normal size.
AA_TEXT_CONTRAST = 4.5
# How much white (or black) each step mixes into a colour the grid's text would not read on.
_MIX_STEP = 0.05


def relative_luminance(color: str) -> float:
    """WCAG's relative luminance of a '#RRGGBB' colour (0 black, 1 white)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two '#RRGGBB' colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def grid_tag_text_color(background: str) -> str:
    """The text colour the grid draws on a tag of this background."""
    return "#000000" if relative_luminance(background) > GRID_TAG_BLACK_TEXT_ABOVE else "#FFFFFF"


def _reads(background: str) -> bool:
    return contrast_ratio(background, grid_tag_text_color(background)) >= AA_TEXT_CONTRAST


def _mix(color: str, other: int, share: float) -> str:
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (other - c) * share):02X}" for c in channels)


def grid_tag_color(color: str) -> str:
    """`color` itself if the grid's text reads on it (WCAG AA), else the nearest lighter or
    darker shade of it that it reads on: the hue stays the map's, the text stays readable."""
    for step in range(round(1 / _MIX_STEP) + 1):
        for other in (255, 0):  # lighter first: the map's colours are mostly light
            shade = _mix(color, other, step * _MIX_STEP)
            if _reads(shade):
                return shade
    raise AssertionError("white or black always reads")


STATUS_TAG_COLORS = {status: grid_tag_color(color) for status, color in STATUS_COLORS.items()}
# A basis that calls for caution (weak or single source) stands out in dark orange, as the
# popups' caution text does; every other basis is a plain light tag.
CAUTION_TAG_COLOR = "#8A3B00"
PLAIN_TAG_COLOR = "#E4E6EB"
