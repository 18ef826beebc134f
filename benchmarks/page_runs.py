"""Every page timed beside its floor: the loads of one bench run, in fresh browser contexts.

What ``scripts/bench.py`` does in each run of a dataset, apart from the map's own steps: each
page opened by its address right beside a floor of its kind (before it, then after it, in
turn), the map's first paint beside its floor's parts, and the page changes from the
navigation with the floor of a change into a table. Every result goes into the dataset's
``DatasetResult``; a step that fails is recorded with its reason (`guarded`).
"""

from __future__ import annotations

import sys
import time
from functools import partial
from typing import NamedTuple

from benchmarks import browser as bench_browser
from benchmarks import layout_shift, page_loads
from benchmarks.server import FLOOR_ROWS_PARAM
from benchmarks.stats import DatasetResult, Sample, failed, first_line


def log(message: str) -> None:
    """A line of the bench's progress, on stderr (its Markdown goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# The other pages' floors: the pages of benchmarks/floor_widgets.py, and how each is told drawn.
WIDGET_FLOORS = {
    kind: page_loads.PageSpec(kind, f"/{kind}", drawn, kind, "", "", complete=())
    for kind, drawn in (("chart", "chart"), ("table", "table"), ("frame", "map"))
}


def measure_widget_floor(
    browser, floor_base: str | None, kind: str, result: DatasetResult, *, shifts: bool
) -> None:
    """A title and one widget of `kind`, timed beside the dataset's pages of that kind: the
    machine's load drifts over a bench, and a floor measured apart would drift from them."""
    samples = result.widget_floors.setdefault(kind, [])
    if floor_base is None:
        samples.append(failed("the floors' server did not start"))
        return
    spec = WIDGET_FLOORS[kind]
    with bench_browser.fresh_page(browser, watch=True) as page:
        samples.append(page_loads.time_page_load(page, floor_base + spec.path, spec, shifts=shifts))


# The change floor's page: a table of the dataset's rows, reached by a link (floor_widgets).
ROWS_FLOOR = page_loads.PageSpec("rows", "/rows", "table", "table", "", "", complete=())


def measure_change_floor(browser, floor_base: str | None, rows: int, result: DatasetResult) -> None:
    """A bare page's change into a table of `rows` rows, timed as the app's page changes are:
    the table's code loaded first (as the walk has it), then from the first page by its link."""
    if floor_base is None:
        result.change_floor.append(failed("the floors' server did not start"))
        return
    query = f"?{FLOOR_ROWS_PARAM}={rows}"
    with bench_browser.fresh_page(browser, watch=True) as page:
        loaded = page_loads.time_page_load(page, floor_base + ROWS_FLOOR.path + query, ROWS_FLOOR)
        if not loaded.ok:
            result.change_floor.append(failed(f"the table floor did not open: {loaded.error}"))
            return
        page.get_by_role("link", name="back").click()
        page.get_by_role("heading", name="Floor: none").wait_for()
        layout_shift.wait_for_quiet(page)
        link = page.get_by_role("link", name="rows")
        result.change_floor.append(page_loads.time_page_change(page, ROWS_FLOOR, link=link))


def guarded(targets: list[list[Sample]], action) -> None:
    """Run `action`; if it raises, each target list it did not fill gets the failure."""
    lengths = [len(target) for target in targets]
    try:
        action()
    except Exception as error:  # noqa: BLE001 -- a failed step is a finding; the bench goes on
        kind, text = type(error).__name__, first_line(error)
        reason = text if text == kind else f"{kind}: {text}"
        log(f"failed: {reason}")
        for target, length in zip(targets, lengths, strict=True):
            if len(target) == length:
                target.append(failed(reason))


class MapFloor(NamedTuple):
    """Where the map floor's parts are: the shell's server (None if it did not start), and
    the static pages of one site and of the dataset's sites."""

    shell_base: str | None
    static_1_url: str
    static_n_url: str


def measure_map_floor(browser, floor: MapFloor, result: DatasetResult) -> None:
    """The map floor's parts once, beside a first paint of the map: the floor drifts with the
    machine as the map does (a shell measured once, before the first dataset, made the last
    ones look slow)."""

    def shell_() -> None:
        if floor.shell_base is None:
            result.shell.append(failed("the floor shell's server did not start"))
            return
        with bench_browser.fresh_page(browser) as page:
            result.shell.append(bench_browser.time_first_paint(page, floor.shell_base + "/"))

    def static_pages_() -> None:
        with bench_browser.fresh_page(browser) as page:
            result.static_1.append(bench_browser.time_first_paint(page, floor.static_1_url))
        with bench_browser.fresh_page(browser) as page:
            result.static_n.append(bench_browser.time_first_paint(page, floor.static_n_url))

    guarded([result.shell], shell_)
    guarded([result.static_1, result.static_n], static_pages_)


def map_paint_again(
    browser, base: str, plan, result: DatasetResult, floor: MapFloor, *, floor_first: bool
) -> None:
    """One more first paint of the map (and when the page was complete), beside its floor's
    parts: before them, or after them with `floor_first` (as _one_run has them)."""
    if floor_first:
        measure_map_floor(browser, floor, result)
    with bench_browser.fresh_page(browser) as page:
        time_map_paint(page, base, plan, result)
    if not floor_first:
        measure_map_floor(browser, floor, result)


def time_map_paint(page, base: str, plan, result: DatasetResult) -> Sample:
    """Open the map page in `page` until it shows the dataset's sites, and until it is
    complete; both recorded (first_paint, page_complete), the first returned."""
    paint = bench_browser.time_first_paint(
        page, base + "/", plan.default.as_js(), bench_browser.APP_COMPLETE_SELECTOR
    )
    result.steps["first_paint"].append(paint)
    result.steps["page_complete"].append(
        Sample(paint.detail["complete"]) if paint.ok else failed(paint.error)
    )
    return paint


def warm_up_pages(browser, base: str, pages) -> None:
    """Each page opened once, untimed."""
    for spec in pages:
        with bench_browser.fresh_page(browser, watch=True) as page:
            page_loads.time_page_load(page, base + spec.path, spec, shifts=False)


def measure_pages_beside_floors(
    browser, base: str, floor_base: str | None, pages, result: DatasetResult, *, visit: int
) -> None:
    """Each page opened by its address in a fresh browser context, right beside its floor:
    its time, and in a run's first visit (0) its CLS too, and the floors'. The map page is
    opened in the first visit only, for its CLS: its time is its first paint (_one_run).

    An even visit opens each floor before its pages, an odd one after them.
    """
    first, floor_first = visit == 0, visit % 2 == 0
    if first:
        for spec in pages:
            if spec.floor == "map":
                measure_page(browser, base, spec, result, shifts=True)
    for kind in WIDGET_FLOORS:
        if floor_first:
            measure_widget_floor(browser, floor_base, kind, result, shifts=first)
        for spec in pages:
            if spec.floor == kind:
                measure_page(browser, base, spec, result, shifts=first)
        if not floor_first:
            measure_widget_floor(browser, floor_base, kind, result, shifts=first)


def measure_page(browser, base: str, spec, result: DatasetResult, *, shifts: bool) -> None:
    """`spec`'s page opened by its address in a fresh browser context: time (and CLS)."""
    with bench_browser.fresh_page(browser, watch=True) as page:
        sample = page_loads.time_page_load(page, base + spec.path, spec, shifts=shifts)
    result.pages[spec.name].append(sample)


def measure_page_changes(browser, base: str, pages, result: DatasetResult) -> None:
    """Every pair of pages once, from the navigation's links, in one browser session from the
    map."""
    # One page a link: the briefing's link opens its list, whatever slide was measured.
    by_name = {spec.name: spec for spec in pages if spec.name != "briefing slide"}
    tour = page_loads.page_tour([spec.name for spec in pages if spec.name in by_name])
    with bench_browser.fresh_page(browser, watch=True) as page:
        # Whole and still (its sidebar comes in a second run) before the first click.
        start = page_loads.time_page_load(page, base + "/", by_name["map"])
        for origin, target in tour:
            samples = result.changes.setdefault((origin, target), [])
            if not start.ok:
                samples.append(failed(f"the map page did not open: {start.error}"))
                continue
            samples.append(page_loads.time_page_change(page, by_name[target]))


def time_beside_floors(
    browser,
    plan,
    pages,
    result: DatasetResult,
    map_floor: MapFloor,
    *,
    base: str,
    floor_base: str | None,
    visits: int,
) -> None:
    """After a run's own steps (its first paint beside the map's floor among them): the map's
    other first paints and every page's `visits` loads, each beside its floor. `base`: the
    app's server; `floor_base`: the widget floors' (None if it did not start).

    Each visit opens the floors on the other side of what they are compared with than the last
    did: neither always comes first after another server's page.
    """
    for visit in range(1, visits):
        floor_first = visit % 2 == 0
        guarded(
            [],
            partial(
                map_paint_again, browser, base, plan, result, map_floor, floor_first=floor_first
            ),
        )
    for visit in range(visits):
        guarded(
            [],
            partial(
                measure_pages_beside_floors,
                browser,
                base,
                floor_base,
                pages,
                result,
                visit=visit,
            ),
        )
