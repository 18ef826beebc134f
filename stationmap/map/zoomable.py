"""A folium map whose document lets its reader zoom.

folium puts ``<meta name="viewport" content="..., maximum-scale=1.0, user-scalable=no">`` in
every map's header, which stops a reader on a phone or tablet from enlarging the page (WCAG
1.4.4, Resize text): the map, its legend and its popups stay as small as they are drawn. This
map renders the same header without that tag. Its frames keep their own viewport: the map
page's streamlit-folium frame says ``width=device-width,initial-scale=1``, and a briefing
slide's frame is sized by its iframe.
"""

from __future__ import annotations

import re

import folium
from branca.element import Element

_VIEWPORT_META = re.compile(r'<meta\s+name="viewport"[^>]*>\s*', re.IGNORECASE)


def without_viewport_meta(header: str) -> str:
    return _VIEWPORT_META.sub("", header)


class ZoomableMap(folium.Map):
    """folium.Map, rendered without its viewport tag that forbids zooming."""

    def render(self, **kwargs) -> None:
        super().render(**kwargs)
        header = self.get_root().header
        name = self.get_name()
        # folium's own header element for this map, rendered once more without the tag; an
        # Element, as folium makes it, so the rest of the figure renders as before.
        header.add_child(
            Element(without_viewport_meta(self._template.module.header(self, kwargs))), name=name
        )
