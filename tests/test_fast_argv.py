"""The click-free parser for common `pipelint check` command lines agrees with click exactly.

Every command line the fast parser accepts must give the parameters click gives; everything
else (help, errors, rare options) must be left to click, which then prints its own message.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from pipelint import fast_argv
from pipelint.cli import check, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOOD = os.path.join(ROOT, "examples", "good", "buildspec.yml")
BROKEN = os.path.join(ROOT, "examples", "broken")


def click_params(args: list[str]) -> dict:
    with check.make_context("check", list(args)) as ctx:
        return dict(ctx.params)


def test_every_click_option_is_known_to_the_fast_parser():
    """A new option on the click command must be added to the fast parser (or left to click)."""
    handled = dict(fast_argv.PARAMS)
    for param in check.params:
        if param.name == "paths":
            assert isinstance(param, click.Argument) and param.nargs == -1
            continue
        assert param.name in handled or param.name in fast_argv.LEFT_TO_CLICK, f"fast_argv does not know {param.name}"
        if param.name in fast_argv.LEFT_TO_CLICK:
            assert not any(fast_argv.OPTIONS.get(opt) == param.name for opt in param.opts + param.secondary_opts)
            continue
        kind, _ = handled.pop(param.name)  # defaults: compared with click's on `check` alone below
        spellings = {opt for opt, dest in fast_argv.OPTIONS.items() if dest == param.name}
        assert spellings == set(param.opts + param.secondary_opts), param.name
        assert isinstance(param, click.Option)
        if kind == "many":
            assert param.multiple and isinstance(param.type, click.types.StringParamType)
        elif kind == "flag":
            assert param.is_flag and not param.secondary_opts
        elif kind == "color":
            assert param.is_flag and param.opts == ["--color"] and param.secondary_opts == ["--no-color"]
        elif kind == "choice":
            assert isinstance(param.type, click.Choice) and tuple(param.type.choices) == fast_argv.CHOICES[param.name]
            assert param.type.case_sensitive
        elif kind == "int":
            assert isinstance(param.type, click.IntRange)
            assert (param.type.min, param.type.max) == fast_argv.INT_RANGES[param.name]
            assert not param.type.min_open and not param.type.max_open and not param.type.clamp
        elif kind == "file":
            assert isinstance(param.type, click.Path) and not param.type.dir_okay and param.type.file_okay
            assert param.type.readable and not param.type.exists and not param.type.writable and not param.type.resolve_path
        else:
            assert kind == "str" and isinstance(param.type, click.types.StringParamType) and not param.multiple
        assert param.envvar is None and not param.prompt and param.callback is None
    assert handled == {}, f"fast_argv handles options click does not have: {sorted(handled)}"


COMMON = [
    ["check"],
    ["check", "."],
    ["check", GOOD],
    ["check", "--isolated", "--no-color", "--fail-on", "never", GOOD, "--ignore", "BS901"],
    ["check", "-f", "json", "-o", "report.json", GOOD],
    ["check", "--format=sarif", "--output=out/x.sarif", "--select", "BS,IAM001", "--select", "PL", GOOD, "."],
    ["check", "--output-format", "github", "--jobs", "2", "-j", "3", "--max-file-size", "1000"],
    ["check", "--color", "--no-color", "--color", "-q", "-v", "--statistics", "--exit-zero", GOOD],
    ["check", "--no-unrecognised", "--force-exclude", "--follow-symlinks", "--trust-config-plugins", "a.yml", "b.yml"],
    ["check", "--config", "missing.toml", "--baseline", "b.json", "--write-baseline", "w.json", GOOD],
    ["check", "-", "--stdin-filename", "buildspec.yml"],
    ["check", "--fail-on", "error", "--format", "text", "--format", "json", "--jobs", "64", "--jobs=0001"],
    ["check", "--ignore=PL,BS901", GOOD, "--isolated"],
]


@pytest.mark.parametrize("args", COMMON)
def test_common_command_lines_parse_as_click_parses_them(args):
    fast = fast_argv.parse_check(args, {})
    assert fast is not None, "a common command line should not need click"
    assert fast == click_params(args[1:])


LEFT_TO_CLICK = [
    [],
    ["--version"],
    ["rules"],
    ["check", "--help"],
    ["check", "-h"],
    ["check", "--format", "xml"],
    ["check", "--format", "JSON"],
    ["check", "--format"],
    ["check", "--format="],
    ["check", "--fail-on", "warn"],
    ["check", "--jobs", "0"],
    ["check", "--jobs", "65"],
    ["check", "--jobs", " 2"],
    ["check", "--jobs", "2_0"],
    ["check", "--jobs", "+2"],
    ["check", "--max-file-size", "0"],
    ["check", "--color=yes"],
    ["check", "--isolated=1"],
    ["check", "-qv"],
    ["check", "-fjson"],
    ["check", "-f=json"],
    ["check", "--", "-x.yml"],
    ["check", "--forma", "json"],
    ["check", "--unknown"],
    ["check", "--ignore", "-x"],
    ["check", "--output", ROOT],
    ["check", "--config", ROOT],
    ["check", "--rules-dir", "plugins"],
    ["check", "--show-settings", GOOD],
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK)
def test_unusual_command_lines_are_left_to_click(args):
    assert fast_argv.parse_check(args, {}) is None


def test_shell_completion_is_left_to_click():
    assert fast_argv.parse_check(["check", GOOD], {"_PIPELINT_COMPLETE": "bash_complete"}) is None


def test_windows_is_left_to_click(monkeypatch):
    monkeypatch.setattr(fast_argv.os, "name", "nt")  # click expands `*.yml` itself on Windows
    assert fast_argv.parse_check(["check", GOOD], {}) is None


def test_unreadable_path_is_left_to_click(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads everything")
    secret = tmp_path / "buildspec.yml"
    secret.write_text("version: 0.2\n")
    secret.chmod(0)
    try:
        assert fast_argv.parse_check(["check", str(secret)], {}) is None
        assert fast_argv.parse_check(["check", "--baseline", str(secret), GOOD], {}) is None
        assert CliRunner().invoke(main, ["check", str(secret)]).exit_code == 2  # click: "is not readable"
    finally:
        secret.chmod(0o600)


def _run_module(args: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    return subprocess.run([sys.executable, "-m", "pipelint", *args], capture_output=True, text=True, cwd=cwd, env=env, check=False)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--isolated", "--no-color", "--fail-on", "never", GOOD, "--ignore", "BS901"],
        ["check", "--isolated", "--no-color", BROKEN, "--ignore", "BS901"],
        ["check", "--isolated", "--format", "json", "--statistics", BROKEN, "--ignore", "BS901"],
        ["check", "--isolated", "-v", "-q", GOOD, os.path.join(ROOT, "missing.yml")],
    ],
)
def test_fast_path_output_and_status_match_click(args, tmp_path):
    fast = _run_module(args, str(tmp_path))
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        slow = runner.invoke(main, args)
    finally:
        os.chdir(cwd)
    assert fast.returncode == slow.exit_code
    assert fast.stdout == slow.stdout
    assert fast.stderr == slow.stderr


def test_fast_path_does_not_import_click():
    code = (
        "import sys\n"
        "from pipelint.launch import _dispatch\n"
        "try:\n"
        f"    _dispatch(['check', '--isolated', '--no-color', '--fail-on', 'never', {GOOD!r}, '--ignore', 'BS901'])\n"
        "except SystemExit as stop:\n"
        "    print(stop.code, 'click' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.stderr.split() == ["0", "False"], proc.stderr
    assert "No problems found; 1 file linted." in proc.stdout


def test_bad_option_still_gets_clicks_message_and_status_2(tmp_path):
    proc = _run_module(["check", "--format", "xml", GOOD], str(tmp_path))
    assert proc.returncode == 2
    assert "Invalid value for '--format'" in proc.stderr and "Usage:" in proc.stderr
