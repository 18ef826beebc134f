"""Interface text in the reader's language: every piece of UI text goes through ``_()``.

gettext-style, with English as the source language::

    from stationmap.i18n import _, n_

    st.title(_("Sites"))
    st.caption(n_("{n} site", "{n} sites", count).format(n=count))

Catalogues are plain ``.po`` files, ``locales/<lang>/LC_MESSAGES/stationmap.po``, read with
Babel when first needed; no compiled ``.mo`` is kept in the repository. ``<lang>`` is the
language's BCP 47 tag, exactly as the ``lang`` URL parameter and the HTML ``lang`` attribute
write it: ``en``, ``zh-Hans`` (Simplified Chinese), ``zh-Hant`` (Traditional Chinese). Babel
reads the same tags (``Locale.parse("zh-Hans", sep="-")``) for dates, country and region names.
The English catalogue lists every message id with an empty translation, so a test can tell
when a new ``_("...")`` is missing from it (``python scripts/extract_messages.py`` rewrites it
and updates every other catalogue). Adding a language means adding its folder and catalogue
(``python scripts/extract_messages.py --init <lang>``); nothing in the code changes.

Chinese has one plural form: ``n_()`` still takes the English singular and plural, and the
Chinese catalogues give one ``msgstr[0]``.

Text whose id is chosen at run time (a status, a region) is marked where it is written with
``N_()`` and translated by the ``*_label`` functions below, so the extractor still sees it.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from stationmap.app import ui_state
from stationmap.record import schema
from stationmap.record.dates import PartialDate

DOMAIN = "stationmap"
SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"

# Babel locale used for dates and names per interface language. English dates are written
# day-month-year ("6 June 2023"), as in the sources and the rest of the project.
FORMAT_LOCALES = {SOURCE_LANGUAGE: "en_GB"}


def N_(message: str) -> str:
    """Mark a message for extraction without translating it (``gettext_noop``)."""
    return message


# --- catalogues ------------------------------------------------------------------------------


def catalogue_path(language: str, locales_dir: Path | None = None) -> Path:
    """Where a language's ``.po`` catalogue lives."""
    return (locales_dir or LOCALES_DIR) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages(locales_dir: Path | None = None) -> tuple[str, ...]:
    """The source language first, then every language that has a catalogue, sorted."""
    return _languages_in(locales_dir or LOCALES_DIR)


# Looked up by every `_()`; catalogues ship with the code, so once per process is enough.
@lru_cache(maxsize=4)
def _languages_in(locales_dir: Path) -> tuple[str, ...]:
    folders = locales_dir.iterdir() if locales_dir.is_dir() else ()
    found = sorted(
        folder.name
        for folder in folders
        if folder.is_dir() and catalogue_path(folder.name, locales_dir).is_file()
    )
    return (SOURCE_LANGUAGE, *(language for language in found if language != SOURCE_LANGUAGE))


def match_language(value: object, languages: tuple[str, ...] | None = None) -> str | None:
    """The available language a tag or picker label names ('zh_hans' finds 'zh-Hans',
    as does '简体中文'); None if it names none."""
    languages = available_languages() if languages is None else languages
    return _match_language_text(value, languages) if isinstance(value, str) else None


# Asked for by every translated message, a few hundred times a run: worth remembering.
@lru_cache(maxsize=256)
def _match_language_text(value: str, languages: tuple[str, ...]) -> str | None:
    wanted = value.strip().replace("_", "-").casefold()
    for language in languages:
        if wanted in (language.casefold(), language_label(language).casefold()):
            return language
    return None


def normalize_language(value: object, languages: tuple[str, ...] | None = None) -> str:
    """The available language a tag names ('zh_hans' finds 'zh-Hans'); English otherwise."""
    return match_language(value, languages) or SOURCE_LANGUAGE


def _script_locale(tag: str) -> Locale | None:
    """A language tag as a Babel locale with its script filled in ('zh-TW' is zh_Hant_TW,
    'zh' is zh_Hans); None if Babel does not know it."""
    try:
        locale = Locale.parse(tag.strip().replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if locale.script is None:
        # Babel fills the script in from the region (zh-TW, zh-HK), not for a bare 'zh'.
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            locale = Locale(locale.language, locale.territory, script=Locale.parse(likely).script)
    return locale


def accepted_languages(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most preferred first ('*' and q=0 left out)."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _quality, _position, tag in sorted(ranked)]


def preferred_language(tags: Iterable[str | None], languages: tuple[str, ...] | None = None) -> str:
    """The first available language among a browser's preferred tags; English if none is.

    Chinese tags go by script: zh-CN, zh-SG and zh-Hans read Simplified, zh-TW, zh-HK, zh-MO
    and zh-Hant Traditional, and a bare 'zh' Simplified (Babel's likely subtags).
    """
    languages = available_languages() if languages is None else languages
    offered = [(language, _script_locale(language)) for language in languages]
    for tag in tags:
        wanted = _script_locale(tag) if isinstance(tag, str) else None
        if wanted is None:
            continue
        for language, locale in offered:
            if (
                locale is not None
                and locale.language == wanted.language
                and (locale.script is None or locale.script == wanted.script)
            ):
                return language
    return SOURCE_LANGUAGE


def load_translations(
    language: str, locales_dir: Path | None = None
) -> gettext_module.NullTranslations:
    """The translations of one language, read from its ``.po`` file once per process.

    A missing catalogue gives the identity, so an unknown language shows English.
    """
    return _read_translations(language, locales_dir or LOCALES_DIR)


@lru_cache(maxsize=16)
def _read_translations(language: str, locales_dir: Path) -> gettext_module.NullTranslations:
    path = catalogue_path(language, locales_dir)
    if not path.is_file():
        return gettext_module.NullTranslations()
    with path.open("rb") as po_file:
        catalogue = read_po(po_file, domain=DOMAIN)
    # Compiled in memory: Python's gettext then applies the catalogue's own plural rule.
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def gettext(message: str, language: str) -> str:
    """``message`` in ``language``; the English text where no translation exists."""
    return load_translations(language).gettext(message)


def ngettext(singular: str, plural: str, n: int, language: str) -> str:
    """The singular or plural form for ``n``, by the language's own plural rule."""
    return load_translations(language).ngettext(singular, plural, n)


# --- the current reader's language -------------------------------------------------------------


def current_language() -> str:
    """The language chosen in this session (see ui_state.LANGUAGE); English outside the app."""
    # Imported here so the pure functions above load without Streamlit's runtime.
    import streamlit as st

    if not st.runtime.exists():
        return SOURCE_LANGUAGE
    return normalize_language(st.session_state.get(ui_state.LANGUAGE))


def _(message: str) -> str:
    """Translate a literal message into the reader's language."""
    return gettext(message, current_language())


def n_(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count: ``n_("{n} site", "{n} sites", n).format(n=n)``."""
    return ngettext(singular, plural, n, current_language())


def format_locale(language: str | None = None) -> Locale:
    """The Babel locale for dates and names in a language (default: the reader's)."""
    language = language or current_language()
    tag = FORMAT_LOCALES.get(language, language)
    try:
        return Locale.parse(tag, sep="-" if "-" in tag else "_")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FORMAT_LOCALES[SOURCE_LANGUAGE])


# --- labels for values chosen at run time ------------------------------------------------------

STATUS_LABELS = {
    "alleged": N_("Alleged"),
    "under_investigation": N_("Under investigation"),
    "investigation_closed": N_("Investigation closed, no charges"),
    "no_evidence_found": N_("No evidence reported by authorities"),
    "ordered_closed": N_("Ordered closed"),
    "reported_closed": N_("Reported closed"),
    "charges_filed": N_("Charges filed"),
    "convicted": N_("Conviction in court"),
}

EVENT_TYPE_LABELS = {
    "ngo_report": N_("NGO report"),
    "media_report": N_("Media report"),
    "police_visit": N_("Police visit"),
    "investigation_opened": N_("Investigation opened"),
    "closure_ordered": N_("Closure ordered"),
    "closure_reported": N_("Closure reported"),
    "government_statement": N_("Government statement"),
    "parliamentary_statement": N_("Parliamentary statement"),
    "embassy_response": N_("Embassy response"),
    "diplomatic_protest": N_("Diplomatic protest"),
    "legislation": N_("Legislation"),
    "arrest": N_("Arrest"),
    "charge": N_("Charge"),
    "conviction": N_("Conviction"),
    "other_charge": N_("Charge (other offences)"),
    "other_conviction": N_("Conviction (other offences)"),
}

SOURCE_KIND_LABELS = {
    "media": N_("Media"),
    "parliament": N_("Parliament"),
    "government": N_("Government"),
    "ngo_report": N_("NGO report"),
    "encyclopedia": N_("Encyclopedia"),
    "court": N_("Court"),
    "politician": N_("Politician"),
}

# What a site rests on (stationmap.record.basis), as the sidebar filter, tables and popups name it.
BASIS_LABELS = {
    "court": N_("Court or prosecutor"),
    "authorities": N_("Authorities addressed it"),
    "ngo_report": N_("NGO report"),
    "media": N_("Media only"),
    "weak": N_("Weak sources only"),
}

# The region names stationmap.record.views gives (which are also the filter's values) as territory
# codes (UN M49 for continents; AQ for Antarctica), whose names Babel's CLDR data has in every
# language. 003 is North America with Central America and the Caribbean, as the continent
# codes views uses count it (021 would be Northern America only).
REGION_TERRITORIES = {
    "Africa": "002",
    "Asia": "142",
    "Europe": "150",
    "North America": "003",
    "Oceania": "009",
    "South America": "005",
    "Antarctica": "AQ",
}
# Regions with no territory code: countries views cannot place on a continent.
REGION_LABELS = {"Other": N_("Other")}

# Keyed by stationmap.record.filters.UNKNOWN_BUREAU; real bureau names are data and stay as written.
BUREAU_LABELS = {"Not reported": N_("Not reported")}

if not (
    set(STATUS_LABELS) == set(schema.STATUSES)
    and set(EVENT_TYPE_LABELS) == set(schema.EVENT_TYPES)
    and set(SOURCE_KIND_LABELS) == set(schema.SOURCE_KINDS)
    and set(BASIS_LABELS) == set(schema.BASES)
):
    raise RuntimeError(
        "every status, event type, source kind and basis in schema needs a label here"
    )


def _label(labels: Mapping[str, str], value: str) -> str:
    # An id with no label is shown as written rather than hidden: the data stays visible.
    message = labels.get(value)
    return gettext(message, current_language()) if message else value


def status_label(status: str) -> str:
    """A status as people read it, e.g. 'Under investigation'."""
    return _label(STATUS_LABELS, status)


def event_type_label(event_type: str) -> str:
    """An event type as people read it, e.g. 'Police visit'."""
    return _label(EVENT_TYPE_LABELS, event_type)


def source_kind_label(kind: str) -> str:
    """A source kind as people read it, e.g. 'NGO report'."""
    return _label(SOURCE_KIND_LABELS, kind)


def basis_label(basis: str) -> str:
    """What a site rests on, as people read it, e.g. 'Authorities addressed it'."""
    return _label(BASIS_LABELS, basis)


def region_label(region: str) -> str:
    """A continent name in the reader's language, from Babel's territory names."""
    code = REGION_TERRITORIES.get(region)
    if code is None:
        return _label(REGION_LABELS, region)
    return format_locale().territories.get(code, region)


def bureau_label(bureau: str) -> str:
    """An operating bureau: the name as sources write it, or 'Not reported' translated."""
    return _label(BUREAU_LABELS, bureau)


def country_label(iso2: str, name: str, language: str | None = None) -> str:
    """A country's name in a language (default: the reader's): the curated English name, or
    Babel's name for the ISO code (the curated name where Babel has none)."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE:
        return name
    return format_locale(language).territories.get(iso2.upper(), name)


# How a language names itself in the picker where Babel's name ('中文 (简体)') is not what
# Chinese-language sites write on their own language switches.
LANGUAGE_NAMES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文"}


def language_label(language: str) -> str:
    """A language named in itself ('English', '简体中文'), for the language picker."""
    if language in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[language]
    try:
        locale = Locale.parse(language, sep="-" if "-" in language else "_")
    except (UnknownLocaleError, ValueError):
        return language
    return locale.get_display_name(locale) or language


# --- fonts ------------------------------------------------------------------------------------

# Fonts with Chinese glyphs, per script: Noto Sans CJK (Debian's fonts-noto-cjk), the same
# design as Source Han Sans, then macOS's and Windows's own. The SC and TC cuts draw some
# characters differently; naming the cut for the script keeps a browser from taking whichever
# CJK font it finds first (often the Japanese one).
CJK_FONTS = {
    "zh-Hans": ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"),
    "zh-Hant": ("Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei"),
}

# The elements of the map and of the HTML blocks that set their own font (a `font:` shorthand
# names sans-serif): in a Chinese interface they take the stack for its script, picked by the
# element's language (the map's container and the page carry `lang`).
FONT_SELECTORS = (
    ".leaflet-container",
    ".sm-popup",
    ".sm-legend-control",
    ".sm-empty",
    ".sm-play",
    ".sm-play-month",
    ".sm-play-button",
    ".sm-offline-note",
)


def font_family(language: str | None = None) -> str | None:
    """The CSS font-family stack for a language that needs CJK fonts (default: the reader's);
    None for one that does not, which keeps the app's own font."""
    fonts = CJK_FONTS.get(language or current_language())
    if not fonts:
        return None
    return ", ".join([*(f'"{font}"' for font in fonts), "sans-serif"])


def font_css() -> str:
    """CSS giving FONT_SELECTORS the CJK stack of each script, by the ``:lang()`` they are in."""
    selectors = ", ".join(FONT_SELECTORS)
    return "".join(
        f":is({selectors}):lang({language}) {{ font-family: {font_family(language)}; }}\n"
        for language in CJK_FONTS
    )


def tab_title(name: str) -> str:
    """The browser tab's title for a page or a slide: its own name first, so tabs, bookmarks
    and a screen reader's list of windows tell the pages apart (WCAG 2.4.2, Page Titled)."""
    return _("{name} — stationmap").format(name=name)


def html_lang(language: str | None = None) -> str:
    """The value of an HTML ``lang`` attribute for a language (default: the reader's)."""
    return language or current_language()


def date_label(value: PartialDate | None, language: str | None = None) -> str:
    """A date at its own precision in the reader's language: '6 June 2023', 'June 2023', '2023'
    ('2023年6月6日', '2023年6月', '2023年' in Chinese), by Babel's patterns for the locale.

    An unknown date reads 'Date not reported'. `language`: another than the reader's.
    """
    language = language or current_language()
    if value is None:
        return gettext(N_("Date not reported"), language)
    return _date_label(value, language)


def day_label(value: date) -> str:
    """A calendar day in the reader's language: '27 November 2026'."""
    return _day_label(value, current_language())


# Babel takes about a tenth of a millisecond to format a date, and the same few hundred dates
# (events, months, days of the play control) are labelled again on every run: kept per date
# and language for the life of the process, a few megabytes at most.
DATE_LABEL_CACHE_ENTRIES = 65_536


@lru_cache(maxsize=DATE_LABEL_CACHE_ENTRIES)
def _date_label(value: PartialDate, language: str) -> str:
    locale = format_locale(language)
    if value.precision == "day":
        return format_date(value.start, format="long", locale=locale)
    if value.precision == "month":
        return format_skeleton("yMMMM", value.start, locale=locale)
    return format_skeleton("y", value.start, locale=locale)


@lru_cache(maxsize=DATE_LABEL_CACHE_ENTRIES)
def _day_label(value: date, language: str) -> str:
    return format_date(value, format="long", locale=format_locale(language))
