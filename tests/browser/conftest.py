"""Browser-test fixtures: the real Streamlit server on a free port, driven by Debian's Chromium.

Every test here gets a fresh ``page`` that records what it loads and what goes wrong:

- ``page.requests_seen``: every request URL, in order;
- ``page.errors_seen``: uncaught page errors and console errors, as text;
- ``page.third_party_requests``: requests to any host but this machine, which are aborted.

The map must work with no network, and a request to a third party tells it who is looking at
the map, so tests assert that the last list is empty.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Frame, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from benchmarks import browser as bench_browser
from benchmarks import server as bench_server
from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS
from benchmarks.server import find_free_port, stop_process_group
from benchmarks.waiting import WaitTimeout, page_pause, wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = REPO_ROOT / "dashboard.py"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"

# A cold Streamlit start on a 2-core CI machine takes a few seconds; 60 s means "broken".
SERVER_START_TIMEOUT_S = 60.0
# Streamlit loads the map iframe after the script run; the first run imports pandas and folium.
MAP_FRAME_TIMEOUT_MS = 30_000

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_SERVER_ENV = {"STATIONMAP_TILES": "none"}


@dataclass(frozen=True)
class AppServer:
    """A running ``streamlit run dashboard.py``; stopped by the factory at session end."""

    base_url: str
    port: int
    env: Mapping[str, str]
    log_path: Path


def wait_until_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    """Poll Streamlit's health endpoint until it answers "ok", or fail with the server log."""
    try:
        bench_server.wait_until_healthy(process, base_url, log_path, SERVER_START_TIMEOUT_S)
    except bench_server.ServerError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def app_server_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Mapping[str, str] | None], AppServer]]:
    """Return ``start(extra_env) -> AppServer``, starting one server per distinct extra_env.

    ``extra_env`` is added to this process's environment, e.g.
    ``{"STATIONMAP_DATA_DIR": str(path), "STATIONMAP_TILES": "none"}``. Servers are shared
    by every test asking for the same env and are all stopped at the end of the session.
    """
    if not DASHBOARD.is_file():
        pytest.fail(f"{DASHBOARD} not found: browser tests run the real dashboard.")

    started: dict[tuple[tuple[str, str], ...], tuple[AppServer, subprocess.Popen]] = {}
    log_dir = tmp_path_factory.mktemp("streamlit-logs")

    def start(extra_env: Mapping[str, str] | None = None) -> AppServer:
        extra = dict(extra_env or {})
        key = tuple(sorted(extra.items()))
        if key in started:
            return started[key][0]

        port = find_free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = log_dir / f"streamlit-{port}.log"
        command = [
            # The interpreter running pytest (.venv's under `make test`), so the server
            # imports exactly the packages the tests were installed with.
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(DASHBOARD),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            # No reruns triggered by files changing under a running test.
            "--server.fileWatcherType",
            "none",
        ]
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env={**os.environ, **extra},
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                # Own process group, so teardown can stop the server and its children together.
                start_new_session=True,
            )
        server = AppServer(base_url=base_url, port=port, env=extra, log_path=log_path)
        started[key] = (server, process)
        wait_until_healthy(process, base_url, log_path)
        return server

    yield start

    for _, process in started.values():
        stop_process_group(process)


@pytest.fixture(scope="session")
def app_server(app_server_factory: Callable[[Mapping[str, str] | None], AppServer]) -> AppServer:
    """The dashboard with no tile server, so the page makes no request off this machine."""
    return app_server_factory(DEFAULT_SERVER_ENV)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, with its background traffic to Google switched off."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found. Install Debian's chromium (`make test` does it as root: "
            "apt-get install chromium fonts-noto-cjk). Do not run `playwright install`."
        )
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine (or never leave the browser)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context that records requests and errors and blocks third parties.

    The browser prefers English unless a test asks for another language, indirectly:
    ``@pytest.mark.parametrize("page", ["zh-TW"], indirect=True)``.
    """
    locale = getattr(request, "param", "en-US")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=locale, timezone_id="UTC"
    )
    # As a reader who has opened the filters before, unless the test is about a new one.
    if request.node.get_closest_marker("filters_closed") is None:
        bench_browser.open_filters(context)
    page = context.new_page()
    # Headless Chromium gives window focus to one page at a time: a page left by an earlier
    # test can keep it, and then document.hasFocus() is false here (keyboard tests check it).
    page.bring_to_front()
    page.requests_seen = []
    page.errors_seen = []
    page.third_party_requests = []

    def block_third_party(route, routed_request) -> None:
        if is_local_url(routed_request.url):
            route.continue_()
        else:
            page.third_party_requests.append(routed_request.url)
            route.abort("blockedbyclient")

    def record_console(message) -> None:
        if message.type == "error":
            page.errors_seen.append(f"console error: {message.text} ({message.location})")

    def record_websocket(websocket) -> None:
        # Routes do not see WebSockets; record any that leave the machine all the same.
        if not is_local_url(websocket.url):
            page.third_party_requests.append(websocket.url)

    # On the context, so iframes (the folium map) and popups are covered too.
    context.route("**/*", block_third_party)
    context.on("request", lambda routed_request: page.requests_seen.append(routed_request.url))
    page.on("pageerror", lambda error: page.errors_seen.append(f"page error: {error}"))
    page.on("console", record_console)
    page.on("websocket", record_websocket)

    yield page

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        screenshot = ARTIFACTS_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}.png"
        try:
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"screenshot: {screenshot}")
        except PlaywrightError as error:
            print(f"screenshot failed: {error}")
        # Shown under "Captured stdout teardown" of the failed test.
        print("errors seen:", *page.errors_seen, sep="\n  ")
        print("third-party requests:", *page.third_party_requests, sep="\n  ")
    context.close()


def find_map_frame(page: Page, timeout: float = MAP_FRAME_TIMEOUT_MS) -> Frame:
    """Return the frame whose document holds ``.leaflet-container``, polling until it appears.

    streamlit-folium draws the map inside an iframe, so locators on ``page`` cannot see it.
    ``timeout`` is in milliseconds, as everywhere in Playwright.
    """

    def frame_with_map() -> Frame | None:
        for frame in page.frames:
            try:
                if frame.query_selector(".leaflet-container") is not None:
                    return frame
            except PlaywrightError:
                # The frame was detached or navigated between listing and querying.
                continue
        return None

    try:
        return wait_until(
            frame_with_map,
            timeout_s=timeout / 1000,
            what="a frame with .leaflet-container",
            pause=page_pause(page),
        )
    except WaitTimeout as timeout_error:
        frame_urls = [frame.url for frame in page.frames]
        raise AssertionError(
            f"{timeout_error}; frames: {frame_urls}; "
            f"errors seen: {getattr(page, 'errors_seen', [])}"
        ) from None


@pytest.fixture
def map_frame() -> Callable[..., Frame]:
    """``map_frame(page, timeout)``: the folium map's frame, see ``find_map_frame``."""
    return find_map_frame


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so ``page`` can screenshot a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser as ``browser``, so ``-m "not browser"`` skips it."""
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in item.path.parents:
            item.add_marker(pytest.mark.browser)
