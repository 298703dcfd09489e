"""BS120's message, hint, range and fix where a buildspec's positions are exact (a file, a
heredoc) and where they collapse to the key owning a quoted string (nothing read from the file)."""

from __future__ import annotations

import os

from helpers import FIXTURES, lint

QUOTED = os.path.join(FIXTURES, "fixes", "_bs120_quoted")
EXAMPLE = os.path.join(os.path.dirname(FIXTURES), "..", "examples", "broken", "buildspec.yml")


def _bs120(path: str) -> list:
    return [f for f in lint(path, select=["BS120"]) if f.code == "BS120"]


def test_quoted_inline_buildspec_names_the_command_and_offers_no_text_from_the_file():
    for name, key in (("main.tf", "buildspec"), ("quoted.template.yml", "BuildSpec")):
        found = _bs120(os.path.join(QUOTED, name))
        quoted = [f for f in found if f.line in (12, 7)]
        assert len(quoted) == 1, (name, [(f.line, f.col) for f in found])
        finding = quoted[0]
        assert "command `echo hi: there`" in finding.message and f"'{key}'" not in finding.message
        assert finding.fix == "quote the whole command" and finding.edit is None
        assert finding.message.endswith("Quote the whole command.")


def test_range_ends_at_the_end_of_the_command_text():
    (finding,) = _bs120(EXAMPLE)
    assert (finding.line, finding.col, finding.end_line, finding.end_col) == (19, 9, 19, 22)
    heredoc = [f for f in _bs120(os.path.join(QUOTED, "main.tf")) if f.line == 31]
    assert [(f.line, f.col, f.end_line, f.end_col) for f in heredoc] == [(31, 15, 31, 29)]
    assert heredoc[0].fix == "- 'echo hi: there'"


def test_a_command_ending_in_a_colon_ends_at_its_key(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo done:\n\n      - make\n")
    (finding,) = _bs120(str(path))
    assert (finding.line, finding.col, finding.end_line, finding.end_col) == (5, 9, 5, 18)
    assert finding.edit is not None and finding.edit.edits[0].text == "'echo done:'"
