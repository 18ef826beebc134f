"""Rewrite the message catalogues from the ``_()``, ``n_()`` and ``N_()`` calls in the code.

    .venv/bin/python scripts/extract_messages.py               # update every catalogue
    .venv/bin/python scripts/extract_messages.py --init fr     # add a language, then update

The English catalogue (the source language) is written afresh: every message id, with empty
translations, so tests/test_i18n.py can tell when a new text is missing. Every other language's
catalogue is updated in place: new ids are added untranslated, translations of ids that are
gone are kept as obsolete entries for the translator, and translations already made are kept.
It prints how many messages each catalogue has and lists the ones still untranslated.

A comment on the line(s) just above a call that starts with ``Translators:`` is copied into the
catalogue beside the message, for the translator.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from stationmap import i18n  # noqa: E402 - after the path is set

# The gettext names stationmap.i18n defines, and how many leading arguments are message ids.
KEYWORDS = {"_": 1, "N_": 1, "n_": 2}
TRANSLATOR_TAG = "Translators:"


def source_files() -> list[Path]:
    """Every Python file whose text reaches people: the entry point, pages and package."""
    files = [REPO_ROOT / "dashboard.py"]
    for folder in ("pages", "stationmap"):
        files.extend(sorted((REPO_ROOT / folder).rglob("*.py")))
    return files


def translator_comment(lines: list[str], lineno: int) -> str | None:
    """The ``# Translators: ...`` comment on the lines just above line `lineno` (1-based)."""
    comment: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        comment.insert(0, lines[index].strip().lstrip("#").strip())
        if comment[0].startswith(TRANSLATOR_TAG):
            return " ".join(comment)
        index -= 1
    return None


def extract_messages(source: str) -> Iterator[tuple[int, str | tuple[str, str]]]:
    """(line, message id) for each literal `_()`, `N_()` and `n_()` call in Python source.

    Read from the syntax tree rather than with Babel's tokenizing extractor, which does not see
    calls inside f-strings.
    """
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        count = KEYWORDS.get(node.func.id)
        ids = node.args[:count] if count else []
        if not ids or len(ids) < count:
            continue
        if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in ids):
            continue  # a marked variable: its text is extracted where N_() marks it
        texts = tuple(a.value for a in ids)
        yield node.lineno, texts[0] if count == 1 else texts


def build_template() -> Catalog:
    """A catalogue of every message in the code, with where each is used."""
    template = Catalog(locale=i18n.SOURCE_LANGUAGE, domain=i18n.DOMAIN, project="stationmap")
    for path in source_files():
        relative = path.relative_to(REPO_ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for lineno, message in sorted(extract_messages(source), key=lambda f: f[0]):
            comment = translator_comment(lines, lineno)
            template.add(
                message, locations=[(relative, lineno)], auto_comments=[comment] if comment else []
            )
    return template


def write_catalogue(catalogue: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po_file:
        # No line numbers: they would change the file at every edit of the code.
        write_po(po_file, catalogue, width=100, include_lineno=False, sort_output=True)


def babel_locale(language: str) -> str:
    """A catalogue folder's tag as Babel's locale identifier ('zh-Hans' is 'zh_Hans')."""
    return language.replace("-", "_")


def is_translated(message) -> bool:
    """True if every form of a message has a non-empty translation."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def init_catalogue(language: str) -> None:
    """Create an empty catalogue for a new language (its plural rule from Babel's data)."""
    path = i18n.catalogue_path(language)
    if path.exists():
        raise SystemExit(f"{path} exists already")
    catalogue = Catalog(locale=babel_locale(language), domain=i18n.DOMAIN, project="stationmap")
    write_catalogue(catalogue, path)
    i18n._languages_in.cache_clear()  # the new folder must be seen in this run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", metavar="LANG", help="add a catalogue for LANG (e.g. zh-Hans)")
    arguments = parser.parse_args(argv)
    if arguments.init:
        init_catalogue(arguments.init)
    template = build_template()
    write_catalogue(template, i18n.catalogue_path(i18n.SOURCE_LANGUAGE))
    print(f"{i18n.SOURCE_LANGUAGE}: {len(template)} messages")
    for language in i18n.available_languages():
        if language == i18n.SOURCE_LANGUAGE:
            continue
        path = i18n.catalogue_path(language)
        with path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=babel_locale(language), domain=i18n.DOMAIN)
        catalogue.update(template, no_fuzzy_matching=True)
        write_catalogue(catalogue, path)
        untranslated = [
            message.id for message in catalogue if message.id and not is_translated(message)
        ]
        print(f"{language}: {len(catalogue)} messages, {len(untranslated)} untranslated")
        for message_id in untranslated:
            print(f"  untranslated: {message_id!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
