"""An NGO's own files: validated like the shipped data, placed offline, kept in memory only.

Nothing here writes to disk or touches the network: uploaded bytes become a `Dataset` for one
browser session. Sites without coordinates are placed with the offline gazetteer; those it
cannot place are listed and still shown in tables.

Where the bytes live before they reach this module (checked in the Streamlit 1.67 source):
``streamlit run`` serves uploads with ``MemoryUploadedFileManager``
(``streamlit/web/server/server.py``), a dict in the server's memory per session, dropped when
the session ends. The upload route (``web/server/starlette/starlette_routes.py``) parses the
request with Starlette's multipart parser, which holds each file in a ``SpooledTemporaryFile``
that stays in memory up to 1 MiB (``MultiPartParser.spool_max_size``) and only past that rolls
over to an (unlinked) temporary file. Hence the limit below (MAX_UPLOAD_BYTES), under 1 MiB:
an accepted upload never touches the server's disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from stationmap.geocoding.chain import geocode_site
from stationmap.geocoding.gazetteer import get_gazetteer
from stationmap.i18n import _
from stationmap.record import schema
from stationmap.record.loader import WHOLE_FILE, Dataset, Problem, build_dataset, problem_order

# The one upload limit, in bytes, for every uploaded file: checked exactly here, and stated by
# the upload page. Ten times the curated files (about 100 kB together: ~3,000 sites fit), far
# below what would stall a shared server, and less than Starlette keeps in memory while parsing
# an upload (see the module docstring): above that, the file would pass through a file on disk.
MAX_UPLOAD_BYTES = 1_000_000
# Streamlit's widget and ``server.maxUploadSize`` (.streamlit/config.toml) can only say whole
# megabytes, and its browser code reads one as 10**6 bytes on some systems and 2**20 on others;
# the server refuses a body past 2**20. So the widget says 1 MB, which is MAX_UPLOAD_BYTES in
# the page's own words, and `check_upload` holds the exact number whatever the widget let through.
WIDGET_LIMIT_MB = -(-MAX_UPLOAD_BYTES // 1_000_000)

# Coordinates the gazetteer gives are kept to about a metre: more digits would claim a precision
# a city's centre does not have.
COORDINATE_DECIMALS = 5

# What an upload field accepts; the content is checked too, whatever the name says.
ACCEPTED_EXTENSIONS = ("csv",)

# The files an upload may leave out: sites.csv alone is a dataset.
OPTIONAL_UPLOADS = (schema.EVENTS_FILE, schema.SOURCES_FILE)


@dataclass
class UploadResult:
    """The dataset built from uploads, and what happened to each site's location."""

    dataset: Dataset
    placed: list[str] = field(default_factory=list)  # "site_id: how it was placed"
    unplaced: list[str] = field(default_factory=list)  # "site_id: why not"
    # The name each schema file was uploaded under ({"sites.csv": "our-sites.csv"}).
    names: dict[str, str] = field(default_factory=dict)


def check_upload(file: str, name: str, data: bytes) -> Problem | None:
    """A problem with an uploaded file as a whole (size, type), or None."""
    if len(data) > MAX_UPLOAD_BYTES:
        return Problem(
            file,
            WHOLE_FILE,
            "",
            f"'{name}' is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED_EXTENSIONS:
        return Problem(file, WHOLE_FILE, "", f"'{name}' is not a CSV file (save it as CSV, UTF-8)")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return Problem(
            file, WHOLE_FILE, "", f"'{name}' is a spreadsheet, not CSV: save it as CSV (UTF-8)"
        )
    return None


class GazetteerPlacer:
    """Fills the coordinates of valid site rows that lack them, with the offline gazetteer only.

    Given to the loader (`build_dataset(place=...)`), so the file is never rewritten: every
    problem keeps the line it has in the file as uploaded, and only rows that are otherwise
    valid are looked up (a file of junk costs no lookups).
    """

    def __init__(self) -> None:
        self.placed: list[str] = []  # "site_id: how it was placed"
        self.unplaced: list[str] = []  # "site_id: why not"

    def __call__(self, row: dict, values: Mapping[str, str]) -> None:
        site_id = row["site_id"]
        try:
            # Loaded on first use only (about 40 MB, kept for the process's life): an upload
            # whose sites all have coordinates, or none valid, never needs it.
            outcome = geocode_site(values, cache=None, gazetteer=get_gazetteer())
        except Exception as error:  # noqa: BLE001 -- one odd row must not stop the rest
            self.unplaced.append(f"{site_id}: {error}")
            return
        if outcome.ok and outcome.latitude is not None:
            row["latitude"] = round(outcome.latitude, COORDINATE_DECIMALS)
            row["longitude"] = round(outcome.longitude, COORDINATE_DECIMALS)
            row["coord_source"] = outcome.coord_source
            self.placed.append(f"{site_id}: {outcome.message}")
        else:
            self.unplaced.append(f"{site_id}: {outcome.message}")


def dataset_from_uploads(uploads: Mapping[str, tuple[str, bytes] | None]) -> UploadResult:
    """Build a dataset from uploaded files: {schema file name: (uploaded name, bytes) or None}.

    Every problem names the schema file (sites.csv, events.csv, sources.csv), the row and the
    column, as for the shipped data; the good rows load.
    """
    files: dict[str, bytes | None] = {}
    upfront: list[Problem] = []
    # Sites alone are a dataset (shown as alleged, undated, with no responses); events and
    # sources not uploaded are a notice. One uploaded but refused below stays a problem.
    left_out = [file for file in OPTIONAL_UPLOADS if uploads.get(file) is None]
    for file in schema.DATA_FILES:
        upload = uploads.get(file)
        if upload is None:
            files[file] = None
            continue
        name, data = upload
        problem = check_upload(file, name, data)
        if problem:
            upfront.append(problem)
            files[file] = None
        else:
            files[file] = data
    placer = GazetteerPlacer()
    dataset = build_dataset(files, place=placer, optional_files=left_out)
    if upfront:
        # The upfront reason replaces the loader's plain "file is missing" for the same file.
        rejected = {problem.file for problem in upfront}
        kept = [
            p
            for p in dataset.problems
            if not (p.file in rejected and p.message == "file is missing")
        ]
        dataset.problem_total = (
            dataset.problem_count - (len(dataset.problems) - len(kept)) + len(upfront)
        )
        dataset.problems = sorted(upfront + kept, key=problem_order)
    names = {file: upload[0] for file, upload in uploads.items() if upload is not None}
    return UploadResult(
        dataset=dataset, placed=placer.placed, unplaced=placer.unplaced, names=names
    )


def template_csv(file: str) -> bytes:
    """An empty file with exactly the columns a dataset file needs, and one comment-free header."""
    return (",".join(schema.column_names(file)) + "\n").encode("utf-8")


# --- what the upload page shows ------------------------------------------------------------------

PROBLEM_TABLE_COLUMNS = ["file", "row", "column", "problem"]


def read_uploaded_files(files: Mapping[str, object | None]) -> dict[str, tuple[str, bytes] | None]:
    """Uploaded files (Streamlit's ``UploadedFile``: ``.name``, ``.getvalue()``) as (name, bytes).

    Keyed by schema file name; a file not uploaded stays None.
    """
    return {
        file: None if upload is None else (str(upload.name), bytes(upload.getvalue()))
        for file, upload in files.items()
    }


def upload_signature(files: Mapping[str, object | None]) -> tuple:
    """What identifies a set of uploaded files, so the same files are validated only once."""
    return tuple(
        (
            file,
            getattr(upload, "file_id", None),
            getattr(upload, "name", None),
            getattr(upload, "size", None),
        )
        if upload is not None
        else (file, None, None, None)
        for file, upload in sorted(files.items())
    )


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Every problem (or notice) as a row: file, row, column, what is wrong.

    The row is text: its line number, or "whole file" for a problem with the file as a whole
    (an empty number cell would read "None").
    """
    whole_file = _("whole file")
    rows = [
        {
            "file": problem.file,
            "row": whole_file if problem.row == WHOLE_FILE else str(problem.row),
            "column": problem.column,
            "problem": problem.message,
        }
        for problem in problems
    ]
    return pd.DataFrame(rows, columns=PROBLEM_TABLE_COLUMNS, dtype=object)


def unplaced_table(result: UploadResult) -> pd.DataFrame:
    """The sites the offline gazetteer could not place: site id and why."""
    rows = [line.partition(": ")[::2] for line in result.unplaced]
    return pd.DataFrame(rows, columns=["site_id", "reason"])


def column_guide(file: str) -> pd.DataFrame:
    """One row per column of a dataset file: its name, whether it is required, what it holds."""
    return pd.DataFrame(
        [
            {"column": column.name, "required": column.required, "meaning": column.doc}
            for column in schema.COLUMNS_BY_FILE[file]
        ],
        columns=["column", "required", "meaning"],
    )
