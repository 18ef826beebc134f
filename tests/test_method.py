"""What the sources-and-method page states: a definition per status, the data's version, and a
changelog whose newest entry matches the shipped data."""

from __future__ import annotations

import re

from stationmap import config, i18n, method
from stationmap.record import schema
from stationmap.record.facts import headline_facts
from tests.conftest import TEST_TODAY

# "**80 sites in 37 countries**, 18 of them country-level", "**115 events**", "**158 sources**".
COUNTS_IN_ENTRY = re.compile(
    r"\*\*(?P<sites>\d+) sites in (?P<countries>\d+) countries\*\*, (?P<country_level>\d+) of "
    r"them country-level.*?\*\*(?P<events>\d+) events\*\*, (?P<undated>\d+) of them undated.*?"
    r"latest event (?P<latest>\d{1,2} \w+ \d{4}).*?\*\*(?P<sources>\d+) sources\*\*",
    re.DOTALL,
)


def test_every_status_has_a_neutral_one_line_definition():
    definitions = method.status_definitions()
    assert list(definitions["status"]) == list(schema.STATUSES)
    assert list(definitions["label"]) == [i18n.status_label(s) for s in schema.STATUSES]
    for text in definitions["definition"]:
        assert text.endswith(".") and "\n" not in text and len(text) < 160
        # Neutral: no verdicts the sources do not give.
        assert not re.search(r"\b(illegal stations?|spy|guilty of)\b", text, re.IGNORECASE)


def newest_entry() -> str:
    changelog = method.read_changelog(config.DEFAULT_DATA_DIR)
    assert changelog, "data/CHANGELOG.md is missing"
    entries = changelog.split("\n## ")[1:]
    assert entries, "the changelog has no entry"
    return entries[0]


def test_the_newest_changelog_entry_matches_the_shipped_data(shipped_dataset):
    # A data release that changes the counts must say so in data/CHANGELOG.md.
    match = COUNTS_IN_ENTRY.search(newest_entry())
    assert match, newest_entry()
    facts = headline_facts(shipped_dataset, TEST_TODAY)
    stated = {key: match.group(key) for key in COUNTS_IN_ENTRY.groupindex}
    assert stated == {
        "sites": str(facts.sites),
        "countries": str(facts.countries),
        "country_level": str(facts.country_level),
        "events": str(facts.events),
        "undated": str(facts.undated_events),
        "latest": i18n.date_label(facts.latest_event),
        "sources": str(facts.sources),
    }


def test_the_changelog_lists_the_withheld_titles(shipped_dataset):
    withheld = shipped_dataset.sources[
        shipped_dataset.sources["title"].str.startswith("[headline names a private")
    ]
    entry = newest_entry()
    assert f"{len(withheld)} source titles withheld".lower() in entry.lower().replace("six", "6")
    for source_id in withheld.index:
        assert source_id in entry


def test_a_data_folder_without_a_changelog_has_none(tmp_path):
    assert method.read_changelog(tmp_path) is None
    assert method.read_changelog(None) is None
