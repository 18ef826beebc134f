"""The briefing page under Streamlit's AppTest: stepping through a story, links to a slide,
presenting the shared filters' view, printing, and a broken stories file."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config, i18n
from stationmap.app import ui_state
from stationmap.html import markdown as markdown_module
from stationmap.record.filters import FilterState, apply_filters, count_headlines
from stationmap.record.loader import load_dataset
from stationmap.record.views import build_site_view
from tests.app_session import assert_ran_cleanly
from tests.conftest import small_files, write_dataset

DASHBOARD = config.PROJECT_ROOT / "dashboard.py"
# The first run imports pandas, folium and the gazetteer; a cold CI machine needs a while.
RUN_TIMEOUT_S = 60
PAGE = "pages/briefing.py"
UK_TITLES = {
    1: "September 2022: three UK sites alleged",
    3: "April 2023: a fourth site alleged, in Belfast",
    4: "6 June 2023: the government's statement",
    6: "May 2025: the review concludes",
}


def run_briefing(query: dict | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update(query or {})
    return app.run().switch_page(PAGE).run()


def titles(app: AppTest) -> list[str]:
    return [title.value for title in app.main.title]


def markdown(app: AppTest) -> list[str]:
    return [block.value for block in app.main.markdown]


def html(app: AppTest) -> str:
    return " ".join(block.value for block in app.get("html"))


def counter(app: AppTest) -> str:
    """The slide number, '3 / 6'."""
    (number,) = [text.strip("*") for text in markdown(app) if " / " in text]
    return number


def headline(state: FilterState) -> dict:
    view = build_site_view(load_dataset(config.DEFAULT_DATA_DIR), on=state.as_of or date.today())
    return count_headlines(apply_filters(view, state))


def test_next_and_previous_step_through_the_story_with_each_slides_own_filters():
    app = run_briefing({ui_state.STORY: "uk"})

    assert_ran_cleanly(app)
    assert titles(app) == [UK_TITLES[1]]
    assert counter(app) == "1 / 6"
    assert "3 sites in 1 country · statuses as of 12 September 2022" in html(app)
    assert any("listed three UK addresses" in text for text in markdown(app))
    assert app.button(key=ui_state.BRIEFING_PREVIOUS).disabled

    for _ in range(3):
        app.button(key=ui_state.BRIEFING_NEXT).click().run()

    assert_ran_cleanly(app)
    assert titles(app) == [UK_TITLES[4]]
    assert counter(app) == "4 / 6"
    assert app.query_params[ui_state.SLIDE] == "4"
    # Belfast is now on the map; the caption is the statement's.
    assert "4 sites in 1 country · statuses as of 6 June 2023" in html(app)
    assert any("not, to date, identified any evidence" in text for text in markdown(app))

    app.button(key=ui_state.BRIEFING_PREVIOUS).click().run()

    assert titles(app) == [UK_TITLES[3]]
    assert counter(app) == "3 / 6"


def test_the_page_keys_step_like_the_arrows():
    app = run_briefing({ui_state.STORY: "uk", ui_state.SLIDE: "3"})
    app.button(key=ui_state.BRIEFING_PAGE_DOWN).click().run()
    assert counter(app) == "4 / 6"
    app.button(key=ui_state.BRIEFING_PAGE_UP).click().run()
    app.button(key=ui_state.BRIEFING_PAGE_UP).click().run()
    assert counter(app) == "2 / 6"


@pytest.mark.parametrize("mode", [{ui_state.SLIDE: "3"}, {ui_state.PRINT: "1"}])
def test_escape_leaves_the_slides_for_the_list_of_stories(mode):
    app = run_briefing({ui_state.STORY: "uk", ui_state.CONTRAST: "high", **mode})

    app.button(key=ui_state.BRIEFING_EXIT).click().run()

    assert_ran_cleanly(app)
    assert titles(app) == ["Briefing"]
    assert ui_state.STORY not in app.query_params
    assert ui_state.PRINT not in app.query_params
    # The presenter's contrast is kept for the next story.
    assert app.query_params[ui_state.CONTRAST] == "high"


@pytest.mark.parametrize(("slide", "shown"), [("4", 4), ("6", 6), ("99", 6), ("0", 1), ("four", 1)])
def test_a_link_to_a_slide_opens_that_slide(slide, shown):
    app = run_briefing({ui_state.STORY: "uk", ui_state.SLIDE: slide})

    assert_ran_cleanly(app)
    assert titles(app) == [UK_TITLES[shown]]
    assert counter(app) == f"{shown} / 6"


def test_the_last_slide_has_no_next():
    app = run_briefing({ui_state.STORY: "world", ui_state.SLIDE: "6"})
    assert app.button(key=ui_state.BRIEFING_NEXT).disabled
    assert app.button(key=ui_state.BRIEFING_PAGE_DOWN).disabled


def test_a_slide_leaves_the_shared_filters_alone():
    app = run_briefing({ui_state.STORY: "uk", ui_state.SLIDE: "1", ui_state.TEXT: "Glasgow"})

    assert_ran_cleanly(app)
    # The slide shows its three sites; the sidebar still searches for Glasgow.
    assert "3 sites in 1 country" in html(app)
    assert app.sidebar.text_input(key=ui_state.TEXT).value == "Glasgow"
    summary = [block.value for block in app.sidebar.markdown if "Showing" in block.value]
    assert summary and summary[0].startswith("**Showing 1 of ")


@pytest.mark.parametrize(
    "query", [{"story": "uk", "slide": "2"}, {"present": "1"}, {"story": "uk", "print": "1"}]
)
def test_a_slide_takes_the_screen_without_the_footer_and_the_list_keeps_it(query):
    # The footer would show at Streamlit's padding until the slide's style sheet hid it, and
    # move as the sheet applied (a layout shift on a first visit).
    app = run_briefing(query)

    assert_ran_cleanly(app)
    assert not any("Data version" in caption.value for caption in app.main.caption)
    app.button(key=ui_state.BRIEFING_EXIT).click().run()
    assert titles(app) == ["Briefing"]
    assert any("Data version" in caption.value for caption in app.main.caption)


def test_without_a_story_the_stories_are_listed_to_start():
    app = run_briefing()

    assert_ran_cleanly(app)
    assert titles(app) == ["Briefing"]
    assert [sub.value for sub in app.main.subheader][:2] == [
        "The United Kingdom: from allegation to legislation",
        "The worldwide picture",
    ]
    app.button(key=f"{ui_state.BRIEFING_START}-world").click().run()
    assert counter(app) == "1 / 6"
    assert titles(app) == ["September 2022: 110 Overseas"]


def test_an_unknown_story_lists_the_stories_and_says_so():
    app = run_briefing({ui_state.STORY: "<b>atlantis</b>"})

    assert_ran_cleanly(app)
    assert titles(app) == ["Briefing"]
    escaped = markdown_module.plain("<b>atlantis</b>")
    assert any(f"There is no story “{escaped}”" in w.value for w in app.main.warning)


def test_an_unknown_story_from_a_link_is_shown_as_text_not_markdown():
    # Bold text, a working link and a third party's image, had the warning rendered them.
    story = "**x** [here](https://evil.example/) ![p](https://evil.example/p.png)"
    app = run_briefing({ui_state.STORY: story})

    assert_ran_cleanly(app)
    (warning,) = [w.value for w in app.main.warning if "There is no story" in w.value]
    assert markdown_module.plain(story) in warning
    assert "](https" not in warning and "**" not in warning


def test_curated_captions_keep_their_formatting_but_load_no_image(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder)
    (folder / "briefings.toml").write_text(
        '[[stories]]\nid = "pics"\ntitle = "Pictures ![t](https://evil.example/t.png)"\n'
        'summary = "**Bold** <img src=https://evil.example/s.png>"\n\n'
        '[[stories.slides]]\ncaption = "A *caption* ![p](https://evil.example/p.png)"\n'
        'countries = ["GB"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(config.DATA_DIR_ENV, str(folder))

    listed = run_briefing()
    shown = run_briefing({ui_state.STORY: "pics"})

    assert_ran_cleanly(listed)
    assert_ran_cleanly(shown)
    assert [sub.value for sub in listed.main.subheader][0] == "Pictures t"
    assert "**Bold** \\<img src=https://evil.example/s.png>" in markdown(listed)
    assert "A *caption* p" in markdown(shown)
    assert "evil.example" not in " ".join(markdown(shown) + titles(shown))


def test_high_contrast_is_a_toggle_held_in_the_link():
    app = run_briefing({ui_state.STORY: "uk", ui_state.SLIDE: "2"})
    assert "background: #000000" not in html(app)

    app.button(key=ui_state.BRIEFING_CONTRAST).click().run()

    assert app.query_params[ui_state.CONTRAST] == "high"
    assert "background: #000000" in html(app)
    # It stays on from slide to slide.
    app.button(key=ui_state.BRIEFING_NEXT).click().run()
    assert app.query_params[ui_state.CONTRAST] == "high" and counter(app) == "3 / 6"
    app.button(key=ui_state.BRIEFING_CONTRAST).click().run()
    assert ui_state.CONTRAST not in app.query_params


def test_print_mode_shows_every_slide_of_the_story_one_after_another():
    app = run_briefing({ui_state.STORY: "uk", ui_state.PRINT: "1"})

    assert_ran_cleanly(app)
    assert len(titles(app)) == 6
    assert titles(app)[0] == UK_TITLES[1] and titles(app)[-1] == UK_TITLES[6]
    assert "break-before: page" in html(app)

    app.button(key=ui_state.BRIEFING_BACK).click().run()
    assert len(titles(app)) == 1
    assert ui_state.PRINT not in app.query_params


def test_present_mode_shows_the_shared_filters_view_as_one_slide():
    query = {
        ui_state.PRESENT: "1",
        ui_state.COUNTRY: "United Kingdom",
        ui_state.AS_OF: "2023-06-07",
    }
    app = run_briefing(query)

    assert_ran_cleanly(app)
    counts = headline(FilterState(countries=("GB",), as_of=date(2023, 6, 7)))
    assert counts["sites"] == 4
    assert "4 sites in 1 country · statuses as of 7 June 2023" in markdown(app)
    assert "Filters: Country: United Kingdom" in html(app)
    assert titles(app) == ["Alleged overseas police stations"]


def test_present_this_view_on_the_map_page_presents_the_filters_in_force():
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S)
    app.query_params.update({ui_state.TEXT: "Glasgow"})
    app.run()

    app.button(key=ui_state.PRESENT_VIEW).click().run()

    assert_ran_cleanly(app)
    assert app.query_params[ui_state.PRESENT] == "1"
    expected = f"1 site in 1 country · statuses as of {date.today().day} "
    assert any(text.startswith(expected) for text in markdown(app)), markdown(app)


# --- problems ----------------------------------------------------------------------------------


@pytest.fixture
def broken_stories_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped data whose UK story has a slide with an unknown status."""
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder)
    stories = folder / "briefings.toml"
    text = stories.read_text(encoding="utf-8")
    stories.write_text(
        text.replace('countries = ["GB"]', 'countries = ["GB"]\nstatuses = ["closed"]', 1),
        encoding="utf-8",
    )
    monkeypatch.setenv(config.DATA_DIR_ENV, str(folder))
    return folder


def test_a_broken_stories_file_is_listed_and_the_good_stories_still_show(broken_stories_dir):
    app = run_briefing()

    assert_ran_cleanly(app)
    assert "The stories file has 1 problem" in app.main.warning[0].value
    problems = app.main.code[0].value
    assert problems.startswith("briefings.toml:")
    assert ": uk[1].statuses: unknown status 'closed'" in problems
    assert [sub.value for sub in app.main.subheader][0] == "The worldwide picture"


def test_a_link_to_a_broken_story_shows_the_list_not_a_traceback(broken_stories_dir):
    app = run_briefing({ui_state.STORY: "uk", ui_state.SLIDE: "2"})

    assert_ran_cleanly(app)
    assert titles(app) == ["Briefing"]
    assert "unknown status 'closed'" in app.main.code[0].value


def test_a_data_folder_without_stories_can_still_present_its_view(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(write_dataset(tmp_path / "data", small_files())))
    app = run_briefing()

    assert_ran_cleanly(app)
    assert any("no stories file" in info.value for info in app.main.info)

    app.button(key=ui_state.PRESENT_VIEW).click().run()

    assert_ran_cleanly(app)
    assert "3 sites in 2 countries" in " ".join(markdown(app))


def test_with_uploaded_data_the_stories_step_aside_but_its_view_can_be_presented():
    app = AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S).run()
    app.switch_page("pages/upload.py").run()
    uploaders = {
        "sites.csv": ui_state.UPLOAD_SITES,
        "events.csv": ui_state.UPLOAD_EVENTS,
        "sources.csv": ui_state.UPLOAD_SOURCES,
    }
    for file, data in small_files().items():
        app.file_uploader(key=uploaders[file]).set_value((file, data, "text/csv"))
    app.run()
    app.button(key=ui_state.USE_MY_DATA).click().run()

    app.switch_page(PAGE).run()

    assert_ran_cleanly(app)
    assert any("not shown while this session shows your uploaded data" in i.value for i in app.info)
    assert not app.main.subheader or "The worldwide picture" not in [
        sub.value for sub in app.main.subheader
    ]
    app.button(key=ui_state.PRESENT_VIEW).click().run()
    assert "3 sites in 2 countries" in " ".join(markdown(app))


def test_a_caption_not_yet_translated_is_shown_in_english_and_says_so(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder)
    (folder / "briefings.toml").write_text(
        '[[stories]]\nid = "plain"\ntitle = "Plain"\n\n'
        '[[stories.slides]]\ncaption = "Only in English."\ncountries = ["GB"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(config.DATA_DIR_ENV, str(folder))
    note = "No translation of this caption yet: it is shown in English."

    english = run_briefing({ui_state.STORY: "plain"})
    chinese = run_briefing({ui_state.STORY: "plain", ui_state.LANGUAGE: "zh-Hans"})

    assert_ran_cleanly(chinese)
    assert "Only in English." in markdown(chinese)
    assert [c.value for c in chinese.main.caption if c.value == i18n.gettext(note, "zh-Hans")]
    assert not [c.value for c in english.main.caption if c.value == note]
