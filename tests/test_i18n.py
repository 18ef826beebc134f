"""Translation helper: complete English catalogue, plural forms, fallback, labels and dates."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from stationmap import config, i18n, schema, views
from stationmap.dates import parse_partial_date
from stationmap.filters import UNKNOWN_BUREAU

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
    assert regions <= set(i18n.REGION_LABELS)


def test_the_unknown_bureau_has_a_label_and_real_bureaus_stay_as_written():
    assert UNKNOWN_BUREAU in i18n.BUREAU_LABELS
    assert i18n.bureau_label("Fuzhou PSB") == "Fuzhou PSB"


def test_an_unlabelled_value_is_shown_as_written():
    assert i18n.status_label("something_new") == "something_new"


def test_country_names_in_english_are_the_curated_ones():
    assert i18n.country_label("GB", "United Kingdom") == "United Kingdom"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2023-06-06", "6 June 2023"), ("2023-06", "June 2023"), ("2023", "2023")],
)
def test_dates_are_shown_at_their_own_precision(written, expected):
    assert i18n.date_label(parse_partial_date(written)) == expected


def test_a_missing_date_says_so():
    assert i18n.date_label(None) == "Date not reported"


def test_a_day_is_written_day_month_year():
    assert i18n.day_label(date(2026, 11, 27)) == "27 November 2026"
