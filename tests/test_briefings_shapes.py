"""Every shape of TOML a person can write in briefings.toml gives FILE:LINE problems, never an
exception: in the parser, the `validate` command and the Briefing page (issue 16, case 3)."""

from __future__ import annotations

import io
import shutil

import pytest

from stationmap import cli, config
from stationmap.briefing.stories import SLIDE_KEYS, STORY_KEYS, parse_briefings
from stationmap.record.problems import WHOLE_FILE
from tests.conftest import TEST_TODAY
from tests.test_briefing_page import run_briefing

# Every kind of TOML value, written as a person might write it where something else belongs.
VALUES = {
    "integer": "1",
    "float": "1.5",
    "nan": "nan",
    "boolean": "true",
    "text": '"x"',
    "empty text": '""',
    "list of mixed": '[1, "x"]',
    "list of lists": "[[1], [2]]",
    "inline table": "{ a = 1 }",
    "empty list": "[]",
    "date": "2023-06-06",
    "date and time": "2023-06-06T10:00:00",
    "time": "10:00:00",
}


def story_with(key: str, value: str, *, on_slide: bool) -> str:
    """A valid one-slide story with one key set to `value`, on the story or on its slide."""
    story = ["[[stories]]", 'id = "demo"', 'title = "Demo"']
    slide = ["[[stories.slides]]", 'caption = "A caption."']
    target = slide if on_slide else story
    target[:] = [line for line in target if not line.startswith(f"{key} =")]
    target.append(f"{key} = {value}")
    return "\n".join([*story, "", *slide]) + "\n"


def problems_of(text: str):
    return parse_briefings(text, known_countries={"GB"}, known_regions={"Europe"}, today=TEST_TODAY)


@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
@pytest.mark.parametrize("key", sorted(SLIDE_KEYS))
def test_any_value_of_any_slide_key_is_a_problem_on_its_line_or_valid(key, value):
    text = story_with(key, value, on_slide=True)
    result = problems_of(text)
    key_line = text.splitlines().index(f"{key} = {value}") + 1
    for problem in result.problems:
        assert problem.file == "briefings.toml"
        assert problem.row == key_line, (str(problem), key_line)
    # Either the slide loads, or the story is left out and says why.
    assert bool(result.problems) != bool(result.stories)


@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
@pytest.mark.parametrize("key", sorted(STORY_KEYS - {"slides"}))
def test_any_value_of_any_story_key_is_a_problem_on_its_line_or_valid(key, value):
    text = story_with(key, value, on_slide=False)
    result = problems_of(text)
    key_line = text.splitlines().index(f"{key} = {value}") + 1
    assert all(problem.row in (key_line, 1) for problem in result.problems), [
        str(p) for p in result.problems
    ]
    assert bool(result.problems) != bool(result.stories)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            'stories = [1, "x"]\n',
            1,
            "a story must be a table (written under [[stories]]), not a number (1)",
        ),
        (
            '# stories\n\nstories = { id = "x" }\n',
            3,
            "stories must be a list of tables: write each story under [[stories]]",
        ),
        (
            '[stories]\nid = "demo"\n',
            1,
            "stories must be a list of tables: write each story under [[stories]]",
        ),
        ('stories = "uk"\n', 1, "stories must be a list of tables"),
        (
            '[[stories]]\nid = "demo"\ntitle = "Demo"\nslides = { caption = "x" }\n',
            4,
            "slides must be a list of tables: write each slide under [[stories.slides]]",
        ),
        (
            '[[stories]]\nid = "demo"\ntitle = "Demo"\nslides = [1]\n',
            1,
            "a slide must be a table (written under [[stories.slides]]), not a number (1)",
        ),
        ('title = "x"\n[[stories]]\nid = "a"\n', 1, "unknown setting (expected: stories)"),
    ],
)
def test_a_wrong_shape_is_named_with_its_line(text, line, message):
    problems = problems_of(text).problems
    assert any(p.row == line and p.message.startswith(message) for p in problems), [
        str(p) for p in problems
    ]


def test_a_date_with_a_time_is_refused_not_compared():
    text = story_with("as_of", "2023-06-06T10:00:00", on_slide=True)
    (problem,) = problems_of(text).problems
    assert problem.message == "as_of must be a date (YYYY-MM-DD), without a time"
    assert problem.row != WHOLE_FILE


@pytest.fixture
def data_with_stories(tmp_path):
    def write(text: str):
        folder = tmp_path / "data"
        shutil.copytree(config.DEFAULT_DATA_DIR, folder, dirs_exist_ok=True)
        (folder / "briefings.toml").write_text(text, encoding="utf-8")
        return folder

    return write


def test_the_briefing_page_lists_the_problems_of_a_list_of_numbers(data_with_stories, monkeypatch):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(data_with_stories('stories = [1, "x"]\n')))
    app = run_briefing()

    assert not app.exception
    assert "The stories file has 2 problems" in app.main.warning[0].value
    assert app.main.code[0].value.startswith("briefings.toml:1: stories[0]: a story must be")


def test_validate_reports_a_list_of_numbers_as_stories_with_its_line(data_with_stories, capsys):
    folder = data_with_stories('stories = [1, "x"]\n')
    out = io.StringIO()
    status = cli.main(["validate", "--data-dir", str(folder)], out=out)
    assert status == 1
    assert out.getvalue().splitlines() == [
        "briefings.toml:1: stories[0]: a story must be a table (written under [[stories]]), "
        "not a number (1)",
        "briefings.toml:1: stories[1]: a story must be a table (written under [[stories]]), "
        "not a text ('x')",
    ]
