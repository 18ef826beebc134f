"""The code of the other pages' main widgets, loaded once a page is drawn and the browser idle.

Streamlit loads each kind of widget's code the first time a page shows one: the sites' table
(glide-data-grid, about 1.4 MB with what it imports) or the timeline's chart (Vega, about
1 MB). A reader's first change to such a page fetched and compiled it before drawing: at 10,000
sites map → timeline took 1.0 s and map → sites 1.05 s, against 0.3-0.6 s once the code was in
the browser (scripts/bench.py's walk starts on the map). So every page puts a loader at its end
(``web/widget-code.js``, an ``st.components.v2`` component, no frame of its own) that imports
those chunks when the browser is idle. They are the very files Streamlit's own imports name, so
the browser's module map then holds them and the widget's first draw finds them there.

Vega's code then still compiled on its first chart of the document (V8 compiles a function when
it is first called): a reader's first change to the timeline took about 0.6 s at 100 sites on a
slow 2-core machine, later ones about 0.35 s. So once the chunks are in, the loader also draws,
once a document, a timeline chart of two made-up events in an element it never puts in the page,
with the options Streamlit's chart gives Vega, and throws it away: the first change then took
0.52 s against 0.62 s (medians of 12 new sessions each, ``docs/performance.md``, tenth round).
The chart's spec is a file, ``web/chart-warmup.json``, written from the timeline's own builder
(``charts.warmup_spec``) by ``scripts/chart_warmup.py`` and checked against it by the tests:
built here, it would import Altair on the map page, 0.9 s once a process.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from pathlib import Path

import streamlit as st

from stationmap import browser_code
from stationmap.app import ui_state

LOADER_SCRIPT = "web/widget-code.js"
CHART_WARMUP_SPEC = "web/chart-warmup.json"

# The chunks of the widgets the other pages are built around, and of the small ones a first
# change to them still waited for: st.dataframe's grid (the sites), st.altair_chart's Vega (the
# timeline), st.pills (ButtonGroup), st.toggle (Checkbox) and st.download_button. Streamlit
# (Vite) names a chunk after its component and a hash of its content, so the names are looked
# up in the installed Streamlit; the grid has a style sheet too.
WIDGET_CHUNKS = ("DataFrame", "ArrowVegaLiteChart", "ButtonGroup", "Checkbox", "DownloadButton")
# The chunks the chart warm-up needs: vega-embed's (it exports the namespace with `default`,
# `vega` and `vegaLite`) and vega-interpreter's (the expression interpreter Streamlit's chart
# passes to Vega, so no code is made from strings).
CHART_CHUNKS = ("embed", "vega-interpreter")
# Streamlit's built front end: js/ (its entry script, index.<hash>.js, and the chunks) and css/.
STATIC_DIR = Path(st.__file__).parent / "static" / "static"

log = logging.getLogger(__name__)


def chunk_files(
    names: tuple[str, ...] = WIDGET_CHUNKS, static: Path = STATIC_DIR
) -> tuple[str, ...]:
    """Each named chunk's script (``js/DataFrame.<hash>.js``) and style sheet, if it has one
    (``css/DataFrame.<hash>.css``), as paths under `static`.

    A name with no script or with several (a Streamlit built differently) is left out, and said
    in the log: then that widget's code loads when its page needs it, as it would anyway.
    """
    found = []
    for name in names:
        scripts = _named(static / "js", name, "js")
        if len(scripts) != 1:
            log.warning("widget code: %d scripts named %s; not preloaded", len(scripts), name)
            continue
        found.extend(f"css/{sheet}" for sheet in _named(static / "css", name, "css")[:1])
        found.append(f"js/{scripts[0]}")
    return tuple(found)


def _named(folder: Path, name: str, suffix: str) -> list[str]:
    pattern = re.compile(rf"{re.escape(name)}\.[A-Za-z0-9_-]+\.{suffix}")
    return sorted(p.name for p in folder.glob(f"{name}.*.{suffix}") if pattern.fullmatch(p.name))


@cache
def _files() -> tuple[str, ...]:
    return chunk_files()


def chart_warmup(static: Path = STATIC_DIR) -> dict | None:
    """What the loader needs to draw a chart out of the page (module docstring): the scripts of
    CHART_CHUNKS and the chart's spec; None, and said in the log, if a script is not found
    once (a Streamlit built differently): then the first chart compiles Vega, as it would."""
    scripts = {}
    for name in CHART_CHUNKS:
        found = _named(static / "js", name, "js")
        if len(found) != 1:
            log.warning("widget code: %d scripts named %s; no chart warm-up", len(found), name)
            return None
        scripts[name] = f"js/{found[0]}"
    return {
        "embed": scripts["embed"],
        "interpreter": scripts["vega-interpreter"],
        "spec": json.loads(browser_code.read(CHART_WARMUP_SPEC)),
    }


@cache
def _chart() -> dict | None:
    return chart_warmup()


@cache
def _loader():
    # Made on first use, once a process; each mount registers it with the server that runs it.
    return st.components.v2.component("stationmap.widget_code", js=browser_code.read(LOADER_SCRIPT))


def load_widget_code() -> None:
    """Put the loader at this point of the page (it takes no room): once the browser is idle,
    it imports the widgets' chunks that it does not have yet, then warms Vega's code."""
    files = _files()
    if files:
        data = {"files": list(files)}
        chart = _chart()
        if chart is not None:
            data["chart"] = chart
        _loader()(key=ui_state.WIDGET_CODE_LOADER, data=data)
