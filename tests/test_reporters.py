"""Reporters: text (frames, colour), json, sarif (schema-valid, stable fingerprints), github."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from conftest import SARIF_SCHEMA
from pipelint.cli import main

RULES_DIR = os.path.join(os.path.dirname(__file__), "plugins", "rules_dir")
BAD = "version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n"


def run_cli(args, env=None, cwd=None):
    runner = CliRunner()
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return runner.invoke(main, ["check", "--isolated", "--rules-dir", RULES_DIR, "--select", "XT101", *args], env=env or {})
    finally:
        os.chdir(old)


def test_text_line_frame_and_summary(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    result = run_cli(["--no-color", "buildspec.yml"], cwd=tmp_path)
    lines = result.output.splitlines()
    assert lines[0] == "buildspec.yml:2:1: XT101 [warning] remove the `forbidden` key (no-forbidden-key)"
    assert lines[1] == "  fix: delete the line"
    assert lines[2] == "  2 | forbidden: true"
    assert lines[3] == "    | ^^^^^^^^^"
    assert lines[-1] == "Found 1 problem (0 errors, 1 warning, 0 notes) in 1 file; 1 file linted."
    assert "\033[" not in result.output
    assert result.exit_code == 1


def test_colour_follows_flags_and_environment(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    assert "\033[" in run_cli(["--color", "buildspec.yml"], cwd=tmp_path).output
    assert "\033[" in run_cli(["buildspec.yml"], env={"FORCE_COLOR": "1"}, cwd=tmp_path).output
    assert "\033[" not in run_cli(["buildspec.yml"], env={"NO_COLOR": "1", "FORCE_COLOR": "1"}, cwd=tmp_path).output
    assert "\033[" not in run_cli(["buildspec.yml"], cwd=tmp_path).output  # not a terminal


def test_json_shape(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    data = json.loads(run_cli(["--format", "json", "buildspec.yml"], cwd=tmp_path).output)
    assert data["version"] == 1 and data["summary"]["warnings"] == 1
    finding = data["findings"][0]
    assert {k: finding[k] for k in ("code", "name", "severity", "path", "line", "column", "end_line", "end_column")} == {
        "code": "XT101", "name": "no-forbidden-key", "severity": "warning", "path": "buildspec.yml",
        "line": 2, "column": 1, "end_line": 2, "end_column": 10,
    }


def validate_sarif(log):
    """Validate a SARIF log against the official 2.1.0 schema (vendored in tests/data/schemas)."""
    import jsonschema

    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)


def test_sarif_is_valid_and_has_what_github_needs(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    result = run_cli(["--format", "sarif", "buildspec.yml"], cwd=tmp_path)
    assert result.exit_code == 1  # exit codes do not depend on the format
    log = json.loads(result.output)
    validate_sarif(log)
    assert log["$schema"] and log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    rule = run["tool"]["driver"]["rules"][0]
    for key in ("id", "name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration"):
        assert rule[key], key
    assert rule["help"]["text"] and rule["help"]["markdown"]
    res = run["results"][0]
    assert res["ruleIndex"] == 0 and res["ruleId"] == "XT101"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "buildspec.yml", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 2 and loc["region"]["startColumn"] == 1
    assert loc["region"]["endLine"] == 2 and loc["region"]["endColumn"] == 10
    assert res["partialFingerprints"]["primaryLocationLineHash"]


def test_sarif_fingerprints_survive_lines_inserted_above(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    before = json.loads(run_cli(["--format", "sarif", "buildspec.yml"], cwd=tmp_path).output)
    (tmp_path / "buildspec.yml").write_text("# a comment\n\n# another\n" + BAD)
    after = json.loads(run_cli(["--format", "sarif", "buildspec.yml"], cwd=tmp_path).output)
    first, second = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert first["partialFingerprints"] == second["partialFingerprints"]


def test_github_annotations(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    output = run_cli(["--format", "github", "buildspec.yml"], cwd=tmp_path).output
    assert output.splitlines()[0] == (
        "::warning file=buildspec.yml,line=2,col=1,endLine=2,endColumn=10,title=XT101 no-forbidden-key::"
        "remove the `forbidden` key (fix: delete the line)"
    )


def test_output_file(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    result = run_cli(["--format", "json", "--output", "out.json", "buildspec.yml"], cwd=tmp_path)
    assert result.exit_code == 1 and result.output == ""
    assert json.loads((tmp_path / "out.json").read_text())["findings"][0]["code"] == "XT101"


def test_statistics(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    output = run_cli(["--no-color", "--statistics", "-q", "buildspec.yml"], cwd=tmp_path).output
    assert "     1  XT101   no-forbidden-key" in output


def test_sarif_security_rules_carry_security_severity_and_tag(tmp_path):
    key = "AKIA" + "Q7ZR4NXT2MWB6PLD"
    (tmp_path / "buildspec.yml").write_text(f"version: 0.2\nenv:\n  variables:\n    AWS_ACCESS_KEY_ID: {key}\nphases:\n  build:\n    commands: [make]\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", "--isolated", "--select", "SEC", "--format", "sarif", "buildspec.yml"])
    finally:
        os.chdir(old)
    log = json.loads(result.output)
    validate_sarif(log)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["id"].startswith("SEC")
    assert float(rule["properties"]["security-severity"]) > 0
    assert "security" in rule["properties"]["tags"]
    assert key not in result.output
