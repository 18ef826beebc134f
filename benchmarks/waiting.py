"""Waiting on a condition: the one poll loop that tests and benchmarks share.

A fixed sleep stands for a condition, and is too short on a loaded machine (a flaky failure)
or too long everywhere (slow runs). ``wait_until`` reads the condition itself, until it holds
or a deadline passes, and fails naming what it waited for and what it last read.

The pause between two reads is the only pause in tests/ and benchmarks/ (tests/test_no_sleeps.py
allows these two lines and no other): it is a polling rate, not a guess at how long something
takes. With Playwright's sync API the pause must go through the page, which dispatches the
browser's events only while it is called into.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Between two reads of a condition: often enough not to add to what is measured or waited
# for, rarely enough that polling costs nothing measurable on 2 shared cores.
POLL_INTERVAL_S = 0.1


class WaitTimeout(AssertionError):
    """A condition did not hold in time: the message says which, and what was last read."""


def pause_between_polls() -> None:
    time.sleep(POLL_INTERVAL_S)


def page_pause(page: Any, interval_s: float = POLL_INTERVAL_S) -> Callable[[], None]:
    """A pause for ``wait_until`` that lets a Playwright sync page dispatch its events."""
    return lambda: page.wait_for_timeout(interval_s * 1000)


def wait_until(
    read: Callable[[], T],
    done: Callable[[T], bool] = bool,
    *,
    timeout_s: float,
    what: str,
    pause: Callable[[], None] = pause_between_polls,
    retry_on: tuple[type[BaseException], ...] = (),
) -> T:
    """Call ``read()`` until ``done`` holds for what it returns, and return that.

    An exception in ``retry_on`` counts as one more read that was not done (e.g. a server not
    listening yet, a frame replaced mid-read); any other goes through at once, so ``read`` can
    stop the wait by raising (e.g. the server exited). After ``timeout_s`` seconds: WaitTimeout.
    """
    deadline = time.monotonic() + timeout_s
    last: object = "nothing read yet"
    while True:
        try:
            value = read()
        except retry_on as error:
            last = error
        else:
            if done(value):
                return value
            last = value
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"{what}: not within {timeout_s:g} s; last read {last!r}")
        pause()
