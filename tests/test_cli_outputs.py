"""The command line's outputs (issue 16, case 5): a mistyped --out or data folder is one line
and exit status 2, never a traceback or an empty file; a dataset's files are written over only
with --force; and a file is written whole or not at all."""

from __future__ import annotations

import io
import os

import pytest

from stationmap import outputs
from stationmap.cli import main
from tests.conftest import small_files, write_dataset


@pytest.fixture
def data_dir(tmp_path):
    return write_dataset(tmp_path / "data", small_files())


def run(argv, capsys):
    code = main(argv, out=io.StringIO())
    return code, capsys.readouterr().err


def export(data_dir, out, *extra):
    return ["export", "--data-dir", str(data_dir), "--format", "csv", "--out", str(out), *extra]


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_export_to_a_folder_is_refused(data_dir, tmp_path, capsys):
    code, err = run(export(data_dir, tmp_path), capsys)
    assert code == 2
    assert one_error_line(err) == (
        f"error: --out {tmp_path} is a folder; give a file name, such as {tmp_path / 'x.csv'}"
    )


def test_export_into_a_missing_folder_is_refused(data_dir, tmp_path, capsys):
    target = tmp_path / "nowhere" / "sites.csv"
    code, err = run(export(data_dir, target), capsys)
    assert code == 2
    assert one_error_line(err) == (
        f"error: --out {target}: the folder {tmp_path / 'nowhere'} does not exist"
    )


def test_export_to_a_path_that_cannot_be_written_is_one_line(data_dir, capsys):
    # /proc takes no new files, even from root (these tests may run as root, which chmod
    # would not stop).
    code, err = run(export(data_dir, "/proc/stationmap-export.csv"), capsys)
    assert code == 2
    assert one_error_line(err).startswith("error: cannot write /proc/stationmap-export.csv: ")


def test_export_from_a_missing_data_folder_writes_nothing(tmp_path, capsys):
    target = tmp_path / "sites.csv"
    code, err = run(export(tmp_path / "no-data", target), capsys)
    assert code == 2
    assert one_error_line(err) == f"error: the data folder {tmp_path / 'no-data'} does not exist"
    assert not target.exists()


@pytest.mark.parametrize("file", ["sites.csv", "events.csv", "sources.csv"])
def test_export_over_a_dataset_file_needs_force(data_dir, file, capsys):
    before = (data_dir / file).read_bytes()
    code, err = run(export(data_dir, data_dir / file), capsys)
    assert code == 2
    assert "would write over a file of the dataset" in one_error_line(err)
    assert (data_dir / file).read_bytes() == before

    code, _ = run(export(data_dir, data_dir / file, "--force"), capsys)
    assert code == 0
    assert (data_dir / file).read_bytes() != before


def test_export_to_a_new_file_beside_the_dataset_is_fine(data_dir, capsys):
    code, err = run(export(data_dir, data_dir / "export.csv"), capsys)
    assert code == 0, err
    assert (data_dir / "export.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_synth_over_a_dataset_folder_needs_force(data_dir, capsys):
    before = (data_dir / "sites.csv").read_bytes()
    code, err = run(["synth", "--sites", "5", "--out", str(data_dir)], capsys)
    assert code == 2
    assert one_error_line(err) == (
        f"error: --out {data_dir} already holds a dataset (sites.csv, events.csv, sources.csv); "
        "choose an empty folder, or add --force to write over it"
    )
    assert (data_dir / "sites.csv").read_bytes() == before

    code, _ = run(["synth", "--sites", "5", "--out", str(data_dir), "--force"], capsys)
    assert code == 0
    assert (data_dir / "sites.csv").read_bytes() != before


def test_synth_onto_a_file_is_refused(data_dir, capsys):
    code, err = run(["synth", "--sites", "5", "--out", str(data_dir / "sites.csv")], capsys)
    assert code == 2
    assert one_error_line(err) == f"error: --out {data_dir / 'sites.csv'} is a file, not a folder"


def test_a_write_that_fails_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(outputs.OutputError, match="No space left on device"):
        outputs.write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]


def test_a_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    outputs.write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]


def test_a_written_file_gets_the_mode_a_new_file_gets_or_keeps_its_own(tmp_path):
    umask = os.umask(0o022)
    try:
        outputs.write_atomically(tmp_path / "new.csv", b"x")
        kept = tmp_path / "kept.csv"
        kept.write_bytes(b"old")
        kept.chmod(0o640)
        outputs.write_atomically(kept, b"new")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o640
