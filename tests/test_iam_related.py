"""Related locations: a finding about several places of one file renders them in every format."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from conftest import SARIF_SCHEMA
from helpers import fixture
from pipelint.cli import main

ROLE = fixture("iam", "pipeline_role_fail.yaml")


def _check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "IAM002", *args, ROLE])
    assert result.exit_code == 1, result.output
    return result.output


def test_json_lists_related_places():
    finding = json.loads(_check("--format", "json"))["findings"][0]
    assert (finding["code"], finding["line"], finding["column"]) == ("IAM002", 21, 21)
    assert [(r["line"], r["column"], r["end_line"], r["end_column"]) for r in finding["related"]] == [
        (22, 21, 22, 32), (23, 21, 23, 33), (25, 21, 25, 26), (26, 21, 26, 33)]
    assert finding["related"][2]["message"].startswith("`kms:*`: every kms action")


def test_sarif_has_related_locations_in_the_same_file():
    log = json.loads(_check("--format", "sarif"))
    result = log["runs"][0]["results"][0]
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [0, 1, 2, 3]
    assert related[0]["physicalLocation"]["region"] == {"startLine": 22, "startColumn": 21, "endLine": 22, "endColumn": 32}
    assert related[0]["physicalLocation"]["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert related[0]["message"]["text"].startswith("`codebuild:*`")
    if os.path.exists(SARIF_SCHEMA):
        import jsonschema

        with open(SARIF_SCHEMA, encoding="utf-8") as handle:
            jsonschema.Draft4Validator(json.load(handle)).validate(log)


def test_text_prints_related_places_as_short_indented_lines():
    lines = _check("--format", "text").splitlines()
    also = [line for line in lines if line.startswith("    also ")]
    assert [line.split(":")[0:2] for line in also] == [["    also 22", "21"], ["    also 23", "21"], ["    also 25", "21"], ["    also 26", "21"]]
    assert also[0].startswith("    also 22:21: `codebuild:*`: every codebuild action")


def test_findings_without_related_places_keep_their_json_shape():
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "IAM004", "--format", "json", ROLE])
    assert "related" not in json.loads(result.output)["findings"][0]
