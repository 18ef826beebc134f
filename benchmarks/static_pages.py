"""The floor's static pages: N sites as ONE folium HTML page, the conventional way.

One ``folium.Marker`` per site (with its name as tooltip) in a ``MarkerCluster``, fitted to the
sites, with folium's standard files (Leaflet, jQuery, MarkerCluster: not the app's one-file
bundle) from the same local folder as the app. Written to ``static/bench/`` (git-ignored), which
Streamlit serves at ``/app/static/bench/``, so the page comes from the same static serving as
the app's own scripts. A page is rewritten only when its sites or folium's version change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import folium
import folium.plugins

from stationmap.map import assets

STATIC_BENCH_DIR = Path(__file__).resolve().parent.parent / "static" / "bench"
STATIC_BENCH_URL = "/app/static/bench/"

# (latitude, longitude, name)
Point = tuple[float, float, str]


def build_static_map(points: Sequence[Point]) -> folium.Map:
    """A folium map with one Marker per point in one MarkerCluster, local files, no tiles."""
    assets.install(assets.folium_standard_local())
    m = folium.Map(location=[25.0, 10.0], zoom_start=2, tiles=None)
    m.options["maxZoom"] = 18
    cluster = folium.plugins.MarkerCluster().add_to(m)
    for lat, lng, name in points:
        folium.Marker([lat, lng], tooltip=name).add_to(cluster)
    if len(points) > 1:
        lats = [p[0] for p in points]
        lngs = [p[1] for p in points]
        m.fit_bounds([[min(lats), min(lngs)], [max(lats), max(lngs)]], max_zoom=7)
    return m


def _fingerprint(points: Sequence[Point]) -> str:
    digest = hashlib.sha256(json.dumps([folium.__version__, list(points)]).encode("utf-8"))
    return digest.hexdigest()


def write_static_page(name: str, points: Sequence[Point], out_dir: Path = STATIC_BENCH_DIR) -> str:
    """Write ``<name>.html`` (unless up to date) and return its URL path on the server."""
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / f"{name}.html"
    stamp = out_dir / f"{name}.sha256"
    fingerprint = _fingerprint(points)
    if not (page.is_file() and stamp.is_file() and stamp.read_text() == fingerprint):
        build_static_map(points).save(str(page))
        stamp.write_text(fingerprint)
    return STATIC_BENCH_URL + page.name
