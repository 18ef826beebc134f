"""Write the chart the widget-code loader draws out of the page, from the timeline's builder.

    .venv/bin/python scripts/chart_warmup.py

The app reads the spec from ``stationmap/web/chart-warmup.json`` (stationmap.app.widget_code)
rather than build it, which would import Altair on the map page. tests/test_widget_code.py fails
while the file and ``stationmap.timeline.charts.warmup_spec()`` differ: run this after changing
the timeline's charts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from stationmap.timeline.charts import warmup_spec  # noqa: E402

TARGET = REPO_ROOT / "stationmap" / "web" / "chart-warmup.json"


def main() -> None:
    TARGET.write_text(json.dumps(warmup_spec(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
