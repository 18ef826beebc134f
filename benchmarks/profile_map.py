"""Where one map rerun spends its time, stage by stage, timed in this process.

The stages are those of ``pages/map.py`` and of streamlit-folium's ``st_folium`` on a rerun that
misses the caches (a new filter or date), in order; then the whole page under
Streamlit's ``AppTest`` (whole reruns), which include what the stages leave out: the
chrome, Streamlit's own work on the component's arguments. What no in-process
figure shows is sending the arguments to the browser and the browser drawing them; the
bench's "server run ended" and "map shown" marks give those.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.stats import markdown_table
from stationmap import mapbuilder
from stationmap.filters import FilterState, apply_filters
from stationmap.loader import load_dataset
from stationmap.views import build_site_view


def _timed(stages: list, name: str, call: Callable):
    start = time.perf_counter()
    value = call()
    stages.append((name, time.perf_counter() - start))
    return value


def stage_timings(data_dir: Path, as_of: date | None = None) -> tuple[list, dict]:
    """[(stage, seconds)] of one uncached map rerun, and the sizes of what it sends."""
    import streamlit_folium

    stages: list[tuple[str, float]] = []
    dataset = _timed(
        stages, "load_dataset (cached per data version)", lambda: load_dataset(data_dir)
    )
    view = _timed(
        stages,
        "build_site_view (cached per date)",
        lambda: build_site_view(dataset, on=as_of or date.today()),
    )
    state = FilterState(as_of=as_of)
    # As pages/map.py does: with the in-map play control, the map holds every site the
    # filters allow on any date, with each site's status history (older code: the filtered).
    playing = hasattr(mapbuilder, "sites_in_play") and hasattr(mapbuilder, "Play")
    extra: dict = {}
    if playing:
        from stationmap import timeline
        from stationmap.status import status_histories

        sites = _timed(
            stages, "sites_in_play (filters)", lambda: mapbuilder.sites_in_play(view, state)
        )
        histories = _timed(stages, "status_histories", lambda: status_histories(dataset))
        first = timeline.earliest_report(dataset)
        if first is not None:
            extra["play"] = mapbuilder.Play(
                histories=histories, first=first, last=date.today(), statuses=()
            )
        record_args = {"histories": histories}
    else:
        sites = _timed(stages, "apply_filters", lambda: apply_filters(view, state))
        record_args = {}
    records = _timed(
        stages,
        "build_site_records (cached per filter+date)",
        lambda: mapbuilder.build_site_records(
            sites, events=dataset.events, sources=dataset.sources, as_of=as_of, **record_args
        ),
    )
    site_map = _timed(
        stages,
        "build_map (incl. script_safe_json), every rerun",
        lambda: mapbuilder.build_map(
            sites,
            events=dataset.events,
            sources=dataset.sources,
            as_of=as_of,
            records=records,
            **extra,
        ),
    )
    # What st_folium does with the map on every rerun (streamlit_folium 0.27.4).
    _timed(stages, "st_folium: figure render", lambda: site_map.get_root().render())
    _timed(stages, "st_folium: map render", site_map.render)
    _timed(
        stages,
        "st_folium: _get_html/_get_header",
        lambda: (streamlit_folium._get_html(site_map), streamlit_folium._get_header(site_map)),
    )
    script = _timed(
        stages,
        "st_folium: _get_map_string (renders again)",
        lambda: streamlit_folium._get_map_string(site_map),
    )
    _timed(
        stages,
        "st_folium: generate_js_hash (regex + sha256 over the script)",
        lambda: streamlit_folium.generate_js_hash(script, "site_map"),
    )
    _timed(stages, "component args json.dumps", lambda: json.dumps({"script": script}))
    payload = mapbuilder.script_safe_json(records)
    lean = [{k: v for k, v in r.items() if k != "popup"} for r in records]
    lean_payload = mapbuilder.script_safe_json(lean)
    sites = max(len(records), 1)
    sizes = {
        "sites drawn": len(records),
        "script sent to the browser (bytes)": len(script),
        "records JSON (bytes)": len(payload),
        "records JSON per site (bytes)": round(len(payload) / sites),
        "popup HTML per site (bytes)": round(
            sum(len(r.get("popup") or "") for r in records) / sites
        ),
        "records JSON per site without popups (bytes)": round(len(lean_payload) / sites),
    }
    return stages, sizes


def apptest_reruns(data_dir: Path, status: str, as_of: date) -> list[tuple[str, float]]:
    """Seconds of Python the server spends on whole reruns of the map page (no browser).

    Under Streamlit's ``AppTest``, after a first run that fills the data caches as a warm
    server has them: picking a status, stepping the as-of date, and the same date again
    (every cache hit).
    """
    from streamlit.testing.v1 import AppTest

    from stationmap import config, ui_state

    previous = os.environ.get(config.DATA_DIR_ENV)
    os.environ[config.DATA_DIR_ENV] = str(data_dir)
    timings = []
    try:
        app = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=300)
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
        f"#### {name}: one uncached map rerun, stage by stage (this process)",
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
