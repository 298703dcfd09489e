"""Issue 15, part 2: policies written as JSON strings, vacuous organisation conditions, ECR
repository policies, and webhook tokens read from plain SSM parameters."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from helpers import fixture, lint


def _found(path: str, prefix: str) -> list[tuple[str, int, int, int]]:
    return sorted((f.code, f.line, f.col, f.end_col) for f in lint(path, select=[prefix]) if f.code.startswith(prefix))


# Positions inside the JSON text: a `!Sub |` block (YAML), a single-quoted YAML string, and
# JSON strings with `\"` escapes (every line of the JSON twin).
JSON_STRINGS = {
    "yaml": [("IAM001", 13, 43, 46), ("IAM004", 23, 94, 108), ("IAM006", 28, 80, 85)],
    "json": [("IAM001", 13, 118, 123), ("IAM004", 24, 110, 126), ("IAM006", 33, 84, 89)],
}


@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_policies_in_json_strings_are_checked_in_place(ext: str) -> None:
    path = fixture("iam", "coverage", f"json_string_policies.{ext}")
    assert _found(path, "IAM") == JSON_STRINGS[ext]
    lines = open(path, encoding="utf-8").read().splitlines()
    for _, line, col, end in JSON_STRINGS[ext]:
        written = lines[line - 1][col - 1:end - 1]
        assert written.strip("\\\"") in ("*", "iam:PassRole"), written


@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_placeholders_in_sub_policies_are_unknown_not_errors(ext: str) -> None:
    """`"Resource": ${BucketArns}` parses; `${Service}:Get*` is not an unknown action."""
    path = fixture("iam", "coverage", f"json_string_policies_pass.{ext}")
    findings = lint(path)
    assert [f for f in findings if f.code.startswith(("IAM", "PL"))] == []


def test_escapes_before_a_value_keep_its_column(tmp_path: Any) -> None:
    """`\\u00e9` (six characters written, one read) and a surrogate pair before the value."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "caf\u00e9\U0001F600", "Effect": "Allow",
                                                               "Action": "*", "Resource": "*"}]}, ensure_ascii=False)
    template = {"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": policy}}}}
    path = os.path.join(str(tmp_path), "template.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(template, handle, indent=2)  # ensure_ascii: `\\u00e9` and `\\ud83d\\ude00` in the file
    [finding] = [f for f in lint(path, select=["IAM001"]) if f.code == "IAM001"]
    line = open(path, encoding="utf-8").read().splitlines()[finding.line - 1]
    assert "\\ud83d\\ude00" in line
    assert line[finding.col - 1:finding.end_col - 1] == '\\"*\\"'


def test_unclosed_placeholders_stay_linear(tmp_path: Any) -> None:
    """A `!Sub` policy of 200,000 `${` with no `}`: each search for `}` starts past the last."""
    from pipelint.extract.embedded import blank_placeholders

    text, starts = blank_placeholders("{" + "${" * 200_000)
    assert starts == set() and len(text) == 400_001
    text, starts = blank_placeholders('{"a": ${X}, "b": "${Y}"}')
    assert text == '{"a": "{X", "b": "${Y}"}' and starts == {6}


@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_public_principals_with_vacuous_conditions_and_in_ecr(ext: str) -> None:
    expected = {"yaml": [("IAM006", 11, 24, 27), ("IAM006", 27, 20, 23)], "json": [("IAM006", 13, 28, 31), ("IAM006", 37, 24, 27)]}
    findings = lint(fixture("iam", "coverage", f"iam006_public_fail.{ext}"), select=["IAM"])
    assert sorted((f.code, f.line, f.col, f.end_col) for f in findings) == expected[ext]
    messages = [f.message for f in sorted(findings, key=lambda f: f.line)]
    assert "`ForAllValues:StringEquals` on `aws:PrincipalOrgID` holds when the request has no such key" in messages[0]
    assert messages[1].startswith("ECR repository `ImageRepository` allows")
    assert _found(fixture("iam", "coverage", f"iam006_public_pass.{ext}"), "IAM") == []  # an ECR policy needs no Resource


@pytest.mark.parametrize(("ext", "expected"), [("yaml", [("SEC005", 8, 22), ("SEC005", 18, 22)]),
                                                ("json", [("SEC005", 9, 26), ("SEC005", 28, 24)])])
def test_webhook_token_from_plain_ssm_parameter(ext: str, expected: list[tuple[str, int, int]]) -> None:
    findings = lint(fixture("secrets", "coverage", f"sec005_ssm_fail.{ext}"), select=["SEC005"])
    assert sorted((f.code, f.line, f.col) for f in findings) == expected
    assert all("`{{resolve:ssm:…}}`" in f.message for f in findings)
    assert lint(fixture("secrets", "coverage", f"sec005_ssm_pass.{ext}"), select=["SEC005"]) == []
