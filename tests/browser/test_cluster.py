"""`make cluster` for real: two app processes behind HAProxy (scripts/cluster.py), read by
several browsers at once.

Sessions are spread over both processes and each stays on its own (HAProxy's SERVERID cookie);
an upload stays with its session; stopping one process sends its readers to the other on their
next load, with the same view and a notice that their upload is gone; no request is lost while
both are up; and Ctrl-C stops every process the supervisor started.

Skipped, saying why, only when Debian's haproxy is missing outside CI; under CI (CI=true) a
missing haproxy fails, since `make test` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from benchmarks import browser as bench_browser
from benchmarks.cluster import ClusterProcess
from benchmarks.server import ServerError, log_tail
from benchmarks.waiting import wait_until
from stationmap.app import ui_state
from stationmap.record import schema
from stationmap.record.filters import FilterState
from tests.browser.conftest import DEFAULT_SERVER_ENV
from tests.browser.helpers import (
    FIRST_RUN_TIMEOUT_MS,
    RERUN_TIMEOUT_MS,
    sidebar_summary,
    upload,
    wait_for_script,
)
from tests.conftest import small_files
from tests.test_app_pages import expected_counts, summary_for

pytestmark = pytest.mark.browser

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
WORKERS = 2
STOP_TIMEOUT_S = 30.0
COOKIE = "SERVERID"
PROCESSES = {"app1", "app2"}

USE_MY_DATA = "Show my data on the map, timeline and every page"
BANNER = (
    "Showing your uploaded data (this browser session only) — switch back to the published dataset"
)
GONE = "The uploaded data this view showed is gone"
UPLOADERS = {
    schema.SITES_FILE: ui_state.UPLOAD_SITES,
    schema.EVENTS_FILE: ui_state.UPLOAD_EVENTS,
    schema.SOURCES_FILE: ui_state.UPLOAD_SOURCES,
}
# small_files(): three sites in two countries.
UPLOADED_SUMMARY = "Showing 3 of 3 sites · 2 countries"


def haproxy_or_skip() -> None:
    if Path(HAPROXY).is_file():
        return
    message = f"{HAPROXY} not found: Debian's haproxy is needed (as root, `make test` installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def get(url: str, cookie: str | None = None, timeout: float = 10) -> tuple[int, bytes]:
    """(status, body) of a GET, straight to loopback (no proxy from the environment)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterProcess]:
    """`scripts/cluster.py --workers 2` on free ports, as `make cluster` runs it."""
    haproxy_or_skip()
    running = ClusterProcess(
        WORKERS, log_dir=tmp_path_factory.mktemp("cluster"), extra_env=DEFAULT_SERVER_ENV
    )
    try:
        running.start()
    except ServerError as error:
        pytest.fail(str(error))
    yield running
    running.stop()
    for pgid in running.group_ids():
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)


class Reader:
    """One reader: a browser context of their own (own cookies), recording what went wrong."""

    def __init__(self, browser: Browser, cluster: ClusterProcess, process: str | None = None):
        self.cluster = cluster
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC"
        )
        bench_browser.open_filters(self.context)
        if process:
            # As if HAProxy had already placed this reader on `process`.
            self.context.add_cookies([{"name": COOKIE, "value": process, "url": cluster.base_url}])
        self.page: Page = self.context.new_page()
        self.failures: list[str] = []
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _failed(self, request) -> None:
        # A reload or a page switch cancels what the old page was still fetching: the browser's
        # own doing, not a request the cluster lost.
        if request.failure != "net::ERR_ABORTED":
            self.failures.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.failures.append(f"{response.url}: HTTP {response.status}")

    def open(self, path: str = "/") -> Reader:
        self.page.goto(self.cluster.base_url + path)
        wait_for_script(self.page)
        return self

    def process(self) -> str:
        """The app process HAProxy keeps this reader on (its cookie)."""
        return next(c["value"] for c in self.context.cookies() if c["name"] == COOKIE)

    def go_to(self, page_name: str) -> None:
        self.page.get_by_test_id("stTopNav").get_by_role("link", name=page_name).click()
        # Every page's tab is titled "<page> — stationmap" (its heading may say more).
        expect(self.page).to_have_title(f"{page_name} — stationmap", timeout=RERUN_TIMEOUT_MS)
        wait_for_script(self.page, RERUN_TIMEOUT_MS)

    def use_upload(self, folder: Path) -> None:
        """Upload the small test dataset on "Your data" and show it on every page."""
        folder.mkdir(parents=True, exist_ok=True)
        self.go_to("Your data")
        for file, data in small_files().items():
            (folder / file).write_bytes(data)
            upload(self.page, UPLOADERS[file], folder / file)
        self.page.get_by_role("button", name=USE_MY_DATA).click()
        expect(sidebar_summary(self.page)).to_have_text(UPLOADED_SUMMARY, timeout=RERUN_TIMEOUT_MS)
        expect(self.page.get_by_text(BANNER)).to_be_visible()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def readers(browser: Browser, cluster: ClusterProcess) -> Iterator[list[Reader]]:
    """Make readers with `readers.append(Reader(...))`; all closed after the test."""
    made: list[Reader] = []
    yield made
    for reader in made:
        reader.close()


def test_sessions_spread_over_both_processes_and_each_stays_on_its_own(browser, cluster, readers):
    for _ in range(4):
        readers.append(Reader(browser, cluster).open())
    placed = [reader.process() for reader in readers]

    # HAProxy sends each new reader to the process holding the fewest connections.
    assert set(placed) == PROCESSES, placed
    assert max(Counter(placed).values()) <= 3, placed
    # Each reader's later requests go back to the process holding its session: a page switch
    # over its websocket, then a whole new load.
    for reader, process in zip(readers, placed, strict=True):
        reader.go_to("Sites")
        reader.page.reload()
        wait_for_script(reader.page)
        assert reader.process() == process
        assert reader.failures == []


def test_an_upload_stays_with_its_session(browser, cluster, readers, tmp_path):
    # One reader on each process: the upload's HTTP request must reach the process holding the
    # reader's websocket, or Streamlit refuses it as a file for a session it does not know.
    for process in sorted(PROCESSES):
        readers.append(Reader(browser, cluster, process).open())
    for number, reader in enumerate(readers):
        reader.use_upload(tmp_path / f"reader-{number}")
    for reader in readers:
        reader.go_to("Map")
        expect(reader.page.get_by_text(BANNER)).to_be_visible()
        expect(sidebar_summary(reader.page)).to_have_text(UPLOADED_SUMMARY)
        assert f"{ui_state.DATA_SOURCE}={ui_state.UPLOADED_DATA_MARK}" in reader.page.url
    assert [reader.process() for reader in readers] == sorted(PROCESSES)
    assert [reader.failures for reader in readers] == [[], []]


def test_no_request_is_lost_while_both_processes_are_up(cluster):
    paths = ["/", "/_stcore/health", "/_stcore/host-config", "/app/static/vendor/manifest.json"]
    requests = [(path, None) for path in paths * 25]
    # Readers already placed too: their cookie must keep working under load.
    requests += [(path, f"{COOKIE}={process}") for path in paths for process in PROCESSES] * 5

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda job: get(cluster.base_url + job[0], job[1]), requests))

    assert Counter(status for status, _body in answers) == {200: len(requests)}


def test_stopping_a_process_sends_its_readers_to_the_other_with_their_view(
    browser, cluster, readers, tmp_path
):
    moved, stays = Reader(browser, cluster, "app1"), Reader(browser, cluster, "app2")
    readers += [moved, stays]
    for number, reader in enumerate(readers):
        reader.open("/")
        reader.use_upload(tmp_path / f"reader-{number}")
    # The view the moved reader has chosen: a text filter, which the URL carries.
    text_filter = moved.page.locator(f".st-key-{ui_state.TEXT} input")
    text_filter.fill("London")
    text_filter.press("Enter")
    expect(moved.page).to_have_url(
        re.compile(rf"[?&]{ui_state.TEXT}=London(&|$)"), timeout=RERUN_TIMEOUT_MS
    )
    view = query(moved.page.url)
    assert view[ui_state.DATA_SOURCE] == [ui_state.UPLOADED_DATA_MARK]

    # app1 goes away (a crash, a deploy): the supervisor reports it and keeps the rest.
    app1 = cluster.status["workers"]["app1"]["pid"]
    os.killpg(app1, signal.SIGTERM)
    wait_until(lambda: not group_alive(app1), timeout_s=STOP_TIMEOUT_S, what="app1 stopped")

    moved.page.reload()
    wait_for_script(moved.page, FIRST_RUN_TIMEOUT_MS)

    assert moved.process() == "app2"
    expect(moved.page.get_by_text(GONE)).to_be_visible()
    expect(moved.page.get_by_text(BANNER)).to_have_count(0)
    # The same view, of the published data.
    assert query(moved.page.url) == view
    expect(text_filter).to_have_value("London")
    published = summary_for(expected_counts(FilterState(text="London")))
    expect(sidebar_summary(moved.page)).to_have_text(published)
    # The reader on app2 never noticed.
    stays.go_to("Timeline")
    expect(stays.page.get_by_text(BANNER)).to_be_visible()
    expect(stays.page.get_by_text(GONE)).to_have_count(0)
    assert stays.process() == "app2" and stays.failures == []
    assert cluster.process.poll() is None, log_tail(cluster.log_path)


def test_ctrl_c_stops_every_process_it_started(cluster):
    groups = cluster.group_ids()
    assert any(group_alive(pgid) for pgid in groups)

    exit_code = cluster.stop()  # SIGINT, as Ctrl-C sends

    assert exit_code == 0, log_tail(cluster.log_path)
    assert [pgid for pgid in groups if group_alive(pgid)] == []
    with pytest.raises(OSError):
        get(cluster.base_url + "/_stcore/health", timeout=2)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_a_terminated_or_killed_supervisor_leaves_no_process_behind(sig, tmp_path):
    # SIGTERM: a service manager stopping it, handled like Ctrl-C. SIGKILL: no handler runs;
    # the kernel's parent-death signal stops each child (scripts/cluster.py, PR_SET_PDEATHSIG).
    haproxy_or_skip()
    alone = ClusterProcess(1, log_dir=tmp_path, extra_env=DEFAULT_SERVER_ENV)
    try:
        alone.start()
    except ServerError as error:
        pytest.fail(str(error))
    groups = alone.group_ids()
    try:
        alone.process.send_signal(sig)
        alone.process.wait(STOP_TIMEOUT_S)
        wait_until(
            lambda: [pgid for pgid in groups if group_alive(pgid)],
            lambda alive: alive == [],
            timeout_s=STOP_TIMEOUT_S,
            what=f"every process group gone after {sig.name}",
        )
    finally:
        for pgid in groups:
            if group_alive(pgid):
                os.killpg(pgid, signal.SIGKILL)
    if sig == signal.SIGTERM:
        assert alone.process.returncode == 0, log_tail(alone.log_path)
