"""Where the command line writes: checked before any work, written whole or not at all.

`export --out` and `synth --out` are typed by people, who mistype: a folder where a file was
meant, a folder that does not exist, or the curated dataset itself (`--out data/sites.csv`).
Each is refused with one line saying what is wrong, before anything is built; a dataset's
files are only written over with `--force`; and a file is written next to its target and
renamed over it, so an interrupted write never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stationmap.record import schema


class OutputError(Exception):
    """A target the command must not, or cannot, write to; the message is one line."""


def dataset_files_in(folder: Path) -> list[str]:
    """The dataset files (sites.csv, events.csv, sources.csv) a folder holds."""
    return [file for file in schema.DATA_FILES if (Path(folder) / file).is_file()]


def check_file_target(path: Path, *, force: bool) -> None:
    """Raise OutputError unless `path` is a file that may be written (or written over)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"--out {path} is a folder; give a file name, such as {path / 'x.csv'}")
    if not path.parent.is_dir():
        raise OutputError(f"--out {path}: the folder {path.parent} does not exist")
    if path.exists() and not force and dataset_files_in(path.parent):
        raise OutputError(
            f"--out {path} would write over a file of the dataset in {path.parent}; "
            "choose another name, or add --force"
        )


def check_folder_target(folder: Path, *, force: bool) -> None:
    """Raise OutputError unless the dataset files may be written into `folder`."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--out {folder} is a file, not a folder")
    held = dataset_files_in(folder) if folder.is_dir() else []
    if held and not force:
        raise OutputError(
            f"--out {folder} already holds a dataset ({', '.join(held)}); choose an empty "
            "folder, or add --force to write over it"
        )


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a file beside `path`, then rename it over `path`: all of it, or nothing.

    Raises OutputError (one line) when the folder cannot be written to.
    """
    try:
        replace_file(Path(path), data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` beside `path`, flush and fsync it, then rename it over `path`.

    A crash at any point leaves the previous file complete: the rename is the only step that
    touches it, and it is atomic on one file system. The one writer of whole files for the
    CLI, synth and the geocoder's CSVs; raises OSError.
    """
    path = Path(path)
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        # A temporary file is private (0600): sites.csv rewritten by `geocode` would be
        # unreadable to an app served under another account. The file it becomes keeps the
        # mode it had, or gets the one any new file would.
        os.chmod(temporary, _mode_for(path))
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        # Also on Ctrl-C: no half-written temporary file is left behind.
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory, which is fine."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
