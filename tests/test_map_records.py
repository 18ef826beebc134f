"""The site records the maps draw: shared points spread on a ring, status pairs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from stationmap.map import records as map_records


def points_frame(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["site_id", "latitude", "longitude"])
    return frame.set_index("site_id", drop=False).rename_axis(None)


MADRID = (40.4165, -3.70256)


def test_sites_sharing_a_point_are_spread_on_a_small_ring():
    frame = points_frame(
        [("es-madrid-a", *MADRID), ("es-madrid-b", *MADRID), ("es-madrid-c", *MADRID)]
        + [("pt-lisbon", 38.72509, -9.1498)]
    )
    spread = map_records.spread_shared_points(frame)
    madrid = spread.loc[["es-madrid-a", "es-madrid-b", "es-madrid-c"]]
    points = set(zip(madrid["display_lat"], madrid["display_lon"], strict=True))
    assert len(points) == 3
    scale = math.cos(math.radians(MADRID[0]))
    for lat, lon in points:
        distance = math.hypot(lat - MADRID[0], (lon - MADRID[1]) * scale)
        assert distance == pytest.approx(map_records.RING_RADIUS_DEG, rel=1e-3)
    # Alone at its point, Lisbon stays where it is; the first by id is due north.
    assert tuple(spread.loc["pt-lisbon", ["display_lat", "display_lon"]]) == (38.72509, -9.1498)
    assert spread.loc["es-madrid-a", "display_lon"] == pytest.approx(MADRID[1])
    assert spread.loc["es-madrid-a", "display_lat"] > MADRID[0]


def test_spreading_is_deterministic_whatever_the_row_order():
    rows = [(f"s{i}", *MADRID) for i in range(5)] + [("t", 1.0, 2.0)]
    first = map_records.spread_shared_points(points_frame(rows))
    again = map_records.spread_shared_points(points_frame(rows))
    shuffled = map_records.spread_shared_points(points_frame(rows[::-1]))
    columns = ["display_lat", "display_lon"]
    pd.testing.assert_frame_equal(first[columns], again[columns])
    pd.testing.assert_frame_equal(first[columns], shuffled.loc[first.index, columns])


def test_a_crowded_point_gets_a_wider_ring_so_markers_stay_apart():
    count = 30
    spread = map_records.spread_shared_points(
        points_frame([(f"s{i:02}", 0.0, 0.0) for i in range(count)])
    )
    points = list(zip(spread["display_lat"], spread["display_lon"], strict=True))
    gaps = [math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :]]
    assert min(gaps) >= 0.9 * 2 * math.pi * map_records.RING_RADIUS_DEG / map_records.RING_CAPACITY
    radius = max(math.hypot(lat, lon) for lat, lon in points)
    assert radius <= map_records.RING_RADIUS_DEG * count / map_records.RING_CAPACITY * 1.001
