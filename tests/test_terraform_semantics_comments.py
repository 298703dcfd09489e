"""Suppression comments in HCL: ``#``, ``//`` and one-line ``/* … */`` comments mean the same.

A block comment is read by the line its ``/*`` is on, like a line comment there: trailing a
line it silences that line, alone on a line it silences that line and the next
(``disable-next-line`` only the next). A suppression inside a block comment that spans lines is
not read, and says so (``PL012``), as does a malformed one.
"""

from __future__ import annotations

from helpers import fixture, lint, triples
from pipelint.engine.suppressions import parse_suppressions


def test_block_comments_suppress_like_line_comments():
    findings = lint(fixture("terraform", "semantics", "block_comments.tf"), select=["CP107", "PL"])
    assert triples(findings) == [("CP107", 39, 19), ("CP107", 47, 19), ("PL012", 37, 10), ("PL012", 47, 24)]
    spans, malformed = [f for f in findings if f.code == "PL012"]
    assert spans.fix.startswith("write the whole comment on one line")
    assert malformed.fix == "add `=` between the verb and the rule codes"


def test_block_comment_lines_are_read_only_in_hcl():
    hcl = parse_suppressions("x = 1 /* pipelint: disable=CP107 */\n", hcl=True)
    assert hcl.matches(1, "CP107", "run-order-out-of-range")
    yaml = parse_suppressions("x: 1 /* pipelint: disable=CP107 */\n")
    assert not yaml.matches(1, "CP107", "run-order-out-of-range") and not yaml.malformed
    # YAML has no block comments: a bare `pipelint:` line there is a key, not a comment.
    assert not parse_suppressions("pipelint: disable=CP107\n").malformed
