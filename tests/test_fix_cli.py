"""`pipelint check --fix`, `--unsafe-fixes`, `--diff` and `--show-fixes` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema

from conftest import SARIF_SCHEMA
from helpers import FIXTURES

PLUGIN = os.path.join(FIXTURES, "fixes", "_plugin")
BUILDSPEC = """\
# Build the service
version: 0.2

phases:
  install:
    runtime-versions:
      python: 3.10   # tested on 3.10
  build:
    commands:
      - echo "it's fine"   # a comment
      - make
"""
FIXED = BUILDSPEC.replace("python: 3.10 ", 'python: "3.10" ')


def pipelint(cwd, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "pipelint", "check", "--isolated", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, env=env, check=False)


def _write(tmp_path, text: str = BUILDSPEC, name: str = "buildspec.yml", newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def test_fix_writes_the_fixed_file_and_reports_what_remains(tmp_path):
    path = _write(tmp_path)
    proc = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert path.read_text() == FIXED
    assert "No problems found" in proc.stdout and "Fixed 1 finding (0 remaining)." in proc.stdout
    again = pipelint(tmp_path, "--fix", "buildspec.yml")  # idempotent
    assert path.read_text() == FIXED and "Fixed 0 findings (0 remaining)." in again.stdout


def test_crlf_comments_blank_lines_and_byte_order_mark_survive(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_bytes(b"\xef\xbb\xbf" + BUILDSPEC.replace("\n", "\r\n").encode())
    proc = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


def test_diff_prints_a_unified_diff_writes_nothing_and_exits_1(tmp_path):
    path = _write(tmp_path)
    proc = pipelint(tmp_path, "--diff", "buildspec.yml")
    assert proc.returncode == 1
    assert path.read_text() == BUILDSPEC
    assert proc.stdout == (
        "--- a/buildspec.yml\n+++ b/buildspec.yml\n@@ -4,7 +4,7 @@\n"
        " phases:\n   install:\n     runtime-versions:\n"
        "-      python: 3.10   # tested on 3.10\n"
        '+      python: "3.10"   # tested on 3.10\n'
        "   build:\n     commands:\n       - echo \"it's fine\"   # a comment\n"
    )
    assert "would fix 1 finding in 1 file" in proc.stderr
    _write(tmp_path, FIXED)
    clean = pipelint(tmp_path, "--diff", "buildspec.yml")
    assert clean.returncode == 0 and clean.stdout == ""


def test_diff_lines_are_the_file_lines_before_and_after(tmp_path):
    _write(tmp_path)
    proc = pipelint(tmp_path, "--diff", "buildspec.yml")
    removed = [line[1:] for line in proc.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in proc.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["      python: 3.10   # tested on 3.10"] and added == ['      python: "3.10"   # tested on 3.10']


def test_show_fixes_lists_each_fixed_finding(tmp_path):
    _write(tmp_path)
    proc = pipelint(tmp_path, "--fix", "--show-fixes", "buildspec.yml")
    assert 'Fixed findings:\nbuildspec.yml:\n  7:15 BS303 Quote the version as "3.10"\n' in proc.stdout
    usage = pipelint(tmp_path, "--show-fixes", "buildspec.yml")
    assert usage.returncode == 2 and "--show-fixes needs --fix" in usage.stderr


def test_unsafe_fixes_alone_only_shows_them_as_available(tmp_path):
    text = ("version: 0.2\nphases:\n  install:\n    commands: [pip install .]\n  build:\n    runtime-versions:\n      python: 3.10\n"
            "    commands:\n      - echo Status: testing\n      - pytest\n")
    path = _write(tmp_path, text)
    plain = pipelint(tmp_path, "buildspec.yml")
    assert "1 finding can be fixed with `--fix`; 1 more with `--fix --unsafe-fixes`" in plain.stdout, plain.stdout
    shown = pipelint(tmp_path, "--unsafe-fixes", "buildspec.yml")
    assert "2 findings can be fixed with `--fix --unsafe-fixes`." in shown.stdout
    assert path.read_text() == text
    safe_only = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert "Fixed 1 finding (1 remaining)." in safe_only.stdout
    assert "runtime-versions" in path.read_text().split("build:", 1)[1]
    both = pipelint(tmp_path, "--fix", "--unsafe-fixes", "buildspec.yml")
    # moving the block lets BS303 read the version; the next round quotes it
    assert "Fixed 2 findings (0 remaining)." in both.stdout, both.stdout
    assert path.read_text() == ('version: 0.2\nphases:\n  install:\n    runtime-versions:\n      python: "3.10"\n'
                                "    commands: [pip install .]\n  build:\n    commands:\n      - 'echo Status: testing'\n      - pytest\n")


def test_stdin_fix_prints_the_fixed_text_and_reports_on_stderr(tmp_path):
    proc = pipelint(tmp_path, "--fix", "--stdin-filename", "buildspec.yml", "-", stdin=BUILDSPEC)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == FIXED
    assert "Fixed 1 finding (0 remaining)." in proc.stderr
    unchanged = pipelint(tmp_path, "--fix", "--stdin-filename", "buildspec.yml", "-", stdin=FIXED)
    assert unchanged.stdout == FIXED
    diff = pipelint(tmp_path, "--diff", "--stdin-filename", "buildspec.yml", "-", stdin=BUILDSPEC)
    assert diff.returncode == 1 and '+      python: "3.10"' in diff.stdout


def test_suppressed_and_baselined_findings_are_not_fixed(tmp_path):
    text = BUILDSPEC.replace("python: 3.10   # tested on 3.10", "python: 3.10  # pipelint: disable=BS303")
    path = _write(tmp_path, text)
    pipelint(tmp_path, "--fix", "buildspec.yml")
    assert path.read_text() == text
    path = _write(tmp_path)
    assert pipelint(tmp_path, "--write-baseline", "base.json", "buildspec.yml").returncode == 0
    proc = pipelint(tmp_path, "--fix", "--baseline", "base.json", "buildspec.yml")
    assert path.read_text() == BUILDSPEC, proc.stdout + proc.stderr
    assert "Fixed 0 findings (0 remaining)." in proc.stdout


def test_a_fix_that_breaks_the_file_or_does_not_work_is_refused(tmp_path):
    text = "version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands: [make]\n"
    path = _write(tmp_path, text)
    proc = pipelint(tmp_path, "--fix", "--select", "XF104", "--rules-dir", PLUGIN, "buildspec.yml")
    assert path.read_text() == text
    assert "buildspec.yml: not fixed: the fixed text would not load (PL002" in proc.stderr, proc.stderr
    assert "Fixed 0 findings (1 remaining)." in proc.stdout
    proc = pipelint(tmp_path, "--fix", "--select", "XF105", "--rules-dir", PLUGIN, "buildspec.yml")
    assert path.read_text() == text
    assert "would remain after its fix" in proc.stderr or "still change the file" in proc.stderr, proc.stderr


def test_one_fix_that_adds_a_finding_is_left_out_and_the_others_apply(tmp_path):
    # Quoting `echo it's: x` makes it a string with an unbalanced quote: ShellCheck reports a
    # syntax error that the mapping hid. That fix is left out; the other command is quoted.
    text = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo Status: done\n      - echo it's: x\n"
    path = _write(tmp_path, text)
    proc = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert path.read_text() == text.replace("- echo Status: done", "- 'echo Status: done'")
    assert "BS120 at 6:9 not fixed: the fixes would add a BS901 finding" in proc.stderr, proc.stderr


def test_fix_and_diff_options_are_exclusive_with_each_other_and_write_baseline(tmp_path):
    _write(tmp_path)
    assert pipelint(tmp_path, "--fix", "--diff", "buildspec.yml").returncode == 2
    assert pipelint(tmp_path, "--fix", "--write-baseline", "b.json", "buildspec.yml").returncode == 2


def test_json_and_sarif_carry_the_fix(tmp_path):
    _write(tmp_path)
    data = json.loads(pipelint(tmp_path, "--format", "json", "buildspec.yml").stdout)
    [finding] = data["findings"]
    assert finding["edit"] == {"title": 'Quote the version as "3.10"', "applicability": "safe",
                               "edits": [{"line": 7, "column": 15, "end_line": 7, "end_column": 19, "text": '"3.10"'}]}
    log = json.loads(pipelint(tmp_path, "--format", "sarif", "buildspec.yml").stdout)
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(log, json.load(handle))
    [result] = log["runs"][0]["results"]
    assert result["fixes"] == [{
        "description": {"text": 'Quote the version as "3.10"'},
        "artifactChanges": [{"artifactLocation": {"uri": "buildspec.yml", "uriBaseId": "%SRCROOT%"},
                             "replacements": [{"deletedRegion": {"startLine": 7, "startColumn": 15, "endLine": 7, "endColumn": 19},
                                               "insertedContent": {"text": '"3.10"'}}]}],
        "properties": {"applicability": "safe"},
    }]


def test_sarif_with_unsafe_multi_edit_fix_validates(tmp_path):
    text = "version: 0.2\nphases:\n  install:\n    commands: [pip install .]\n  build:\n    runtime-versions:\n      python: \"3.12\"\n    commands: [pytest]\n"
    _write(tmp_path, text)
    log = json.loads(pipelint(tmp_path, "--format", "sarif", "buildspec.yml").stdout)
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(log, json.load(handle))
    [result] = log["runs"][0]["results"]
    [fix] = result["fixes"]
    assert fix["properties"]["applicability"] == "unsafe" and "unsafe" in fix["description"]["text"]
    assert len(fix["artifactChanges"][0]["replacements"]) == 2


def test_a_fix_never_carries_a_secret(tmp_path):
    # The command holds a credential: SEC008 records it, so BS120's quoting fix is dropped.
    text = "version: 0.2\nphases:\n  build:\n    commands:\n      - curl -u admin:Zq8vT3xW9rLm2Kp7 https://x.example/api: ok\n"
    _write(tmp_path, text)
    out = pipelint(tmp_path, "--format", "json", "buildspec.yml").stdout
    assert "Zq8vT3xW9rLm2Kp7" not in out
    data = json.loads(out)
    assert all(f["edit"] is None for f in data["findings"] if f["code"] == "BS120")


def test_readme_fix_example_runs_verbatim(tmp_path):
    import re

    readme_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
    with open(readme_path, encoding="utf-8") as handle:
        section = handle.read().split("## Fixing findings automatically", 1)[1].split("\n## ", 1)[0]
    before, after = re.findall(r"```yaml\n(.*?)```", section, re.S)
    commands = [line[2:] for block in re.findall(r"```console\n(.*?)```", section, re.S) for line in block.splitlines() if line.startswith("$ ")]
    assert commands == ["pipelint check --fix --show-fixes buildspec.yml", "pipelint check --diff --unsafe-fixes buildspec.yml",
                        "pipelint check --fix --unsafe-fixes buildspec.yml"]
    path = _write(tmp_path, before)
    first = pipelint(tmp_path, "buildspec.yml").stdout
    assert "Found 3 problems" in first
    assert "2 findings can be fixed with `--fix`; 1 more with `--fix --unsafe-fixes`" in first
    shown = re.search(r"```console\n\$ pipelint check --fix --show-fixes buildspec.yml\n…\n(.*?)```", section, re.S)
    assert shown is not None
    for command in commands:
        args = command.split()[2:]
        proc = pipelint(tmp_path, *args)
        assert proc.returncode in (0, 1), proc.stderr
        if command == commands[0]:
            assert proc.stdout.endswith(shown.group(1)), proc.stdout
            assert "2 findings can be fixed" not in proc.stdout
        if command == commands[1]:
            assert path.read_text() != after and proc.returncode == 1
    assert path.read_text() == after


def test_more_fixable_findings_than_one_round_lists_are_all_fixed(tmp_path):
    # 250 commands read as mappings: pipelint lists 100 per rule and file and counts the rest,
    # so the fixes take three rounds; the count of the unlisted ones is verified too.
    text = "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join(f"      - echo step{i}: ok\n" for i in range(250))
    path = _write(tmp_path, text)
    proc = pipelint(tmp_path, "--fix", "-q", "--select", "BS120", "buildspec.yml")
    assert "Fixed 250 findings (0 remaining)." in proc.stderr, proc.stdout + proc.stderr
    assert path.read_text() == text.replace("- echo step", "- 'echo step").replace(": ok\n", ": ok'\n")


def test_stdin_fix_keeps_crlf_and_bytes_it_cannot_fix(tmp_path):
    env = dict(os.environ, NO_COLOR="1")
    crlf = BUILDSPEC.replace("\n", "\r\n").encode()
    proc = subprocess.run([sys.executable, "-m", "pipelint", "check", "--isolated", "--fix", "--stdin-filename", "buildspec.yml", "-"],
                          input=crlf, capture_output=True, env=env, check=False)
    assert proc.stdout == FIXED.replace("\n", "\r\n").encode()
    latin = b"version: 0.2\nphases:\n  build:\n    commands:\n      - echo caf\xe9\n"
    proc = subprocess.run([sys.executable, "-m", "pipelint", "check", "--isolated", "--fix", "--stdin-filename", "buildspec.yml", "-"],
                          input=latin, capture_output=True, env=env, check=False)
    assert proc.stdout == latin and b"PL004" in proc.stderr
