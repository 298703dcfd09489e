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
