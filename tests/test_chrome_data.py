"""The app's data: the fingerprint that keys the published dataset's cache."""

from __future__ import annotations

import os
from pathlib import Path

from stationmap.app import data
from tests.conftest import small_files, write_dataset


def test_the_fingerprint_changes_when_a_file_is_edited(tmp_path: Path):
    folder = write_dataset(tmp_path / "data", small_files())
    before = data.data_fingerprint(folder)
    sites = folder / "sites.csv"
    stat = sites.stat()
    sites.write_bytes(sites.read_bytes() + b"\n")
    os.utime(sites, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert data.data_fingerprint(folder) != before


def test_the_fingerprint_notes_a_missing_file(tmp_path: Path):
    folder = write_dataset(tmp_path / "data", small_files())
    (folder / "events.csv").unlink()
    assert ("events.csv", -1, -1) in data.data_fingerprint(folder)
