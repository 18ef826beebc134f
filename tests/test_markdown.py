"""Markdown contexts: a value from a link, a file or an upload shows as written; curated
Markdown keeps its formatting but loads nothing from elsewhere (issue 16, case 2).

What Streamlit's front end makes of the results is checked in a real browser
(tests/browser/test_public_server.py); here, what the helpers write.
"""

from __future__ import annotations

import re
import string

import pytest

from stationmap.html.markdown import WORD_JOINER, curated, plain
from stationmap.html.texts import counts_line

HOSTILE = [
    "**bold** _it_ `code`",
    "[click](https://evil.example/)",
    "![pixel](https://evil.example/p.png)",
    "<img src=https://evil.example/p.png>",
    "https://evil.example/ and www.evil.example",
    ":red[coloured] :material/warning: $x^2$",
    "a|b",
    "\\*already escaped\\*",
    "mail@evil.example",
]


def unescape(text: str) -> str:
    """What CommonMark shows for text in which every punctuation character is escaped, as
    read (the word joiners that stop autolinks are invisible)."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


@pytest.mark.parametrize("value", HOSTILE)
def test_an_escaped_value_has_no_markdown_syntax_left_and_reads_as_written(value):
    escaped = plain(value)
    # With every escape pair taken out, no character is left that could start Markdown syntax.
    assert not set(re.sub(r"\\.", "", escaped)) & set(string.punctuation)
    assert unescape(escaped) == value


def test_every_ascii_punctuation_character_is_escaped_and_nothing_else():
    expected = "".join(
        ("\\" if char not in ":@" else WORD_JOINER + "\\") + char for char in string.punctuation
    )
    assert plain(string.punctuation) == expected
    assert plain("中文 text 123") == "中文 text 123"
    assert plain(None) == "None"


@pytest.mark.parametrize(
    "value", ["https://evil.example/", "WWW.evil.example", "me@evil.example", "mailto:me"]
)
def test_an_address_cannot_become_an_autolink(value):
    # GitHub's autolinks are found after escapes are undone: an invisible word joiner stops them.
    escaped = plain(value)
    for pattern in (r"https?\\?:", r"(?i)www\\?\.", r"\w\\?@", r"mailto\\?:"):
        assert not re.search(pattern, escaped)
    assert unescape(escaped) == value


def test_line_breaks_become_spaces():
    # A line break would start a new block (a heading, a list, code) inside a message.
    assert plain("one\r\ntwo\nthree\n# four") == "one two three \\# four"


def test_curated_markdown_keeps_its_formatting_and_http_links():
    text = '**Bold** and _italic_, a [report](https://example.org/r "t") and\n\n- a list'
    assert curated(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see ![a map](https://evil.example/p.png) here", "see a map here"),
        ('see ![a map](https://evil.example/p.png "title") here', "see a map here"),
        (
            "![logo][ref]\n\n[ref]: https://evil.example/p.png",
            "logo\n\n[ref]: https://evil.example/p.png",
        ),
        (
            "[![badge](https://evil.example/b.svg)](https://example.org/)",
            "[badge](https://example.org/)",
        ),
        ("[link](javascript:alert(1))", "link)"),
        ("[link](data:text/html,x)", "link"),
        ("[link](//evil.example/)", "link"),
        ("[x][r]\n\n[r]: javascript:alert(1)", "[x][r]\n\n"),
        ("[x][r]\n\n[r]: https://example.org/", "[x][r]\n\n[r]: https://example.org/"),
        (
            'Before <img src="https://evil.example/p.png"> after',
            'Before \\<img src="https://evil.example/p.png"> after',
        ),
        ("<https://example.org/>", "\\<https://example.org/>"),
    ],
)
def test_curated_markdown_loads_no_image_and_follows_only_http_links(text, expected):
    assert curated(text) == expected


def test_a_counts_line_bolds_each_number_and_shows_each_label_as_written():
    line = counts_line([("Sites selected", 12), ("*Countries* [x](https://e.example)", 5)])
    assert line.startswith("Sites selected: **12** · ")
    assert line.endswith(": **5**")
    # The label's Markdown stays text: no emphasis, no link.
    assert "\\*Countries\\*" in line and "\\[x\\]" in line
