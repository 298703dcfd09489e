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


def _readme():
    import os

    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "README.md"), encoding="utf-8") as handle:
        return handle.read()


def test_readme_option_table_and_help_agree():
    import re

    readme = _readme()
    table = readme.split("### Options of `pipelint check`", 1)[1].split("\n### ", 1)[0]
    first_column = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    documented = {option for cell in first_column for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", cell)}
    help_text = CliRunner().invoke(main, ["check", "--help"], terminal_width=200).output
    offered = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", help_text.split("Options:", 1)[1]))
    offered.discard("-h")
    offered.discard("--help")
    assert offered - documented == set(), "options missing from the README's table"
    assert documented - offered == set(), "README documents options that do not exist"


def test_readme_promises_only_what_exists():
    readme = _readme()
    assert "rev: v0.1.0" not in readme  # there is no tag to pin
    import re

    # not on PyPI yet: a package spec naming pipelint must be a git URL (a local `.` also works)
    code = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", readme, re.S))
    for spec in re.findall(r"pipx? install ([^\s&#]+)", code):
        if "pipelint" in spec:
            assert spec.strip("\"'").startswith("git+"), spec
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert [line for line in quick.splitlines() if line.startswith("pip install")] == [
        "pip install . && pipelint check examples/", "pip install '.[test]' && pytest"]


def test_rule_list_shows_no_raw_markup():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0 and "``" not in result.output
    assert "`appspec.yml`" in result.output or "`" in result.output
