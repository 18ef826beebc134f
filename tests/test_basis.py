"""What each site rests on: its basis and its independent sources, derived from the sources."""

from __future__ import annotations

import csv
import io
import json

import pytest

from stationmap import exports
from stationmap.cli import main
from stationmap.html import palette, popups, tables
from stationmap.html.texts import current_texts
from stationmap.record import basis, schema
from stationmap.record.basis import publisher_key, site_basis
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY, small_files, small_rows

SITES, EVENTS, SOURCES = schema.SITES_FILE, schema.EVENTS_FILE, schema.SOURCES_FILE


def source(source_id: str, publisher: str, kind: str = "media", **more) -> dict[str, str]:
    return {
        "source_id": source_id,
        "publisher": publisher,
        "title": f"Story {source_id}",
        "date": "2022-10-01",
        "url": f"https://example.org/{source_id}",
        "kind": kind,
        **more,
    }


def glasgow_rows(*sources: dict, events: tuple[dict, ...] = ()) -> dict:
    """The small dataset with Glasgow resting only on the given sources (its report, E1, and
    its own row cite the first of them) and the given events about it."""
    rows = small_rows()
    rows[SOURCES] += list(sources)
    first = sources[0]["source_id"]
    rows[SITES][1]["source_ids"] = first
    # E1 names both UK sites: Glasgow gets a report of its own, citing its first source.
    rows[EVENTS][0]["site_ids"] = "uk-croydon"
    rows[EVENTS][2]["site_ids"] = "uk-croydon"
    report = {**rows[EVENTS][0], "event_id": "G1", "site_ids": "uk-glasgow", "source_ids": first}
    rows[EVENTS].append({**report, "event_type": "media_report", "actor": "A newspaper"})
    for number, event in enumerate(events, start=2):
        rows[EVENTS].append({**report, "event_id": f"G{number}", "date": "2022-11-01", **event})
    return rows


def glasgow(rows: dict) -> dict:
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert dataset.problems == []
    return site_basis(dataset).loc["uk-glasgow"].to_dict()


def test_publishers_are_compared_without_case_articles_or_remarks_in_brackets():
    assert publisher_key("The Herald (Glasgow)") == publisher_key("herald") == "herald"
    assert publisher_key("Le Monde") == "le monde"
    assert publisher_key("U.S. Department of Justice (press release)") == (
        "u s department of justice"
    )
    assert publisher_key("Kőbánya Times") == "kobanya times"


def test_the_small_dataset_rests_on_parliament_and_an_ngo_report(small_dataset):
    frame = site_basis(small_dataset)
    # Croydon and Glasgow cite Hansard (parliament) and Safeguard Defenders on their own rows.
    assert frame.loc["uk-croydon"].to_dict() == {"basis": "authorities", "independent_sources": 2}
    assert frame.loc["fr-unspecified"].to_dict() == {
        "basis": "ngo_report",
        "independent_sources": 1,
    }
    # Computed once per dataset.
    assert site_basis(small_dataset) is frame


def test_media_only():
    rows = glasgow_rows(source("M1", "The Herald"), source("M2", "Daily Record"))
    rows[EVENTS][-1]["source_ids"] = "M1;M2"
    assert glasgow(rows) == {"basis": "media", "independent_sources": 2}


def test_a_newspaper_reporting_a_host_country_inquiry_counts_as_authorities():
    rows = glasgow_rows(
        source("M1", "The Herald"),
        source("M2", "BBC"),
        events=(
            {
                "event_type": "investigation_opened",
                "actor": "Police Scotland",
                "sets_status": "under_investigation",
                "source_ids": "M2",
            },
        ),
    )
    assert glasgow(rows)["basis"] == "authorities"


@pytest.mark.parametrize(
    "event",
    [
        # The embassy answering in the host country, citing its own (government) statement.
        {"event_type": "embassy_response", "actor": "Chinese embassy", "source_ids": "G9"},
        # China's foreign ministry, filed under China.
        {
            "event_type": "government_statement",
            "actor": "Chinese foreign ministry",
            "country": "China",
            "iso2": "CN",
            "site_ids": "",
            "source_ids": "G9",
        },
    ],
    ids=["embassy response", "Chinese ministry"],
)
def test_a_chinese_answer_never_makes_a_site_authorities(event):
    chinese = source("G9", "Embassy of the PRC", kind="government")
    rows = glasgow_rows(source("M1", "The Herald"), chinese, events=(event,))
    if event.get("iso2") == "CN":
        # An event in another country may not list a UK site; it is about Glasgow in its text.
        rows[EVENTS][-1]["site_ids"] = ""
    assert glasgow(rows)["basis"] == "media"


def test_a_host_country_charge_is_a_prosecutor_and_a_case_for_other_offences_is_not():
    charge = {"event_type": "charge", "actor": "Prosecutors", "source_ids": "M2"}
    rows = glasgow_rows(source("M1", "The Herald"), source("M2", "BBC"), events=(charge,))
    assert glasgow(rows)["basis"] == "court"
    other = {**charge, "event_type": "other_conviction", "actor": "A court"}
    rows = glasgow_rows(source("M1", "The Herald"), source("M2", "BBC"), events=(other,))
    assert glasgow(rows)["basis"] == "media"


def test_weak_sources_alone_make_a_weak_basis_and_never_count_as_more():
    weak = source("W1", "Anonymous relay", reliability="weak")
    police = {"event_type": "police_visit", "actor": "Police Scotland", "source_ids": "W2"}
    rows = glasgow_rows(weak, source("W2", "A content farm", reliability="weak"), events=(police,))
    assert glasgow(rows) == {"basis": "weak", "independent_sources": 2}
    rows = glasgow_rows(weak, source("M1", "The Herald"))
    rows[SITES][1]["source_ids"] = "W1;M1"
    assert glasgow(rows)["basis"] == "media"


def test_copies_of_one_story_count_once():
    rows = glasgow_rows(
        source("M1", "The Herald (Glasgow)"),
        source("M2", "Yahoo News", original_publisher="Herald"),
        source("M3", "MSN", original_publisher="the herald"),
    )
    rows[EVENTS][-1]["source_ids"] = "M1;M2;M3"
    assert glasgow(rows) == {"basis": "media", "independent_sources": 1}


def test_the_site_view_carries_the_basis_and_the_filter_selects_by_it(small_dataset):
    view = build_site_view(small_dataset, TEST_TODAY)
    assert view.loc["uk-croydon", "basis"] == "authorities"
    chosen = apply_filters(view, FilterState(bases=("ngo_report",)))
    assert list(chosen.index) == ["fr-unspecified"]
    assert len(apply_filters(view, FilterState(bases=("authorities", "ngo_report")))) == 3
    assert apply_filters(view, FilterState(bases=("court",))).empty


def test_the_popup_states_the_basis_and_marks_a_single_source_in_words(small_dataset):
    view = build_site_view(small_dataset, TEST_TODAY)
    croydon = popups.facts_html(view.loc["uk-croydon"].to_dict(), {}, current_texts())
    assert "<dt>Basis</dt><dd>Authorities addressed it</dd>" in croydon
    assert "<dt>Independent sources</dt><dd>2</dd>" in croydon
    france = popups.facts_html(view.loc["fr-unspecified"].to_dict(), {}, current_texts())
    assert (
        '<dt>Independent sources</dt><dd><strong class="sm-caution">1 (single source)</strong>'
        in france
    )
    weak = {**view.loc["fr-unspecified"].to_dict(), "basis": "weak", "independent_sources": 3}
    html = popups.facts_html(weak, {}, current_texts())
    assert '<dd><strong class="sm-caution">Weak sources only</strong></dd>' in html


def test_a_row_without_a_basis_shows_none():
    assert popups.basis_rows({"basis": None}, current_texts()) == []


def test_the_sites_table_marks_single_source_and_weak_bases(small_dataset):
    view = build_site_view(small_dataset, TEST_TODAY)
    table = tables.site_table(view[view["reported"]], small_dataset)
    assert table.loc["uk-croydon", "basis"] == ["Authorities addressed it"]
    assert table.loc["fr-unspecified", "basis"] == ["NGO report · single source"]
    assert table.loc["fr-unspecified", "independent_sources"] == 1
    tags = tables.basis_tags(current_texts())
    assert tags["NGO report · single source"] == palette.CAUTION_TAG_COLOR
    assert tags["Weak sources only"] == palette.CAUTION_TAG_COLOR
    assert tags["Authorities addressed it"] == palette.PLAIN_TAG_COLOR
    # Every basis the table shows is one of its tags.
    assert {words for (words,) in table["basis"]} <= set(tags)


def test_exports_carry_basis_and_independent_sources(small_dataset):
    view = build_site_view(small_dataset, TEST_TODAY)
    text = exports.sites_csv(view, small_dataset).decode("utf-8-sig")
    rows = {row["site_id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (rows["uk-croydon"]["basis"], rows["uk-croydon"]["independent_sources"]) == (
        "authorities",
        "2",
    )
    geojson = json.loads(exports.sites_geojson_bytes(view, small_dataset))
    properties = {f["id"]: f["properties"] for f in geojson["features"]}
    assert properties["fr-unspecified"]["basis"] == "ngo_report"
    assert properties["fr-unspecified"]["independent_sources"] == 1


def test_an_export_names_its_basis_filter():
    state = FilterState(bases=("media", "weak"))
    name = exports.export_filename("sites", "csv", state, TEST_TODAY)
    assert name == "stationmap-sites-2026-11-27-basis-media+weak.csv"
    assert exports.describe_filters(state) == "Basis: Media only, Weak sources only"


def test_every_basis_has_a_rank_label_and_definition():
    from stationmap import i18n, method

    assert list(basis.RANK) == list(schema.BASES)
    assert set(i18n.BASIS_LABELS) == set(method.BASIS_DEFINITIONS) == set(schema.BASES)
    assert basis.basis_of(["media", "weak", "authorities"]) == "authorities"
    assert basis.basis_of(["weak"]) == "weak"
    assert basis.basis_of([]) is None


def test_the_command_line_exports_the_sites_of_a_basis(small_data_dir, tmp_path):
    target = tmp_path / "ngo.csv"
    argv = ["export", "--data-dir", str(small_data_dir), "--format", "csv", "--out", str(target)]
    assert main([*argv, "--basis", "ngo_report"], out=io.StringIO()) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(row["site_id"], row["basis"]) for row in rows] == [("fr-unspecified", "ngo_report")]
