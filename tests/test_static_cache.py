"""The JSON files the live map fetches: named by content, written whole, and few."""

from __future__ import annotations

import json
import os

import pytest

from stationmap import config
from stationmap.map import static_cache


def test_a_file_is_named_by_its_content_and_served_from_the_apps_static_folder(tmp_path):
    url = static_cache.publish_json({"a": [1, 2]}, prefix="sites", directory=tmp_path)
    assert url.startswith(config.STATIC_CACHE_URL_PREFIX + "sites-")
    (written,) = tmp_path.glob("*.json")
    assert url.endswith("/" + written.name)
    assert json.loads(written.read_text(encoding="utf-8")) == {"a": [1, 2]}
    # The same content is the same file; other content is another.
    assert static_cache.publish_json({"a": [1, 2]}, prefix="sites", directory=tmp_path) == url
    other = static_cache.publish_json({"a": [1, 3]}, prefix="sites", directory=tmp_path)
    assert other != url
    assert len(list(tmp_path.glob("*.json"))) == 2
    # Nothing half-written is left beside them.
    assert [path.name for path in tmp_path.iterdir() if path.suffix != ".json"] == []


def test_text_is_kept_as_utf8_and_nan_is_refused(tmp_path):
    static_cache.publish_json(["广州市公安局", None], prefix="p", directory=tmp_path)
    (written,) = tmp_path.glob("*.json")
    assert "广州市公安局".encode() in written.read_bytes()
    with pytest.raises(ValueError):
        static_cache.publish_json([float("nan")], prefix="p", directory=tmp_path)


def test_only_the_most_recently_used_files_that_fit_the_budget_are_kept(tmp_path, monkeypatch):
    one_file = len(static_cache.encode(["x" * 100, 10]))
    monkeypatch.setattr(static_cache, "KEEP_BYTES", 10 * one_file)
    urls = []
    for number in range(15):
        # Each file older than the next, whatever the file system's time resolution.
        for path in tmp_path.glob("*.json"):
            os.utime(path, (path.stat().st_mtime - 10, path.stat().st_mtime - 10))
        urls.append(
            static_cache.publish_json(["x" * 100, number + 10], prefix="s", directory=tmp_path)
        )
    names = {path.name for path in tmp_path.glob("*.json")}
    # The five oldest went; the ten most recent (the latest included) fit and stay.
    assert {url.rsplit("/", 1)[1] for url in urls[5:]} == names


def test_a_file_larger_than_the_budget_is_still_kept_when_just_published(tmp_path, monkeypatch):
    monkeypatch.setattr(static_cache, "KEEP_BYTES", 10)
    url = static_cache.publish_json(["x" * 100], prefix="s", directory=tmp_path)
    assert (tmp_path / url.rsplit("/", 1)[1]).is_file()


def test_a_folder_that_cannot_be_written_raises_os_error(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(OSError):
        static_cache.publish_json([1], prefix="s", directory=blocked / "cache")
