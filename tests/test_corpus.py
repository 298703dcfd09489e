"""The whole real-world corpus (../shared/corpus) lints without a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS


@pytest.fixture(scope="module")
def corpus_run():
    if not os.path.isdir(CORPUS):
        pytest.skip(f"corpus not found at {CORPUS} (it lives in ../shared/corpus beside the repository)")
    proc = subprocess.run(
        [sys.executable, "-m", "pipelint", "check", "--isolated", "--format", "json", "--jobs", "2", CORPUS],
        capture_output=True, text=True, timeout=600, check=False,
    )
    return proc


def test_corpus_lints_without_crash(corpus_run):
    assert corpus_run.returncode in (0, 1), corpus_run.stderr[-3000:]
    assert "Traceback" not in corpus_run.stderr and "Traceback" not in corpus_run.stdout
    data = json.loads(corpus_run.stdout)
    assert data["summary"]["files"] > 300
    internal = [f for f in data["findings"] if f["code"] == "PL001"]
    assert internal == []


def test_every_corpus_finding_has_a_valid_position(corpus_run):
    data = json.loads(corpus_run.stdout)
    line_counts: dict[str, int] = {}
    for finding in data["findings"]:
        path = finding["path"]
        if path not in line_counts:
            with open(path, "rb") as handle:
                line_counts[path] = handle.read().count(b"\n") + 1
        assert 1 <= finding["line"] <= finding["end_line"] <= line_counts[path], finding
        assert finding["column"] >= 1 and finding["end_column"] >= 1, finding
        if finding["line"] == finding["end_line"]:
            assert finding["end_column"] > finding["column"], finding
