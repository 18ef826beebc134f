"""The JavaScript and CSS the app puts in its pages and maps, kept as files beside the Python.

- ``map/live/``: the map's own program, in the map's document (the frame): ``core.js`` (the
  rules, tested under Node in ``tests/js/``), ``bridge.js`` and ``view-handoff.js``
  (streamlit-folium's side, see ``stationmap.map.folium_bridge``), ``layer.js`` (the glue to
  Leaflet and the page) and ``layer.css``.
- ``web/``: what the pages and the other documents embed: the popups' and the timeline list's
  styles, the briefing's style sheets and its slide maps' scripts, the offline file's note.

Python embeds them as before, inline: a script file defines a function on the ``stationmap``
namespace, and `call` writes the line that runs it with arguments from Python.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

# Characters escaped inside embedded JSON: `<`, `>` and `&` (no `</script>` or `<!--` can
# form), U+2028 and U+2029 (line breaks to older JavaScript), and the backtick and `$`, so no
# template literal or `${...}` can appear in the page's scripts either.
_SCRIPT_ESCAPES = ("<", ">", "&", "\u2028", "\u2029", "`", "$")
# A brace opening a Jinja tag. JSON's own braces are never followed by these, so every match is
# inside a string, where the escape is harmless.
_JINJA_OPENER = re.compile(r"\{(?=[{%#])")


@cache
def read(name: str) -> str:
    """The text of a file of the package, by its path under ``stationmap/``, read once."""
    return resources.files("stationmap").joinpath(name).read_text(encoding="utf-8")


def script_safe_json(value: object) -> str:
    """JSON that is safe inside an HTML <script>, in JavaScript source and in a Jinja template.

    Besides the characters above, a brace that would open a Jinja tag (``{{``, ``{%``, ``{#``)
    is escaped: folium re-reads the output of its elements as templates.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in _SCRIPT_ESCAPES:
        text = text.replace(char, f"\\u{ord(char):04x}")
    return _JINJA_OPENER.sub(r"\\u007b", text)


def call(function: str, *arguments: str) -> str:
    """A statement calling `function` with arguments that are already JavaScript: names of
    folium's variables, or `script_safe_json` of Python values."""
    return f"{function}({', '.join(arguments)});"


def script(name: str, function: str, *arguments: str) -> str:
    """A script file's text followed by the call of the function it defines."""
    return f"{read(name).rstrip()}\n{call(function, *arguments)}"
