"""A Streamlit server on a free loopback port, in its own process group, for measurements.

Mirrors ``tests/browser/conftest.py`` (same command line, health polling, stop by process
group) but raises :class:`ServerError` instead of failing a test, so the bench script can
record a failure and go on, and it exposes the pid, whose process tree's memory is measured.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from benchmarks.waiting import WaitTimeout, wait_until

REPO_ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = REPO_ROOT / "dashboard.py"
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
FLOOR_WIDGETS_APP = Path(__file__).resolve().parent / "floor_widgets.py"
# Its change floor's table (/rows): the query parameter saying how many rows (?rows=N), and its
# text and count columns, as many as the sites' table has.
FLOOR_ROWS_PARAM = "rows"
FLOOR_ROWS_COLUMNS = (10, 4)
STATIC_DIR = REPO_ROOT / "static"

# A cold start on a loaded 2-core machine takes a few seconds; a minute means broken.
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
LOOPBACK = "127.0.0.1"


class ServerError(RuntimeError):
    """The server did not start, or exited: the message ends with its log's tail."""


def find_free_port() -> int:
    """Ask the kernel for a port nobody is listening on at this moment (loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def log_tail(path: Path, max_chars: int = 3000) -> str:
    """The end of a server log, for error messages."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-max_chars:]
    except OSError:
        return "<no log>"


def stop_process_group(process: subprocess.Popen | None, timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop a server started in its own process group and anything it started: SIGTERM to the
    group, then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


def wait_until_healthy(
    process: subprocess.Popen, base_url: str, log_path: Path, timeout_s: float
) -> None:
    """Poll Streamlit's health endpoint until it answers "ok"; ServerError with the server's
    log if the process exits first or it never does."""
    url = f"{base_url}/_stcore/health"
    # Loopback must not go through any proxy set in the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def answer() -> str:
        if process.poll() is not None:
            raise ServerError(
                f"streamlit exited with code {process.returncode}; log:\n{log_tail(log_path)}"
            )
        with opener.open(url, timeout=2) as response:  # noqa: S310 -- loopback http
            return response.read().decode("utf-8", "replace").strip()

    try:
        wait_until(
            answer,
            lambda body: body == "ok",
            timeout_s=timeout_s,
            what=f"'ok' from {url}",
            retry_on=(urllib.error.URLError, OSError),
        )
    except WaitTimeout as timeout:
        raise ServerError(f"{timeout}; log:\n{log_tail(log_path)}") from None


class StreamlitServer:
    """``streamlit run SCRIPT`` on 127.0.0.1; a context manager that always stops it.

    ``app_root`` is the checkout whose dashboard runs (default: this one; another commit's
    export works too), its working directory and first import path. ``extra_env`` is added to
    this process's environment (e.g. ``STATIONMAP_DATA_DIR``); ``options`` are extra
    ``--name value`` pairs for Streamlit.
    """

    def __init__(
        self,
        script: Path | None = None,
        *,
        app_root: Path = REPO_ROOT,
        extra_env: Mapping[str, str] | None = None,
        options: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
    ):
        self.app_root = Path(app_root).resolve()
        self.script = Path(script) if script else self.app_root / DASHBOARD.name
        self.extra_env = dict(extra_env or {})
        self.options = dict(options or {})
        self.log_dir = Path(log_dir or tempfile.gettempdir())
        self.port = 0
        self.base_url = ""
        self.process: subprocess.Popen | None = None
        self.log_path = self.log_dir / "streamlit.log"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerError("server not started")
        return self.process.pid

    def start(self) -> StreamlitServer:
        self.port = find_free_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.log_dir / f"streamlit-{self.script.stem}-{self.port}.log"
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.port",
            str(self.port),
            "--server.address",
            LOOPBACK,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            # Also set in .streamlit/config.toml; repeated for scripts outside the repo root.
            "--server.enableStaticServing",
            "true",
        ]
        for name, value in self.options.items():
            command += [f"--{name}", str(value)]
        env = {**os.environ, **self.extra_env}
        # The app's own package first; the floor app runs from a temporary folder and still
        # imports stationmap.
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(self.app_root), env.get("PYTHONPATH")])
        )
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 -- our own interpreter and script
                command,
                cwd=self.app_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_healthy(self.process, self.base_url, self.log_path, START_TIMEOUT_S)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it lingers."""
        stop_process_group(self.process)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def floor_app_folder(
    work_dir: Path, static_dir: Path = STATIC_DIR, script: Path = FLOOR_APP
) -> Path:
    """A folder holding links to a floor's script (floor_app.py) and to the repo's static/, for
    ``streamlit run``.

    Streamlit serves ``static/`` beside the main script, and the floor must load the same
    local assets from the same URLs as the app; links keep the repo itself unchanged.
    """
    folder = Path(work_dir) / script.stem
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in ((script.name, script), ("static", static_dir)):
        link = folder / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
    return folder / script.name
