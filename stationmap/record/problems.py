"""A problem found in the input: the file, row and column it concerns and what is wrong.

Every check of a dataset (the loader's, the first-report rule's, the briefings') reports in this
one form, so the app and the `validate` command list them all alike.

A file of junk can hold a problem in every cell: a 1,000,000-byte upload of one-character rows
gave about 3 million, and kept them all (over a gigabyte in the server). `ProblemLog` keeps the
first `MAX_PROBLEMS_SHOWN` and only counts the rest, so what a file costs is bounded by its size
and never by how wrong it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Row number used for problems that concern a whole file rather than one of its lines.
WHOLE_FILE = 0
HEADER_ROW = 1

# The one limit on the problems kept and shown for a dataset (every file of it together); past
# it they are counted, not kept. A person fixes a file from its first problems; a thousand is
# more than anyone reads, and little enough for a page or a terminal to list.
MAX_PROBLEMS_SHOWN = 1_000


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where it is and what is wrong."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        row = "-" if self.row == WHOLE_FILE else str(self.row)
        return f"{self.file}:{row}: {self.column or '-'}: {self.message}"


def problem_order(problem: Problem) -> tuple:
    """Whole-file problems first (they usually explain the rest), then by file and line."""
    return (problem.row != WHOLE_FILE, problem.file, problem.row, problem.column, problem.message)


class ProblemLog(list):
    """A list of problems that keeps the first `limit` and counts every one.

    Code that validates appends to it as to a list; `total` and `by_file` count every problem
    appended, kept or not. `note` adds a summary that is always kept and never counted.
    """

    def __init__(self, limit: int = MAX_PROBLEMS_SHOWN):
        super().__init__()
        self.limit = limit
        self.total = 0
        self.by_file: Counter[str] = Counter()
        self._notes = 0

    def append(self, problem: Problem) -> None:
        self.total += 1
        self.by_file[problem.file] += 1
        if len(self) - self._notes < self.limit:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def note(self, problem: Problem) -> None:
        """Keep `problem` whatever the limit, without counting it (a summary of the others)."""
        self._notes += 1
        super().append(problem)

    @property
    def not_kept(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - (len(self) - self._notes)

    def summary(self) -> str | None:
        """ "first 1,000 problems shown; 2,996,653 in all", or None when every one is kept."""
        if not self.not_kept:
            return None
        return f"first {self.limit:,} problems shown; {self.total:,} in all"
