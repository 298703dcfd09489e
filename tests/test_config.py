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


# --------------------------------------------------------------------------------------------
# Which config applies (issue 14 items 5, 6, 7)

import shutil  # noqa: E402
import subprocess  # noqa: E402

DUPLICATE = "version: 0.2\nphases:\n  build:\n    commands: [make]\n  build:\n    commands: [x]\n"


def _two_projects(tmp_path):
    for name, config in (("a", 'ignore = ["PL003"]\n'), ("b", 'fail-on = "never"\n')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "buildspec.yml").write_text(DUPLICATE)
        (tmp_path / name / ".pipelint.toml").write_text(config)


def test_each_file_gets_its_nearest_config_whatever_the_argument_order(tmp_path, monkeypatch):
    _two_projects(tmp_path)
    forward = _cli(["--format", "json", "a", "b"], tmp_path, monkeypatch)
    backward = _cli(["--format", "json", "b", "a"], tmp_path, monkeypatch)
    assert forward.stdout == backward.stdout and forward.exit_code == backward.exit_code == 0
    assert '"path": "b/buildspec.yml"' in forward.stdout and '"path": "a/buildspec.yml"' not in forward.stdout
    # b's PL003 is reported but b's fail-on is never, and a ignores PL003: exit 0 both ways
    assert _cli(["--fail-on", "warning", "a", "b"], tmp_path, monkeypatch).exit_code == 1  # the command line wins


def test_nested_config_inside_a_walked_folder_applies_to_its_files(tmp_path, monkeypatch):
    _two_projects(tmp_path)
    (tmp_path / ".pipelint.toml").write_text("")
    (tmp_path / "buildspec.yml").write_text(DUPLICATE)
    result = _cli(["--format", "json", "."], tmp_path, monkeypatch)
    assert '"path": "buildspec.yml"' in result.stdout and '"path": "b/buildspec.yml"' in result.stdout
    assert '"path": "a/buildspec.yml"' not in result.stdout
    assert result.exit_code == 1  # the top file fails under the top config's default fail-on


def test_show_settings_names_the_config_file_and_why(tmp_path, monkeypatch):
    _two_projects(tmp_path)
    result = _cli(["--show-settings", "a/buildspec.yml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert f"config file: {tmp_path / 'a' / '.pipelint.toml'}  [the nearest config file" in result.stdout
    assert "ignore: PL003" in result.stdout and f"project root: {tmp_path / 'a'}" in result.stdout
    isolated = _cli(["--isolated", "--show-settings", "a/buildspec.yml"], tmp_path, monkeypatch)
    assert "config file: (none)  [none: --isolated]" in isolated.stdout and "fail-on: warning" in isolated.stdout


def test_rule_options_are_validated(tmp_path, monkeypatch):
    (tmp_path / "buildspec.yml").write_text(BAD)
    cases = {
        '[rule-options.BS301]\nimgae = "aws/codebuild/standard:7.0"\n': "`rule-options.BS301.imgae`: unknown option",
        '[rule-options.BS3]\nimage = "aws/codebuild/standrd:7.0"\n': "unknown CodeBuild image 'aws/codebuild/standrd:7.0'; did you mean 'aws/codebuild/standard:7.0'?",
        '[rule-options.BS901]\nexclude = ["all"]\n': "`rule-options.BS901.exclude` must be a list of ShellCheck codes",
        '[rule-options.AS201]\ncustom-events = "Mine"\n': "`rule-options.AS201.custom-events` must be a list",
        '[rule-options.IAM001]\nimage = "aws/codebuild/standard:7.0"\n': "IAM001 reads no options",
    }
    for text, message in cases.items():
        (tmp_path / ".pipelint.toml").write_text(text)
        result = _cli(["."], tmp_path, monkeypatch)
        assert result.exit_code == 2 and message in result.stderr, (text, result.stderr)
    (tmp_path / ".pipelint.toml").write_text('[rule-options.BS3]\nimage = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/build:1"\n'
                                             '[rule-options.BS901]\nexclude = ["SC2086", "2115"]\ndefault-shell = "bash"\n')
    assert _cli(["."], tmp_path, monkeypatch).exit_code != 2


def test_every_option_a_rule_reads_is_listed():
    # The keys rules read from their options must all be validated (pipelint.rule_options.OPTIONS).
    import re

    from pipelint.rule_options import OPTIONS

    rules_root = os.path.join(os.path.dirname(os.path.dirname(__file__)), "rules")
    source = "".join(open(os.path.join(f, n), encoding="utf-8").read() for f, _, ns in os.walk(rules_root) for n in ns if n.endswith(".py"))
    read = {m for pair in re.findall(r"config(?: or \{\}\))?\.get\(\"([a-z-]+)\"\)|config\[\"([a-z-]+)\"\]", source) for m in pair if m}
    read |= set(re.findall(r"option = config\.get\(\"([a-z-]+)\"\)", open(os.path.join(os.path.dirname(rules_root), "src", "pipelint", "models", "buildspec.py"), encoding="utf-8").read()))
    assert read and read <= set(OPTIONS), read - set(OPTIONS)


def _crossfile_repo(tmp_path, marker):
    repo = tmp_path / "repo"
    shutil.copytree(os.path.join(os.path.dirname(__file__), "fixtures", "pipeline", "repo_fail"), repo)
    if marker == "git":
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    elif marker == "config":
        (repo / ".pipelint.toml").write_text("")
    (repo / "ci" / "deep").mkdir()
    return repo


def test_cross_file_checks_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    for marker in ("git", "config", "none"):
        base = tmp_path / marker
        repo = _crossfile_repo(base, marker)
        runs = {
            "root": _cli(["--select", "CP4", "."], repo, monkeypatch),
            "subfolder": _cli(["--select", "CP4", "../.."], repo / "ci" / "deep", monkeypatch),
            "elsewhere": _cli(["--select", "CP4", str(repo)], base, monkeypatch),
        }
        for where, result in runs.items():
            assert result.stdout.count("CP405") == 2 and result.stdout.count("CP401") == 2, (marker, where, result.stdout)


def test_config_globs_are_relative_to_the_config_file_not_the_working_directory(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "ci").mkdir(parents=True)
    (repo / "legacy").mkdir()
    (repo / "ci" / "build.yml").write_text(DUPLICATE)
    (repo / "legacy" / "buildspec.yml").write_text(DUPLICATE)
    (repo / ".pipelint.toml").write_text('[kinds]\n"ci/*.yml" = "buildspec"\n[per-file-ignores]\n"legacy/*" = ["PL003"]\n')
    for cwd, target in ((repo, "."), (tmp_path, "repo"), (repo / "ci", "..")):
        result = _cli(["--format", "json", target], cwd, monkeypatch)
        paths = [f["path"] for f in __import__("json").loads(result.stdout)["findings"]]
        assert [os.path.relpath(os.path.join(cwd, p), repo) for p in paths] == [os.path.join("ci", "build.yml")], (cwd, paths)


def test_config_file_symlinked_out_of_the_repository_is_ignored_and_huge_ones_refused(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (tmp_path / "elsewhere.toml").write_text('ignore = ["PL003"]\n')
    (repo / ".pipelint.toml").symlink_to(tmp_path / "elsewhere.toml")
    (repo / "buildspec.yml").write_text(DUPLICATE)
    result = _cli(["."], repo, monkeypatch)
    assert result.exit_code == 1 and "PL003" in result.stdout  # the outside file's settings do not apply
    assert "ignoring" in result.stderr and "outside its repository" in result.stderr
    os.remove(repo / ".pipelint.toml")
    (repo / ".pipelint.toml").write_text("# padding\n" * 200_000)
    huge = _cli(["."], repo, monkeypatch)
    assert huge.exit_code == 2 and "larger than" in huge.stderr


def test_groups_run_in_parallel_give_the_same_report(tmp_path, monkeypatch):
    _two_projects(tmp_path)
    for name in ("a", "b"):
        for number in range(20):
            (tmp_path / name / f"buildspec-{number:02}.yml").write_text(DUPLICATE)
    reports = [_cli(["--format", "json", "--jobs", jobs, "b", "a"], tmp_path, monkeypatch).stdout for jobs in ("1", "2")]
    assert reports[0] == reports[1] and reports[0].count('"code": "PL003"') == 21


def test_extend_select_adds_to_the_default_rules_not_replaces_them(tmp_path):
    """`extend-select` alone keeps every default rule and adds the opt-in one it names."""
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  bulid:\n    commands:\n      - make  # pipelint: disable=BS110\n")
    (tmp_path / ".pipelint.toml").write_text('extend-select = ["PL015"]\n')
    result = _run(["--format", "json", "buildspec.yml"], tmp_path)
    codes = {f["code"] for f in __import__("json").loads(result.output)["findings"]}
    assert "BS105" in codes  # a default rule still runs
    assert "PL015" in codes  # the unused suppression is reported: the opt-in rule was added
    (tmp_path / ".pipelint.toml").write_text('select = ["BS1"]\nextend-select = ["PL015"]\n')
    result = _run(["--format", "json", "buildspec.yml"], tmp_path)
    codes = {f["code"] for f in __import__("json").loads(result.output)["findings"]}
    assert {"BS105", "PL015"} <= codes and all(c.startswith("BS1") or c == "PL015" for c in codes), codes


def test_stdin_with_force_exclude_honours_exclude(tmp_path, monkeypatch):
    """Editors pass `--force-exclude --stdin-filename PATH -`: an excluded PATH lints nothing."""
    (tmp_path / ".pipelint.toml").write_text('exclude = ["generated/**"]\n')
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    excluded = runner.invoke(main, ["check", "--force-exclude", "--stdin-filename", "generated/buildspec.yml", "-"], input=BAD)
    assert excluded.exit_code == 0, excluded.output
    linted = runner.invoke(main, ["check", "--force-exclude", "--stdin-filename", "src/buildspec.yml", "-"], input=BAD)
    assert linted.exit_code == 1 and "src/buildspec.yml:2:1: BS001" in linted.output
    plain = runner.invoke(main, ["check", "--stdin-filename", "generated/buildspec.yml", "-"], input=BAD)
    assert plain.exit_code == 1  # without --force-exclude a named input is linted, like a named file


def test_show_settings_of_a_missing_file_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--show-settings", "nope.yml"])
    assert result.exit_code == 2 and "nope.yml: no such file or directory" in result.output


def test_no_unrecognised_batch_of_unrelated_files_says_nothing(tmp_path, monkeypatch):
    """pre-commit splits its file list into batches; a batch of unrelated YAML files is no warning."""
    (tmp_path / "other.yml").write_text("a: 1\n")
    (tmp_path / "more.json").write_text("{}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-unrecognised", "other.yml", "more.json"])
    assert result.exit_code == 0 and "nothing to lint" not in result.output
    result = CliRunner().invoke(main, ["check", "other.yml"])
    assert result.exit_code == 1 and "other.yml:1:1: PL014" in result.output  # without it, a named file is reported
