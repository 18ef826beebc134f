"""Settings read from the environment, with defaults that work from a fresh clone.

Paths come from this file's location, never from the working directory, so the app, the CLI
and the tests find the same data wherever they are started from.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

# Environment variables, named once here.
DATA_DIR_ENV = "STATIONMAP_DATA_DIR"
TILES_ENV = "STATIONMAP_TILES"


def data_dir() -> Path:
    """The dataset folder: $STATIONMAP_DATA_DIR, or data/ beside the package."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_DATA_DIR
