"""Syntax errors name the real cause where it is recognisable, at its exact position."""

from __future__ import annotations

import pytest

from pipelint.load import load_text


def problems(text: str, path: str = "x.yml") -> list[tuple[str, int, int, int]]:
    return [(p.code, p.line, p.col, p.end_col) for p in load_text(text, path).problems]


def message(text: str, path: str = "x.yml") -> str:
    return load_text(text, path).problems[0].message


BUILDSPEC_CONFLICT = """\
version: 0.2
phases:
  build:
    commands:
<<<<<<< HEAD
      - make
=======
      - make all
>>>>>>> feature
"""


def test_merge_conflict_markers_in_yaml():
    assert problems(BUILDSPEC_CONFLICT) == [("PL002", 5, 1, 8)]
    assert "merge conflict" in message(BUILDSPEC_CONFLICT)
    top = "<<<<<<< HEAD\nversion: 0.2\n=======\nversion: 0.1\n>>>>>>> b\nphases: {}\n"
    assert problems(top) == [("PL002", 1, 1, 8)]


def test_merge_conflict_markers_in_json():
    text = '{\n<<<<<<< HEAD\n  "a": 1\n=======\n  "a": 2\n>>>>>>> x\n}\n'
    assert problems(text, "x.json") == [("PL002", 2, 1, 8)]
    assert "merge conflict" in message(text, "x.json")


def test_marker_after_the_error_is_not_blamed():
    text = "a: [b\nc: d\n=======\n"
    assert "merge conflict" not in message(text)


@pytest.mark.parametrize(
    "text,expected,fix",
    [
        # (A key over an indented block, `- TargetService:service`, gets another fix: tests/test_fp_load.py.)
        # Its siblings are `key: value` lines at the same indentation.
        ('Resources:\n  - F:\n      Properties:\n        Alias: "live"\n        TargetVersion:"2"\nHooks:\n  - X: y\n', ("PL002", 5, 22, 23), 'TargetVersion: "2"'),
        ("a:\n  b: 1\n  c:2\n  d: 3\n", ("PL002", 3, 4, 5), "c: 2"),
    ],
)
def test_missing_space_after_colon(text, expected, fix):
    result = load_text(text, "x.yml")
    assert [(p.code, p.line, p.col, p.end_col) for p in result.problems] == [expected]
    assert "missing space after `:`" in result.problems[0].message
    assert fix in (result.problems[0].fix or "")


def test_glued_colon_in_a_valid_file_is_just_a_string():
    """`key:value` alone is a valid plain string (a list item, a command): no error at all."""
    result = load_text("commands:\n  - echo:hi\n  - url:http\nname: a:b\n", "x.yml")
    assert result.problems == []


@pytest.mark.parametrize(
    "text,expected,words",
    [
        ("a:\n  @b: 1\n", ("PL002", 2, 3, 4), "stray `@` before the key `b`"),
        ("a:\n  b: 1\n  ]c: 2\n", ("PL002", 3, 3, 4), "stray `]` before the key `c`"),
        ("a:\n  b: 1\n  `c: 2\n", ("PL002", 3, 3, 4), "before the key `c`"),
        ("a:\n  b: @TODO fill\n", ("PL002", 2, 6, 7), "cannot start with `@` unless it is quoted"),
        ("Description: >\n:q\n    text\n\nParameters:\n  A: 1\n", ("PL002", 2, 1, 3), "stray text `:q`"),
        ("a:\n  b: 1\n  oops\n  c: 2\n", ("PL002", 3, 3, 7), "stray text `oops`"),
    ],
)
def test_stray_characters_and_lines(text, expected, words):
    assert problems(text) == [expected]
    assert words in message(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("phases:\n\tbuild:\n", ("PL010", 2, 1)),
        ("- a\n\t- b\n", ("PL010", 2, 1)),
        ("a: 1\n\tb: 2\n", ("PL010", 2, 1)),
        ("a:\n  - |\n    x\n\ty\n", ("PL010", 4, 1)),
        ("a:\n  b:\n  \tc: 1\n", ("PL010", 3, 1)),
    ],
)
def test_tab_indentation_is_pl010(text, expected):
    assert [(p.code, p.line, p.col) for p in load_text(text, "x.yml").problems] == [expected]


def test_tab_after_a_value_is_fine():
    assert load_text("a: b\t\nc: [d:e]\t# note\n", "x.yml").problems == []


def test_other_errors_keep_libyaml_message():
    result = load_text("a: [b\nc: d\n", "x.yml")
    assert [(p.code, p.line, p.col) for p in result.problems] == [("PL002", 2, 2)]
    assert result.problems[0].message.startswith("YAML syntax error: ")
