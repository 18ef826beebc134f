"""The app's data: the fingerprint that keys the published dataset's cache, shared results."""

from __future__ import annotations

import os
from pathlib import Path

from stationmap import config
from stationmap.app import data
from stationmap.record.filters import filter_options
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
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


def test_the_filter_choices_are_built_once_per_data_and_day(tmp_path: Path, monkeypatch):
    folder = write_dataset(tmp_path / "data", small_files())
    monkeypatch.setenv(config.DATA_DIR_ENV, str(folder))
    data._shared_result.clear()
    built = []

    def counted(view):
        built.append(len(view))
        return filter_options(view)

    monkeypatch.setattr(data, "filter_options", counted)
    first = data.filter_choices()
    assert first == filter_options(data.site_view())
    assert data.filter_choices() is first
    assert len(built) == 1
    # Uploaded data is never shared: its choices are built for each run.
    monkeypatch.setattr(data, "using_uploaded_data", lambda: True)
    monkeypatch.setattr(
        data, "site_view", lambda on=None: build_site_view(load_dataset(folder), on=on)
    )
    assert data.filter_choices() == first
    assert len(built) == 2
    data._shared_result.clear()
