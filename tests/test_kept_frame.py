"""streamlit-folium's frame with its script served from static/, where the browser keeps it."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urljoin

import pytest
import streamlit_folium
from streamlit.components.v1.custom_component import CustomComponent

from stationmap import config
from stationmap.map import assets, kept_frame

PACKAGE_INDEX = kept_frame.package_build() / "index.html"


def test_the_index_loads_the_script_from_the_app_s_static_files_and_is_otherwise_the_same():
    index = PACKAGE_INDEX.read_text(encoding="utf-8")
    kept = kept_frame.kept_index(index)
    assert kept.count(kept_frame.STATIC_FROM_FRAME) == 1
    assert kept.replace(f'src="{kept_frame.STATIC_FROM_FRAME}', 'src="./') == index


def test_the_index_loads_the_map_s_own_files_ahead_of_streamlit_folium_s_script():
    index = PACKAGE_INDEX.read_text(encoding="utf-8")
    links = kept_frame.frame_links(assets.LOCAL_ASSETS)
    kept = kept_frame.kept_index(index, links)
    ahead = (
        "".join(f'<link rel="stylesheet" href="{url}">' for url in links.css)
        + "".join(f'<script defer="defer" src="{url}"></script>' for url in links.js)
        + '<script defer="defer" src="'
        + kept_frame.STATIC_FROM_FRAME
    )
    # In the head, right before streamlit-folium's script, deferred like it: fetched beside
    # it, run before it.
    assert ahead in kept.split("</head>")[0]
    assert kept.replace(ahead, '<script defer="defer" src="' + kept_frame.STATIC_FROM_FRAME) == (
        kept_frame.kept_index(index)
    )


def test_the_frame_loads_the_vendored_leaflet_and_style_sheets_and_nothing_from_a_cdn():
    links = kept_frame.frame_links(assets.LOCAL_ASSETS)
    vendor = "/app/static/vendor/"
    assert links.js == (vendor + assets.LEAFLET_MARKERCLUSTER_JS,)
    assert links.css == tuple(
        vendor + name
        for name in (assets.LEAFLET_CSS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS)
    )
    # The outlines' reader is the layer's to load, after the markers.
    assert not any("topojson" in url for url in links.js)
    assert kept_frame.frame_links(assets.CDN_ASSETS) == kept_frame.FrameLinks()
    assert not kept_frame.FrameLinks()


def test_a_link_is_escaped_in_the_index():
    index = PACKAGE_INDEX.read_text(encoding="utf-8")
    links = kept_frame.FrameLinks(css=('/a"><script>alert(1)</script>',), js=("/b.js?x=1&y=2",))
    kept = kept_frame.kept_index(index, links)
    assert "<script>alert" not in kept
    assert 'href="/a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in kept
    assert 'src="/b.js?x=1&amp;y=2"' in kept


def test_the_script_s_address_resolves_to_the_frame_folder_under_static_with_a_base_path():
    frame = "http://host:8501/base/component/stationmap.map.kept_frame.st_folium/index.html"
    script = urljoin(frame, kept_frame.STATIC_FROM_FRAME + "static/js/main.js")
    served_as = kept_frame.FRAME_DIR.relative_to(config.PROJECT_ROOT / "static").as_posix()
    assert script == f"http://host:8501/base/app/static/{served_as}/static/js/main.js"


@pytest.mark.parametrize(
    "index",
    [
        "<html><head></head><body></body></html>",
        '<script src="./static/js/a.js"></script><script src="./static/js/b.js"></script>',
    ],
)
def test_an_index_that_does_not_load_one_script_is_refused(index):
    with pytest.raises(kept_frame.FrameUnavailable, match="one script"):
        kept_frame.kept_index(index)


def test_the_folder_holds_the_package_s_script_byte_for_byte_and_is_written_once(tmp_path):
    build = kept_frame.package_build()
    (script,) = (build / "static" / "js").glob("main.*.js")
    written = kept_frame.write_frame(build, tmp_path)
    copy = tmp_path / "static" / "js" / script.name
    assert copy in written and (tmp_path / "index.html") in written
    assert copy.read_bytes() == script.read_bytes()
    # Last-Modified is the installed file's: the browser keeps it the longer.
    assert copy.stat().st_mtime_ns == script.stat().st_mtime_ns
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'src="{kept_frame.STATIC_FROM_FRAME}static/js/{script.name}"' in index
    assert kept_frame.write_frame(build, tmp_path) == []
    assert not list(tmp_path.rglob("*.part"))


def test_a_build_without_its_one_script_is_refused(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "index.html").write_text(PACKAGE_INDEX.read_text(encoding="utf-8"))
    with pytest.raises(kept_frame.FrameUnavailable, match="one main"):
        kept_frame.write_frame(tmp_path, tmp_path / "out")


@pytest.fixture
def package_component(monkeypatch):
    """streamlit-folium's own component as the one st_folium calls, whatever an earlier map in
    this process made of it (put back after the test), and a kept one not made yet."""
    own = CustomComponent(name="streamlit_folium.st_folium", path=str(kept_frame.package_build()))
    monkeypatch.setattr(streamlit_folium, "_component_func", own)
    kept_frame.kept_component.cache_clear()
    yield streamlit_folium._component_func
    kept_frame.kept_component.cache_clear()
    kept_frame._MADE.clear()


def test_st_folium_is_pointed_at_the_kept_frame(package_component, monkeypatch, tmp_path):
    monkeypatch.setattr(kept_frame, "FRAME_DIR", tmp_path / "frame")
    kept_frame.use_kept_frame()
    component = streamlit_folium._component_func
    assert component is not package_component
    assert Path(component.path) == tmp_path / "frame"
    assert component.name == kept_frame.FRAME_TITLE
    assert (tmp_path / "frame" / "index.html").is_file()
    # Once is enough: a second call changes nothing.
    kept_frame.use_kept_frame()
    assert streamlit_folium._component_func is component


def test_the_kept_frame_says_what_it_loads_and_is_written_again_when_that_changes(
    package_component, monkeypatch, tmp_path
):
    monkeypatch.setattr(kept_frame, "FRAME_DIR", tmp_path / "frame")
    index = tmp_path / "frame" / "index.html"
    links = kept_frame.frame_links(assets.LOCAL_ASSETS)
    assert kept_frame.use_kept_frame(links) == links
    component = streamlit_folium._component_func
    assert links.js[0] in index.read_text(encoding="utf-8")
    written = index.stat().st_mtime_ns
    assert kept_frame.use_kept_frame(links) == links
    assert streamlit_folium._component_func is component
    assert index.stat().st_mtime_ns == written
    # static/vendor/ emptied while the server runs: the map loads its files from a CDN itself.
    assert kept_frame.use_kept_frame(kept_frame.FrameLinks()) == kept_frame.FrameLinks()
    assert links.js[0] not in index.read_text(encoding="utf-8")
    assert Path(streamlit_folium._component_func.path) == tmp_path / "frame"


def test_a_folder_that_cannot_be_written_leaves_streamlit_folium_s_own_frame(
    package_component, monkeypatch, tmp_path, caplog
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder would go")
    monkeypatch.setattr(kept_frame, "FRAME_DIR", blocker / "frame")
    with caplog.at_level(logging.WARNING, logger=kept_frame.__name__):
        kept_frame.use_kept_frame()
    assert streamlit_folium._component_func is package_component
    assert "uncached" in caplog.text


def test_a_stand_in_for_the_component_is_left_alone(package_component, monkeypatch, tmp_path):
    def stand_in(**arguments):
        return None

    monkeypatch.setattr(kept_frame, "FRAME_DIR", tmp_path / "frame")
    monkeypatch.setattr(streamlit_folium, "_component_func", stand_in)
    links = kept_frame.frame_links(assets.LOCAL_ASSETS)
    # It loads nothing of the map's: the map keeps its links.
    assert kept_frame.use_kept_frame(links) == kept_frame.FrameLinks()
    assert streamlit_folium._component_func is stand_in
    assert not (tmp_path / "frame").exists()


def test_without_static_serving_streamlit_folium_s_own_frame_is_kept(
    package_component, monkeypatch, tmp_path, caplog
):
    import streamlit as st

    get_option = st.get_option
    monkeypatch.setattr(
        st,
        "get_option",
        lambda name: False if name == "server.enableStaticServing" else get_option(name),
    )
    monkeypatch.setattr(kept_frame, "FRAME_DIR", tmp_path / "frame")
    with caplog.at_level(logging.WARNING, logger=kept_frame.__name__):
        kept_frame.use_kept_frame()
    assert streamlit_folium._component_func is package_component
    assert "static/ is not served" in caplog.text
    assert not (tmp_path / "frame").exists()
