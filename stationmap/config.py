"""Settings read from the environment, with defaults that work from a fresh clone.

Paths come from this file's location, never from the working directory, so the app, the CLI
and the tests find the same data wherever they are started from.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

# Front-end files copied by `make setup` (scripts/vendor_assets.py); Streamlit serves ./static
# at /app/static/ because .streamlit/config.toml sets enableStaticServing.
VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
VENDOR_URL_PREFIX = "/app/static/vendor/"
# The map page's sites and popups for the published data, written as JSON files by the app
# (stationmap/map/static_cache.py) and served beside the vendored files.
STATIC_CACHE_DIR = PROJECT_ROOT / "static" / "cache"
STATIC_CACHE_URL_PREFIX = "/app/static/cache/"

# Environment variables, named once here.
DATA_DIR_ENV = "STATIONMAP_DATA_DIR"
# The map's background: "none" (country outlines only: no request leaves the app's own host),
# a provider named in stationmap.map.assets.TILE_PROVIDERS, or an http(s) URL template with
# {z}, {x} and {y}, which then needs STATIONMAP_TILES_ATTRIBUTION.
TILES_ENV = "STATIONMAP_TILES"
TILES_ATTRIBUTION_ENV = "STATIONMAP_TILES_ATTRIBUTION"
# No tile server by default: each tile request tells its host who is looking at which place.
DEFAULT_TILES = "none"


def data_dir() -> Path:
    """The dataset folder: $STATIONMAP_DATA_DIR, or data/ beside the package."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_DATA_DIR


def tiles_setting() -> str:
    """The map background asked for: $STATIONMAP_TILES, or "none"."""
    return os.environ.get(TILES_ENV, "").strip() or DEFAULT_TILES


def tiles_attribution() -> str:
    """The attribution for a tile URL template: $STATIONMAP_TILES_ATTRIBUTION, or ''."""
    return os.environ.get(TILES_ATTRIBUTION_ENV, "").strip()
