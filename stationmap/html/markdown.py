"""Text for the places Streamlit renders as Markdown: escaped, or curated and made inert.

st.markdown, st.warning, st.info, st.error, st.success, captions, titles and widget labels all
render Markdown: a value from a link, a file or an upload shown there could become bold text,
a link to any site, or an image that makes the reader's browser call a third party.

- `plain` is for any such value: it shows exactly as written, as text.
- `curated` is for Markdown the project writes (briefing captions and summaries, the data's
  CHANGELOG.md): its formatting stays, but nothing in it loads from elsewhere (an image becomes
  its description, raw HTML shows as text) and only http(s) links are kept.
"""

from __future__ import annotations

import re
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and each of them
# starts some construct in Streamlit's Markdown (emphasis, links, HTML, tables, :colour[...]
# directives and :icon: shortcodes, $maths$, autolinks such as https://… and www.…).
_ESCAPED = {ord(char): "\\" + char for char in string.punctuation}
# Line breaks would start new blocks (headings, lists, code) inside a one-line message.
_LINE_BREAKS = re.compile(r"[\r\n]+")
# GitHub's autolinks (https://…, www.…, mail@…, mailto:…) are found in the text after escapes
# are undone, so a backslash does not stop them: an invisible word joiner (U+2060) before each
# ":" and "@" and inside "www." does, and the text still reads, and wraps, as written.
WORD_JOINER = "\u2060"
_AUTOLINK_MARKS = re.compile(r"(?=[:@])|(?<=www)(?=\.)", re.IGNORECASE)

# ![description](address "title"), ![description][reference], ![description]
_IMAGE = re.compile(r"!\[(?P<text>(?:[^\[\]\\]|\\.)*)\](?:\([^)]*\)|\[[^\]]*\])?")
# [text](address "title")
_LINK = re.compile(r"\[(?P<text>(?:[^\[\]\\]|\\.)*)\]\(\s*<?(?P<url>[^)\s>]*)>?(?:\s[^)]*)?\)")
# [reference]: address "title"  (a definition line, used by [text][reference])
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(?P<url>\S*?)>?(?:\s.*)?$", re.MULTILINE)
_FOLLOWED_SCHEMES = ("http://", "https://")


def plain(value: object) -> str:
    """`value` as text that Markdown shows exactly as written, on one line, never as a link."""
    text = _AUTOLINK_MARKS.sub(WORD_JOINER, _LINE_BREAKS.sub(" ", str(value)))
    return text.translate(_ESCAPED)


def _followed(url: str) -> bool:
    return url.strip().lower().startswith(_FOLLOWED_SCHEMES)


def curated(text: str) -> str:
    """Markdown the project wrote, with its formatting, and nothing that loads or misleads.

    Images become their description, raw HTML (``<img>``, ``<iframe>``…) shows as text, and a
    link or link definition whose address is not http(s) becomes its text.
    """
    text = _IMAGE.sub(lambda match: match.group("text"), str(text))
    # A backslash before "<" shows it as text: no HTML element, no <autolink>.
    text = text.replace("<", "\\<")
    text = _LINK.sub(
        lambda match: match.group(0) if _followed(match.group("url")) else match.group("text"),
        text,
    )
    return _DEFINITION.sub(
        lambda match: match.group(0) if _followed(match.group("url")) else "", text
    )
