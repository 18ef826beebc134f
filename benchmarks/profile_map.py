"""Where the map page spends its time, stage by stage, timed in this process.

The stages are those of ``pages/map.py`` and of streamlit-folium's ``st_folium``: what is done
once per data version, then what a rerun with a new filter or date does, in order; then the
whole page under
Streamlit's ``AppTest`` (whole reruns), which include what the stages leave out: the
chrome, Streamlit's own work on the component's arguments. What no in-process
figure shows is sending the arguments to the browser and the browser drawing them; the
bench's "server run ended" and "map shown" marks give those.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.stats import markdown_table
from stationmap.map import builder as mapbuilder
from stationmap.map import folium_bridge, live_layer
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view


def _timed(stages: list, name: str, call: Callable):
    start = time.perf_counter()
    value = call()
    stages.append((name, time.perf_counter() - start))
    return value


def stage_timings(data_dir: Path, as_of: date | None = None) -> tuple[list, dict]:
    """[(stage, seconds)] of the map page's work, and the sizes of what it sends.

    First what is done once per data version and language (the live layer and its files),
    then what every rerun does: the filters, the view, the map and what st_folium does with
    them.
    """
    import streamlit_folium

    from stationmap.map import static_cache
    from stationmap.record.status import status_histories
    from stationmap.timeline.events import earliest_report

    stages: list[tuple[str, float]] = []
    dataset = _timed(stages, "once: load_dataset", lambda: load_dataset(data_dir))
    today_view = _timed(
        stages, "once: build_site_view (today)", lambda: build_site_view(dataset, on=date.today())
    )
    histories = _timed(stages, "once: status_histories", lambda: status_histories(dataset))
    layer = _timed(
        stages,
        "once: build_live_layer (records and popups)",
        lambda: live_layer.build_live_layer(
            today_view, events=dataset.events, sources=dataset.sources, histories=histories
        ),
    )
    sites_file = _timed(
        stages, "once: encode sites JSON", lambda: static_cache.encode(layer.records)
    )
    popup_files = _timed(
        stages,
        "once: encode popups JSON (parts)",
        lambda: [static_cache.encode(part) for part in live_layer.popup_parts(layer)],
    )
    source = {"dataUrl": "/app/static/cache/s.json", "popupUrls": [], "popupPart": 256}

    state = FilterState(as_of=as_of)
    view = _timed(
        stages,
        "rerun: build_site_view (cached per date)",
        lambda: build_site_view(dataset, on=as_of or date.today()),
    )
    _timed(stages, "rerun: apply_filters (headline counts)", lambda: apply_filters(view, state))
    allowed = _timed(stages, "rerun: ids_in_play", lambda: live_layer.ids_in_play(view, state))
    first = _timed(stages, "rerun: earliest_report", lambda: earliest_report(dataset))
    site_view = _timed(
        stages,
        "rerun: map_view_message",
        lambda: live_layer.map_view_message(
            layer, allowed, as_of=as_of, statuses=(), first=first, last=date.today()
        ),
    )
    site_map = _timed(stages, "rerun: build_live_map", lambda: mapbuilder.build_live_map(source))
    group = _timed(stages, "rerun: view_layer", lambda: folium_bridge.view_layer(site_view))
    # What st_folium does with the map on every rerun (streamlit_folium 0.27.4).
    _timed(
        stages,
        "rerun: st_folium _get_html/_get_header",
        lambda: (streamlit_folium._get_html(site_map), streamlit_folium._get_header(site_map)),
    )
    script = _timed(
        stages,
        "rerun: st_folium _get_map_string",
        lambda: streamlit_folium._get_map_string(site_map),
    )
    _timed(
        stages,
        "rerun: st_folium generate_js_hash",
        lambda: streamlit_folium.generate_js_hash(script, "site_map"),
    )
    group_script = _timed(
        stages,
        "rerun: st_folium feature group script",
        lambda: streamlit_folium._get_feature_group_string(group, site_map),
    )
    count = max(len(layer.records), 1)
    sizes = {
        "sites": len(layer.records),
        "map script sent on every rerun (bytes)": len(script),
        "view sent on every rerun (bytes)": len(group_script),
        "sites file, fetched once (bytes)": len(sites_file),
        "sites file per site (bytes)": round(len(sites_file) / count),
        "popups, all parts (bytes)": sum(len(part) for part in popup_files),
        "popups per site (bytes)": round(sum(len(part) for part in popup_files) / count),
        "largest popup part, fetched at a first popup (bytes)": max(
            map(len, popup_files), default=0
        ),
    }
    return stages, sizes


def apptest_reruns(data_dir: Path, status: str, as_of: date) -> list[tuple[str, float]]:
    """Seconds of Python the server spends on whole reruns of the map page (no browser).

    Under Streamlit's ``AppTest``, after a first run that fills the data caches as a warm
    server has them: picking a status, stepping the as-of date, and the same date again
    (every cache hit).
    """
    from streamlit.testing.v1 import AppTest

    from stationmap import config
    from stationmap.app import ui_state
    from stationmap.map import folium_bridge

    previous = os.environ.get(config.DATA_DIR_ENV)
    os.environ[config.DATA_DIR_ENV] = str(data_dir)
    timings = []
    try:
        app = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=300)
        # As after the map has shown its sites and said so: a session's first run draws the map
        # alone and the sidebar in the run that report starts, and AppTest runs no component.
        app.session_state[ui_state.SITE_MAP] = {folium_bridge.MAP_SHOWN_REPORT: True}
        timings.append(("first run (cold caches)", _run_seconds(app)))
        app.multiselect(key=ui_state.STATUS).set_value([status])
        timings.append((f"rerun: status {status!r} picked", _run_seconds(app)))
        app.multiselect(key=ui_state.STATUS).set_value([])
        _run_seconds(app)
        app.date_input(key=ui_state.AS_OF).set_value(as_of)
        timings.append((f"rerun: as of {as_of} (new date)", _run_seconds(app)))
        app.date_input(key=ui_state.AS_OF).set_value(as_of)
        timings.append(("rerun: same date again (cache hits)", _run_seconds(app)))
    finally:
        if previous is None:
            os.environ.pop(config.DATA_DIR_ENV, None)
        else:
            os.environ[config.DATA_DIR_ENV] = previous
    return timings


def _run_seconds(app) -> float:
    start = time.perf_counter()
    app.run()
    if app.exception:
        raise RuntimeError(f"the app raised: {app.exception[0].value}")
    return time.perf_counter() - start


def profile_markdown(
    name: str, data_dir: Path, status: str | None = None, as_of: date | None = None
) -> str:
    stages, sizes = stage_timings(data_dir)
    parts = [
        f"#### {name}: the map page, stage by stage (this process)",
        "",
        markdown_table(("stage", "seconds"), [(s, f"{t:.3f}") for s, t in stages]),
        "",
        markdown_table(("size", "value"), [(k, f"{v:,}") for k, v in sizes.items()]),
    ]
    if status and as_of:
        reruns = apptest_reruns(data_dir, status, as_of)
        parts += [
            "",
            f"#### {name}: whole reruns of the map page under AppTest (Python only, no browser)",
            "",
            markdown_table(("rerun", "seconds"), [(s, f"{t:.3f}") for s, t in reruns]),
        ]
    return "\n".join(parts)
