"""Every page in Simplified and Traditional Chinese under AppTest: the language from a link or
the browser, kept across pages and in the URL, and what each page shows in it."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from stationmap import config, i18n
from stationmap.app import ui_state
from stationmap.record.facts import HeadlineFacts, headline_facts
from stationmap.record.loader import load_dataset
from tests.app_session import (
    DASHBOARD,
    RUN_TIMEOUT_S,
    assert_ran_cleanly,
    drawn_whole,
    map_has_shown,
    open_each_tab,
)
from tests.test_app_pages import PAGES, tag_words

CHINESE = ("zh-Hans", "zh-Hant")
# The headings of every page, by language: sampled from the catalogues by hand, so a wrong
# or missing catalogue entry fails here too.
HEADINGS = {
    "zh-Hans": {
        "pages/map.py": "被指称的中国海外警察站",
        "pages/timeline.py": "时间线",
        "pages/sites.py": "站点",
        "pages/briefing.py": "简报",
        "pages/sources.py": "来源",
        "pages/upload.py": "您的数据",
    },
    "zh-Hant": {
        "pages/map.py": "被指稱的中國海外警察站",
        "pages/timeline.py": "時間軸",
        "pages/sites.py": "站點",
        "pages/briefing.py": "簡報",
        "pages/sources.py": "來源",
        "pages/upload.py": "您的資料",
    },
}
DATA_LANGUAGE_NOTE = {
    "zh-Hans": "事件摘要、注释、行为方名称和来源标题保留数据集原文（英文）。",
    "zh-Hant": "事件摘要、註記、行為方名稱和來源標題保留資料集原文（英文）。",
}


def start(query: dict | None = None, locale: str | None = None) -> AppTest:
    """The app as a browser with this preferred language would open this link."""
    app = map_has_shown(AppTest.from_file(DASHBOARD, default_timeout=RUN_TIMEOUT_S))
    app.query_params.update(query or {})
    if locale:
        app.context = {"locale": locale}
    return app.run()


def run_page(page: str, language: str, query: dict | None = None) -> AppTest:
    """`page` opened from the map page in `language`, whole (with the run its drawn-first
    report starts)."""
    app = start({ui_state.LANGUAGE: language, **(query or {})})
    return drawn_whole(app.switch_page(page).run())


def titles(app: AppTest) -> list[str]:
    return [title.value for title in app.main.title]


def html_bodies(app: AppTest) -> str:
    return " ".join(block.proto.body for block in app.get("html"))


def language_of(app: AppTest) -> str:
    return app.sidebar.selectbox(key=ui_state.LANGUAGE).value


# --- every page -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", CHINESE)
@pytest.mark.parametrize(("page", "heading"), PAGES, ids=[page for page, _ in PAGES])
def test_every_page_runs_in_chinese_with_its_heading_translated(page, heading, language):
    app = run_page(page, language)

    assert_ran_cleanly(app)
    assert HEADINGS[language][page] in titles(app)
    assert i18n.gettext(heading, language) in titles(app)
    # The shared chrome is translated as well, and says once that the data stays in English.
    assert [header.value for header in app.sidebar.header] == [i18n.gettext("Filters", language)]
    assert DATA_LANGUAGE_NOTE[language] in html_bodies(app.sidebar)
    assert app.query_params[ui_state.LANGUAGE] == language


@pytest.mark.parametrize(("page", "heading"), PAGES, ids=[page for page, _ in PAGES])
def test_every_page_runs_in_english_without_the_data_language_note(page, heading):
    app = run_page(page, "en")

    assert_ran_cleanly(app)
    assert heading in titles(app)
    assert "dataset's language" not in html_bodies(app.sidebar)


def test_the_map_page_title_and_headline_counts_are_chinese():
    app = start({ui_state.LANGUAGE: "zh-Hans"})

    assert titles(app) == ["被指称的中国海外警察站"]
    assert {metric.label for metric in app.metric} == {"站点", "国家"}
    facts = shipped_facts()
    sites, countries = facts.sites, facts.countries
    summary = " ".join(block.value for block in app.sidebar.markdown)
    assert f"显示{sites}个站点中的{sites}个 · {countries}个国家" in summary
    footer = " ".join(caption.value for caption in app.main.caption)
    latest = i18n.date_label(facts.latest_event, "zh-Hans")
    assert f"数据版本：{latest}（最新事件）" in footer
    assert f"{sites}个站点 · {countries}个国家" in footer


def shipped_facts() -> HeadlineFacts:
    """The shipped data's counts and version, as the pages work them out."""
    return headline_facts(load_dataset(config.DEFAULT_DATA_DIR))


# --- where the language comes from --------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant")],
)
def test_without_a_language_in_the_link_the_browsers_preference_decides(locale, expected):
    app = start(locale=locale)

    assert_ran_cleanly(app)
    assert language_of(app) == expected
    assert titles(app) == [i18n.gettext("Alleged Chinese overseas police stations", expected)]
    # Written into the URL, so a copied link opens in the same language for anyone.
    assert app.query_params[ui_state.LANGUAGE] == expected


def test_an_english_browser_gets_english_and_a_clean_url():
    app = start(locale="en-GB")

    assert language_of(app) == "en"
    assert titles(app) == ["Alleged Chinese overseas police stations"]
    assert ui_state.LANGUAGE not in app.query_params


def test_the_link_wins_over_the_browser():
    app = start({ui_state.LANGUAGE: "zh-Hant"}, locale="zh-CN")
    assert language_of(app) == "zh-Hant"


def test_english_chosen_in_a_chinese_browser_stays_in_the_link():
    app = start({ui_state.LANGUAGE: "en"}, locale="zh-CN")

    assert language_of(app) == "en"
    assert app.query_params[ui_state.LANGUAGE] == "en"


def test_a_link_with_english_filter_labels_opens_in_english_in_a_chinese_browser():
    # Made by someone reading English: its labels are English, and must still select.
    app = start({ui_state.STATUS: "Reported closed"}, locale="zh-TW")

    assert_ran_cleanly(app)
    assert language_of(app) == "en"
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == ["reported_closed"]


@pytest.mark.parametrize("value", ["zh_hans", "ZH-HANS", "简体中文"])
def test_a_language_in_the_link_is_read_loosely_and_written_back_as_its_tag(value):
    app = start({ui_state.LANGUAGE: value})

    assert language_of(app) == "zh-Hans"
    assert app.query_params[ui_state.LANGUAGE] == "zh-Hans"


def test_an_unknown_language_in_the_link_falls_back_to_the_browser():
    app = start({ui_state.LANGUAGE: "tlh"}, locale="zh-HK")
    assert language_of(app) == "zh-Hant"


def test_the_language_holds_when_switching_pages():
    app = start({ui_state.LANGUAGE: "zh-Hant"})
    for page, _heading in PAGES:
        app.switch_page(page).run()
        assert_ran_cleanly(app)
        assert titles(app)[0] == HEADINGS["zh-Hant"][page]
        assert app.query_params[ui_state.LANGUAGE] == "zh-Hant"


def test_choosing_a_language_translates_the_page_and_rewrites_the_link():
    app = start({ui_state.STATUS: "Reported closed", ui_state.COUNTRY: "United Kingdom"})

    app.sidebar.selectbox(key=ui_state.LANGUAGE).select("zh-Hans").run()

    assert_ran_cleanly(app)
    assert titles(app) == ["被指称的中国海外警察站"]
    assert app.query_params[ui_state.LANGUAGE] == "zh-Hans"
    # The filters hold, and the URL now carries their Chinese labels.
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == ["reported_closed"]
    assert app.query_params[ui_state.STATUS] == "据报已关闭"
    assert app.query_params[ui_state.COUNTRY] == "英国"

    app.sidebar.selectbox(key=ui_state.LANGUAGE).select("en").run()

    assert titles(app) == ["Alleged Chinese overseas police stations"]
    assert ui_state.LANGUAGE not in app.query_params
    assert app.query_params[ui_state.STATUS] == "Reported closed"


def test_a_chinese_link_with_chinese_filter_labels_opens_with_them_applied():
    query = {ui_state.STATUS: "當局稱未發現證據", ui_state.COUNTRY: "英國"}
    app = start({ui_state.LANGUAGE: "zh-Hant", **query})

    assert_ran_cleanly(app)
    assert app.sidebar.multiselect(key=ui_state.STATUS).value == ["no_evidence_found"]
    assert app.sidebar.multiselect(key=ui_state.COUNTRY).value == ["GB"]
    assert "顯示" in " ".join(block.value for block in app.sidebar.markdown)


# --- what the pages show in Chinese ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "country", "region"), [("zh-Hans", "英国", "欧洲"), ("zh-Hant", "英國", "歐洲")]
)
def test_the_filters_offer_country_and_region_names_from_babel(language, country, region):
    app = start({ui_state.LANGUAGE: language})

    assert country in app.sidebar.multiselect(key=ui_state.COUNTRY).options
    assert region in app.sidebar.multiselect(key=ui_state.REGION).options


def test_the_sites_table_shows_statuses_and_countries_in_chinese():
    # No filter here: AppTest sends a multiselect's labels back through its format function
    # outside the script run, where the language is English, so a chosen Chinese filter does
    # not survive AppTest's page switch (a browser sends back the labels it shows).
    app = run_page("pages/sites.py", "zh-Hans")

    (table,) = [f for f in app.dataframe if (f.key or "").startswith(ui_state.SITES_TABLE)]
    assert {"英国", "荷兰", "美国"} <= set(table.value["country"])
    statuses = {i18n.gettext(label, "zh-Hans") for label in i18n.STATUS_LABELS.values()}
    shown = set(tag_words(table.value["status"]))
    assert shown and shown <= statuses
    # City names stay as the data has them.
    assert "Glasgow" in set(table.value["city"])


def test_the_method_and_coverage_are_translated_and_the_status_definitions_too():
    app = run_page("pages/sources.py", "zh-Hant")
    tabs = open_each_tab(app, ui_state.SOURCES_TAB)

    assert not [shown["exceptions"] for shown in tabs.values() if shown["exceptions"]]
    text = " ".join(shown["markdown"] for shown in tabs.values())
    assert "狀態從不以人工填寫" in text
    facts = shipped_facts()
    assert f"{facts.sites}筆紀錄中有{facts.country_level}筆僅知國家" in text
    assert f"**資料版本**：{i18n.date_label(facts.latest_event, 'zh-Hant')}" in text
    assert "被非政府組織或媒體指為警察站" in " ".join(shown["html"] for shown in tabs.values())


def test_the_map_is_drawn_with_the_readers_language_and_fonts():
    app = start({ui_state.LANGUAGE: "zh-Hant"})

    (component,) = app.get("component_instance")
    arguments = json.loads(component.proto.json_args)
    assert '"lang":"zh-Hant"' in arguments["script"]
    assert ':lang(zh-Hant) { font-family: "Noto Sans CJK TC"' in arguments["header"]
    assert "狀態（地圖上的站點）" in arguments["script"]


def test_the_timeline_charts_use_chinese_fonts_and_month_labels():
    app = run_page("pages/timeline.py", "zh-Hans")

    charts = app.get("vega_lite_chart")
    assert charts
    for chart in charts:
        spec = json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)
        assert '\\"Noto Sans CJK SC\\"' in spec
        assert '"format": "%Y年%-m月"' in spec
        assert "警方到访与调查" in spec
