"""Long-lived objects are frozen out of the garbage collector's scans; garbage is not."""

from __future__ import annotations

import gc
import weakref

from stationmap.app import heap


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""


def test_what_is_alive_is_frozen_and_what_is_garbage_is_collected_first():
    kept = [Node() for _ in range(1_000)]
    cycle = Node()
    cycle.itself = cycle
    watch = weakref.ref(cycle)
    del cycle
    tracked_before = len(gc.get_objects())
    try:
        heap.keep_out_of_gc_scans()

        # Collected before the freeze: a cycle that is garbage is not kept forever.
        assert watch() is None
        # Everything still alive is out of the generations a collection scans.
        assert gc.get_freeze_count() >= len(kept)
        assert len(gc.get_objects()) < tracked_before / 10
        assert not any(obj is kept[0] for obj in gc.get_objects())
    finally:
        gc.unfreeze()
