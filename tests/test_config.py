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


# --------------------------------------------------------------------------------------------
# Trust: linting a repository never runs its code (issue 12 §5)

EVIL = """import pathlib
pathlib.Path({marker!r}).write_text("ran")
"""


def _evil_repo(tmp_path, config_name=".pipelint.toml", rules_dir="lint-rules"):
    repo = tmp_path / "repo"
    (repo / "lint-rules").mkdir(parents=True)
    marker = tmp_path / "pwned"
    (repo / "lint-rules" / "evil.py").write_text(EVIL.format(marker=str(marker)))
    table = "[tool.pipelint]\n" if config_name == "pyproject.toml" else ""
    (repo / config_name).write_text(f'{table}rules-dir = ["{rules_dir}"]\n')
    (repo / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    return repo, marker


def _cli(args, cwd, monkeypatch, user_config=None):
    home = cwd.parent / "xdg"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    if user_config is not None:
        (home / "pipelint").mkdir(exist_ok=True)
        (home / "pipelint" / "config.toml").write_text(user_config)
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["check", "--no-color", *args])


def test_config_plugins_do_not_run_from_inside_or_outside_the_repo(tmp_path, monkeypatch):
    for config_name in (".pipelint.toml", "pyproject.toml"):
        repo, marker = _evil_repo(tmp_path / config_name.strip("."), config_name)
        inside = _cli(["."], repo, monkeypatch)
        outside = _cli([str(repo)], tmp_path, monkeypatch)
        assert not marker.exists()
        for result in (inside, outside):
            assert result.exit_code == 0, result.output + result.stderr
            assert result.stderr.count("not loading plugin rules from") == 1
            assert "--trust-config-plugins" in result.stderr and "lint-rules" in result.stderr


def test_trust_config_plugins_on_the_command_line_loads_them(tmp_path, monkeypatch):
    repo, marker = _evil_repo(tmp_path)
    result = _cli(["--trust-config-plugins", "."], repo, monkeypatch)
    assert result.exit_code == 0, result.output + result.stderr
    assert marker.read_text() == "ran" and "not loading" not in result.stderr


def test_user_config_trusts_named_paths_only(tmp_path, monkeypatch):
    repo, marker = _evil_repo(tmp_path)
    other, other_marker = _evil_repo(tmp_path / "elsewhere")
    user = f'trusted-paths = ["{repo}"]\n'
    assert _cli([str(other)], tmp_path, monkeypatch, user).exit_code == 0
    assert not other_marker.exists()
    assert _cli([str(repo)], tmp_path, monkeypatch, user).exit_code == 0
    assert marker.exists()


def test_user_config_trust_everything_and_unknown_user_keys(tmp_path, monkeypatch):
    repo, marker = _evil_repo(tmp_path)
    bad = _cli(["."], repo, monkeypatch, "trust-everything = true\n")
    assert bad.exit_code == 2 and "trust-everything" in bad.stderr and not marker.exists()
    assert _cli(["."], repo, monkeypatch, "trust-config-plugins = true\n").exit_code == 0
    assert marker.exists()


def test_rules_dir_outside_the_config_folder_is_refused_even_when_trusted(tmp_path, monkeypatch):
    repo, marker = _evil_repo(tmp_path, rules_dir="../repo/../outside")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "evil.py").write_text(EVIL.format(marker=str(marker)))
    result = _cli(["--trust-config-plugins", "."], repo, monkeypatch)
    assert result.exit_code == 2 and "resolves outside" in result.stderr and not marker.exists()


def test_cli_rules_dir_stays_the_users_choice(tmp_path, monkeypatch):
    (tmp_path / "buildspec.yml").write_text(BAD)
    result = _cli(["--rules-dir", RULES_DIR, "--select", "XT101", "."], tmp_path, monkeypatch)
    assert "XT101" in result.output


def test_config_cannot_lift_the_limits(tmp_path, monkeypatch):
    (tmp_path / "buildspec.yml").write_text(BAD)
    for key, value in (("max-file-size", 10**12), ("max-depth", 100000), ("jobs", 4096)):
        (tmp_path / ".pipelint.toml").write_text(f"{key} = {value}\n")
        result = _cli(["."], tmp_path, monkeypatch)
        assert result.exit_code == 2 and f"`{key}`" in result.stderr, result.stderr
    # the command line still can
    (tmp_path / ".pipelint.toml").write_text("")
    assert _cli(["--max-file-size", str(10**9), "."], tmp_path, monkeypatch).exit_code == 1  # findings, no config error
