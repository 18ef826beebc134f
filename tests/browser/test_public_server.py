"""The dashboard opened to others (issue 16): what a hostile visitor or a careless curator can do
to it, in a real browser against the real server.

- A crash shows a plain message, never the traceback; the server's log keeps it (case 3).
- A link cannot put markup on a page, and curated Markdown loads no image from elsewhere
  (case 2).
- A session that uploads files of junk costs bounded memory, and once it is closed the server
  is back within 100 MB of where it started (case 1).
- A download link made from an upload works without the session while its tab is connected,
  as the upload page says, and no longer once the tab has gone (case 6).
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from benchmarks.procmem import tree_rss
from benchmarks.server import REPO_ROOT, StreamlitServer, log_tail
from benchmarks.waiting import WaitTimeout, wait_until
from stationmap import config
from stationmap.app import ui_state
from stationmap.app.upload import MAX_UPLOAD_BYTES
from stationmap.html.markdown import WORD_JOINER
from stationmap.record import schema
from tests.browser.conftest import DEFAULT_SERVER_ENV
from tests.browser.helpers import (
    FIRST_RUN_TIMEOUT_MS,
    RERUN_TIMEOUT_MS,
    assert_clean,
    open_app,
    upload,
    wait_for_script,
)
from tests.conftest import small_files

pytestmark = pytest.mark.browser

MB = 1024 * 1024
CRASHING_PAGE = Path(__file__).parent / "apps" / "crash.py"
EVIL = "evil.example"


# --- case 3: no traceback for visitors -------------------------------------------------------


def test_a_crash_shows_visitors_a_plain_message_and_the_log_keeps_the_details(
    browser: Browser, tmp_path
):
    # Run from the repository root, as `make run` does, so the project's config applies.
    with StreamlitServer(CRASHING_PAGE, app_root=REPO_ROOT, log_dir=tmp_path) as server:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(server.base_url)
            error = page.get_by_test_id("stException")
            expect(error).to_be_visible(timeout=FIRST_RUN_TIMEOUT_MS)
            shown = page.get_by_test_id("stApp").inner_text()
        finally:
            context.close()
        log = server.log_path.read_text(encoding="utf-8", errors="replace")

    assert "This app has encountered an error" in shown
    for detail in ("RuntimeError", "internal detail", "/srv/secret", "crash.py", "Traceback"):
        assert detail not in shown
    assert "RuntimeError: internal detail /srv/secret/path/settings.py" in log
    assert "crash.py" in log


# --- case 2: no markup from a link, no image from curated Markdown ----------------------------

PAYLOAD = f"**bold** [a link](https://{EVIL}/) ![pixel](https://{EVIL}/p.png) <img src=x>"


def test_an_unknown_story_in_a_link_is_shown_as_text(page: Page, app_server):
    open_app(page, f"{app_server.base_url}/briefing?{ui_state.STORY}={quote(PAYLOAD)}")

    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="There is no story")
    expect(warning).to_be_visible()
    # As written (the invisible word joiners that stop autolinks aside), with no link, image or
    # bold text made from it.
    shown = warning.locator("p").inner_text().replace(WORD_JOINER, "")
    assert shown == f"There is no story “{PAYLOAD}”. Choose one below."
    assert warning.locator("a, img, strong").count() == 0
    assert page.locator(f"a[href*='{EVIL}'], img[src*='{EVIL}']").count() == 0
    assert_clean(page)


@pytest.fixture(scope="module")
def curated_with_images(app_server_factory, tmp_path_factory):
    """The shipped data, whose stories and changelog point at images on another host."""
    folder = tmp_path_factory.mktemp("curated") / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder)
    (folder / "briefings.toml").write_text(
        '[[stories]]\nid = "pics"\ntitle = "Pictures"\n'
        f'summary = "**Bold** ![s](https://{EVIL}/s.png)"\n\n'
        f'[[stories.slides]]\ncaption = "A **caption** ![p](https://{EVIL}/p.png) '
        f'<img src=https://{EVIL}/i.png>"\ncountries = ["GB"]\n',
        encoding="utf-8",
    )
    changelog = folder / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8")
        + f"\n\n**Logo** ![logo](https://{EVIL}/logo.png) <img src=https://{EVIL}/c.png>\n",
        encoding="utf-8",
    )
    return app_server_factory({**DEFAULT_SERVER_ENV, config.DATA_DIR_ENV: str(folder)})


def test_curated_markdown_keeps_its_formatting_and_loads_nothing_from_elsewhere(
    page: Page, curated_with_images
):
    base = curated_with_images.base_url
    open_app(page, f"{base}/briefing?{ui_state.STORY}=pics&{ui_state.SLIDE}=1")
    caption = page.locator(f".st-key-{ui_state.BRIEFING_CAPTION}-1")
    expect(caption).to_contain_text("A caption p <img src=https://")
    expect(caption.locator("strong")).to_have_text("caption")

    open_app(page, f"{base}/sources")
    page.get_by_role("tab", name="Version and changes").click()
    changelog = page.locator(f".st-key-{ui_state.CHANGELOG}")
    expect(changelog).to_contain_text("Logo logo <img src=https://", timeout=RERUN_TIMEOUT_MS)
    expect(changelog.locator("strong").filter(has_text="Logo")).to_have_count(1)

    assert page.locator(f"img[src*='{EVIL}']").count() == 0
    assert page.third_party_requests == []
    assert_clean(page)


# --- case 1: what a session of junk uploads costs ----------------------------------------------

UPLOADERS = {
    schema.SITES_FILE: ui_state.UPLOAD_SITES,
    schema.EVENTS_FILE: ui_state.UPLOAD_EVENTS,
    schema.SOURCES_FILE: ui_state.UPLOAD_SOURCES,
}
# How far above its start the server may be once the session has gone (the bound).
MEMORY_MARGIN_MB = 100
# A disconnected session waits this long for a reconnect before it ends.
SESSION_TTL_S = 2
MEMORY_WAIT_S = 60


def problem_explosion(file: str) -> bytes:
    """A file's valid rows, then one-character cells to the upload limit: about a million
    problems each, had they all been kept."""
    return (small_files()[file] + b"x,\n" * MAX_UPLOAD_BYTES)[:MAX_UPLOAD_BYTES]


def rss_mb(server: StreamlitServer) -> float:
    return (tree_rss(server.pid) or 0) / MB


def test_a_session_that_uploaded_junk_costs_bounded_memory_and_gives_it_back(
    browser: Browser, tmp_path
):
    folder = tmp_path / "junk"
    folder.mkdir()
    for file in UPLOADERS:
        (folder / file).write_bytes(problem_explosion(file))
    server = StreamlitServer(
        extra_env=DEFAULT_SERVER_ENV,
        options={"server.disconnectedSessionTTL": SESSION_TTL_S},
        log_dir=tmp_path,
    )
    with server:
        # A first session loads what every session shares (the data, the map's layer).
        warm = browser.new_context()
        for path in ("", "sites", "upload"):
            open_app(warm.new_page(), f"{server.base_url}/{path}")
        warm.close()
        start = rss_mb(server)

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        open_app(page, f"{server.base_url}/upload")
        for file, key in UPLOADERS.items():
            upload(page, key, folder / file)
        wait_for_script(page, FIRST_RUN_TIMEOUT_MS)
        problems = page.locator(f".st-key-{ui_state.UPLOAD_PROBLEMS}")
        expect(problems).to_contain_text("first 1,000 problems shown", timeout=RERUN_TIMEOUT_MS)
        peak = rss_mb(server)
        context.close()

        # Wait on the condition, not a fixed time: the session ends after its TTL.
        try:
            now = wait_until(
                lambda: rss_mb(server),
                lambda mb: mb <= start + MEMORY_MARGIN_MB,
                timeout_s=MEMORY_WAIT_S,
                what="server RSS back near its start",
            )
        except WaitTimeout:
            now = rss_mb(server)
        log = log_tail(server.log_path)

    print(f"server RSS: start {start:.0f} MB, with the upload {peak:.0f} MB, after {now:.0f} MB")
    assert now <= start + MEMORY_MARGIN_MB, log


# --- case 6: a download link of an upload, and how long it works -----------------------------


def fetch_status(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_download_link_works_without_the_session_only_while_its_tab_is_connected(
    browser: Browser, tmp_path
):
    folder = tmp_path / "ngo"
    folder.mkdir()
    for file, data in small_files().items():
        (folder / file).write_bytes(data)
    server = StreamlitServer(
        extra_env=DEFAULT_SERVER_ENV,
        options={"server.disconnectedSessionTTL": SESSION_TTL_S},
        log_dir=tmp_path,
    )
    with server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        open_app(page, f"{server.base_url}/upload")
        for file, key in UPLOADERS.items():
            upload(page, key, folder / file)
        page.get_by_role("button", name="Show my data on the map, timeline and every page").click()
        wait_for_script(page, RERUN_TIMEOUT_MS)
        page.get_by_test_id("stTopNav").get_by_role("link", name="Sites").click()
        page.get_by_role("button", name="Map (HTML, offline)", exact=True).click()
        download = page.get_by_role("button", name="Download the map (HTML, offline)", exact=True)
        with page.expect_download(timeout=RERUN_TIMEOUT_MS) as info:
            download.click(timeout=RERUN_TIMEOUT_MS)
        url = info.value.url

        # What the upload page says: the address works for anyone, without the session...
        assert fetch_status(url) == 200
        context.close()

        # ...until the tab has gone: then the server forgets the file.
        status = wait_until(
            lambda: fetch_status(url),
            lambda answer: answer != 200,
            timeout_s=MEMORY_WAIT_S,
            what="the download link gone after its tab closed",
        )

    assert status == 404
