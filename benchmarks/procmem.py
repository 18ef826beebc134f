"""Resident memory (RSS) of a process and its descendants, from /proc, sampled in a thread.

Linux only, like the machines this runs on. A process that exits between listing and reading
is skipped, never an error.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")
# Often enough to catch a rerun's peak (a 10,000-site rerun builds tens of MB for a second or
# more), rarely enough that reading /proc costs nothing measurable on 2 cores.
SAMPLE_INTERVAL_S = 0.1


def parse_vm_rss(status_text: str) -> int | None:
    """Bytes of the ``VmRSS:`` line of a /proc/PID/status text (in kB there), or None."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]) * 1024
    return None


def parse_children(text: str) -> list[int]:
    """The pids of a /proc/PID/task/TID/children file."""
    return [int(part) for part in text.split() if part.isdigit()]


def parse_cpu_ticks(stat_text: str) -> int | None:
    """utime + stime, in clock ticks, of a /proc/PID/stat text; None if it is malformed."""
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    _, _, rest = stat_text.rpartition(")")
    fields = rest.split()
    # After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
    if len(fields) < 13 or not (fields[11].isdigit() and fields[12].isdigit()):
        return None
    return int(fields[11]) + int(fields[12])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None


def process_tree(root_pid: int, proc: Path = PROC) -> list[int]:
    """`root_pid` and every process descended from it that is alive now."""
    seen: list[int] = []
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        if pid in seen or not (proc / str(pid)).is_dir():
            continue
        seen.append(pid)
        for children in (proc / str(pid) / "task").glob("*/children"):
            pending.extend(parse_children(_read(children) or ""))
    return seen


def _tree_total(
    root_pid: int, file: str, parse: Callable[[str], int | None], proc: Path
) -> int | None:
    """The sum of `parse` over one /proc file of each live process of a tree; None if none."""
    values = [parse(_read(proc / str(pid) / file) or "") for pid in process_tree(root_pid, proc)]
    found = [value for value in values if value is not None]
    return sum(found) if found else None


def tree_rss(root_pid: int, proc: Path = PROC) -> int | None:
    """RSS of a process tree in bytes; None when the root is gone."""
    return _tree_total(root_pid, "status", parse_vm_rss, proc)


def tree_cpu_seconds(root_pid: int, proc: Path = PROC) -> float | None:
    """CPU time (user + system) used so far by the live processes of a tree; None if gone."""
    ticks = _tree_total(root_pid, "stat", parse_cpu_ticks, proc)
    return ticks / os.sysconf("SC_CLK_TCK") if ticks is not None else None


def rss_settled(
    read: Callable[[], int | None],
    *,
    not_before: float,
    window_s: float,
    tolerance: int,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[], bool]:
    """A condition for ``benchmarks.waiting.wait_until``: from ``not_before`` (on ``clock``),
    the readings of ``read()`` have moved by at most ``tolerance`` bytes for ``window_s``.

    Memory freed when a session ends is given back over a moment, not at once; a reading
    taken while it still falls would measure the fall, not what stays. None (the process is
    gone) counts as settled: there is nothing left to wait for, and the caller reports it.
    """
    readings: list[tuple[float, int]] = []

    def settled() -> bool:
        now, rss = clock(), read()
        if rss is None:
            return True
        if now < not_before:
            return False
        readings.append((now, rss))
        if now - readings[0][0] < window_s:
            return False
        recent = [value for at, value in readings if now - at <= window_s]
        return max(recent) - min(recent) <= tolerance

    return settled


class RssSampler:
    """Samples a process tree's RSS in a daemon thread; ``peak`` is the highest seen.

    Use as a context manager around what is measured::

        with RssSampler(server.pid) as sampler:
            ...
        print(sampler.peak)
    """

    def __init__(self, root_pid: int, interval_s: float = SAMPLE_INTERVAL_S):
        self.root_pid = root_pid
        self.interval_s = interval_s
        self.peak: int | None = None
        self.last: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def sample(self) -> int | None:
        rss = tree_rss(self.root_pid)
        if rss is not None:
            self.last = rss
            self.peak = rss if self.peak is None else max(self.peak, rss)
        return rss

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()
