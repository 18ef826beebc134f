"""`python -m stationmap …` end to end, in-process and as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

from stationmap import config
from stationmap.cli import main
from tests.conftest import small_files, small_rows, write_dataset


def run(argv):
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def test_validate_prints_summary(small_data_dir):
    code, output = run(["validate", "--data-dir", str(small_data_dir)])
    assert code == 0
    assert "sites:     3" in output
    assert "countries: 2" in output


def test_validate_json(small_data_dir):
    code, output = run(["validate", "--data-dir", str(small_data_dir), "--json"])
    summary = json.loads(output)
    assert code == 0
    assert summary["sites"] == 3 and summary["events"] == 5 and summary["sources"] == 2
    assert set(summary["status_counts"]) >= {"alleged", "no_evidence_found"}


def test_validate_lists_every_problem_and_exits_1(tmp_path):
    rows = small_rows()
    rows["sites.csv"][1]["latitude"] = "91"
    rows["sources.csv"][0]["url"] = "ftp://example.org/x"
    folder = write_dataset(tmp_path / "bad", small_files(rows))
    code, output = run(["validate", "--data-dir", str(folder)])
    assert code == 1
    # Problems are listed by file and line. Events E2, E3 and E5 cited only the rejected
    # source, so they go too, each with its own line.
    assert output.splitlines() == [
        "events.csv:3: source_ids: none of the sources cited here could be loaded",
        "events.csv:4: source_ids: none of the sources cited here could be loaded",
        "events.csv:6: source_ids: none of the sources cited here could be loaded",
        "sites.csv:3: latitude: 91 is out of range (-90 to 90)",
        "sources.csv:2: url: only http(s) links are allowed, not 'ftp'",
    ]


def test_data_dir_from_environment(small_data_dir, monkeypatch):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(small_data_dir))
    code, output = run(["validate", "--json"])
    assert code == 0 and json.loads(output)["sites"] == 3


def test_export_csv_with_filters(tmp_path):
    target = tmp_path / "closed.csv"
    code, _ = run(
        [
            "export",
            "--format",
            "csv",
            "--status",
            "reported_closed",
            "--region",
            "Europe",
            "--out",
            str(target),
        ]
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {row["status"] for row in rows} == {"reported_closed"}
    assert {row["region"] for row in rows} == {"Europe"}
    assert "ie-dublin" in {row["site_id"] for row in rows}


def test_export_geojson_by_country(tmp_path):
    target = tmp_path / "uk.geojson"
    code, _ = run(["export", "--format", "geojson", "--country", "gb", "--out", str(target)])
    document = json.loads(target.read_text(encoding="utf-8"))
    assert code == 0
    assert sorted(f["id"] for f in document["features"]) == [
        "uk-belfast",
        "uk-croydon",
        "uk-glasgow",
        "uk-hendon",
    ]


def test_export_events_csv_as_of_a_date(tmp_path):
    target = tmp_path / "events.csv"
    code, _ = run(
        [
            "export",
            "--format",
            "csv",
            "--what",
            "events",
            "--country",
            "GB",
            "--as-of",
            "2023-06-05",
            "--out",
            str(target),
        ]
    )
    ids = [row["event_id"] for row in csv.DictReader(io.StringIO(target.read_text("utf-8-sig")))]
    assert code == 0
    assert "E071" in ids and "E002" in ids


def test_module_entry_point_runs_as_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "stationmap", "validate", "--json"],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    from stationmap.record.loader import load_dataset

    shipped = load_dataset(config.DEFAULT_DATA_DIR)
    assert json.loads(result.stdout)["sites"] == len(shipped.sites) > 0


def test_synth_writes_a_valid_deterministic_dataset(tmp_path):
    code, _ = run(["synth", "--sites", "250", "--seed", "7", "--out", str(tmp_path / "a")])
    run(["synth", "--sites", "250", "--seed", "7", "--out", str(tmp_path / "b")])
    run(["synth", "--sites", "250", "--seed", "8", "--out", str(tmp_path / "c")])
    assert code == 0
    for file in ("sites.csv", "events.csv", "sources.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a" / "sites.csv").read_bytes() != (
        tmp_path / "c" / "sites.csv"
    ).read_bytes()
    code, output = run(["validate", "--data-dir", str(tmp_path / "a"), "--json"])
    summary = json.loads(output)
    assert code == 0, output
    assert summary["sites"] == 250
    assert summary["countries"] > 20
    assert summary["events"] > 250


def test_validate_json_on_a_dataset_with_no_valid_site(tmp_path):
    rows = small_rows()
    for site in rows["sites.csv"]:
        site["precision"] = "street"
    folder = write_dataset(tmp_path / "nosites", small_files(rows))
    code, output = run(["validate", "--data-dir", str(folder)])
    assert code == 1
    from stationmap.record.facts import headline_facts
    from stationmap.record.loader import load_dataset

    facts = headline_facts(load_dataset(folder))
    assert facts.sites == 0 and facts.countries == 0


# --- briefing stories ------------------------------------------------------------------------

BROKEN_STORY = """\
[[stories]]
id = "demo"
title = "Demo"

[[stories.slides]]
caption = "First."
countries = ["GB", "DE"]
regions = ["Atlantis"]
"""


def test_validate_checks_and_counts_the_shipped_stories():
    code, output = run(["validate", "--json"])
    summary = json.loads(output)
    assert code == 0, output
    assert (summary["stories"], summary["slides"]) == (2, 12)
    code, output = run(["validate"])
    assert code == 0 and "stories:   2 (12 slides)" in output


def test_a_data_folder_without_stories_is_valid(small_data_dir):
    code, output = run(["validate", "--data-dir", str(small_data_dir), "--json"])
    summary = json.loads(output)
    assert code == 0
    assert (summary["stories"], summary["slides"]) == (0, 0)
    _code, output = run(["validate", "--data-dir", str(small_data_dir)])
    assert "stories:   none (no briefings.toml)" in output


def test_a_broken_stories_file_is_explained_line_by_line_and_exits_1(small_data_dir):
    # The small dataset has sites in GB and FR, in Europe only.
    (small_data_dir / "briefings.toml").write_text(BROKEN_STORY, encoding="utf-8")
    code, output = run(["validate", "--data-dir", str(small_data_dir)])
    assert code == 1
    assert output.splitlines() == [
        "briefings.toml:7: demo[1].countries: unknown country 'DE' (no site in the dataset has "
        "this ISO code)",
        "briefings.toml:8: demo[1].regions: unknown region 'Atlantis' (allowed: Europe)",
    ]


def test_a_broken_slide_in_the_shipped_stories_is_found_on_its_line(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder)
    stories = folder / "briefings.toml"
    lines = stories.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith('as_of = "2023-04-30"'))
    lines[row] = 'as_of = "2023-04-31"\n'
    stories.write_text("".join(lines), encoding="utf-8")

    code, output = run(["validate", "--data-dir", str(folder), "--json"])

    assert code == 1
    assert output.splitlines() == [
        f"briefings.toml:{row + 1}: uk[3].as_of: '2023-04-31' is not a real date "
        "(day is out of range for month)"
    ]
