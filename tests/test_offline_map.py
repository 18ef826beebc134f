"""The map as one offline HTML file: everything inlined, nothing loaded from a remote host.

"Nothing loaded from a remote host" is checked on the HTML itself: every src, style-sheet link,
CSS url() and fetch() names a data: URL or nothing at all. http(s) addresses may still appear,
but only where no browser loads them: source links in the popups (<a href> a reader clicks),
Leaflet's attribution link, XML namespace names. tests/browser/test_offline_export.py opens the
file with the network blocked and checks that no request was even attempted.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from stationmap import config
from stationmap.cli import main
from stationmap.map import assets
from stationmap.map import offline as offline_map
from stationmap.map import records as map_records
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY, small_files, small_rows

REPORTED_CLOSED_IN_EUROPE = FilterState(statuses=("reported_closed",), regions=("Europe",))
PAYLOAD_LINE = re.compile(r"^var \w+ = stationmap\.drawLayer\(\w+, (.*)\);$", re.MULTILINE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
CSS_IMPORT = re.compile(r"@import")
HTTP_URL = re.compile(r"""https?://[^\s"'<>\\)]+""")
# The vendored libraries, inlined as they are (pinned by package-lock.json, checksummed in
# static/vendor/manifest.json). The checks on what the page loads cover them; the checks on our
# own code look at the page without them.
LIBRARY_SCRIPTS = (assets.LEAFLET_MARKERCLUSTER_JS, assets.TOPOJSON_JS)
LIBRARY_STYLES = (assets.LEAFLET_CSS, assets.MARKERCLUSTER_CSS, assets.MARKERCLUSTER_DEFAULT_CSS)
# Ways a script could load something besides fetch(): none may appear in our own code.
OTHER_LOADERS = re.compile(
    r"XMLHttpRequest|\$\.(?:ajax|get|getJSON|getScript|post)\b|importScripts|new Image\b"
    r"|\.src\s*=|sendBeacon|WebSocket|EventSource"
)
# Elements whose src or href a browser loads by itself (an <a href> only on a click).
LOADING_ATTRIBUTES = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "embed": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "input": "src",
    "link": "href",
    "object": "data",
}

pytestmark = pytest.mark.skipif(
    offline_map.missing_vendor_files() != [],
    reason="static/vendor/ is not installed (make setup)",
)


class Resources(HTMLParser):
    """Collects what a browser would load from an HTML page: attributes, styles and scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loaded: list[str] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.anchors: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in LOADING_ATTRIBUTES and values.get(LOADING_ATTRIBUTES[tag]):
            self.loaded.append(values[LOADING_ATTRIBUTES[tag]])
        if tag == "a" and values.get("href"):
            self.anchors.append(values["href"])
        if values.get("style"):
            self.styles.append(values["style"])
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def resources_of(page: str) -> Resources:
    parser = Resources()
    parser.feed(page)
    return parser


def without_libraries(page: str) -> str:
    """The page minus the inlined libraries: our own HTML, CSS and JavaScript, and the data."""
    for name in (*LIBRARY_SCRIPTS, *LIBRARY_STYLES):
        path = config.VENDOR_DIR / name
        text = path.read_text(encoding="utf-8")
        inlined = (
            offline_map.style_text(text, path)
            if name.endswith(".css")
            else offline_map.script_text(text)
        )
        assert inlined in page, f"{name} is not inlined as it is"
        page = page.replace(inlined, "")
    return page


def payload_of(page: str) -> dict:
    (line,) = PAYLOAD_LINE.findall(page)
    return json.loads(line)


@pytest.fixture(scope="module")
def europe_closed_map(shipped_dataset) -> tuple[str, object]:
    view = build_site_view(shipped_dataset, TEST_TODAY)
    filtered = apply_filters(view, REPORTED_CLOSED_IN_EUROPE)
    page = offline_map.standalone_map_html(
        filtered, shipped_dataset, on=TEST_TODAY, state=REPORTED_CLOSED_IN_EUROPE
    )
    return page.decode("utf-8"), filtered


def test_the_page_loads_no_resource_but_data_urls(europe_closed_map):
    page, _ = europe_closed_map
    found = resources_of(page)
    assert [url for url in found.loaded if not url.startswith("data:")] == []
    css_urls = [url for style in found.styles for url in CSS_URL.findall(style)]
    assert css_urls, "Leaflet's style sheet refers to its images"
    assert [url for url in css_urls if not url.startswith(("data:", "#"))] == []
    assert not any(CSS_IMPORT.search(style) for style in found.styles)


def test_fetch_only_ever_reads_the_inlined_outlines(europe_closed_map):
    page, _ = europe_closed_map
    own = "\n".join(resources_of(without_libraries(page)).scripts)
    # Our own code calls fetch for the country outlines, which are a data: URL, and (in a live
    # map only, which this is not) for the sites and popups; a live map also loads the
    # outlines' reader, which this page has inlined. It loads nothing any other way.
    # (The libraries fetch only when code asks them to.)
    # (The sites' file may also come from the page around the frame, where an earlier frame
    # of the map page left its text: bridge.keptSites.)
    code = [line.strip() for line in own.splitlines() if not line.strip().startswith("//")]
    assert [line for line in code if "fetch" in line and "(" in line] == [
        "return Promise.all([fetch(url), reader])",
        "function fetchText(url) {",
        "return fetch(url).then(function (response) {",
        "function fetchJson(url) {",
        "return fetchText(url).then(JSON.parse);",
        "partsLoading[part] = fetchJson(live.popupUrls[part]).then(function (list) {",
        ": (keptText !== null ? Promise.resolve(keptText) : fetchText(live.dataUrl))",
    ]
    assert payload_of(page)["outlinesUrl"].startswith("data:application/json;base64,")
    # Only the inlined outlines: none finer from the app at a closer zoom.
    assert payload_of(page)["fineOutlinesUrl"] is None
    assert payload_of(page)["live"] is None
    assert "var reader = window.topojson ? Promise.resolve() :" in own
    assert [line.strip() for line in own.splitlines() if OTHER_LOADERS.search(line)] == [
        "script.src = payload.topojsonUrl;"
    ]
    assert payload_of(page)["topojsonUrl"] is None


def test_every_http_address_in_our_code_is_a_source_link(europe_closed_map, shipped_dataset):
    page, _ = europe_closed_map
    own = without_libraries(page)
    sources = shipped_dataset.sources
    # The publisher's address and, where the page read was a copy, the copy's ("copy read").
    source_urls = set(sources["url"]) | set(sources["copy_url"]) - {""}
    # The popups' links are escaped into the JSON payload; they are <a href> a reader clicks.
    for url in HTTP_URL.findall(own):
        assert any(source.startswith(url) or url.startswith(source) for source in source_urls), url
    anchors = {url for url in resources_of(own).anchors if url.startswith("http")}
    assert anchors <= source_urls


def test_the_page_never_refers_to_the_apps_static_folder(europe_closed_map):
    page, _ = europe_closed_map
    assert "/app/static" not in page
    assert config.VENDOR_URL_PREFIX not in page


def test_the_outlines_travel_inside_the_file(europe_closed_map):
    page, _ = europe_closed_map
    encoded = payload_of(page)["outlinesUrl"].split(",", 1)[1]
    vendored = (config.VENDOR_DIR / assets.COUNTRY_OUTLINES).read_bytes()
    assert base64.b64decode(encoded) == vendored


def test_every_library_and_style_sheet_is_inlined(europe_closed_map):
    page, _ = europe_closed_map
    own = without_libraries(page)  # fails if a library is not inlined as it is
    assert "<script src=" not in own and "<link " not in own
    assert page.count("data:image/png;base64,") >= len(offline_map.LEAFLET_CSS_IMAGES)


def test_leaflet_and_markercluster_come_as_one_script_and_jquery_not_at_all(europe_closed_map):
    page, _ = europe_closed_map
    bundle = offline_map.script_text(
        (config.VENDOR_DIR / assets.LEAFLET_MARKERCLUSTER_JS).read_text(encoding="utf-8")
    )
    assert page.count(bundle) == 1
    # Not also each on its own, and no jQuery: neither the map's code nor folium's needs it.
    leaflet = (config.VENDOR_DIR / assets.LEAFLET_JS).read_text(encoding="utf-8")
    assert page.count(leaflet[:2000]) == 1
    assert "jquery" not in page.casefold()


def test_the_map_has_a_marker_for_exactly_the_filtered_sites(europe_closed_map):
    page, filtered = europe_closed_map
    ids = [record["id"] for record in payload_of(page)["records"]]
    assert sorted(ids) == sorted(map_records.placed_sites(filtered).index)
    assert "ie-dublin" in ids


def test_the_note_gives_version_filters_and_says_these_are_allegations(europe_closed_map):
    page, filtered = europe_closed_map
    note = page[page.index('<div class="sm-offline-note"') :]
    note = note[: note.index("</div>")]
    assert f"{len(filtered)} sites selected · statuses as of 27 November 2026" in note
    assert "data version 17 December 2025 (latest event)" in note
    assert "Filters: Status: Reported closed; Region: Europe" in note
    assert "allegations and reported responses" in note
    assert "<title>stationmap" in page


def test_hostile_text_in_data_and_filters_stays_text():
    rows = small_rows()
    hostile = "</script><script>alert(1)</script><!--"
    rows["sites.csv"][0]["name"] = hostile
    rows["sources.csv"][0]["title"] = hostile
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    view = build_site_view(dataset, TEST_TODAY)
    state = FilterState(text="<b>x</b>")
    page = offline_map.standalone_map_html(
        apply_filters(view, FilterState()), dataset, on=TEST_TODAY, state=state
    ).decode()
    own = without_libraries(page)
    assert "alert(1)</script>" not in own and "<!--" not in own
    assert "<b>x</b>" not in own and "&lt;b&gt;x&lt;/b&gt;" in own
    # Every <script> the page opens is closed by its own </script>, none by the data.
    assert own.count("<script") == own.count("</script>")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('var a = "</script>";', 'var a = "<\\/script>";'),
        ('var a = "</SCRIPT >";', 'var a = "<\\/SCRIPT >";'),
        ('var a = "<!--";', 'var a = "<\\!--";'),
        ("var a = 1 < 2;", "var a = 1 < 2;"),
    ],
)
def test_inlined_scripts_cannot_end_their_element(source, expected):
    assert offline_map.script_text(source) == expected


def test_an_empty_selection_still_makes_a_working_page(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    state = FilterState(text="no-such-place")
    nothing = apply_filters(view, state)
    page = offline_map.standalone_map_html(
        nothing, shipped_dataset, on=TEST_TODAY, state=state
    ).decode()
    assert payload_of(page)["records"] == []
    assert "0 sites selected" in page and "Filters: Search: “no-such-place”" in page


# --- when the vendored files are missing ---------------------------------------------------------


@pytest.fixture
def partial_vendor(tmp_path: Path) -> Path:
    """A copy of static/vendor without the script of Leaflet and MarkerCluster."""
    folder = tmp_path / "vendor"
    shutil.copytree(config.VENDOR_DIR, folder)
    (folder / assets.LEAFLET_MARKERCLUSTER_JS).unlink()
    return folder


def test_missing_vendor_files_are_named(partial_vendor):
    assert offline_map.missing_vendor_files(partial_vendor) == [assets.LEAFLET_MARKERCLUSTER_JS]
    with pytest.raises(offline_map.OfflineAssetsMissing, match=r"make setup"):
        offline_map.check_vendor_files(partial_vendor)


def test_without_the_vendored_files_no_map_is_made(partial_vendor, small_dataset):
    view = build_site_view(small_dataset, TEST_TODAY)
    with pytest.raises(
        offline_map.OfflineAssetsMissing, match=re.escape(assets.LEAFLET_MARKERCLUSTER_JS)
    ):
        offline_map.standalone_map_html(
            view, small_dataset, on=TEST_TODAY, vendor_dir=partial_vendor
        )


# --- the command line ----------------------------------------------------------------------------


def run(argv):
    out = io.StringIO()
    return main(argv, out=out), out.getvalue()


def test_the_cli_writes_the_offline_map_of_the_filtered_sites(tmp_path):
    target = tmp_path / "closed.html"
    code, output = run(
        [
            "export",
            "--format",
            "html",
            "--status",
            "reported_closed",
            "--region",
            "Europe",
            "--as-of",
            "2026-11-27",
            "--out",
            str(target),
        ]
    )
    assert code == 0 and str(target) in output
    page = target.read_text(encoding="utf-8")
    assert "/app/static" not in page
    assert "Filters: Status: Reported closed; Region: Europe" in page
    ids = {record["id"] for record in payload_of(page)["records"]}
    assert "ie-dublin" in ids and "uk-glasgow" not in ids


def test_the_cli_exits_2_with_a_message_when_the_map_files_are_missing(
    partial_vendor, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(config, "VENDOR_DIR", partial_vendor)
    target = tmp_path / "map.html"
    code, _ = run(["export", "--format", "html", "--out", str(target)])
    assert code == 2
    assert not target.exists()
    error = capsys.readouterr().err
    assert "error: The offline map needs Leaflet" in error and "make setup" in error


def test_the_offline_map_is_drawn_for_a_date_in_the_past(shipped_dataset):
    on = date(2022, 12, 31)
    view = build_site_view(shipped_dataset, on)
    page = offline_map.standalone_map_html(
        apply_filters(view, FilterState(as_of=on)), shipped_dataset, on=on
    ).decode()
    assert "statuses as of 31 December 2022" in page
    assert len(payload_of(page)["records"]) < len(shipped_dataset.sites)
