"""The package's own style sheets, kept as .css files rather than in Python strings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


@cache
def stylesheet(name: str) -> str:
    """The text of one of this folder's style sheets, e.g. 'sources.css'."""
    return (FOLDER / name).read_text(encoding="utf-8")
