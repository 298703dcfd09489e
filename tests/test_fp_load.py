"""Wrong advice from the loader found on the real-file corpus (review-fp.md items 1, 2, 17 and
the silent ``--fix`` refusal): each test pins the rule id, line, column and message or fix."""

from __future__ import annotations

from pipelint.load import load_text
from pipelint.load.syntax_hints import explain_yaml_error
from pipelint.load.yaml_loader import parses_past


def spans(text: str, path: str = "x.yml") -> list[tuple[str, int, int, int]]:
    return [(p.code, p.line, p.col, p.end_col) for p in load_text(text, path).problems]


# appspec/005/appspec.yaml (CRLF line ends, as in the corpus): `service` glued after the colon
# of a key whose value is the indented block below.
APPSPEC_005 = (
    "version: 0.0\r\nResources:\r\n  - TargetService:service\r\n      Type: AWS::ECS::Service\r\n"
    "      Properties:\r\n        TaskDefinition: <TASK_DEFINITION>\r\n"
)
# appspec/089/appspec-lambda.yaml: a missing space, the value on the same line.
APPSPEC_089 = (
    "version: 0.0\nResources:\n  - StudentEnrollmentFunction:\n    Type: AWS::Lambda::Function\n"
    '    Properties:\n      Name: "StudentEnrollmentAPI"\n      Alias: "live"\n      CurrentVersion: "1"\n'
    '      TargetVersion:"2"\nHooks:\n  - BeforeAllowTraffic: "PreTrafficHook"\n'
)


def test_glued_word_before_an_indented_block_is_deleted_not_spaced():
    """`- TargetService:service` over an indented block: `TargetService: service` still fails
    (a scalar and a mapping for one key), so the fix deletes the word instead."""
    problem = load_text(APPSPEC_005, "appspec.yaml").problems[0]
    assert (problem.code, problem.line, problem.col, problem.end_col) == ("PL002", 3, 18, 19)
    assert problem.message.startswith("stray text after `:` in `TargetService:service`: the lines below are indented under `TargetService`")
    assert problem.fix == "delete `service` after the colon: `TargetService:` (its value is the indented block below)"
    # The fingerprint keeps the earlier wording, so a baseline written before still matches.
    assert problem.anchor is not None and problem.anchor.startswith("missing space after `:` in `TargetService:service`")
    fixed = APPSPEC_005.replace("TargetService:service", "TargetService:")
    assert spans(fixed, "appspec.yaml") == []
    assert spans(APPSPEC_005.replace("TargetService:service", "TargetService: service"), "appspec.yaml") == [("PL002", 4, 11, 12)]


def test_missing_space_fix_is_kept_where_it_parses():
    problem = load_text(APPSPEC_089, "appspec.yaml").problems[0]
    assert (problem.code, problem.line, problem.col, problem.end_col) == ("PL002", 9, 20, 21)
    assert problem.message.startswith("missing space after `:` in `TargetVersion:\"2\"`")
    assert problem.fix == 'add a space after the colon: `TargetVersion: "2"`'
    assert spans(APPSPEC_089.replace('TargetVersion:"2"', 'TargetVersion: "2"'), "appspec.yaml") == []


def test_a_fix_that_still_fails_at_the_same_place_is_not_offered():
    # With `- k:` the next line's `]` fails before the original error's place (3:9).
    problem = load_text("a:\n  - k:v\n      ]x: 1\n", "x.yml").problems[0]
    assert (problem.code, problem.line, problem.col) == ("PL002", 2, 6)
    assert problem.fix is None
    # `c: [1` opens a flow sequence that never closes: no fix either.
    problem = load_text("a:\n  b: 1\n  c:[1\n  d: 3\n", "x.yml").problems[0]
    assert (problem.code, problem.line, problem.col) == ("PL002", 3, 4)
    assert problem.message.startswith("missing space after `:` in `c:[1`")
    assert problem.fix is None


def test_no_checker_means_no_replacement_offered():
    lines = ["a:", "  b: 1", "  c:2", "  d: 3"]
    problem = explain_yaml_error(lines, "could not find expected ':'", 4, 1, 3)
    assert problem is not None and (problem.line, problem.col) == (3, 4) and problem.fix is None
    problem = explain_yaml_error(lines, "could not find expected ':'", 4, 1, 3, lambda text: "c: 2" in text)
    assert problem is not None and problem.fix == "add a space after the colon: `c: 2`"


def test_parses_past_stops_at_the_place_and_reads_flow_colons():
    assert parses_past("a: 1\nb: [1\n", 1, 3)  # the error at the end lies after 1:3
    assert not parses_past("a: 1\nb: [1\n", 3, 1)
    assert parses_past("a: [sts:AssumeRole]\nb: c\n", 2, 4)  # read as load_yaml reads it
    assert not parses_past("a:\n  b: 1\n c: 2\n", 3, 2)
