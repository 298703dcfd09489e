"""EC2/on-premises AppSpec rules: version, os, file_exists_behavior, files and permissions (AS1xx)."""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples

EC2_RULES = ["AS001", "AS101", "AS103", "AS104", "AS110", "AS111", "AS112", "AS113", "AS120", "AS121", "AS122", "AS123",
             "AS124", "AS125", "AS126", "AS127", "AS128"]


def test_top_level_yaml() -> None:
    findings = lint(fixture("appspec", "ec2_top_bad"), select=EC2_RULES)
    assert triples(findings, "AS") == [
        ("AS001", 4, 1),  # `Files:` misspelt: error
        ("AS001", 7, 1),  # `extra:` unknown: warning
        ("AS001", 8, 1),  # lifecycle event at the top level
        ("AS101", 1, 10),  # quoted "0.0"
        ("AS103", 2, 5),  # Ubuntu
        ("AS104", 3, 23),  # overwrite in lower case
    ]
    by_line = {f.line: f for f in findings}
    # the agent ignores `Files:` and deploys nothing: a warning, since AWS goes on (issue 12)
    assert by_line[4].severity.name.lower() == "warning" and "did you mean `files`?" in by_line[4].message
    assert by_line[7].severity.name.lower() == "warning"
    assert "indent it under `hooks:`" in by_line[8].message
    assert 'an invalid version value (0.0)' in by_line[1].message and "without quotes" in by_line[1].message
    assert "use `linux` for every Linux distribution" in by_line[2].message
    assert "write `OVERWRITE`" in by_line[3].message


def test_top_level_json() -> None:
    findings = lint(fixture("appspec", "ec2_top_bad_json"), select=EC2_RULES)
    assert triples(findings, "AS") == [
        ("AS001", 4, 3),  # "Hooks" for "hooks"
        ("AS001", 5, 12),  # hooks as a list
        ("AS101", 2, 3),  # no version
        ("AS103", 2, 9),  # "win"
        ("AS104", 3, 27),  # "KEEP"
    ]
    messages = " ".join(f.message for f in findings)
    assert "unsupported operating system (win)" in messages  # the agent's text, without JSON quotes


def test_other_version() -> None:
    findings = lint(fixture("appspec", "ec2_version_wrong"), select=["AS101"])
    assert triples(findings, "AS") == [("AS101", 1, 10)]
    assert "an invalid version value (1.0)" in findings[0].message


def test_files_yaml() -> None:
    findings = lint(fixture("appspec", "ec2_files_bad"), select=EC2_RULES)
    assert triples(findings, "AS") == [
        ("AS001", 23, 5),  # overwrite: yes
        ("AS001", 24, 5),  # a plain string entry
        ("AS110", 4, 5),  # sources:
        ("AS110", 6, 5),  # no destination
        ("AS110", 7, 5),  # no source
        ("AS110", 8, 5),  # neither
        ("AS110", 25, 13),  # empty source
        ("AS110", 27, 7),  # destination is a list
        ("AS111", 10, 18),
        ("AS111", 16, 18),
        ("AS112", 13, 13),  # index.html already copied by source: /
        ("AS112", 15, 13),  # the same entry twice
        ("AS112", 19, 13),  # two util.py into /opt/lib
        ("AS113", 28, 13),  # an S3 URL as source
    ]
    overwrite = next(f for f in findings if f.line == 23)
    assert overwrite.severity.name.lower() == "warning" and "file_exists_behavior: OVERWRITE" in overwrite.message
    assert "specifies only a source file (build/app.jar)" in next(f for f in findings if f.line == 6).message


def test_files_json_windows() -> None:
    findings = lint(fixture("appspec", "ec2_files_bad_json"), select=EC2_RULES)
    assert triples(findings, "AS") == [("AS110", 8, 6), ("AS111", 6, 40), ("AS112", 7, 16)]
    assert "write `C:\\tools`" in next(f for f in findings if f.code == "AS111").message


def test_permissions() -> None:
    findings = lint(fixture("appspec", "ec2_permissions_bad"), select=EC2_RULES)
    assert triples(findings, "AS") == [
        ("AS121", 4, 5),
        ("AS121", 6, 5),
        ("AS122", 8, 11),  # 0755 is 493 to the agent
        ("AS122", 18, 11),  # five digits
        ("AS122", 29, 11),  # 7.5
        ("AS123", 14, 11),  # 0644 silently 420
        ("AS124", 10, 9),
        ("AS124", 12, 9),
        ("AS125", 21, 9),
        ("AS125", 22, 9),
        ("AS125", 23, 9),
        ("AS125", 24, 9),
        ("AS126", 25, 5),  # no type
        ("AS126", 27, 14),  # s2-s1
        ("AS126", 33, 14),  # c1024
        ("AS126", 37, 13),  # empty type
        ("AS126", 38, 14),  # duplicate categories
        ("AS127", 26, 7),
        ("AS128", 15, 14),
        ("AS128", 16, 13),
    ]
    trap = next(f for f in findings if f.line == 8)
    assert "contains an invalid character (9)" in trap.message and "`mode: 755`" in trap.message
    silent = next(f for f in findings if f.code == "AS123")
    assert "applies mode 420, not 644" in silent.message
    assert "Use mode to set the base acl entry (u::rwx)" in next(f for f in findings if f.line == 21).message


def test_windows() -> None:
    findings = lint(fixture("appspec", "ec2_windows_bad"), select=EC2_RULES + ["AS207", "AS304"])
    assert triples(findings, "AS") == [("AS120", 6, 1), ("AS207", 12, 7), ("AS304", 14, 17)]
    assert "specifiles file permissions" in findings[0].message


@pytest.mark.parametrize("name", ["ec2_good", "ec2_good_json"])
def test_passing(name: str) -> None:
    assert triples(lint(fixture("appspec", name), select=EC2_RULES), "AS") == []
