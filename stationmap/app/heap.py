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
import threading


def keep_out_of_gc_scans() -> None:
    """Collect what is garbage now, then freeze every object still alive.

    Call right after building something that lives as long as the process (the published
    dataset, its map layer), not on every run.
    """
    gc.collect()
    gc.freeze()


# --- giving memory back --------------------------------------------------------------------------
#
# Streamlit runs each session's script in a thread of its own, and glibc's malloc gives threads
# arenas of their own (up to eight per core): memory one session's thread freed sat in its arena,
# unused by the next session's thread, and three sessions in turn that uploaded 15,000 sites
# each left the server 90-100 MB larger each time although no object of theirs was alive. With
# two arenas, and freed memory handed back to the system when a session's data is released,
# the server stays within a few tens of megabytes of where it started.

# glibc's mallopt() parameter for the number of arenas (M_ARENA_MAX in malloc.h).
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def _glibc():
    """glibc's C library, or None on any other (musl, macOS, Windows): then nothing is tuned."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 -- only glibc has it
        return libc
    except (OSError, AttributeError):
        return None


_arenas_limited = False


def limit_malloc_arenas() -> None:
    """Let malloc make at most MALLOC_ARENAS arenas from now on (glibc only; once a process)."""
    global _arenas_limited
    if _arenas_limited:
        return
    _arenas_limited = True
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def give_back_freed_memory() -> None:
    """Collect what is garbage and hand the memory malloc holds free back to the system.

    Call when a session's large data has been released (not on every run: a full collection
    and a trim take a few tens of milliseconds). Runs in a thread of its own, so the caller,
    Streamlit's event loop, does not wait for it.
    """

    def collect_and_trim() -> None:
        gc.collect()
        libc = _glibc()
        if libc is not None:
            libc.malloc_trim(0)

    threading.Thread(target=collect_and_trim, name="give-back-memory", daemon=True).start()
