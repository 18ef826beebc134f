"""Briefing stories: the shipped ones check out against the data, broken ones are explained."""

from __future__ import annotations

import pytest

from stationmap import config
from stationmap.briefing.captions import figures_stated_in_events, fill_caption
from stationmap.briefing.stories import load_briefings, parse_briefings
from stationmap.record.filters import apply_filters, count_headlines
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY

GOOD_STORY = """
[[stories]]
id = "demo"
title = "Demo"

[[stories.slides]]
number = 1
caption = "First."
as_of = "2023-06-06"
countries = ["GB"]
statuses = ["alleged"]
center = [54.0, -3.0]
zoom = 5
panel = "both"

[[stories.slides]]
number = 2
caption = "Second: {sites} sites in {countries} countries."
"""


@pytest.fixture(scope="module")
def shipped_briefings(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    return load_briefings(
        config.DEFAULT_DATA_DIR / "briefings.toml",
        known_countries=set(view["iso2"]),
        known_regions=set(view["region"]),
        today=TEST_TODAY,
        stated_figures=figures_stated_in_events(shipped_dataset),
    )


def test_shipped_stories_are_valid(shipped_briefings):
    # Their captions' numbers included: placeholders, dates, or figures the events state.
    assert [str(p) for p in shipped_briefings.problems] == []
    assert set(shipped_briefings.stories) == {"uk", "world"}
    assert all(len(story.slides) >= 5 for story in shipped_briefings.stories.values())


def slide_counts(dataset, slide):
    view = build_site_view(dataset, slide.filters.as_of or TEST_TODAY)
    return count_headlines(apply_filters(view, slide.filters))


def test_uk_story_follows_the_timeline(shipped_dataset, shipped_briefings):
    uk = shipped_briefings.stories["uk"]
    first, statement = uk.slides[0], uk.slides[3]
    assert slide_counts(shipped_dataset, first)["by_status"]["alleged"] == 3  # Belfast not yet
    after = slide_counts(shipped_dataset, statement)["by_status"]
    assert after["no_evidence_found"] == 3 and after["reported_closed"] == 1


def test_world_story_slides_show_what_they_say(shipped_dataset, shipped_briefings):
    world = shipped_briefings.stories["world"].slides
    charges = slide_counts(shipped_dataset, world[4])
    assert charges["sites"] == 1  # New York only
    closures = slide_counts(shipped_dataset, world[2])
    caption = fill_caption(world[2].caption, closures)
    assert f"for {closures['sites']} sites in {closures['countries']} countries" in caption
    assert "{" not in fill_caption(world[5].caption, slide_counts(shipped_dataset, world[5]))


def test_good_story_parses():
    briefings = parse_briefings(GOOD_STORY, known_countries={"GB"}, today=TEST_TODAY)
    assert briefings.problems == []
    slide = briefings.stories["demo"].slides[0]
    assert slide.filters.countries == ("GB",) and slide.panel == "both"
    assert (slide.center, slide.zoom) == ((54.0, -3.0), 5)
    assert briefings.stories["demo"].slides[1].panel == "map"


def broken(old: str, new: str) -> str:
    assert old in GOOD_STORY
    return GOOD_STORY.replace(old, new, 1)


CASES = [
    (
        "unknown status",
        broken('statuses = ["alleged"]', 'statuses = ["closed"]'),
        "briefings.toml:11: demo[1].statuses: unknown status 'closed' (allowed: alleged, under_investigation, investigation_closed, no_evidence_found, ordered_closed, reported_closed, charges_filed, convicted)",
    ),
    (
        "bad date",
        broken('as_of = "2023-06-06"', 'as_of = "2023-06-31"'),
        "briefings.toml:9: demo[1].as_of: '2023-06-31' is not a real date (day is out of range for month)",
    ),
    (
        "future date",
        broken('as_of = "2023-06-06"', 'as_of = "2030-01-01"'),
        "briefings.toml:9: demo[1].as_of: 2030-01-01 is in the future",
    ),
    (
        "unknown country",
        broken('countries = ["GB"]', 'countries = ["UK"]'),
        "briefings.toml:10: demo[1].countries: unknown country 'UK' (no site in the dataset has this ISO code)",
    ),
    (
        "missing caption",
        broken('caption = "First."', 'title = "No caption"'),
        "briefings.toml:6: demo[1].caption: a slide needs a caption",
    ),
    (
        "unknown panel",
        broken('panel = "both"', 'panel = "chart"'),
        "briefings.toml:14: demo[1].panel: unknown panel 'chart' (allowed: map, timeline, both)",
    ),
    (
        "zoom out of range",
        broken("zoom = 5", "zoom = 30"),
        "briefings.toml:13: demo[1].zoom: zoom must be a whole number from 1 to 18",
    ),
    (
        "centre without zoom",
        broken("zoom = 5\n", ""),
        "briefings.toml:6: demo[1].zoom: give center and zoom together, or neither (the map then fits its sites)",
    ),
    (
        "centre out of range",
        broken("center = [54.0, -3.0]", "center = [-3.0, 254.0]"),
        "briefings.toml:12: demo[1].center: center [-3.0, 254.0] is out of range (latitude -90..90, longitude -180..180)",
    ),
    (
        "gap in the slides",
        broken("number = 2", "number = 3"),
        "briefings.toml:17: demo[2].number: slide 2 is numbered 3: slides must be numbered 1, 2, 3 … in order, without a gap or repeat",
    ),
    (
        "repeated slide number",
        broken("number = 2", "number = 1"),
        "briefings.toml:17: demo[2].number: slide 2 is numbered 1: slides must be numbered 1, 2, 3 … in order, without a gap or repeat",
    ),
    (
        "unknown placeholder",
        broken("{countries} countries", "{regions} regions"),
        "briefings.toml:18: demo[2].caption: unknown placeholder '{regions}' (allowed: {sites}, {countries}, {ever_<status>}, {ever_<status>_countries})",
    ),
    (
        "unknown key",
        broken('panel = "both"', 'panel = "both"\nlayout = "wide"'),
        "briefings.toml:15: demo[1].layout: unknown key 'layout' (expected: as_of, bureaus, caption, captions, center, countries, number, panel, regions, statuses, text, title, zoom)",
    ),
    (
        "unknown caption language",
        broken('caption = "First."', 'caption = "First."\ncaptions = { fr = "Premier." }'),
        "briefings.toml:9: demo[1].captions: unknown caption language 'fr' (allowed: zh-Hans, zh-Hant)",
    ),
    (
        "not TOML",
        broken('title = "Demo"', 'title = "Demo'),
        "briefings.toml:4: -: not valid TOML",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_story_is_explained(text, expected):
    briefings = parse_briefings(text, known_countries={"GB"}, today=TEST_TODAY)
    problems = [str(p) for p in briefings.problems]
    assert any(line.startswith(expected) for line in problems), problems
    assert "demo" not in briefings.stories


def test_story_chain_cycle_and_dangling_link():
    text = GOOD_STORY.replace('title = "Demo"', 'title = "Demo"\nnext_story = "other"', 1)
    other = GOOD_STORY.replace('id = "demo"', 'id = "other"').replace(
        'title = "Demo"', 'title = "Other"\nnext_story = "demo"', 1
    )
    cycle = parse_briefings(text + other, known_countries={"GB"}, today=TEST_TODAY)
    assert any("stories chain into a cycle: demo → other → demo" in str(p) for p in cycle.problems)
    assert cycle.stories == {}
    dangling = parse_briefings(text, known_countries={"GB"}, today=TEST_TODAY)
    assert [str(p).split(": ", 2)[-1] for p in dangling.problems] == [
        "next_story 'other' is not a story in this file"
    ]


def test_one_broken_story_does_not_lose_the_others():
    other = GOOD_STORY.replace('id = "demo"', 'id = "other"')
    text = broken('statuses = ["alleged"]', 'statuses = ["closed"]') + other
    briefings = parse_briefings(text, known_countries={"GB"}, today=TEST_TODAY)
    assert list(briefings.stories) == ["other"]
    assert len(briefings.problems) == 1


def test_missing_and_non_utf8_files(tmp_path):
    assert str(load_briefings(tmp_path / "briefings.toml").problems[0]) == (
        "briefings.toml:-: -: file is missing"
    )
    path = tmp_path / "briefings.toml"
    path.write_bytes(b'[[stories]]\nid = "caf\xe9"\n')
    assert str(load_briefings(path).problems[0]) == (
        "briefings.toml:2: -: bytes are not valid UTF-8; save as UTF-8"
    )


def test_caption_falls_back_to_english():
    text = broken('caption = "First."', 'caption = "First."\ncaptions = { zh-Hans = "第一。" }')
    slide = (
        parse_briefings(text, known_countries={"GB"}, today=TEST_TODAY).stories["demo"].slides[0]
    )
    assert slide.caption_in("zh-Hans") == ("第一。", True)
    assert slide.caption_in("zh-Hant") == ("First.", False)
    assert slide.caption_in("en") == ("First.", True)
