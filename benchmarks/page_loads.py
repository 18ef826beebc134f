"""Every page of the app: opened, or reached from the sidebar's navigation, until its main
widget is drawn and Streamlit is idle; and its Cumulative Layout Shift until it is quiet.

A page's main widget (``js/page_drawn.js``): the map's sites (all the expected ones), the
timeline's Vega chart, the sites' table, the sources' table, a briefing slide's map. Times are
the page's own clock (``performance.now()``, from the start of the navigation, or from the
click on the navigation's link), checked before every frame (``POLLING``). Shared by
``scripts/bench.py`` and ``tests/browser/test_layout_shift.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from benchmarks import layout_shift
from benchmarks.browser import APP_COMPLETE_SELECTOR
from benchmarks.stats import Sample, failed, first_line

PAGE_DRAWN_JS = (layout_shift.JS_DIR / "page_drawn.js").read_text(encoding="utf-8")

# Checked before each frame is painted: a page's first visit starts its next run once the
# browser has painted its main widget (web/drawn-first.js), and a check every 20 ms, out of step
# with the frames, missed that frame about half the time and waited for the whole next run.
POLLING = "raf"
PAGE_TIMEOUT_MS = 120_000
# Idle this long with nothing drawn: the widget is not coming (a 10,000-site map takes seconds
# after the script's run to draw; a briefing's static map of 10,000 sites took over 20 s on a
# loaded 2-core machine).
NOT_DRAWN_GRACE_MS = 60_000
# The page links at the top, by the page's title (English: the bench's browser asks for en-US).
NAV_LINK = '[data-testid="stTopNavLink"]'


@dataclass(frozen=True)
class PageSpec:
    """A page to measure: its name, its address, and how its main widget is told drawn.

    ``kind`` is a key of page_drawn.js's ``drawn``; ``expected`` the sites a map must draw
    (None: any); ``floor`` the floor it is compared with ("map", "chart", "table", "frame");
    ``nav_title`` its link in the sidebar and ``nav_kind`` what that link opens (the briefing's
    link opens its list of stories); ``complete``: what must be on the page before its shifts
    are counted as over (the app's sidebar widgets, whose code loads on its own and may
    arrive after a quiet second; nothing for a floor).
    """

    name: str
    path: str
    kind: str
    floor: str
    nav_title: str
    nav_kind: str
    expected: int | None = None
    complete: tuple[str, ...] = APP_COMPLETE_SELECTOR


def app_pages(default_sites: int, story: tuple[str, int] | None = None) -> list[PageSpec]:
    """The pages measured on one dataset; a story's slide besides, where the data has one."""
    pages = [
        PageSpec("map", "/", "map", "map", "Map", "map", default_sites),
        PageSpec("timeline", "/timeline", "chart", "chart", "Timeline", "chart"),
        PageSpec("sites", "/sites", "table", "table", "Sites", "table"),
        # "Present this view": the sidebar's filters as one slide, on any data.
        PageSpec(
            "briefing", "/briefing?present=1", "map", "frame", "Briefing", "list", default_sites
        ),
        PageSpec("sources", "/sources", "sources", "table", "Sources", "sources"),
    ]
    if story is not None:
        story_id, number = story
        pages.append(
            PageSpec(
                "briefing slide",
                f"/briefing?story={story_id}&slide={number}",
                "map",
                "frame",
                "Briefing",
                "list",
            )
        )
    return pages


def page_tour(names: Sequence[str]) -> list[tuple[str, str]]:
    """Every ordered pair of distinct pages once, as one walk from the first page.

    In a complete directed graph every page has as many ways in as out, so one walk covers
    every pair (an Eulerian circuit, Hierholzer's way): a single browser session takes every
    page change once, as a reader moving around the app does.
    """
    names = list(dict.fromkeys(names))
    if len(names) < 2:
        return []
    unused = {name: [other for other in names if other != name] for name in names}
    stack, walk = [names[0]], []
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop(0))
        else:
            walk.append(stack.pop())
    walk.reverse()
    return list(zip(walk, walk[1:], strict=False))


def _wait_drawn(page: Page, spec_kind: str, expected: int | None, since: float | None) -> dict:
    return page.wait_for_function(
        PAGE_DRAWN_JS,
        arg={
            "kind": spec_kind,
            "expected": expected,
            "since": since,
            "graceMs": NOT_DRAWN_GRACE_MS,
        },
        polling=POLLING,
        timeout=PAGE_TIMEOUT_MS,
    ).json_value()


def measure_shifts(page: Page, spec: PageSpec, since_ms: float = 0.0) -> dict:
    """Wait until the page is complete and quiet; its CLS from `since_ms`, the plain sum,
    what moved, and for a table when its accessible cells came (`cells_s`, from `since_ms`)."""
    settle(page, spec, layout_shift.QUIET_MS)
    shifts = layout_shift.read_shifts(page, since_ms)
    cells = grid_cells_seconds(page, since_ms) if spec.kind == "table" else None
    return {
        **({} if cells is None else {"cells_s": cells}),
        "cls": layout_shift.cls(shifts),
        "app_cls": layout_shift.app_cls(shifts),
        "skeleton": layout_shift.skeleton_shift(shifts),
        "shift_sum": layout_shift.total(shifts),
        "shifts": layout_shift.describe(shifts),
        "file_nav_ms": layout_shift.file_nav_ms(page),
    }


def grid_cells_seconds(page: Page, since_ms: float) -> float | None:
    """Seconds from `since_ms` to the first time since then that a table's accessible cells
    came into the document (``window.__smGridCells``, page_watch.js); None if they never did."""
    times = page.evaluate("() => window.__smGridCells || []")
    later = [at for at in times if at >= since_ms]
    return (later[0] - since_ms) / 1000 if later else None


# A load timed without its shifts still waits, once timed, for its page to be complete and
# this long without a move or a run, before the next load starts: its page's later runs (the
# sidebar's, on a first visit) would otherwise take the machine's two cores from the load
# after it. Shorter than the second that the shifts' count waits for, which would add a
# second to every such load.
SETTLE_QUIET_MS = 300


def time_page_load(page: Page, url: str, spec: PageSpec, *, shifts: bool = True) -> Sample:
    """Seconds from opening `url` to `spec`'s main widget drawn with Streamlit idle; the
    detail holds the load's CLS (until quiet) unless `shifts` is False (then the page is
    left complete and settled: SETTLE_QUIET_MS).

    The page must watch from its first byte: ``layout_shift.install(context)`` first.
    """
    try:
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
        outcome = _wait_drawn(page, spec.kind, spec.expected, None)
    except PlaywrightError as error:
        return failed(f"{spec.name}: {first_line(error)}")
    if "error" in outcome:
        return failed(f"{spec.name}: {outcome['error']}")
    sample = Sample(outcome["at"] / 1000)
    try:
        if shifts:
            sample.detail.update(measure_shifts(page, spec))
        else:
            settle(page, spec)
    except PlaywrightError as error:
        sample.detail["cls_error" if shifts else "settle_error"] = first_line(error)
    return sample


def settle(page: Page, spec: PageSpec, quiet_ms: int = SETTLE_QUIET_MS) -> None:
    """Wait until the page is complete (`spec.complete`) and has not moved or run for
    `quiet_ms`."""
    for selector in spec.complete:
        page.locator(selector).first.wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    layout_shift.wait_for_quiet(page, quiet_ms)


def nav_link(page: Page, to: PageSpec) -> Locator:
    """`to`'s link in the navigation at the top."""
    return page.locator(NAV_LINK).filter(has=page.get_by_text(to.nav_title, exact=True)).first


def time_page_change(page: Page, to: PageSpec, link: Locator | None = None) -> Sample:
    """Seconds from clicking `to`'s link in the sidebar (or `link`) to its main widget drawn
    (as the link opens it: ``nav_kind``) and Streamlit idle; the detail holds the CLS from the
    click until quiet (a shift within half a second of the click is the reader's doing, and
    not counted, as in Chrome)."""
    kind = to.nav_kind if link is None else to.kind
    try:
        (link or nav_link(page, to)).click()
        clicked = page.evaluate("() => window.__smLastClick")
        if clicked is None:
            return failed(f"→ {to.name}: the click was not seen")
        outcome = _wait_drawn(page, kind, to.expected, clicked)
    except PlaywrightError as error:
        return failed(f"→ {to.name}: {first_line(error)}")
    if "error" in outcome:
        return failed(f"→ {to.name}: {outcome['error']}")
    sample = Sample((outcome["at"] - clicked) / 1000)
    try:
        sample.detail.update(measure_shifts(page, to, clicked))
    except PlaywrightError as error:
        sample.detail["cls_error"] = first_line(error)
    return sample
