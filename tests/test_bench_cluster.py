"""The cluster bench's report (benchmarks/cluster.py): figures from the readers' outcomes."""

from __future__ import annotations

from benchmarks import cluster
from benchmarks.load import SessionOutcome


def outcome(index: int, paint: float | None, complete: float | None = None) -> SessionOutcome:
    result = SessionOutcome(index, "map")
    if paint is None:
        result.problems.append("did not finish within 240 s")
    else:
        result.timings = {"map first paint": paint, "page complete": complete or paint + 1}
    return result


def test_readers_per_second_count_only_readers_served_and_the_gain_is_their_ratio():
    one = cluster.ClusterRun(processes=1, readers=4, wall_s=20.0, cpu_s=3.4)
    one.outcomes = [outcome(0, 2.0), outcome(1, 4.0), outcome(2, 6.0), outcome(3, None)]
    two = cluster.ClusterRun(processes=2, readers=4, wall_s=10.0, cpu_s=4.0)
    two.outcomes = [outcome(i, 1.0 + i) for i in range(4)]

    text = cluster.markdown([one, two], cores=2)

    rows = [
        line for line in text.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")
    ]
    # 3 served in 20 s; first paint p50 of 2, 4 and 6 s is 4 s; p95 interpolates to 5.8 s.
    assert rows[0].startswith("| 1 | 3 of 4 | 20.00 s | 0.15 | 4.00 s | 5.80 s |"), rows[0]
    assert rows[1].startswith("| 2 | 4 of 4 | 10.00 s | 0.40 |"), rows[1]
    assert "2 processes served 2.67× the readers per second of 1 on 2 cores" in text
    assert "- 1 processes, reader 3: did not finish within 240 s" in text
