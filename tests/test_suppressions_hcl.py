"""HCL suppression markers count only in real comments, never inside strings or heredocs.

``parse_suppressions(..., hcl=True)`` follows ``"…"`` strings (with escapes and nested
``${…}``/``%{…}`` that hold strings of their own), heredocs and ``/* … */`` block comments, so a
marker written inside a value neither silences a finding nor is reported as malformed.
"""

from __future__ import annotations

from helpers import lint
from pipelint.engine.suppressions import parse_suppressions

PROJECT = '''resource "aws_codebuild_project" "p" {
  name         = "p"
  service_role = "arn:aws:iam::111122223333:role/x"
  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"
    environment_variable {
      name  = "Z_PASSWORD"
      value = "VALUE"
    }
  }
}
'''


def test_marker_inside_a_string_does_not_hide_the_secret(tmp_path):
    # Before the fix this marker, part of the password itself, silenced SEC002 on line 10.
    path = tmp_path / "main.tf"
    path.write_text(PROJECT.replace("VALUE", "Wq8#mP2$vL9!xR4tW7#pipelint:disable=SEC002,SEC009"))
    found = lint(str(path))
    assert [(f.code, f.line, f.col) for f in found if f.code.startswith(("SEC", "PL"))] == [("SEC002", 10, 16)]
    # The reviewer's repro (a value with spaces, which SEC002 does not take for a password) has
    # no suppression left either.
    repro = path.read_text().replace("Wq8#mP2$vL9!xR4tW7#pipelint:disable=SEC002,SEC009",
                                     "Wq8#mP2$vL9!xR4tW7 # pipelint: disable=SEC002,SEC009")
    assert not parse_suppressions(repro, hcl=True).mentions


def test_heredoc_text_is_read_as_yaml_comments_only():
    # A heredoc body is an inline buildspec's YAML: `#` after a blank starts a comment there (as in
    # a CloudFormation block scalar, also after an interpolation); `//`, a `#` inside a word or
    # inside an interpolation is text.
    text = 'x = <<-EOT\n  // pipelint: disable-file=ALL\n  a: b#pipelint: disable=A\n  c: ${f("# pipelint: disable=C")}\n  EOT\ny = 1\n'
    found = parse_suppressions(text, hcl=True)
    assert not found.malformed and not found.whole_file and not found.mentions
    after = parse_suppressions('x = <<-EOT\n  c: ${d} # pipelint: disable=B\n  EOT\n', hcl=True)
    assert [m.ident for m in after.mentions] == ["B"]
    read = parse_suppressions('x = <<-EOT\n  buld: # pipelint: disable=BS105\n  # pipelint: disable-file\n  EOT\n', hcl=True)
    assert read.matches(2, "BS105", "unknown-phase") and [(line, col) for line, col, _, _ in read.malformed] == [(3, 3)]
    # The heredoc ends at its closing line (any identifier, `<<` or `<<-`): comments after it count.
    after = parse_suppressions('x = <<JSON\n"#"\n  JSON\ny = 1 # pipelint: disable=CP107\n', hcl=True)
    assert after.matches(4, "CP107", "run-order-out-of-range")
    assert [(m.line, m.col) for m in after.mentions] == [(4, 27)]


def test_comment_after_a_string_holding_hash_still_counts():
    found = parse_suppressions('x = "a#b" # pipelint: disable=X\n', hcl=True)
    assert [(m.line, m.col, m.ident) for m in found.mentions] == [(1, 31, "X")]
    assert found.by_line == {1: found.mentions}
    escaped = parse_suppressions('x = "q\\"# pipelint: disable=A" // pipelint: disable=B\n', hcl=True)
    assert [m.ident for m in escaped.mentions] == ["B"]


def test_interpolations_with_strings_and_braces_stay_inside_the_string():
    text = 'x = "${f("}", {a = "#"})} # pipelint: disable=A %{ if true }${"\\"//"}%{ endif }" # pipelint: disable=B\n'
    assert [m.ident for m in parse_suppressions(text, hcl=True).mentions] == ["B"]
    literal = parse_suppressions('x = "$${ # pipelint: disable=A" # pipelint: disable=B\n', hcl=True)
    assert [m.ident for m in literal.mentions] == ["B"]


def test_slash_and_one_line_block_comments_still_work():
    found = parse_suppressions('// pipelint: disable=A\nx = "/*" /* pipelint: disable=B */ # pipelint: disable C\n', hcl=True)
    assert [(m.line, m.ident) for m in found.mentions] == [(1, "A"), (2, "B")]
    assert found.by_line[1][0].ident == "A" and found.by_line[2][0].ident == "A"
    assert [(line, col) for line, col, _, _ in found.malformed] == [(2, 36)]


def test_multi_line_block_comment_is_reported_not_read():
    found = parse_suppressions('/*\n  pipelint: disable=A\n*/ x = 1 # pipelint: disable=B\n', hcl=True)
    assert [(line, col) for line, col, _, _ in found.malformed] == [(2, 3)]
    assert [(m.line, m.ident) for m in found.mentions] == [(3, "B")]


def test_unterminated_string_ends_with_its_line():
    found = parse_suppressions('x = "open\ny = 1 # pipelint: disable=A\n', hcl=True)
    assert [(m.line, m.ident) for m in found.mentions] == [(2, "A")]


def test_hostile_input_is_scanned_in_one_pass():
    # Quadratic rescanning of these (per quote, per `${`, per `<<`, per line) would not finish.
    size = 100_000
    nested = "x = " + '"${' * size + "\n" + "pipelint: disable=A # pipelint: disable=B\n"
    assert not parse_suppressions(nested, hcl=True).mentions
    flat = ('x = "' + '\\"#' * size + '" # pipelint: disable=A\n') + ("<<a" * size) + "\n"
    assert [m.ident for m in parse_suppressions(flat, hcl=True).mentions] == ["A"]
    lines = 'y = "#" # pipelint: disable=C\n' * size
    assert len(parse_suppressions(lines, hcl=True).mentions) == size


def test_yaml_is_still_read_line_by_line():
    found = parse_suppressions('x: "a # pipelint: disable=A"\n', hcl=False)
    assert [m.ident for m in found.mentions] == ["A"]
