"""Several stationmap processes behind HAProxy on this machine, in the foreground.

    .venv/bin/python scripts/cluster.py --workers 2 --port 8600      # what `make cluster` runs

Starts WORKERS ``streamlit run dashboard.py`` processes on 127.0.0.1, ports PORT+1 to
PORT+WORKERS, waits until each answers ``/_stcore/health``, then runs HAProxy in the foreground on
PORT with ``deploy/haproxy.cfg`` rendered for them (cookie stickiness, health checks, a queue
limit). Ctrl-C or SIGTERM stops everything it started: each child runs in a process group of its
own, which is sent SIGTERM, then SIGKILL if it lingers, and each is also told by the kernel to
stop if this supervisor dies without cleaning up. A process that exits is reported and not
restarted: HAProxy's health check takes it out of service and sends its readers to the others
(restarting is the job of the service manager running this, see docs/deploy.md).

``--print-config`` prints the rendered configuration for any servers (``--server HOST:PORT``,
repeated) and starts nothing: the same file serves processes on several machines.

Standard library only: it runs before anything else is installed, and under any service manager.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from string import Template

REPO_ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = REPO_ROOT / "dashboard.py"
CONFIG_TEMPLATE = REPO_ROOT / "deploy" / "haproxy.cfg"
BUSY_PAGE = REPO_ROOT / "deploy" / "503.http"
LOOPBACK = "127.0.0.1"

# Connections one app process takes at once before requests queue: each open tab holds one
# websocket, and a page load adds a few short requests. Past it (and HAProxy's queue time-out)
# readers get the "busy" page rather than a slow dashboard for everyone.
DEFAULT_MAXCONN = 100
# How long a request may wait for a slot before the "busy" page (HAProxy's time format).
DEFAULT_QUEUE_TIMEOUT = "10s"
# A cold start imports pandas and folium; on a loaded 2-core machine a minute means broken.
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.2
# Linux prctl(PR_SET_PDEATHSIG): the kernel signals a child when the process that started it
# dies, so even a supervisor killed with SIGKILL leaves no app process behind.
PR_SET_PDEATHSIG = 1


class ClusterError(RuntimeError):
    """Something the supervisor cannot go on without; the message says what."""


def server_name(index: int) -> str:
    """The name HAProxy gives the index-th process (1-based), also its cookie value."""
    return f"app{index}"


def render_config(
    servers: list[str],
    *,
    bind: str,
    maxconn: int = DEFAULT_MAXCONN,
    queue_timeout: str = DEFAULT_QUEUE_TIMEOUT,
    template: Path = CONFIG_TEMPLATE,
    errorfile: Path = BUSY_PAGE,
) -> str:
    """deploy/haproxy.cfg with its placeholders filled: one `server` line per HOST:PORT."""
    lines = [
        f"    server {server_name(i)} {address} cookie {server_name(i)}"
        for i, address in enumerate(servers, start=1)
    ]
    return Template(template.read_text(encoding="utf-8")).substitute(
        bind=bind,
        maxconn=maxconn,
        queue_timeout=queue_timeout,
        errorfile=str(errorfile),
        servers="\n".join(lines),
    )


def _die_with_parent() -> None:
    # Runs in the child between fork and exec (subprocess's preexec_fn).
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl-C and TERM still stop everything
        pass


def start_group(command: list[str], *, env: dict[str, str], log: Path | None) -> subprocess.Popen:
    """Start `command` in a process group of its own (so a terminal's Ctrl-C reaches only the
    supervisor, which stops each group in turn), output to `log` or to this terminal."""
    output = log.open("ab") if log else None
    try:
        return subprocess.Popen(  # noqa: S603 -- our own interpreter, script and haproxy
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 -- no threads here
        )
    finally:
        if output:
            output.close()


def stop_groups(processes: list[subprocess.Popen], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM to each process's whole group at once, then SIGKILL to any group that lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = [process for process in processes if _group_alive(process.pid)]
        for process in alive:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        for process in alive:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        # A leader gone may leave a child of it in the group: wait for the group, not the leader.
        while any(_group_alive(p.pid) for p in alive) and time.monotonic() < deadline:
            time.sleep(POLL_S)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def healthy(port: int) -> bool:
    """True once the app on `port` answers its health check with "ok"."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://{LOOPBACK}:{port}/_stcore/health", timeout=2) as response:  # noqa: S310
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


class Cluster:
    """The app processes and HAProxy; `run` blocks until a signal or HAProxy's exit."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.workers: dict[str, tuple[int, subprocess.Popen]] = {}
        self.haproxy: subprocess.Popen | None = None
        self.stopping = False
        self.work_dir = Path(tempfile.mkdtemp(prefix="stationmap-cluster-"))

    def worker_env(self) -> dict[str, str]:
        env = dict(os.environ)
        # One secret for all: Streamlit signs its own cookies with it (its session middleware's,
        # and st.login's if the app ever signs readers in), so a cookie one process set is
        # still valid on the process a reader is moved to.
        env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        return env

    def start_workers(self) -> None:
        env = self.worker_env()
        for index in range(1, self.args.workers + 1):
            port = self.args.port + index
            command = [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(DASHBOARD),
                "--server.address",
                LOOPBACK,
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                *self.args.streamlit_args,
            ]
            log = self.args.log_dir / f"{server_name(index)}.log" if self.args.log_dir else None
            self.workers[server_name(index)] = (port, start_group(command, env=env, log=log))
            say(f"started {server_name(index)} on {LOOPBACK}:{port}")
        deadline = time.monotonic() + self.args.start_timeout
        waiting = dict(self.workers)
        while waiting:
            for name, (port, process) in list(waiting.items()):
                if process.poll() is not None:
                    raise ClusterError(f"{name} exited with code {process.returncode} at start")
                if healthy(port):
                    del waiting[name]
            if self.stopping:
                raise ClusterError("stopped while starting")
            if waiting and time.monotonic() > deadline:
                raise ClusterError(
                    f"{', '.join(waiting)} not healthy after {self.args.start_timeout} s"
                )
            if waiting:
                time.sleep(POLL_S)

    def write_config(self) -> Path:
        addresses = [f"{LOOPBACK}:{self.args.port + i}" for i in range(1, self.args.workers + 1)]
        path = self.work_dir / "haproxy.cfg"
        path.write_text(
            render_config(addresses, **self.args.limits),
            encoding="utf-8",
        )
        check = subprocess.run(  # noqa: S603
            [self.args.haproxy, "-c", "-q", "-f", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise ClusterError(f"haproxy -c refused {path}:\n{check.stdout}{check.stderr}")
        return path

    def write_status(self) -> None:
        """The pids and ports, for tests and for anyone stopping one process by hand."""
        if not self.args.status_file:
            return
        status = {
            "haproxy": {"pid": self.haproxy.pid, "bind": self.args.bind} if self.haproxy else None,
            "workers": {
                name: {"pid": process.pid, "port": port}
                for name, (port, process) in self.workers.items()
            },
        }
        partial = self.args.status_file.with_name(self.args.status_file.name + ".part")
        partial.write_text(json.dumps(status, indent=2), encoding="utf-8")
        os.replace(partial, self.args.status_file)

    def run(self) -> int:
        config = self.write_config()
        self.start_workers()
        self.haproxy = start_group(
            [self.args.haproxy, "-db", "-f", str(config)], env=dict(os.environ), log=None
        )
        self.write_status()
        count = len(self.workers)
        processes = f"{count} app process{'es' if count != 1 else ''}"
        say(f"serving http://{self.args.bind} ({processes}); Ctrl-C stops")
        reported: set[str] = set()
        while not self.stopping:
            if self.haproxy.poll() is not None:
                say(f"haproxy exited with code {self.haproxy.returncode}")
                return self.haproxy.returncode or 1
            for name, (_port, process) in self.workers.items():
                if name not in reported and process.poll() is not None:
                    reported.add(name)
                    say(f"{name} exited with code {process.returncode}; its readers go elsewhere")
            if len(reported) == len(self.workers):
                say("every app process has exited")
                return 1
            time.sleep(POLL_S)
        return 0

    def stop(self) -> None:
        # All at once: a stop takes as long as the slowest process, not the sum of them.
        processes = [self.haproxy] if self.haproxy else []
        processes += [process for _port, process in self.workers.values()]
        stop_groups(processes)
        shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.args.status_file:
            self.args.status_file.unlink(missing_ok=True)


def say(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 2)))
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", 8600)),
        help="HAProxy's port; the processes take the next WORKERS ports",
    )
    parser.add_argument(
        "--bind",
        help="HAProxy's listening address (default 127.0.0.1:PORT; 0.0.0.0:PORT serves others)",
    )
    parser.add_argument("--maxconn", type=int, default=DEFAULT_MAXCONN, help="per process")
    parser.add_argument(
        "--queue-timeout",
        default=DEFAULT_QUEUE_TIMEOUT,
        help="longest wait for a slot before the busy page, e.g. 10s",
    )
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    parser.add_argument("--log-dir", type=Path, help="each process's output to NAME.log here")
    parser.add_argument("--status-file", type=Path, help="write pids and ports here as JSON")
    parser.add_argument("--start-timeout", type=float, default=START_TIMEOUT_S)
    parser.add_argument(
        "--print-config",
        action="store_true",
        help="print deploy/haproxy.cfg rendered for the --server addresses; start nothing",
    )
    parser.add_argument("--server", action="append", default=[], metavar="HOST:PORT")
    parser.add_argument("streamlit_args", nargs="*", help="after --: passed to every streamlit run")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    args.bind = args.bind or f"{LOOPBACK}:{args.port}"
    args.limits = {"bind": args.bind, "maxconn": args.maxconn, "queue_timeout": args.queue_timeout}
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.print_config:
        servers = args.server or [f"{LOOPBACK}:{args.port + i}" for i in range(1, args.workers + 1)]
        print(render_config(servers, **args.limits), end="")
        return 0
    if not Path(args.haproxy).is_file():
        say(
            f"haproxy not found ({args.haproxy}): as root, `make cluster` installs Debian's haproxy"
        )
        return 2
    if args.log_dir:
        args.log_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(args)

    def request_stop(signum: int, _frame: object) -> None:
        if cluster.stopping:
            return
        cluster.stopping = True
        say(f"{signal.Signals(signum).name}: stopping")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, request_stop)
    try:
        return cluster.run()
    except ClusterError as error:
        say(f"error: {error}")
        return 1
    finally:
        cluster.stop()
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())
