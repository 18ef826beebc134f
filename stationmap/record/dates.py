"""Dates known only to the day, the month or the year.

Sources often say "in June 2023" or "autumn 2022". A `PartialDate` keeps what is known and no
more: it sorts and compares by the first day of its period, and it prints at its own precision
("June 2023", never "2023-06-01").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERNS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}

# Nothing in this field happened before the first station reports were collected; a year before
# 1990 is far more likely a typing slip than a real event.
EARLIEST_YEAR = 1990


class PartialDateError(ValueError):
    """Raised when a text is not a date in YYYY-MM-DD, YYYY-MM or YYYY form, or is impossible."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, month or year; ordered by the first day of its period."""

    start: date
    precision: str

    @property
    def end(self) -> date:
        """The last day of the period the date stands for."""
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            last_day = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last_day)
        return date(self.start.year, 12, 31)

    def iso(self) -> str:
        """The date in the form it was written: YYYY-MM-DD, YYYY-MM or YYYY."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}"

    def label(self) -> str:
        """The date in English at its own precision: '6 June 2023', 'June 2023' or '2023'."""
        if self.precision == "day":
            return f"{self.start.day} {calendar.month_name[self.start.month]} {self.start.year}"
        if self.precision == "month":
            return f"{calendar.month_name[self.start.month]} {self.start.year}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.iso()


def parse_partial_date(text: str) -> PartialDate | None:
    """Parse YYYY-MM-DD, YYYY-MM or YYYY; an empty text gives None.

    Raises PartialDateError naming what is wrong, for a malformed or impossible date.
    """
    text = (text or "").strip()
    if not text:
        return None
    for precision, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(part) for part in match.groups()]
        year = parts[0]
        if year < EARLIEST_YEAR:
            raise PartialDateError(f"year {year} is before {EARLIEST_YEAR}")
        month = parts[1] if len(parts) > 1 else 1
        day = parts[2] if len(parts) > 2 else 1
        try:
            start = date(year, month, day)
        except ValueError as error:
            raise PartialDateError(f"'{text}' is not a real date ({error})") from None
        return PartialDate(start, precision)
    raise PartialDateError(f"'{text}' is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY")


def precision_of(text: str) -> str:
    """The precision the written form of a date implies ('unknown' for an empty text)."""
    parsed = parse_partial_date(text)
    return parsed.precision if parsed else "unknown"


def resolve_day(on: date | None = None) -> date:
    """The day a caller means: `on`, or today when it gives none.

    The one place the package reads the calendar, so "no date means today" is decided once and
    a test that needs a fixed today has one function to replace.
    """
    return date.today() if on is None else on
