"""A briefing caption's numbers come from the data: placeholders, dates or stated figures."""

from __future__ import annotations

from datetime import date

import pytest

from stationmap.briefing.captions import (
    CAPTION_PLACEHOLDERS,
    ever_status_counts,
    figures_stated_in_events,
    fill_caption,
    typed_counts,
)
from stationmap.briefing.stories import parse_briefings
from stationmap.record import schema
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY

STATED = {"54", "102", "53", "110"}


@pytest.mark.parametrize(
    ("caption", "typed"),
    [
        ("Closure was later reported for 12 sites in 8 countries.", ["12", "8"]),
        ("At {sites} sites in {countries} countries police found nothing.", []),
        ("On 12 September 2022 the report *110 Overseas* named sites.", []),
        ("By September 12, 2022 and in June 2023 and on 2023-06-06.", []),
        ("It claimed at least 102 stations in 53 countries.", []),
        ("Sites where charges are reported: {sites}. Two were charged, 2 arrested.", ["2"]),
        ("Events E040 and E112, Paris 11e, the 3rd report.", []),
        ("2022年10月6日，{countries}个国家的{sites}个站点。", []),
        ("德国有4个站点", ["4"]),
        ("About 1,500 people and 1.5 million.", ["1,500", "1.5"]),
        ("In 1990 and 2099, not in 3000.", ["3000"]),
    ],
)
def test_a_typed_count_is_any_number_but_a_placeholder_a_date_or_a_stated_figure(caption, typed):
    assert typed_counts(caption, STATED) == typed


def test_the_figures_a_caption_may_quote_are_those_the_events_state(small_dataset):
    figures = figures_stated_in_events(small_dataset)
    # The small dataset's summaries state no figure but the years and days of no event.
    assert typed_counts("Listed two UK addresses", figures) == []
    assert "3" not in figures
    assert figures_stated_in_events(small_dataset) is figures  # once per dataset


STORY = """
[[stories]]
id = "demo"
title = "Demo"

[[stories.slides]]
number = 1
caption = "Closure was reported for 12 sites in 8 countries."

[stories.slides.captions]
zh-Hans = "{sites}个站点，其中4个已关闭。"
"""


def test_validate_reports_each_typed_count_with_its_line():
    briefings = parse_briefings(STORY, today=TEST_TODAY, stated_figures=STATED)
    advice = (
        "is a typed count: a caption's numbers come from the data; use a placeholder ({sites}, "
        "{countries}, {ever_<status>}, {ever_<status>_countries}), or quote only a figure an "
        "event's summary states"
    )
    assert [str(problem) for problem in briefings.problems] == [
        f"briefings.toml:8: demo[1].caption: '12' {advice}",
        f"briefings.toml:8: demo[1].caption: '8' {advice}",
        f"briefings.toml:11: demo[1].captions: '4' in zh-Hans {advice}",
    ]
    assert briefings.stories == {}


def test_without_the_datas_figures_numbers_are_not_checked():
    # As when stories are read without their data (a check of the file alone).
    assert parse_briefings(STORY, today=TEST_TODAY).problems == []


def test_every_status_has_ever_placeholders():
    for status in schema.STATUSES:
        assert {f"ever_{status}", f"ever_{status}_countries"} <= set(CAPTION_PLACEHOLDERS)


def test_ever_counts_every_site_whose_history_includes_a_status(small_dataset):
    # Croydon was under investigation from November 2022, then "no evidence" from June 2023.
    view = build_site_view(small_dataset, TEST_TODAY)
    counts = ever_status_counts(small_dataset, view, TEST_TODAY)
    assert counts["ever_under_investigation"] == 1
    assert counts["ever_no_evidence_found"] == 1
    assert counts["ever_alleged"] == 3 and counts["ever_alleged_countries"] == 2
    before = ever_status_counts(small_dataset, view, date(2022, 12, 31))
    assert (before["ever_under_investigation"], before["ever_no_evidence_found"]) == (1, 0)
    caption = "At {ever_under_investigation} in {ever_under_investigation_countries}."
    assert fill_caption(caption, counts) == "At 1 in 1."


def test_fill_caption_leaves_anything_but_a_placeholder_as_written():
    assert fill_caption("{sites} and {other}", {"sites": 3}) == "3 and {other}"


def test_a_slide_fills_ever_placeholders_from_its_view_leaving_its_status_filter_aside(
    small_dataset,
):
    from stationmap.briefing.stories import Slide
    from stationmap.briefing.view import build_slide_view
    from stationmap.record.filters import FilterState

    slide = Slide(
        number=1,
        title="No evidence",
        caption="{sites} shown; investigation reported at {ever_under_investigation} site(s).",
        captions={},
        filters=FilterState(statuses=("no_evidence_found",), countries=("GB",)),
        center=None,
        zoom=None,
        panel="map",
    )
    view = build_site_view(small_dataset, TEST_TODAY)
    shown = build_slide_view(small_dataset, view, slide, on=TEST_TODAY)
    # Croydon alone is "no evidence" today, and it alone was ever under investigation.
    assert shown.caption == "1 shown; investigation reported at 1 site(s)."
    alleged = Slide(**{**slide.__dict__, "filters": FilterState(statuses=("alleged",))})
    shown = build_slide_view(small_dataset, view, alleged, on=TEST_TODAY)
    # Glasgow and France are alleged today; Croydon, filtered out by status, still counts.
    assert shown.caption == "2 shown; investigation reported at 1 site(s)."
