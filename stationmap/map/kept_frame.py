"""streamlit-folium's frame, with its script served so that the browser keeps it.

Streamlit serves a component's own files with ``Cache-Control: public`` and neither a
validator nor an age, so the browser cannot keep them: each time a map frame opens (every
change into the map page), it fetched streamlit-folium's script (225 KB, 55 KB compressed)
again, from a server busy with that page's run. Files under ``static/`` come with
``Last-Modified`` and an ETag, and the browser keeps them. So the map's frame is
streamlit-folium's own frontend declared as a component of the app's: a folder under
``static/`` (`FRAME_DIR`) holding a copy of the script, and streamlit-folium's ``index.html``
with one change, the script loaded from ``/app/static/`` rather than from beside it. Probe at
10,000 sites (sites page → map page): from the frame's document to its load event 38–77 ms
with the script kept, 113–154 ms without.

**The map's own files, from the frame's document.** streamlit-folium loads a map's scripts once
its frame has its arguments, one after the other, and only then runs the map's script; its
style sheets after those. The kept ``index.html`` links the map's vendored Leaflet and
MarkerCluster (one script) and their style sheets itself (`FrameLinks`, `frame_links`), ahead of
streamlit-folium's script: the browser fetches them beside it, runs the map's script first, and
the map's arguments list none of them (``folium_bridge.show_live_map`` leaves them out). Probe,
first visits on the shipped data, interleaved: the frame showed its sites 198 ms after its
document started against 231 ms (medians of 10; ``docs/performance.md``, seventeenth round).
Files from a CDN are left to the map as before.

The copy is made once per process, on the first map shown, and rewritten only when its bytes
differ (a new streamlit-folium). If Streamlit does not serve ``static/``
(``server.enableStaticServing``, on in ``.streamlit/config.toml``), the folder cannot be
written (a read-only install) or the installed ``index.html`` does not load its script as
expected, the map keeps streamlit-folium's own component, and the log says why.
"""

from __future__ import annotations

import functools
import html
import logging
from dataclasses import dataclass
from pathlib import Path

from stationmap import config
from stationmap.map import static_cache
from stationmap.map.assets import MapAssets

log = logging.getLogger(__name__)

# Served at /app/static/frame/streamlit-folium/ (Streamlit's static serving).
FRAME_DIR = config.PROJECT_ROOT / "static" / "frame" / "streamlit-folium"
# From the frame's address, /component/<name>/index.html, to the app's static files: relative,
# so a server.baseUrlPath stays in front of it.
STATIC_FROM_FRAME = "../../app/static/frame/streamlit-folium/"
# How streamlit-folium's index.html loads its script (its build's only script tag).
SCRIPT_SOURCE_PREFIX = 'src="./static/js/'
# The component's name; Streamlit puts this module's in front (`FRAME_TITLE`, the frame's title).
COMPONENT_NAME = "st_folium"
FRAME_TITLE = f"{__name__}.{COMPONENT_NAME}"


class FrameUnavailable(Exception):
    """The kept frame cannot be made; streamlit-folium's own component is used."""


@dataclass(frozen=True)
class FrameLinks:
    """Style sheets and scripts (same-host paths) the kept frame's document loads itself, in
    order, before streamlit-folium's script."""

    css: tuple[str, ...] = ()
    js: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.css or self.js)


def frame_links(assets: MapAssets) -> FrameLinks:
    """What of a live map's files its frame can load itself: with the app's own vendored files,
    Leaflet and MarkerCluster (folium.Map's script and style sheet, ``assets.install``) and
    MarkerCluster's style sheets (the site layer's); none from a CDN, which might not answer.
    The layer's topojson-client is not among them: the layer loads it after the markers."""
    if not assets.local:
        return FrameLinks()
    return FrameLinks(
        css=tuple(url for _, url in (*assets.map_css, *assets.layer_css)),
        js=tuple(url for _, url in assets.map_js),
    )


def package_build() -> Path:
    """streamlit-folium's frontend build folder, as installed."""
    import streamlit_folium

    return Path(streamlit_folium.__file__).resolve().parent / "frontend" / "build"


def kept_index(index_html: str, links: FrameLinks = FrameLinks()) -> str:
    """streamlit-folium's index.html, loading its script from the app's static files, and
    `links` before it."""
    if index_html.count(SCRIPT_SOURCE_PREFIX) != 1:
        raise FrameUnavailable(
            f"streamlit-folium's index.html does not load one script from ./static/js/ "
            f"(found {index_html.count(SCRIPT_SOURCE_PREFIX)})"
        )
    script_tag = index_html.rfind("<script", 0, index_html.index(SCRIPT_SOURCE_PREFIX))
    if script_tag < 0:
        raise FrameUnavailable("streamlit-folium's index.html has no <script tag for its script")
    # Deferred like streamlit-folium's own, and before it: run in this order once the document
    # is parsed, fetched meanwhile beside each other.
    ahead = "".join(
        [f'<link rel="stylesheet" href="{html.escape(url)}">' for url in links.css]
        + [f'<script defer="defer" src="{html.escape(url)}"></script>' for url in links.js]
    )
    index_html = index_html[:script_tag] + ahead + index_html[script_tag:]
    return index_html.replace(SCRIPT_SOURCE_PREFIX, f'src="{STATIC_FROM_FRAME}static/js/')


def _write_if_changed(path: Path, data: bytes, mtime_ns: int | None = None) -> bool:
    """Write `data` to `path` unless it holds exactly those bytes; whole files only, so a browser
    or another server process never reads half a file."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    static_cache.write_whole(path, data, mtime_ns=mtime_ns)
    return True


def write_frame(build: Path, folder: Path, links: FrameLinks = FrameLinks()) -> list[Path]:
    """Copy streamlit-folium's script (and its licence note) from `build` into `folder`, with
    the kept index.html (loading `links` too); return the files written (none when all were
    already there)."""
    scripts = sorted((build / "static" / "js").glob("main.*.js"))
    if len(scripts) != 1:
        raise FrameUnavailable(f"expected one main.*.js in {build}, found {len(scripts)}")
    index = kept_index((build / "index.html").read_text(encoding="utf-8"), links)
    if f"static/js/{scripts[0].name}" not in index:
        raise FrameUnavailable(f"index.html does not load {scripts[0].name}")
    copies = [scripts[0], *scripts[0].parent.glob(f"{scripts[0].name}.LICENSE.txt")]
    written = []
    for source in copies:
        target = folder / "static" / "js" / source.name
        # The installed file's time: Last-Modified says when this content was made, and the
        # older it is, the longer the browser keeps it without asking.
        if _write_if_changed(target, source.read_bytes(), source.stat().st_mtime_ns):
            written.append(target)
    if _write_if_changed(folder / "index.html", index.encode("utf-8")):
        written.append(folder / "index.html")
    return written


@functools.cache
def kept_component(links: FrameLinks = FrameLinks()):
    """The app's declaration of streamlit-folium's frontend, served from `FRAME_DIR`, its
    document loading `links`; None (logged once) if it cannot be made."""
    import streamlit as st
    import streamlit.components.v1 as components

    if not st.get_option("server.enableStaticServing"):
        log.warning("streamlit-folium's script is served by its component: static/ is not served")
        return None
    try:
        write_frame(package_build(), FRAME_DIR, links)
    except (OSError, FrameUnavailable) as error:
        log.warning("streamlit-folium's script is served by its component, uncached: %s", error)
        return None
    component = components.declare_component(COMPONENT_NAME, path=str(FRAME_DIR))
    _MADE[links] = component
    return component


# Each kept component made, by the links its index.html loads (`use_kept_frame` tells them by
# identity: a component is not hashable).
_MADE: dict[FrameLinks, object] = {}


def use_kept_frame(links: FrameLinks = FrameLinks()) -> FrameLinks:
    """Point ``st_folium`` at the kept frame, its document loading `links`, if it can be made;
    return what the frame st_folium now draws loads itself (nothing if it is not the kept one).

    Only streamlit-folium's own component is replaced (recognised by its build folder), so a
    component put there by someone else, a test's stand-in say, is left alone.
    """
    import streamlit_folium

    current = getattr(streamlit_folium, "_component_func", None)
    made_with = next((made for made, kept in _MADE.items() if kept is current), None)
    if made_with == links:
        return links
    own_path = getattr(current, "path", None)
    if made_with is None and (
        own_path is None or Path(own_path).resolve() != package_build().resolve()
    ):
        return FrameLinks()
    if made_with is not None:
        # Its links have changed (static/vendor/ filled or emptied while the server runs): its
        # index.html is written again.
        kept_component.cache_clear()
        _MADE.clear()
    component = kept_component(links)
    if component is None:
        return FrameLinks()
    streamlit_folium._component_func = component
    return links
