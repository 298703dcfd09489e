"""The CI report formats (GitLab Code Quality, Checkstyle, reviewdog rdjson), validated against
their published schemas (vendored in tests/data), with exact positions and severities; JUnit
following --fail-on (14.11); the summary's two numbers (14.13)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import SARIF_SCHEMA
from pipelint.cli import main
from pipelint.engine.registry import load_rules
from pipelint.engine.runner import RunResult
from pipelint.findings import Finding, Severity

SCHEMAS = os.path.join(os.path.dirname(__file__), "data", "schemas")
# PL003 (warning) on line 2 after a multi-byte character; PL003 on line 6
TEXT = 'version: 0.2\nenv: {variables: {CAFÉ: "1", CAFÉ: "2"}}\nphases:\n  build:\n    commands: [make]\nversion: 0.2\n'


def _schema(name):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as handle:
        return json.load(handle)


def check(tmp_path, *args):
    (tmp_path / "buildspec.yml").write_text(TEXT, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", *args, "buildspec.yml"])
    finally:
        os.chdir(old)


def synthetic(tmp_path):
    """A run with one finding of each severity (a rule's severity can be configured either way)."""
    registry = load_rules([])
    findings = []
    for number, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.NOTE), start=1):
        finding = Finding("PL003", "duplicate-key", severity, f"finding {number}", "a.yml", number, 2, number, 5, fix="do it")
        finding.fingerprint = finding.compute_fingerprint()
        findings.append(finding)
    return RunResult(findings, registry, files=1, file_kinds={"a.yml": "buildspec"})


def render(fmt, result):
    import io

    from pipelint.reporters import render as render_report

    stream = io.StringIO()
    render_report(fmt, result, stream, fail_on="warning")
    return stream.getvalue()


def test_sarif_schema_is_vendored():
    assert os.path.isfile(SARIF_SCHEMA)  # validity is tested on every run, not only beside ../shared


def test_gitlab_code_quality(tmp_path):
    result = check(tmp_path, "--format", "gitlab")
    assert result.exit_code == 1
    issues = json.loads(result.output)
    jsonschema.Draft7Validator(_schema("gitlab-codequality.json")).validate(issues)
    first = issues[0]
    assert first["check_name"] == "PL003" and first["severity"] == "major"
    assert first["location"] == {"path": "buildspec.yml", "positions": {"begin": {"line": 2, "column": 30}, "end": {"line": 2, "column": 34}}}
    assert first["description"].startswith("PL003 duplicate key `CAFÉ`") and "Fix: remove or rename" in first["description"]
    assert len({issue["fingerprint"] for issue in issues}) == len(issues) == 2


def test_gitlab_severities_and_unique_fingerprints(tmp_path):
    result = synthetic(tmp_path)
    result.findings.append(result.findings[0])  # the same finding twice still gets two fingerprints
    issues = json.loads(render("gitlab", result))
    jsonschema.Draft7Validator(_schema("gitlab-codequality.json")).validate(issues)
    assert [issue["severity"] for issue in issues] == ["critical", "major", "info", "critical"]
    assert len({issue["fingerprint"] for issue in issues}) == 4


def test_rdjson(tmp_path):
    result = check(tmp_path, "--format", "rdjson")
    assert result.exit_code == 1
    data = json.loads(result.output)
    jsonschema.Draft4Validator(_schema("reviewdog-DiagnosticResult.json")).validate(data)
    assert data["source"]["name"] == "pipelint"
    first = data["diagnostics"][0]
    assert first["severity"] == "WARNING" and first["code"]["value"] == "PL003"
    assert first["code"]["url"].endswith("#pl003")
    # rdjson columns count UTF-8 bytes: `É` before the finding is two bytes
    assert first["location"] == {"path": "buildspec.yml", "range": {"start": {"line": 2, "column": 31}, "end": {"line": 2, "column": 36}}}
    assert data["diagnostics"][1]["location"]["range"]["start"] == {"line": 6, "column": 1}


def test_rdjson_severities(tmp_path):
    data = json.loads(render("rdjson", synthetic(tmp_path)))
    jsonschema.Draft4Validator(_schema("reviewdog-DiagnosticResult.json")).validate(data)
    assert [d["severity"] for d in data["diagnostics"]] == ["ERROR", "WARNING", "INFO"]


def _check_checkstyle_shape(root):
    assert root.tag == "checkstyle" and root.get("version")
    for file in root:
        assert file.tag == "file" and file.get("name")
        for error in file:
            assert error.tag == "error"
            assert set(error.attrib) == {"line", "column", "severity", "message", "source"}
            assert int(error.get("line")) >= 1 and int(error.get("column")) >= 1
            assert error.get("severity") in ("error", "warning", "info")


def test_checkstyle(tmp_path):
    result = check(tmp_path, "--format", "checkstyle")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    _check_checkstyle_shape(root)
    errors = root.findall("file/error")
    assert root.find("file").get("name") == "buildspec.yml"
    assert [(e.get("line"), e.get("column"), e.get("severity"), e.get("source")) for e in errors] == [
        ("2", "30", "warning", "pipelint.PL003"), ("6", "1", "warning", "pipelint.PL003")]
    assert errors[0].get("message").startswith("duplicate key `CAFÉ`")


def test_checkstyle_severities(tmp_path):
    root = ET.fromstring(render("checkstyle", synthetic(tmp_path)))
    _check_checkstyle_shape(root)
    assert [e.get("severity") for e in root.findall("file/error")] == ["error", "warning", "info"]


# -- 14.11: JUnit follows --fail-on ------------------------------------------------------------


@pytest.fixture
def warn_repo(tmp_path):
    rules_dir = os.path.join(os.path.dirname(__file__), "plugins", "rules_dir")
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "buildspec.yml").write_text("version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n")
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make\n")  # PL002
    return tmp_path, rules_dir


def _junit(repo, *args):
    tmp_path, rules_dir = repo
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", "--isolated", "--rules-dir", rules_dir, "--select", "XT101,PL", "--format", "junit", *args, "."])
    finally:
        os.chdir(old)
    root = ET.fromstring(result.output)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    return result, root.find("testsuite"), cases


def test_junit_follows_fail_on(warn_repo):
    result, suite, cases = _junit(warn_repo, "--fail-on", "error")
    assert result.exit_code == 1 and suite.get("failures") == "1"
    assert cases["e/buildspec.yml"].find("failure") is not None
    warned = cases["w/buildspec.yml"]
    assert warned.find("failure") is None  # a warning-only file passes under --fail-on error...
    assert "XT101 [warning]" in warned.find("system-out").text  # ...but its finding is still listed
    result, suite, cases = _junit(warn_repo)  # default: warning
    assert suite.get("failures") == "2" and cases["w/buildspec.yml"].find("failure") is not None
    result, suite, cases = _junit(warn_repo, "--exit-zero")
    assert result.exit_code == 0 and suite.get("failures") == "0"


# -- 14.13: the summary states both numbers --------------------------------------------------------


def test_summary_states_files_with_problems_and_files_linted(warn_repo):
    tmp_path, rules_dir = warn_repo
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    (tmp_path / "notes.txt").write_text("hello\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        walked = CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", "--no-color", "."]).output
        named = CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", "--no-color", "notes.txt"]).output
        data = json.loads(CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", "--format", "json", "."]).output)
    finally:
        os.chdir(old)
    assert walked.splitlines()[-1] == "Found 1 problem (1 error, 0 warnings, 0 notes) in 1 file; 3 files linted."
    # a named file pipelint cannot read has a problem but was not linted: both numbers say so
    assert named.splitlines()[-1] == "Found 1 problem (0 errors, 1 warning, 0 notes) in 1 file; 0 files linted."
    assert data["summary"]["files"] == 3 and data["summary"]["files_with_findings"] == 1
