"""Hostile command-line inputs a security review found: each is a usage error (exit 2) with one
line on stderr, never an internal error, a hang, or a secret echoed in full."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from pipelint.cli import main

GOOD = "version: 0.2\nphases:\n  build:\n    commands: [make]\n"
TOKEN = "ghp_" + "pLIix6MEOLeMa61EqJomTEI1JEzO3joOj37H"


def _check(tmp_path, monkeypatch, *args, input=None):
    (tmp_path / "buildspec.yml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(main, ["check", *args], input=input)


def test_config_integer_of_thousands_of_digits_is_a_config_error(tmp_path, monkeypatch):
    (tmp_path / ".pipelint.toml").write_text("max-file-size = " + "9" * 5000 + "\n")
    result = _check(tmp_path, monkeypatch, ".")
    assert result.exit_code == 2, result.output
    assert "a value pipelint cannot read" in result.output and "internal error" not in result.output


@pytest.mark.parametrize("config", [f'select = ["{TOKEN}"]\n', f"{TOKEN} = 1\n", f'fail-on = "{TOKEN}"\n',
                                    f'[kinds]\n"{TOKEN}" = "nonsense"\n'])
def test_config_errors_never_echo_a_secret(tmp_path, monkeypatch, config):
    (tmp_path / ".pipelint.toml").write_text(config)
    result = _check(tmp_path, monkeypatch, ".")
    assert result.exit_code == 2, result.output
    assert TOKEN not in result.output and TOKEN[8:24] not in result.output


@pytest.mark.parametrize("name", ["buildspec.yml/", ".", "..", "x/.", "a" * 300 + ".yml"])
def test_stdin_filename_that_names_no_file_is_a_usage_error(tmp_path, monkeypatch, name):
    result = _check(tmp_path, monkeypatch, "--stdin-filename", name, "-", input=GOOD)
    assert result.exit_code == 2 and "must name a file" in result.output


def test_baseline_that_is_a_fifo_is_refused_not_waited_on(tmp_path, monkeypatch):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "baseline.json")
    result = _check(tmp_path, monkeypatch, "--baseline", "baseline.json", ".")
    assert result.exit_code == 2 and "not a regular file" in result.output


def test_baseline_nested_past_the_stack_is_a_usage_error(tmp_path, monkeypatch):
    (tmp_path / "baseline.json").write_text("[" * 100_000 + "]" * 100_000)
    result = _check(tmp_path, monkeypatch, "--baseline", "baseline.json", ".")
    assert result.exit_code == 2 and "nested too deeply" in result.output


def test_secret_in_an_unparseable_file_of_unknown_kind_is_masked_in_its_frame(tmp_path, monkeypatch):
    """A named file that fails to parse before its kind is known still shows its lines in the
    syntax error's frame: values assigned to secret-named keys there are masked, escapes and all."""
    key = "AKI\\u0041" + "4VDWGE7767HUM63W"
    (tmp_path / "buildspec.json").write_text('"x"\n{"env": {"variables": {"GITHUB_TOKEN": "' + key + '"}}}\n')
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "html", "sarif", "json"):
        result = CliRunner().invoke(main, ["check", "--format", fmt, "buildspec.json"])
        assert result.exit_code == 1, result.output
        assert "4VDWGE7767HUM63W" not in result.output, fmt


def test_escaped_token_in_an_unparseable_template_is_masked_in_every_excerpt(tmp_path, monkeypatch):
    """The HTML excerpt shows the lines around a syntax error: a token written with a JSON/YAML
    escape (`ghp_…\\u0033…`) under a key with no secret-like name is masked there too."""
    token = "ghp_PRD1oZQM5ICmg\\u0033TcmU9t4CWjDcbzCgOdX6e5"
    (tmp_path / "template.yml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::CodeBuild::Project\n    Properties:\n"
        "      Environment:\n        EnvironmentVariables:\n          - Name: GITHUB_TOKEN\n0x9085\n"
        f'            Value: "{token}"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "html", "template.yml"])
    assert result.exit_code == 1 and "PRD1oZQM5ICmg" not in result.output


@pytest.mark.parametrize("text", [
    "version: 0.2\nenv:\n  variables:\n    NXA6IyDP53RogZNl7K8rNcW8x9q: x\nstray line\n",  # a secret as a key
    'version: 0.2\nenv:\n  variables:\n    GITHUB_TOKEN: "AKIA\\\n      2DVZV4F26U3NQZE6"\nstray line\n',  # an escaped line break
])
def test_html_excerpt_of_an_unparseable_file_shows_no_neighbouring_lines(tmp_path, monkeypatch, text):
    """Without a tree, a file's secrets are known only from its text; the HTML excerpt of its
    syntax error shows the error's own line, not the lines around it (as the text format does)."""
    (tmp_path / "buildspec.yml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "html", "buildspec.yml"])
    assert result.exit_code == 1 and "PL002" in result.output
    assert "NXA6IyDP53" not in result.output and "2DVZV4F26U3NQZE6" not in result.output


@pytest.mark.parametrize("unit", ['token\\"', '"a\\', 'x"\\\\"'])
def test_escaped_quote_scan_is_linear_on_one_long_line(unit):
    """Double-quoted strings are searched for escaped credential shapes: on a 1.5 MB line of
    unbalanced quotes a scan that restarted at every quote would take hours."""
    from pipelint.textutil import secret_like_spans

    assert secret_like_spans(unit * (1_500_000 // len(unit))) == []
