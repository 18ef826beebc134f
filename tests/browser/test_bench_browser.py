"""The bench's own browser (benchmarks.browser.launch): it reaches this machine and nothing else.

The bench does not route requests through Playwright (that cost every page load a quarter of a
second): Chromium sends every request for another host to a proxy that is not there. This
checks it for real, with a page of this machine asking for files of another host by name and
by address.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Playwright

from benchmarks import browser as bench_browser
from benchmarks.waiting import wait_until

# Neither ever answers: a reserved name, and an address of TEST-NET-1 (RFC 5737).
OFF_MACHINE = ("http://stationmap-bench.invalid/by-name.png", "http://192.0.2.1/by-address.png")


class _Page(BaseHTTPRequestHandler):
    """A page that asks for one file of this server and the two off-machine ones."""

    def do_GET(self) -> None:  # noqa: N802 -- http.server's name
        if self.path == "/":
            images = "".join(f'<img src="{url}">' for url in ("/local.png", *OFF_MACHINE))
            body, kind = f"<!doctype html><title>bench</title>{images}".encode(), "text/html"
        else:
            body, kind = b"", "image/png"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_bench_browser_reaches_this_machine_only_and_records_the_rest(
    playwright_instance: Playwright, local_page_url: str
) -> None:
    browser = bench_browser.launch(playwright_instance)
    try:
        with bench_browser.fresh_page(browser) as page:
            local, failures = [], {}
            page.on("requestfinished", lambda request: local.append(request.url))
            page.on("requestfailed", lambda failed: failures.update({failed.url: failed.failure}))
            page.goto(local_page_url)
            wait_until(
                lambda: sorted(page.third_party_requests),
                lambda seen: seen == sorted(OFF_MACHINE),
                timeout_s=30,
                what="both off-machine requests failed and recorded",
            )
            assert local_page_url + "local.png" in local
            # Stopped by the bench's proxy, not by whatever network this machine has: a
            # machine that refuses them itself fails them with another error.
            assert {failures[url] for url in OFF_MACHINE} == {"net::ERR_PROXY_CONNECTION_FAILED"}
    finally:
        browser.close()
