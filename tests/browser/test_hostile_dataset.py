"""A dataset with script in every text field, in a real browser: no page runs any of it.

The shipped dataset is copied with script and HTML payloads added to every free-text field of
sites.csv, events.csv, sources.csv, briefings.toml and CHANGELOG.md (ids, vocabularies, dates
and coordinates stay valid, so every row still loads). Source URLs stay valid http(s) addresses
that try to break out of an attribute; two extra sources with a javascript: and a data: URL are
rejected by the loader, and the rest loads. The app then runs on that folder and every page is
visited: the map (its tooltip and popup opened), the timeline, the sites table and a site's
details, the briefing (every slide, printed and in Chinese), the sources with the changelog,
and the upload page with the same files.

Each payload names the field it sits in (``smx_<file>_<column>_<n>``), so whatever runs says
where it came from. Script that runs would show a dialog (an ``alert``; Playwright reports
dialogs from every frame, the map's too) or, where a frame may not show one, a console error
from the wrapper installed in every frame. HTML that was parsed instead of shown as text leaves
elements behind (an event handler, an ``<img>`` loading a marker URL, a ``<script>``), which a
scan of every frame finds. And the payloads must be on screen as text, so the test cannot pass
by showing nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page, expect

from stationmap import cli, config
from stationmap.app import ui_state
from stationmap.briefing.stories import BRIEFINGS_FILE, MAX_CAPTION_CHARS
from stationmap.method import CHANGELOG_FILE
from stationmap.record import schema
from stationmap.record.loader import load_dataset
from tests.browser.conftest import DEFAULT_SERVER_ENV, AppServer, find_map_frame
from tests.browser.helpers import (
    FIRST_RUN_TIMEOUT_MS,
    RERUN_TIMEOUT_MS,
    open_app,
    open_event_list,
    open_tab,
    poll,
    select_first_table_row,
    upload,
    wait_for_script,
)

pytestmark = pytest.mark.browser

# --- the hostile dataset ---------------------------------------------------------------------

# Every payload's marker starts so, e.g. smx_sites_name_3: the file, the field, the payload.
MARK = "smx"

# The free-text columns of each file; every other column is an id, a vocabulary, a date, a
# coordinate or a URL and is left valid.
TEXT_COLUMNS = {
    schema.SITES_FILE: ("name", "country", "city", "locality", "operating_bureau", "notes"),
    schema.EVENTS_FILE: ("country", "actor", "summary"),
    schema.SOURCES_FILE: ("publisher", "title", "original_publisher", "note"),
}
FILE_TAGS = {
    schema.SITES_FILE: "sites",
    schema.EVENTS_FILE: "events",
    schema.SOURCES_FILE: "sources",
}
# Sources the loader must reject for their URL; a site cites them beside its valid sources.
REJECTED_SOURCES = {
    "SXSS-JS": f"javascript:alert(/{MARK}_sources_url_91/.source)",
    "SXSS-DATA": f"data:text/html,<script>alert(/{MARK}_sources_url_92/.source)</script>",
}
CITING_SITE = "uk-glasgow"
# The site the map, the sites page and the upload open: the search finds it alone.
PROBE_SITE_SEARCH = "Glasgow"


def marker(tag: str, number: int) -> str:
    return f"{MARK}_{tag}_{number}"


def payloads(tag: str) -> list[str]:
    """Script and HTML for every context a text can land in, each marked with `tag`.

    ``alert(/marker/.source)`` needs no quotes, so it runs wherever the markup around it is
    broken out of; the alert's message is the marker.
    """

    def run(number: int) -> str:
        return f"alert(/{marker(tag, number)}/.source)"

    return [
        f"<script>{run(1)}</script>",
        f"<img src=/{marker(tag, 2)}.png onerror={run(2)}>",
        f'"><svg onload={run(3)}>',
        f"'><svg onload={run(4)}>",
        "{{7*7}}",
        f"${{{run(5)}}}",
        f"</script><script>{run(6)}</script>",
        f"javascript:{run(7)}",
        f"[{marker(tag, 8)}]({f'javascript:{run(8)}'})",
        f"';{run(9)};//",
    ]


def script_payload(tag: str) -> str:
    """The first payload, which a page showing the field as text must show literally."""
    return payloads(tag)[0]


def hostile(original: str, tag: str, limit: int | None = None) -> str:
    """The original text (so searches still find it) followed by the payloads, within `limit`."""
    text = original.strip()
    for payload in payloads(tag):
        longer = f"{text} {payload}".strip()
        if limit is not None and len(longer) > limit:
            break
        text = longer
    return text


def hostile_url(url: str, index: int) -> str:
    """A URL the loader accepts (http(s), a host, no spaces) that tries to leave its attribute."""
    tag = "sources_url"

    def run(number: int) -> str:
        return f"alert(/{marker(tag, number)}/.source)"

    variants = [
        f'{url}#"><script>{run(1)}</script>',
        f"{url}#'><svg/onload={run(2)}>",
        f'{url}?q="onmouseover="{run(3)}"',
        f'{url}#</script><img/src="/{marker(tag, 4)}.png"/onerror={run(4)}>',
        # The host itself: urlsplit still finds one.
        f'https://x"onmouseover="{run(5)}"/',
    ]
    return variants[index % len(variants)]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, file: str, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=schema.column_names(file), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string: the same escapes, \uXXXX included.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def dump_briefings(document: dict) -> str:
    """briefings.toml's shape (stories, their slides, a slide's captions) back as TOML."""
    lines: list[str] = []
    for story in document["stories"]:
        lines.append("[[stories]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in story.items() if k != "slides"]
        for slide in story.get("slides", []):
            lines += ["", "[[stories.slides]]"]
            lines += [f"{k} = {toml_value(v)}" for k, v in slide.items() if k != "captions"]
            if "captions" in slide:
                lines.append("[stories.slides.captions]")
                lines += [f"{k} = {toml_value(v)}" for k, v in slide["captions"].items()]
        lines.append("")
    return "\n".join(lines) + "\n"


def language_tag(language: str) -> str:
    return language.lower().replace("-", "_")


def hostile_briefings(text: str) -> str:
    document = tomllib.loads(text)
    for story in document["stories"]:
        story["title"] = hostile(story["title"], "briefings_story_title")
        story["summary"] = hostile(story.get("summary", ""), "briefings_story_summary")
        for slide in story["slides"]:
            slide["title"] = hostile(slide.get("title", ""), "briefings_slide_title")
            # The placeholders stay, so the captions' counts are still filled in.
            slide["caption"] = hostile(
                "{sites} / {countries}", "briefings_caption", MAX_CAPTION_CHARS
            )
            slide["captions"] = {
                language: hostile(
                    "{sites} / {countries}",
                    f"briefings_caption_{language_tag(language)}",
                    MAX_CAPTION_CHARS,
                )
                for language in slide.get("captions", {})
            }
    return dump_briefings(document)


def hostile_changelog() -> str:
    items = "\n".join(f"- {payload}" for payload in payloads("changelog"))
    return (
        f"# Changes {script_payload('changelog_title')}\n\n"
        f"## 2026-11-27 {payloads('changelog_heading')[2]}\n\n"
        f"{items}\n\n"
        # Raw HTML as a block of its own, not inside a list item.
        f"{payloads('changelog_block')[1]}\n\n"
        f"<div onmouseover=alert(/{marker('changelog_div', 1)}/.source)>hover</div>\n"
    )


def build_hostile_dataset(folder: Path, source: Path = config.DEFAULT_DATA_DIR) -> Path:
    """Copy the dataset in `source` to `folder` with payloads in every free-text field."""
    folder.mkdir(parents=True, exist_ok=True)
    for file, columns in TEXT_COLUMNS.items():
        rows = read_rows(source / file)
        for index, row in enumerate(rows):
            for column in columns:
                if file == schema.EVENTS_FILE and row[column] == schema.GLOBAL_COUNTRY:
                    continue  # the one country value with a meaning
                row[column] = hostile(row[column], f"{FILE_TAGS[file]}_{column}")
            if file == schema.SOURCES_FILE:
                row["url"] = hostile_url(row["url"], index)
            if file == schema.SITES_FILE and row["site_id"] == CITING_SITE:
                row["source_ids"] += "".join(f";{source_id}" for source_id in REJECTED_SOURCES)
        if file == schema.SOURCES_FILE:
            template = rows[0]
            rows += [
                {**template, "source_id": source_id, "url": url}
                for source_id, url in REJECTED_SOURCES.items()
            ]
        write_rows(folder / file, file, rows)
    briefings = (source / BRIEFINGS_FILE).read_text(encoding="utf-8")
    (folder / BRIEFINGS_FILE).write_text(hostile_briefings(briefings), encoding="utf-8")
    (folder / CHANGELOG_FILE).write_text(hostile_changelog(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_dataset(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def hostile_server(app_server_factory, hostile_dir: Path) -> AppServer:
    return app_server_factory({**DEFAULT_SERVER_ENV, config.DATA_DIR_ENV: str(hostile_dir)})


def test_every_row_of_the_hostile_dataset_loads_but_the_script_urls(hostile_dir: Path) -> None:
    published = load_dataset(config.DEFAULT_DATA_DIR)
    out = io.StringIO()

    status = cli.main(["validate", "--data-dir", str(hostile_dir)], out=out)

    # Only the two sources with a javascript: or data: URL are refused, for their URL.
    problems = out.getvalue().splitlines()
    assert status == 1
    assert len(problems) == len(REJECTED_SOURCES), problems
    assert all(
        re.match(r"sources\.csv:\d+: url: only http\(s\) links are allowed", line)
        for line in problems
    ), problems
    dataset = load_dataset(hostile_dir)
    assert len(dataset.sites) == len(published.sites)
    assert len(dataset.events) == len(published.events)
    assert len(dataset.sources) == len(published.sources)
    assert set(dataset.sites.loc[CITING_SITE, "source_ids"]) == set(
        published.sites.loc[CITING_SITE, "source_ids"]
    )
    # Every free-text value carries its payloads.
    tables = {
        schema.SITES_FILE: dataset.sites,
        schema.EVENTS_FILE: dataset.events,
        schema.SOURCES_FILE: dataset.sources,
    }
    for file, columns in TEXT_COLUMNS.items():
        for column in columns:
            values = tables[file][column]
            if file == schema.EVENTS_FILE and column == "country":
                values = values[values != schema.GLOBAL_COUNTRY]
            tag = f"{FILE_TAGS[file]}_{column}"
            assert values.str.contains(script_payload(tag), regex=False).all(), (file, column)
    assert dataset.sources["url"].str.contains(MARK).all()
    stories = cli.check_briefings(hostile_dir, dataset)
    assert stories is not None and stories.problems == []
    slides = [slide for story in stories.stories.values() for slide in story.slides]
    shipped = cli.check_briefings(config.DEFAULT_DATA_DIR, published)
    assert shipped is not None
    assert len(slides) == sum(len(story.slides) for story in shipped.stories.values())
    assert all(script_payload("briefings_caption") in slide.caption for slide in slides)
    assert all(script_payload("briefings_slide_title") in slide.title for slide in slides)


# --- watching a page for script that runs -----------------------------------------------------

# In every frame, before any of the page's own script: an alert, confirm or prompt also says so
# on the console, so a call is seen even in a frame that may not show dialogs.
DIALOG_WRAPPER_JS = """(() => {
    for (const name of ['alert', 'confirm', 'prompt']) {
        const original = window[name];
        window[name] = function (...args) {
            console.error(`smx-executed ${name}(${args.map(String).join(', ')})`);
            return original.apply(this, args);
        };
    }
})();"""

# What injected markup leaves in a document: an event handler or a javascript: link holding a
# marker, an element loading a marker URL, or a script element holding just a payload's code.
INJECTED_MARKUP_JS = r"""() => {
    const marker = /smx_/;
    const runnable = /^\s*(javascript|vbscript|data):/i;
    const payloadScript = /^\s*alert\(\/smx_\w+\/\.source\)\s*$/;
    const found = [];
    const describe = (element, what) => `${element.tagName.toLowerCase()}: ${what}`.slice(0, 300);
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value;
            if (!marker.test(value)) continue;
            if (name.startsWith('on')) {
                found.push(describe(element, `${name}=${value}`));
            } else if (['href', 'xlink:href', 'action', 'formaction'].includes(name)
                       && runnable.test(value)) {
                found.push(describe(element, `${name}=${value}`));
            } else if (['src', 'data', 'poster'].includes(name)) {
                found.push(describe(element, `${name}=${value}`));
            }
        }
        if (element.tagName === 'SCRIPT' && payloadScript.test(element.textContent)) {
            found.push(describe(element, element.textContent));
        }
    }
    return found;
}"""

# Console errors and page errors that come from a payload, or look like code that was not meant
# to run: a marker, an alert, a dialog a sandbox refused, a syntax or reference error.
INJECTED_ERROR = re.compile(
    rf"{MARK}[_-]|alert\(|Ignored call to|SyntaxError|ReferenceError|Unexpected token|"
    r"is not defined",
    re.IGNORECASE,
)
# How many of each kind of evidence a failure lists (each once).
REPORTED_ITEMS = 12
# Tall enough that the whole map is on screen: a marker low in a half-visible map makes Chromium
# scroll the page when the marker takes focus on mousedown, and the click then misses it.
TALL_SCREEN = {"width": 1280, "height": 1400}


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    """The conftest's `page`, also recording every dialog (from any frame) and dismissing it."""
    page.dialogs_seen = []

    def on_dialog(dialog) -> None:
        page.dialogs_seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.context.add_init_script(DIALOG_WRAPPER_JS)
    page.on("dialog", on_dialog)
    yield page


def injected_markup(page: Page) -> list[str]:
    found: list[str] = []
    for frame in page.frames:
        try:
            found += [f"{frame.url[:60]}: {item}" for item in frame.evaluate(INJECTED_MARKUP_JS)]
        except PlaywrightError:
            continue  # detached while we looked: a rerun replaced it
    return found


def assert_no_script_ran(page: Page) -> None:
    """No dialog, no console or page error from a payload, no injected markup, no third party."""
    errors = [error for error in page.errors_seen if INJECTED_ERROR.search(error)]
    loaded = [url for url in page.requests_seen if f"{MARK}_" in url]
    injected = injected_markup(page)
    ran = {
        "dialogs": page.dialogs_seen,
        "errors from payloads": errors,
        "requests for payload URLs": loaded,
        "markup parsed from data": injected,
    }
    assert not any(ran.values()), "script or HTML from the data ran:\n" + "\n".join(
        f"{what} ({len(items)}): {sorted(set(items))[:REPORTED_ITEMS]}"
        for what, items in ran.items()
        if items
    )
    assert page.third_party_requests == []
    expect(page.get_by_test_id("stException")).to_have_count(0)


def assert_links_are_http(locator: Locator) -> None:
    hrefs = locator.locator("a[href]").evaluate_all("(links) => links.map((a) => a.href)")
    assert all(href.startswith(("http://", "https://")) for href in hrefs), hrefs


def shows_as_text(page: Page, locator: Locator, *tags: str, timeout: float | None = None) -> None:
    """`locator` shows each field's script payload literally, as text.

    If it does not, whatever ran instead is reported first: a payload that was parsed as HTML
    is no longer on screen as text, and the missing text says less than what ran.
    """
    try:
        for tag in tags:
            expect(locator).to_contain_text(script_payload(tag), timeout=timeout)
    finally:
        assert_no_script_ran(page)


def map_markers(page: Page) -> Locator:
    return find_map_frame(page, RERUN_TIMEOUT_MS).locator(".leaflet-marker-icon")


def open_probe_popup(page: Page) -> Frame:
    """With the map searched down to one site: hover its marker, click it; return the frame."""
    poll(page, lambda: map_markers(page).count(), 1, "markers on the map")
    frame = find_map_frame(page)
    marker_icon = frame.locator(".leaflet-marker-icon")
    marker_icon.hover()
    shows_as_text(page, frame.locator(".leaflet-tooltip"), "sites_name")
    marker_icon.click()
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    shows_as_text(page, popup, "sites_name", "events_actor", "events_summary", "sources_publisher")
    assert_links_are_http(popup)
    return frame


def multiselect(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )


# --- every page -------------------------------------------------------------------------------


def test_the_map_shows_script_as_text_in_its_filters_tooltip_popup_and_details(
    watched, hostile_server
):
    page = watched
    page.set_viewport_size(TALL_SCREEN)
    open_app(page, hostile_server.base_url)
    poll(page, lambda: map_markers(page).count() > 0, True, "markers on the map")

    # The rows the loader refused are listed, and everything else is shown.
    page.get_by_text("Show the problems").click()
    problems = page.get_by_test_id("stExpander").filter(has_text="Show the problems")
    expect(problems).to_contain_text("url: only http(s) links are allowed, not 'javascript'")
    # The sidebar's choices are the data's countries and bureaus.
    for label, tag in (
        ("Country", "sites_country"),
        ("Operating bureau (as reported)", "sites_operating_bureau"),
    ):
        multiselect(page, label).click()
        shows_as_text(page, page.get_by_role("listbox"), tag)
        page.keyboard.press("Escape")
        # Closed before the next one is opened: a click while it closes can open nothing.
        expect(page.get_by_role("listbox")).to_have_count(0)

    open_app(page, f"{hostile_server.base_url}/?{ui_state.TEXT}={PROBE_SITE_SEARCH}")
    open_probe_popup(page)
    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)
    shows_as_text(
        page,
        details,
        "sites_name",
        "sites_notes",
        "events_actor",
        "events_summary",
        "sources_title",
    )
    assert_links_are_http(details)


def test_the_timeline_shows_script_as_text_in_its_tooltips_and_lists(watched, hostile_server):
    page = watched
    open_app(page, f"{hostile_server.base_url}/timeline")
    dots = page.locator(".vega-embed .mark-symbol.role-mark path")
    expect(dots.first).to_be_attached()

    # The charts draw their marks as SVG, under a layer that takes the pointer: move onto one.
    dots.first.scroll_into_view_if_needed()
    box = dots.first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    shows_as_text(page, tooltip, "events_actor", "events_summary")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    selected = page.locator(f".st-key-{ui_state.SELECTED_EVENTS}")
    shows_as_text(page, selected, "events_summary", timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)

    # Every event, by month, with its sources.
    open_event_list(page)
    main = page.get_by_test_id("stMain")
    shows_as_text(page, main, "events_actor", "events_summary", "sources_title")
    # The chart by country labels its rows with the events' countries, cut short.
    by_country = page.locator(".vega-embed").nth(1)
    expect(by_country).to_contain_text(f"<script>alert(/{marker('events_country', 1)}/")
    assert_links_are_http(main)


def test_the_sites_page_shows_script_as_text_in_a_sites_details(watched, hostile_server):
    page = watched
    open_app(page, f"{hostile_server.base_url}/sites?{ui_state.TEXT}={PROBE_SITE_SEARCH}")
    select_first_table_row(page, page.locator(f"[class*='st-key-{ui_state.SITES_TABLE}']"))

    details = page.locator(f".st-key-{ui_state.SITE_DETAILS}")
    expect(details).to_be_visible(timeout=RERUN_TIMEOUT_MS)
    wait_for_script(page)
    shows_as_text(
        page,
        details,
        *(f"sites_{column}" for column in TEXT_COLUMNS[schema.SITES_FILE]),
        "events_actor",
        "events_summary",
        "sources_publisher",
        "sources_title",
    )
    assert_links_are_http(details)
    # The filters line quotes the search, as plain text.
    expect(page.get_by_test_id("stText").filter(has_text="Filters:")).to_contain_text(
        PROBE_SITE_SEARCH
    )
    assert_no_script_ran(page)


def test_the_sources_page_shows_the_changelog_s_script_as_text(watched, hostile_server):
    page = watched
    open_app(page, f"{hostile_server.base_url}/sources")
    expect(page.locator("table.sm-source-table")).to_be_visible()

    open_tab(page, "Version and changes")

    changelog = page.locator(f".st-key-{ui_state.CHANGELOG}")
    shows_as_text(page, changelog, "changelog_title", "changelog")
    expect(changelog).to_contain_text(payloads("changelog_block")[1])
    assert_no_script_ran(page)


def slide_title(page: Page) -> Locator:
    return page.locator("[class*='st-key-briefing_title'] h1")


def slide_caption(page: Page) -> Locator:
    return page.locator("[class*='st-key-briefing_caption']")


def slide_sources(page: Page) -> Locator:
    return page.locator("[class*='st-key-briefing_sources']")


def test_the_briefing_shows_script_as_text_on_every_slide(watched, hostile_server, hostile_dir):
    page = watched
    stories = cli.check_briefings(hostile_dir, load_dataset(hostile_dir))
    slides = [
        (story.story_id, slide.number)
        for story in stories.stories.values()
        for slide in story.slides
    ]
    open_app(page, f"{hostile_server.base_url}/briefing")
    main = page.get_by_test_id("stMain")
    shows_as_text(page, main, "briefings_story_title", "briefings_story_summary")

    # Each story from the list's Start button, then Next to its end.
    shown: list[tuple[str, int]] = []
    for index, story_id in enumerate(stories.stories):
        if index:
            open_app(page, f"{hostile_server.base_url}/briefing")
        page.get_by_role("button", name="Start").nth(index).click()
        expect(page).to_have_url(re.compile(rf"[?&]{ui_state.STORY}={story_id}(&|$)"))
        while True:
            wait_for_script(page, RERUN_TIMEOUT_MS)
            number = int(re.search(rf"[?&]{ui_state.SLIDE}=(\d+)", page.url).group(1))
            shown.append((story_id, number))
            # The slide's own title, before its payloads, then the payloads as text.
            title = stories.stories[story_id].slides[number - 1].title
            expect(slide_title(page)).to_contain_text(title.split(" <script>")[0])
            shows_as_text(page, slide_title(page), "briefings_slide_title")
            shows_as_text(page, slide_caption(page), "briefings_caption")
            shows_as_text(page, slide_sources(page), "sources_publisher")
            following = page.locator(f".st-key-{ui_state.BRIEFING_NEXT} button")
            # The last slide's Next leads to no other slide, or to the next story.
            if number == len(stories.stories[story_id].slides) or not following.is_enabled():
                break
            here = page.url
            following.click()
            expect(page).not_to_have_url(here)
    assert shown == slides
    assert_no_script_ran(page)

    # Every slide of a story on one page, and a caption in another language.
    open_app(
        page,
        f"{hostile_server.base_url}/briefing?{ui_state.STORY}={slides[0][0]}&{ui_state.PRINT}=1",
    )
    shows_as_text(page, main, "briefings_caption")
    first_story, first_slide = slides[0]
    open_app(
        page,
        f"{hostile_server.base_url}/briefing?{ui_state.STORY}={first_story}"
        f"&{ui_state.SLIDE}={first_slide}&{ui_state.LANGUAGE}=zh-Hans",
    )
    shows_as_text(page, slide_caption(page), "briefings_caption_zh_hans")


UPLOADERS = {
    schema.SITES_FILE: ui_state.UPLOAD_SITES,
    schema.EVENTS_FILE: ui_state.UPLOAD_EVENTS,
    schema.SOURCES_FILE: ui_state.UPLOAD_SOURCES,
}


def metric_value(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_the_same_files_uploaded_are_checked_and_mapped_without_running(
    watched, hostile_server, hostile_dir
):
    page = watched
    page.set_viewport_size(TALL_SCREEN)
    published = load_dataset(config.DEFAULT_DATA_DIR)
    open_app(page, f"{hostile_server.base_url}/upload")

    for file, key in UPLOADERS.items():
        # A file's name is whatever the person's computer called it; the uploader shows it.
        name = f"{payloads('upload_filename')[1]}{file}"
        upload(
            page,
            key,
            {"name": name, "mimeType": "text/csv", "buffer": (hostile_dir / file).read_bytes()},
        )
        uploaded = page.locator(f".st-key-{key} [data-testid='stFileChipName']")
        expect(uploaded).to_have_attribute("title", name, timeout=RERUN_TIMEOUT_MS)
    expect(metric_value(page, "Sources loaded")).to_have_text(
        str(len(published.sources)), timeout=FIRST_RUN_TIMEOUT_MS
    )
    expect(metric_value(page, "Sites loaded")).to_have_text(str(len(published.sites)))
    expect(metric_value(page, "Problems")).to_have_text(str(len(REJECTED_SOURCES)))
    assert_no_script_ran(page)

    page.get_by_role("button", name="Show my data on the map, timeline and every page").click()
    expect(page.locator(f".st-key-{ui_state.UPLOAD_BANNER}")).to_be_visible(
        timeout=RERUN_TIMEOUT_MS
    )
    wait_for_script(page, RERUN_TIMEOUT_MS)
    page.get_by_test_id("stTopNav").get_by_role("link", name="Map", exact=True).click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/?(\?.*)?$"))
    wait_for_script(page, RERUN_TIMEOUT_MS)
    expect(page.locator(f".st-key-{ui_state.UPLOAD_BANNER}")).to_be_visible()
    search = page.get_by_test_id("stSidebar").get_by_label("Search names, places and notes")
    search.fill(PROBE_SITE_SEARCH)
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]{ui_state.TEXT}={PROBE_SITE_SEARCH}"))
    wait_for_script(page, RERUN_TIMEOUT_MS)
    open_probe_popup(page)
    assert_no_script_ran(page)
