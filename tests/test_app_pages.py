"""Every page runs under Streamlit's AppTest; the shared filters, counts and problems work."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config, i18n
from stationmap.app import page_actions, ui_state, upload
from stationmap.html import tables
from stationmap.record import schema
from stationmap.record.facts import headline_facts, latest_event_date
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.app_session import (
    DASHBOARD,
    RUN_TIMEOUT_S,
    assert_ran_cleanly,
    drawn_whole,
    map_has_shown,
    open_each_tab,
    source_table_html,
)
from tests.conftest import small_files, small_rows

# (page script, its heading), one per page dashboard.py registers.
PAGES = [
    ("pages/map.py", "Alleged Chinese overseas police stations"),
    ("pages/timeline.py", "Timeline"),
    ("pages/sites.py", "Sites"),
    ("pages/briefing.py", "Briefing"),
    ("pages/sources.py", "Sources"),
    ("pages/upload.py", "Your data"),
]


def run_app(query: dict | None = None) -> AppTest:
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S))
    app.query_params.update(query or {})
    return app.run()


def run_page(page: str, query: dict | None = None) -> AppTest:
    """`page` opened from the map page, whole (with the run its drawn-first report starts)."""
    return drawn_whole(run_app(query).switch_page(page).run())


def filter_summary(app: AppTest) -> str:
    """The sidebar line 'Showing N of M sites · K countries'."""
    lines = [block.value for block in app.sidebar.markdown if "Showing" in block.value]
    assert len(lines) == 1, [block.value for block in app.sidebar.markdown]
    return lines[0].strip("*")


def footer(app: AppTest) -> str:
    return " ".join(caption.value for caption in app.main.caption)


def metric(app: AppTest, label: str) -> str:
    """A count the page shows: an st.metric (the map), or a count in a line of text (the sites
    page's, texts.counts_line: "Sites selected: **12** · Countries: **5**")."""
    for item in app.metric:
        if item.label == label:
            return item.value
    pattern = re.compile(re.escape(label) + r": \*\*(\d+)\*\*")
    for block in app.main.markdown:
        if found := pattern.search(block.value):
            return found.group(1)
    raise AssertionError(f"no count {label!r} on the page")


def expected_counts(state: FilterState, data_dir: Path = config.DEFAULT_DATA_DIR) -> dict:
    """What the sidebar should count, worked out with the package's pure functions."""
    # The app derives statuses for today unless the filters name a date; so does this.
    view = build_site_view(load_dataset(data_dir), on=state.as_of or date.today())
    return {"shown": count_headlines(apply_filters(view, state)), "total": int(view.reported.sum())}


def summary_for(counts: dict) -> str:
    shown, total = counts["shown"], counts["total"]
    countries = shown["countries"]
    noun = "country" if countries == 1 else "countries"
    return f"Showing {shown['sites']} of {total} sites · {countries} {noun}"


# --- every page -------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "heading"), PAGES, ids=[page for page, _ in PAGES])
def test_every_page_runs_and_shows_its_heading_with_the_shared_chrome(page, heading):
    app = run_page(page)
    assert_ran_cleanly(app)
    assert heading in [title.value for title in app.main.title]
    # The chrome is there too: the filters, the count above them and the footer under the page.
    assert app.sidebar.multiselect(key=ui_state.STATUS)
    filter_summary(app)
    assert "Data version" in footer(app)


def test_the_map_is_the_first_page():
    app = run_app()
    assert_ran_cleanly(app)
    assert [title.value for title in app.main.title] == ["Alleged Chinese overseas police stations"]


# --- filters ---------------------------------------------------------------------------------


def test_a_status_filter_changes_the_counts_shown():
    app = run_app()
    everything = expected_counts(FilterState())
    assert filter_summary(app) == summary_for(everything)

    app.sidebar.multiselect(key=ui_state.STATUS).set_value(["reported_closed"]).run()

    assert_ran_cleanly(app)
    closed = expected_counts(FilterState(statuses=("reported_closed",)))
    assert 0 < closed["shown"]["sites"] < everything["shown"]["sites"]
    assert filter_summary(app) == summary_for(closed)


def test_searching_glasgow_selects_one_site():
    app = run_page("pages/sites.py")
    app.sidebar.text_input(key=ui_state.TEXT).input("Glasgow").run()

    assert_ran_cleanly(app)
    assert metric(app, "Sites selected") == "1"
    assert filter_summary(app).startswith("Showing 1 of ")


def test_filters_hold_when_switching_pages():
    app = run_page("pages/sites.py")
    app.sidebar.text_input(key=ui_state.TEXT).input("Glasgow").run()
    app.switch_page("pages/sources.py").run()

    assert_ran_cleanly(app)
    assert app.sidebar.text_input(key=ui_state.TEXT).value == "Glasgow"
    assert filter_summary(app).startswith("Showing 1 of ")


def test_a_link_with_filters_opens_with_them_applied():
    # Bound multiselects carry the labels people see.
    query = {
        ui_state.STATUS: "No evidence reported by authorities",
        ui_state.COUNTRY: "United Kingdom",
    }
    app = run_page("pages/sites.py", query)

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == ["no_evidence_found"]
    assert app.sidebar.multiselect(key=ui_state.COUNTRY).value == ["GB"]
    counts = expected_counts(FilterState(statuses=("no_evidence_found",), countries=("GB",)))
    assert metric(app, "Sites selected") == str(counts["shown"]["sites"])
    assert filter_summary(app) == summary_for(counts)


def test_a_link_with_an_as_of_date_derives_statuses_for_that_date():
    app = run_app({ui_state.AS_OF: "2022-12-31"})

    assert_ran_cleanly(app)
    assert app.sidebar.date_input(key=ui_state.AS_OF).value == date(2022, 12, 31)
    counts = expected_counts(FilterState(as_of=date(2022, 12, 31)))
    assert counts["total"] < expected_counts(FilterState())["total"]
    assert filter_summary(app) == summary_for(counts)
    assert "Statuses as of 31 December 2022" in [c.value for c in app.sidebar.caption]


def test_unknown_values_in_a_link_are_ignored():
    app = run_app(
        {
            ui_state.STATUS: "Invented status",
            ui_state.COUNTRY: "Atlantis",
            ui_state.AS_OF: "1999-01-01",  # before any report: no status existed then
        }
    )

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == []
    assert app.sidebar.date_input(key=ui_state.AS_OF).value == date.today()
    assert filter_summary(app) == summary_for(expected_counts(FilterState()))


def test_reset_filters_shows_everything_again():
    app = run_app({ui_state.TEXT: "Glasgow", ui_state.STATUS: "Alleged"})
    app.sidebar.button(key=ui_state.RESET_FILTERS).click().run()

    assert_ran_cleanly(app)
    assert app.sidebar.text_input(key=ui_state.TEXT).value == ""
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == []
    assert filter_summary(app) == summary_for(expected_counts(FilterState()))


# --- the footer and the sources page -----------------------------------------------------------


def shipped_counts_line() -> str:
    facts = headline_facts(load_dataset(config.DEFAULT_DATA_DIR))
    return (
        f"{facts.sites} sites · {facts.countries} countries · "
        f"{facts.events} events · {facts.sources} sources"
    )


def test_the_footer_gives_data_version_counts_sources_link_and_disclaimer():
    app = run_app()
    text = footer(app)
    latest = latest_event_date(load_dataset(config.DEFAULT_DATA_DIR))
    assert f"Data version {i18n.date_label(latest)} (latest event)" in text
    assert shipped_counts_line() in text
    assert "alleged" in text
    assert [link.label for link in app.main.get("page_link")] == ["All sources"]


def test_the_footer_counts_do_not_follow_the_filters():
    app = run_app({ui_state.TEXT: "Glasgow"})
    assert shipped_counts_line() in footer(app)


def run_sources(query: dict | None = None) -> AppTest:
    """The sources page whole: opened from another page, a long table's first rows come alone,
    and the whole table with the run their report starts (stationmap.app.drawn_first), which
    `run_page` runs too."""
    return run_page("pages/sources.py", query)


def test_the_sources_page_lists_every_source_linked_by_publisher_and_title():
    app = run_sources()
    assert_ran_cleanly(app)
    table = source_table_html(app)
    sources = load_dataset(config.DEFAULT_DATA_DIR).sources
    assert table.count('<tr id="source-') == len(sources)
    # Links read "publisher — title", never an address; copies read are offered beside them.
    assert ">http" not in table
    assert table.count(">copy read</a>") == sources["copy_url"].str.match(r"^https?://").sum()
    weak = (sources["reliability"] == "weak").sum()
    assert table.count('<strong class="sm-caution">weak source</strong>') == weak


def uk_sources(dataset) -> set[str]:
    """The sources of the UK's sites, of events about them or the UK, and worldwide ones."""
    uk_sites = set(dataset.sites.index[dataset.sites["iso2"] == "GB"])
    cited = {s for ids in dataset.sites.loc[sorted(uk_sites), "source_ids"] for s in ids}
    for event in dataset.events.itertuples():
        about_the_uk = bool(set(event.site_ids) & uk_sites) or (
            not event.site_ids
            and (event.iso2 in ("GB", "CN") or event.country == schema.GLOBAL_COUNTRY)
        )
        if about_the_uk:
            cited.update(event.source_ids)
    return cited


def test_the_sources_page_follows_the_filters_unless_asked_for_all():
    app = run_sources({ui_state.COUNTRY: "United Kingdom"})
    assert_ran_cleanly(app)
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    expected = uk_sources(dataset)
    table = source_table_html(app)
    assert set(re.findall(r'<tr id="source-([^"]+)"', table)) == expected
    assert 0 < len(expected) < len(dataset.sources)
    total = len(dataset.sources)
    assert any(
        caption.value.startswith(
            f"{len(expected)} sources of {total}: those of the sites the filters show (4)"
        )
        for caption in app.caption
    ), [caption.value for caption in app.caption]

    # Only the open tab is made: no latest-check table yet.
    assert not app.dataframe

    # The latest-check tab has the same scope: the UK's four sites.
    open_sources_tab(app, "Latest check per site")
    (checks,) = [frame.value for frame in app.dataframe]
    assert len(checks) == 4
    assert any(
        c.value == f"4 sites of {len(dataset.sites)}: those the filters show." for c in app.caption
    )

    # The switch above the tabs scopes both.
    app.toggle(key=ui_state.SOURCES_SHOW_ALL).set_value(True).run()

    assert_ran_cleanly(app)
    (checks,) = [frame.value for frame in app.dataframe]
    assert len(checks) == len(dataset.sites)
    open_sources_tab(app, "Sources")
    assert source_table_html(app).count('<tr id="source-') == total
    assert any(caption.value.startswith(f"All {total} sources:") for caption in app.caption)


def open_sources_tab(app: AppTest, label: str) -> AppTest:
    """The sources page with its tab `label` open, as after a click on it."""
    app.session_state[ui_state.SOURCES_TAB] = label
    app.run()
    assert_ran_cleanly(app)
    return app


def test_the_sources_page_shows_each_sites_latest_check():
    app = open_sources_tab(run_sources(), "Latest check per site")
    (frame,) = [f for f in app.dataframe if "latest_source_date" in f.value.columns]
    table = frame.value
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    assert len(table) == len(dataset.sites)
    expected = tables.latest_check_table(dataset)
    assert list(table.index) == list(expected.index)
    assert table["source"].tolist() == expected["source"].tolist()
    # The dates are sent as written (so they sort by date) and shown in words by their
    # column's options, with no pandas Styler (which stops at 262,144 cells).
    column = json.loads(frame.proto.columns)["latest_source_date"]
    words = {o["value"]: o["label"] for o in column["type_config"]["options"]}
    dated = table["latest_source_date"].dropna()
    dated = dated[dated != ""]
    assert set(dated) <= set(words)
    assert words[dated.iloc[0]] == tables.date_display(dated.iloc[0])
    assert any(label != value for value, label in words.items())


# --- a broken data file ------------------------------------------------------------------------


@pytest.fixture
def broken_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped data with one bad cell: Glasgow's latitude is not a number."""
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder)
    sites = folder / "sites.csv"
    lines = sites.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("uk-glasgow,"))
    lines[row] = lines[row].replace(",55.86515,", ",north,", 1)
    sites.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv(config.DATA_DIR_ENV, str(folder))
    return folder


def test_a_broken_cell_is_listed_and_the_other_sites_still_show(broken_data_dir):
    app = run_page("pages/sites.py")

    assert_ran_cleanly(app)
    assert "The data has 1 problem" in app.main.warning[0].value
    problems = app.main.code[0].value
    assert problems.startswith("sites.csv:")
    assert ": latitude: 'north' is not a number" in problems
    counts = expected_counts(FilterState(), broken_data_dir)
    assert counts["total"] == expected_counts(FilterState())["total"] - 1
    assert filter_summary(app) == summary_for(counts)


@pytest.mark.parametrize(("page", "heading"), PAGES, ids=[page for page, _ in PAGES])
def test_every_page_runs_with_no_data_at_all(tmp_path, monkeypatch, page, heading):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "missing"))
    app = run_page(page)

    assert_ran_cleanly(app)
    assert heading in [title.value for title in app.main.title]
    assert "data folder does not exist" in app.main.code[0].value
    assert filter_summary(app) == "Showing 0 of 0 sites · 0 countries"


def test_a_clean_dataset_shows_no_problem_warning():
    app = run_app()
    assert not app.main.warning
    # The one expander is the map as text (stationmap.app.map_access), not a list of problems.
    assert [e.label for e in app.main.expander] == [
        "The map as text: counts and a list of the sites"
    ]


# --- languages ------------------------------------------------------------------------------


@pytest.fixture
def german_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second language, added the way a later issue will: a catalogue and nothing else."""
    for language, body in (
        ("en", ""),
        (
            "de",
            'msgid "Sites"\nmsgstr "Standorte"\n\nmsgid "Filters"\nmsgstr "Filter"\n\n'
            'msgid "Reported closed"\nmsgstr "Als geschlossen gemeldet"\n',
        ),
    ):
        path = i18n.catalogue_path(language, tmp_path)
        path.parent.mkdir(parents=True)
        path.write_text(
            f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n\n{body}', encoding="utf-8"
        )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)


def test_with_one_language_there_is_no_language_picker(tmp_path, monkeypatch):
    english = i18n.catalogue_path(i18n.SOURCE_LANGUAGE, tmp_path)
    english.parent.mkdir(parents=True)
    english.write_bytes(i18n.catalogue_path(i18n.SOURCE_LANGUAGE).read_bytes())
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)

    assert not run_app().sidebar.selectbox


def test_a_language_from_a_link_translates_the_pages(german_catalogue):
    app = run_page("pages/sites.py", {ui_state.LANGUAGE: "Deutsch"})

    assert_ran_cleanly(app)
    assert app.sidebar.selectbox(key=ui_state.LANGUAGE).value == "de"
    assert "Standorte" in [title.value for title in app.main.title]
    assert "Filter" in [header.value for header in app.sidebar.header]


def test_changing_language_rewrites_the_filter_labels_in_the_url(german_catalogue):
    app = run_app({ui_state.STATUS: "Reported closed"})
    assert app.query_params[ui_state.STATUS] == "Reported closed"

    app.sidebar.selectbox(key=ui_state.LANGUAGE).select("de").run()

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == ["reported_closed"]
    assert app.query_params[ui_state.STATUS] == "Als geschlossen gemeldet"


# --- the sites page ------------------------------------------------------------------------------


def expected_sites(state: FilterState) -> pd.DataFrame:
    view = build_site_view(load_dataset(config.DEFAULT_DATA_DIR), on=state.as_of or date.today())
    return apply_filters(view, state)


def expected_site_ids(state: FilterState) -> list[str]:
    return list(expected_sites(state).index)


def sites_table(app: AppTest):
    (table,) = [
        frame for frame in app.dataframe if (frame.key or "").startswith(ui_state.SITES_TABLE)
    ]
    return table


def tag_words(column) -> list[str]:
    """The words of a column of one-tag cells (status, basis), row by row: each cell is the
    JSON list of its tags, as the grid reads it (tables.TAG_COLUMNS)."""
    words = []
    for tags in column:
        (word,) = json.loads(tags)
        words.append(word)
    return words


@pytest.mark.parametrize(
    ("query", "state"),
    [
        ({}, FilterState()),
        (
            {ui_state.STATUS: "Reported closed", ui_state.REGION: "Europe"},
            FilterState(statuses=("reported_closed",), regions=("Europe",)),
        ),
        ({ui_state.TEXT: "Glasgow"}, FilterState(text="Glasgow")),
        ({ui_state.AS_OF: "2022-12-31"}, FilterState(as_of=date(2022, 12, 31))),
    ],
    ids=["everything", "reported closed in Europe", "Glasgow", "as of end of 2022"],
)
def test_the_sites_table_has_one_row_per_site_the_filters_allow(query, state):
    app = run_page("pages/sites.py", query)

    assert_ran_cleanly(app)
    table = sites_table(app).value
    expected = expected_sites(state)
    assert len(table) == len(expected) > 0
    # In the view's order; the grid gets row numbers, not site ids, for an index.
    assert list(table["name"]) == list(expected["name"])
    assert metric(app, "Sites selected") == str(len(expected))


def test_the_sites_table_follows_a_filter_chosen_in_the_sidebar():
    app = run_page("pages/sites.py")
    everything = len(sites_table(app).value)

    app.sidebar.multiselect(key=ui_state.STATUS).set_value(["reported_closed"]).run()

    assert_ran_cleanly(app)
    closed = sites_table(app).value
    assert 0 < len(closed) < everything
    assert set(tag_words(closed["status"])) == {"Reported closed"}


def test_a_basis_in_a_link_selects_the_sites_resting_on_it_and_the_table_says_so():
    app = run_page("pages/sites.py", {ui_state.BASIS: ["NGO report", "Media only"]})

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.BASIS).value == ["ngo_report", "media"]
    table = sites_table(app).value
    sites = expected_sites(FilterState(bases=("ngo_report", "media")))
    expected = list(sites.index)
    assert list(table["name"]) == list(sites["name"]) and expected
    view = build_site_view(load_dataset(config.DEFAULT_DATA_DIR), on=date.today()).loc[expected]
    labels = view["basis"].map({"ngo_report": "NGO report", "media": "Media only"})
    single = view["independent_sources"] == 1
    assert tag_words(table["basis"]) == list(labels.where(~single, labels + " · single source"))
    assert list(table["independent_sources"]) == list(view["independent_sources"])


def test_the_country_summary_is_built_only_when_asked_and_adds_up_to_the_sites_shown():
    app = run_page("pages/sites.py", {ui_state.REGION: "Europe"})
    assert not [frame for frame in app.dataframe if "latest_event" in frame.value.columns]
    app.toggle(key=ui_state.SHOW_COUNTRY_SUMMARY).set_value(True).run()
    summary = next(frame.value for frame in app.dataframe if "latest_event" in frame.value.columns)
    assert summary["sites"].sum() == len(expected_site_ids(FilterState(regions=("Europe",))))


def select_site(app: AppTest, site_ids: list[str], site_id: str) -> AppTest:
    """Select a row of the sites table as a click would (AppTest sets the selection state)."""
    key = tables.selection_key(ui_state.SITES_TABLE, site_ids)
    app.session_state[key] = {"selection": {"rows": [site_ids.index(site_id)], "columns": []}}
    return app.run()


def test_selecting_a_row_shows_the_sites_story_and_show_on_map_opens_the_map_on_it():
    app = run_page("pages/sites.py", {ui_state.COUNTRY: "Ireland"})
    ids = expected_site_ids(FilterState(countries=("IE",)))
    assert not [b for b in app.button if b.key == ui_state.SHOW_ON_MAP]

    select_site(app, ids, "ie-dublin")

    assert_ran_cleanly(app)
    details = " ".join(block.proto.body for block in app.get("html"))
    assert "Status history" in details and "Dublin" in details
    assert 'href="https://' in details and 'rel="noopener noreferrer"' in details

    app.button(key=ui_state.SHOW_ON_MAP).click().run()

    assert_ran_cleanly(app)
    assert [title.value for title in app.main.title] == ["Alleged Chinese overseas police stations"]
    assert app.query_params[ui_state.FOCUS_SITE] == "ie-dublin"
    # The filters in force travel with it.
    assert app.sidebar.multiselect(key=ui_state.COUNTRY).value == ["IE"]


def test_a_site_chosen_in_the_list_below_the_table_opens_its_details():
    app = run_page("pages/sites.py", {ui_state.COUNTRY: "Ireland"})
    assert app.selectbox(key=ui_state.SITE_CHOICE).value is None
    assert not [b for b in app.button if b.key == ui_state.SHOW_ON_MAP]

    app.selectbox(key=ui_state.SITE_CHOICE).set_value("ie-dublin").run()

    assert_ran_cleanly(app)
    details = " ".join(block.proto.body for block in app.get("html"))
    assert "Status history" in details and "Dublin" in details
    assert [b.key for b in app.button if b.key == ui_state.SHOW_ON_MAP] == [ui_state.SHOW_ON_MAP]


def test_ticking_a_row_chooses_its_site_in_the_list_and_the_status_follows_the_name():
    app = run_page("pages/sites.py", {ui_state.COUNTRY: "Ireland"})
    assert list(sites_table(app).value.columns[:3]) == ["name", "status", "details"]
    assert set(sites_table(app).value["details"]) == {"Details"}

    select_site(app, expected_site_ids(FilterState(countries=("IE",))), "ie-dublin")

    assert app.selectbox(key=ui_state.SITE_CHOICE).value == "ie-dublin"


def test_a_details_button_opens_the_site_of_its_row(monkeypatch):
    session = {ui_state.SITE_DETAILS_CLICK: {"row": 1, "label": "Details"}}
    monkeypatch.setattr(page_actions.st, "session_state", session)
    page_actions.open_clicked_site(("a-site", "b-site"))
    assert session[ui_state.SITE_CHOICE] == "b-site"
    # A click on a row the table no longer has opens nothing.
    session[ui_state.SITE_DETAILS_CLICK] = {"row": 5, "label": "Details"}
    page_actions.open_clicked_site(("c-site",))
    assert session[ui_state.SITE_CHOICE] == "b-site"


def test_search_words_from_a_link_are_shown_as_plain_text_never_as_markdown():
    words = "[click](https://evil.example) **now**"
    app = run_page("pages/sites.py", {ui_state.TEXT: words})

    assert_ran_cleanly(app)
    assert f"Filters: Search: “{words}”" in [text.value for text in app.text]
    assert not any("evil.example" in block.value for block in [*app.markdown, *app.caption])
    assert [info.value for info in app.main.info] == ["No sites match these filters."]


def test_the_sites_page_offers_the_four_downloads_the_map_once_asked_for():
    app = run_page("pages/sites.py")
    buttons = {button.proto.label: button.proto for button in app.get("download_button")}
    # The offline map (25 MB at 15,000 sites) is built only when asked, not on every run.
    assert set(buttons) == {"Sites (CSV)", "Sites (GeoJSON)", "Events (CSV)"}
    prepare = app.button(key=ui_state.PREPARE_MAP_HTML)
    assert prepare.proto.label == "Map (HTML, offline)" and not prepare.disabled

    prepare.click().run()

    assert_ran_cleanly(app)
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels[-1] == "Download the map (HTML, offline)"
    assert not [button for button in app.button if button.key == ui_state.PREPARE_MAP_HTML]

    # Another view drops the file made for the last one, and offers to make it again.
    app.sidebar.multiselect(key=ui_state.COUNTRY).select("IE").run()

    labels = [button.proto.label for button in app.get("download_button")]
    assert "Download the map (HTML, offline)" not in labels
    assert app.button(key=ui_state.PREPARE_MAP_HTML).proto.label == "Map (HTML, offline)"


def test_without_the_map_files_the_offline_map_download_is_disabled_and_explained(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(config, "VENDOR_DIR", tmp_path / "no-vendor")
    app = run_page("pages/sites.py")

    assert_ran_cleanly(app)
    button = app.button(key=ui_state.PREPARE_MAP_HTML).proto
    assert button.disabled
    assert "make setup" in button.help


# --- the sources page ----------------------------------------------------------------------------


def test_the_sources_page_says_what_each_source_supports_and_how_statuses_are_derived():
    app = run_sources()

    assert_ran_cleanly(app)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', source_table_html(app))
    assert headers == ["Source", "Date", "Kind", "Sites", "Events"]
    tabs = open_each_tab(app, ui_state.SOURCES_TAB)
    assert not [shown["exceptions"] for shown in tabs.values() if shown["exceptions"]]
    text = " ".join(shown["markdown"] for shown in tabs.values())
    assert "latest status-bearing event on or before that date" in text
    assert "never a building" in text
    assert "About 16 of those countries are not identified" in text
    facts = headline_facts(load_dataset(config.DEFAULT_DATA_DIR))
    stated = f"{facts.country_level} of the {facts.sites} published rows are country-level"
    assert stated in text
    assert f"Data version:** {i18n.date_label(facts.latest_event)}" in text
    assert "What a site rests on" in tabs["Method"]["subheaders"]
    assert "2026-11-27 — first release" in text
    definitions = " ".join(shown["html"] for shown in tabs.values())
    assert "Named by an NGO or the media" in definitions
    assert "<strong>Authorities addressed it</strong> — The host country" in definitions


# --- your own data -------------------------------------------------------------------------------

UPLOAD_KEYS = {
    schema.SITES_FILE: ui_state.UPLOAD_SITES,
    schema.EVENTS_FILE: ui_state.UPLOAD_EVENTS,
    schema.SOURCES_FILE: ui_state.UPLOAD_SOURCES,
}


def upload_files(app: AppTest, files: dict[str, bytes | tuple[str, bytes]]) -> AppTest:
    """Put files into the "Your data" page's uploaders, as a person choosing them would."""
    for file, content in files.items():
        name, data = content if isinstance(content, tuple) else (file, content)
        app.file_uploader(key=UPLOAD_KEYS[file]).set_value((name, data, "text/csv"))
    return app.run()


def problem_rows(app: AppTest, which: int = 0) -> list[str]:
    """The lines of the page's problems table (which=0), or its notes table (which=1)."""
    # Identified by its columns: AppTest gives no key for a table without selection.
    tables = [frame.value for frame in app.dataframe if "problem" in frame.value.columns]
    return [
        f"{row.file}:{'-' if row.row == 'whole file' else row.row}: {row.column}: {row.problem}"
        for row in tables[which].itertuples(index=False)
    ]


def test_a_sites_file_alone_is_accepted_and_shown_as_alleged():
    app = upload_files(
        run_page("pages/upload.py"), {schema.SITES_FILE: small_files()[schema.SITES_FILE]}
    )

    assert_ran_cleanly(app)
    assert metric(app, "Problems") == "0"
    assert any("No problems found" in box.value for box in app.success)
    assert any(box.value.startswith("5 notes: nothing is left out") for box in app.info)
    notes = problem_rows(app)
    assert notes[0].startswith("events.csv:-: : not given: every site is shown as alleged")
    assert "None" not in " ".join(notes)

    app.button(key=ui_state.USE_MY_DATA).click().run()
    app.switch_page("pages/sites.py").run()

    assert_ran_cleanly(app)
    table = sites_table(app).value
    assert len(table) == 3 and set(tag_words(table["status"])) == {"Alleged"}
    for page, _heading in PAGES:
        app.switch_page(page).run()
        assert_ran_cleanly(app)
        assert filter_summary(app) == "Showing 3 of 3 sites · 2 countries", page


def test_a_site_whose_report_row_was_rejected_stays_with_the_row_named():
    rows = small_rows()
    rows[schema.EVENTS_FILE][3]["date"] = "12/2022"  # line 5: fr-unspecified's only report
    app = upload_files(run_page("pages/upload.py"), small_files(rows))

    assert_ran_cleanly(app)
    assert metric(app, "Sites loaded") == "3"
    assert [row.split(": ")[0] for row in problem_rows(app)] == ["events.csv:5"]
    assert problem_rows(app, which=1) == [
        "sites.csv:4: site_id: its events were rejected: events.csv row 5 (see the problems "
        "there); kept without a first report and shown as alleged, undated, until a report "
        "naming it loads"
    ]


def banner(app: AppTest) -> list[str]:
    return [info.value for info in app.main.info if info.value.startswith("Showing your upload")]


def test_good_files_are_shown_on_every_page_of_this_session_until_switching_back():
    app = upload_files(run_page("pages/upload.py"), small_files())

    assert_ran_cleanly(app)
    assert metric(app, "Sites loaded") == "3"
    assert metric(app, "Problems") == "0"
    assert not banner(app)

    app.button(key=ui_state.USE_MY_DATA).click().run()

    assert_ran_cleanly(app)
    assert filter_summary(app) == "Showing 3 of 3 sites · 2 countries"
    for page, _heading in PAGES:
        drawn_whole(app.switch_page(page).run())
        assert_ran_cleanly(app)
        assert banner(app) == [
            "Showing your uploaded data (this browser session only) — switch back to the "
            "published dataset"
        ], page
        assert filter_summary(app) == "Showing 3 of 3 sites · 2 countries"
        assert "Your uploaded data, this browser session only" in footer(app)
    app.switch_page("pages/sites.py").run()
    assert set(sites_table(app).value["name"]) == {
        "London: Croydon",
        "Glasgow",
        "France (location not reported)",
    }

    app.button(key=ui_state.SWITCH_TO_PUBLISHED).click().run()

    assert_ran_cleanly(app)
    assert not banner(app)
    assert filter_summary(app) == summary_for(expected_counts(FilterState()))
    assert len(sites_table(app).value) == len(expected_site_ids(FilterState()))


def test_an_upload_is_seen_only_by_the_session_that_made_it():
    uploader = upload_files(run_page("pages/upload.py"), small_files())
    uploader.button(key=ui_state.USE_MY_DATA).click().run()
    assert filter_summary(uploader) == "Showing 3 of 3 sites · 2 countries"

    someone_else = run_page("pages/sites.py")

    assert not banner(someone_else)
    assert filter_summary(someone_else) == summary_for(expected_counts(FilterState()))


def test_broken_files_get_every_problem_listed_and_the_good_rows_still_load():
    rows = small_rows()
    rows[schema.SITES_FILE][1]["precision"] = "street"
    rows[schema.EVENTS_FILE][1]["date"] = "2023-13-01"
    app = upload_files(run_page("pages/upload.py"), small_files(rows))

    assert_ran_cleanly(app)
    problems = problem_rows(app)
    assert "sites.csv:3: precision: unknown value 'street' (allowed: country, city, locality)" in (
        problems
    )
    assert any(
        p.startswith("events.csv:3: date: '2023-13-01' is not a real date") for p in problems
    )
    assert metric(app, "Sites loaded") == "2"

    app.button(key=ui_state.USE_MY_DATA).click().run()
    app.switch_page("pages/sites.py").run()

    assert_ran_cleanly(app)
    # The grid's rows are numbered; its names are the two good sites'.
    assert list(sites_table(app).value["name"]) == [
        "London: Croydon",
        "France (location not reported)",
    ]
    # The chrome lists the same problems on every page.
    assert "sites.csv:3: precision: unknown value 'street'" in app.main.code[0].value


@pytest.mark.parametrize(
    ("content", "expected", "sites_left"),
    [
        (
            ("sites.csv", b"PK\x03\x04rest-of-an-xlsx"),
            "sites.csv:-: : 'sites.csv' is a spreadsheet, not CSV: save it as CSV (UTF-8)",
            0,
        ),
        (
            ("sites.csv", b"site_id,name\n" + b"x" * upload.MAX_UPLOAD_BYTES),
            "sites.csv:-: : 'sites.csv' is 1,000,013 bytes; the limit is 1,000,000",
            0,
        ),
        (
            # The quote swallows the rest of the file into one cell: one bad row, not a crash.
            ("sites.csv", small_files()[schema.SITES_FILE] + b'uk-x,"an unclosed quote\n'),
            "sites.csv:5: country: required value is empty",
            3,
        ),
        (
            ("sites.csv", "site_id\n".encode("utf-16")),
            "sites.csv:-: : file is encoded as UTF-16; save it as UTF-8",
            0,
        ),
    ],
    ids=["spreadsheet", "too large", "malformed", "utf-16"],
)
def test_a_wrong_file_gets_a_clear_message_and_never_a_traceback(content, expected, sites_left):
    files: dict = dict(small_files())
    files[schema.SITES_FILE] = content
    app = upload_files(run_page("pages/upload.py"), files)

    assert_ran_cleanly(app)
    assert any(row.startswith(expected) for row in problem_rows(app)), problem_rows(app)
    assert metric(app, "Sites loaded") == str(sites_left)
    # With no site left there is nothing to show on the map, and the button says why.
    assert app.button(key=ui_state.USE_MY_DATA).disabled == (sites_left == 0)


def test_sites_without_coordinates_are_placed_and_those_that_cannot_be_are_listed():
    rows = small_rows()
    for site in rows[schema.SITES_FILE]:
        site.update(latitude="", longitude="", coord_source="")
    rows[schema.SITES_FILE][1]["city"] = "Atlantis Under The Sea"
    app = upload_files(run_page("pages/upload.py"), small_files(rows))

    assert_ran_cleanly(app)
    unplaced = next(frame.value for frame in app.dataframe if "reason" in frame.value.columns)
    assert list(unplaced["site_id"]) == ["uk-glasgow"]
    assert any("could not be placed on the map" in warning.value for warning in app.warning)
    assert "placed with the offline gazetteer" in app.expander[-1].label


def test_the_templates_and_the_column_guide_are_offered():
    app = run_page("pages/upload.py")

    assert_ran_cleanly(app)
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == [f"Template: {file}" for file in schema.DATA_FILES]
    guides = [frame.value for frame in app.dataframe if "meaning" in frame.value.columns]
    assert [tuple(guide["column"]) for guide in guides] == [
        schema.column_names(file) for file in schema.DATA_FILES
    ]
    assert any("save each sheet as csv" in caption.value.casefold() for caption in app.caption)
