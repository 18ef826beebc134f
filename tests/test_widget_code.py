"""The other pages' widget code: which of Streamlit's files the loader is given."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from stationmap.app import ui_state, widget_code
from stationmap.timeline.charts import WARMUP_WIDTH_PX, warmup_spec
from tests.app_session import DASHBOARD, RUN_TIMEOUT_S, assert_ran_cleanly, components_keyed


@pytest.fixture
def static(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "css").mkdir()
    for name in (
        "js/index.DormvYxC.js",
        "js/DataFrame.-f9-1zS0.js",
        "css/DataFrame.DUkanX9_.css",
        "js/Checkbox.CaT4asBe.js",
        # Not a chunk of the names asked for, though each starts like one.
        "js/DataFrameUtils.aaaa.js",
        "js/Checkbox.CaT4asBe.js.map",
        "js/Checkbox.a.b.js",
    ):
        (tmp_path / name).write_text("", encoding="utf-8")
    return tmp_path


def test_each_named_chunk_comes_with_its_style_sheet_first(static):
    files = widget_code.chunk_files(("DataFrame", "Checkbox"), static)
    assert files == (
        "css/DataFrame.DUkanX9_.css",
        "js/DataFrame.-f9-1zS0.js",
        "js/Checkbox.CaT4asBe.js",
    )


def test_a_chunk_missing_or_built_twice_is_left_out_and_logged(static, caplog):
    (static / "js" / "Checkbox.Zz9.js").write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger=widget_code.__name__):
        files = widget_code.chunk_files(("Checkbox", "Nowhere", "DataFrame"), static)
    assert files == ("css/DataFrame.DUkanX9_.css", "js/DataFrame.-f9-1zS0.js")
    assert "2 scripts named Checkbox" in caplog.text
    assert "0 scripts named Nowhere" in caplog.text


def test_the_installed_streamlit_has_every_chunk_the_pages_need():
    # A Streamlit upgrade that renames a component's chunk would silently lose its preload.
    files = widget_code.chunk_files()
    scripts = [name for name in files if name.startswith("js/")]
    assert [name.split("/")[1].split(".")[0] for name in scripts] == list(widget_code.WIDGET_CHUNKS)
    assert any(name.startswith("css/DataFrame.") for name in files)
    for name in files:
        assert (widget_code.STATIC_DIR / name).is_file()


def test_the_loader_comes_last_with_the_whole_page_never_with_a_main_widget_drawn_alone():
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.switch_page("pages/sites.py").run()
    assert_ran_cleanly(app)
    # A first visit's run draws the table alone: its own code comes first.
    assert components_keyed(app, ui_state.WIDGET_CODE_LOADER) == []

    app.session_state[ui_state.FIRST_VIEW_DRAWN] = True
    app.run()
    assert_ran_cleanly(app)
    assert len(components_keyed(app, ui_state.WIDGET_CODE_LOADER)) == 1
    # After everything else on the page, the footer included.
    last = app.main.children[max(app.main.children)]
    assert last.key == ui_state.WIDGET_CODE_LOADER


def test_the_chart_warm_up_names_the_installed_chunks_and_draws_the_timeline_chart():
    warmup = widget_code.chart_warmup()
    assert warmup is not None
    for name in (warmup["embed"], warmup["interpreter"]):
        assert (widget_code.STATIC_DIR / name).is_file()
    assert warmup["embed"].startswith("js/embed.")
    assert warmup["interpreter"].startswith("js/vega-interpreter.")
    # The file the app reads is the timeline's own chart builder's output: a change to the
    # charts fails here until `scripts/chart_warmup.py` writes it again.
    assert warmup["spec"] == warmup_spec()
    # A chart of both kinds of mark, its table inline, as wide as a page's chart would be.
    spec = warmup["spec"]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "point"]
    assert len(next(iter(spec["datasets"].values()))) == 2
    assert spec["width"] == WARMUP_WIDTH_PX


def test_without_the_chart_chunks_there_is_no_warm_up_and_the_log_says_so(static, caplog):
    (static / "js" / "embed.Ab1.js").write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger=widget_code.__name__):
        assert widget_code.chart_warmup(static) is None
    assert "0 scripts named vega-interpreter" in caplog.text

    (static / "js" / "vega-interpreter.Cd2.js").write_text("", encoding="utf-8")
    warmup = widget_code.chart_warmup(static)
    assert warmup["embed"] == "js/embed.Ab1.js"
    assert warmup["interpreter"] == "js/vega-interpreter.Cd2.js"


def test_the_loader_is_given_the_files_and_the_chart(monkeypatch):
    mounted = []
    monkeypatch.setattr(widget_code, "_loader", lambda: lambda **kwargs: mounted.append(kwargs))
    widget_code.load_widget_code()
    [loader] = mounted
    assert loader["key"] == ui_state.WIDGET_CODE_LOADER
    assert loader["data"]["files"] == list(widget_code.chunk_files())
    assert loader["data"]["chart"] == widget_code.chart_warmup()
