"""Retake the README's screenshot (docs/screenshot.png) from the real app.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--width 1280 --height 800]

Starts the dashboard on 127.0.0.1 with the shipped data, opens the map page in Debian's
Chromium (as the browser tests do: no request leaves the machine), waits until the map shows
its sites and the page is complete, and saves the window. Retake it whenever the first screen
changes, so the README shows what a reader sees.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import browser as bench_browser  # noqa: E402
from benchmarks import expectations  # noqa: E402
from benchmarks.server import StreamlitServer  # noqa: E402
from stationmap import config  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshot.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args(argv)
    expected = expectations.plan_dataset(config.DEFAULT_DATA_DIR, runs=1).default.as_js()
    with StreamlitServer() as server, sync_playwright() as playwright:
        browser = bench_browser.launch(playwright)
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height},
            locale="en-US",
            timezone_id="UTC",
        )
        page = context.new_page()
        # Until the map shows exactly the expected sites and every sidebar widget is drawn.
        sample = bench_browser.time_first_paint(
            page, server.base_url + "/", expected, bench_browser.APP_COMPLETE_SELECTOR
        )
        if sample.error:
            print(f"error: the page did not complete: {sample.error}", file=sys.stderr)
            return 1
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
