"""`python -m stationmap …`: see stationmap.cli."""

import os
import sys

from stationmap.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # Output piped into `head` and the like: stop quietly, as other command-line tools do.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    code = 0
raise SystemExit(code)
