"""Reading a dataset's CSV files: bytes checked, text decoded, header read, rows on demand.

Every limit on what reading a file may cost is here or in stationmap.record.problems: the file's
size, a cell's length, and how many of a file's first rows may fail before it is given up on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from stationmap.record import schema
from stationmap.record.problems import HEADER_ROW, MAX_PROBLEMS_SHOWN, WHOLE_FILE, Problem

# A curated table has about a hundred rows; an upload a thousand times larger is a mistake or
# an attack, and parsing it would stall the app for every viewer.
MAX_FILE_BYTES = 20 * 1024 * 1024

# Excel and some editors cap a cell far below this; a longer cell is pasted by mistake.
MAX_CELL_CHARS = 5000

# A file whose first rows all fail, each in several ways of its own, is not the table it is
# named as (a different CSV, or one cell per line): it is not read further. Fewer rows, rows with
# one problem each, or rows whose problems are references to another file that failed (say,
# sources.csv is missing) are read to the end.
FIRST_ROWS_CHECKED = 100
PROBLEMS_OF_A_FOREIGN_ROW = 2
# Past this many problems in a file, the rest of it is not checked: counting every problem of
# a million-byte file of junk took six seconds of a shared server's time.
MAX_PROBLEMS_COUNTED = 100 * MAX_PROBLEMS_SHOWN


def table_name(file: str) -> str:
    """'sites' for sites.csv: what a person calls the table."""
    return file.removesuffix(".csv")


def not_this_table(file: str) -> str:
    return f"the file looks like it is not a {table_name(file)} table; compare it with the template"


# --- reading -------------------------------------------------------------------------------


@dataclass
class RawTable:
    """A CSV file's text and header; its rows are read one at a time, when asked for.

    Nothing keeps every row at once: a file of half a million junk lines is validated (or
    given up on, see FIRST_ROWS_CHECKED) as it is read.
    """

    file: str
    header: list[str]
    text: str
    bad_lines: set[int] = field(default_factory=set)

    def records(self, problems: list[Problem] | None = None) -> Iterator[tuple[int, list[str]]]:
        """(first line, cells) of each non-blank row after the header.

        A row the csv module cannot read (a cell past its field size limit, say) is reported
        in `problems` (None: not reported) and skipped; the rows after it are still read.
        """
        reader = csv.reader(io.StringIO(self.text, newline=""))
        next(reader)  # the header, read by read_table
        start_line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if problems is not None:
                    problems.append(Problem(self.file, start_line, "", _csv_error(error)))
                start_line = reader.line_num + 1
                continue
            end_line = reader.line_num
            row_start, start_line = start_line, end_line + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are harmless
            if any(line in self.bad_lines for line in range(row_start, end_line + 1)):
                continue  # already reported as bad bytes
            yield row_start, cells

    def rows(self, problems: list[Problem] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """(first line, {column: text}) of each row; a row with too many cells is reported."""
        width = len(self.header)
        for row_start, cells in self.records(problems):
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                if problems is not None:
                    problems.append(
                        Problem(
                            self.file,
                            row_start,
                            "",
                            f"row has {len(cells)} cells but the header has {width}",
                        )
                    )
                continue
            values: dict[str, str] = {}
            for i, name in enumerate(self.header):
                # A repeated column is reported with the header; its first occurrence counts.
                values.setdefault(name, cells[i] if i < len(cells) else "")
            yield row_start, values


def _csv_error(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        # The csv module's own bound on a cell; far above MAX_CELL_CHARS, so only a cell
        # pasted by mistake (or a quote left open) reaches it.
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters (the limit is "
            f"{MAX_CELL_CHARS:,}); this row is left out"
        )
    return f"malformed CSV: {error}"


def _decode(file: str, data: bytes, problems: list[Problem]) -> tuple[str, set[int]]:
    """Decode UTF-8 (a BOM is accepted); report every line holding bytes that are not UTF-8.

    Returns the text, with bad bytes replaced, and the numbers of the lines that held them, so
    those rows can be dropped while the rest load.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), set()
    except UnicodeDecodeError:
        pass
    bad_lines: set[int] = set()
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            bad_lines.add(number)
            byte = line[error.start : error.start + 1].hex()
            problems.append(
                Problem(
                    file,
                    number,
                    "",
                    f"bytes are not valid UTF-8 (byte 0x{byte} at character {error.start + 1}); "
                    "save the file as UTF-8",
                )
            )
    return data.decode("utf-8", errors="replace"), bad_lines


def read_table(file: str, data: bytes | None, problems: list[Problem]) -> RawTable | None:
    """Check one CSV file's bytes and read its header; None (with a problem) if nothing can be
    read from it. The rows are read later, one at a time (`RawTable.rows`)."""
    if data is None:
        problems.append(Problem(file, WHOLE_FILE, "", "file is missing"))
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(
                file,
                WHOLE_FILE,
                "",
                f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
            )
        )
        return None
    if not data.strip():
        problems.append(Problem(file, WHOLE_FILE, "", "file is empty"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(file, WHOLE_FILE, "", "file is encoded as UTF-16; save it as UTF-8")
        )
        return None
    if b"\x00" in data:
        problems.append(Problem(file, WHOLE_FILE, "", "file is binary, not a CSV text file"))
        return None
    text, bad_lines = _decode(file, data, problems)
    try:
        header = [name.strip() for name in next(csv.reader(io.StringIO(text, newline="")))]
    except csv.Error as error:
        problems.append(
            Problem(file, HEADER_ROW, "", f"cannot read the header: {_csv_error(error)}")
        )
        return None
    except StopIteration as error:
        problems.append(Problem(file, HEADER_ROW, "", f"cannot read the header: {error}"))
        return None
    return RawTable(file, header, text, bad_lines)


def check_columns(
    table: RawTable, problems: list[Problem], notices: list[Problem] | None = None
) -> bool:
    """Report missing, unknown and repeated columns; False if a required column is missing.

    A missing optional column loses nothing (every row reads it as empty), so it is a notice,
    not a problem, when a list of notices is given.
    """
    columns = schema.COLUMNS_BY_FILE[table.file]
    known = {column.name for column in columns}
    if not known & {name for name in table.header}:
        # Not one column of the table: a different file, whose rows are not worth reading.
        problems.append(
            Problem(
                table.file,
                HEADER_ROW,
                "",
                f"none of the header's {len(table.header):,} columns is a column of "
                f"{table.file}: {not_this_table(table.file)} (expected: "
                + ", ".join(schema.column_names(table.file))
                + ")",
            )
        )
        return False
    seen: set[str] = set()
    for name in table.header:
        if name in seen:
            problems.append(Problem(table.file, HEADER_ROW, name, "column appears twice"))
        seen.add(name)
        if name not in known:
            problems.append(
                Problem(
                    table.file,
                    HEADER_ROW,
                    name,
                    "unknown column (expected: " + ", ".join(schema.column_names(table.file)) + ")",
                )
            )
    usable = True
    for column in columns:
        if column.name not in seen and not column.may_be_absent:
            if column.required:
                problems.append(
                    Problem(table.file, HEADER_ROW, column.name, "required column is missing")
                )
                usable = False
            elif notices is None:
                problems.append(
                    Problem(table.file, HEADER_ROW, column.name, "optional column is missing")
                )
            else:
                notices.append(
                    Problem(
                        table.file,
                        HEADER_ROW,
                        column.name,
                        "optional column not in the file: every row reads it as empty",
                    )
                )
    return usable


class ReadingGuard:
    """A file's rows for validation, given up on when they are not worth reading on.

    Gives up when the first FIRST_ROWS_CHECKED rows all failed, each in several ways (the file
    is not this table), or once the file has MAX_PROBLEMS_COUNTED problems; either way it
    says so in a problem about the whole file.
    """

    def __init__(self, table: RawTable, problems: list[Problem]):
        self.table = table
        self.problems = problems
        self.checked = 0
        self.foreign = True
        self.last_line = 0

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in self.table.rows(self.problems):
            self.last_line = line
            yield line, values

    def _found(self) -> int:
        """How many problems this file has had so far."""
        # Counted by a ProblemLog (build_dataset's); a plain list is not bounded here.
        by_file = getattr(self.problems, "by_file", None)
        return by_file[self.table.file] if by_file is not None else 0

    def give_up(self, row_ok: bool, row_problems: int) -> bool:
        """Call after each row: True when the file is to be read no further (and says why)."""
        why = None
        if self.checked < FIRST_ROWS_CHECKED:
            self.checked += 1
            self.foreign = self.foreign and not row_ok and row_problems >= PROBLEMS_OF_A_FOREIGN_ROW
            if self.checked == FIRST_ROWS_CHECKED and self.foreign:
                why = (
                    f"none of the first {FIRST_ROWS_CHECKED} rows could be loaded, each with "
                    f"several problems, so the rest of the file was not checked: "
                    f"{not_this_table(self.table.file)}"
                )
        if why is None and self._found() >= MAX_PROBLEMS_COUNTED:
            why = (
                f"{MAX_PROBLEMS_COUNTED:,} problems by line {self.last_line:,}, so the rest of "
                "the file was not checked"
            )
        if why is None:
            return False
        problem = Problem(self.table.file, WHOLE_FILE, "", why)
        # Kept even past the limit on problems shown: it says why the rest is missing.
        getattr(self.problems, "note", self.problems.append)(problem)
        return True
