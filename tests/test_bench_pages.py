"""The pure parts of every page's measures: CLS as Chrome defines it, the walk through every
page change, the limits of issue 17, and the tables that put each figure beside its limit."""

from __future__ import annotations

import itertools

import pytest

from benchmarks import expectations, layout_shift, page_loads, page_stats
from benchmarks.layout_shift import Shift
from benchmarks.stats import DatasetResult, Sample, failed
from stationmap import config

# --- CLS --------------------------------------------------------------------------------------


def shifts(*pairs: tuple[float, float], recent_input_at: tuple[float, ...] = ()) -> list[Shift]:
    return [Shift(time, value, time in recent_input_at) for time, value in pairs]


def test_shifts_under_a_second_apart_share_a_session_window():
    # 0.0, 0.5, 1.2 chain (gaps under 1 s); 2.5 is 1.3 s after 1.2: a new window.
    found = shifts((0, 0.1), (500, 0.2), (1200, 0.05), (2500, 0.3))
    windows = layout_shift.session_windows(found)
    assert [[s.time for s in window] for window in windows] == [[0, 500, 1200], [2500]]
    assert layout_shift.cls(found) == pytest.approx(0.35)
    assert layout_shift.total(found) == pytest.approx(0.65)


def test_a_session_window_lasts_at_most_five_seconds():
    # A shift every 0.9 s: each is close to the last, but the 7th is 5.4 s after the first.
    found = shifts(*[(900 * i, 0.1) for i in range(8)])
    assert [len(window) for window in layout_shift.session_windows(found)] == [6, 2]
    assert layout_shift.cls(found) == pytest.approx(0.6)


def test_shifts_right_after_input_do_not_count_and_order_does_not_matter():
    found = shifts((900, 0.2), (0, 0.05), (1000, 0.5), recent_input_at=(1000,))
    assert layout_shift.cls(found) == pytest.approx(0.25)
    assert layout_shift.total(found) == pytest.approx(0.25)
    assert layout_shift.cls([]) == 0.0


def test_an_entry_from_the_page_becomes_a_shift_with_what_moved():
    entry = {
        "time": 2990.5,
        "value": 0.222,
        "hadRecentInput": False,
        "sources": [{"node": "div[stApp]", "from": [0, 0, 1350, 940], "to": [300, 0, 1050, 940]}],
    }
    shift = Shift.from_entry(entry)
    assert shift == Shift(
        2990.5, 0.222, False, (("div[stApp]", (0, 0, 1350, 940), (300, 0, 1050, 940)),)
    )
    assert layout_shift.describe([shift]) == [
        "2.99 s: 0.222 (div[stApp] [0, 0, 1350, 940]→[300, 0, 1050, 940])"
    ]


def test_a_report_names_the_largest_shifts_in_time_order():
    found = shifts((0, 0.01), (100, 0.3), (200, 0.02), (300, 0.2))
    lines = layout_shift.describe(found, most=2)
    assert lines == ["0.10 s: 0.300 (no sources)", "0.30 s: 0.200 (no sources)"]


def skeleton_move(time: float, value: float, height: int = 256) -> Shift:
    # Streamlit's loading skeleton (centred, 736 px wide at the top) moved to the wide layout.
    node = "div[stMainBlockContainer] < main[stMain] < div[stAppViewContainer]"
    return Shift(time, value, False, ((node, (307, 0, 736, 256), (0, 0, 1350, height)),))


def test_streamlit_skeleton_shift_is_told_apart_from_the_apps_own():
    skeleton = skeleton_move(1200, 0.07)
    own = Shift(
        1500,
        0.02,
        False,
        (("div[stMainBlockContainer] < main[stMain]", (80, 96, 1190, 300), (80, 120, 1190, 300)),),
    )
    # The same node and width, but below the top (a centred page's column): the app's doing.
    moved_from_elsewhere = Shift(
        1600, 0.01, False, (("div[stMainBlockContainer]", (307, 96, 736, 256), (0, 0, 1350, 300)),)
    )
    found = [skeleton, own, moved_from_elsewhere]
    assert layout_shift.is_streamlit_skeleton(skeleton)
    assert not layout_shift.is_streamlit_skeleton(own)
    assert not layout_shift.is_streamlit_skeleton(moved_from_elsewhere)
    assert not layout_shift.is_streamlit_skeleton(Shift(0, 0.1))
    assert layout_shift.cls(found) == pytest.approx(0.10)
    assert layout_shift.app_cls(found) == pytest.approx(0.03)
    assert layout_shift.skeleton_shift(found) == pytest.approx(0.07)


# --- every page and every change --------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 3, 5, 6])
def test_the_tour_takes_every_page_change_once_in_one_walk(count):
    names = [f"p{i}" for i in range(count)]
    tour = page_loads.page_tour(names)
    assert sorted(tour) == sorted(itertools.permutations(names, 2))
    assert tour[0][0] == names[0]
    # One walk: each change starts where the last one ended.
    assert all(a[1] == b[0] for a, b in itertools.pairwise(tour))
    assert page_loads.page_tour(["alone"]) == []


def test_every_page_is_measured_and_a_story_slide_only_with_stories():
    names = [spec.name for spec in page_loads.app_pages(85)]
    assert names == ["map", "timeline", "sites", "briefing", "sources"]
    with_story = page_loads.app_pages(85, ("uk", 1))
    assert with_story[-1].path == "/briefing?story=uk&slide=1"
    # Each is compared with a floor of its own kind, and has a limit.
    for spec in with_story:
        assert spec.floor in ("map", "chart", "table", "frame")
        assert spec.name in expectations.PAGE_RATIO_LIMITS


def test_the_shipped_data_has_a_story_to_measure():
    story = expectations.first_story_slide(config.DEFAULT_DATA_DIR)
    assert story is not None and story[1] == 1


# --- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "sites", "limit"),
    [
        ("timeline", 85, 1.2),
        ("timeline", 1_000, 1.2),
        ("timeline", 10_000, 1.5),
        ("sites", 10_000, 1.5),
        ("briefing", 100, 1.5),
        ("sources", 10_000, 1.5),
        ("map", 10_000, 1.0),
    ],
)
def test_each_page_has_the_issues_limit_for_its_size(page, sites, limit):
    assert expectations.page_ratio_limit(page, sites) == limit


# --- tables -----------------------------------------------------------------------------------


def page_run(seconds: float, cls: float, shift_sum: float | None = None) -> Sample:
    return Sample(
        seconds,
        detail={"cls": cls, "shift_sum": cls if shift_sum is None else shift_sum, "shifts": []},
    )


def measured(name: str = "real", sites: int = 85) -> DatasetResult:
    result = DatasetResult(name=name, sites=sites)
    result.steps = {"first_paint": [Sample(1.2), Sample(1.4)]}
    result.static_1 = [Sample(0.3)]
    result.static_n = [Sample(0.3)]
    result.pages = {
        "map": [page_run(1.5, 0.3)],
        "timeline": [page_run(2.0, 0.5, 0.9), page_run(2.4, 0.7, 0.9)],
        "sites": [failed("no table"), failed("no table")],
    }
    result.page_floors = {"map": "map", "timeline": "chart", "sites": "table"}
    result.widget_floors = {"chart": [Sample(1.6), Sample(1.6)], "table": [Sample(1.4)]}
    result.shell = [Sample(1.25)]
    return result


def test_each_page_time_is_shown_over_its_own_floor_and_limit():
    result = measured()
    lines = page_stats.pages_time_table([result]).splitlines()
    assert lines[0] == "| page | real (85 sites) |"
    # The map: its first paint (1.3 s) over the map's floor (1.25 + 0.3 - 0.3).
    assert lines[2] == "| map | 1.30 s / 1.25 s = 1.04× (≤ 1×: over) |"
    # The timeline: the median of its runs over the chart's floor; 1.375× is over 1.2×.
    assert lines[3] == "| timeline | 2.20 s / 1.60 s = 1.38× (≤ 1.2×: over) |"
    assert lines[4] == "| sites | failed / 1.40 s = – (≤ 1.2×: ?) |"


def test_cls_is_shown_with_its_verdict_and_a_larger_plain_sum():
    result = measured()
    table = page_stats.pages_cls_table([result])
    assert "| map | 0.30 (over) |" in table
    assert "| timeline | 0.60 (over; sum 0.90) |" in table
    assert "| sites | failed |" in table
    assert page_stats.cls_cell([page_run(1.0, 0.04)]) == "0.04 (ok)"
    with_skeleton = page_run(1.0, 0.12)
    with_skeleton.detail["app_cls"] = 0.03
    assert page_stats.cls_cell([with_skeleton]) == "0.12; app's own 0.03 (ok)"


def test_page_changes_are_a_matrix_with_verdicts():
    result = DatasetResult(name="10000", sites=10_000)
    result.changes = {
        ("map", "sites"): [page_run(0.3, 0.0), page_run(0.5, 0.02)],
        ("sites", "map"): [page_run(0.9, 0.2)],
    }
    lines = page_stats.changes_table(result).splitlines()
    assert lines[0] == "|  | to map | to sites |"
    assert lines[2] == "| from map | – | 0.40 s (ok, CLS 0.01) |"
    assert lines[3] == "| from sites | 0.90 s (over, CLS 0.20) | – |"


def test_a_failed_page_change_says_why_beside_the_others_median():
    result = DatasetResult(name="10000", sites=10_000)
    result.changes = {
        ("map", "sites"): [page_run(0.3, 0.0), failed("→ sites: not drawn"), page_run(0.5, 0.0)],
        ("sites", "map"): [failed("→ map: the click was not seen")],
    }
    lines = page_stats.changes_table(result).splitlines()
    assert lines[2] == "| from map | – | 0.40 s (ok, CLS 0.00); 1 failed: → sites: not drawn |"
    assert lines[3] == "| from sites | failed: → map: the click was not seen | – |"


def test_the_change_floor_is_its_median_with_every_run_and_empty_unmeasured():
    result = DatasetResult(name="10000", sites=10_000)
    assert page_stats.change_floor_line(result) == ""
    result.change_floor = [page_run(0.44, 0.0), failed("timeout"), page_run(0.5, 0.0)]
    line = page_stats.change_floor_line(result)
    assert "one st.dataframe of 10,000 rows and 14 columns" in line
    assert line.endswith(": 0.47 s (runs: 0.44, failed (timeout), 0.50 s).")


def test_a_tables_accessible_cells_show_beside_its_painted_time():
    # The grid paints at once and builds its accessible cells 200 ms or more later: both shown.
    result = DatasetResult(name="10000", sites=10_000)
    result.changes = {
        ("map", "sites"): [
            Sample(0.28, detail={"cls": 0.0, "cells_s": 0.58}),
            Sample(0.30, detail={"cls": 0.0, "cells_s": 0.62}),
        ],
        ("sites", "map"): [page_run(0.4, 0.0)],
    }
    lines = page_stats.changes_table(result).splitlines()
    assert lines[2] == "| from map | – | 0.29 s (ok, CLS 0.00); accessible cells 0.60 s |"
    assert lines[3] == "| from sites | 0.40 s (ok, CLS 0.00) | – |"
    result.change_floor = [Sample(0.2, detail={"cells_s": 0.45})]
    assert page_stats.change_floor_line(result).endswith(
        ": 0.20 s (runs: 0.20 s); accessible cells 0.45 s."
    )
    assert page_stats.cells_line([result]) == ""
    result.page_floors = {"sites": "table", "timeline": "chart"}
    result.pages = {"sites": [Sample(2.1, detail={"cells_s": 2.5})], "timeline": [Sample(2.0)]}
    result.widget_floors = {"table": [Sample(1.9, detail={"cells_s": 2.2})], "chart": []}
    assert page_stats.cells_line([result]).endswith(
        "came at: sites on 10000 2.50 s (floor 2.20 s)."
    )


def test_the_file_name_navigation_must_never_show():
    shown = Sample(3.1, detail={"file_nav_ms": 2700.0})
    never = Sample(2.0, detail={"file_nav_ms": 0.0})
    table = page_stats.deep_link_table([shown, never, failed("server")])
    assert "| 1 | 2.70 s (over) | 3.10 s |" in table
    assert "| 2 | 0.00 s (ok) | 2.00 s |" in table
    assert "| 3 | failed: server |  |" in table


def test_raw_runs_list_floors_and_pages_and_what_moved_is_quoted():
    result = measured()
    result.pages["map"][0].detail["shifts"] = ["0.99 s: 0.222 (div `x` [0]→[1])"]
    raw = page_stats.pages_raw_table([result], columns=2)
    assert "| real | floor: title + one Altair chart of one point | 1.60 | 1.60 |" in raw
    assert "| real | timeline | 2.00 (CLS 0.50) | 2.40 (CLS 0.70) |" in raw
    assert "| real | sites | failed: no table | failed: no table |" in raw
    assert page_stats.what_moved(result) == ["- map:", "  - `0.99 s: 0.222 (div 'x' [0]→[1])`"]


def test_a_shift_names_its_three_largest_elements_and_counts_the_rest():
    moved = tuple((f"div{i}", (0, i), (0, i + 1)) for i in range(5))
    (line,) = layout_shift.describe([Shift(0, 0.1, False, moved)])
    assert "div2 [0, 2]→[0, 3]; 2 more)" in line
    assert "div3" not in line
