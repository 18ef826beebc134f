"""The sites and sources pages' tables: one row per filtered site, readable sortable dates,
the map's status colours, per-country summaries and what each source supports."""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
import pytest

from stationmap import i18n
from stationmap.html import palette, popups, tables
from stationmap.html.texts import current_texts
from stationmap.record import schema
from stationmap.record.dates import parse_partial_date
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY, small_files, small_rows

REPORTED_CLOSED_IN_EUROPE = FilterState(statuses=("reported_closed",), regions=("Europe",))


@pytest.fixture
def small_view(small_dataset):
    return apply_filters(build_site_view(small_dataset, TEST_TODAY), FilterState())


def test_one_row_per_filtered_site_in_the_views_order(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    filtered = apply_filters(view, REPORTED_CLOSED_IN_EUROPE)
    table = tables.site_table(filtered, shipped_dataset)
    assert list(table.index) == list(filtered.index)
    assert list(table.columns) == tables.SITE_TABLE_COLUMNS
    assert {status for tags in table["status"] for status in tags} == {"Reported closed"}


def test_a_row_gives_place_status_dates_counts_and_the_status_source(small_dataset, small_view):
    croydon = tables.site_table(small_view, small_dataset).loc["uk-croydon"]
    assert croydon["name"] == "London: Croydon"
    assert croydon["precision"] == "District or street"
    assert croydon["status"] == ["No evidence reported by authorities"]
    # Dates as written, so they sort in date order; shown in words by their column's options.
    assert croydon["status_since"] == "2023-06-06"
    assert croydon["first_reported"] == "2022-09-12"
    assert (croydon["event_count"], croydon["source_count"]) == (3, 2)
    # E3 set the status; its source is S1.
    assert croydon["status_source"] == "https://hansard.parliament.uk/example"


def test_country_rows_say_no_city_and_unknown_bureaus_say_so(small_dataset, small_view):
    france = tables.site_table(small_view, small_dataset).loc["fr-unspecified"]
    assert france["city"] == "City not reported"
    assert france["operating_bureau"] == "Not reported"
    assert france["precision"] == "Country only (city not reported)"


def test_a_status_source_is_never_a_link_that_is_not_http():
    rows = small_rows()
    rows["sources.csv"][0]["url"] = "https://hansard.parliament.uk/example"
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    dataset.sources.loc["S1", "url"] = "javascript:alert(1)"
    view = build_site_view(dataset, TEST_TODAY)
    table = tables.site_table(apply_filters(view, FilterState()), dataset)
    # Croydon's status came from E3 (S1 only): no followable link there, so the site's own.
    assert table.at["uk-croydon", "status_source"] == "https://safeguarddefenders.com/en/example"
    assert not table["status_source"].dropna().str.startswith("javascript").any()


@pytest.mark.parametrize(
    ("written", "shown"),
    [("2023-06-06", "6 June 2023"), ("2023-06", "June 2023"), ("2023", "2023"), (None, "")],
)
def test_dates_are_shown_at_their_own_precision(written, shown):
    assert tables.date_display(written) == shown


def test_iso_dates_sort_in_date_order():
    written = ["2023-06-06", "2022", "2023-06", "2022-09-12", "2023"]
    assert sorted(written) == ["2022", "2022-09-12", "2023", "2023-06", "2023-06-06"]


def test_the_date_columns_options_give_each_date_written_its_words_oldest_first(
    small_dataset, small_view
):
    table = tables.site_table(small_view, small_dataset)
    labels = tables.date_labels(table, ("status_since", "first_reported"))
    written = set(table["status_since"].dropna()) | set(table["first_reported"].dropna())
    assert list(labels) == sorted(written)
    assert labels["2023-06-06"] == "6 June 2023"
    assert labels["2022-09-12"] == "12 September 2022"


def test_every_status_is_a_tag_in_the_maps_colour_or_a_readable_shade_of_it(small_dataset):
    tags = tables.status_tags(current_texts())
    assert list(tags) == [i18n.status_label(status) for status in schema.STATUSES]
    assert tags["Reported closed"] == palette.STATUS_COLORS["reported_closed"]
    assert tags["Conviction in court"] == palette.STATUS_COLORS["convicted"]
    # Every status shown in the table has a tag, and no tag is split by the comma in its words.
    table = tables.site_table(build_site_view(small_dataset, TEST_TODAY), small_dataset)
    assert all(len(cell) == 1 and cell[0] in tags for cell in table["status"].dropna())


def test_the_small_tables_styler_shows_dates_in_words_and_keeps_the_values(
    small_dataset, small_view
):
    table = tables.site_table(small_view, small_dataset)
    styled = tables.style_table(table, date_columns=("status_since", "first_reported"))
    page = styled.to_html()
    assert "6 June 2023" in page and "12 September 2022" in page
    # The values underneath are unchanged.
    assert styled.data.equals(table)


def test_the_country_summary_counts_sites_per_status_and_the_latest_event(
    small_dataset, small_view
):
    summary = tables.country_summary(small_view, small_dataset)
    assert list(summary.index) == ["GB", "FR"]
    britain = summary.loc["GB"]
    assert (britain["sites"], britain["alleged"], britain["no_evidence_found"]) == (2, 1, 1)
    assert britain["latest_event"] == "2023-06-06"
    assert summary.loc["FR", "latest_event"] == "2022-12-05"
    assert list(summary.columns) == tables.COUNTRY_SUMMARY_COLUMNS


def test_the_country_summary_follows_the_filters(shipped_dataset):
    view = build_site_view(shipped_dataset, TEST_TODAY)
    filtered = apply_filters(view, REPORTED_CLOSED_IN_EUROPE)
    summary = tables.country_summary(filtered, shipped_dataset)
    assert summary["sites"].sum() == len(filtered)
    assert summary["reported_closed"].sum() == len(filtered)
    assert set(summary.index) == set(filtered["iso2"])


def test_source_usage_counts_sites_through_their_events(small_dataset):
    usage = tables.source_usage(small_dataset)
    # S2 is cited by all three sites and by E1 and E4; S1 by Croydon and Glasgow (their own
    # rows) and E2, E3 and E5.
    assert usage.loc["S2"].to_dict() == {"sites": 3, "events": 2}
    assert usage.loc["S1"].to_dict() == {"sites": 2, "events": 3}


def test_the_source_table_lists_every_source_newest_first(shipped_dataset):
    table = tables.source_table(shipped_dataset)
    assert len(table) == len(shipped_dataset.sources)
    assert list(table.columns) == tables.SOURCE_TABLE_COLUMNS
    starts = [parse_partial_date(d).start for d in table["date"] if isinstance(d, str)]
    assert starts == sorted(starts, reverse=True)
    assert table["url"].dropna().str.match(r"^https?://").all()
    assert (table["sites"] + table["events"] > 0).all()


def test_a_selection_key_changes_with_the_rows():
    first = tables.selection_key("sites_table", ["a", "b"])
    assert first == tables.selection_key("sites_table", ["a", "b"])
    assert first != tables.selection_key("sites_table", ["a"])
    assert first.startswith("sites_table-")


def sources_with_extras(small_dataset):
    """The small dataset's sources, S2 read from a mirror, marked weak and with a note."""
    sources = small_dataset.sources.copy()
    sources.loc["S2", ["copy_url", "reliability", "note"]] = [
        "https://mirror.example.org/110-overseas",
        "weak",
        "The headline says <more> than the report.",
    ]
    sources.loc["S1", "url"] = "javascript:alert(1)"
    sources.loc["S1", "copy_url"] = "javascript:alert(2)"
    small_dataset.sources = sources
    return small_dataset


def test_the_source_table_links_publisher_and_title_never_the_address(small_dataset):
    html = tables.source_table_html(sources_with_extras(small_dataset))
    rows = re.findall(r"<tr id=\"source-(S\d)\">(.*?)</tr>", html)
    assert [source_id for source_id, _ in rows] == ["S1", "S2"]  # newest first
    s1, s2 = (row for _, row in rows)
    assert (
        '<a href="https://safeguarddefenders.com/en/example" target="_blank" '
        'rel="noopener noreferrer">Safeguard Defenders — 110 Overseas</a>'
    ) in s2
    # The address is never the text of a link, and the copy read is offered beside it.
    assert ">https://" not in html
    assert (
        ' · <a href="https://mirror.example.org/110-overseas" target="_blank" '
        'rel="noopener noreferrer">copy read</a>'
    ) in s2
    assert '<strong class="sm-caution">weak source</strong>' in s2
    assert "Note: The headline says &lt;more&gt; than the report." in s2
    # Neither a javascript: address nor its copy becomes a link.
    assert 'href="javascript' not in html and "copy read" not in s1
    assert '<th scope="col">Source</th>' in html


def test_an_event_citation_of_a_weak_source_says_so(small_dataset):
    sources = sources_with_extras(small_dataset).sources.to_dict("index")
    cites = popups.citation_links_html(["S2"], sources)
    assert cites.endswith("Safeguard Defenders</a> (weak source)]</span>")


def test_the_sources_of_a_view_are_those_its_sites_and_events_cite(small_dataset):
    events = small_dataset.events
    france_alone = tables.sources_cited(small_dataset, ["fr-unspecified"], events.iloc[0:0])
    assert france_alone == {"S2"}
    # An event's sources count too, and an id no loaded source has is left out.
    investigation = events.loc[["E2"]].assign(source_ids=[("S1", "S9")])
    assert tables.sources_cited(small_dataset, ["fr-unspecified"], investigation) == {"S1", "S2"}
    assert list(tables.source_table(small_dataset, only={"S2"}).index) == ["S2"]
    html = tables.source_table_html(small_dataset, only=france_alone)
    assert re.findall(r'<tr id="source-([^"]+)"', html) == ["S2"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (0, tables.SOURCE_TABLE_HEAD_PX + tables.SOURCE_ROW_PX),
        (3, tables.SOURCE_TABLE_HEAD_PX + 3 * tables.SOURCE_ROW_PX),
        (1_000, tables.SOURCE_TABLE_MAX_PX),
    ],
)
def test_the_source_tables_box_grows_with_its_rows_up_to_a_screenful(rows, expected):
    # Kept before the table's code has loaded: a short table gets a short box, a long one
    # scrolls inside a box that leaves room for the page around it.
    assert tables.source_table_height(rows) == expected


def test_the_grid_draws_every_tags_text_at_wcag_aa_contrast():
    # The grid picks a tag's text colour itself (black above luminance 0.5, white below).
    tags = [*palette.STATUS_TAG_COLORS.values(), palette.CAUTION_TAG_COLOR, palette.PLAIN_TAG_COLOR]
    for color in tags:
        text = palette.grid_tag_text_color(color)
        assert palette.contrast_ratio(color, text) >= palette.AA_TEXT_CONTRAST, color
    # Known values: white on black, and the map's orange, too light for white text.
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert palette.grid_tag_text_color("#E69F00") == "#FFFFFF"
    assert palette.contrast_ratio("#E69F00", "#FFFFFF") < palette.AA_TEXT_CONTRAST
    assert palette.STATUS_TAG_COLORS["alleged"] != palette.STATUS_COLORS["alleged"]


def test_the_grid_gets_the_same_rows_with_row_numbers_and_repeated_words_once(
    small_dataset, small_view
):
    table = tables.site_table(small_view, small_dataset)
    grid = tables.grid_table(table)
    assert isinstance(grid.index, pd.RangeIndex) and len(grid) == len(table)
    assert list(grid.columns) == tables.SITE_TABLE_COLUMNS
    for column in tables.SITE_TABLE_COLUMNS:
        if column in tables.TAG_COLUMNS:
            # A JSON list, which the grid reads back as the list of tags.
            read_back = [None if pd.isna(cell) else json.loads(cell) for cell in grid[column]]
            assert read_back == table[column].tolist(), column
        else:
            assert grid[column].tolist() == table[column].tolist(), column
    repeated = (*tables.REPEATED_TEXT_COLUMNS, *tables.TAG_COLUMNS)
    assert all(grid[column].dtype == "category" for column in repeated)
    # The shared table is left as it was.
    assert table["country"].dtype != "category" and table.index[0] == "uk-croydon"


def test_a_tag_with_a_comma_or_quotes_reaches_the_grid_as_one_tag(small_dataset, small_view):
    # The grid splits plain text on commas, and reads text that is a JSON list as that list.
    table = tables.site_table(small_view, small_dataset).head(2).copy()
    words = 'Closé, "selon" la police'
    table["status"] = [[words], None]
    grid = tables.grid_table(table)
    assert json.loads(grid["status"].iloc[0]) == [words]
    assert "Clos\u00e9," in grid["status"].iloc[0]  # non-ASCII kept as it is, not escaped
    assert pd.isna(grid["status"].iloc[1])


def test_the_sites_grid_holds_the_table_its_grid_rows_and_their_dates_words(
    small_dataset, small_view
):
    sites = tables.sites_grid(small_view, small_dataset)
    assert sites.table.equals(tables.site_table(small_view, small_dataset))
    assert sites.grid.equals(
        pa.Table.from_pandas(tables.grid_table(sites.table), preserve_index=False)
    )
    assert sites.grid.column_names == tables.SITE_TABLE_COLUMNS
    assert sites.dates == tables.date_labels(sites.table, tables.SITE_DATE_COLUMNS)
    assert sites.selection_key("sites_table") == tables.selection_key(
        "sites_table", sites.table.index
    )
