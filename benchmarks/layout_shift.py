"""Cumulative Layout Shift of a page load, as Chrome defines it, and what moved.

The browser's Layout Instability API reports each shift of the top document (the
``layout-shift`` entries a ``PerformanceObserver`` sees, ``js/page_watch.js``, installed before
navigation). A shift within half a second of the reader's input (``hadRecentInput``) does not
count. Chrome's CLS, the figure Lighthouse and Core Web Vitals report, is the largest sum over a
*session window*: shifts less than 1 s apart, a window lasting at most 5 s. The plain sum of
every shift is kept beside it (it is never smaller). Shifts inside a frame (a map's iframe)
are the frame's own, and not counted, as in Chrome's own CLS of the page.

A load is measured until Streamlit is idle and nothing has shifted or run for a second
(``QUIET_MS``): a condition waited on, not a sleep. Shared by ``scripts/bench.py`` and
``tests/browser/test_layout_shift.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"
# The init script: shifts, script states, the file-name navigation, clicks.
PAGE_WATCH_JS = (JS_DIR / "page_watch.js").read_text(encoding="utf-8")
PAGE_QUIET_JS = (JS_DIR / "page_quiet.js").read_text(encoding="utf-8")

# Core Web Vitals' "good".
GOOD_CLS = 0.1
# Chrome's session windows: a gap of 1 s closes one, and none lasts over 5 s.
SESSION_GAP_MS = 1_000
SESSION_MAX_MS = 5_000
# The load is over once Streamlit is idle and nothing has moved or run for this long.
QUIET_MS = 1_000
QUIET_TIMEOUT_MS = 60_000
# The viewport of the measurements (and of Lighthouse's desktop run, near enough).
VIEWPORT = {"width": 1350, "height": 940}
# Shifts named in a report, largest first.
MOST_SHIFTS_SHOWN = 5
# Elements named per shift (the browser reports up to five, the largest first).
MOST_SOURCES_SHOWN = 3


@dataclass(frozen=True)
class Shift:
    """One layout shift: when (ms from navigation), its score, and what moved."""

    time: float
    value: float
    had_recent_input: bool = False
    # "div[stVerticalBlock] < ... "text"", with its box before and after: [x, y, w, h].
    sources: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = field(default=())

    @classmethod
    def from_entry(cls, entry: dict) -> Shift:
        return cls(
            time=float(entry["time"]),
            value=float(entry["value"]),
            had_recent_input=bool(entry.get("hadRecentInput")),
            sources=tuple(
                (str(s["node"]), tuple(s.get("from") or ()), tuple(s.get("to") or ()))
                for s in entry.get("sources") or ()
            ),
        )


def counted(shifts: Sequence[Shift]) -> list[Shift]:
    """The shifts CLS counts (none within half a second of input), in time order."""
    return sorted((s for s in shifts if not s.had_recent_input), key=lambda s: s.time)


def session_windows(shifts: Sequence[Shift]) -> list[list[Shift]]:
    """Chrome's session windows over the counted shifts."""
    windows: list[list[Shift]] = []
    for shift in counted(shifts):
        if (
            windows
            and shift.time - windows[-1][-1].time < SESSION_GAP_MS
            and shift.time - windows[-1][0].time < SESSION_MAX_MS
        ):
            windows[-1].append(shift)
        else:
            windows.append([shift])
    return windows


def cls(shifts: Sequence[Shift]) -> float:
    """Cumulative Layout Shift as Chrome defines it: the largest session window's sum."""
    return max((sum(s.value for s in window) for window in session_windows(shifts)), default=0.0)


# Streamlit's loading skeleton: drawn 0.5 s after its page mounts if no message has come yet,
# in a main column of the centred layout (736 px wide, at the top of the window), and moved
# when the first message sets the page's layout (wide). Every Streamlit page with a wide
# layout that is slower than 0.5 s to answer has this shift, before any of the app is drawn;
# a bare centred page has its own when the skeleton gives way.
SKELETON_NODE = "div[stMainBlockContainer]"
SKELETON_WIDTH_PX = 736


def is_streamlit_skeleton(shift: Shift) -> bool:
    """Whether `shift` is Streamlit's skeleton moving to the page's layout (see above)."""
    return bool(shift.sources) and all(
        node.startswith(SKELETON_NODE)
        and len(before) == 4
        and before[1:3] == (0, SKELETON_WIDTH_PX)
        for node, before, _after in shift.sources
    )


def app_cls(shifts: Sequence[Shift]) -> float:
    """CLS without Streamlit's skeleton shift: what the app's own drawing moves."""
    return cls([s for s in shifts if not is_streamlit_skeleton(s)])


def skeleton_shift(shifts: Sequence[Shift]) -> float:
    """The score of Streamlit's skeleton shift, if any (see is_streamlit_skeleton)."""
    return sum(s.value for s in counted(shifts) if is_streamlit_skeleton(s))


def total(shifts: Sequence[Shift]) -> float:
    """Every counted shift added up, whatever the time between them."""
    return sum(s.value for s in counted(shifts))


def describe(shifts: Sequence[Shift], most: int = MOST_SHIFTS_SHOWN) -> list[str]:
    """The largest counted shifts, each with when, how much, and what moved from where to
    where: what a failing test prints."""
    largest = sorted(counted(shifts), key=lambda s: -s.value)[:most]
    lines = []
    for shift in sorted(largest, key=lambda s: s.time):
        moved = "; ".join(
            f"{node} {list(before)}→{list(after)}"
            for node, before, after in shift.sources[:MOST_SOURCES_SHOWN]
        )
        if len(shift.sources) > MOST_SOURCES_SHOWN:
            moved += f"; {len(shift.sources) - MOST_SOURCES_SHOWN} more"
        lines.append(f"{shift.time / 1000:.2f} s: {shift.value:.3f} ({moved or 'no sources'})")
    return lines


# --- in the browser ---------------------------------------------------------------------------


def install(context) -> None:
    """Watch every page of a Playwright browser context from its first byte."""
    context.add_init_script(PAGE_WATCH_JS)


def supported(page) -> bool:
    return page.evaluate("() => Array.isArray(window.__smShifts)")


def wait_for_quiet(page, quiet_ms: int = QUIET_MS, timeout_ms: int = QUIET_TIMEOUT_MS) -> None:
    """Wait until Streamlit is idle and nothing has moved or run for `quiet_ms`."""
    page.wait_for_function(
        PAGE_QUIET_JS, arg={"quietMs": quiet_ms}, polling=100, timeout=timeout_ms
    )


def read_shifts(page, since_ms: float = 0.0) -> list[Shift]:
    """The shifts of the top document from `since_ms` on (ms from navigation)."""
    entries = page.evaluate("() => window.__smShifts || []")
    return [shift for shift in map(Shift.from_entry, entries) if shift.time >= since_ms]


def file_nav_ms(page) -> float:
    """How long Streamlit's file-name navigation has been on screen in this document."""
    return page.evaluate("() => window.__smFileNavMs ? window.__smFileNavMs() : 0")
