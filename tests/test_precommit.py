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
    assert "buildspec.yml:5:3: PL003 [error] duplicate key `build`" in output
    assert "docker-compose.yml" not in output.split("pipelint")[-1]  # unrecognised files are skipped quietly
    (project / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make, make test]\n")
    _git(project, "add", ".")
    passed = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=900, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
