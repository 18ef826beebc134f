"""deploy/haproxy.cfg as scripts/cluster.py renders it: what it promises, that HAProxy accepts
it, and the plain "busy" page a reader gets when no process can take them.

The browser tests (tests/browser/test_cluster.py) run the whole cluster; these need haproxy
only, and take a second.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmarks.server import find_free_port
from benchmarks.waiting import wait_until
from tests.script_module import load_script

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


cluster_script = load_script("cluster")


def printed_config(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cluster_script.main(["--print-config", *args]) == 0
    return out.getvalue()


@pytest.fixture
def haproxy() -> str:
    if not Path(HAPROXY).is_file():
        message = f"{HAPROXY} not found: Debian's haproxy is needed (`make test` installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return HAPROXY


@contextlib.contextmanager
def running_haproxy(haproxy: str, config_text: str, folder: Path) -> Iterator[None]:
    path = folder / "haproxy.cfg"
    path.write_text(config_text, encoding="utf-8")
    process = subprocess.Popen(
        [haproxy, "-db", "-f", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(10)


def fetch(url: str, timeout: float = 30) -> tuple[int, Message, str]:
    """(status, headers, body) of a GET on loopback, whatever the status; the headers are
    looked up regardless of case, as HAProxy sends them in lower case."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def test_the_config_names_each_process_and_keeps_readers_on_theirs():
    text = printed_config(
        "--bind", "0.0.0.0:80", "--server", "10.0.0.11:8501", "--server", "10.0.0.12:8501"
    )
    lines = [line.strip() for line in text.splitlines()]

    assert "bind 0.0.0.0:80" in lines
    assert [line for line in lines if line.startswith("server ")] == [
        "server app1 10.0.0.11:8501 cookie app1",
        "server app2 10.0.0.12:8501 cookie app2",
    ]
    for directive in (
        "cookie SERVERID insert indirect nocache",
        "timeout tunnel 1h",
        "option httpchk GET /_stcore/health",
        "http-check expect string ok",
        "option redispatch",
        "timeout queue 10s",
        f"default-server check inter 2s fall 2 rise 2 maxconn {cluster_script.DEFAULT_MAXCONN}",
    ):
        assert any(line.startswith(directive) for line in lines), directive
    errorfile = next(line.split()[-1] for line in lines if line.startswith("errorfile 503"))
    assert Path(errorfile).is_file()


def test_local_processes_take_the_ports_after_haproxys():
    lines = printed_config("--workers", "3", "--port", "9000").splitlines()

    assert "    bind 127.0.0.1:9000" in lines
    servers = [line.split()[2] for line in lines if line.strip().startswith("server ")]
    assert servers == ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]


def test_haproxy_accepts_the_rendered_config(haproxy, tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(printed_config("--workers", "2"), encoding="utf-8")

    check = subprocess.run(
        [haproxy, "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )

    assert check.returncode == 0, check.stdout + check.stderr


def assert_busy_page(status: int, headers: Message, body: str) -> None:
    assert status == 503
    assert headers["Retry-After"] == "60"
    assert "<h1>The dashboard is busy</h1>" in body
    assert "Traceback" not in body and "haproxy" not in body.lower()


def test_with_no_process_to_take_them_readers_get_the_plain_busy_page(haproxy, tmp_path):
    port, nobody = find_free_port(), find_free_port()
    config_text = printed_config("--bind", f"127.0.0.1:{port}", "--server", f"127.0.0.1:{nobody}")

    with running_haproxy(haproxy, config_text, tmp_path):
        answer = wait_until(
            lambda: fetch(f"http://127.0.0.1:{port}/"),
            timeout_s=30,
            what=f"HAProxy answering on {port}",
            retry_on=(urllib.error.URLError, OSError),
        )

    assert_busy_page(*answer)


class HoldingApp(BaseHTTPRequestHandler):
    """A stand-in app process: healthy, and /slow holds its connection until released."""

    arrived = threading.Event()
    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 -- http.server's name
        if self.path == "/slow":
            type(self).arrived.set()
            type(self).release.wait(30)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_full_process_queues_new_readers_then_refuses_them_with_the_busy_page(haproxy, tmp_path):
    app = ThreadingHTTPServer(("127.0.0.1", 0), HoldingApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = find_free_port()
    config_text = printed_config(
        *("--bind", f"127.0.0.1:{port}", "--server", f"127.0.0.1:{app.server_port}"),
        *("--maxconn", "1", "--queue-timeout", "1s"),
    )
    base = f"http://127.0.0.1:{port}"
    held: list[tuple[int, Message, str]] = []
    try:
        with running_haproxy(haproxy, config_text, tmp_path):
            wait_until(
                lambda: fetch(base + "/_stcore/health")[0],
                lambda status: status == 200,
                timeout_s=30,
                what="HAProxy passing requests to the stand-in app",
                retry_on=(urllib.error.URLError, OSError),
            )
            # One reader takes the process's only slot and keeps it.
            first = threading.Thread(target=lambda: held.append(fetch(base + "/slow")))
            first.start()
            assert HoldingApp.arrived.wait(30)

            refused = fetch(base + "/")

            HoldingApp.release.set()
            first.join(30)
    finally:
        HoldingApp.release.set()
        app.shutdown()

    # The next reader waited its queue time, then got the plain page, not a hung request...
    assert_busy_page(*refused)
    # ...and the reader already being served was not cut off.
    assert [status for status, _headers, _body in held] == [200]
