"""The pre-commit hook, through the real `pre-commit try-repo` against this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow
def test_pre_commit_try_repo_fails_on_broken_buildspec_then_passes(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not os.path.isdir(os.path.join(REPO, ".git")):
        pytest.skip("not running from a git checkout of pipelint")
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    _git(project, "config", "user.email", "t@example.com")
    _git(project, "config", "user.name", "t")
    (project / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n  build:\n    commands: [make test]\n")
    (project / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    _git(project, "add", ".")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), NO_COLOR="1")
    command = [sys.executable, "-m", "pre_commit", "try-repo", REPO, "pipelint", "--all-files", "--color", "never"]
    failed = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=900, check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "buildspec.yml:5:3: PL003 [warning] duplicate key `build`" in output
    assert "docker-compose.yml" not in output.split("pipelint")[-1]  # unrecognised files are skipped quietly
    (project / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make, make test]\n")
    _git(project, "add", ".")
    passed = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=900, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def _hook():
    import yaml

    with open(os.path.join(REPO, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)[0]


def test_hook_uses_force_exclude_and_the_readme_local_example_agrees():
    import re

    import yaml

    hook = _hook()
    assert hook["entry"] == "pipelint check"
    assert "--force-exclude" in hook["args"] and "--no-unrecognised" in hook["args"]
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "repo: local" in b]
    assert blocks, "the README shows a `repo: local` hook"
    local = blocks[0][0]["hooks"][0]
    assert local["entry"] == hook["entry"] and local["args"] == hook["args"]
    assert local["types_or"] == hook["types_or"]


def test_hook_arguments_skip_excluded_and_unrelated_files(tmp_path, monkeypatch):
    # What pre-commit runs: the hook's entry and args, then every staged YAML/JSON file by name.
    from click.testing import CliRunner

    from pipelint.cli import main

    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "buildspec.yml").write_text("version: 0.2\nphases:\n  build: {}\n  build: {}\n")
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    (tmp_path / ".pipelint.toml").write_text('exclude = ["generated/**"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    hook_args = _hook()["args"]
    result = CliRunner().invoke(main, ["check", *hook_args, "generated/buildspec.yml", "docker-compose.yml", "buildspec.yml"])
    assert result.exit_code == 0, result.output
    assert "PL003" not in result.output and "PL014" not in result.output
