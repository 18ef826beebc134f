"""Translation helper: complete English catalogue, plural forms, fallback, labels and dates."""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from stationmap import config, i18n
from stationmap.briefing import stories as briefings
from stationmap.map import builder as mapbuilder
from stationmap.map import offline as offline_map
from stationmap.record import schema, views
from stationmap.record.dates import parse_partial_date
from stationmap.record.filters import UNKNOWN_BUREAU
from tests.conftest import TEST_TODAY

# Where UI text is written: the entry point, the pages and the package.
SOURCE_FILES = sorted(
    [
        config.PROJECT_ROOT / "dashboard.py",
        *(config.PROJECT_ROOT / "pages").glob("*.py"),
        *(config.PROJECT_ROOT / "stationmap").rglob("*.py"),
    ]
)
SINGULAR_KEYWORDS = ("_", "N_")
PLURAL_KEYWORD = "n_"
# Every language with a catalogue besides English: each must translate every message.
TRANSLATIONS = [language for language in i18n.available_languages() if language != "en"]
# printf-style placeholders, should a message ever use them: %(name)s, %s, %d.
PERCENT_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdfr]")


def read_catalogue(path: Path):
    with path.open("rb") as po_file:
        return read_po(po_file)


def message_calls(path: Path) -> list[ast.Call]:
    """Every call of `_`, `N_` or `n_` in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in (*SINGULAR_KEYWORDS, PLURAL_KEYWORD)
    ]


def literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def messages_in_code() -> dict[str | tuple[str, str], str]:
    """Each literal message id in the code, with one place it is used."""
    found: dict[str | tuple[str, str], str] = {}
    for path in SOURCE_FILES:
        for call in message_calls(path):
            where = f"{path.relative_to(config.PROJECT_ROOT)}:{call.lineno}"
            if call.func.id == PLURAL_KEYWORD and len(call.args) >= 2:
                singular, plural = literal(call.args[0]), literal(call.args[1])
                if singular is not None and plural is not None:
                    found.setdefault((singular, plural), where)
            elif call.args and (text := literal(call.args[0])) is not None:
                found.setdefault(text, where)
    return found


def message_strings(message) -> tuple[str, ...]:
    """Every form of a message's translation (one, or one per plural form)."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


def placeholders(text: str) -> Counter:
    """The {name}, {name!r}, {name:spec} and %(name)s placeholders of a text, counted."""
    fields = [
        (name, conversion or "", spec)
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    ]
    return Counter(fields) + Counter(PERCENT_PLACEHOLDER.findall(text))


def markup(text: str) -> Counter:
    """The Markdown a translation must keep: bold, code spans and list items."""
    return Counter(
        {
            "bold": text.count("**"),
            "code": text.count("`"),
            "items": len(re.findall(r"^- ", text, flags=re.MULTILINE)),
        }
    )


@pytest.fixture
def reading(monkeypatch: pytest.MonkeyPatch):
    """``reading(language)``: make the reader's language that one, as the app's picker does."""

    def choose(language: str) -> None:
        monkeypatch.setattr(i18n, "current_language", lambda: language)

    return choose


def write_catalogue(folder: Path, language: str, body: str, plural_forms: str) -> Path:
    path = i18n.catalogue_path(language, folder)
    path.parent.mkdir(parents=True)
    header = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {language}\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    )
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.fixture
def extra_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A locales folder with the real English catalogue, a German and a Polish one."""
    english = i18n.catalogue_path(i18n.SOURCE_LANGUAGE, tmp_path)
    english.parent.mkdir(parents=True)
    english.write_bytes(i18n.catalogue_path(i18n.SOURCE_LANGUAGE).read_bytes())
    write_catalogue(
        tmp_path,
        "de",
        'msgid "Sites"\nmsgstr "Standorte"\n\n'
        'msgid "{n} site"\nmsgid_plural "{n} sites"\n'
        'msgstr[0] "{n} Standort"\nmsgstr[1] "{n} Standorte"\n',
        "nplurals=2; plural=(n != 1);",
    )
    # Polish has three plural forms: the catalogue's own rule must pick among them.
    write_catalogue(
        tmp_path,
        "pl",
        'msgid "{n} site"\nmsgid_plural "{n} sites"\n'
        'msgstr[0] "{n} miejsce"\nmsgstr[1] "{n} miejsca"\nmsgstr[2] "{n} miejsc"\n',
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    return tmp_path


# --- the English catalogue ---------------------------------------------------------------------


def test_every_message_in_the_code_is_in_the_english_catalogue():
    catalogue = read_catalogue(i18n.catalogue_path(i18n.SOURCE_LANGUAGE))
    known = {message.id for message in catalogue if message.id}
    missing = {
        message: where for message, where in messages_in_code().items() if message not in known
    }
    assert not missing, (
        "messages missing from stationmap/locales/en/LC_MESSAGES/stationmap.po "
        "(run `.venv/bin/python scripts/extract_messages.py`):\n"
        + "\n".join(
            f"  {where}: {message!r}" for message, where in sorted(missing.items(), key=str)
        )
    )


def test_the_code_has_messages_to_check():
    # Guards the test above against an extractor that silently finds nothing.
    messages = messages_in_code()
    assert "Filters" in messages
    assert ("{n} site", "{n} sites") in messages


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: p.name)
def test_messages_are_not_built_before_translation(path: Path):
    # `_(f"...")` or `_("a" + b)` asks the catalogue for a text it can never hold: format after.
    built = [
        f"{path.name}:{call.lineno}"
        for call in message_calls(path)
        for argument in call.args[:2]
        if isinstance(argument, ast.JoinedStr | ast.BinOp)
        or (
            isinstance(argument, ast.Call)
            and isinstance(argument.func, ast.Attribute)
            and argument.func.attr in ("format", "join")
        )
    ]
    assert built == []


def test_english_catalogue_leaves_every_message_as_written():
    catalogue = read_catalogue(i18n.catalogue_path(i18n.SOURCE_LANGUAGE))
    translated = [message.id for message in catalogue if message.id and any(message.string)]
    assert translated == []


# --- the translations --------------------------------------------------------------------------


def test_simplified_and_traditional_chinese_ship():
    assert i18n.available_languages() == ("en", "zh-Hans", "zh-Hant")


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_message_has_a_translation(language):
    english = read_catalogue(i18n.catalogue_path(i18n.SOURCE_LANGUAGE))
    catalogue = read_catalogue(i18n.catalogue_path(language))
    missing = [
        message.id
        for message in english
        if message.id
        and (
            message.id not in catalogue
            or not all(s.strip() for s in message_strings(catalogue[message.id]))
        )
    ]
    assert not missing, (
        f"untranslated in {i18n.catalogue_path(language).relative_to(config.PROJECT_ROOT)} "
        "(run `.venv/bin/python scripts/extract_messages.py`, then translate):\n"
        + "\n".join(f"  {message!r}" for message in missing)
    )


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_no_translation_is_marked_fuzzy(language):
    catalogue = read_catalogue(i18n.catalogue_path(language))
    assert [message.id for message in catalogue if message.id and message.fuzzy] == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translations_keep_the_placeholders_and_markdown_of_the_english(language):
    catalogue = read_catalogue(i18n.catalogue_path(language))
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        for translated in message_strings(message):
            if placeholders(translated) != placeholders(singular):
                wrong.append(f"placeholders: {singular!r} -> {translated!r}")
            if markup(translated) != markup(singular):
                wrong.append(f"markdown: {singular!r} -> {translated!r}")
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_plural_messages_have_as_many_forms_as_the_language_has(language):
    catalogue = read_catalogue(i18n.catalogue_path(language))
    plurals = [message for message in catalogue if isinstance(message.id, tuple)]
    assert plurals
    assert {len(message.string) for message in plurals} == {catalogue.num_plurals}


def test_placeholders_are_read_with_their_conversion():
    assert placeholders("{variable}={value!r}, {{z}}") == Counter(
        [("variable", "", ""), ("value", "r", "")]
    )
    assert placeholders("%(name)s and %d") == Counter(["name", ""])


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-Hans", "站点"), ("zh-Hant", "站點")],
)
def test_the_chinese_catalogues_translate(language, expected):
    assert i18n.gettext("Sites", language) == expected


@pytest.mark.parametrize("n", [0, 1, 2, 80])
@pytest.mark.parametrize(
    ("language", "expected"), [("zh-Hans", "{n}个站点"), ("zh-Hant", "{n}個站點")]
)
def test_chinese_has_one_plural_form(language, expected, n):
    assert i18n.ngettext("{n} site", "{n} sites", n, language) == expected


def shipped_slides() -> list[tuple[str, briefings.Slide]]:
    loaded = briefings.load_briefings(config.DEFAULT_DATA_DIR / briefings.BRIEFINGS_FILE)
    assert loaded.stories and not loaded.problems
    return [
        (f"{story.story_id}[{slide.number}]", slide)
        for story in loaded.stories.values()
        for slide in story.slides
    ]


@pytest.mark.parametrize("language", briefings.CAPTION_LANGUAGES)
def test_every_shipped_slide_has_a_caption_in_each_chinese_script(language):
    wrong = []
    for where, slide in shipped_slides():
        caption, translated = slide.caption_in(language)
        if not translated:
            wrong.append(f"{where}: no {language} caption")
        elif placeholders(caption) != placeholders(slide.caption):
            wrong.append(f"{where}: placeholders differ from the English caption")
        elif markup(caption) != markup(slide.caption):
            wrong.append(f"{where}: Markdown differs from the English caption")
    assert wrong == []


# --- plurals, fallback, new languages -----------------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [(0, "0 sites"), (1, "1 site"), (2, "2 sites")])
def test_english_plural_forms(n, expected):
    assert i18n.ngettext("{n} site", "{n} sites", n, "en").format(n=n) == expected


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "1 miejsce"), (3, "3 miejsca"), (5, "5 miejsc"), (22, "22 miejsca")]
)
def test_plural_forms_follow_the_catalogues_own_rule(extra_locales, n, expected):
    assert i18n.ngettext("{n} site", "{n} sites", n, "pl").format(n=n) == expected


def test_unknown_language_falls_back_to_english():
    assert i18n.normalize_language("xx") == "en"
    assert i18n.normalize_language(None) == "en"
    assert i18n.gettext("Sites", "xx") == "Sites"
    assert i18n.ngettext("{n} site", "{n} sites", 2, "xx") == "{n} sites"


def test_language_tags_are_matched_loosely():
    languages = ("en", "zh-Hans", "zh-Hant")
    assert i18n.normalize_language("zh_hans", languages) == "zh-Hans"
    assert i18n.normalize_language(" ZH-HANT ", languages) == "zh-Hant"


def test_a_link_may_name_a_language_by_its_picker_label():
    languages = ("en", "zh-Hans", "zh-Hant")
    assert i18n.match_language("简体中文", languages) == "zh-Hans"
    assert i18n.match_language("繁體中文", languages) == "zh-Hant"
    assert i18n.match_language("klingon", languages) is None


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["zh-CN"], "zh-Hans"),
        (["zh-SG"], "zh-Hans"),
        (["zh-Hans"], "zh-Hans"),
        (["zh-Hans-CN"], "zh-Hans"),
        (["zh"], "zh-Hans"),
        (["zh-TW"], "zh-Hant"),
        (["zh-HK"], "zh-Hant"),
        (["zh-MO"], "zh-Hant"),
        (["zh-Hant"], "zh-Hant"),
        (["zh_TW"], "zh-Hant"),
        (["en-US"], "en"),
        (["fr-FR", "zh-TW"], "zh-Hant"),
        (["fr-FR", "de"], "en"),
        ([None, "", "not a tag"], "en"),
        ([], "en"),
    ],
)
def test_the_browsers_preferred_language_picks_the_script(tags, expected):
    assert i18n.preferred_language(tags, ("en", "zh-Hans", "zh-Hant")) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", ["zh-TW", "zh", "en-US", "en"]),
        ("en;q=0.5, zh-CN", ["zh-CN", "en"]),
        ("fr, *;q=0.1, de;q=0", ["fr"]),
        ("zh-HK;q=oops, en", ["en"]),
        (None, []),
        ("", []),
    ],
)
def test_accept_language_is_read_in_order_of_preference(header, expected):
    assert i18n.accepted_languages(header) == expected


def test_the_languages_name_themselves_as_chinese_sites_do():
    assert [i18n.language_label(language) for language in i18n.available_languages()] == [
        "English",
        "简体中文",
        "繁體中文",
    ]


def test_a_new_language_needs_only_its_catalogue(extra_locales):
    assert i18n.available_languages() == ("en", "de", "pl")
    assert i18n.gettext("Sites", "de") == "Standorte"
    # Untranslated messages show the English text.
    assert i18n.gettext("Filters", "de") == "Filters"
    assert i18n.language_label("de") == "Deutsch"


def test_english_is_always_available():
    assert i18n.available_languages()[0] == "en"
    assert i18n.available_languages(Path("/nonexistent")) == ("en",)


def test_outside_the_app_the_language_is_english():
    assert i18n.current_language() == "en"
    assert i18n._("Sites") == "Sites"
    assert i18n.n_("{n} site", "{n} sites", 1) == "{n} site"


# --- labels --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", schema.STATUSES)
def test_every_status_has_a_label_for_people(status):
    label = i18n.status_label(status)
    assert label and label != status and "_" not in label


@pytest.mark.parametrize("event_type", schema.EVENT_TYPES)
def test_every_event_type_has_a_label(event_type):
    assert "_" not in i18n.event_type_label(event_type)


@pytest.mark.parametrize("kind", schema.SOURCE_KINDS)
def test_every_source_kind_has_a_label(kind):
    assert "_" not in i18n.source_kind_label(kind)


def test_every_region_the_views_give_has_a_label():
    regions = {*views.REGION_NAMES.values(), views.UNKNOWN_REGION}
    assert regions <= set(i18n.REGION_TERRITORIES) | set(i18n.REGION_LABELS)


@pytest.mark.parametrize("region", views.REGION_NAMES.values())
def test_region_names_in_english_stay_as_the_filter_writes_them(region):
    # They are the filter's values and what links carry, so Babel's English must match them.
    assert i18n.region_label(region) == region


@pytest.mark.parametrize(
    ("language", "region", "expected"),
    [
        ("zh-Hans", "Europe", "欧洲"),
        ("zh-Hant", "Europe", "歐洲"),
        ("zh-Hans", "North America", "北美洲"),
        ("zh-Hant", "Asia", "亞洲"),
        ("zh-Hans", "Antarctica", "南极洲"),
        ("zh-Hans", "Other", "其他"),
    ],
)
def test_region_names_come_from_babel(reading, language, region, expected):
    reading(language)
    assert i18n.region_label(region) == expected
    if region in i18n.REGION_TERRITORIES:
        code = i18n.REGION_TERRITORIES[region]
        assert expected == Locale.parse(language, sep="-").territories[code]


def test_the_unknown_bureau_has_a_label_and_real_bureaus_stay_as_written():
    assert UNKNOWN_BUREAU in i18n.BUREAU_LABELS
    assert i18n.bureau_label("Fuzhou PSB") == "Fuzhou PSB"


def test_an_unlabelled_value_is_shown_as_written():
    assert i18n.status_label("something_new") == "something_new"


def test_country_names_in_english_are_the_curated_ones():
    assert i18n.country_label("GB", "United Kingdom") == "United Kingdom"


@pytest.mark.parametrize(
    ("language", "iso2", "expected"),
    [
        ("zh-Hans", "GB", "英国"),
        ("zh-Hant", "GB", "英國"),
        ("zh-Hans", "US", "美国"),
        ("zh-Hant", "NL", "荷蘭"),
    ],
)
def test_country_names_in_chinese_come_from_babel(reading, language, iso2, expected):
    reading(language)
    assert i18n.country_label(iso2, "curated English name") == expected


def test_a_code_babel_does_not_know_keeps_the_curated_name(reading):
    reading("zh-Hans")
    assert i18n.country_label("XK", "Kosovo") == Locale.parse("zh_Hans").territories.get(
        "XK", "Kosovo"
    )
    assert i18n.country_label("QQ", "Nowhere") == "Nowhere"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2023-06-06", "6 June 2023"), ("2023-06", "June 2023"), ("2023", "2023")],
)
def test_dates_are_shown_at_their_own_precision(written, expected):
    assert i18n.date_label(parse_partial_date(written)) == expected


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize(
    ("written", "expected"),
    [("2023-06-06", "2023年6月6日"), ("2023-06", "2023年6月"), ("2023", "2023年")],
)
def test_chinese_dates_are_shown_at_their_own_precision(reading, language, written, expected):
    reading(language)
    assert i18n.date_label(parse_partial_date(written)) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-Hans", "2026年11月27日"), ("zh-Hant", "2026年11月27日")]
)
def test_a_chinese_day_is_written_year_month_day(reading, language, expected):
    reading(language)
    assert i18n.day_label(date(2026, 11, 27)) == expected


def test_a_missing_date_says_so():
    assert i18n.date_label(None) == "Date not reported"


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-Hans", "日期未见报道"), ("zh-Hant", "日期未見報導")]
)
def test_a_missing_date_says_so_in_chinese(reading, language, expected):
    reading(language)
    assert i18n.date_label(None) == expected


# --- fonts ---------------------------------------------------------------------------------


def test_english_keeps_the_apps_own_font():
    assert i18n.font_family("en") is None


@pytest.mark.parametrize(
    ("language", "first", "last_named"),
    [
        ("zh-Hans", "Noto Sans CJK SC", "Microsoft YaHei"),
        ("zh-Hant", "Noto Sans CJK TC", "Microsoft JhengHei"),
    ],
)
def test_chinese_gets_a_cjk_font_stack_for_its_script(language, first, last_named):
    stack = i18n.font_family(language)
    assert stack.startswith(f'"{first}"')
    assert f'"{last_named}", sans-serif' in stack


def test_the_font_css_picks_the_stack_by_the_elements_language():
    css = i18n.font_css()
    for language in ("zh-Hans", "zh-Hant"):
        (rule,) = [line for line in css.splitlines() if f":lang({language})" in line]
        assert i18n.font_family(language) in rule
        assert ".sm-popup" in rule and ".sm-legend-control" in rule


def test_a_day_is_written_day_month_year():
    assert i18n.day_label(date(2026, 11, 27)) == "27 November 2026"


@pytest.mark.parametrize(("language", "font"), [("zh-Hans", "SC"), ("zh-Hant", "TC")])
def test_the_map_marks_its_language_and_carries_the_fonts_for_it(
    reading, shipped_dataset, language, font
):
    reading(language)
    view = views.build_site_view(shipped_dataset, on=TEST_TODAY)
    page = (
        mapbuilder.build_map(view, events=shipped_dataset.events, sources=shipped_dataset.sources)
        .get_root()
        .render()
    )
    assert f'"lang":"{language}"' in page
    assert 'map.getContainer().setAttribute("lang", payload.lang)' in page
    assert f':lang({language}) {{ font-family: "Noto Sans CJK {font}"' in page


@pytest.mark.skipif(offline_map.missing_vendor_files() != [], reason="needs `make setup`")
def test_the_offline_map_is_marked_with_its_language_and_carries_its_fonts(
    reading, shipped_dataset
):
    reading("zh-Hant")
    view = views.build_site_view(shipped_dataset, on=TEST_TODAY)
    page = offline_map.standalone_map_html(view, shipped_dataset, on=TEST_TODAY).decode("utf-8")
    assert '<html lang="zh-Hant">' in page
    assert ':lang(zh-Hant) { font-family: "Noto Sans CJK TC"' in page
    assert "<title>stationmap — 被指稱的海外警察站</title>" in page
    assert "這些是指控和當局所報導的回應" in page
