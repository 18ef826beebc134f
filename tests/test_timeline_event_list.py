"""The timeline's HTML list: month headings, each event with its sources, escaped."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from stationmap.html.escape import esc
from stationmap.timeline import event_list
from stationmap.timeline.event_list import (
    JUMP_SCRIPT,
    MAX_LISTED_EVENTS,
    UNDATED_ANCHOR,
    event_item_html,
    jump_html,
    kinds_legend_html,
    latest_month,
    months_html,
    shown_kinds,
    year_anchor,
)
from stationmap.timeline.events import EVENT_GROUPS, GROUP_COLORS, GROUP_EMBASSY, by_month
from tests.timeline_data import all_events, big_synthetic_dataset, uk_events


@pytest.fixture(scope="module")
def big_dataset():
    return big_synthetic_dataset()


def test_the_list_gives_each_event_its_sources_as_safe_links(shipped_dataset):
    sources = shipped_dataset.sources.to_dict("index")
    events = uk_events(shipped_dataset)
    html = months_html(events, sources)
    headings = re.findall(r'<h4 class="sm-month"[^>]*>([^<]+)</h4>', html)
    assert headings == [heading for heading, _ in by_month(events)]
    statement = html.split('data-event="E070"', 1)[1].split("</li></ul></li>", 1)[0]
    assert "6 June 2023" in statement
    assert "Security Minister Tom Tugendhat" in statement
    assert "Sites: London: Croydon, London: Hendon, Glasgow, Belfast" in statement
    hansard = sources["S001"]
    assert f'href="{hansard["url"]}" target="_blank" rel="noopener noreferrer"' in statement
    assert f"{esc(hansard['publisher'])} — {esc(hansard['title'])}" in statement


def test_the_list_escapes_every_data_string_and_links_only_http():
    event = {
        "event_id": 'E1"><b>',
        "group": "police",
        "date_label": "<i>June</i>",
        "type_label": "Police visit",
        "actor": "<img src=x onerror=alert(1)>",
        "summary": "{{ 7 * 7 }} `${alert(1)}`",
        "site_names": "</li><script>alert(1)</script>",
        "source_ids": ("S1", "S2"),
    }
    sources = {
        "S1": {"publisher": "<b>P</b>", "title": "T", "date": None, "url": "javascript:alert(1)"},
        "S2": {"publisher": "P2", "title": "T2", "date": None, "url": "https://example.org/a"},
    }
    html = event_item_html(event, sources)
    for raw in ("<img", "<script", "<i>", "<b>", "{{", "`", "${", 'E1">'):
        assert raw not in html
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.org/a"]
    assert "javascript:alert(1)" in html  # shown as text, never followed


def test_one_month_at_a_time_opens_at_the_latest_dated_month(big_dataset):
    events, _sites = all_events(big_dataset)
    months = by_month(events)
    headings = [heading for heading, _month in months]
    assert headings[-1] == "Date not known"
    latest = latest_month(headings)
    assert latest == len(headings) - 2
    assert months[latest][1]["start"].max() == events["start"].max()
    assert sum(len(month) for _heading, month in months) == len(events) > MAX_LISTED_EVENTS
    assert latest_month(["June 2023"]) == 0 and latest_month([]) == 0


def test_the_kinds_legend_names_the_kinds_a_chart_draws_in_words(shipped_dataset):
    events = uk_events(shipped_dataset)
    kinds = shown_kinds(events)
    legend = kinds_legend_html(events)

    assert kinds == [kind for kind in EVENT_GROUPS if kind in set(events["group"])]
    assert legend.count("<li>") == len(kinds) >= 3
    assert "Embassy responses" in legend and GROUP_COLORS[GROUP_EMBASSY] in legend
    assert 'aria-label="Kinds of event"' in legend
    # An undated event is on no chart: its kind alone is not in the legend.
    undated = events.assign(start=pd.NaT)
    assert shown_kinds(undated) == [] and "<li>" not in kinds_legend_html(undated)


def test_the_kinds_legend_escapes_its_names(monkeypatch):
    monkeypatch.setattr(event_list, "group_label", lambda group: "<b>Reports</b>")
    events = pd.DataFrame({"start": [pd.Timestamp("2023-01-01")], "group": ["reports"]})
    assert "&lt;b&gt;Reports&lt;/b&gt;" in kinds_legend_html(events)


def test_a_long_list_has_a_link_to_each_year_and_each_year_a_target(shipped_dataset):
    sources = shipped_dataset.sources.to_dict("index")
    events, _sites = all_events(shipped_dataset)
    jump = jump_html(events)
    html = months_html(events, sources)

    years = sorted({int(year) for year in events["start"].dropna().dt.year})
    links = re.findall(r'<a href="#([a-z0-9-]+)" data-sm-skip="#\1">([^<]+)</a>', jump)
    assert [label for _anchor, label in links][: len(years)] == [str(y) for y in years]
    assert 'aria-label="Jump to a year"' in jump
    # The links move focus by script (the skip link's), which the page lets run.
    assert jump.endswith(f"<script>{JUMP_SCRIPT}</script>") and "bindSkipLinks()" in JUMP_SCRIPT
    # Each link lands on exactly one heading: the first month of its year.
    for anchor, _label in links:
        assert html.count(f'id="{anchor}"') == 1
    first_2023 = html.split(f'id="{year_anchor(2023)}"', 1)[1].split("</h4>", 1)[0]
    assert first_2023.endswith(by_month(events[events["start"].dt.year == 2023])[0][0])
    if events["start"].isna().any():
        assert links[-1][0] == UNDATED_ANCHOR


def test_a_list_of_one_year_needs_no_links(shipped_dataset):
    events, _sites = all_events(shipped_dataset)
    one_year = events[events["start"].dt.year == 2023]
    assert jump_html(one_year) == ""
    assert jump_html(events.iloc[0:0]) == ""
