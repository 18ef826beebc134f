"""The map as one HTML file that works offline: the app's map with everything it loads inside it.

`standalone_map_html` draws the same map as the app (`stationmap.map.builder.build_map`), then
inlines what the page would otherwise load from ``/app/static/vendor/``: the one script of
Leaflet and MarkerCluster, and topojson-client, become ``<script>`` text; their style sheets become
``<style>`` text, with the images they point at as ``data:`` URIs; and the Natural Earth country
outlines (1:110m TopoJSON) travel as a ``data:`` URL, which the map layer's own code reads with
``fetch()`` without any network. The file opens from disk (``file://``) on a machine with no
network at all.

What "no remote host" means here: no resource is *loaded* from anywhere but the file itself:
no script, style sheet, image, font, tile or data request. The file still contains http(s)
addresses that are never loaded: the source links in the popups (plain ``<a href>`` a reader
may click, which opens the publisher's page), Leaflet's attribution link, and XML namespace
names such as ``http://www.w3.org/2000/svg`` inside the libraries.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import mimetypes
import re
from datetime import date
from pathlib import Path

import pandas as pd

from stationmap import browser_code, config, exports, i18n
from stationmap.i18n import _, n_
from stationmap.map import assets as map_assets
from stationmap.map import builder as mapbuilder
from stationmap.record.filters import FilterState
from stationmap.record.loader import Dataset

# The vendored files the offline map inlines, relative to static/vendor/: the map's scripts,
# styles and outlines, and the images Leaflet's style sheet refers to.
LEAFLET_CSS_IMAGES = (
    "leaflet/images/layers.png",
    "leaflet/images/layers-2x.png",
    "leaflet/images/marker-icon.png",
)
INLINED_FILES = (*map_assets.REQUIRED_FILES, *LEAFLET_CSS_IMAGES)

# The links folium writes for the vendored files, e.g. <script src="/app/static/vendor/x.js">.
_SCRIPT_LINK = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLE_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>')
# url(...) in CSS, with or without quotes.
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")]+)(?P=quote)\s*\)""")
# Sequences that would end, or change how a browser parses, the element text is inlined into.
_SCRIPT_BREAKERS = ((re.compile(r"</(script)", re.IGNORECASE), r"<\\/\1"), ("<!--", r"<\!--"))
_STYLE_BREAKER = re.compile(r"</(style)", re.IGNORECASE)

NOTE_CSS = browser_code.read("web/offline-note.css")


class OfflineAssetsMissing(RuntimeError):
    """Raised when static/vendor/ lacks a file the offline map must carry inside it.

    The message names the missing files and how to get them (``make setup`` with npm).
    """


def missing_vendor_files(vendor_dir: Path | None = None) -> list[str]:
    """The files the offline map inlines that are not in the vendor folder (empty: all there)."""
    vendor_dir = Path(vendor_dir or config.VENDOR_DIR)
    return [name for name in INLINED_FILES if not (vendor_dir / name).is_file()]


def check_vendor_files(vendor_dir: Path | None = None) -> None:
    """Raise `OfflineAssetsMissing` unless every file the offline map inlines is present."""
    vendor_dir = Path(vendor_dir or config.VENDOR_DIR)
    missing = missing_vendor_files(vendor_dir)
    if missing:
        raise OfflineAssetsMissing(
            f"The offline map needs Leaflet and the other map files in {vendor_dir}, and "
            f"{len(missing)} are missing ({', '.join(missing)}). Run `make setup` on a machine "
            "with npm to install them."
        )


def data_uri(data: bytes, mime_type: str) -> str:
    """`data` as a base64 ``data:`` URI."""
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"


def _vendor_path(url: str, vendor_dir: Path) -> Path:
    """The vendored file a /app/static/vendor/ URL stands for."""
    prefix = config.VENDOR_URL_PREFIX
    if not url.startswith(prefix):
        raise OfflineAssetsMissing(f"the offline map cannot inline {url!r}: not a vendored file")
    path = vendor_dir / url[len(prefix) :]
    if not path.is_file():
        raise OfflineAssetsMissing(f"{path} is missing; run `make setup` to install it")
    return path


def script_text(source: str) -> str:
    """JavaScript made safe to sit inside an HTML ``<script>`` element."""
    for pattern, replacement in _SCRIPT_BREAKERS:
        if isinstance(pattern, str):
            source = source.replace(pattern, replacement)
        else:
            source = pattern.sub(replacement, source)
    return source


def style_text(css: str, css_path: Path) -> str:
    """A style sheet with its relative ``url(...)`` images inlined as data: URIs."""

    def inline(match: re.Match) -> str:
        url = match.group("url").strip()
        if url.startswith(("data:", "#")):
            return match.group(0)  # already inline, or a fragment (IE's VML behaviour)
        image = (css_path.parent / url).resolve()
        if not image.is_file():
            raise OfflineAssetsMissing(f"{image} (used by {css_path.name}) is missing")
        mime_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return f'url("{data_uri(image.read_bytes(), mime_type)}")'

    return _STYLE_BREAKER.sub(r"<\\/\1", _CSS_URL.sub(inline, css))


def inline_vendor_links(page: str, vendor_dir: Path) -> str:
    """Replace every script and style-sheet link to the vendor folder by the file's text."""

    def script(match: re.Match) -> str:
        path = _vendor_path(match.group("url"), vendor_dir)
        return f"<script>{script_text(path.read_text(encoding='utf-8'))}</script>"

    def style(match: re.Match) -> str:
        path = _vendor_path(match.group("url"), vendor_dir)
        return f"<style>{style_text(path.read_text(encoding='utf-8'), path)}</style>"

    page = _SCRIPT_LINK.sub(script, page)
    page = _STYLE_LINK.sub(style, page)
    if config.VENDOR_URL_PREFIX in page:
        raise OfflineAssetsMissing(
            "the offline map still refers to a file it could not inline "
            f"({config.VENDOR_URL_PREFIX}…); folium's output has changed"
        )
    return page


def offline_assets(vendor_dir: Path) -> map_assets.MapAssets:
    """The app's local assets, with the country outlines as a data: URL and no icon path."""
    outlines = (vendor_dir / map_assets.COUNTRY_OUTLINES).read_bytes()
    return dataclasses.replace(
        map_assets.LOCAL_ASSETS,
        outlines_url=data_uri(outlines, "application/json"),
        # Markers are drawn as divIcons; Leaflet's default icon images are never needed.
        icon_image_path=None,
        # The file stays small and asks no server for more: the coarse outlines at every zoom.
        fine_outlines_url=None,
    )


def note_html(
    filtered: pd.DataFrame,
    dataset: Dataset,
    *,
    on: date,
    state: FilterState | None,
    data_label: str | None,
) -> str:
    """The note under the map: what it shows, the data's version and filters, and a caution."""
    latest = max(dataset.events["date"].dropna(), default=None)
    data_label = data_label or _("Published stationmap dataset")
    version = (
        _("data version {date} (latest event)").format(date=i18n.date_label(latest))
        if latest
        else _("no dated events")
    )
    country_names = dict(zip(dataset.sites["iso2"], dataset.sites["country"], strict=True))
    filters = exports.describe_filters(state or FilterState(), country_names)
    lines = [
        n_("{n} site selected", "{n} sites selected", len(filtered)).format(n=len(filtered))
        + " · "
        + _("statuses as of {date}").format(date=i18n.day_label(on)),
        f"{data_label}, {version}",
        _("Filters: {filters}").format(filters=filters),
        _(
            "These are allegations and reported responses by authorities, not established "
            "facts; each marker's popup lists the sources it rests on."
        ),
    ]
    paragraphs = "".join(f"<p>{html.escape(line, quote=True)}</p>" for line in lines)
    return f'<div class="sm-offline-note" role="note">{paragraphs}</div>'


def standalone_map_html(
    filtered: pd.DataFrame,
    dataset: Dataset,
    *,
    on: date,
    state: FilterState | None = None,
    data_label: str | None = None,
    vendor_dir: Path | None = None,
) -> bytes:
    """The map of `filtered` (rows of the site view) as one self-contained HTML file (UTF-8).

    - `on`: the date statuses were derived for; popups leave out later events.
    - `state`: the filters, described in the note under the map.
    - `data_label`: names the data in the note (default: the published dataset).
    - `vendor_dir`: where the vendored files are (default ``config.VENDOR_DIR``).

    Raises `OfflineAssetsMissing` if a file it must inline is not there.
    """
    vendor_dir = Path(vendor_dir or config.VENDOR_DIR)
    check_vendor_files(vendor_dir)
    site_map = mapbuilder.build_map(
        filtered,
        events=dataset.events,
        sources=dataset.sources,
        tiles=map_assets.NO_TILES,
        assets=offline_assets(vendor_dir),
        as_of=on,
    )
    page = inline_vendor_links(site_map.get_root().render(), vendor_dir)
    title = html.escape(_("stationmap — alleged overseas police stations"), quote=True)
    # The page's language, so a browser picks the fonts and glyph forms of its script.
    language = html.escape(i18n.html_lang(), quote=True)
    page = page.replace("<html>", f'<html lang="{language}">', 1)
    page = page.replace("<head>", f"<head>\n<title>{title}</title>", 1)
    note = note_html(filtered, dataset, on=on, state=state, data_label=data_label)
    page = page.replace("</body>", f"<style>{NOTE_CSS}</style>\n{note}\n</body>", 1)
    return page.encode("utf-8")
