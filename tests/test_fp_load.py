"""Wrong advice from the loader found on the real-file corpus (review-fp.md items 1, 2, 17 and
the silent ``--fix`` refusal): each test pins the rule id, line, column and message or fix."""

from __future__ import annotations

import pytest

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


# --- Item 2: a `.json` file that holds YAML (corpus appspec/004/appspec.json) ---------------

APPSPEC_004 = (
    "version: 0.0\nResources:\n  - TargetService:service\n      Type: AWS::ECS::Service\n"
    "      Properties:\n        TaskDefinition: <TASK_DEFINITION>\n"
)


def test_json_file_holding_invalid_yaml_reports_the_yaml_error():
    result = load_text(APPSPEC_004, "appspec.json")
    assert result.fatal and result.source.fmt == "yaml"
    assert [(p.code, p.line, p.col, p.end_col) for p in result.problems] == [("PL002", 3, 18, 19)]
    problem = result.problems[0]
    assert problem.message.startswith("this `.json` file holds YAML, not JSON, and the YAML is invalid: stray text after `:` in `TargetService:service`")
    assert problem.fix == ("delete `service` after the colon: `TargetService:` (its value is the indented block below); "
                           "then rename the file `.yaml` (or convert it to JSON)")


def test_json_file_holding_valid_yaml_is_linted_as_yaml():
    result = load_text(APPSPEC_004.replace("TargetService:service", "TargetService:"), "appspec.json")
    assert not result.fatal and result.source.fmt == "yaml"
    assert [(p.code, p.line, p.col, p.end_col) for p in result.problems] == [("PL016", 1, 1, 13)]
    assert result.problems[0].message.startswith("this `.json` file holds YAML, not JSON (it starts with `version: 0.0`)")
    assert result.problems[0].fix == "rename it `.yaml` (`appspec.yaml`, `buildspec.yml`), or convert it to JSON"
    resources = result.roots[0].get("Resources")
    assert resources is not None and (resources.line, resources.col) == (3, 3)


def test_json_only_content_holding_yaml_is_an_error():
    policy = "# policy\nVersion: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: '*'\n"
    result = load_text(policy, "policy.json")
    assert [(p.code, p.line, p.col, p.end_col) for p in result.problems] == [("PL002", 2, 1, 22)]
    assert "the AWS CLI reads JSON input files" in result.problems[0].message


def test_json_errors_that_are_not_yaml_keep_the_json_message():
    assert spans('// note\n{"a": 1}\n', "x.json") == [("PL002", 1, 1, 2)]
    assert load_text('// note\n{"a": 1}\n', "x.json").problems[0].message == "JSON syntax error: unexpected '/'"
    assert load_text("hello world\n", "x.json").problems[0].message == "JSON syntax error: unexpected 'h'"
    assert load_text('{"a": 1,}\n', "x.json").source.fmt == "json"
    # An explicit format (a JSON string inside a template) is never re-read as YAML.
    assert load_text("a: 1\n", "x.json", fmt="json").problems[0].message == "JSON syntax error: unexpected 'a'"


def test_yaml_in_json_through_the_linter(tmp_path):
    from pipelint.cli import main

    (tmp_path / "appspec.json").write_text(APPSPEC_004, encoding="utf-8")
    out = tmp_path / "out.json"
    import json

    with pytest.raises(SystemExit) as exited:
        main(["check", str(tmp_path / "appspec.json"), "--isolated", "--format", "json", "-o", str(out)])

    data = json.loads(out.read_text())
    findings = data["findings"] if isinstance(data, dict) else data
    assert exited.value.code == 1
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("PL002", 3, 18)]


# --- `--fix` on files it cannot write: never silent ---------------------------------------

# AS403 (a note) has a safe fix; a note alone does not fail the default `--fail-on warning`, so
# before, a read-only file with only this finding ended `--fix` with status 0.
NOTE_ONLY_APPSPEC = (
    "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n"
    '        TaskDefinition: "arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"\n'
    "        LoadBalancerInfo:\n          ContainerName: web\n          ContainerPort: \"80\"\n"
)


def _fix_run(tmp_path, *args):
    from test_fix_cli import pipelint

    return pipelint(tmp_path, "--fix", *args)


def test_fix_on_a_read_only_file_says_so_and_exits_2(tmp_path):
    path = tmp_path / "appspec.yaml"
    path.write_text(NOTE_ONLY_APPSPEC)
    before = _fix_run_check(tmp_path)
    assert before == [("AS403", 9, 26)]
    path.chmod(0o444)
    proc = _fix_run(tmp_path, "appspec.yaml")
    assert path.read_text() == NOTE_ONLY_APPSPEC
    assert "pipelint: appspec.yaml: not fixed: cannot write it: permission denied: the file is read-only" in proc.stderr
    assert "Fixed 0 findings (1 remaining); 1 file could not be written (see the lines above)." in proc.stdout
    assert proc.returncode == 2, proc.stdout + proc.stderr


def test_fix_writes_the_writable_files_and_still_fails_for_the_others(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    locked, free = tmp_path / "a" / "appspec.yaml", tmp_path / "b" / "appspec.yaml"
    locked.write_text(NOTE_ONLY_APPSPEC)
    free.write_text(NOTE_ONLY_APPSPEC)
    locked.chmod(0o444)
    proc = _fix_run(tmp_path, ".")
    assert free.read_text() == NOTE_ONLY_APPSPEC.replace('ContainerPort: "80"', "ContainerPort: 80")
    assert locked.read_text() == NOTE_ONLY_APPSPEC
    assert proc.stderr.count("not fixed: cannot write it") == 1 and "a/appspec.yaml: not fixed" in proc.stderr
    assert "Fixed 1 finding (1 remaining); 1 file could not be written (see the lines above)." in proc.stdout
    assert proc.returncode == 2


def test_a_file_this_user_may_not_write_is_refused_too(tmp_path, monkeypatch):
    """Root ignores permission bits, so "not writable by this user" is simulated in-process."""
    from pipelint.fixes import files
    from pipelint.fixes.session import FileFix

    path = tmp_path / "appspec.yaml"
    path.write_text("a: 1\n")
    monkeypatch.setattr(files.os, "access", lambda *args, **kwargs: False)

    class Entry:
        display = "appspec.yaml"

    Entry.path = str(path)  # type: ignore[attr-defined]
    outcome = FileFix("a: 1\n", "a: 2\n", [])
    with pytest.raises(PermissionError) as raised:
        files.write_fixed(Entry(), outcome)
    assert raised.value.strerror == "permission denied: the file is read-only"
    assert outcome.unwritten == "permission denied: the file is read-only"
    assert path.read_text() == "a: 1\n"


def test_summary_counts_unwritten_files_only_when_there_are_some():
    from pipelint.fixes.command import summary

    assert summary(3, 1) == "Fixed 3 findings (1 remaining)."
    assert summary(0, 2, 2) == "Fixed 0 findings (2 remaining); 2 files could not be written (see the lines above)."


def _fix_run_check(tmp_path):
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "pipelint", "check", "--isolated", "--format", "json", "appspec.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    data = json.loads(proc.stdout)
    findings = data["findings"] if isinstance(data, dict) else data
    return [(f["code"], f["line"], f["column"]) for f in findings]


# --- Item 17: PL002 wording -------------------------------------------------------------------

def test_trailing_comma_is_named_and_pointed_at():
    # pipeline-json/012/codepipeline.json: `},` on line 67, then `}` on line 68.
    text = '{\n    "pipeline": {\n        "version": 3\n    },\n}\n'
    result = load_text(text, "codepipeline.json")
    assert [(p.code, p.line, p.col, p.end_col) for p in result.problems] == [("PL002", 4, 6, 7)]
    problem = result.problems[0]
    assert problem.message == "JSON syntax error: trailing comma after the last item on line 4: JSON allows no comma before `}`"
    assert problem.fix == "delete the comma"
    assert problem.anchor == "JSON syntax error: unexpected '}'"
    assert spans(text.replace("},\n}", "}\n}"), "codepipeline.json") == []
    assert [(p.line, p.col, p.message) for p in load_text("[1,\n 2, ]", "x.json").problems] == [
        (2, 3, "JSON syntax error: trailing comma after the last item on line 2: JSON allows no comma before `]`")]
    # Not a trailing comma: the other messages stay.
    assert load_text('{"a":1,,}', "x.json").problems[0].message == "JSON syntax error: unexpected ','"
    assert load_text('{"a":1]', "x.json").problems[0].message == "JSON syntax error: unexpected ']'"


def test_terraform_configuration_block_is_a_terraform_error_not_hcl_syntax(tmp_path):
    from helpers import lint

    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_codepipeline" "p" {\n  stage {\n    name = "Source"\n    action {\n      name = "S"\n'
        '      category = "Source"\n      owner = "AWS"\n      provider = "S3"\n      version = "1"\n'
        '      output_artifacts = ["src"]\n      configuration {\n        S3Bucket = "b"\n      }\n    }\n  }\n}\n'
    )
    found = [f for f in lint(str(path)) if f.code == "PL002"]
    assert [(f.code, f.line, f.col) for f in found] == [("PL002", 11, 7)]
    assert found[0].message.startswith("Terraform error (the HCL itself is valid): `configuration` is an argument in Terraform 0.12")
    assert "HCL syntax error" not in found[0].message


def test_stray_character_fixes_are_checked_too():
    lines = ["a:", "  @b: 1", "  c: 2"]
    problem = explain_yaml_error(lines, "found character that cannot start any token", 2, 3, None, lambda text: False)
    assert problem is not None and (problem.line, problem.col) == (2, 3) and problem.fix is None
    problem = explain_yaml_error(lines, "found character that cannot start any token", 2, 3, None, lambda text: "  b: 1" in text)
    assert problem is not None and problem.fix == "delete the `@`"
    # cfn-codebuild/004: quoting the value reads; an error it leaves later in the file does not count.
    problem = load_text("Properties:\n  ServiceRole: @TODO: CodeBuildRoleArn Here\n  Name: x\n", "x.yml").problems[0]
    assert (problem.code, problem.line, problem.col, problem.fix) == ("PL002", 2, 16, "quote the value (`'...'`)")
    problem = load_text("a:\n  b: @x\n   c: 1\n", "x.yml").problems[0]
    assert (problem.line, problem.col, problem.fix) == (2, 6, "quote the value (`'...'`)")
    lines = ["a:", "  b: @x"]
    problem = explain_yaml_error(lines, "found character that cannot start any token", 2, 6, None, lambda text: False)
    assert problem is not None and problem.fix is None


def test_parses_past_places_an_unclosed_flow_collection_where_it_opens():
    # `c: [1` fails at the end of the file, but the bracket the fix wrote is where it went wrong.
    assert not parses_past("a:\n  b: 1\n  c: [1\n  d: 3\n", 4, 1)
    # An error that lies after the place (a separate mistake further down) does not count.
    assert parses_past("a:\n  b: '@x'\n   c: 1\n", 2, 6)
