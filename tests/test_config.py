"""Configuration files, command-line filters, severity overrides and per-file ignores."""

from __future__ import annotations

import os

from click.testing import CliRunner

from pipelint.cli import main

RULES_DIR = os.path.join(os.path.dirname(__file__), "plugins", "rules_dir")
BAD = "version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n"


def _run(args, cwd):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, ["check", "--no-color", "--rules-dir", RULES_DIR, "--ignore", "XT102", *args])
    finally:
        os.chdir(old)


def test_pyproject_select_and_severity(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text('[tool.pipelint]\nselect = ["XT"]\nseverity = { XT101 = "error" }\n')
    result = _run(["--format", "json", "."], tmp_path)
    assert result.exit_code == 1, result.output
    assert '"severity": "error"' in result.output and '"code": "XT101"' in result.output


def test_pipelint_toml_ignore_and_fail_on(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BAD)
    (tmp_path / ".pipelint.toml").write_text('select = ["XT"]\nfail-on = "error"\n')
    result = _run(["."], tmp_path)
    assert result.exit_code == 0, result.output  # XT101 is a warning; fail-on error
    assert "XT101" in result.output


def test_per_file_ignores(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "buildspec.yml").write_text(BAD)
    (tmp_path / ".pipelint.toml").write_text('select = ["XT"]\n[per-file-ignores]\n"legacy/*" = ["XT101"]\n')
    result = _run(["."], tmp_path)
    assert result.exit_code == 0 and "XT101" not in result.output.split("Found")[0]


def test_unknown_config_key_is_exit_2(tmp_path):
    (tmp_path / ".pipelint.toml").write_text('selec = ["BS"]\n')
    result = _run(["."], tmp_path)
    assert result.exit_code == 2
    assert "unknown configuration key" in result.output


def test_unknown_rule_in_config_or_cli_is_exit_2(tmp_path):
    (tmp_path / ".pipelint.toml").write_text('ignore = ["ZZ999"]\n')
    assert _run(["."], tmp_path).exit_code == 2
    os.remove(tmp_path / ".pipelint.toml")
    result = _run(["--select", "nonsense-rule", "."], tmp_path)
    assert result.exit_code == 2 and "unknown rule" in result.output


def test_kinds_glob_in_config(tmp_path):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "build.yml").write_text(BAD)
    (tmp_path / ".pipelint.toml").write_text('select = ["XT"]\n[kinds]\n"ci/*.yml" = "buildspec"\n')
    result = _run(["."], tmp_path)
    assert "ci/build.yml:2:1: XT101" in result.output


def test_rule_options_merge_prefix_code_and_name(tmp_path):
    from pipelint.config import Config
    from pipelint.engine.registry import load_rules
    from pipelint.engine.runner import _merge_options

    registry = load_rules(rules_dirs=[RULES_DIR])
    config = Config(rule_options={"no-forbidden-key": {"a": 3}, "XT": {"a": 1, "b": 1}, "XT101": {"a": 2, "c": 2}})
    merged = _merge_options(registry, config)
    assert merged["XT101"] == {"a": 3, "b": 1, "c": 2}
    assert merged["XT102"] == {"a": 1, "b": 1}


def test_loading_problems_survive_select_but_honour_ignore(tmp_path):
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nversion: 0.2\n")
    shown = _run(["--select", "XT101", "."], tmp_path)
    assert "buildspec.yml:2:1: PL003" in shown.output and shown.exit_code == 1
    hidden = _run(["--select", "XT101", "--ignore", "PL003", "."], tmp_path)
    assert "PL003" not in hidden.output and hidden.exit_code == 0
