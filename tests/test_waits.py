"""Tests and benchmarks wait on conditions, never a fixed time (issue 14).

A fixed sleep is a guess at how long something takes: too short on a loaded machine, too long
everywhere else. benchmarks/waiting.py's poll loop is the one place that pauses, between two
reads of a condition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import waiting
from benchmarks.waiting import WaitTimeout, wait_until

REPO_ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("tests", "benchmarks")
# This file, which holds the patterns and the allowed lines as data.
SCANNER = "tests/test_waits.py"
# time.sleep(, asyncio.sleep(, a bare sleep(, Playwright's wait_for_timeout(.
FIXED_WAIT = re.compile(r"\bsleep\(|\bwait_for_timeout\(")
# The poll loop's pause between two reads, at its named rate: for threads and for a page.
ALLOWED = {
    ("benchmarks/waiting.py", "time.sleep(POLL_INTERVAL_S)"),
    ("benchmarks/waiting.py", "return lambda: page.wait_for_timeout(interval_s * 1000)"),
}


def fixed_waits(root: Path) -> list[str]:
    """`file:line: text` of every fixed wait in root's tests/ and benchmarks/, less ALLOWED."""
    found = []
    for folder in SCANNED:
        for path in sorted((root / folder).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if name == SCANNER:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FIXED_WAIT.search(line) and (name, line.strip()) not in ALLOWED:
                    found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_fixed_sleeps_in_tests_or_benchmarks():
    assert fixed_waits(REPO_ROOT) == [], "wait on a condition (benchmarks.waiting.wait_until)"


def test_the_scan_names_the_file_and_line_of_a_fixed_wait(tmp_path):
    (tmp_path / "tests" / "browser").mkdir(parents=True)
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "tests" / "browser" / "test_x.py").write_text(
        "import time\n\n    page.wait_for_timeout(1_000)\n"
    )
    (tmp_path / "benchmarks" / "y.py").write_text("x = 1\nawait asyncio.sleep(2)\n")
    # The allowed pause is allowed only where it belongs.
    (tmp_path / "benchmarks" / "waiting.py").write_text("    time.sleep(POLL_INTERVAL_S)\n")
    (tmp_path / "benchmarks" / "other.py").write_text("    time.sleep(POLL_INTERVAL_S)\n")
    assert fixed_waits(tmp_path) == [
        "tests/browser/test_x.py:3: page.wait_for_timeout(1_000)",
        "benchmarks/other.py:1: time.sleep(POLL_INTERVAL_S)",
        "benchmarks/y.py:2: await asyncio.sleep(2)",
    ]


def test_the_allowed_pauses_are_the_ones_waiting_holds():
    text = (REPO_ROOT / "benchmarks" / "waiting.py").read_text(encoding="utf-8")
    lines = {line.strip() for line in text.splitlines()}
    assert {line for _name, line in ALLOWED} <= lines


# --- wait_until ---------------------------------------------------------------------------------


def test_wait_until_returns_the_first_read_that_is_done():
    reads = iter([1, 2, 3, 4])
    pauses = []
    value = wait_until(
        lambda: next(reads),
        lambda n: n >= 3,
        timeout_s=60,
        what="three",
        pause=lambda: pauses.append(1),
    )
    assert (value, len(pauses)) == (3, 2)


def test_wait_until_retries_the_named_errors_and_lets_others_through():
    reads = iter([OSError("refused"), "ok"])

    def read():
        value = next(reads)
        if isinstance(value, Exception):
            raise value
        return value

    assert wait_until(read, timeout_s=60, what="ok", pause=lambda: None, retry_on=(OSError,))
    with pytest.raises(ValueError, match="exited"):
        wait_until(
            lambda: (_ for _ in ()).throw(ValueError("exited")),
            timeout_s=60,
            what="ok",
            pause=lambda: None,
            retry_on=(OSError,),
        )


def test_wait_until_names_what_it_waited_for_and_the_last_read():
    with pytest.raises(WaitTimeout, match=r"health 'ok': not within 0 s; last read 'starting'"):
        wait_until(lambda: "starting", lambda body: body == "ok", timeout_s=0, what="health 'ok'")
    with pytest.raises(WaitTimeout, match=r"last read ConnectionRefusedError\('refused'\)"):
        wait_until(
            lambda: (_ for _ in ()).throw(ConnectionRefusedError("refused")),
            timeout_s=0,
            what="health",
            retry_on=(OSError,),
        )


def test_a_page_pause_goes_through_the_page_in_milliseconds():
    class Page:
        waited: list[float] = []

        def wait_for_timeout(self, ms: float) -> None:
            self.waited.append(ms)

    page = Page()
    waiting.page_pause(page)()
    assert page.waited == [waiting.POLL_INTERVAL_S * 1000]
