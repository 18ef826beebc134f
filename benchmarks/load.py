"""Many concurrent sessions against one server on 127.0.0.1: isolation, speed and memory.

Each session, in its own browser context of ONE Chromium (Playwright's async API), at once:

1. opens the map (``/``) and waits until it shows every site;
2. picks its own filter in the sidebar (a country, or past the countries a status: every
   session a different one) and waits until the map shows exactly that filter's sites;
3. checks that what it sees is its own filter: the widget shows only its choice, the URL
   carries only its choice, and the sidebar's count is its filter's count;
4. opens the timeline from the sidebar and checks the same again there.

The server's RSS (its process tree, from /proc) is read after a warm-up session (the data
caches are then full, as on any server that has had one visitor), sampled throughout, and
read again after each wave of sessions, once every context has closed and the server has let
the disconnected sessions go. ``server.disconnectedSessionTTL`` is shortened for that:
Streamlit keeps a closed session 120 s by default, in case its browser reconnects. A second
wave tells caches that fill once from memory that grows with every session.

Bounded: the number of sessions and waves, every wait, and each session as a whole; traffic
goes only to the server this module starts on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from benchmarks import browser as bench_browser
from benchmarks.expectations import MapExpectation, expect_map
from benchmarks.procmem import RssSampler, rss_settled, tree_cpu_seconds, tree_rss
from benchmarks.server import REPO_ROOT, StreamlitServer
from benchmarks.stats import MB, first_line, load_summary, memory_bound
from benchmarks.waiting import WaitTimeout, wait_until
from stationmap import config, i18n
from stationmap.app import ui_state
from stationmap.record.filters import FilterState, apply_filters, count_headlines, filter_options
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view

# Streamlit's default is 120 s; the test cannot wait that long, and what it checks is that
# memory goes once the sessions are gone, not how long Streamlit waits for a reconnect.
SESSION_TTL_S = 5
# Past the TTL, RSS counts as settled once it has moved by at most SETTLE_TOLERANCE_MB for
# SETTLE_S (the server's cleanup and Python's allocator are done); a minute more means it
# keeps moving for another reason, and it is measured as it is.
SETTLE_S = 1.0
SETTLE_TOLERANCE_MB = 2
SETTLE_TIMEOUT_S = 60.0
# "Memory returns near its start", measured on the shipped data: after a first wave RSS stays
# some 50-90 MB above its start (6-25 sessions: caches filled per filter, CPython keeping freed
# arenas), and later waves add nothing (25 sessions, three waves: +89, +4, -5 MB). So: after
# the first wave at most start + max(150 MB, 50%), and each later wave at most 40 MB more
# than the first left, which a leak of a few MB per session would exceed.
MEMORY_FLOOR_MB = 150
MEMORY_FRACTION = 0.5
WAVE_GROWTH_MB = 40
# Each wait inside a session, and each session as a whole (they all run at once on 2 cores).
STEP_TIMEOUT_MS = 90_000
# Typing an option's name into a filter, then waiting for the option: one more try if it does
# not show (see run_session).
PICK_ATTEMPTS = 2
PICK_OPTION_TIMEOUT_MS = 30_000
SESSION_TIMEOUT_S = 240.0

COUNTRY_LABEL = "Country"
STATUS_LABEL = "Status"
TIMELINE_LINK = "Timeline"
TIMELINE_HEADING = "Timeline"


@dataclass(frozen=True)
class SessionPlan:
    """One session's filter and what it must see."""

    index: int
    widget: str  # the sidebar multiselect's label
    url_key: str  # its query parameter
    option: str  # the option's label, as shown and as written in the URL
    expected_map: MapExpectation
    shown: int  # "Showing {shown} of {total} sites"
    total: int


@dataclass
class SessionOutcome:
    index: int
    option: str
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)  # steps done again, not failed


@dataclass
class Wave:
    """Every session at once, and the server after they have all gone."""

    outcomes: list[SessionOutcome]
    wall_s: float
    server_cpu_s: float | None  # CPU time the server's process tree used during the wave
    rss_after: int | None  # after every context closed and the sessions' TTL passed


@dataclass
class LoadReport:
    sessions: int
    waves: list[Wave]
    rss_start: int | None
    rss_peak: int | None

    @property
    def failures(self) -> list[str]:
        return [
            f"wave {number + 1}, session {o.index} ({o.option}): {problem}"
            for number, wave in enumerate(self.waves)
            for o in wave.outcomes
            for problem in o.problems
        ]

    def first_wave_bound(self) -> int | None:
        """How high RSS may be after the first wave (see MEMORY_FLOOR_MB)."""
        if self.rss_start is None:
            return None
        return memory_bound(self.rss_start, floor_mb=MEMORY_FLOOR_MB, fraction=MEMORY_FRACTION)

    def memory_problems(self) -> list[str]:
        """Why the server's memory did not come back near its start, if it did not."""
        problems = []
        bound = self.first_wave_bound()
        if bound is None or not self.waves or self.waves[0].rss_after is None:
            return ["the server's RSS could not be read"]
        first = self.waves[0].rss_after
        if first > bound:
            problems.append(
                f"RSS after the first wave {first / MB:.0f} MB > {bound / MB:.0f} MB "
                f"(start {self.rss_start / MB:.0f} MB + max({MEMORY_FLOOR_MB} MB, "
                f"{MEMORY_FRACTION:.0%}))"
            )
        for number, wave in enumerate(self.waves[1:], start=2):
            if wave.rss_after is None:
                problems.append(f"RSS after wave {number} could not be read")
            elif wave.rss_after > first + WAVE_GROWTH_MB * MB:
                problems.append(
                    f"RSS grew by {(wave.rss_after - first) / MB:.0f} MB by wave {number} "
                    f"(more than {WAVE_GROWTH_MB} MB over the first wave's): a leak per session"
                )
        return problems

    def timings(self) -> dict[str, list[float]]:
        steps: dict[str, list[float]] = {}
        for wave in self.waves:
            for outcome in wave.outcomes:
                for step, seconds in outcome.timings.items():
                    steps.setdefault(step, []).append(seconds)
        return steps

    def markdown(self) -> str:
        rss: dict[str, int | None] = {
            "at start (after one warm-up session)": self.rss_start,
            "peak": self.rss_peak,
        }
        for number, wave in enumerate(self.waves, start=1):
            rss[f"after wave {number} (all closed, TTL passed)"] = wave.rss_after
        rss["allowed after wave 1"] = self.first_wave_bound()
        summary = load_summary(
            self.timings(), sessions=self.sessions, failures=self.failures, rss=rss
        )
        waves = "; ".join(
            f"wave {number}: {wave.wall_s:.0f} s, server CPU "
            + ("?" if wave.server_cpu_s is None else f"{wave.server_cpu_s:.0f} s")
            for number, wave in enumerate(self.waves, start=1)
        )
        memory = self.memory_problems()
        verdict = "memory: " + ("; ".join(memory) if memory else "back near its start (ok)")
        retried = [
            f"- wave {number}, session {o.index} ({o.option}): {note}"
            for number, wave in enumerate(self.waves, start=1)
            for o in wave.outcomes
            for note in o.retried
        ]
        retries = (
            "\n\n" + f"{len(retried)} step(s) done again:\n" + "\n".join(retried) if retried else ""
        )
        return (
            f"{summary}\n\n{len(self.waves)} wave(s) of {self.sessions} sessions, timings over "
            f"all waves ({waves}; the browsers share the machine's 2 cores with the server)."
            f"\n\n{verdict}{retries}"
        )


def plan_sessions(count: int, data_dir: Path | None = None) -> list[SessionPlan]:
    """`count` sessions, each with a different filter: countries first, then statuses."""
    data_dir = Path(data_dir or config.DEFAULT_DATA_DIR)
    today = date.today()
    dataset = load_dataset(data_dir, today=today)
    view = build_site_view(dataset, on=today)
    total = int(view["reported"].sum())
    choices: list[tuple[str, str, str, FilterState]] = []
    # Countries with the most sites first: their maps are the biggest of the filtered ones.
    by_size = view[view["reported"].astype(bool)]["iso2"].value_counts()
    names = dict(filter_options(view)["countries"])
    for iso2 in by_size.index:
        label = i18n.country_label(iso2, names.get(iso2, iso2))
        choices.append((COUNTRY_LABEL, ui_state.COUNTRY, label, FilterState(countries=(iso2,))))
    for status, shown in count_headlines(view[view["reported"].astype(bool)])["by_status"].items():
        if shown:
            label = i18n.status_label(status)
            choices.append((STATUS_LABEL, ui_state.STATUS, label, FilterState(statuses=(status,))))
    if count > len(choices):
        raise ValueError(f"{count} sessions, but only {len(choices)} different filters")
    plans = []
    for index, (widget, url_key, label, state) in enumerate(choices[:count]):
        plans.append(
            SessionPlan(
                index=index,
                widget=widget,
                url_key=url_key,
                option=label,
                expected_map=expect_map(dataset, state, today),
                shown=count_headlines(apply_filters(view, state))["sites"],
                total=total,
            )
        )
    return plans


# --- one session ------------------------------------------------------------------------------

SUMMARY_JS = """
() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar) { return null; }
  const match = sidebar.innerText.match(/Showing (\\d+) of (\\d+) site/);
  return match ? [Number(match[1]), Number(match[2])] : null;
}
"""


async def _wait_idle(page) -> None:
    await page.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   return app && app.getAttribute('data-test-script-state') === 'notRunning'; }""",
        polling=bench_browser.POLL_MS,
        timeout=STEP_TIMEOUT_MS,
    )


async def _wait_for_map(page, expected: MapExpectation, until: str = "complete") -> None:
    """Until the map shows `expected`, and with `until` "complete", the page is idle with its
    sidebar filters drawn."""
    # No early "no map" verdict here: with every session's browser on the same 2 cores, the
    # map's iframe can take a long while after the script has finished; the bound is the
    # step's timeout.
    outcome = await (
        await page.wait_for_function(
            bench_browser.FIRST_PAINT_JS,
            arg={
                "expected": expected.as_js(),
                "graceMs": STEP_TIMEOUT_MS,
                "until": until,
                "selector": bench_browser.APP_COMPLETE_SELECTOR,
            },
            polling=bench_browser.POLL_MS,
            timeout=STEP_TIMEOUT_MS,
        )
    ).json_value()
    if outcome == "no map":
        raise AssertionError(f"no map drawn within {STEP_TIMEOUT_MS / 1000:.0f} s")
    if outcome != "ok":
        raise AssertionError(f"map: {outcome}")


async def _check_own_filter(page, plan: SessionPlan, where: str) -> list[str]:
    """What this session sees must be its own filter and nothing else."""
    problems = []
    query = parse_qs(urlparse(page.url).query)
    if query.get(plan.url_key) != [plan.option]:
        problems.append(f"{where}: URL has {plan.url_key}={query.get(plan.url_key)}")
    others = sorted(
        k for k in (ui_state.COUNTRY, ui_state.STATUS) if k != plan.url_key and k in query
    )
    if others:
        problems.append(f"{where}: URL also filters by {others}: {page.url}")
    chosen = await (
        page.get_by_test_id("stMultiSelect")
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(plan.widget, exact=True))
        .locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
        .evaluate_all("(tags) => tags.map((tag) => tag.getAttribute('aria-label'))")
    )
    if chosen != [plan.option]:
        problems.append(f"{where}: the {plan.widget} filter shows {chosen}")
    summary = await page.evaluate(SUMMARY_JS)
    if summary != [plan.shown, plan.total]:
        problems.append(f"{where}: sidebar says {summary}, wanted [{plan.shown}, {plan.total}]")
    return problems


async def local_session(browser, outcome: SessionOutcome):
    """A fresh browser context and page for one reader; a request to any host but this machine
    is blocked and recorded in `outcome`'s problems. The caller closes the context."""
    context = await browser.new_context(
        viewport=bench_browser.VIEWPORT, locale="en-US", timezone_id="UTC"
    )

    async def block(route, request) -> None:
        if bench_browser.is_local_url(request.url):
            await route.continue_()
        else:
            outcome.problems.append(f"request off this machine blocked: {request.url}")
            await route.abort("blockedbyclient")

    await context.route("**/*", block)
    # A reader who uses the filters (the app starts them closed for a new one).
    await context.add_init_script(bench_browser.FILTERS_OPEN_JS)
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return context, page


async def run_session(browser, base_url: str, plan: SessionPlan, default: MapExpectation):
    """One person's visit; every problem is recorded, none is raised."""
    outcome = SessionOutcome(plan.index, plan.option)
    context, page = await local_session(browser, outcome)
    step = "open the map"
    try:
        start = time.monotonic()
        await page.goto(base_url + "/", timeout=STEP_TIMEOUT_MS)
        await _wait_for_map(page, default, until="shown")
        outcome.timings["map first paint"] = time.monotonic() - start
        await _wait_for_map(page, default)
        outcome.timings["page complete"] = time.monotonic() - start

        step = f"pick {plan.option!r} in {plan.widget!r}"
        box = page.get_by_test_id("stMultiSelect").filter(
            has=page.get_by_test_id("stWidgetLabel").get_by_text(plan.widget, exact=True)
        )
        option = page.get_by_role("option", name=plan.option, exact=True)
        for attempt in range(1, PICK_ATTEMPTS + 1):
            await box.click()
            await page.keyboard.type(plan.option)
            try:
                await option.wait_for(timeout=PICK_OPTION_TIMEOUT_MS)
                break
            except PlaywrightTimeoutError:
                if attempt == PICK_ATTEMPTS:
                    raise
                # Seen a few times in 100 sessions on 2 loaded cores: the dropdown closed while
                # the option was being typed. A person would open it again; the report counts it.
                outcome.retried.append(f"{plan.widget}: the option did not show, picked again")
                await page.keyboard.press("Escape")
                await _wait_idle(page)
        start = time.monotonic()
        await option.click()
        await page.keyboard.press("Escape")
        await _wait_for_map(page, plan.expected_map)
        outcome.timings["filter change → map"] = time.monotonic() - start
        outcome.problems += await _check_own_filter(page, plan, "map")

        step = "open the timeline"
        start = time.monotonic()
        await page.get_by_test_id("stTopNav").get_by_role("link", name=TIMELINE_LINK).click()
        await page.wait_for_url("**/timeline**", timeout=STEP_TIMEOUT_MS)
        heading = page.get_by_test_id("stMain").get_by_test_id("stHeading").first
        await heading.get_by_text(TIMELINE_HEADING, exact=True).wait_for(timeout=STEP_TIMEOUT_MS)
        await _wait_idle(page)
        outcome.timings["timeline"] = time.monotonic() - start
        outcome.problems += await _check_own_filter(page, plan, "timeline")
        if await page.get_by_test_id("stException").count():
            outcome.problems.append("timeline shows an exception")
    except Exception as error:  # noqa: BLE001 -- a session's failure is a finding, not a crash
        outcome.problems.append(f"{step}: {first_line(error, 300)}")
    finally:
        await context.close()
    return outcome


class WarmUpFailed(RuntimeError):
    """The first session, alone, already failed: the server or the page is broken."""


async def _run_waves(
    base_url: str,
    plans: list[SessionPlan],
    default: MapExpectation,
    waves: int,
    before_waves: Callable[[], None],
    after_wave: Callable[[], tuple[float | None, int | None]],
) -> list[Wave]:
    """A warm-up session alone, `before_waves()`, then `waves` times every session at once."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(bench_browser.CHROMIUM),
            headless=True,
            args=bench_browser.CHROMIUM_ARGS,
        )
        try:
            # The first visit loads the data and fills the caches, as on any server that has
            # had one visitor; it uses the first session's filter.
            warm = await _bounded(run_session(browser, base_url, plans[0], default), plans[0])
            if warm.problems:
                raise WarmUpFailed(f"the warm-up session failed: {warm.problems}")
            await asyncio.to_thread(before_waves)
            results = []
            for _ in range(waves):
                cpu_before, _rss = await asyncio.to_thread(after_wave, False)
                started = time.monotonic()
                outcomes = await asyncio.gather(
                    *(_bounded(run_session(browser, base_url, p, default), p) for p in plans)
                )
                wall = time.monotonic() - started
                cpu_after, rss_after = await asyncio.to_thread(after_wave, True)
                cpu = None if None in (cpu_before, cpu_after) else cpu_after - cpu_before
                results.append(Wave(list(outcomes), wall, cpu, rss_after))
            return results
        finally:
            await browser.close()


async def _bounded(coroutine, plan: SessionPlan) -> SessionOutcome:
    try:
        return await asyncio.wait_for(coroutine, SESSION_TIMEOUT_S)
    except TimeoutError:
        outcome = SessionOutcome(plan.index, plan.option)
        outcome.problems.append(f"did not finish within {SESSION_TIMEOUT_S:.0f} s")
        return outcome


def run_load_test(
    sessions: int,
    *,
    waves: int = 2,
    app_root: Path = REPO_ROOT,
    data_dir: Path | None = None,
    log_dir: Path,
) -> LoadReport:
    """Start a server, run `waves` waves of `sessions` concurrent sessions, measure its memory."""
    plans = plan_sessions(sessions, data_dir)
    default = expect_map(
        load_dataset(Path(data_dir or config.DEFAULT_DATA_DIR)), FilterState(), date.today()
    )
    env = {config.TILES_ENV: "none"}
    if data_dir is not None:
        env[config.DATA_DIR_ENV] = str(data_dir)
    server = StreamlitServer(
        app_root=app_root,
        extra_env=env,
        options={"server.disconnectedSessionTTL": SESSION_TTL_S},
        log_dir=log_dir,
    )
    start: list[int | None] = [None]

    def settle() -> None:
        # Every context is closed. The server drops a disconnected session when its TTL has
        # passed (its own timer: nothing to observe before then), and the memory it held goes
        # back over the next moments: wait for both, the TTL and an RSS that stopped moving.
        steady = rss_settled(
            lambda: tree_rss(server.pid),
            not_before=time.monotonic() + SESSION_TTL_S,
            window_s=SETTLE_S,
            tolerance=SETTLE_TOLERANCE_MB * MB,
        )
        try:
            wait_until(steady, timeout_s=SESSION_TTL_S + SETTLE_TIMEOUT_S, what="server RSS")
        except WaitTimeout:
            # Still moving (another process on the machine, a slow collector): measure what
            # there is; the memory bounds below judge it.
            pass

    def before_waves() -> None:
        settle()
        start[0] = tree_rss(server.pid)

    def after_wave(settled: bool) -> tuple[float | None, int | None]:
        if settled:
            settle()
        return tree_cpu_seconds(server.pid), tree_rss(server.pid)

    with server, RssSampler(server.pid) as sampler:
        # Playwright's sync API may own this thread's event loop (pytest's browser fixtures):
        # the async sessions get a thread, and an event loop, of their own.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            results = pool.submit(
                asyncio.run,
                _run_waves(server.base_url, plans, default, waves, before_waves, after_wave),
            ).result()
    return LoadReport(sessions=sessions, waves=results, rss_start=start[0], rss_peak=sampler.peak)
