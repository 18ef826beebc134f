"""A problem found in the input: the file, row and column it concerns and what is wrong.

Every check of a dataset (the loader's, the first-report rule's, the briefings') reports in this
one form, so the app and the `validate` command list them all alike.
"""

from __future__ import annotations

from dataclasses import dataclass

# Row number used for problems that concern a whole file rather than one of its lines.
WHOLE_FILE = 0
HEADER_ROW = 1


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
