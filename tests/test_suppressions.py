"""Inline suppression comments."""

from __future__ import annotations

import os

from helpers import lint, triples

RULES_DIR = os.path.join(os.path.dirname(__file__), "plugins", "rules_dir")


def _lint(tmp_path, text):
    path = tmp_path / "buildspec.yml"
    path.write_text(text)
    return triples(lint(str(path), select=["XT101", "PL012"], rules_dirs=[RULES_DIR]))


def test_disable_on_the_line(tmp_path):
    assert _lint(tmp_path, "version: 0.2\nforbidden: true  # pipelint: disable=XT101\n") == []


def test_disable_by_name_on_the_line_above(tmp_path):
    assert _lint(tmp_path, "version: 0.2\n# pipelint: disable=no-forbidden-key\nforbidden: true\n") == []


def test_trailing_comment_above_does_not_leak_to_next_line(tmp_path):
    assert _lint(tmp_path, "version: 0.2  # pipelint: disable=XT101\nforbidden: true\n") == [("XT101", 2, 1)]


def test_disable_file(tmp_path):
    assert _lint(tmp_path, "# pipelint: disable-file=XT\nversion: 0.2\nforbidden: true\n") == []


def test_unknown_code_in_comment_is_reported(tmp_path):
    assert _lint(tmp_path, "version: 0.2\nforbidden: true  # pipelint: disable=XT101,ZZ999\n") == [("PL012", 2, 44)]


def test_comment_without_equals_is_reported_not_ignored(tmp_path):
    text = "version: 0.2\nforbidden: true  # pipelint: disable XT101\n"
    assert _lint(tmp_path, text) == [("PL012", 2, 18), ("XT101", 2, 1)]
    findings = lint(str(tmp_path / "buildspec.yml"), select=["PL012"], rules_dirs=[RULES_DIR])
    assert "`# pipelint: disable XT101` is not a suppression comment" in findings[0].message


def test_other_malformed_forms(tmp_path):
    for comment, col in (("#pipelint: disable:XT101", 18), ("# Pipelint: disable=XT101", 18), ("# pipelint: enable=XT101", 18)):
        assert ("PL012", 2, col) in _lint(tmp_path, f"version: 0.2\nforbidden: true  {comment}\n"), comment


def _unused(tmp_path, text, select=("XT101", "PL015")):
    path = tmp_path / "buildspec.yml"
    path.write_text(text)
    return triples(lint(str(path), select=list(select), rules_dirs=[RULES_DIR]))


def test_unused_suppression_is_reported_when_selected(tmp_path):
    text = "version: 0.2  # pipelint: disable=XT101\nforbidden: true  # pipelint: disable=XT101\n"
    assert _unused(tmp_path, text) == [("PL015", 1, 35)]
    assert _unused(tmp_path, "# pipelint: disable-file=XT101\nversion: 0.2\n") == [("PL015", 1, 26)]
    assert _unused(tmp_path, "# pipelint: disable-file=XT101\nforbidden: 1\n") == []


def test_unused_suppression_is_opt_in_and_judges_only_rules_that_ran(tmp_path):
    text = "version: 0.2  # pipelint: disable=XT101\n"
    assert _unused(tmp_path, text, select=("PL015",)) == []  # XT101 did not run: cannot judge
    assert _unused(tmp_path, text, select=("XT101",)) == []  # not selected: silent
    from pipelint.engine.runner import build_settings

    assert "PL015" not in {r.code for r in build_settings(isolated=True).active}
