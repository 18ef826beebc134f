"""Where the map page's live layer comes from: built once per dataset and language, and kept.

The layer (`stationmap.map.live_layer.build_live_layer`) is kept with the dataset (in its
`stationmap.record.loader.DerivedData`, `Dataset.derived.live_layers`), so an upload's stays in
its own session. The published data's popups are files the browser fetches a part at a time,
when one of their popups is first opened, and so are its sites beyond INLINE_RECORDS_BYTES
(`static_cache`); an upload's, or any data when static/ cannot be written, go inline in the map.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from stationmap.app import heap
from stationmap.html.texts import Texts
from stationmap.map import static_cache
from stationmap.map.live_layer import POPUP_PART_SITES, LiveLayer, build_live_layer, popup_parts
from stationmap.record.loader import Dataset
from stationmap.record.status import status_histories

# Up to this size (about 1,500 sites) the sites go inside the map, which is sent again on every
# run but spares the browser a request before its first marker; larger, they are fetched once.
INLINE_RECORDS_BYTES = 200_000


def live_layer(
    dataset: Dataset,
    site_view: Callable[[], pd.DataFrame],
    texts: Texts,
    *,
    shared: bool,
    publish: Callable[..., str] = static_cache.publish_json,
) -> tuple[LiveLayer, dict]:
    """The live layer of `dataset` in `texts`' language, and the map's `source` for it.

    `site_view` gives every site's row (today's view; called only when the layer is built).
    `shared`: the data is the published dataset, which any session may be served (the
    files under static/ are open to anyone who asks); an upload is not. `publish` writes
    JSON and returns its URL (`static_cache.publish_json`).
    """
    key = texts.language
    if key not in dataset.derived.live_layers:
        layer = build_live_layer(
            site_view(),
            events=dataset.events,
            sources=dataset.sources,
            histories=status_histories(dataset),
            texts=texts,
        )
        source = {"records": layer.records, "popups": layer.popups}
        if shared:
            try:
                source = _published(layer, texts.language, publish)
            except OSError:
                pass  # a read-only install: inline, as for an upload
            # The published data's layer lives as long as the process (an upload's does not).
            heap.keep_out_of_gc_scans()
        dataset.derived.live_layers[key] = (layer, source)
    return dataset.derived.live_layers[key]


def _published(layer: LiveLayer, language: str, publish: Callable[..., str]) -> dict:
    source: dict = {
        "popupUrls": [publish(part, prefix=f"popups-{language}") for part in popup_parts(layer)],
        "popupPart": POPUP_PART_SITES,
    }
    if len(static_cache.encode(layer.records)) <= INLINE_RECORDS_BYTES:
        source["records"] = layer.records
    else:
        source["dataUrl"] = publish(layer.records, prefix="sites")
    return source
