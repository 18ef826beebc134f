"""Your own data in a real browser: files chosen through the real file inputs, every problem in
a table, the rows that are fine on the map, and back to the published data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stationmap.app import ui_state
from stationmap.record import schema
from stationmap.record.filters import FilterState
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from tests.browser.helpers import (
    RERUN_TIMEOUT_MS,
    assert_clean,
    drawable_count,
    open_app,
    poll,
    published_view,
    sidebar_summary,
    sites_drawn,
    upload,
)
from tests.conftest import small_files, small_rows

pytestmark = pytest.mark.browser

UPLOADERS = {
    schema.SITES_FILE: ui_state.UPLOAD_SITES,
    schema.EVENTS_FILE: ui_state.UPLOAD_EVENTS,
    schema.SOURCES_FILE: ui_state.UPLOAD_SOURCES,
}
# The NGO's own ids, so nothing of its list can be mistaken for a published site.
RENAMED_IDS = {"uk-croydon": "ngo-croydon", "uk-glasgow": "ngo-glasgow", "fr-unspecified": "ngo-fr"}
BANNER = (
    "Showing your uploaded data (this browser session only) — switch back to the published dataset"
)


def ngo_files(folder: Path) -> tuple[dict[str, Path], dict[str, bytes]]:
    """An NGO's corrected list: the small test dataset under its own ids, Glasgow's row broken."""
    rows = small_rows()
    for file_rows in rows.values():
        for row in file_rows:
            for column, value in row.items():
                for old, new in RENAMED_IDS.items():
                    value = value.replace(old, new)
                row[column] = value
    rows[schema.SITES_FILE][1]["precision"] = "street"
    files = small_files(rows)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for file, data in files.items():
        paths[file] = folder / file
        paths[file].write_bytes(data)
    return paths, files


def choose_files(page: Page, paths: dict[str, Path]) -> None:
    for file, path in paths.items():
        upload(page, UPLOADERS[file], path)


def metric_value(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_uploaded_files_are_checked_mapped_for_this_session_and_switching_back_restores(
    page, app_server, map_frame, tmp_path
):
    paths, files = ngo_files(tmp_path / "ngo")
    uploaded = build_dataset(files)
    uploaded_view = build_site_view(uploaded)
    _published, everything = published_view(FilterState())
    open_app(page, f"{app_server.base_url}/upload")

    choose_files(page, paths)

    problems = page.locator(f".st-key-{ui_state.UPLOAD_PROBLEMS}")
    expect(problems.locator("[role=gridcell]")).to_have_text(
        [
            "sites.csv",
            "3",
            "precision",
            "unknown value 'street' (allowed: country, city, locality)",
        ],
        timeout=RERUN_TIMEOUT_MS,
    )
    expect(metric_value(page, "Sites loaded")).to_have_text(str(len(uploaded.sites)))
    expect(
        page.get_by_text(re.compile(r"^1 problem\. The rows concerned are left out"))
    ).to_be_visible()

    page.get_by_role("button", name="Show my data on the map, timeline and every page").click()

    shown = len(uploaded_view[uploaded_view["reported"]])
    expect(sidebar_summary(page)).to_have_text(
        f"Showing {shown} of {shown} sites · 2 countries", timeout=RERUN_TIMEOUT_MS
    )
    expect(page.get_by_text(BANNER)).to_be_visible()

    page.get_by_test_id("stTopNav").get_by_role("link", name="Map").click()

    expect(page.get_by_test_id("stMain").get_by_test_id("stHeading").first).to_have_text(
        "Alleged Chinese overseas police stations", timeout=RERUN_TIMEOUT_MS
    )
    expect(page.get_by_text(BANNER)).to_be_visible()
    ngo_sites = drawable_count(uploaded_view)
    assert 0 < ngo_sites < drawable_count(everything)
    poll(page, lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)), ngo_sites, "NGO sites")

    page.get_by_role("button", name="Switch back to the published dataset").click()

    expect(page.get_by_text(BANNER)).to_have_count(0, timeout=RERUN_TIMEOUT_MS)
    total = len(everything)
    expect(sidebar_summary(page)).to_have_text(re.compile(rf"^Showing {total} of {total} sites"))
    poll(
        page,
        lambda: sites_drawn(map_frame(page, RERUN_TIMEOUT_MS)),
        drawable_count(everything),
        "published sites",
    )
    assert_clean(page)


def test_a_spreadsheet_file_is_refused_with_a_message_not_a_traceback(page, app_server, tmp_path):
    workbook = tmp_path / "sites.xlsx"
    workbook.write_bytes(b"PK\x03\x04 an Excel workbook")
    open_app(page, f"{app_server.base_url}/upload")

    page.locator(f".st-key-{ui_state.UPLOAD_SITES} input[type=file]").set_input_files(workbook)

    uploader = page.locator(f".st-key-{ui_state.UPLOAD_SITES}")
    expect(uploader).to_contain_text("files are not allowed", timeout=RERUN_TIMEOUT_MS)
    expect(page.get_by_text(BANNER)).to_have_count(0)
    expect(page.get_by_text(re.compile(r"save each sheet as CSV", re.IGNORECASE))).to_be_visible()
    assert_clean(page)


def test_a_sites_file_alone_loads_with_notes_that_name_no_row_none(page, app_server, tmp_path):
    paths, _files = ngo_files(tmp_path / "ngo")
    open_app(page, f"{app_server.base_url}/upload")

    choose_files(page, {schema.SITES_FILE: paths[schema.SITES_FILE]})

    notes = page.locator(f".st-key-{ui_state.UPLOAD_NOTICES}")
    cells = notes.locator("[role=gridcell]")
    # File, row, column, note: the files not given are about the whole file, never "None".
    expect(cells.nth(0)).to_have_text(schema.EVENTS_FILE, timeout=RERUN_TIMEOUT_MS)
    expect(cells.nth(1)).to_have_text("whole file")
    expect(cells.nth(3)).to_contain_text("not given: every site is shown as alleged")
    expect(cells.filter(has_text=re.compile(r"^None$"))).to_have_count(0)
    # Glasgow's broken row is the one problem; the other two sites load without events.
    expect(metric_value(page, "Sites loaded")).to_have_text("2")
    problems = page.locator(f".st-key-{ui_state.UPLOAD_PROBLEMS}")
    expect(problems.locator("[role=gridcell]").nth(1)).to_have_text("3")
    expect(page.get_by_text(re.compile(r"^\d+ notes: nothing is left out"))).to_be_visible()
    assert_clean(page)
