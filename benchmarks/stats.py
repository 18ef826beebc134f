"""The pure part of the benchmark: figures from runs, the floor, and the Markdown tables.

A step that failed in a run is recorded as a :class:`Sample` with an error and no seconds; it
is left out of the median and named in the raw runs, so one failure never hides the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# Targets from the issue ("Measured speed at scale"): the map's first paint must not be slower
# than the floor at any size; the other two are absolute.
FIRST_PAINT_MAX_RATIO = 1.0
FILTER_CHANGE_TARGET_S = 1.0
AS_OF_STEP_TARGET_S = 0.5

MB = 1024 * 1024


@dataclass
class Sample:
    """One timed step in one run: seconds, or the reason it has none."""

    seconds: float | None
    error: str | None = None
    # Phases and notes (e.g. when the server's run ended), for the raw runs.
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.seconds is not None and self.error is None


def first_line(error: BaseException, most: int = 200) -> str:
    """An error's first line, at most `most` characters (its type's name if it says nothing):
    what a raw run or a problem list shows of it."""
    lines = str(error).strip().splitlines()
    return lines[0][:most] if lines else type(error).__name__


def failed(reason: str) -> Sample:
    """A step that gave no figure, with the reason shown in the raw runs."""
    return Sample(None, reason)


def seconds_of(samples: Iterable[Sample]) -> list[float]:
    """The figures of the steps that succeeded, in run order."""
    return [sample.seconds for sample in samples if sample.ok]


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), interpolated between closest ranks; None for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(value: float | None, reference: float | None) -> float | None:
    """value / reference, or None when either is missing or the reference is not positive."""
    if value is None or reference is None or reference <= 0:
        return None
    return value / reference


def floor_seconds(
    shell: float | None, static_n: float | None, static_1: float | None
) -> float | None:
    """The least a map page of N sites can take: Streamlit's own start plus drawing N sites.

    ``shell``: a bare Streamlit page with a one-marker st_folium map; ``static_n`` and
    ``static_1``: one static folium page with N sites, and with one. Their difference is what
    N sites cost over one, drawn the conventional way (see shared/guides/map-offline.md).
    """
    if shell is None or static_n is None or static_1 is None:
        return None
    return shell + static_n - static_1


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))


def memory_bound(start_bytes: int, *, floor_mb: float, fraction: float) -> int:
    """How high RSS may stay after a load: start + max(floor_mb, fraction of start)."""
    return int(start_bytes + max(floor_mb * MB, fraction * start_bytes))


# --- formatting -------------------------------------------------------------------------------


def _figure(value: float) -> str:
    # Client-side steps take milliseconds: keep three decimals below a tenth of a second.
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def format_seconds(value: float | None) -> str:
    return "failed" if value is None else f"{_figure(value)} s"


def format_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def format_mb(value_bytes: int | None) -> str:
    return "–" if value_bytes is None else f"{value_bytes / MB:.0f}"


def verdict(value: float | None, limit: float) -> str:
    """'ok' when a figure is within its limit, 'over' when not, '?' without a figure."""
    if value is None:
        return "?"
    return "ok" if value <= limit else "over"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub Markdown table; `|` inside a cell is escaped."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# --- the results of one dataset ---------------------------------------------------------------

# The timed steps, in table order: key, label in the raw runs.
STEPS = (
    ("first_paint", "map first paint"),
    ("page_complete", "page complete (filters drawn)"),
    ("filter_change", "status filter change"),
    ("as_of_step", "as-of step (sidebar, server)"),
    ("play_step", "play step (in the map)"),
)


@dataclass
class DatasetResult:
    """Everything measured for one dataset: the app's steps and the floor's parts."""

    name: str  # "100", "10000", "real"
    sites: int  # sites the map draws with no filter
    steps: dict[str, list[Sample]] = field(default_factory=dict)
    # The map's floor, in the same runs as the map (the machine's load drifts over a bench):
    # the shell, a bare st_folium page on its own server, and the static pages with N sites
    # and with one, from this dataset's server.
    shell: list[Sample] = field(default_factory=list)
    static_n: list[Sample] = field(default_factory=list)
    static_1: list[Sample] = field(default_factory=list)
    cold_first_paint: Sample | None = None
    peak_rss: int | None = None
    notes: list[str] = field(default_factory=list)
    # Every page opened by its address: page name → runs (detail: cls, shift_sum, shifts).
    pages: dict[str, list[Sample]] = field(default_factory=dict)
    # Page name → the floor it is compared with ("map", "chart", "table", "frame").
    page_floors: dict[str, str] = field(default_factory=dict)
    # (from, to) → runs of that page change from the sidebar's navigation.
    changes: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    # The other pages' floors, a title and one widget, measured in the same runs as this
    # dataset's pages (the machine's load drifts over a bench): kind ("chart", "table",
    # "frame") → runs.
    widget_floors: dict[str, list[Sample]] = field(default_factory=dict)
    # The floor of a page change into a table of this dataset's rows (floor_widgets' /rows),
    # measured beside the page changes.
    change_floor: list[Sample] = field(default_factory=list)

    def median_of(self, step: str) -> float | None:
        return median(seconds_of(self.steps.get(step, [])))


def map_floor(result: DatasetResult) -> float | None:
    """The map's floor on one dataset, from the parts measured in its runs."""
    return floor_seconds(
        median(seconds_of(result.shell)),
        median(seconds_of(result.static_n)),
        median(seconds_of(result.static_1)),
    )


def page_floor(result: DatasetResult, page: str) -> float | None:
    """The floor of one of the dataset's pages: the map's, or its widget kind's."""
    kind = result.page_floors.get(page)
    if kind == "map":
        return map_floor(result)
    return median(seconds_of(result.widget_floors.get(kind, [])))


SUMMARY_HEADERS = (
    "dataset",
    "sites",
    "floor",
    "map first paint (× floor)",
    "page complete",
    "filter change (target ≤ 1 s)",
    "as-of step (target ≤ 0.5 s)",
    "play step (in map)",
    "peak server RSS (MB)",
)


def summary_row(result: DatasetResult) -> list[str]:
    """One dataset's row: medians beside the floor and the targets."""
    floor_s = map_floor(result)
    paint = result.median_of("first_paint")
    paint_ratio = ratio(paint, floor_s)
    filter_s = result.median_of("filter_change")
    as_of_s = result.median_of("as_of_step")
    play_samples = result.steps.get("play_step", [])
    play_s = result.median_of("play_step")
    if play_s is None and play_samples and all(s.error for s in play_samples):
        play = "n/a" if play_samples[0].error.startswith("n/a") else "failed"
    else:
        play = format_seconds(play_s)
    return [
        result.name,
        f"{result.sites:,}",
        format_seconds(floor_s),
        f"{format_seconds(paint)} ({format_ratio(paint_ratio)}, "
        f"{verdict(paint_ratio, FIRST_PAINT_MAX_RATIO)})",
        format_seconds(result.median_of("page_complete")),
        f"{format_seconds(filter_s)} ({verdict(filter_s, FILTER_CHANGE_TARGET_S)})",
        f"{format_seconds(as_of_s)} ({verdict(as_of_s, AS_OF_STEP_TARGET_S)})",
        play,
        format_mb(result.peak_rss),
    ]


def summary_table(results: Sequence[DatasetResult]) -> str:
    return markdown_table(SUMMARY_HEADERS, [summary_row(r) for r in results])


def _sample_cell(sample: Sample) -> str:
    if sample.ok:
        phases = sample.detail.get("phases")
        if phases:
            return f"{_figure(sample.seconds)} ({phases})"
        return _figure(sample.seconds)
    if sample.error and sample.error.startswith("n/a"):
        return sample.error
    return f"failed: {sample.error}"


def sample_headers(columns: int) -> list[str]:
    """The raw tables' headers for `columns` samples, numbered in the order measured."""
    return [f"#{i + 1}" for i in range(columns)]


def raw_rows(label: str, step: str, samples: Sequence[Sample], columns: int) -> list[list[str]]:
    """A row of every figure (or failure) of one step in the order measured, and its median."""
    cells = [_sample_cell(s) for s in samples] + [""] * (columns - len(samples))
    return [[label, step, *cells[:columns], format_seconds(median(seconds_of(samples)))]]


def raw_table(results: Sequence[DatasetResult], columns: int) -> str:
    """Every sample of every step in the order measured (up to `columns` of each), each
    dataset's floor parts first."""
    headers = ["dataset", "step", *sample_headers(columns), "median"]
    rows: list[list[str]] = []
    for result in results:
        rows += raw_rows(result.name, "floor: shell (bare st_folium page)", result.shell, columns)
        rows += raw_rows(result.name, "floor: static page, 1 site", result.static_1, columns)
        rows += raw_rows(
            result.name, f"floor: static page, {result.sites:,} sites", result.static_n, columns
        )
        if result.cold_first_paint is not None:
            rows += raw_rows(
                result.name, "map first paint, cold server", [result.cold_first_paint], columns
            )
        for step, label in STEPS:
            rows += raw_rows(result.name, label, result.steps.get(step, []), columns)
    return markdown_table(headers, rows)


def load_summary(
    timings: Mapping[str, Sequence[float]],
    *,
    sessions: int,
    failures: Sequence[str],
    rss: Mapping[str, int | None],
) -> str:
    """The load test's figures: p50/p95 of each step, and the server's memory."""
    rows = []
    for step, values in timings.items():
        rows.append(
            [
                step,
                len(values),
                format_seconds(percentile(values, 50)),
                format_seconds(percentile(values, 95)),
                format_seconds(max(values) if values else None),
            ]
        )
    table = markdown_table(("step", "sessions ok", "p50", "p95", "max"), rows)
    memory = markdown_table(
        ("server RSS", "MB"), [(name, format_mb(value)) for name, value in rss.items()]
    )
    lines = [f"{sessions} concurrent sessions", "", table, "", memory]
    if failures:
        lines += ["", f"{len(failures)} failure(s):", *[f"- {failure}" for failure in failures]]
    return "\n".join(lines)
