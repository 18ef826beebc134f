"""Readers served per second, and first paint, with 1 and then 2 app processes behind HAProxy.

Both configurations run in the same bench run, on the same machine, through the same HAProxy
(``scripts/cluster.py``, as ``make cluster`` starts it), so the only difference is the number
of processes. For each: one warm-up visit straight to each process (its data caches are then
full, as on any server that has had a visitor), then READERS readers at once through HAProxy,
each in a browser context of its own opening the map (``/``) until it shows every site (first
paint) and the page is complete (the script has finished and the sidebar is drawn): a reader
served.

Figures: readers served per second of wall time (all at once, from the first start to the last
end), first paint and page-complete p50/p95, and the app processes' CPU seconds. Chromium runs
on the same cores as the servers, so on a 2-core machine the gain from a second process is
bounded by what the browser leaves them; the report says what it measured, not more.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks import browser as bench_browser
from benchmarks import load
from benchmarks.expectations import MapExpectation, expect_map
from benchmarks.procmem import tree_cpu_seconds
from benchmarks.server import REPO_ROOT, ServerError, find_free_port, log_tail
from benchmarks.stats import first_line, format_seconds, markdown_table, percentile
from benchmarks.waiting import WaitTimeout, wait_until
from stationmap import config
from stationmap.record.filters import FilterState
from stationmap.record.loader import load_dataset

CLUSTER_SCRIPT = REPO_ROOT / "scripts" / "cluster.py"
# Each process's cold start, then HAProxy's, on a loaded 2-core machine.
START_TIMEOUT_S = 150.0
STOP_TIMEOUT_S = 30.0
DEFAULT_READERS = 12
# Each reader's wait for the page, and each reader as a whole, on a loaded 2-core machine.
VISIT_TIMEOUT_S = 240.0
PROCESS_COUNTS = (1, 2)


def free_port_block(size: int) -> int:
    """A port whose next `size - 1` ports are free too (HAProxy's, then one per process)."""
    for _attempt in range(50):
        base = find_free_port()
        try:
            for port in range(base + 1, base + size):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise ServerError(f"no {size} free ports in a row")


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    """(status, body) of a GET on loopback, never through a proxy from the environment."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:  # noqa: S310 -- loopback http
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class ClusterProcess:
    """``scripts/cluster.py --workers N`` on free loopback ports; a context manager that stops it
    with SIGINT, as Ctrl-C would. ``status`` holds the pids and ports it reports."""

    def __init__(
        self,
        workers: int,
        *,
        log_dir: Path,
        app_root: Path = REPO_ROOT,
        extra_env: dict[str, str] | None = None,
        streamlit_options: dict[str, object] | None = None,
    ):
        self.workers = workers
        self.log_dir = Path(log_dir)
        self.app_root = Path(app_root)
        self.extra_env = dict(extra_env or {})
        self.streamlit_options = dict(streamlit_options or {})
        self.process: subprocess.Popen | None = None
        self.status: dict = {}
        self.base_url = ""
        self.log_path = self.log_dir / f"cluster-{workers}.log"

    def start(self) -> ClusterProcess:
        port = free_port_block(self.workers + 1)
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        status_file = self.log_dir / f"cluster-{port}.json"
        options = [f"--{name}={value}" for name, value in self.streamlit_options.items()]
        command = [
            *(sys.executable, str(self.app_root / "scripts" / "cluster.py")),
            *("--workers", str(self.workers), "--port", str(port)),
            *("--log-dir", str(self.log_dir), "--status-file", str(status_file)),
            *("--", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"),
            *options,
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 -- our own interpreter and script
                command,
                cwd=self.app_root,
                env={**os.environ, **self.extra_env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def ready() -> dict | None:
            if self.process.poll() is not None:
                raise ServerError(
                    f"cluster.py exited with {self.process.returncode}:\n{log_tail(self.log_path)}"
                )
            if not status_file.is_file() or http_get(f"{self.base_url}/_stcore/health")[1] != b"ok":
                return None
            return json.loads(status_file.read_text(encoding="utf-8"))

        try:
            self.status = wait_until(
                ready,
                timeout_s=START_TIMEOUT_S,
                what=f"HAProxy answering at {self.base_url}",
                retry_on=(urllib.error.URLError, OSError),
            )
        except BaseException as error:
            self.stop()
            if isinstance(error, WaitTimeout):
                raise ServerError(f"{error}:\n{log_tail(self.log_path)}") from None
            raise
        return self

    def worker_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{w['port']}" for w in self.status["workers"].values()]

    def worker_pids(self) -> list[int]:
        return [w["pid"] for w in self.status["workers"].values()]

    def group_ids(self) -> list[int]:
        """Every process group the supervisor started (each child leads its own)."""
        haproxy = [self.status["haproxy"]["pid"]] if self.status.get("haproxy") else []
        return haproxy + self.worker_pids()

    def stop(self) -> int | None:
        """Ctrl-C to the supervisor, which stops what it started; its exit code."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(STOP_TIMEOUT_S)

    def __enter__(self) -> ClusterProcess:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@dataclass
class ClusterRun:
    """One configuration's figures."""

    processes: int
    readers: int
    wall_s: float = 0.0
    cpu_s: float | None = None
    outcomes: list[load.SessionOutcome] = field(default_factory=list)

    @property
    def served(self) -> int:
        return sum(1 for outcome in self.outcomes if not outcome.problems)

    def timing(self, step: str) -> list[float]:
        return [o.timings[step] for o in self.outcomes if not o.problems and step in o.timings]

    def row(self) -> list[str]:
        paint, complete = self.timing("map first paint"), self.timing("page complete")
        per_second = self.served / self.wall_s if self.wall_s else None
        return [
            str(self.processes),
            f"{self.served} of {self.readers}",
            format_seconds(self.wall_s),
            "–" if per_second is None else f"{per_second:.2f}",
            format_seconds(percentile(paint, 50)),
            format_seconds(percentile(paint, 95)),
            format_seconds(percentile(complete, 50)),
            format_seconds(percentile(complete, 95)),
            "–" if self.cpu_s is None else f"{self.cpu_s:.0f}",
        ]


async def visit(browser, base_url: str, index: int, default: MapExpectation) -> load.SessionOutcome:
    """One reader opening the map until it shows every site and the page is complete."""
    outcome = load.SessionOutcome(index, "map")
    context, page = await load.local_session(browser, outcome)
    try:
        start = time.monotonic()
        await page.goto(base_url + "/", timeout=load.STEP_TIMEOUT_MS)
        await load._wait_for_map(page, default, until="shown")
        outcome.timings["map first paint"] = time.monotonic() - start
        await load._wait_for_map(page, default)
        outcome.timings["page complete"] = time.monotonic() - start
    except Exception as error:  # noqa: BLE001 -- a reader's failure is a finding, not a crash
        outcome.problems.append(first_line(error, 300))
    finally:
        await context.close()
    return outcome


async def _bounded(coroutine, index: int) -> load.SessionOutcome:
    try:
        return await asyncio.wait_for(coroutine, VISIT_TIMEOUT_S)
    except TimeoutError:
        outcome = load.SessionOutcome(index, "map")
        outcome.problems.append(f"did not finish within {VISIT_TIMEOUT_S:.0f} s")
        return outcome


async def _measure(cluster: ClusterProcess, readers: int, default: MapExpectation) -> ClusterRun:
    from playwright.async_api import async_playwright

    run = ClusterRun(processes=cluster.workers, readers=readers)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(bench_browser.CHROMIUM),
            headless=True,
            args=bench_browser.CHROMIUM_ARGS,
        )
        try:
            # Straight to each process, so every one has loaded the data before the timing.
            for url in cluster.worker_urls():
                warm = await _bounded(visit(browser, url, 0, default), 0)
                if warm.problems:
                    raise load.WarmUpFailed(f"warm-up on {url} failed: {warm.problems}")
            pids = cluster.worker_pids()
            cpu_before = [tree_cpu_seconds(pid) for pid in pids]
            started = time.monotonic()
            run.outcomes = list(
                await asyncio.gather(
                    *(
                        _bounded(visit(browser, cluster.base_url, index, default), index)
                        for index in range(readers)
                    )
                )
            )
            run.wall_s = time.monotonic() - started
            cpu_after = [tree_cpu_seconds(pid) for pid in pids]
            if None not in cpu_before and None not in cpu_after:
                run.cpu_s = sum(cpu_after) - sum(cpu_before)
        finally:
            await browser.close()
    return run


def run_cluster_bench(
    readers: int = DEFAULT_READERS,
    *,
    process_counts: tuple[int, ...] = PROCESS_COUNTS,
    app_root: Path = REPO_ROOT,
    log_dir: Path,
) -> list[ClusterRun]:
    """Each process count in turn, each with `readers` readers at once through HAProxy."""
    default = expect_map(load_dataset(config.DEFAULT_DATA_DIR), FilterState(), date.today())
    runs = []
    for count in process_counts:
        with ClusterProcess(
            count,
            log_dir=Path(log_dir) / f"{count}-processes",
            app_root=app_root,
            extra_env={config.TILES_ENV: "none"},
        ) as cluster:
            # Playwright's async readers get a thread, and an event loop, of their own.
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                runs.append(pool.submit(asyncio.run, _measure(cluster, readers, default)).result())
    return runs


def markdown(runs: list[ClusterRun], cores: int | None = None) -> str:
    """The table, and the gain of the last configuration over the first, in words."""
    table = markdown_table(
        [
            "processes",
            "readers served",
            "wall",
            "readers/s",
            "first paint p50",
            "p95",
            "page complete p50",
            "p95",
            "app CPU s",
        ],
        [run.row() for run in runs],
    )
    lines = [table, ""]
    first, last = runs[0], runs[-1]
    if first.wall_s and last.wall_s and first.served and last.served:
        gain = (last.served / last.wall_s) / (first.served / first.wall_s)
        lines.append(
            f"{last.processes} processes served {gain:.2f}× the readers per second of "
            f"{first.processes} on {cores or os.cpu_count()} cores, with Chromium's "
            f"{first.readers} tabs on the same cores."
        )
    failures = [
        f"{run.processes} processes, reader {o.index}: {'; '.join(o.problems)}"
        for run in runs
        for o in run.outcomes
        if o.problems
    ]
    if failures:
        lines += ["", "Readers not served:", *(f"- {line}" for line in failures)]
    return "\n".join(lines) + "\n"
