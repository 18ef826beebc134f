"""The map page's live layer: built once per dataset and language; published or inline."""

from __future__ import annotations

import pytest

from stationmap.html.texts import texts_for
from stationmap.map import live_layer, static_cache
from stationmap.map import source as map_source
from stationmap.record.loader import build_dataset, load_dataset
from stationmap.record.views import build_site_view
from stationmap.synth import write_synthetic_dataset
from tests.conftest import TEST_TODAY, small_files

ENGLISH = texts_for("en")
CHINESE = texts_for("zh-Hans")


class Publisher:
    """Records what would be published, as static_cache.publish_json would name it."""

    def __init__(self, fail: bool = False):
        self.published: list[tuple[str, object]] = []
        self.fail = fail

    def __call__(self, value, *, prefix: str) -> str:
        if self.fail:
            raise PermissionError("read-only")
        self.published.append((prefix, value))
        return f"/app/static/cache/{prefix}-{len(self.published)}.json"


@pytest.fixture
def dataset():
    return build_dataset(small_files(), today=TEST_TODAY)


def views_of(dataset):
    calls = []

    def site_view():
        calls.append(1)
        return build_site_view(dataset, on=TEST_TODAY)

    return site_view, calls


def test_shared_data_publishes_its_popups_in_parts_and_keeps_small_sites_inline(dataset):
    publish = Publisher()
    site_view, _calls = views_of(dataset)
    layer, source = map_source.live_layer(dataset, site_view, ENGLISH, shared=True, publish=publish)
    assert source["records"] == layer.records
    assert "dataUrl" not in source and "popups" not in source
    assert source["popupPart"] == live_layer.POPUP_PART_SITES
    assert source["popupUrls"] == ["/app/static/cache/popups-en-1.json"]
    assert publish.published == [("popups-en", layer.popups)]


def test_large_shared_data_publishes_its_sites_too(tmp_path):
    large = load_dataset(write_synthetic_dataset(tmp_path, sites=2_000), today=TEST_TODAY)
    publish = Publisher()
    site_view, _calls = views_of(large)
    layer, source = map_source.live_layer(large, site_view, ENGLISH, shared=True, publish=publish)
    assert len(static_cache.encode(layer.records)) > map_source.INLINE_RECORDS_BYTES
    assert "records" not in source
    assert ("sites", layer.records) in publish.published
    assert source["dataUrl"].startswith("/app/static/cache/sites-")
    parts = [value for prefix, value in publish.published if prefix == "popups-en"]
    assert parts == live_layer.popup_parts(layer)
    assert len(source["popupUrls"]) == len(parts) == 8


def test_an_upload_is_never_published(dataset):
    publish = Publisher()
    site_view, _calls = views_of(dataset)
    layer, source = map_source.live_layer(
        dataset, site_view, ENGLISH, shared=False, publish=publish
    )
    assert source == {"records": layer.records, "popups": layer.popups}
    assert publish.published == []


def test_a_static_folder_that_cannot_be_written_means_inline(dataset):
    site_view, _calls = views_of(dataset)
    layer, source = map_source.live_layer(
        dataset, site_view, ENGLISH, shared=True, publish=Publisher(fail=True)
    )
    assert source == {"records": layer.records, "popups": layer.popups}


def test_the_layer_is_built_once_per_language(dataset):
    publish = Publisher()
    site_view, calls = views_of(dataset)
    first = map_source.live_layer(dataset, site_view, ENGLISH, shared=True, publish=publish)
    again = map_source.live_layer(dataset, site_view, ENGLISH, shared=True, publish=publish)
    assert again is first and len(calls) == 1
    chinese, _source = map_source.live_layer(
        dataset, site_view, CHINESE, shared=True, publish=publish
    )
    assert len(calls) == 2
    # The records do not depend on the language; the popups do.
    assert chinese.records == first[0].records
    assert chinese.popups != first[0].popups
    assert [prefix for prefix, _value in publish.published] == ["popups-en", "popups-zh-Hans"]


def test_the_published_layer_is_kept_out_of_gc_scans_once_and_an_uploads_never(
    dataset, monkeypatch
):
    freezes = []
    monkeypatch.setattr(map_source.heap, "keep_out_of_gc_scans", lambda: freezes.append(1))
    site_view, _calls = views_of(dataset)
    upload = build_dataset(small_files(), today=TEST_TODAY)
    map_source.live_layer(upload, site_view, ENGLISH, shared=False, publish=Publisher())
    assert freezes == []

    for _ in range(2):
        map_source.live_layer(dataset, site_view, ENGLISH, shared=True, publish=Publisher())
    assert freezes == [1]
