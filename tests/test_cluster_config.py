"""deploy/haproxy.cfg as scripts/cluster.py renders it: what it promises, that HAProxy accepts
it, and the plain "busy" page a reader gets when no process can take them.

The browser tests (tests/browser/test_cluster.py) run the whole cluster; these need haproxy
only, and take a second.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks.server import find_free_port
from benchmarks.waiting import wait_until
from stationmap import config

SCRIPT = config.PROJECT_ROOT / "scripts" / "cluster.py"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def load_cluster_script():
    spec = importlib.util.spec_from_file_location("cluster_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cluster_script = load_cluster_script()


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


def test_with_no_process_to_take_them_readers_get_the_plain_busy_page(haproxy, tmp_path):
    port, nobody = find_free_port(), find_free_port()
    path = tmp_path / "haproxy.cfg"
    path.write_text(
        printed_config("--bind", f"127.0.0.1:{port}", "--server", f"127.0.0.1:{nobody}"),
        encoding="utf-8",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def answer() -> urllib.error.HTTPError | None:
        try:
            opener.open(f"http://127.0.0.1:{port}/", timeout=5)
        except urllib.error.HTTPError as error:
            return error
        return None

    process = subprocess.Popen(
        [haproxy, "-db", "-f", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        refused = wait_until(
            answer,
            timeout_s=30,
            what=f"HAProxy answering on {port}",
            retry_on=(urllib.error.URLError, OSError),
        )
        body = refused.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(10)

    assert refused.code == 503
    assert refused.headers["Retry-After"] == "60"
    assert "<h1>The dashboard is busy</h1>" in body
    assert "Traceback" not in body and "haproxy" not in body.lower()
