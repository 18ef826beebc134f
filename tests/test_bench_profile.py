"""The bench's profile of the map page (benchmarks/profile_map.py), run on the shipped data."""

from __future__ import annotations

import re

from benchmarks import expectations, profile_map
from stationmap import config

DATA_DIR = config.PROJECT_ROOT / "data"


def test_profile_times_each_stage_and_whole_reruns_of_the_map_page():
    plan = expectations.plan_dataset(DATA_DIR, runs=1)
    status, as_of = plan.statuses[0].status, plan.as_of_steps[0].end

    markdown = profile_map.profile_markdown("real", DATA_DIR, status, as_of)

    # The reruns pick a status in the sidebar: a session's first run draws the map alone, so
    # the profile must run the page as after the map's report (it once failed on 'status').
    reruns = markdown.split("whole reruns of the map page")[1]
    rows = re.findall(r"^\| ([^|]+?) \| (\d+\.\d{3}) \|$", reruns, re.MULTILINE)
    assert [label for label, _ in rows] == [
        "first run (cold caches)",
        f"rerun: status {status!r} picked",
        f"rerun: as of {as_of} (new date)",
        "rerun: same date again (cache hits)",
    ]
    assert all(float(seconds) > 0 for _, seconds in rows)
    stages = re.findall(r"^\| (once|rerun): [^|]+ \| \d+\.\d{3} \|$", markdown, re.MULTILINE)
    assert stages.count("once") >= 4 and stages.count("rerun") >= 6
