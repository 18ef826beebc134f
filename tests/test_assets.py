"""Local or CDN map assets, and the map background setting (STATIONMAP_TILES)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import folium.plugins
import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config
from stationmap.html.markdown import plain
from stationmap.map import assets
from tests.app_session import DASHBOARD, RUN_TIMEOUT_S, map_has_shown


@pytest.fixture
def vendor_dir(tmp_path: Path) -> Path:
    """A vendor folder as `make setup` leaves it: the manifest and every file the map needs."""
    folder = tmp_path / "vendor"
    for name in (assets.MANIFEST_NAME, *assets.REQUIRED_FILES, assets.COUNTRY_OUTLINES_FINE):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture
def restore_local_assets():
    yield
    assets.install(assets.LOCAL_ASSETS)


def test_vendored_files_are_used_when_the_manifest_is_there(vendor_dir):
    found = assets.detect_assets(vendor_dir)
    assert found.local
    assert found is assets.LOCAL_ASSETS


def test_without_the_fine_outlines_the_coarse_ones_serve_at_every_zoom(vendor_dir):
    (vendor_dir / assets.COUNTRY_OUTLINES_FINE).unlink()
    found = assets.detect_assets(vendor_dir)
    assert found.local
    assert found.outlines_url == assets.LOCAL_ASSETS.outlines_url
    assert found.fine_outlines_url is None
    assert assets.LOCAL_ASSETS.fine_outlines_url.endswith("countries-50m.json")


def test_without_a_manifest_the_map_falls_back_to_cdns(tmp_path):
    found = assets.detect_assets(tmp_path / "nowhere")
    assert not found.local
    assert found is assets.CDN_ASSETS


def test_a_missing_file_falls_back_to_cdns_too(vendor_dir):
    (vendor_dir / assets.MARKERCLUSTER_CSS).unlink()
    assert not assets.detect_assets(vendor_dir).local


def test_a_vendor_folder_without_the_bundle_falls_back_to_cdns(vendor_dir):
    # As scripts/vendor_assets.py left it before it wrote the bundle: the separate files only.
    (vendor_dir / assets.LEAFLET_MARKERCLUSTER_JS).unlink()
    for name in (assets.LEAFLET_JS, assets.JQUERY_JS, assets.MARKERCLUSTER_JS):
        (vendor_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (vendor_dir / name).write_text("", encoding="utf-8")
    assert assets.detect_assets(vendor_dir) is assets.CDN_ASSETS


def test_the_local_map_loads_one_script_for_leaflet_and_markercluster_and_no_jquery():
    local = assets.LOCAL_ASSETS
    scripts = [url for _, url in (*local.map_js, *local.layer_js)]
    assert scripts == [
        "/app/static/vendor/" + assets.LEAFLET_MARKERCLUSTER_JS,
        "/app/static/vendor/" + assets.TOPOJSON_JS,
    ]
    assert not [url for url in scripts if "jquery" in url]
    # Their style sheets are as they were.
    assert [url for _, url in (*local.map_css, *local.layer_css)] == [
        "/app/static/vendor/" + name
        for name in (assets.LEAFLET_CSS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS)
    ]


def test_the_floors_assets_are_folium_standard_files_loaded_locally():
    # The benchmarks' floors are bare folium pages: Leaflet, jQuery, MarkerCluster, in turn.
    floor = assets.folium_standard_local()
    assert floor.local
    assert [url for _, url in floor.map_js] == [
        "/app/static/vendor/" + assets.LEAFLET_JS,
        "/app/static/vendor/" + assets.JQUERY_JS,
    ]
    assert dict(floor.layer_js)[assets.MARKERCLUSTER_LINK] == (
        "/app/static/vendor/" + assets.MARKERCLUSTER_JS
    )
    assert floor.map_css == assets.LOCAL_ASSETS.map_css
    assert floor.layer_css == assets.LOCAL_ASSETS.layer_css


def test_the_default_vendor_folder_is_found_from_the_package_not_the_working_directory(
    monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    assert config.VENDOR_DIR == config.PROJECT_ROOT / "static" / "vendor"
    expected = (config.VENDOR_DIR / assets.MANIFEST_NAME).is_file()
    assert assets.detect_assets().local is expected


@pytest.mark.parametrize("chosen", [assets.LOCAL_ASSETS, assets.folium_standard_local()])
def test_every_local_link_is_served_by_the_app(chosen):
    links = [
        url for _, url in (*chosen.map_js, *chosen.map_css, *chosen.layer_js, *chosen.layer_css)
    ]
    links += [chosen.outlines_url, chosen.icon_image_path]
    assert all(link.startswith("/app/static/vendor/") for link in links)
    # Each names a file scripts/vendor_assets.py copies or writes.
    manifest = Path(config.PROJECT_ROOT / "scripts" / "vendor_assets.py").read_text()
    for link in links:
        if not link.endswith("/"):
            assert link.removeprefix("/app/static/vendor/") in manifest


def test_cdn_fallback_pins_the_versions_package_json_pins():
    pins = json.loads((config.PROJECT_ROOT / "package.json").read_text())["dependencies"]
    cdn = assets.CDN_ASSETS
    for url in (*(u for _, u in cdn.layer_js), *(u for _, u in cdn.layer_css), cdn.outlines_url):
        package, version = re.search(r"/npm/([^@]+)@([^/]+)/", url).groups()
        assert pins[package] == version


def test_install_points_folium_at_the_chosen_assets(restore_local_assets):
    assets.install(assets.LOCAL_ASSETS)
    assert folium.Map.default_js == list(assets.LOCAL_ASSETS.map_js)
    # MarkerCluster is in the map's own script: the plugin loads nothing more.
    assert folium.plugins.MarkerCluster.default_js == []
    assert folium.plugins.MarkerCluster.default_css[0][1].startswith("/app/static/vendor/")
    assets.install(assets.folium_standard_local())
    assert folium.plugins.MarkerCluster.default_js == [
        (assets.MARKERCLUSTER_LINK, "/app/static/vendor/" + assets.MARKERCLUSTER_JS)
    ]
    assets.install(assets.CDN_ASSETS)
    assert folium.Map.default_js[0][1].startswith("https://cdn.jsdelivr.net/npm/leaflet@")
    assert folium.plugins.MarkerCluster.default_css[0][1].startswith("https://")


# --- tiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("setting", [None, "", "none", "NONE", "  none  "])
def test_no_tiles_by_default(setting):
    tiles = assets.resolve_tiles(setting)
    assert tiles == assets.NO_TILES
    assert not tiles.has_tiles
    assert tiles.error is None


@pytest.mark.parametrize("name", ["osm", "carto-light", "carto-dark", "OSM", "Carto-Light"])
def test_named_providers_come_with_their_attribution(name):
    tiles = assets.resolve_tiles(name)
    assert tiles.has_tiles
    assert tiles.url.startswith("https://")
    assert "OpenStreetMap" in tiles.attribution
    assert tiles.error is None


def test_a_url_template_with_attribution_is_used():
    tiles = assets.resolve_tiles("https://tiles.example.org/{z}/{x}/{y}.png", "© Example & co")
    assert tiles.url == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert tiles.attribution == "© Example &amp; co"
    assert tiles.error is None


def test_a_url_template_without_attribution_is_an_error_not_a_crash():
    tiles = assets.resolve_tiles("https://tiles.example.org/{z}/{x}/{y}.png", "  ")
    assert not tiles.has_tiles
    assert "STATIONMAP_TILES_ATTRIBUTION" in tiles.error


@pytest.mark.parametrize(
    "setting",
    [
        "google",
        "javascript:alert(1)",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/tile.png",
        "https://tiles.example.org/{z}/{x}/{y}.png?{{ 7 * 7 }}",
        "https://tiles.example.org/{z}/{x}/{y}.png?k={key}",
        "https:// tiles.example.org/{z}/{x}/{y}.png",
    ],
)
def test_unusable_settings_say_why_and_fall_back_to_outlines(setting):
    tiles = assets.resolve_tiles(setting, "attribution")
    assert not tiles.has_tiles
    assert tiles.name == "none"
    assert tiles.error
    assert "Showing country outlines only" in tiles.error


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(config.TILES_ENV, "osm")
    assert assets.configured_tiles().name == "osm"
    monkeypatch.setenv(config.TILES_ENV, "https://t.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv(config.TILES_ATTRIBUTION_ENV, "Example")
    assert assets.configured_tiles().name == "custom"
    monkeypatch.delenv(config.TILES_ENV)
    assert assets.configured_tiles() == assets.NO_TILES


# --- what the map page says -------------------------------------------------------------------


def run_map_page() -> AppTest:
    """The dashboard's first page, the map, run by Streamlit's AppTest."""
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def test_the_map_page_says_when_assets_come_from_cdns(monkeypatch, tmp_path, restore_local_assets):
    monkeypatch.setattr(config, "VENDOR_DIR", tmp_path / "no-vendor")
    warnings = [warning.value for warning in run_map_page().main.warning]
    assert any(text.startswith("Map assets missing: loading from public CDNs") for text in warnings)


def test_the_map_page_is_quiet_about_assets_when_they_are_vendored(monkeypatch, vendor_dir):
    monkeypatch.setattr(config, "VENDOR_DIR", vendor_dir)
    app = run_map_page()
    assert not [w for w in app.main.warning if "Map assets missing" in w.value]
    assert not app.main.error


def test_the_map_page_shows_a_bad_tiles_setting_and_still_draws(monkeypatch):
    monkeypatch.setenv(config.TILES_ENV, "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.delenv(config.TILES_ATTRIBUTION_ENV, raising=False)
    app = run_map_page()
    (error,) = app.main.error
    assert plain(config.TILES_ATTRIBUTION_ENV) in error.value
    assert "Alleged Chinese overseas police stations" in [title.value for title in app.main.title]


def test_a_tiles_setting_quoted_back_is_text_not_markdown(monkeypatch):
    # An operator's typo is shown as typed: no link, image or emphasis comes of it.
    monkeypatch.setenv(config.TILES_ENV, "[click](https://evil.example) **bold** ![i](x.png)")
    app = run_map_page()
    (error,) = app.main.error
    assert error.value.count("\\[") == 2
    assert "\\*\\*bold\\*\\*" in error.value
    assert "](https://" not in error.value
