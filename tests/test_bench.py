"""The benchmark's pure parts: figures, the floor, tables, /proc parsing, and its plans."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks import expectations, load, page_loads, page_runs, procmem, stats
from benchmarks.stats import MB, DatasetResult, Sample, failed
from stationmap import config
from stationmap.record.filters import FilterState
from stationmap.record.loader import load_dataset
from tests.conftest import TEST_TODAY
from tests.script_module import load_script

# --- figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([3.0], 3.0), ([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5)],
)
def test_median_of_odd_even_and_no_values(values, expected):
    assert stats.median(values) == expected


def test_percentile_interpolates_between_ranks():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert stats.percentile(values, 50) == 3.0
    assert stats.percentile(values, 95) == pytest.approx(4.8)
    assert stats.percentile(values, 0) == 1.0
    assert stats.percentile(values, 100) == 5.0
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile(values, 101)


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [(3.0, 2.0, 1.5), (None, 2.0, None), (3.0, None, None), (3.0, 0.0, None)],
)
def test_ratio_needs_both_figures_and_a_positive_reference(value, reference, expected):
    assert stats.ratio(value, reference) == expected


def test_the_floor_is_the_shell_plus_what_n_sites_cost_over_one():
    assert stats.floor_seconds(1.5, 1.2, 0.3) == pytest.approx(2.4)
    assert stats.floor_seconds(None, 1.2, 0.3) is None
    assert stats.floor_seconds(1.5, None, 0.3) is None


def test_failed_steps_are_left_out_of_the_median():
    samples = [Sample(1.0), failed("timeout"), Sample(3.0)]
    assert stats.seconds_of(samples) == [1.0, 3.0]
    assert stats.median(stats.seconds_of(samples)) == 2.0
    assert not samples[1].ok


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 1), 1, date(2024, 2, 1)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 10), 24, date(2026, 1, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert stats.add_months(day, months) == expected


def test_milliseconds_keep_three_decimals():
    assert stats.format_seconds(0.0042) == "0.004 s"
    assert stats.format_seconds(1.234) == "1.23 s"
    assert stats.format_seconds(None) == "failed"


def test_memory_bound_is_start_plus_the_larger_of_floor_and_fraction():
    assert stats.memory_bound(200 * MB, floor_mb=150, fraction=0.5) == 350 * MB
    assert stats.memory_bound(400 * MB, floor_mb=150, fraction=0.5) == 600 * MB


def test_verdicts_against_limits():
    assert stats.verdict(0.9, 1.0) == "ok"
    assert stats.verdict(1.0, 1.0) == "ok"
    assert stats.verdict(1.1, 1.0) == "over"
    assert stats.verdict(None, 1.0) == "?"


# --- tables -----------------------------------------------------------------------------------


def test_markdown_table_escapes_pipes_and_newlines():
    table = stats.markdown_table(("a", "b"), [("x|y", "1\n2")])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | 1 2 |"]


def result_with(name: str = "1000", sites: int = 1000) -> DatasetResult:
    result = DatasetResult(name=name, sites=sites)
    result.static_1 = [Sample(0.3), Sample(0.3)]
    result.static_n = [Sample(0.5), Sample(0.7)]
    result.steps = {
        "first_paint": [Sample(3.0), Sample(4.0)],
        "page_complete": [Sample(3.2), Sample(4.4)],
        "filter_change": [Sample(0.8), failed("timeout")],
        "as_of_step": [Sample(0.6, detail={"phases": "server run ended 0.50"}), Sample(0.7)],
        "play_step": [failed("n/a: no control"), failed("n/a: no control")],
    }
    result.peak_rss = 300 * MB
    return result


def test_summary_row_puts_each_median_beside_its_floor_and_target():
    result = result_with()
    result.shell = [Sample(1.5), Sample(1.7)]
    row = stats.summary_row(result)
    # floor = 1.6 + 0.6 - 0.3 = 1.9; paint median 3.5 → 1.84×
    assert row[:3] == ["1000", "1,000", "1.90 s"]
    assert row[3] == "3.50 s (1.84×, over)"
    assert row[4] == "3.80 s"
    assert row[5] == "0.80 s (ok)"
    assert row[6] == "0.65 s (over)"
    assert row[7] == "n/a"
    assert row[8] == "300"


def test_summary_row_without_a_floor_says_so():
    result = result_with()
    result.shell = [failed("server")]
    row = stats.summary_row(result)
    assert row[2] == "failed"
    assert row[3] == "3.50 s (–, ?)"


def test_raw_table_lists_every_run_with_failures_and_phases():
    result = result_with()
    result.shell = [Sample(1.5)]
    table = stats.raw_table([result], columns=2)
    lines = table.splitlines()
    assert lines[0] == "| dataset | step | #1 | #2 | median |"
    assert "| 1000 | floor: shell (bare st_folium page) | 1.50 |  | 1.50 s |" in lines
    assert "| 1000 | status filter change | 0.80 | failed: timeout | 0.80 s |" in lines
    assert any("0.60 (server run ended 0.50)" in line for line in lines)
    assert any("| n/a: no control | n/a: no control |" in line for line in lines)


def test_load_summary_gives_p50_p95_and_memory():
    text = stats.load_summary(
        {"map first paint": [1.0, 2.0, 3.0]},
        sessions=3,
        failures=["session 1: boom"],
        rss={"peak": 300 * MB, "after": None},
    )
    assert "| map first paint | 3 | 2.00 s | 2.90 s | 3.00 s |" in text
    assert "| peak | 300 |" in text
    assert "| after | – |" in text
    assert "- session 1: boom" in text


# --- /proc ------------------------------------------------------------------------------------


def test_vm_rss_is_read_in_bytes():
    assert procmem.parse_vm_rss("Name:\tpython\nVmRSS:\t  2048 kB\nVmSwap: 0 kB\n") == 2048 * 1024
    assert procmem.parse_vm_rss("Name:\tkthreadd\n") is None


def test_cpu_ticks_survive_a_command_name_with_spaces_and_parentheses():
    fields = ["S", "1", "1", "1", "0", "-1", "0", "10", "0", "0", "0", "70", "30", "0", "0"]
    assert procmem.parse_cpu_ticks("42 (web (x) y) " + " ".join(fields)) == 100
    assert procmem.parse_cpu_ticks("42 (short) S 1") is None


def fake_proc(tmp_path, tree: dict[int, list[int]], rss_kb: dict[int, int]):
    for pid, children in tree.items():
        task = tmp_path / str(pid) / "task" / str(pid)
        task.mkdir(parents=True)
        (task / "children").write_text(" ".join(map(str, children)))
        (tmp_path / str(pid) / "status").write_text(f"VmRSS:\t{rss_kb[pid]} kB\n")
    return tmp_path


def test_a_process_tree_adds_up_every_descendant_alive(tmp_path):
    # 10 started 11 and 12; 12 started 13; 99 is listed as a child but has exited.
    proc = fake_proc(
        tmp_path, {10: [11, 12, 99], 11: [], 12: [13], 13: []}, {10: 100, 11: 10, 12: 20, 13: 5}
    )
    assert sorted(procmem.process_tree(10, proc)) == [10, 11, 12, 13]
    assert procmem.tree_rss(10, proc) == 135 * 1024
    assert procmem.tree_rss(12, proc) == 25 * 1024
    assert procmem.tree_rss(7, proc) is None


# --- what the bench asks the map to show ------------------------------------------------------


def test_statuses_change_the_map_and_come_most_alike_in_size_first():
    expected = expectations.MapExpectation(
        total=100,
        by_status={"alleged": 60, "under_investigation": 20, "convicted": 18, "charges_filed": 2},
    )
    # The median is 19: 18 and 20 are as close, and the tie goes by name.
    assert expectations.choose_statuses(expected, 5) == [
        "convicted",
        "under_investigation",
        "charges_filed",
        "alleged",
        "convicted",
    ]
    only_one = expectations.MapExpectation(total=5, by_status={"alleged": 5})
    assert expectations.choose_statuses(only_one, 3) == []


def test_as_of_steps_each_ask_for_a_new_date_that_changes_the_shipped_map():
    dataset = load_dataset(config.DEFAULT_DATA_DIR, today=TEST_TODAY)
    steps = expectations.choose_as_of_steps(dataset, 5, TEST_TODAY, date(2022, 9, 12))
    assert len(steps) == 5
    asked: set[date] = set()
    for step in steps:
        assert step.start.day == 1 and step.start.month != 12
        assert step.end == stats.add_months(step.start, 1) < TEST_TODAY
        assert step.at_start != step.at_end
        assert step.end not in asked
        asked |= {step.start, step.end}
        assert step.at_end == expectations.expect_map(
            dataset, FilterState(as_of=step.end), TEST_TODAY
        )


def test_as_of_steps_never_start_before_the_first_report():
    # The sidebar's earliest date is the first report (12 September 2022 in the shipped data):
    # a link to 1 September 2022 is not applied, and a step from it waited for a map that
    # never came (the bench's as-of step on the shipped data, one run in five).
    dataset = load_dataset(config.DEFAULT_DATA_DIR, today=TEST_TODAY)
    first_day = date(2022, 9, 12)
    steps = expectations.choose_as_of_steps(dataset, 60, TEST_TODAY, first_day)
    assert steps
    assert min(step.start for step in steps) >= first_day


def test_every_load_session_gets_a_different_filter_and_its_own_counts():
    plans = load.plan_sessions(25)
    assert len({(plan.url_key, plan.option) for plan in plans}) == 25
    assert all(0 < plan.shown < plan.total for plan in plans)
    assert all(plan.expected_map.total <= plan.shown for plan in plans)
    with pytest.raises(ValueError):
        load.plan_sessions(1000)


def test_a_second_wave_that_grows_memory_is_a_leak():
    def report(start, *after):
        waves = [load.Wave([], 1.0, 1.0, value) for value in after]
        return load.LoadReport(sessions=5, waves=waves, rss_start=start, rss_peak=None)

    assert report(200 * MB, 290 * MB, 300 * MB).memory_problems() == []
    assert "first wave" in report(200 * MB, 400 * MB).memory_problems()[0]
    assert "leak" in report(200 * MB, 290 * MB, 340 * MB).memory_problems()[0]
    assert report(None, 290 * MB).memory_problems() == ["the server's RSS could not be read"]


def test_a_step_done_again_is_listed_and_is_not_a_failure():
    retried = load.SessionOutcome(3, "Italy", retried=["Country: the option did not show"])
    clean = load.SessionOutcome(4, "Spain")
    report = load.LoadReport(
        sessions=2,
        waves=[load.Wave([retried, clean], 1.0, 1.0, 250 * MB)],
        rss_start=240 * MB,
        rss_peak=260 * MB,
    )
    assert report.failures == []
    text = report.markdown()
    assert "1 step(s) done again:" in text
    assert "- wave 1, session 3 (Italy): Country: the option did not show" in text


# --- RSS that has settled ---------------------------------------------------------------------


def settled_reads(readings: list[tuple[float, int | None]], **options) -> list[bool]:
    """What rss_settled says at each (time, RSS) reading."""
    clock_and_rss = iter(readings)
    current: list = [None]

    def clock() -> float:
        current[0] = next(clock_and_rss)
        return current[0][0]

    settled = procmem.rss_settled(lambda: current[0][1], clock=clock, **options)
    return [settled() for _ in readings]


def test_rss_counts_as_settled_only_after_not_before_and_a_still_window():
    readings = [(0.0, 500), (1.0, 500), (2.0, 400), (2.5, 300), (3.0, 300), (3.6, 301)]
    options = {"not_before": 1.5, "window_s": 1.0, "tolerance": 2}
    # Before 1.5 nothing counts; 2.0-3.0 it falls; 2.5-3.6 it moved by 1 over a full second.
    assert settled_reads(readings, **options) == [False, False, False, False, False, True]


def test_rss_of_a_gone_process_counts_as_settled():
    options = {"not_before": 10.0, "window_s": 1.0, "tolerance": 2}
    assert settled_reads([(0.0, None)], **options) == [True]


def test_an_error_is_shown_by_its_first_line_cut_to_length_or_its_type():
    error = RuntimeError("  Timeout 15000ms exceeded.\ncall log:\n  - waiting for …")
    assert stats.first_line(error) == "Timeout 15000ms exceeded."
    assert stats.first_line(RuntimeError("x" * 500)) == "x" * 200
    assert stats.first_line(RuntimeError("x" * 500), 300) == "x" * 300
    assert stats.first_line(TimeoutError()) == "TimeoutError"


def test_the_bench_times_every_page_three_times_a_run_unless_told_and_at_least_once():
    bench = load_script("bench")  # run as a script, not imported by the package
    assert bench.parse_args([]).visits == 3
    assert bench.parse_args(["--visits", "1", "--runs", "5"]).visits == 1
    with pytest.raises(SystemExit):
        bench.parse_args(["--visits", "0"])


def test_a_failed_bench_step_is_recorded_with_its_errors_first_line_in_every_list_it_left_empty():
    filled, empty, silent = [Sample(1.0)], [], []

    def fails_after_filling_one() -> None:
        filled.append(Sample(2.0))
        raise TimeoutError("page did not draw\nCall log: ...")

    page_runs.guarded([filled, empty], fails_after_filling_one)
    assert filled == [Sample(1.0), Sample(2.0)]
    assert empty == [failed("TimeoutError: page did not draw")]

    def fails_silently() -> None:
        raise TimeoutError

    page_runs.guarded([silent], fails_silently)
    assert silent == [failed("TimeoutError")]


def test_each_visit_times_every_page_beside_its_floor_before_it_then_after_it(monkeypatch):
    calls = []
    monkeypatch.setattr(
        page_runs,
        "measure_page",
        lambda _browser, _base, spec, _result, *, shifts: calls.append((spec.name, shifts)),
    )
    monkeypatch.setattr(
        page_runs,
        "measure_widget_floor",
        lambda _browser, _base, kind, _result, *, shifts: calls.append((f"{kind} floor", shifts)),
    )
    pages = page_loads.app_pages(100, ("story", 1))

    page_runs.measure_pages_beside_floors(None, "app", "floors", pages, None, visit=0)
    # The first: each floor right before its pages, every load counting its shifts; the map
    # page too, whose time is its first paint.
    assert calls == [
        ("map", True),
        ("chart floor", True),
        ("timeline", True),
        ("table floor", True),
        ("sites", True),
        ("sources", True),
        ("frame floor", True),
        ("briefing", True),
        ("briefing slide", True),
    ]
    calls.clear()
    page_runs.measure_pages_beside_floors(None, "app", "floors", pages, None, visit=1)
    assert calls == [
        ("timeline", False),
        ("chart floor", False),
        ("sites", False),
        ("sources", False),
        ("table floor", False),
        ("briefing", False),
        ("briefing slide", False),
        ("frame floor", False),
    ]
    calls.clear()
    page_runs.measure_pages_beside_floors(None, "app", "floors", pages, None, visit=2)
    assert calls[:2] == [("chart floor", False), ("timeline", False)]


def test_a_later_first_paint_of_the_map_comes_beside_its_floor_in_turn(monkeypatch):
    calls = []

    class Page:
        pass

    class FreshPage:
        def __enter__(self):
            return Page()

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(page_runs.bench_browser, "fresh_page", lambda _browser: FreshPage())
    monkeypatch.setattr(
        page_runs.bench_browser,
        "time_first_paint",
        lambda _page, url, *_args: (
            calls.append("paint " + url) or Sample(1.5, detail={"complete": 2.5})
        ),
    )
    monkeypatch.setattr(
        page_runs, "measure_map_floor", lambda _browser, floor, _result: calls.append("floor")
    )

    class Plan:
        class default:  # noqa: N801 -- stands for a DatasetPlan's attribute
            @staticmethod
            def as_js():
                return {}

    result = DatasetResult(name="100", sites=100, steps={"first_paint": [], "page_complete": []})
    floor = page_runs.MapFloor("http://shell", "http://app/one", "http://app/n")
    page_runs.map_paint_again(None, "http://app", Plan, result, floor, floor_first=False)
    page_runs.map_paint_again(None, "http://app", Plan, result, floor, floor_first=True)
    assert calls == ["paint http://app/", "floor", "floor", "paint http://app/"]
    assert result.steps["first_paint"] == [Sample(1.5, detail={"complete": 2.5})] * 2
    assert result.steps["page_complete"] == [Sample(2.5)] * 2
