"""Every page's figures, each beside its limit (expectations.py): the Markdown tables.

Pure, as stats.py: from the samples of a bench run to text. A page's time is compared with its
floor (the map: the map's floor; the others: a bare page of a title and one widget of the
same kind); its CLS, each page change and the file-name navigation with absolute limits.
"""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks import expectations
from benchmarks.server import FLOOR_ROWS_COLUMNS
from benchmarks.stats import (
    DatasetResult,
    Sample,
    format_ratio,
    format_seconds,
    markdown_table,
    median,
    page_floor,
    ratio,
    sample_headers,
    seconds_of,
    verdict,
)

FLOOR_LABELS = {
    "chart": "title + one Altair chart of one point",
    "table": "title + one st.dataframe of one row",
    "frame": "title + one static map frame of one marker",
}


def median_detail(samples: Sequence[Sample], key: str) -> float | None:
    """The median of a figure kept in the successful samples' detail (e.g. "cls")."""
    return median([s.detail[key] for s in samples if s.ok and s.detail.get(key) is not None])


def page_names(results: Sequence[DatasetResult]) -> list[str]:
    """Every page measured, in the order first met."""
    return list(dict.fromkeys(name for result in results for name in result.pages))


def page_time(result: DatasetResult, page: str) -> tuple[float | None, ...]:
    """(seconds, floor seconds, ratio) of one page on one dataset; the map's from its first
    paint, measured the same way as its floor."""
    if page == "map":
        seconds = result.median_of("first_paint")
    else:
        seconds = median(seconds_of(result.pages.get(page, [])))
    floor_s = page_floor(result, page)
    return seconds, floor_s, ratio(seconds, floor_s)


def page_time_cell(result: DatasetResult, page: str) -> str:
    if page not in result.pages:
        return "–"
    seconds, floor_s, times = page_time(result, page)
    limit = expectations.page_ratio_limit(page, result.sites)
    return (
        f"{format_seconds(seconds)} / {format_seconds(floor_s)} = {format_ratio(times)} "
        f"(≤ {limit:g}×: {verdict(times, limit)})"
    )


def cls_cell(samples: Sequence[Sample]) -> str:
    """Chrome's CLS, and the app's own (without Streamlit's loading skeleton's shift, which a
    bare page has too) with its verdict."""
    value = median_detail(samples, "cls")
    if value is None:
        return "failed" if samples else "–"
    own = median_detail(samples, "app_cls")
    plain = median_detail(samples, "shift_sum")
    tail = f"; sum {plain:.2f}" if plain is not None and plain - value >= 0.005 else ""
    if own is None:
        return f"{value:.2f} ({verdict(value, expectations.CLS_LIMIT)}{tail})"
    return f"{value:.2f}; app's own {own:.2f} ({verdict(own, expectations.CLS_LIMIT)}{tail})"


def _headers(results: Sequence[DatasetResult]) -> list[str]:
    return ["page", *[f"{r.name} ({r.sites:,} sites)" for r in results]]


def pages_time_table(results: Sequence[DatasetResult]) -> str:
    """Each page's time to drawn and idle, over its floor, on every dataset."""
    rows = [
        [page, *[page_time_cell(result, page) for result in results]]
        for page in page_names(results)
    ]
    return markdown_table(_headers(results), rows)


def pages_cls_table(results: Sequence[DatasetResult]) -> str:
    """Each page's CLS on a first visit, on every dataset."""
    rows = [
        [page, *[cls_cell(result.pages.get(page, [])) for result in results]]
        for page in page_names(results)
    ]
    return markdown_table(_headers(results), rows)


def change_cell(samples: Sequence[Sample]) -> str:
    """A page change's median with its verdict and CLS; how many runs failed, and the first's
    reason (the median is of the others)."""
    if not samples:
        return "–"
    errors = [sample.error for sample in samples if not sample.ok]
    seconds = median(seconds_of(samples))
    if seconds is None:
        return f"failed: {errors[0]}"
    limit = expectations.PAGE_CHANGE_LIMIT_S
    cls = median_detail(samples, "cls")
    cls_text = "" if cls is None else f", CLS {cls:.2f}"
    failures = f"; {len(errors)} failed: {errors[0]}" if errors else ""
    return (
        f"{format_seconds(seconds)} ({verdict(seconds, limit)}{cls_text})"
        f"{cells_text(samples)}{failures}"
    )


def cells_text(samples: Sequence[Sample]) -> str:
    """For a table: when its accessible cells came (the grid builds them 200 ms or more after
    it paints, page_watch.js), the median from the same start; empty for other widgets."""
    cells = median_detail(samples, "cells_s")
    return "" if cells is None else f"; accessible cells {format_seconds(cells)}"


def cells_line(results: Sequence[DatasetResult]) -> str:
    """When the accessible cells of each table page and its floor came on a first visit
    (median, seconds from the navigation); empty if no table was measured."""
    parts = []
    for result in results:
        for page, kind in result.page_floors.items():
            page_cells = median_detail(result.pages.get(page, []), "cells_s")
            floor_cells = median_detail(result.widget_floors.get(kind, []), "cells_s")
            if page_cells is not None and floor_cells is not None:
                parts.append(
                    f"{page} on {result.name} {format_seconds(page_cells)} "
                    f"(floor {format_seconds(floor_cells)})"
                )
    if not parts:
        return ""
    return (
        "A table counts as drawn when its canvas shows its first row; its accessible cells "
        "(the grid's copy for screen readers, built 200 ms or more after it paints) came at: "
        + "; ".join(parts)
        + "."
    )


def changes_table(result: DatasetResult) -> str:
    """From (rows) one page to (columns) another by the navigation's link: time and CLS."""
    names = list(dict.fromkeys(name for pair in result.changes for name in pair))
    rows = [
        [
            f"from {origin}",
            *[
                "–" if origin == target else change_cell(result.changes.get((origin, target), []))
                for target in names
            ],
        ]
        for origin in names
    ]
    return markdown_table(["", *[f"to {name}" for name in names]], rows)


def change_floor_line(result: DatasetResult) -> str:
    """The floor of a change into a table of the dataset's rows, with its runs; empty if it
    was not measured."""
    samples = result.change_floor
    if not samples:
        return ""
    runs = ", ".join(f"{s.seconds:.2f}" if s.ok else f"failed ({s.error})" for s in samples)
    return (
        "Floor of a change into a table: a bare Streamlit page's link to a page with one "
        f"st.dataframe of {result.sites:,} rows and {sum(FLOOR_ROWS_COLUMNS)} columns, timed the "
        "same way (its canvas showing its first row and Streamlit idle): "
        f"{format_seconds(median(seconds_of(samples)))} (runs: {runs} s){cells_text(samples)}."
    )


def deep_link_table(samples: Sequence[Sample]) -> str:
    """Each first deep link after a server start: how long the file-name navigation showed."""
    limit = expectations.FILE_NAV_LIMIT_S
    rows = []
    for number, sample in enumerate(samples, start=1):
        if not sample.ok:
            rows.append([number, f"failed: {sample.error}", ""])
            continue
        shown = sample.detail.get("file_nav_ms", 0.0) / 1000
        rows.append([number, f"{shown:.2f} s ({verdict(shown, limit)})", f"{sample.seconds:.2f} s"])
    return markdown_table(("run", "file-name navigation on screen", "page drawn and idle"), rows)


def _run_cell(sample: Sample) -> str:
    if not sample.ok:
        return f"failed: {sample.error}"
    cls = sample.detail.get("cls")
    return f"{sample.seconds:.2f}" + ("" if cls is None else f" (CLS {cls:.2f})")


def pages_raw_table(results: Sequence[DatasetResult], columns: int) -> str:
    """Every floor and page load, dataset by dataset, in the order measured (up to `columns`
    of each): seconds, and CLS where it was measured."""
    rows = []
    for result in results:
        for kind, samples in result.widget_floors.items():
            label = f"floor: {FLOOR_LABELS.get(kind, kind)}"
            rows.append([result.name, label, *_cells(samples, columns)])
        for page, samples in result.pages.items():
            rows.append([result.name, page, *_cells(samples, columns)])
    return markdown_table(["dataset", "page", *sample_headers(columns)], rows)


def _cells(samples: Sequence[Sample], columns: int) -> list[str]:
    return ([_run_cell(s) for s in samples] + [""] * columns)[:columns]


def what_moved(result: DatasetResult) -> list[str]:
    """The largest shifts of each page's first run on a dataset, for the reader to fix."""
    lines = []
    for page, samples in result.pages.items():
        first = next((s for s in samples if s.ok), None)
        if first is None or not first.detail.get("shifts"):
            continue
        lines.append(f"- {page}:")
        # Code spans: the descriptions quote the page's text.
        lines += ["  - `" + line.replace("`", "'") + "`" for line in first.detail["shifts"]]
    return lines
