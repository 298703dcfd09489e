"""PL001 quotes a crashing rule's exception text: anything secret-shaped in it is masked before
the text is clipped, so neither the whole secret nor the part before the cut is shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import lint, triples
from pipelint.cli import main

LEAKY_DIR = os.path.join(os.path.dirname(__file__), "plugins", "leaky_dir")
KEY = "AKIA" + "Q7ZT3WX5NB2MKD4R"  # the shape of an AWS access key id: AKIA + 16 of [A-Z0-9]


@pytest.fixture
def buildspec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PIPELINT_TEST_LEAK", KEY)
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    return str(path)


def test_pl001_masks_a_key_in_the_exception_text(buildspec: str) -> None:
    findings = lint(buildspec, select=["XK101", "PL001"], rules_dirs=[LEAKY_DIR])
    assert triples(findings) == [("PL001", 1, 1)]
    message = findings[0].message
    assert "rule XK101 (crashes-quoting-a-key) crashed: ValueError: credential AKIA" in message
    assert KEY not in message and KEY[4:12] not in message


def test_pl001_masks_a_key_the_200_character_cut_would_split(buildspec: str) -> None:
    findings = lint(buildspec, select=["XK102", "PL001"], rules_dirs=[LEAKY_DIR])
    assert triples(findings) == [("PL001", 1, 1)]
    message = findings[0].message
    assert "x" * 190 in message
    assert KEY[4:9] not in message  # clipping first would have shown AKIA and 5 more characters


def test_no_output_format_shows_the_key(buildspec: str, tmp_path: Path) -> None:
    for fmt in ("text", "json", "sarif"):
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(
            main, ["check", buildspec, "--isolated", "--rules-dir", LEAKY_DIR, "--select", "XK101,XK102,PL001",
                   "--format", fmt, "-o", str(out)],
        )
        assert result.exit_code == 3, result.output
        written = out.read_text()
        assert KEY[4:9] not in written and KEY[4:9] not in result.output
        if fmt == "json":
            assert json.loads(written)
