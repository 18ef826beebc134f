"""scripts/vendor_assets.py: the copies, and the one script made of Leaflet and MarkerCluster."""

from __future__ import annotations

import hashlib
import json

import pytest

from stationmap import config
from stationmap.map import assets
from tests.script_module import load_script

vendor_assets = load_script("vendor_assets")
BUNDLE_PARTS = dict(vendor_assets.BUNDLES)[assets.LEAFLET_MARKERCLUSTER_JS]

needs_node_modules = pytest.mark.skipif(
    not vendor_assets.NODE_MODULES.is_dir(), reason="node_modules/ is not installed (npm ci)"
)


def test_a_bundle_is_its_parts_in_order_without_their_source_map_lines():
    first = b"/* one */\n!function(){window.L=1}();\n//# sourceMappingURL=one.js.map"
    second = b"!function(){L.two=2}();\n//# sourceMappingURL=two.js.map\n"
    bundle = vendor_assets.bundle_bytes([first, second])
    assert bundle == b"/* one */\n!function(){window.L=1}();\n!function(){L.two=2}();\n"
    assert b"sourceMappingURL" not in bundle


def test_a_part_without_a_final_newline_does_not_run_into_the_next():
    # A last line comment would otherwise swallow the next part's first statement.
    assert vendor_assets.bundle_bytes([b"a();\n// end", b"b();"]) == b"a();\n// end\nb();\n"


def test_the_app_loads_leaflet_then_markercluster_as_one_script():
    assert BUNDLE_PARTS == (assets.LEAFLET_JS, assets.MARKERCLUSTER_JS)
    # Every part is a file the script copies too (the floors load them one by one).
    copied = {destination for _, _, destination in vendor_assets.ASSETS}
    assert set(BUNDLE_PARTS) <= copied


@needs_node_modules
def test_vendoring_writes_the_bundle_and_lists_what_it_is_made_from(tmp_path, monkeypatch):
    vendor_dir = tmp_path / "vendor"
    monkeypatch.setattr(vendor_assets, "VENDOR_DIR", vendor_dir)
    listed, written, removed = vendor_assets.vendor_assets()
    assert written == listed + 1  # every file and the manifest
    assert removed == 0

    parts = [(vendor_dir / name).read_bytes() for name in BUNDLE_PARTS]
    bundle = (vendor_dir / assets.LEAFLET_MARKERCLUSTER_JS).read_bytes()
    assert bundle == vendor_assets.bundle_bytes(parts)
    # Leaflet's bytes first (its UMD sets window.L), then MarkerCluster's (which extends L).
    leaflet_end = bundle.index(b"window.L=t});") + len(b"window.L=t});")
    assert bundle.index(b"L.MarkerClusterGroup=") > leaflet_end
    assert b"sourceMappingURL" not in bundle

    manifest = json.loads((vendor_dir / vendor_assets.MANIFEST_NAME).read_text())
    (entry,) = [row for row in manifest["files"] if row["path"] == assets.LEAFLET_MARKERCLUSTER_JS]
    assert entry["sha256"] == hashlib.sha256(bundle).hexdigest()
    assert [part["path"] for part in entry["made_from"]] == list(BUNDLE_PARTS)
    assert [part["package"] for part in entry["made_from"]] == ["leaflet", "leaflet.markercluster"]
    for part, data in zip(entry["made_from"], parts, strict=True):
        assert part["version"] == manifest["packages"][part["package"]]
        assert part["sha256"] == hashlib.sha256(data).hexdigest()


@needs_node_modules
def test_vendoring_again_rewrites_nothing_and_a_stale_file_goes(tmp_path, monkeypatch):
    vendor_dir = tmp_path / "vendor"
    monkeypatch.setattr(vendor_assets, "VENDOR_DIR", vendor_dir)
    vendor_assets.vendor_assets()
    stale = vendor_dir / "stationmap" / "old-bundle.js"
    stale.write_text("", encoding="utf-8")
    listed, written, removed = vendor_assets.vendor_assets()
    assert (written, removed) == (0, 1)
    assert not stale.exists()
    assert (vendor_dir / assets.LEAFLET_MARKERCLUSTER_JS).is_file()


@pytest.mark.skipif(
    not (config.VENDOR_DIR / assets.LEAFLET_MARKERCLUSTER_JS).is_file(),
    reason="static/vendor/ is not installed (make setup)",
)
def test_the_installed_bundle_is_the_installed_parts():
    parts = [(config.VENDOR_DIR / name).read_bytes() for name in BUNDLE_PARTS]
    bundle = (config.VENDOR_DIR / assets.LEAFLET_MARKERCLUSTER_JS).read_bytes()
    assert bundle == vendor_assets.bundle_bytes(parts)
