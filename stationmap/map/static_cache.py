"""JSON files the browser fetches from this app: written under static/cache/, named by content.

The map page's sites and popups for the published dataset run to megabytes at ten thousand
sites. Embedded in the map, they would go through Streamlit's websocket and streamlit-folium's
templating on every rerun; as files, the browser fetches them once and keeps them. A file's
name is a hash of its bytes, so a name never stands for two contents, and nothing needs
invalidating: new data is a new file. Only the published data goes here: everything under
static/ is served to anyone who asks (an upload stays inline in its own session's map).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from stationmap import config

# The most bytes kept: the sites and popups of several versions of ten thousand sites in
# every language (about 22 MB each). The least recently published or used go first.
KEEP_BYTES = 512 * 1024 * 1024
HASH_CHARS = 24


def encode(value: object) -> bytes:
    """Compact UTF-8 JSON; NaN is refused, as browsers' JSON.parse would refuse it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def publish_json(value: object, *, prefix: str, directory: Path | None = None) -> str:
    """Write `value` as `<prefix>-<hash>.json` (once) and return the URL it is served at.

    Raises OSError if the folder cannot be written (a read-only install); callers then send
    the data inline.
    """
    directory = Path(directory or config.STATIC_CACHE_DIR)
    data = encode(value)
    name = f"{prefix}-{hashlib.sha256(data).hexdigest()[:HASH_CHARS]}.json"
    path = directory / name
    try:
        os.utime(path)  # already there, and now recently used: pruned last
    except FileNotFoundError:
        # Not there, or pruned by another process between a check and its use: write it.
        directory.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a browser never fetches half a file, and two sessions
        # or processes publishing the same data at once both write whole files: each writes
        # its own partial file, and a rename replaces a name whole
        # (tests/test_static_cache_race.py races two processes).
        write_whole(path, data)
        prune(directory, keep=path)
    return config.STATIC_CACHE_URL_PREFIX + name


def write_whole(path: Path, data: bytes, *, mtime_ns: int | None = None) -> None:
    """Write `data` at `path` as a whole file: into a partial file of this process and thread
    first, then renamed over `path`, so a reader never sees half a file and two writers each
    leave a whole one. `mtime_ns`: the file's modification time, if not now."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        partial.write_bytes(data)
        if mtime_ns is not None:
            os.utime(partial, ns=(mtime_ns, mtime_ns))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk leaves no half file behind
        raise


def prune(directory: Path, *, keep: Path, limit: int | None = None) -> None:
    """Delete the least recently used files until the rest fit in `limit` bytes (default
    KEEP_BYTES), never `keep`."""
    limit = KEEP_BYTES if limit is None else limit
    used = []
    for path in directory.glob("*.json"):
        try:
            stat = path.stat()
        except FileNotFoundError:  # pruned by another session meanwhile
            continue
        used.append((stat.st_mtime, stat.st_size, path))
    total = 0
    for _mtime, size, path in sorted(used, reverse=True):
        total += size
        if total > limit and path != keep:
            path.unlink(missing_ok=True)
