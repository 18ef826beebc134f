"""Measure the dashboard's speed at scale against a floor measured in the same run.

    .venv/bin/python scripts/bench.py [--sizes 100,1000,10000] [--runs 3] [--visits 3]
                                      [--real | --no-real] [--out /tmp/stationmap-bench.md]
                                      [--no-profile]
    .venv/bin/python scripts/bench.py --load 25      # the load test, with figures
    .venv/bin/python scripts/bench.py --cluster 12   # 1 and 2 processes behind HAProxy

For each dataset (synthetic ones of the given sizes, and the shipped data with --real), in
headless Chromium, each a median of --runs runs with a fresh browser context per page load
(the first paint and every page load, and their floors, --visits times a run, side by side):

1. map first paint: opening ``/`` until the map shows every site; and until the page is
   complete (the script has finished and every kind of sidebar widget is drawn);
2. status filter change: picking a status in the sidebar until the map shows that status's
   sites (a different status each run, so each is the server's first time, as a person's is);
3. as-of step: on a page opened at the first of a month (a different one each run), stepping
   the sidebar date's month up by one until the map shows that date; then, on that page, one
   step of the map's own time slider (client-side), if the map has one;
4. every page (map, timeline, sites, the briefing's "Present this view", sources, and on data
   with briefing stories a story's first slide) opened by its address until its main widget is
   drawn and Streamlit is idle, and its Cumulative Layout Shift until it is quiet
   (``benchmarks/page_loads.py``, ``benchmarks/layout_shift.py``);
5. the peak RSS of the server's process tree during all of that.

On the largest synthetic dataset (10,000 sites by default), every page change from the
sidebar's navigation, in one walk through every pair of pages per run, and the floor of a
change into a table: a bare page's link to one st.dataframe of as many rows. Then, on fresh servers
with the shipped data, a first deep link straight to ``/timeline``: how long Streamlit's
file-name navigation is on screen.

Beside them, the floors: for the map, a bare Streamlit page with a one-marker st_folium map
(``benchmarks/floor_app.py``), plus the same sites as one static folium page with one Marker
each, minus that page with one site (see shared/guides/map-offline.md); for the other pages a
bare page of a title and one widget of their kind (``benchmarks/floor_widgets.py``); every
floor is measured in each run of each dataset, each time right beside the pages it is
compared with, before them and after them in turn. Each figure is shown beside its limit
(``benchmarks/expectations.py``). Servers run on 127.0.0.1 only, one at a time but for the
floors' two (idle while the app is measured); the browser can reach nothing else
(``benchmarks/browser.launch``), and every page is 1350x940. A step that fails is recorded with
its reason and the bench goes on. The Markdown goes to stdout and to --out.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _app_root(argv: list[str]) -> Path:
    """--app-root, read before the imports below: they must import that checkout's package."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--app-root", type=Path, default=REPO_ROOT)
    return parser.parse_known_args(argv)[0].app_root.resolve()


# The measured checkout's stationmap (what the map must show is worked out with its own
# package), then this checkout's benchmarks.
sys.path[:0] = list(dict.fromkeys([str(_app_root(sys.argv[1:])), str(REPO_ROOT)]))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import browser as bench_browser  # noqa: E402
from benchmarks import (  # noqa: E402
    expectations,
    page_loads,
    page_runs,
    page_stats,
    profile_map,
    static_pages,
)
from benchmarks.page_runs import MapFloor, guarded, log  # noqa: E402
from benchmarks.procmem import RssSampler  # noqa: E402
from benchmarks.server import (  # noqa: E402
    FLOOR_WIDGETS_APP,
    ServerError,
    StreamlitServer,
    floor_app_folder,
)
from benchmarks.stats import (  # noqa: E402
    AS_OF_STEP_TARGET_S,
    FILTER_CHANGE_TARGET_S,
    FIRST_PAINT_MAX_RATIO,
    STEPS,
    DatasetResult,
    Sample,
    failed,
    raw_table,
    summary_table,
)
from stationmap import config  # noqa: E402

DEFAULT_SIZES = "100,1000,10000"
# Three runs of every step on four datasets, with DEFAULT_VISITS, took 24 minutes (1430 s) on
# the 2-core machine; --runs 5 took 40 (docs/performance.md, thirteenth round).
DEFAULT_RUNS = 3
# Every page load and its floor, and the map's first paint and its floor's parts, are timed
# this many times a run, side by side: on the 2-core machine two loads of the same page a few
# seconds apart differ by 10-20% (docs/performance.md, thirteenth round), as much as the
# margins of issue 17's limits, and a median of five loads could not tell them apart.
DEFAULT_VISITS = 3
DEFAULT_OUT = Path(tempfile.gettempdir()) / "stationmap-bench.md"
DEFAULT_DATA_ROOT = Path(tempfile.gettempdir()) / "stationmap-bench-data"
DEFAULT_LOAD_SESSIONS = 25
# The sidebar's labels (English: the bench's browser asks for en-US).
STATUS_LABEL = "Status"
AS_OF_LABEL = "Statuses as of"
# The one site of the floor's one-site static page: any city will do.
ONE_SITE = [(51.5072, -0.1276, "London")]


def synthetic_dir(root: Path, sites: int) -> Path:
    """A synthetic dataset of `sites` sites (deterministic: written once, then reused)."""
    folder = root / str(sites)
    stamp = folder / ".complete"
    if not stamp.is_file():
        subprocess.run(  # noqa: S603 -- our own interpreter and module
            # --force: the folder is the bench's own, left half-written by an interrupted run.
            [
                *(sys.executable, "-m", "stationmap", "synth", "--sites", str(sites)),
                *("--out", folder, "--force"),
            ],
            cwd=REPO_ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        stamp.write_text("synth\n")
    return folder


def start_shell(browser, app_root: Path, log_dir: Path) -> StreamlitServer | None:
    """The map floor's shell, a bare st_folium page, on its own server for the whole bench
    (opened once, untimed: imports, first run); None if it does not start."""
    script = floor_app_folder(log_dir, app_root / "static")
    try:
        server = StreamlitServer(script, app_root=app_root, log_dir=log_dir).start()
    except ServerError as error:
        log(f"floor shell server: {str(error).splitlines()[0]}")
        return None
    try:
        with bench_browser.fresh_page(browser) as page:
            bench_browser.time_first_paint(page, server.base_url + "/")
    except BaseException:
        server.stop()
        raise
    return server


def start_widget_floors(browser, app_root: Path, log_dir: Path) -> StreamlitServer | None:
    """The floors' server, for the whole bench, each floor opened once (untimed); None if it
    does not start."""
    script = floor_app_folder(log_dir, app_root / "static", FLOOR_WIDGETS_APP)
    # The floor app imports this checkout's benchmarks, whichever checkout is measured.
    env = {"PYTHONPATH": str(REPO_ROOT)}
    try:
        server = StreamlitServer(script, app_root=app_root, extra_env=env, log_dir=log_dir)
        server.start()
    except ServerError as error:
        log(f"floor widgets server: {str(error).splitlines()[0]}")
        return None
    page_runs.warm_up_pages(browser, server.base_url, page_runs.WIDGET_FLOORS.values())
    return server


def measure_dataset(
    browser,
    name: str,
    plan: expectations.DatasetPlan,
    runs: int,
    app_root: Path,
    log_dir: Path,
    *,
    visits: int = 1,
    shell_base: str | None = None,
    floor_base: str | None = None,
    with_changes: bool = False,
) -> DatasetResult:
    """Every step of the app on one dataset, with the static floor pages, on one server, and
    the widget floors from `floor_base`, each page load and first paint `visits` times a run;
    with `with_changes`, every page change from the navigation too."""
    result = DatasetResult(name=name, sites=plan.default.total)
    for step, _label in STEPS:
        result.steps[step] = []
    pages = page_loads.app_pages(plan.default.total, plan.story)
    for spec in pages:
        result.pages[spec.name] = []
        result.page_floors[spec.name] = spec.floor
    static_dir = app_root / "static" / "bench"
    static_n_url = static_pages.write_static_page(f"sites-{name}", plan.points, static_dir)
    static_1_url = static_pages.write_static_page("sites-1", ONE_SITE, static_dir)
    env = {config.DATA_DIR_ENV: str(plan.data_dir), config.TILES_ENV: "none"}
    try:
        server = StreamlitServer(app_root=app_root, extra_env=env, log_dir=log_dir).start()
    except ServerError as error:
        reason = f"server did not start: {str(error).splitlines()[0]}"
        for samples in result.steps.values():
            samples.append(failed(reason))
        return result
    base = server.base_url
    default = plan.default.as_js()
    try:
        with RssSampler(server.pid) as sampler:
            with bench_browser.fresh_page(browser) as page:
                result.cold_first_paint = bench_browser.time_first_paint(
                    page, base + "/", default, bench_browser.APP_COMPLETE_SELECTOR
                )
            log(f"{name}: cold first paint {result.cold_first_paint}")
            # As the floors have: each page's first run on a server imports and caches its own.
            guarded([], lambda: page_runs.warm_up_pages(browser, base, pages))
            map_floor = MapFloor(shell_base, base + static_1_url, base + static_n_url)
            for run in range(runs):
                _one_run(browser, base, plan, run, result, map_floor)
                page_runs.time_beside_floors(
                    browser,
                    plan,
                    pages,
                    result,
                    map_floor,
                    base=base,
                    floor_base=floor_base,
                    visits=visits,
                )
                log(f"{name}: run {run + 1} done")
            if with_changes:
                for run in range(runs):
                    guarded(
                        [], lambda: page_runs.measure_page_changes(browser, base, pages, result)
                    )
                    guarded(
                        [result.change_floor],
                        lambda: page_runs.measure_change_floor(
                            browser, floor_base, result.sites, result
                        ),
                    )
                    log(f"{name}: page changes, run {run + 1} done")
        result.peak_rss = sampler.peak
    finally:
        server.stop()
    return result


def _one_run(browser, base, plan, run, result, floor: MapFloor) -> None:
    steps = result.steps

    def paint_and_filter() -> None:
        with bench_browser.fresh_page(browser) as page:
            paint = page_runs.time_map_paint(page, base, plan, result)
            if not paint.ok:
                steps["filter_change"].append(failed("no map to filter (first paint failed)"))
            elif not plan.statuses:
                steps["filter_change"].append(failed("no status changes the map on this dataset"))
            else:
                choice = plan.statuses[run % len(plan.statuses)]
                sample = bench_browser.time_multiselect_pick(
                    page, STATUS_LABEL, choice.label, choice.expected.as_js()
                )
                sample.detail["status"] = choice.status
                steps["filter_change"].append(sample)

    def as_of_and_slider() -> None:
        with bench_browser.fresh_page(browser) as page:
            if run < len(plan.as_of_steps):
                step = plan.as_of_steps[run]
                page.goto(f"{base}/?as_of={step.start.isoformat()}")
                problem = bench_browser.wait_for_map(page, step.at_start.as_js())
                if problem:
                    steps["as_of_step"].append(failed(f"page at {step.start}: {problem}"))
                else:
                    sample = bench_browser.time_month_step(page, AS_OF_LABEL, step.at_end.as_js())
                    sample.detail["dates"] = f"{step.start}→{step.end}"
                    steps["as_of_step"].append(sample)
            else:
                steps["as_of_step"].append(failed("no month step changes the map on this data"))
                page.goto(base + "/")
                bench_browser.wait_for_map(page, plan.default.as_js())
            # The map's own slider, on the whole map at a date where the months are eventful.
            steps["play_step"].append(bench_browser.time_play_step(page))

    page_runs.measure_map_floor(browser, floor, result)
    guarded(
        [steps["first_paint"], steps["page_complete"], steps["filter_change"]], paint_and_filter
    )
    guarded([steps["as_of_step"], steps["play_step"]], as_of_and_slider)


def measure_deep_links(browser, runs: int, app_root: Path, log_dir: Path) -> list[Sample]:
    """A first deep link straight to /timeline after each of `runs` fresh server starts."""
    spec = next(s for s in page_loads.app_pages(0) if s.name == "timeline")
    env = {config.DATA_DIR_ENV: str(config.DEFAULT_DATA_DIR), config.TILES_ENV: "none"}
    samples = []
    for run in range(runs):
        try:
            with StreamlitServer(app_root=app_root, extra_env=env, log_dir=log_dir) as server:
                with bench_browser.fresh_page(browser, watch=True) as page:
                    url = server.base_url + spec.path
                    samples.append(page_loads.time_page_load(page, url, spec))
        except ServerError as error:
            samples.append(failed(f"server did not start: {str(error).splitlines()[0]}"))
        log(f"deep link run {run + 1}: {samples[-1]}")
    return samples


def describe_setup(args, started: float) -> str:
    commit = subprocess.run(  # noqa: S603 -- fixed git command
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=args.app_root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(  # noqa: S603
        ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
        cwd=args.app_root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    elapsed = time.monotonic() - started
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {args.app_root} at commit "
        f"{commit or '?'}{' (with uncommitted changes)' if dirty else ''}, {args.runs} runs "
        f"(median; fresh browser context per page load), each page and floor loaded and the "
        f"map first painted with its floor's parts {args.visits} times a run, side by side "
        f"(the other steps once a run), headless Debian Chromium, "
        f"{platform.machine()} with {os.cpu_count()} cores; whole bench {elapsed:.0f} s."
    )


def explain() -> str:
    return (
        "Floor = bare st_folium page (one marker) + static folium page of the same sites "
        "(one Marker each, MarkerCluster) − that page with one site; all with folium's "
        "standard files (Leaflet, jQuery, MarkerCluster) from the app's static/vendor/, served "
        "by the same Streamlit. Targets: map first paint ≤ "
        f"{FIRST_PAINT_MAX_RATIO:.1f}× floor at every size; filter change ≤ "
        f"{FILTER_CHANGE_TARGET_S:g} s at 10,000 sites; as-of step ≤ {AS_OF_STEP_TARGET_S:g} s. "
        "A first paint is the time until the map shows exactly the expected sites (its "
        "markers, cluster counts and legend); page complete, until besides the app has "
        "finished running and every kind of sidebar widget is drawn (on a first visit the map "
        "page draws them in a second run, started once its map has shown). The other figures are "
        "times until the map shows the expected sites and the app has finished running. The "
        "samples give, for the filter and as-of steps, when the server's run ended and when "
        "the map showed the result, counted from the action."
    )


def run_speed(args) -> str:
    started = time.monotonic()
    runs = args.runs
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    datasets: list[tuple[str, Path]] = [
        (str(size), synthetic_dir(args.data_root, size)) for size in sizes
    ]
    if args.real:
        datasets.append(("real", config.DEFAULT_DATA_DIR))
    plans = {}
    for name, folder in datasets:
        log(f"planning {name} ({folder})")
        plans[name] = expectations.plan_dataset(folder, runs)
    profiles = []
    if args.profile:
        for name, _folder in datasets:
            plan = plans[name]
            log(f"profiling {name}")
            try:
                profiles.append(
                    profile_map.profile_markdown(
                        name,
                        plan.data_dir,
                        plan.statuses[0].status if plan.statuses else None,
                        plan.as_of_steps[0].end if plan.as_of_steps else None,
                    )
                )
            except Exception as error:  # noqa: BLE001 -- a profile must never stop the bench
                profiles.append(f"#### {name}: profile failed: {error}")

    log_dir = Path(tempfile.mkdtemp(prefix="stationmap-bench-"))
    results = []
    floors_server = shell_server = None
    with sync_playwright() as playwright:
        browser = bench_browser.launch(playwright)
        try:
            log("floor shell")
            shell_server = start_shell(browser, args.app_root, log_dir)
            shell_base = shell_server.base_url if shell_server else None
            changes_at = str(max(sizes)) if sizes else None
            # Beside every dataset's server (idle while they are measured): the widget floors
            # are measured in each run, as the pages are.
            floors_server = start_widget_floors(browser, args.app_root, log_dir)
            floor_base = floors_server.base_url if floors_server else None
            for name, _folder in datasets:
                log(f"dataset {name}")
                results.append(
                    measure_dataset(
                        browser,
                        name,
                        plans[name],
                        runs,
                        args.app_root,
                        log_dir,
                        visits=args.visits,
                        shell_base=shell_base,
                        floor_base=floor_base,
                        with_changes=name == changes_at,
                    )
                )
            for server in (floors_server, shell_server):
                if server:
                    server.stop()
            log("first deep links")
            deep_links = measure_deep_links(browser, runs, args.app_root, log_dir)
        finally:
            for server in (floors_server, shell_server):
                if server:
                    server.stop()
            browser.close()

    parts = [
        "### Speed at scale",
        "",
        describe_setup(args, started),
        "",
        summary_table(results),
        "",
        explain(),
        "",
        "#### Every sample (seconds, in the order measured)",
        "",
        raw_table(results, runs * args.visits),
        "",
        *pages_section(results, deep_links, runs * args.visits),
    ]
    notes = _notes(results, plans)
    if notes:
        parts += ["", *notes]
    if profiles:
        parts += ["", "### Profile", "", *("\n\n".join(profiles),)]
    parts += ["", f"Server logs: {log_dir}"]
    return "\n".join(parts) + "\n"


def pages_section(results, deep_links, columns) -> list[str]:
    """Every page against its floor, its CLS, the page changes and the first deep link."""
    parts = [
        "### Every page",
        "",
        "Time from opening the page's address until its main widget is drawn and Streamlit is "
        "idle, over its floor (median; the map's is its first paint over the map's floor):",
        "",
        page_stats.pages_time_table(results),
        *(["", line] if (line := page_stats.cells_line(results)) else []),
        "",
        "Cumulative Layout Shift of each first visit, as Chrome defines it (the largest session "
        "window of shifts under 1 s apart, at most 5 s long; the plain sum of every shift after "
        "it when larger), 1350×940, until Streamlit is idle and nothing has moved for 1 s "
        f"(limit ≤ {expectations.CLS_LIMIT:g}):",
        "",
        page_stats.pages_cls_table(results),
    ]
    for result in results:
        if result.changes:
            parts += [
                "",
                "Page changes from the navigation's links on "
                f"{result.name} ({result.sites:,} sites): "
                "time from the click until the new page's main widget is drawn and Streamlit is "
                f"idle (limit ≤ {expectations.PAGE_CHANGE_LIMIT_S:g} s), and the CLS from the "
                "click (the briefing's link opens its list of stories):",
                "",
                page_stats.changes_table(result),
            ]
            if result.change_floor:
                parts += ["", page_stats.change_floor_line(result)]
    parts += [
        "",
        "First deep link after a server start (the shipped data, straight to /timeline): how "
        'long Streamlit\'s file-name navigation ("dashboard, briefing, map, …") is on screen '
        "(limit: never):",
        "",
        page_stats.deep_link_table(deep_links),
        "",
        "Floors: " + "; ".join(f"{k}: {v}" for k, v in page_stats.FLOOR_LABELS.items()) + ".",
        "",
        "#### Every page load (seconds, in the order measured; CLS in each run's first)",
        "",
        page_stats.pages_raw_table(results, columns),
    ]
    for result in results:
        moved = page_stats.what_moved(result)
        if moved:
            parts += ["", f"What moved on {result.name} (largest shifts of the first run):", ""]
            parts += moved
    return parts


def _notes(results, plans) -> list[str]:
    notes = []
    for result in results:
        plan = plans[result.name]
        picks = [s.detail.get("status") for s in result.steps.get("filter_change", [])]
        dates = [s.detail.get("dates") for s in result.steps.get("as_of_step", [])]
        notes.append(
            f"- {result.name}: statuses picked per run {picks}; as-of steps {dates}; "
            f"{plan.default.total} sites drawn by default."
        )
    return notes


def run_load(args) -> str:
    from benchmarks import load

    log(f"load test: {args.load} sessions against 127.0.0.1")
    log_dir = Path(tempfile.mkdtemp(prefix="stationmap-load-"))
    report = load.run_load_test(
        sessions=args.load, waves=args.load_waves, app_root=args.app_root, log_dir=log_dir
    )
    return "### Load\n\n" + report.markdown() + "\n"


def run_cluster(args) -> str:
    from benchmarks import cluster

    log(f"cluster: {args.cluster} readers at once, with 1 and then 2 processes behind HAProxy")
    log_dir = Path(tempfile.mkdtemp(prefix="stationmap-cluster-"))
    runs = cluster.run_cluster_bench(args.cluster, app_root=args.app_root, log_dir=log_dir)
    return "### Processes behind HAProxy\n\n" + cluster.markdown(runs) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="synthetic sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per figure")
    parser.add_argument(
        "--visits",
        type=int,
        default=DEFAULT_VISITS,
        help="page loads and first paints per run, each beside its floor",
    )
    parser.add_argument(
        "--real",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the shipped dataset (data/)",
    )
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the map rerun's stages in-process, per dataset",
    )
    parser.add_argument(
        "--data-root", type=Path, default=DEFAULT_DATA_ROOT, help="where synthetic data goes"
    )
    parser.add_argument(
        "--app-root",
        type=Path,
        default=REPO_ROOT,
        help="the checkout whose dashboard is measured (default: this one)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the Markdown goes")
    parser.add_argument(
        "--load",
        type=int,
        nargs="?",
        const=DEFAULT_LOAD_SESSIONS,
        default=None,
        metavar="SESSIONS",
        help=f"run the load test instead (default {DEFAULT_LOAD_SESSIONS} sessions)",
    )
    parser.add_argument(
        "--load-waves", type=int, default=2, help="waves of sessions in the load test"
    )
    parser.add_argument(
        "--cluster",
        type=int,
        nargs="?",
        const=12,
        default=None,
        metavar="READERS",
        help="instead: readers served with 1 and 2 processes behind HAProxy (default 12)",
    )
    args = parser.parse_args(argv)
    args.app_root = args.app_root.resolve()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.visits < 1:
        parser.error("--visits must be at least 1")
    return args


def _exit_on_sigterm(signum, _frame) -> None:
    # Raised as SystemExit, so every `finally` runs and stops the server's process group
    # (a `timeout` or a closed terminal would otherwise leave it running).
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = parse_args(argv)
    if args.cluster:
        markdown = run_cluster(args)
    else:
        markdown = run_load(args) if args.load else run_speed(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    print(markdown)
    log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
