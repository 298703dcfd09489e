"""Checks against the revision bundle on disk (AS3xx) and AS112 with a bundle."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from helpers import fixture, lint, triples

BUNDLE_RULES = ["AS112", "AS301", "AS302", "AS303", "AS304"]


def test_bundle_bad() -> None:
    findings = lint(fixture("appspec", "ec2_bundle_bad"), select=BUNDLE_RULES)
    assert triples(findings, "AS") == [
        ("AS112", 8, 13),  # conf/a/app.conf and conf/b/app.conf both go to /etc/myapp/app.conf
        ("AS301", 14, 17),  # scripts/stop.sh is scripts/Stop.sh
        ("AS301", 16, 17),  # a folder
        ("AS301", 23, 17),  # missing
        ("AS302", 4, 13),  # dist/ missing
        ("AS303", 20, 17),  # start.sh without the execute bit
        ("AS304", 18, 17),  # .ps1 on Linux
    ]
    by_line = {f.line: f for f in findings}
    assert "`scripts/Stop.sh` does" in by_line[14].message and "case-sensitive" in by_line[14].message
    assert "Script does not exist at specified location" in by_line[23].message
    assert "bundle-root" in by_line[23].message
    assert "chmod +x scripts/start.sh" in by_line[20].message
    assert by_line[4].severity.name.lower() == "warning"


def test_bundle_absent_is_not_checked() -> None:
    """An AppSpec alone in its folder: the bundle is assembled elsewhere, paths are not checked."""
    assert triples(lint(fixture("appspec", "ec2_bundle_absent"), select=BUNDLE_RULES), "AS") == []


@pytest.mark.parametrize("name", ["ec2_good", "ec2_good_json"])
def test_passing(name: str) -> None:
    assert triples(lint(fixture("appspec", name), select=BUNDLE_RULES), "AS") == []


def test_bundle_root_option() -> None:
    folder = fixture("appspec", "bundle_root")
    assert triples(lint(folder, select=["AS301"]), "AS") == []  # deploy/ holds only the AppSpec
    findings = lint(folder, select=["AS301"], config_path=os.path.join(folder, "pipelint.toml"))
    assert triples(findings, "AS") == [("AS301", 7, 17)]  # scripts/check.sh is not in ../src
    assert "set by `bundle-root`" in findings[0].message


@pytest.mark.skipif(shutil.which("git") is None or os.name == "nt", reason="needs git and POSIX file modes")
def test_git_mode_wins_over_working_tree(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    """A script executable on disk but committed as 100644 arrives without the execute bit."""
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "start.sh"
    script.write_text("#!/bin/sh\necho start\n")
    script.chmod(0o755)
    other = tmp_path / "scripts" / "stop.sh"
    other.write_text("#!/bin/sh\necho stop\n")
    other.chmod(0o755)
    (tmp_path / "appspec.yml").write_text(
        "version: 0.0\nos: linux\nhooks:\n  ApplicationStop:\n    - location: scripts/stop.sh\n"
        "  ApplicationStart:\n    - location: scripts/start.sh\n"
    )
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, timeout=30)
    git("init", "-q")
    git("add", "appspec.yml", "scripts")
    git("update-index", "--chmod=-x", "scripts/start.sh")
    findings = lint(str(tmp_path / "appspec.yml"), select=["AS303"])
    assert triples(findings, "AS") == [("AS303", 7, 17)]
    assert "git file mode 100644" in findings[0].message
