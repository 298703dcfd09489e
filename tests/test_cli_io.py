"""Where reports go and how a run ends (issue 14 items 1, 2, 9 and the options users expect):
report and baseline files (missing folders, unwritable paths, atomic replacement), a closed
pipe, standard input, ``--exit-zero``, ``--output-format`` and ``-v``."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipelint.atomic import atomic_open, atomic_path
from pipelint.cli import main

BROKEN = "version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n"
CLEAN = "version: 0.2\nphases:\n  build:\n    commands: [make]\n"


def invoke(cwd, *args, input=None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", *args], input=input)
    finally:
        os.chdir(old)


def no_traceback(result):
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BROKEN)
    return tmp_path


# -- 14.1: -o and --write-baseline into missing folders and unwritable paths ---------------------


def test_output_into_missing_folders_creates_them(repo):
    result = invoke(repo, "--format", "json", "-o", "reports/deep/out.json", ".")
    no_traceback(result)
    assert result.exit_code == 1
    assert json.loads((repo / "reports" / "deep" / "out.json").read_text())["findings"][0]["code"] == "PL003"


def test_write_baseline_into_missing_folders_creates_them_and_exits_0(repo):
    result = invoke(repo, "--write-baseline", "ci/baselines/pipelint.json", ".")
    no_traceback(result)
    assert result.exit_code == 0  # 14.9: the baseline was written, which is what was asked
    data = json.loads((repo / "ci" / "baselines" / "pipelint.json").read_text())
    assert data["findings"][0]["code"] == "PL003"
    assert "wrote 1 finding(s) to baseline" in result.output
    assert invoke(repo, "--baseline", "ci/baselines/pipelint.json", ".").exit_code == 0


@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_unwritable_path_is_one_line_and_exit_2(repo, option):
    (repo / "a-file").write_text("not a folder\n")
    result = invoke(repo, option, "a-file/report.json", ".")
    no_traceback(result)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("pipelint: error:")]
    assert len(errors) == 1 and "a-file/report.json" in errors[0], result.output
    assert (repo / "a-file").read_text() == "not a folder\n"


def test_output_is_replaced_atomically_and_kept_when_the_reporter_crashes(repo, monkeypatch):
    target = repo / "out.json"
    target.write_text("previous report\n")

    def crash(result, stream, **_):
        stream.write("{ half a report")
        raise RuntimeError("boom")

    import pipelint.reporters.json_report as json_report

    monkeypatch.setattr(json_report, "render", crash)
    result = invoke(repo, "--format", "json", "-o", "out.json", ".")
    no_traceback(result)
    assert result.exit_code == 3
    assert "internal error in the json reporter" in result.output
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in repo.iterdir()) == ["buildspec.yml", "out.json"]  # no temporary file left


def test_full_disk_keeps_the_previous_report_and_exits_2(repo, monkeypatch):
    target = repo / "out.sarif"
    target.write_text("previous report\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = invoke(repo, "--format", "sarif", "-o", "out.sarif", ".")
    no_traceback(result)
    assert result.exit_code == 2
    assert "cannot write report out.sarif: No space left on device" in result.output
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in repo.iterdir()) == ["buildspec.yml", "out.sarif"]


def test_atomic_helpers_keep_mode_and_clean_up(tmp_path):
    target = tmp_path / "sub" / "file.txt"
    with atomic_open(str(target)) as stream:
        stream.write("one \udcff \ud800\n")  # lone surrogates are escaped, never a crash
    assert target.read_text() == "one \\udcff \\ud800\n"
    os.chmod(target, 0o640)
    with atomic_path(str(target)) as temp:
        with open(temp, "w") as handle:
            handle.write("two\n")
    assert target.read_text() == "two\n" and (os.stat(target).st_mode & 0o777) == 0o640
    with pytest.raises(KeyError):
        with atomic_path(str(target)) as temp:
            with open(temp, "w") as handle:
                handle.write("three\n")
            raise KeyError("interrupted")
    assert target.read_text() == "two\n"
    assert os.listdir(tmp_path / "sub") == ["file.txt"]


# -- 14.2: a reader that stops early ----------------------------------------------------------


def test_closed_pipe_stops_quietly(repo):
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelint", "check", "--isolated", "--select", "PL", "--no-color", "."],
        cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before pipelint writes (like `| head -0`): every write fails
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr, stderr
    assert proc.returncode == 1  # the findings decide the status, as with an open pipe


# -- standard input -------------------------------------------------------------------------------


def test_stdin_with_filename_decides_kind_and_names_findings(tmp_path):
    typo = "version: 0.2\nphases:\n  bulid:\n    commands: [make]\n"
    result = invoke(tmp_path, "--format", "json", "--select", "BS105", "--stdin-filename", "ci/buildspec.yml", "-", input=typo)
    no_traceback(result)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"]["files"] == 1
    finding = data["findings"][0]
    assert (finding["code"], finding["path"], finding["line"], finding["column"], finding["kind"]) == (
        "BS105", "ci/buildspec.yml", 3, 3, "buildspec")
    # the same text under a name that is no buildspec's is not read as one
    other = invoke(tmp_path, "--format", "json", "--select", "BS105", "--stdin-filename", "notes.yml", "-", input=typo)
    assert [f["code"] for f in json.loads(other.output)["findings"]] == ["PL014"]


def test_stdin_text_frame_and_clean_input(tmp_path):
    result = invoke(tmp_path, "--no-color", "--stdin-filename", "buildspec.yml", "-", input=BROKEN)
    assert result.output.startswith("buildspec.yml:2:1: PL003 [warning]")
    assert "  2 | version: 0.2" in result.output
    clean = invoke(tmp_path, "--stdin-filename", "buildspec.yml", "-", input=CLEAN)
    assert clean.exit_code == 0 and "No problems found; 1 file linted." in clean.output


def test_stdin_without_filename_is_classified_by_content(tmp_path):
    template = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\nResources: {}\n"
    result = invoke(tmp_path, "--format", "json", "-", input=template)
    finding = json.loads(result.output)["findings"][0]
    assert (finding["path"], finding["code"], finding["line"]) == ("<stdin>", "PL003", 3)


def test_stdin_misuse_is_a_usage_error(tmp_path):
    assert invoke(tmp_path, "-", ".", input="").exit_code == 2
    assert invoke(tmp_path, "--stdin-filename", "buildspec.yml", ".").exit_code == 2


# -- aliases -------------------------------------------------------------------------------------


def test_exit_zero_and_output_format_aliases(repo):
    assert invoke(repo, ".").exit_code == 1
    assert invoke(repo, "--exit-zero", ".").exit_code == 0
    assert invoke(repo, "--exit-zero", "--fail-on", "note", ".").exit_code == 0
    result = invoke(repo, "--output-format", "json", ".")
    assert json.loads(result.output)["findings"][0]["code"] == "PL003"


def test_help_lists_every_option_and_format():
    text = CliRunner().invoke(main, ["check", "--help"], terminal_width=200).output
    for needle in ("--output-format", "--exit-zero", "--stdin-filename", "--verbose", "gitlab", "checkstyle", "rdjson"):
        assert needle in text, needle


# -- -v -------------------------------------------------------------------------------------------


def test_verbose_lists_files_kinds_and_skips(repo):
    (repo / "notes.yml").write_text("just: a note\n")
    (repo / "big.yml").write_text("Resources: {}\n" + "#" * 2000 + "\n")
    result = invoke(repo, "-v", "--max-file-size", "1000", ".")
    lines = result.output.splitlines()
    assert "pipelint: linted buildspec.yml as buildspec" in lines
    assert any(line.startswith("pipelint: skipped notes.yml: found by walking, but neither its name nor its content") for line in lines)
    assert "pipelint: skipped big.yml: larger than max-file-size (1000 bytes)" in lines
    assert "pipelint: 3 files found, 1 linted" in lines
    named = invoke(repo, "-v", "--no-unrecognised", "notes.yml")
    assert "pipelint: not linted notes.yml: not a kind pipelint reads" in named.output


# -- no traceback from any option --------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["--format", "nope"], ["--jobs", "0"], ["--max-file-size", "-1"], ["--config", "missing.toml"],
    ["--baseline", "missing.json"], ["--rules-dir", "missing-dir"], ["--select", "ZZ999"], ["-o", "."],
    ["--stdin-filename", "x.yml"], ["missing-path"], ["--fail-on", "sometimes"],
])
def test_bad_options_never_print_a_traceback(repo, args):
    result = invoke(repo, *args)
    no_traceback(result)
    assert result.exit_code == 2, (args, result.output)


def test_verbose_says_why_discovery_passed_over_folders_and_files(tmp_path):
    import shutil

    (tmp_path / "buildspec.yml").write_text(CLEAN)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "buildspec.yml").write_text(CLEAN)
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "buildspec.yml").write_text(CLEAN)
    (tmp_path / ".pipelint.toml").write_text('exclude = ["generated"]\n')
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        lines = CliRunner().invoke(main, ["check", "-v", "."]).output.splitlines()
    finally:
        os.chdir(old)
    assert "pipelint: skipped node_modules/: a folder pipelint never walks (version control, dependencies, caches)" in lines
    assert "pipelint: skipped generated/: matches an `exclude` pattern" in lines
    assert "pipelint: 1 file found, 1 linted" in lines
    if shutil.which("git") is None:
        return
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "buildspec.yml").write_text(CLEAN)
    os.chdir(tmp_path)
    try:
        lines = CliRunner().invoke(main, ["check", "-v", "."]).output.splitlines()
    finally:
        os.chdir(old)
    assert "pipelint: skipped build/buildspec.yml: ignored by git (.gitignore)" in lines


def test_a_walked_template_over_the_size_limit_is_reported_not_skipped(repo):
    """A file found by walking whose kind only its content tells (a template, a pipeline, a
    policy) and that is over `--max-file-size` gets PL007, as a named one does: a linted tree
    must not pass silently because its largest template was never read. A large YAML file that
    is none of those is still skipped."""
    (repo / "big-stack.yml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n" + "# padding\n" * 300)
    (repo / "big-notes.yml").write_text("just: a note\n" + "# padding\n" * 300)
    result = invoke(repo, "--no-color", "--format", "json", "--max-file-size", "2000", ".")
    findings = json.loads(result.output)["findings"]
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in findings if f["code"] == "PL007"] == [("PL007", "big-stack.yml", 1, 1)]
    assert not any(f["path"] == "big-notes.yml" for f in findings)
    assert result.exit_code == 1
