"""The wheel ships the schemas, the data and the built-in rules, and works when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_virtualenv_and_lints(tmp_path):
    pytest.importorskip("build")
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), REPO],
                           capture_output=True, text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = next(dist.glob("pipelint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipelint/schema_files/buildspec.schema.json" in names
    assert "pipelint/rules/general/__init__.py" in names
    assert any(n.startswith("pipelint/data/") and n.endswith(".json") for n in names)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900, check=False)
    assert installed.returncode == 0, installed.stderr[-3000:]
    target = tmp_path / "work" / "buildspec.yml"
    target.parent.mkdir()
    target.write_text("version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n")
    run = subprocess.run([str(venv / "bin" / "pipelint"), "check", "--no-color", "buildspec.yml"], cwd=target.parent,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "buildspec.yml:2:1: PL003" in run.stdout, run.stdout + run.stderr
    schema = subprocess.run([str(venv / "bin" / "pipelint"), "schema", "buildspec", "--path"], capture_output=True, text=True, check=False)
    assert schema.returncode == 0 and str(venv) in schema.stdout
