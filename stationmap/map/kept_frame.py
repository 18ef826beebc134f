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

The copy is made once per process, on the first map shown, and rewritten only when its bytes
differ (a new streamlit-folium). If Streamlit does not serve ``static/``
(``server.enableStaticServing``, on in ``.streamlit/config.toml``), the folder cannot be
written (a read-only install) or the installed ``index.html`` does not load its script as
expected, the map keeps streamlit-folium's own component, and the log says why.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from stationmap import config
from stationmap.map import static_cache

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


def package_build() -> Path:
    """streamlit-folium's frontend build folder, as installed."""
    import streamlit_folium

    return Path(streamlit_folium.__file__).resolve().parent / "frontend" / "build"


def kept_index(index_html: str) -> str:
    """streamlit-folium's index.html, loading its script from the app's static files."""
    if index_html.count(SCRIPT_SOURCE_PREFIX) != 1:
        raise FrameUnavailable(
            f"streamlit-folium's index.html does not load one script from ./static/js/ "
            f"(found {index_html.count(SCRIPT_SOURCE_PREFIX)})"
        )
    return index_html.replace(SCRIPT_SOURCE_PREFIX, f'src="{STATIC_FROM_FRAME}static/js/')


def _write_if_changed(path: Path, data: bytes, mtime_ns: int | None = None) -> bool:
    """Write `data` to `path` unless it holds exactly those bytes; whole files only, so a browser
    or another server process never reads half a file."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    static_cache.write_whole(path, data, mtime_ns=mtime_ns)
    return True


def write_frame(build: Path, folder: Path) -> list[Path]:
    """Copy streamlit-folium's script (and its licence note) from `build` into `folder`, with
    the kept index.html; return the files written (none when all were already there)."""
    scripts = sorted((build / "static" / "js").glob("main.*.js"))
    if len(scripts) != 1:
        raise FrameUnavailable(f"expected one main.*.js in {build}, found {len(scripts)}")
    index = kept_index((build / "index.html").read_text(encoding="utf-8"))
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
def kept_component():
    """The app's declaration of streamlit-folium's frontend, served from `FRAME_DIR`; None
    (logged once) if it cannot be made."""
    import streamlit as st
    import streamlit.components.v1 as components

    if not st.get_option("server.enableStaticServing"):
        log.warning("streamlit-folium's script is served by its component: static/ is not served")
        return None
    try:
        write_frame(package_build(), FRAME_DIR)
    except (OSError, FrameUnavailable) as error:
        log.warning("streamlit-folium's script is served by its component, uncached: %s", error)
        return None
    return components.declare_component(COMPONENT_NAME, path=str(FRAME_DIR))


def use_kept_frame() -> None:
    """Point ``st_folium`` at the kept frame, if it can be made.

    Only streamlit-folium's own component is replaced (recognised by its build folder), so a
    component put there by someone else, a test's stand-in say, is left alone.
    """
    import streamlit_folium

    own_path = getattr(getattr(streamlit_folium, "_component_func", None), "path", None)
    if own_path is None or Path(own_path).resolve() != package_build().resolve():
        return
    component = kept_component()
    if component is not None:
        streamlit_folium._component_func = component
