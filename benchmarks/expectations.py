"""What the map must show for a dataset and a filter, worked out with the package itself.

The bench waits until the map in the browser shows exactly these counts, so a figure is the
time until the right map is on screen, not until anything is. Everything here is computed
before the server starts, so it never competes with the server for the 2 cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.stats import add_months, median
from stationmap import i18n
from stationmap.briefing.stories import BRIEFINGS_FILE, load_briefings
from stationmap.map import records as map_records
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import Dataset, load_dataset
from stationmap.record.views import build_site_view

# How many months, back from today, to look through for steps of one month that change the map.
MAX_AS_OF_CANDIDATES = 72


@dataclass(frozen=True)
class MapExpectation:
    """Sites the map draws, in total and per status (what its legend counts)."""

    total: int
    by_status: dict[str, int]

    def as_js(self) -> dict:
        return {"total": self.total, "byStatus": self.by_status}


@dataclass(frozen=True)
class StatusChoice:
    """A status to pick in the sidebar, its label there, and the map that must follow."""

    status: str
    label: str
    expected: MapExpectation


@dataclass(frozen=True)
class AsOfStep:
    """A page opened at ``start`` (via the URL), then stepped one month on in the sidebar."""

    start: date
    end: date
    at_start: MapExpectation
    at_end: MapExpectation


@dataclass(frozen=True)
class DatasetPlan:
    """Everything a bench run on one dataset needs to know in advance."""

    data_dir: Path
    default: MapExpectation
    statuses: list[StatusChoice]  # one per run, cycling
    as_of_steps: list[AsOfStep]  # one per run, every date distinct
    points: list[tuple[float, float, str]]  # for the static floor page
    story: tuple[str, int] | None = None  # a briefing story's first slide, if the data has one


def expect_map(dataset: Dataset, state: FilterState, today: date) -> MapExpectation:
    view = build_site_view(dataset, on=state.as_of or today)
    drawn = map_records.placed_sites(apply_filters(view, state))
    counts = drawn["status"].value_counts()
    return MapExpectation(
        total=len(drawn),
        by_status={status: int(counts.get(status, 0)) for status in schema.STATUSES},
    )


def choose_statuses(default: MapExpectation, runs: int) -> list[str]:
    """One status per run: ones that change the map, the most alike in size first.

    Each run picks a different status where it can, so each is a cache miss on the server, as
    a person's first pick is; alike sizes keep the runs comparable.
    """
    candidates = [s for s, n in default.by_status.items() if 0 < n < default.total]
    if not candidates:
        return []
    middle = median([default.by_status[s] for s in candidates])
    candidates.sort(key=lambda s: (abs(default.by_status[s] - middle), s))
    return [candidates[i % len(candidates)] for i in range(runs)]


def choose_as_of_steps(dataset: Dataset, runs: int, today: date, first_day: date) -> list[AsOfStep]:
    """`runs` month steps (first of a month to the next) that change the map, latest first.

    Latest first, because the map is then nearly as full as today's. A step whose total
    changes is preferred to one where only statuses change. Each step's end is a date no
    earlier step asked for, so each is the server's first time at that date, as a person's
    step is. Starts are never in December (the sidebar's month field does not carry into the
    next year), ends are before today (the sidebar's latest date), and starts are on or after
    `first_day`, the first report (the sidebar's earliest date: a link with an earlier one is
    not applied, and the page shows today's map).
    """
    earliest = first_day
    start = add_months(date(today.year, today.month, 1), -1)
    maps: dict[date, MapExpectation] = {}

    def map_on(day: date) -> MapExpectation:
        if day not in maps:
            maps[day] = expect_map(dataset, FilterState(as_of=day), today)
        return maps[day]

    changing: list[AsOfStep] = []
    recoloured: list[AsOfStep] = []
    for _ in range(MAX_AS_OF_CANDIDATES):
        # Twice as many as needed: every other one may share a date with its neighbour.
        if start < earliest or len(changing) >= 2 * runs:
            break
        end = add_months(start, 1)
        if start.month != 12 and end < today:
            step = AsOfStep(start, end, map_on(start), map_on(end))
            if step.at_end.total > 0 and step.at_start.total != step.at_end.total:
                changing.append(step)
            elif step.at_start.by_status != step.at_end.by_status:
                recoloured.append(step)
        start = add_months(start, -1)
    chosen: list[AsOfStep] = []
    asked: set[date] = set()
    for step in changing + recoloured:
        if len(chosen) == runs:
            break
        if step.end not in asked:
            chosen.append(step)
            asked |= {step.start, step.end}
    return chosen


def plan_dataset(data_dir: Path, runs: int, today: date | None = None) -> DatasetPlan:
    today = today or date.today()
    dataset = load_dataset(Path(data_dir), today=today)
    default = expect_map(dataset, FilterState(), today)
    statuses = [
        StatusChoice(
            status,
            i18n.status_label(status),
            expect_map(dataset, FilterState(statuses=(status,)), today),
        )
        for status in choose_statuses(default, runs)
    ]
    view = build_site_view(dataset, on=today)
    firsts = [d.start for d in view["first_reported"] if d is not None]
    as_of_steps = choose_as_of_steps(dataset, runs, today, min(firsts)) if firsts else []
    drawn = map_records.placed_sites(view)
    points = [
        (float(lat), float(lng), str(name))
        for lat, lng, name in zip(
            drawn["display_lat"], drawn["display_lon"], drawn["name"], strict=True
        )
    ]
    return DatasetPlan(
        Path(data_dir), default, statuses, as_of_steps, points, first_story_slide(Path(data_dir))
    )


def first_story_slide(data_dir: Path) -> tuple[str, int] | None:
    """(story id, 1) of the first briefing story in a data folder with no problems, if any."""
    path = data_dir / BRIEFINGS_FILE
    if not path.is_file():
        return None
    stories = load_briefings(path).stories
    return (next(iter(stories)), 1) if stories else None


# --- every page's limits (issue 17) -----------------------------------------------------------

# At this many sites and more, a page's larger-data limit applies; below it (100, 1,000 sites
# and the real data), the real data's.
LARGE_DATASET_SITES = 10_000
# Time to drawn and idle, as a multiple of the page's floor: (smaller data, 10,000 sites). The
# map's is the map's own target (stats.FIRST_PAINT_MAX_RATIO); the issue gives the briefing and
# the sources 1.5x on 10,000 sites, and they are held to it at every size.
PAGE_RATIO_LIMITS = {
    "map": (1.0, 1.0),
    "timeline": (1.2, 1.5),
    "sites": (1.2, 1.5),
    "briefing": (1.5, 1.5),
    "briefing slide": (1.5, 1.5),
    "sources": (1.5, 1.5),
}
# Core Web Vitals' "good", on every page and slide, first visit and later ones.
CLS_LIMIT = 0.1
# A page change from the sidebar's navigation, at 10,000 sites, for every pair of pages.
PAGE_CHANGE_LIMIT_S = 0.5
# Streamlit's file-name navigation on a first deep link: nobody should ever see it.
FILE_NAV_LIMIT_S = 0.0


def page_ratio_limit(page: str, sites: int) -> float:
    """How many times its floor a page may take to be drawn and idle, on `sites` sites."""
    smaller, larger = PAGE_RATIO_LIMITS[page]
    return larger if sites >= LARGE_DATASET_SITES else smaller
