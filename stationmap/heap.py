"""The objects the dashboard keeps for the life of its process, out of the garbage collector's way.

Streamlit runs a full garbage collection after every script run (its ``runner.postScriptGC``),
with the interpreter lock held. A full collection visits every object the collector tracks:
those of Streamlit, pandas and folium, and the published dataset and map layer kept in caches.
Measured on the 2-core bench machine, that is about 150,000 objects and 80 ms with the shipped
data, 240,000 objects and 115 ms with 10,000 synthetic sites, and it comes right after the run
that sends the map, when the browser asks the same server for the map's code. Those objects
live as long as the process, so scanning them finds nothing; ``gc.freeze()`` puts them out of
the collector's sight, and the collection after a run then looks at what that run made
(under 1 ms).

The price: an object frozen here that later becomes garbage inside a reference cycle is never
collected (objects without cycles are still freed as usual). That is bounded: a freeze happens
once per version of the published data, and what it keeps by mistake is that run's own
short-lived objects and, after the data changes, the old version's cycles.
"""

from __future__ import annotations

import gc


def keep_out_of_gc_scans() -> None:
    """Collect what is garbage now, then freeze every object still alive.

    Call right after building something that lives as long as the process (the published
    dataset, its map layer), not on every run.
    """
    gc.collect()
    gc.freeze()
