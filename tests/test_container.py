"""The Dockerfile builds a small image that runs pipelint as an unprivileged user.

Builds only where a container engine answers (``docker info``); elsewhere the test is skipped
and says why. The build needs no network beyond PyPI and is bounded to a few minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAG = "pipelint-test:latest"
BASE = "python:3.12-slim"


def _engine() -> str:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no container engine: the `docker` command is not installed")
    try:
        probe = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("no container engine: `docker info` did not answer within 30 s")
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no reason given"])[-1]
        pytest.skip(f"no container engine: `docker info` failed ({reason})")
    return docker


def test_dockerfile_is_small_and_non_root():
    with open(os.path.join(REPO, "Dockerfile"), encoding="utf-8") as handle:
        text = handle.read()
    assert "-slim" in text and "USER pipelint" in text
    assert 'ENTRYPOINT ["pipelint"]' in text
    assert "--no-cache-dir" in text


@pytest.mark.slow
def test_image_builds_and_lints_as_an_unprivileged_user():
    docker = _engine()
    base = subprocess.run([docker, "image", "inspect", BASE], capture_output=True, timeout=30, check=False)
    if base.returncode != 0:
        pytest.skip(f"the base image {BASE} is not present locally (`docker pull {BASE}` once; the test itself "
                    "reaches no network but PyPI)")
    build = subprocess.run([docker, "build", "-q", "-t", TAG, REPO], capture_output=True, text=True, timeout=300, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    try:
        uid = subprocess.run([docker, "run", "--rm", "--entrypoint", "id", TAG, "-u"], capture_output=True, text=True, timeout=60, check=False)
        assert uid.stdout.strip() not in ("", "0"), uid.stdout
        examples = os.path.join(REPO, "examples")
        lint = subprocess.run([docker, "run", "--rm", "-v", f"{examples}:/src:ro", TAG, "check", "--no-color", "broken"],
                              capture_output=True, text=True, timeout=120, check=False)
        assert lint.returncode == 1, lint.stderr
        assert "BS105 [error] unknown phase `bulid`" in lint.stdout
        version = subprocess.run([docker, "run", "--rm", TAG, "--version"], capture_output=True, text=True, timeout=60, check=False)
        assert version.returncode == 0 and "pipelint" in version.stdout
    finally:
        subprocess.run([docker, "rmi", "-f", TAG], capture_output=True, timeout=60, check=False)
