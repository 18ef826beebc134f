"""Data values as safe HTML: escaped text, and links only to plain http(s) addresses.

Every value that comes from the data goes through `esc` (``html.escape(..., quote=True)``, plus
the backtick and braces as character references) on its way into HTML, and a URL becomes a
link only if it is a plain http(s) address (`loader.check_url`); anything else is shown as text
and never reaches an ``href``. Links open in a new tab with ``rel="noopener noreferrer"``, so
the page a reader follows can neither script this one nor learn where the reader came from.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

from stationmap.record.loader import check_url

# Attributes every outgoing link carries: a new tab that cannot reach back into this page.
LINK_ATTRIBUTES = 'target="_blank" rel="noopener noreferrer"'

# The characters `esc` turns into references beyond html.escape's five: a backtick could open
# a JavaScript template literal, and braces a Jinja expression if folium ever re-reads the HTML
# as a template (it does with the output of its own elements).
_EXTRA_REFERENCES = (("`", "&#96;"), ("{", "&#123;"), ("}", "&#125;"))
# Distinct source URLs checked per process; a map cites each source many times.
URL_CHECK_CACHE_SIZE = 65_536


def text_of(value: object) -> str:
    """A data value as plain text; None and NaN (pandas' empty cell) become ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def esc(value: object) -> str:
    """A data value as HTML text: escaped, with None and NaN shown as nothing."""
    text = html.escape(text_of(value), quote=True)
    for char, reference in _EXTRA_REFERENCES:
        text = text.replace(char, reference)
    return text


def safe_href(url: object) -> str | None:
    """The URL if it may be followed (a plain http(s) address), else None."""
    text = text_of(url)
    return text if text and _is_followable(text) else None


@lru_cache(maxsize=URL_CHECK_CACHE_SIZE)
def _is_followable(url: str) -> bool:
    return check_url(url) is None


def link_html(url: object, text: str) -> str:
    """`text` (already HTML) as a link to `url`, or as plain text when the URL is not http(s).

    A URL that is not followed is shown after the text, escaped, so a reader can still see it.
    """
    href = safe_href(url)
    if href is None:
        shown = esc(url)
        suffix = f' <span class="sm-bad-url">({shown})</span>' if shown else ""
        return f'<span class="sm-unlinked">{text}</span>{suffix}'
    return f'<a href="{esc(href)}" {LINK_ATTRIBUTES}>{text}</a>'
