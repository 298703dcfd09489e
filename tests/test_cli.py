"""The command-line contract: exit codes, subcommands, python -m."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from pipelint import __version__
from pipelint.cli import main


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_clean_file_exits_0(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    result = invoke("check", "--isolated", "--no-color", str(path))
    assert result.exit_code == 0, result.output
    assert "No problems found; 1 file linted." in result.output


def test_findings_exit_1_and_missing_path_exit_2(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nversion: 0.2\n")
    assert invoke("check", "--isolated", str(path)).exit_code == 1
    assert invoke("check", "--isolated", "--fail-on", "never", str(path)).exit_code == 0
    missing = invoke("check", str(tmp_path / "nope.yml"))
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_bad_option_is_exit_2():
    assert invoke("check", "--format", "xml").exit_code == 2


def test_rules_list_and_doc():
    listing = invoke("rules")
    assert listing.exit_code == 0 and "PL002" in listing.output and "syntax-error" in listing.output
    doc = invoke("rules", "duplicate-key")
    assert doc.exit_code == 0 and doc.output.startswith("PL003 duplicate-key")
    assert "Failing" in doc.output
    assert invoke("rules", "ZZ999").exit_code == 2
    data = json.loads(invoke("rules", "--format", "json").output)
    assert any(r["code"] == "PL001" for r in data)


def test_schema_command():
    listing = invoke("schema")
    assert "buildspec" in listing.output.split()
    schema = json.loads(invoke("schema", "buildspec").output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    path = invoke("schema", "buildspec", "--path").output.strip()
    assert path.endswith("buildspec.schema.json")
    assert invoke("schema", "nope").exit_code == 2


def test_python_dash_m():
    proc = subprocess.run([sys.executable, "-m", "pipelint", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_python_api(tmp_path):
    import pipelint

    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n")
    findings = pipelint.lint_paths([str(path)], select=["PL"], isolated=True)
    assert [(f.code, f.line, f.col) for f in findings] == [("PL003", 2, 1)]
