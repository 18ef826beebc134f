"""Every page runs under Streamlit's AppTest; the shared filters, counts and problems work."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from stationmap import chrome, config, i18n, ui_state
from stationmap.filters import FilterState, apply_filters, count_headlines
from stationmap.loader import load_dataset
from stationmap.summary import summarize
from stationmap.views import build_site_view

DASHBOARD = config.PROJECT_ROOT / "dashboard.py"
# The first run imports pandas, folium and the gazetteer; a cold CI machine needs a while.
RUN_TIMEOUT_S = 60

# (page script, its heading), one per page dashboard.py registers.
PAGES = [
    ("pages/map.py", "Map"),
    ("pages/timeline.py", "Timeline"),
    ("pages/sites.py", "Sites"),
    ("pages/briefing.py", "Briefing"),
    ("pages/sources.py", "Sources"),
]


def run_app(query: dict | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update(query or {})
    return app.run()


def run_page(page: str, query: dict | None = None) -> AppTest:
    return run_app(query).switch_page(page).run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [exception.value for exception in app.exception]


def filter_summary(app: AppTest) -> str:
    """The sidebar line 'Showing N of M sites · K countries'."""
    lines = [block.value for block in app.sidebar.markdown if "Showing" in block.value]
    assert len(lines) == 1, [block.value for block in app.sidebar.markdown]
    return lines[0].strip("*")


def footer(app: AppTest) -> str:
    return " ".join(caption.value for caption in app.main.caption)


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


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
    assert [title.value for title in app.main.title] == ["Map"]


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
    query = {ui_state.STATUS: "No evidence found (police)", ui_state.COUNTRY: "United Kingdom"}
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
    facts = summarize(load_dataset(config.DEFAULT_DATA_DIR))
    return (
        f"{facts['sites']} sites · {facts['countries']} countries · "
        f"{facts['events']} events · {facts['sources']} sources"
    )


def test_the_footer_gives_data_version_counts_sources_link_and_disclaimer():
    app = run_app()
    text = footer(app)
    latest = chrome.latest_event_date(load_dataset(config.DEFAULT_DATA_DIR))
    assert f"Data version {i18n.date_label(latest)} (latest event)" in text
    assert shipped_counts_line() in text
    assert "alleged" in text
    assert [link.label for link in app.main.get("page_link")] == ["All sources"]


def test_the_footer_counts_do_not_follow_the_filters():
    app = run_app({ui_state.TEXT: "Glasgow"})
    assert shipped_counts_line() in footer(app)


def test_the_sources_page_lists_every_source():
    app = run_page("pages/sources.py")
    table = app.dataframe[0].value
    assert len(table) == len(load_dataset(config.DEFAULT_DATA_DIR).sources)
    assert table["url"].str.match(r"^https?://").all()


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
    assert not app.main.expander


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


def test_with_one_language_there_is_no_language_picker():
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
