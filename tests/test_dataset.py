"""The shipped dataset: valid, complete against the research files, statuses as researched.

Every place where the data differs from the research on purpose is listed below by name, with
the reason; docs/data.md lists the same exceptions, by name. Each test after the
carry-over checks guards one class of error that a reading of the data once found.
"""

from __future__ import annotations

import csv
import re
import tomllib
from datetime import date
from urllib.parse import urlsplit

import pytest

from stationmap import config
from stationmap.cli import main
from stationmap.record import schema
from stationmap.record.first_reports import is_report
from stationmap.record.status import status_histories, statuses_on
from tests.conftest import RESEARCH_DIR, TEST_TODAY

# The research's third pass (../shared/research/pass3) adds rows in files of the same columns.
RESEARCH_FILES = {
    "sites.csv": ("sites.csv", "pass3/sites_new.csv"),
    "events.csv": ("events.csv", "pass3/events_new.csv"),
    "sources.csv": ("sources.csv", "pass3/sources_new.csv"),
}

# --- where the data differs from the research, by name -------------------------------------------

# Sites whose derived first report is not the research's `first_reported_date`.
FIRST_REPORT_EXCEPTIONS = {
    # Earlier, by a day: CNN published the December report's findings on 4 Dec 2022 (E141) and
    # Croatia denied them that day (E039); the report's own release date is the 5th.
    "hr-unspecified": "2022-12-04",
    # The research gives the month; its own event E051 gives the day.
    "gr-athens": "2022-12-25",
    # The research gives no date; E082 (14 May 2024) is the first report that names it.
    "ec-unspecified": "2024-05-14",
    # Later: only Resett's relay (E135, a weak source) puts Odesa on the September 2022 list;
    # the NGO's report itself was not read, so E001 does not name it.
    "ua-odesa": "2022-10-10",
}
# Of those, the ones earlier than the research's date (any other earlier one fails).
FIRST_REPORTS_EARLIER_THAN_RESEARCH = {"hr-unspecified"}

# Sites whose status today is not the research file's `status`.
STATUS_EXCEPTIONS = {
    # FINDINGS §3 of the third pass: the RCMP closed its investigation without charges (E136);
    # the research's site rows were left as they were.
    "ca-montreal": "investigation_closed",
    "ca-brossard": "investigation_closed",
}

# Events typed differently from the research.
EVENT_TYPE_CHANGES = {
    # A written answer to a parliamentary question, typed like E083 and E106; it is also the
    # site's first report, which a government statement (a response) cannot be.
    "E034": "parliamentary_statement",
    # Charges and a conviction for offences other than running a station (research §8.3).
    "E112": "other_charge",
    "E115": "other_conviction",
}

# Events dated differently from the research.
EVENT_DATE_CHANGES = {
    # Stuff's article of Thursday 8 Dec 2022 (the print edition of the 9th says "yesterday").
    "E036": "2022-12-08",
}

# Sites an event's research row names that the event no longer lists.
EVENT_SITES_DROPPED = {
    # RFI România's story is known only to the month; naming the country-level row would make a
    # story published after the December report its first report from 1 December. It stays a
    # Romania-wide event.
    "E125": {"ro-unspecified"},
}

# Events that are not in the research files, each split from a research event or a research note.
EVENTS_ADDED = {
    "E140": "E036 folded in DPMC's December 'no evidence' remark (S111); it is its own event",
    "E141": "CNN's story of 4 Dec 2022, which Croatia's denial (E039) answered (NOTES §4 item 4)",
    "E142": "the RCMP Commissioner's testimony that first named the Vancouver-area site (E055)",
    "E143": "the RCMP's confirmation of March 2023 that first named the Montreal-area sites",
    "E144": "E082 merged a May 2024 report with a 2025 claim of closure (S117); split",
}

# Sources dropped, and source citations dropped, with the reason.
SOURCES_DROPPED = {
    # A Blogspot copy of a MyLondon story whose original the research did not find; the BBC's
    # report (S025) supports E068.
    "S026": "E068",
}

# Sources whose publisher is now the original's: their url is the publisher's own address.
PUBLISHER_NOW_ORIGINAL = {"S004", "S005", "S028", "S031", "S083"}

# Copies read where the research notes the publisher's own address (same path, or a debate the
# research cites): url is the original, copy_url the copy.
ORIGINAL_URL_KNOWN = {
    "S004": "hansard.parliament.uk",
    "S005": "hansard.parliament.uk",
    "S028": "www.economist.com",
    "S031": "hansard.parliament.uk",
    "S035": "www.irishtimes.com",
    "S052": "www.theglobeandmail.com",
    "S071": "table.media",
    "S083": "www.liberation.fr",
}

# Copies and reprints whose original address is not in the research: the copy read stays the
# link, with the original's publisher and a note that says so.
ORIGINAL_URL_NOT_FOUND = {
    "S032",  # Parallel Parliament (a Home Office written answer)
    "S046",  # Upward Post (DW)
    "S051",  # Yahoo (CBC News)
    "S061",  # securitynews.spectator.co.nz (U.S. Department of Justice)
    "S079",  # Live Action Eating (Newsweek)
    "S102",  # Daum (Korea JoongAng Daily)
    "S116",  # Noticias Bolivia (Infobae)
    "S130",  # Acento (BBC News Mundo)
    "S131",  # Pipedot (Toronto Star)
    "S134",  # FastHeadline (SBS News)
    "S135",  # a personal blog (New York Post)
    "S144",  # OpenKamer (Dutch parliamentary answers)
    "S148",  # Dagospia (La Repubblica)
    "S149",  # KildareStreet (Oireachtas written answers)
    "S151",  # Infoseek (Nikkan SPA!)
    "S155",  # Zum (Chosun Ilbo)
    "S158",  # Presse Augsburg (dts)
    "S161",  # aichixiu.com (China News Service)
    "S162",  # uscntv.com (China News Service)
    "S182",  # webjosh (n-tv)
    "S188",  # Unpublished.ca (National Post)
}

# Hosts that only ever carry copies of other publishers' pages (mirrors, staging and
# development copies, reposts): never a source's url unless the original is not known.
COPY_HOSTS = (
    "sevenloophk.tech",
    "arc-cdn.net",
    "arc-dev.",
    "staging.",
    "schulung.",
    "blogspot.com",
    "parallelparliament.co.uk",
    "liveactioneating.com",
    "upwardpost.com",
    "noticiasbo.com",
    "securitynews.spectator.co.nz",
    "pipedot.org",
    "fastheadline.com",
    "natehoustman.net",
    "kildarestreet.com",
    "openkamer.org",
    "webjosh.com",
    "unpublished.ca",
    "news.zum.com",
    "v.daum.net",
    "ca.news.yahoo.com",
    "news.infoseek.co.jp",
    "aichixiu.com",
    "uscntv.com",
    "presse-augsburg.de",
    "acento.com.do",
    "dagospia.com",
)
# Of those, the kinds of copy that are never a link: a mirror, a staging or development copy.
NEVER_A_URL = (
    "sevenloophk.tech",
    "arc-cdn.net",
    "arc-dev.",
    "staging.",
    "schulung.",
    "blogspot.com",
)

# Sources the research marks weak (NOTES §3, §8.6; FINDINGS §1, §2, §6).
WEAK_SOURCES = {
    "S099": "Nigerian outlet of uneven quality (NOTES §3)",
    "S100": "uneven quality; misstates the stations as announced by China (NOTES §3)",
    "S138": "unclear provenance (NOTES §8.6)",
    "S169": "single, undated source for E138 (FINDINGS §6)",
    "S171": "anonymous official, read in a relay (E119)",
    "S185": "anonymous source (E130)",
    "S190": "alt-media (ua-odesa, E135)",
    "S191": "an analyst's claim without evidence (ua-odesa, E134)",
    "S192": "content farm (E137)",
    "S193": "content farm (E137)",
}


def research_rows(name: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for relative in RESEARCH_FILES[name]:
        path = RESEARCH_DIR / relative
        if not path.is_file():
            pytest.skip(f"research file not found: {path}")
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def period_start(iso: str) -> str:
    """The first day of a YYYY, YYYY-MM or YYYY-MM-DD period, as YYYY-MM-DD."""
    return (iso + "-01-01")[:10] if len(iso) == 4 else (iso + "-01")[:10]


# --- valid, and complete against the research ----------------------------------------------------


def test_shipped_dataset_is_valid(shipped_dataset):
    assert [str(p) for p in shipped_dataset.problems] == []


def test_validate_command_passes_on_shipped_data(capsys):
    assert main(["validate", "--data-dir", str(config.DEFAULT_DATA_DIR)]) == 0
    assert "valid" in capsys.readouterr().out


def test_every_research_row_is_in(shipped_dataset):
    assert set(shipped_dataset.sites.index) == {r["site_id"] for r in research_rows("sites.csv")}
    research_events = {r["event_id"] for r in research_rows("events.csv")}
    assert set(shipped_dataset.events.index) == research_events | set(EVENTS_ADDED)
    assert not research_events & set(EVENTS_ADDED)
    research_sources = {r["source_id"] for r in research_rows("sources.csv")}
    assert set(shipped_dataset.sources.index) == research_sources - set(SOURCES_DROPPED)


def test_site_facts_carry_over(shipped_dataset):
    sites = shipped_dataset.sites
    for row in research_rows("sites.csv"):
        site = sites.loc[row["site_id"]]
        for column in ("country", "iso2", "city", "locality", "operating_bureau"):
            assert site[column] == row[column], (row["site_id"], column)


def test_event_facts_carry_over(shipped_dataset):
    events = shipped_dataset.events
    for row in research_rows("events.csv"):
        event_id = row["event_id"]
        event = events.loc[event_id]
        assert event["event_type"] == EVENT_TYPE_CHANGES.get(event_id, row["event_type"])
        assert event["country"] == row["country"]
        researched_date = EVENT_DATE_CHANGES.get(event_id, row["date"])
        if researched_date:
            assert event["date"].iso() == researched_date, event_id
        # Sites the research names stay named (we may add sites its summary names).
        named = set(filter(None, row["site_id"].split(";"))) - EVENT_SITES_DROPPED.get(
            event_id, set()
        )
        assert named <= set(event["site_ids"]), event_id


def test_date_changes_only_refine_the_research(shipped_dataset):
    # A changed date lies inside the research's period: a day of its month, never another month.
    by_id = {r["event_id"]: r for r in research_rows("events.csv")}
    for event_id, changed in EVENT_DATE_CHANGES.items():
        assert changed.startswith(by_id[event_id]["date"]), event_id


def test_sources_carry_over(shipped_dataset):
    sources = shipped_dataset.sources
    for row in research_rows("sources.csv"):
        if row["source_id"] in SOURCES_DROPPED:
            continue
        source = sources.loc[row["source_id"]]
        # The address read is kept: as the link, or as the copy read beside the original.
        assert row["url"] in (source["url"], source["copy_url"]), row["source_id"]
        if row["source_id"] not in PUBLISHER_NOW_ORIGINAL:
            assert source["publisher"] == row["publisher"], row["source_id"]
        assert source["kind"] == row["kind"] or (row["source_id"], source["kind"]) == (
            "S033",
            "politician",
        )


def test_every_research_citation_is_kept(shipped_dataset):
    url_to_id = {r["url"]: r["source_id"] for r in research_rows("sources.csv")}
    dropped = set(SOURCES_DROPPED)
    for row in research_rows("sites.csv"):
        cited = {url_to_id[u] for u in row["source_urls"].split(";") if u} - dropped
        assert cited <= set(shipped_dataset.sites.loc[row["site_id"], "source_ids"])
    for row in research_rows("events.csv"):
        cited = {url_to_id[u] for u in row["source_url"].split(";") if u} - dropped
        assert cited <= set(shipped_dataset.events.loc[row["event_id"], "source_ids"])


def test_derived_status_today_equals_research_status(shipped_dataset):
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    derived = {site_id: statuses.loc[site_id, "status"] for site_id in statuses.index}
    expected = {r["site_id"]: r["status"] for r in research_rows("sites.csv")}
    expected.update(STATUS_EXCEPTIONS)
    assert derived == expected


def test_first_report_matches_research(shipped_dataset):
    # Exact: a first report of "2022" does not match "2022-09-12"; every difference is named.
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    mismatches = {}
    for row in research_rows("sites.csv"):
        site_id = row["site_id"]
        derived = statuses.loc[site_id, "first_reported"].iso()
        expected = FIRST_REPORT_EXCEPTIONS.get(site_id, row["first_reported_date"])
        if derived != expected:
            mismatches[site_id] = (derived, expected)
    assert mismatches == {}


def test_no_first_report_earlier_than_research(shipped_dataset):
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    earlier = {
        row["site_id"]
        for row in research_rows("sites.csv")
        if row["first_reported_date"]
        and statuses.loc[row["site_id"], "first_reported"].start
        < date.fromisoformat(period_start(row["first_reported_date"]))
    }
    assert earlier == FIRST_REPORTS_EARLIER_THAN_RESEARCH


def test_every_exception_is_in_the_data_doc():
    doc = (config.PROJECT_ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    heading = "\n## Where the data differs from the research, by name\n"
    section = doc.split(heading, 1)[1].split("\n## ", 1)[0]
    named = (
        set(FIRST_REPORT_EXCEPTIONS)
        | set(STATUS_EXCEPTIONS)
        | set(EVENT_TYPE_CHANGES)
        | set(EVENT_DATE_CHANGES)
        | set(EVENT_SITES_DROPPED)
        | set(SOURCES_DROPPED)
    )
    missing = {name for name in named if f"`{name}`" not in section}
    assert missing == set()


# --- error classes ------------------------------------------------------------------------------


def test_a_site_appears_only_with_a_report(shipped_dataset):
    # A response (a denial, a check, a closure) never makes a site appear: the first report is
    # a report, and every status takes effect on or after it.
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    events = shipped_dataset.events
    for site_id in shipped_dataset.sites.index:
        first = events.loc[statuses.loc[site_id, "first_report_event_id"]]
        assert is_report(first), site_id
    first_day = statuses["first_reported"].map(lambda d: d.start)
    for site_id, history in status_histories(shipped_dataset).items():
        assert all(change.effective >= first_day[site_id] for change in history), site_id


def test_no_response_lies_before_the_report_that_named_its_site(shipped_dataset):
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    for event_id, event in shipped_dataset.events.iterrows():
        if event["date"] is None or event["event_type"] in schema.REPORT_EVENT_TYPES:
            continue
        for site_id in event["site_ids"]:
            assert event["date"].end >= statuses.loc[site_id, "first_reported"].start, (
                event_id,
                site_id,
            )


def test_no_site_shows_on_the_map_before_any_report(shipped_dataset):
    # On the eve of the first NGO report no site shows: none was reported earlier.
    early = statuses_on(shipped_dataset, date(2022, 9, 11))
    assert not early["reported"].any()


def test_status_on_a_date_uses_only_earlier_events(shipped_dataset):
    early = statuses_on(shipped_dataset, date(2022, 9, 12))
    assert early["reported"].sum() > 30
    assert set(early.loc[early["reported"], "status"]) == {"alleged"}


def test_new_zealand_and_sweden_are_not_answered_before_they_are_reported(shipped_dataset):
    # E036 once made Auckland "no evidence found" on 1 Dec 2022; E089 put Stockholm on 1 Jan 2022.
    on_4_dec = statuses_on(shipped_dataset, date(2022, 12, 4))
    assert not on_4_dec.loc["nz-auckland", "reported"]
    assert shipped_dataset.events.loc["E089", "date"] is None
    assert not statuses_on(shipped_dataset, date(2022, 9, 11)).loc["se-stockholm", "reported"]


def test_every_row_cites_a_source(shipped_dataset):
    assert all(shipped_dataset.sites["source_ids"].map(len) > 0)
    assert all(shipped_dataset.events["source_ids"].map(len) > 0)


def test_every_source_is_http(shipped_dataset):
    sources = shipped_dataset.sources
    assert all(sources["url"].str.match(r"^https?://"))
    copies = sources.loc[sources["copy_url"] != "", "copy_url"]
    assert all(copies.str.match(r"^https?://"))


def test_a_mirror_is_never_a_url(shipped_dataset):
    for source_id, source in shipped_dataset.sources.iterrows():
        host = urlsplit(source["url"]).hostname or ""
        assert not any(part in host for part in NEVER_A_URL), source_id
        if any(part in host for part in COPY_HOSTS):
            # A copy stays the link only where the original's address is unknown, and says so.
            assert source_id in ORIGINAL_URL_NOT_FOUND, source_id
            assert source["original_publisher"] and source["note"], source_id


def test_copies_keep_the_address_read(shipped_dataset):
    sources = shipped_dataset.sources
    for source_id, host in ORIGINAL_URL_KNOWN.items():
        source = sources.loc[source_id]
        assert urlsplit(source["url"]).hostname == host, source_id
        assert source["copy_url"] and source["copy_url"] != source["url"], source_id
        # The copy's path is the original's (a Hansard debate's copies excepted).
        if host != "hansard.parliament.uk":
            assert urlsplit(source["copy_url"]).path == urlsplit(source["url"]).path, source_id
    for source_id in ORIGINAL_URL_NOT_FOUND:
        assert sources.loc[source_id, "copy_url"] == "", source_id


def test_relays_name_the_original_publisher(shipped_dataset):
    # A source whose publisher says it relays, reprints or copies another names that publisher.
    wires = "Reuters|AFP|dpa|Lusa|Agerpres|Yonhap|Bloomberg|The Canadian Press|PA Media|ANI"
    relay = re.compile(
        rf"\((?:via|reprint of|copy of|relaying|citing)\b|\((?:[^)]*\b)?(?:{wires})\)"
    )
    for source_id, source in shipped_dataset.sources.iterrows():
        if relay.search(source["publisher"]):
            assert source["original_publisher"], source_id


def test_weak_sources_are_marked(shipped_dataset):
    sources = shipped_dataset.sources
    assert set(sources.index[sources["reliability"] == "weak"]) == set(WEAK_SOURCES)
    # A site that rests only on weak sources: Odesa.
    assert all(
        sources.loc[s, "reliability"] == "weak"
        for s in shipped_dataset.sites.loc["ua-odesa", "source_ids"]
    )


# Words of a private business's name or street that its sources' headlines carried.
WITHHELD_NAMES = ("high street", "loon fung", "ruiyou", "chopchop", "all eat")


def test_no_title_names_a_withheld_business_or_its_street(shipped_dataset):
    titles = shipped_dataset.sources["title"].str.lower()
    for source_id, title in titles.items():
        assert not any(name in title for name in WITHHELD_NAMES), source_id
    for source_id in ("S012", "S016", "S018", "S022", "S027", "S092", "S153", "S155"):
        assert titles[source_id].startswith("[headline names"), source_id


def test_no_street_level_location_for_private_premises(shipped_dataset):
    # Street or building detail is kept only where a public body or court named it (research §5).
    localities = shipped_dataset.sites.loc[shipped_dataset.sites["locality"] != "", "locality"]
    allowed_street_level = {"ie-dublin", "us-new-york"}
    for site_id, locality in localities.items():
        if site_id not in allowed_street_level:
            assert not any(word in locality.lower() for word in ("street", "road", "avenue")), (
                site_id
            )


def test_a_map_claims_no_more_precision_than_it_draws(shipped_dataset):
    # A locality point must be a locality's: typed by a curator from a source, or the
    # gazetteer's; a row drawn at its city says city.
    sites = shipped_dataset.sites
    drawn = {
        "locality": {"curated", "gazetteer:locality"},
        "city": {"curated", "gazetteer:city", "gazetteer:locality"},
        "country": {"gazetteer:capital"},
    }
    for site_id, site in sites.iterrows():
        assert site["coord_source"] in drawn[site["precision"]], site_id
        if site["coord_source"] == "curated":
            assert site["source_ids"], site_id


def test_shipped_data_is_fully_geocoded(shipped_dataset):
    sites = shipped_dataset.sites
    assert sites["latitude"].notna().all() and sites["longitude"].notna().all()
    assert set(sites["coord_source"]) <= set(schema.COORD_SOURCES)
    country_rows = sites[sites["precision"] == "country"]
    assert set(country_rows["coord_source"]) == {"gazetteer:capital"}


def test_seoul_cases_are_for_other_offences(shipped_dataset):
    events = shipped_dataset.events
    assert events.loc["E112", "event_type"] == "other_charge"
    assert events.loc["E115", "event_type"] == "other_conviction"
    statuses = statuses_on(shipped_dataset, TEST_TODAY)
    assert statuses.loc["kr-seoul", "status"] not in {"charges_filed", "convicted"}


def test_montreal_area_investigation_closed_without_charges(shipped_dataset):
    event = shipped_dataset.events.loc["E136"]
    assert event["date"].iso() == "2025-09-26"
    assert set(event["site_ids"]) == {"ca-montreal", "ca-brossard"}
    assert "at this stage" in event["summary"]


# The UK timeline the project started from: each of these must be in the data.
UK_EVENTS = {
    "E002": ("ngo_report", "2022-09-12"),  # the September 2022 report
    "E043": ("ngo_report", "2022-12-05"),  # the December 2022 report
    "E025": ("parliamentary_statement", "2022-11-01"),  # the November 2022 commitment
    "E027": ("investigation_opened", "2022-11-02"),  # Met assessment
    "E008": ("investigation_opened", "2022-10"),  # Police Scotland
    "E038": ("police_visit", "2022-12"),
    "E062": ("parliamentary_statement", "2023-04-19"),  # the April 2023 urgent question
    "E070": ("parliamentary_statement", "2023-06-06"),  # the 6 June 2023 statement
    "E071": ("police_visit", "2023-06-06"),
    "E072": ("diplomatic_protest", "2023-06-06"),  # the FCDO message
    "E073": ("embassy_response", "2023-06-06"),  # the embassy's reply
    "E074": ("government_statement", "2023-06-06"),  # Defending Democracy Taskforce review
    "E076": ("legislation", "2023-07-11"),  # National Security Act: Royal Assent
    "E077": ("legislation", "2023-12-20"),  # commencement
    "E086": ("parliamentary_statement", "2025-05-14"),  # the review's conclusion
}


@pytest.mark.parametrize(("event_id", "expected"), UK_EVENTS.items())
def test_uk_timeline_is_complete(shipped_dataset, event_id, expected):
    event = shipped_dataset.events.loc[event_id]
    assert (event["event_type"], event["date"].iso()) == expected
    assert event["iso2"] == "GB"


def test_uk_events_say_what_the_statement_said(shipped_dataset):
    events = shipped_dataset.events
    # "they have not, to date, identified any evidence": the "to date" is the statement's.
    for event_id in ("E070", "E071"):
        assert "to date" in events.loc[event_id, "summary"], event_id
    assert events.loc["E074", "actor"].startswith("Security Minister")
    assert "statement's" in events.loc["E072", "summary"]
    assert any(
        "suppressive impact" in event["summary"] and "S001" in event["source_ids"]
        for _, event in events.iterrows()
    )


def test_uk_sites(shipped_dataset):
    uk = shipped_dataset.sites[shipped_dataset.sites["iso2"] == "GB"]
    assert set(uk.index) == {"uk-croydon", "uk-hendon", "uk-glasgow", "uk-belfast"}


def test_headlines_that_go_beyond_their_statement_say_so(shipped_dataset):
    sources = shipped_dataset.sources
    for source_id in ("S010", "S011"):
        assert "headline" in sources.loc[source_id, "note"], source_id
    assert sources.loc["S033", "kind"] == "politician"


# --- briefing captions --------------------------------------------------------------------------

# Figures a caption may state because a source states them (the event that records each).
QUOTED_FIGURES = {
    "54": "E001",  # 110 Overseas: 54 stations
    "102": "E041",  # Patrol and Persuade: at least 102 stations
    "53": "E041",  # ... in 53 countries
    "14": "E070",  # up to 14 years in prison
    "110": "E001",  # the report's title, "110 Overseas"
}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def caption_texts() -> list[tuple[str, str]]:
    with (config.DEFAULT_DATA_DIR / "briefings.toml").open("rb") as handle:
        stories = tomllib.load(handle)["stories"]
    texts = []
    for story in stories:
        for slide in story["slides"]:
            name = f"{story['id']}[{slide['number']}]"
            texts.append((name, slide["caption"]))
            texts += [(f"{name}.{lang}", text) for lang, text in slide.get("captions", {}).items()]
    return texts


CAPTIONS = caption_texts()


@pytest.mark.parametrize(("name", "caption"), CAPTIONS, ids=[name for name, _ in CAPTIONS])
def test_captions_type_no_counts(name, caption, shipped_dataset):
    # A count of sites or countries comes from a placeholder; a number typed in a caption is a
    # date or a figure a source states.
    text = re.sub(r"\{\w+\}", "", caption)
    text = re.sub(r"\d{4}年(\d{1,2}月)?(\d{1,2}日)?", "", text)  # 2023年6月6日
    text = re.sub(r"\d{1,2}月(\d{1,2}日)?", "", text)  # 6月6日, 10月
    text = re.sub(rf"\b\d{{1,2}} (?:{MONTHS})\b", "", text)  # 6 June
    text = re.sub(r"\b(?:19|20)\d{2}\b", "", text)  # years
    for figure in re.findall(r"\d+", text):
        assert figure in QUOTED_FIGURES, (name, figure)
        assert QUOTED_FIGURES[figure] in shipped_dataset.events.index
