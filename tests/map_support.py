"""What the map tests share: rendering a folium map, reading its payload, hostile data."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd

from stationmap.map import assets
from stationmap.map import builder as mapbuilder
from stationmap.record import schema
from stationmap.record.filters import FilterState, apply_filters
from stationmap.record.loader import build_dataset
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY, small_files, small_rows

PAYLOAD_LINE = re.compile(r"^var \w+ = stationmap\.drawLayer\(\w+, (.*)\);$", re.MULTILINE)

HOSTILE_NAMES = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    "{{ 7 * 7 }} {% if true %}x{% endif %}",
    "line\u2028separator\u2029<!--",
)
HOSTILE_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " javascript:alert(3)",
    "\njavascript:alert(4)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==",
)


class Scripts(HTMLParser):
    """Each <script>'s attributes and text, as a browser's tokenizer splits them."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
            self._open = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = False

    def handle_data(self, data):
        if self._open:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def render(site_map) -> str:
    return site_map.get_root().render()


def payload_of(html: str) -> dict:
    (line,) = PAYLOAD_LINE.findall(html)
    return json.loads(line)


def site_view(dataset) -> pd.DataFrame:
    return apply_filters(build_site_view(dataset, on=TEST_TODAY), FilterState())


def build(dataset, **options):
    return mapbuilder.build_map(
        site_view(dataset),
        events=dataset.events,
        sources=dataset.sources,
        assets=options.pop("assets", assets.LOCAL_ASSETS),
        **options,
    )


def hostile_map_dataset():
    """The small dataset with hostile names, and sources whose URLs must never be followed."""
    rows = small_rows()
    for site, name in zip(rows[schema.SITES_FILE], HOSTILE_NAMES, strict=False):
        site["name"] = name
    rows[schema.SITES_FILE][0]["notes"] = HOSTILE_NAMES[1]
    rows[schema.EVENTS_FILE][0]["summary"] = HOSTILE_NAMES[0]
    dataset = build_dataset(small_files(rows), today=TEST_TODAY)
    assert not dataset.problems
    # The loader refuses such URLs; the map must hold even if one got past it.
    extra = [
        {
            "source_id": f"X{i}",
            "publisher": HOSTILE_NAMES[i % len(HOSTILE_NAMES)],
            "title": "hostile",
            "date": None,
            "url": url,
            "kind": "media",
            "row": 0,
        }
        for i, url in enumerate(HOSTILE_URLS)
    ]
    sources = pd.concat([dataset.sources, pd.DataFrame(extra).set_index("source_id", drop=False)])
    dataset.sources = sources.rename_axis(None)
    cited = tuple(dataset.sources.index)
    dataset.sites.at["uk-croydon", "source_ids"] = cited
    return dataset
