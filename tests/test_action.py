"""The composite GitHub Action (action.yml): well-formed, injection-safe, and its shell steps
really run pipelint as a workflow would (with GITHUB_OUTPUT and the inputs as environment)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROKEN = "version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n"


def action():
    with open(os.path.join(REPO, "action.yml"), encoding="utf-8") as handle:
        return YAML(typ="safe").load(handle)


def step(name):
    return next(s for s in action()["runs"]["steps"] if s.get("id") == name or s.get("name") == name)


def test_action_is_composite_and_injection_safe():
    data = action()
    assert data["runs"]["using"] == "composite"
    declared = set(data["inputs"])
    ids = {s["id"] for s in data["runs"]["steps"] if "id" in s}
    text = open(os.path.join(REPO, "action.yml"), encoding="utf-8").read()
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= declared
    assert set(re.findall(r"steps\.([\w-]+)\.", text)) <= ids
    for s in data["runs"]["steps"]:
        if "run" in s:
            assert s.get("shell") == "bash", s["name"]
            assert "${{" not in s["run"], f"{s['name']}: inputs must reach scripts through env, not expression splicing"
    upload = step("upload")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@") and upload["continue-on-error"] is True
    assert "steps.upload.outcome != 'success'" in step("Annotate the changes (SARIF upload off or not allowed)")["if"]


def _run_step(name, tmp_path, env):
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    output = tmp_path / "github_output"
    output.write_text("")
    bin_dir = os.path.dirname(shutil.which("pipelint") or sys.executable)
    full_env = {**os.environ, "GITHUB_OUTPUT": str(output), "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **env}
    proc = subprocess.run([bash, "-e", "-o", "pipefail", "-c", step(name)["run"]], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=120, check=False)
    return proc, output.read_text()


def test_lint_step_records_the_status_and_writes_sarif(tmp_path):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "buildspec.yml").write_text(BROKEN)
    env = {"PIPELINT_PATHS": "ci", "PIPELINT_ARGS": "--isolated --select PL", "PIPELINT_FAIL_ON": "", "PIPELINT_SARIF": "out/pipelint.sarif"}
    proc, outputs = _run_step("lint", tmp_path, env)
    assert proc.returncode == 0, proc.stderr  # the step itself succeeds; a later step fails the job
    assert "status=1" in outputs.splitlines()
    assert (tmp_path / "out" / "pipelint.sarif").is_file()
    proc, outputs = _run_step("lint", tmp_path, {**env, "PIPELINT_FAIL_ON": "never"})
    assert "status=0" in outputs.splitlines()
    proc, outputs = _run_step("lint", tmp_path, {**env, "PIPELINT_ARGS": "--isolated --select NOPE"})
    assert "status=2" in outputs.splitlines()


def test_annotation_step_prints_workflow_commands(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BROKEN)
    proc, _ = _run_step("Annotate the changes (SARIF upload off or not allowed)", tmp_path,
                        {"PIPELINT_PATHS": ".", "PIPELINT_ARGS": "--isolated --select PL"})
    assert proc.returncode == 0
    assert proc.stdout.startswith("::warning file=buildspec.yml,line=2,col=1,")
