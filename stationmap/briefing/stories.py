"""Briefing stories: prepared sequences of map and timeline views, kept in plain TOML.

A non-programmer edits `data/briefings.toml`; this module reads it, checks every slide against
the dataset (statuses, countries, dates, map view) and reports each problem as
`briefings.toml:LINE: story[slide].field: what is wrong`, like the CSV validator. A story with
problems is left out; the other stories still load.

A caption's numbers come from the data (`stationmap.briefing.captions` has the rule and
fills them in).
It may use these placeholders, filled from the slide's own view when it is shown:

- `{sites}`, `{countries}`: the sites the slide shows (its filters, on its date) and their
  countries;
- `{ever_<status>}`, `{ever_<status>_countries}`, for any status, e.g. `{ever_reported_closed}`:
  the sites (and their countries) whose status history up to the slide's date includes that
  status, among those the slide's filters allow leaving its status filter aside: "closure was
  reported for {ever_reported_closed} sites in {ever_reported_closed_countries} countries"
  counts the sites now shown under a later finding too.

Any other number must be part of a date (a year, "6 June 2023", 2023年6月) or a figure an event's
summary states (a report's claim, "at least 102 stations in 53 countries"); given the dataset's
figures (`stated_figures`, as `validate` and the briefing page pass them), a typed count such as
"12 sites in 8 countries" is reported with its line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from stationmap.briefing.captions import PLACEHOLDERS_NAMED, typed_counts, unknown_placeholders
from stationmap.record import schema
from stationmap.record.dates import PartialDateError, parse_partial_date, resolve_day
from stationmap.record.filters import FilterState
from stationmap.record.loader import WHOLE_FILE, Problem

BRIEFINGS_FILE = "briefings.toml"

PANELS = ("map", "timeline", "both")
DEFAULT_PANEL = "map"

# Leaflet's zoom range with no tile server (the map sets maxZoom 18).
MIN_ZOOM, MAX_ZOOM = 1, 18

# A caption is read aloud to a room from a shared screen: beyond this it stops being a caption.
MAX_CAPTION_CHARS = 600

# Languages a caption may be given in besides English (the source language).
CAPTION_LANGUAGES = ("zh-Hans", "zh-Hant")


STORY_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

STORY_KEYS = {"id", "title", "summary", "next_story", "slides"}
SLIDE_KEYS = {
    "number",
    "title",
    "caption",
    "captions",
    "as_of",
    "statuses",
    "countries",
    "regions",
    "bureaus",
    "text",
    "center",
    "zoom",
    "panel",
}


@dataclass(frozen=True)
class Slide:
    """One view of a story: what to show, where the map looks, and what to say."""

    number: int
    title: str
    caption: str
    captions: dict[str, str]
    filters: FilterState
    center: tuple[float, float] | None
    zoom: int | None
    panel: str

    def caption_in(self, language: str) -> tuple[str, bool]:
        """The caption in a language, and whether it is that language (False: English)."""
        if language in self.captions:
            return self.captions[language], True
        return self.caption, language == "en"


@dataclass(frozen=True)
class Story:
    """A titled sequence of slides."""

    story_id: str
    title: str
    summary: str
    slides: tuple[Slide, ...]
    next_story: str | None = None


@dataclass
class Briefings:
    """The stories that loaded, and every problem found in the file."""

    stories: dict[str, Story] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _LineFinder:
    """Finds the line a story, slide or key stands on, since tomllib gives no positions."""

    def __init__(self, text: str):
        self.story_lines: list[int] = []
        self.slide_lines: list[list[int]] = []
        self.keys: dict[tuple[int, int, str], int] = {}
        # Keys and tables outside any [[stories]] (e.g. `stories = [1, "x"]`, `[stories]`).
        self.top: dict[str, int] = {}
        story, slide = -1, -1
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if story < 0 and (
                match := re.match(r"^\[?\[\s*([\w.-]+)\s*\]|^([\w-]+)\s*=", stripped)
            ):
                self.top.setdefault((match.group(1) or match.group(2)).split(".")[0], number)
            if stripped.startswith("[[stories]]"):
                story, slide = story + 1, -1
                self.story_lines.append(number)
                self.slide_lines.append([])
            elif stripped.startswith("[[stories.slides]]") and story >= 0:
                slide += 1
                self.slide_lines[story].append(number)
            elif (match := re.match(r"^([A-Za-z_][\w-]*)\s*=", stripped)) and story >= 0:
                self.keys.setdefault((story, slide, match.group(1)), number)

    def line(self, story: int, slide: int = -1, key: str | tuple | None = None) -> int:
        """The line of `key` (or of the first of several keys found) in a story or slide,
        else of the slide or story itself."""
        for candidate in key if isinstance(key, tuple) else (key,):
            if candidate is not None and (story, slide, candidate) in self.keys:
                return self.keys[(story, slide, candidate)]
        if slide >= 0 and story < len(self.slide_lines) and slide < len(self.slide_lines[story]):
            return self.slide_lines[story][slide]
        if story < len(self.story_lines):
            return self.story_lines[story]
        return self.top.get("stories", WHOLE_FILE)

    def top_line(self, key: str) -> int:
        """The line of a key outside the stories."""
        return self.top.get(key, WHOLE_FILE)


def _strings(value, what: str) -> tuple[tuple[str, ...], str | None]:
    if value is None:
        return (), None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return (), f"{what} must be a list of texts"
    return tuple(value), None


def parse_briefings(
    text: str,
    *,
    known_countries: Iterable[str] = (),
    known_regions: Iterable[str] = (),
    file: str = BRIEFINGS_FILE,
    today: date | None = None,
    stated_figures: Iterable[str] | None = None,
) -> Briefings:
    """Read and check stories from TOML text.

    `known_countries` (ISO codes present in the dataset) and `known_regions` let a slide be
    checked against the data it will show; empty means any ISO code or region is accepted.
    `stated_figures` (`captions.figures_stated_in_events`) turns on the check of captions'
    numbers: each must be a placeholder, part of a date, or one of these figures.
    """
    stated_figures = None if stated_figures is None else frozenset(stated_figures)
    today = resolve_day(today)
    result = Briefings()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        row = int(line.group(1)) if line else WHOLE_FILE
        result.problems.append(Problem(file, row, "", f"not valid TOML: {error}"))
        return result
    lines = _LineFinder(text)
    unknown_top = set(document) - {"stories"}
    for key in sorted(unknown_top):
        result.problems.append(
            Problem(file, lines.top_line(key), key, "unknown setting (expected: stories)")
        )
    stories = document.get("stories", [])
    if not isinstance(stories, list):
        result.problems.append(
            Problem(
                file,
                lines.top_line("stories"),
                "stories",
                "stories must be a list of tables: write each story under [[stories]]",
            )
        )
        return result
    if not stories:
        result.problems.append(Problem(file, WHOLE_FILE, "stories", "no stories found"))
        return result
    known_countries = set(known_countries)
    known_regions = set(known_regions)
    seen: set[str] = set()
    parsed: list[tuple[int, Story]] = []
    for index, raw in enumerate(stories):
        problems: list[Problem] = []

        def report(
            message: str,
            key: str | None = None,
            slide: int = -1,
            where: str = "",
            story: int = index,
            problems: list[Problem] = problems,
        ) -> None:
            problems.append(Problem(file, lines.line(story, slide, key), where, message))

        label = f"stories[{index}]"
        if not isinstance(raw, dict):
            report(
                f"a story must be a table (written under [[stories]]), not {_kind(raw)}",
                where=label,
            )
            result.problems.extend(problems)
            continue
        story_id = raw.get("id")
        if not isinstance(story_id, str) or not STORY_ID_PATTERN.match(story_id):
            report(
                f"story id {story_id!r} must be lower-case letters, digits, hyphens",
                "id",
                where=f"{label}.id",
            )
            story_id = None
        elif story_id in seen:
            report(f"duplicate story id '{story_id}'", "id", where=f"{label}.id")
        else:
            label = story_id
        for key in sorted(set(raw) - STORY_KEYS):
            report(
                f"unknown key (expected: {', '.join(sorted(STORY_KEYS))})",
                key,
                where=f"{label}.{key}",
            )
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            report("a story needs a title", "title", where=f"{label}.title")
        slides_raw = raw.get("slides")
        if slides_raw is not None and not isinstance(slides_raw, list):
            report(
                "slides must be a list of tables: write each slide under [[stories.slides]]",
                "slides",
                where=f"{label}.slides",
            )
            slides_raw = []
        elif not slides_raw:
            report("a story needs at least one slide", "slides", where=f"{label}.slides")
            slides_raw = []
        slides: list[Slide] = []
        for position, slide_raw in enumerate(slides_raw):
            where = f"{label}[{position + 1}]"
            slide = _parse_slide(
                slide_raw,
                position,
                where,
                lambda message, key=None, line_key=None, p=position, w=where: report(
                    message, (line_key, key) if line_key else key, p, f"{w}.{key}" if key else w
                ),
                known_countries,
                known_regions,
                today,
                stated_figures,
            )
            if slide:
                slides.append(slide)
        numbers = [slide.number for slide in slides]
        if numbers and len(slides) == len(slides_raw):
            for position, number in enumerate(numbers):
                if number != position + 1:
                    report(
                        f"slide {position + 1} is numbered {number}: slides must be numbered "
                        "1, 2, 3 … in order, without a gap or repeat",
                        "number",
                        position,
                        f"{label}[{position + 1}].number",
                    )
                    break
        next_story = raw.get("next_story")
        if next_story is not None and not isinstance(next_story, str):
            report("next_story must be a story id", "next_story", where=f"{label}.next_story")
            next_story = None
        summary = raw.get("summary", "")
        if not isinstance(summary, str):
            report("summary must be text", "summary", where=f"{label}.summary")
        if story_id:
            seen.add(story_id)
        if problems or not story_id:
            result.problems.extend(problems)
            continue
        parsed.append(
            (
                index,
                Story(
                    story_id,
                    title.strip(),
                    summary,
                    tuple(slides),
                    next_story,
                ),
            )
        )
    # Stories may chain into one another; a chain must end, and point at stories that exist.
    by_id = {story.story_id: story for _, story in parsed}
    for index, story in parsed:
        problem = _check_chain(story, by_id)
        if problem:
            result.problems.append(
                Problem(
                    file,
                    lines.line(index, -1, "next_story"),
                    f"{story.story_id}.next_story",
                    problem,
                )
            )
        else:
            result.stories[story.story_id] = story
    result.problems.sort(key=lambda p: (p.row, p.column, p.message))
    return result


def _check_chain(story: Story, by_id: dict[str, Story]) -> str | None:
    visited = [story.story_id]
    current = story
    while current.next_story:
        if current.next_story not in by_id:
            return f"next_story '{current.next_story}' is not a story in this file"
        if current.next_story in visited:
            return "stories chain into a cycle: " + " → ".join([*visited, current.next_story])
        visited.append(current.next_story)
        current = by_id[current.next_story]
    return None


def check_numbers(caption, key, language, fail, stated_figures) -> None:
    """Report a caption's unknown placeholders and, given the figures the events state
    (`stated_figures`; None: not checked), each typed count (see stationmap.briefing.captions).
    `language` is '' for the English caption, else the translation's tag."""
    where = f" in {language}" if language else ""
    for placeholder in unknown_placeholders(caption):
        fail(
            f"unknown placeholder '{{{placeholder}}}'{where} (allowed: {PLACEHOLDERS_NAMED})",
            key,
            language,
        )
    if stated_figures is None:
        return
    for number in typed_counts(caption, stated_figures):
        fail(
            f"'{number}'{where} is a typed count: a caption's numbers come from the data; "
            f"use a placeholder ({PLACEHOLDERS_NAMED}), or quote only a figure an event's "
            "summary states",
            key,
            language,
        )


def _kind(value) -> str:
    """What a TOML value is, in words, for a problem's message."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a text ({value!r})" if len(value) <= 40 else "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _parse_slide(
    raw, position, where, report, known_countries, known_regions, today, stated_figures=None
):
    if not isinstance(raw, dict):
        report(f"a slide must be a table (written under [[stories.slides]]), not {_kind(raw)}")
        return None
    failed = False

    def fail(message: str, key: str | None = None, line_key: str | None = None) -> None:
        # line_key: a key nearer the fault than `key` (a caption's language), if on a line.
        nonlocal failed
        failed = True
        if line_key:
            report(message, key, line_key=line_key)
        else:
            report(message, key)

    for key in sorted(set(raw) - SLIDE_KEYS):
        fail(f"unknown key '{key}' (expected: {', '.join(sorted(SLIDE_KEYS))})", key)
    number = raw.get("number", position + 1)
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        fail("number must be a whole number from 1", "number")
        number = position + 1
    caption = raw.get("caption")
    if not isinstance(caption, str) or not caption.strip():
        fail("a slide needs a caption", "caption")
        caption = ""
    elif len(caption) > MAX_CAPTION_CHARS:
        fail(f"caption is {len(caption)} characters; keep it under {MAX_CAPTION_CHARS}", "caption")
    check_numbers(caption, "caption", "", fail, stated_figures)
    captions = raw.get("captions", {})
    if not isinstance(captions, dict):
        fail("captions must be a table of language = text", "captions")
        captions = {}
    for language, text in captions.items():
        if language not in CAPTION_LANGUAGES:
            fail(
                f"unknown caption language '{language}' (allowed: {', '.join(CAPTION_LANGUAGES)})",
                "captions",
            )
        elif not isinstance(text, str):
            fail(f"caption in {language} must be text, not {_kind(text)}", "captions")
        elif not text.strip():
            fail(f"caption in {language} is empty", "captions")
        else:
            check_numbers(text, "captions", language, fail, stated_figures)
    title = raw.get("title", "")
    if not isinstance(title, str):
        fail("title must be text", "title")
        title = ""
    as_of = None
    as_of_raw = raw.get("as_of")
    if isinstance(as_of_raw, datetime):
        # A date and time cannot be compared with a day: it is a mistake, not a finer date.
        fail("as_of must be a date (YYYY-MM-DD), without a time", "as_of")
    elif isinstance(as_of_raw, date):
        as_of = as_of_raw
    elif isinstance(as_of_raw, str):
        try:
            parsed = parse_partial_date(as_of_raw)
        except PartialDateError as error:
            fail(str(error), "as_of")
            parsed = None
        as_of = parsed.end if parsed else None
    elif as_of_raw is not None:
        fail("as_of must be a date (YYYY-MM-DD)", "as_of")
    if as_of and as_of > today:
        fail(f"{as_of.isoformat()} is in the future", "as_of")
    statuses, error = _strings(raw.get("statuses"), "statuses")
    if error:
        fail(error, "statuses")
    for status in statuses:
        if status not in schema.STATUSES:
            fail(f"unknown status '{status}' (allowed: {', '.join(schema.STATUSES)})", "statuses")
    countries, error = _strings(raw.get("countries"), "countries")
    if error:
        fail(error, "countries")
    for code in countries:
        if known_countries and code not in known_countries:
            fail(
                f"unknown country '{code}' (no site in the dataset has this ISO code)", "countries"
            )
    regions, error = _strings(raw.get("regions"), "regions")
    if error:
        fail(error, "regions")
    for region in regions:
        if known_regions and region not in known_regions:
            fail(
                f"unknown region '{region}' (allowed: {', '.join(sorted(known_regions))})",
                "regions",
            )
    bureaus, error = _strings(raw.get("bureaus"), "bureaus")
    if error:
        fail(error, "bureaus")
    text = raw.get("text", "")
    if not isinstance(text, str):
        fail("text must be text", "text")
        text = ""
    center = raw.get("center")
    if center is not None:
        valid = (
            isinstance(center, list)
            and len(center) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in center)
        )
        if not valid:
            fail("center must be [latitude, longitude]", "center")
            center = None
        elif not (-90 <= center[0] <= 90 and -180 <= center[1] <= 180):
            fail(
                f"center {center} is out of range (latitude -90..90, longitude -180..180)", "center"
            )
            center = None
        else:
            center = (float(center[0]), float(center[1]))
    zoom = raw.get("zoom")
    if zoom is not None and (
        not isinstance(zoom, int) or isinstance(zoom, bool) or not MIN_ZOOM <= zoom <= MAX_ZOOM
    ):
        fail(f"zoom must be a whole number from {MIN_ZOOM} to {MAX_ZOOM}", "zoom")
        zoom = None
    if (center is None) != (zoom is None) and not failed:
        fail("give center and zoom together, or neither (the map then fits its sites)", "zoom")
    panel = raw.get("panel", DEFAULT_PANEL)
    if not isinstance(panel, str) or panel not in PANELS:
        fail(f"unknown panel {panel!r} (allowed: {', '.join(PANELS)})", "panel")
    if failed:
        return None
    return Slide(
        number=number,
        title=title.strip(),
        caption=caption.strip(),
        captions={k: v.strip() for k, v in captions.items()},
        filters=FilterState(
            statuses=statuses,
            countries=countries,
            regions=regions,
            bureaus=bureaus,
            text=text,
            as_of=as_of,
        ),
        center=center,
        zoom=zoom,
        panel=panel,
    )


def load_briefings(
    path: Path,
    *,
    known_countries: Iterable[str] = (),
    known_regions: Iterable[str] = (),
    today: date | None = None,
    stated_figures: Iterable[str] | None = None,
) -> Briefings:
    """Read stories from a file; a missing or unreadable file is a problem, not an error."""
    if not path.is_file():
        return Briefings(problems=[Problem(path.name, WHOLE_FILE, "", "file is missing")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Briefings(
            problems=[Problem(path.name, line, "", "bytes are not valid UTF-8; save as UTF-8")]
        )
    return parse_briefings(
        text,
        known_countries=known_countries,
        known_regions=known_regions,
        file=path.name,
        today=today,
        stated_figures=stated_figures,
    )
