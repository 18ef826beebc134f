"""The chrome's pure parts: the data's problems as lines."""

from __future__ import annotations

from pathlib import Path

from stationmap.app import chrome
from stationmap.record.loader import load_dataset
from tests.conftest import TEST_TODAY, small_files, write_dataset


def test_problem_lines_name_file_row_and_column(tmp_path: Path):
    files = small_files()
    files["sites.csv"] = files["sites.csv"].replace(b"55.8652", b"north")
    dataset = load_dataset(write_dataset(tmp_path / "data", files), today=TEST_TODAY)
    lines = chrome.problem_lines(dataset)
    assert any(line.startswith("sites.csv:3: latitude: ") for line in lines), lines


def test_no_problems_no_lines(small_dataset):
    assert chrome.problem_lines(small_dataset) == []
