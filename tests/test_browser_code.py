"""The JavaScript and CSS files of the package, as Python reads and embeds them.

Their behaviour is tested under Node (tests/js/, `make unit`); here: that every file is there,
that none holds what could end or change the script or page it is inlined into, and that the
calls Python writes are what the files define.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from stationmap import browser_code
from stationmap.map import builder as mapbuilder
from stationmap.map import folium_bridge

PACKAGE = resources.files("stationmap")
FILES = sorted(
    f"{folder}/{entry.name}"
    for folder in ("map/live", "web")
    for entry in PACKAGE.joinpath(folder).iterdir()
    if entry.name.endswith((".js", ".css"))
)
# Inlined into <script> and <style> elements that folium may read as Jinja templates, and into
# pages whose tests look for these as signs of injected data (tests/test_mapbuilder.py).
FORBIDDEN = ("</script", "</style", "<!--", "`", "${", "{{", "{%", "{#", "\u2028", "\u2029")


def test_the_layers_code_and_its_bridge_are_files_of_the_package():
    assert set(mapbuilder.LAYER_SCRIPTS) | {folium_bridge.VIEW_HANDOFF_SCRIPT} <= set(FILES)
    assert {"web/popup.css", "web/briefing.css", "map/live/layer.css"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_no_file_holds_what_could_end_or_change_what_it_is_inlined_into(name):
    text = browser_code.read(name)
    assert text.strip()
    for fragment in FORBIDDEN:
        assert fragment.lower() not in text.lower(), (name, fragment)
    assert text.isascii() or name.endswith(".css"), f"{name}: write non-ASCII as \\u escapes"


@pytest.mark.parametrize("name", [name for name in FILES if name.endswith(".js")])
def test_each_script_defines_what_python_calls_on_the_stationmap_namespace(name):
    text = browser_code.read(name)
    if name == folium_bridge.VIEW_HANDOFF_SCRIPT:
        # A function expression: Python appends the view as its argument.
        assert text.rstrip().endswith("})")
    else:
        assert re.search(r"stationmap(\.\w+)? = ", text), name


def test_a_call_is_one_statement_after_the_file():
    assert browser_code.call("stationmap.drawLayer", "map_1", '{"a":1}') == (
        'stationmap.drawLayer(map_1, {"a":1});'
    )
    script = browser_code.script("web/language.js", "stationmap.setPageLanguage", '"zh-Hans"')
    assert script.startswith(browser_code.read("web/language.js").rstrip())
    assert script.endswith('\nstationmap.setPageLanguage("zh-Hans");')
