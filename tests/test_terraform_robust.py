"""Terraform input under hostile sizes: what costs tree-sitter is shortened before it parses
(long strings and heredocs, long whitespace runs), deep template nesting is refused, and every
position still points into the text as written. No timing asserts: the inputs are sized so that
the unbounded versions (quadratic whitespace, about 180 bytes of parser memory per string byte)
would run past any test timeout or exhaust memory, and the sizes of what the parser is given are
asserted."""

from __future__ import annotations

from helpers import lint, triples
from pipelint.terraform import hcl
from pipelint.terraform.hcl import parse_hcl
from pipelint.terraform.hcl_shrink import LITERAL_SHRINK_FROM, MAX_TEMPLATE_DEPTH, shrink


def _attr(text: str, name: str):  # type: ignore[no-untyped-def]
    body, problems = parse_hcl(text)
    assert problems == [] and body is not None
    return body.blocks_of("locals")[0].body.attr(name)


def test_a_five_megabyte_string_is_parsed_from_a_few_bytes_and_read_whole():
    value = "a" * 4_900_000
    text = f'locals {{\n  x = "{value}"\n  y = "after"\n}}\n'
    assert len(shrink(text.encode()).data) < 100
    x = _attr(text, "x")
    assert x.expr.value == value and (x.expr.span.line, x.expr.span.col, x.expr.span.end_col) == (2, 7, 4_900_009)
    y = _attr(text, "y")
    assert (y.expr.span.line, y.expr.span.col) == (3, 7) and y.expr.value == "after"


def test_a_58000_line_heredoc_keeps_its_text_and_the_positions_after_it():
    lines = "".join(f"line {i} of heredoc text, more words here\n" for i in range(58_000))
    text = f"locals {{\n  h = <<-EOT\n{lines}  EOT\n  z = \"${{var.a}}\"\n}}\n"
    shrunk = shrink(text.encode())
    assert len(shrunk.data) < 58_000 * 6  # each line cut to a few bytes
    h = _attr(text, "h")
    assert h.expr.value == lines and h.expr.span.line == 2
    z = _attr(text, "z")
    assert (z.expr.span.line, z.expr.span.col) == (58_004, 7) and z.expr.kind == "template"
    assert (z.expr.parts[0].span.line, z.expr.parts[0].span.col) == (58_004, 10)


def test_multibyte_text_is_cut_on_character_boundaries_and_columns_count_code_points():
    text = 'locals {\n  s = "' + "é" * 40_000 + ' ${var.tail} ' + "ü" * 40_000 + '"\n}\n'
    x = _attr(text, "s")
    interpolation = next(p for p in x.expr.parts if not isinstance(p, str))
    assert (interpolation.span.line, interpolation.span.col) == (2, 8 + 40_000 + 3)
    # The literal parts are read from the file between the interpolations, blanks included,
    # shortened for parsing or not.
    assert [p for p in x.expr.parts if isinstance(p, str)] == ["é" * 40_000 + " ", " " + "ü" * 40_000]


def test_long_whitespace_runs_before_an_expression_are_shortened():
    # 200,000 blanks after `=`: tree-sitter's cost is quadratic in such a run (20,000: 10 s).
    text = "locals {\n  x =" + " " * 200_000 + "1\n  y =" + "\n" * 0 + "\t" * 100_000 + '"v"\n}\n'
    assert len(shrink(text.encode()).data) < 100
    x = _attr(text, "x")
    assert x.expr.value == 1 and (x.expr.span.line, x.expr.span.col) == (2, 200_006)
    y = _attr(text, "y")
    assert y.expr.value == "v" and (y.expr.span.line, y.expr.span.col) == (3, 100_006)


def test_blank_lines_are_shortened_and_rows_stay_those_of_the_file():
    # In a list, 10,000 newlines cost tree-sitter 1.3 s, and the cost is quadratic.
    text = 'locals {\n  x = [' + "\n" * 150_000 + '"a"]\n  y = "b"\n}\n'
    assert shrink(text.encode()).data.count(b"\n") < 10
    x = _attr(text, "x")
    assert (x.expr.items[0].span.line, x.expr.items[0].span.col) == (150_002, 1)
    y = _attr(text, "y")
    assert (y.name_span.line, y.name_span.col) == (150_003, 3)


def test_small_files_are_parsed_as_written():
    text = 'resource "aws_codebuild_project" "a_rather_long_resource_name_here" {\n  name = "a description longer than sixteen"\n}\n'
    assert shrink(text.encode()).offsets is None
    assert len(text) < LITERAL_SHRINK_FROM


def test_template_nesting_past_the_limit_is_refused_not_called_a_syntax_error():
    deep = 'locals {\n  x = ' + '"${' * 2_000 + "1" + '}"' * 2_000 + "\n}\n"
    body, problems = parse_hcl(deep)
    assert body is None and [p.code for p in problems] == ["PL007"]
    assert "too deeply nested for pipelint to read (limit 32)" in problems[0].message
    fine = 'locals {\n  x = ' + '"${' * MAX_TEMPLATE_DEPTH + "1" + '}"' * MAX_TEMPLATE_DEPTH + "\n}\n"
    assert parse_hcl(fine)[1] == []


def test_string_text_that_cannot_be_shortened_is_refused_within_bounds():
    # Escapes cannot be cut out of a quoted string: 1 MB of `\n` escapes is refused.
    text = 'locals {\n  x = "' + "\\n" * 500_000 + '"\n}\n'
    body, problems = parse_hcl(text)
    assert body is None and [p.code for p in problems] == ["PL007"] and "cannot shorten" in problems[0].message


def test_a_syntax_error_after_a_long_string_is_located_on_the_text_as_written():
    text = 'locals {\n  x = "' + "a" * 100_000 + '"\n  y = "b",\n}\n'
    body, problems = parse_hcl(text)
    assert [(p.code, p.line, p.col) for p in problems] == [("PL002", 3, 10)]


def test_pl002_of_an_unterminated_block_is_on_the_last_character(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_codebuild_project" "x" {\n  name = "x"\n')
    assert triples(lint(str(path))) == [("PL002", 2, 12)]


def test_each_sibling_is_parsed_at_most_once_per_run_in_each_form(tmp_path, monkeypatch):
    for index in range(12):
        (tmp_path / f"f{index:02}.tf").write_text(f'resource "aws_codebuild_project" "p{index}" {{\n  name = "p{index}"\n}}\n')
    calls: list[tuple[str, bool]] = []
    real = hcl.parse_hcl

    def counting(text: str, max_nodes: int = 200_000, outline: bool = False):  # type: ignore[no-untyped-def]
        calls.append((text, outline))
        return real(text, max_nodes, outline)

    monkeypatch.setattr(hcl, "parse_hcl", counting)
    lint(str(tmp_path))
    # Each file: parsed when it is linted, once in outline for the others' index, and once
    # whole for the others to borrow from (12 files: a per-file re-read would be 12 × 11).
    assert len(calls) <= 3 * 12
    assert max(calls.count(call) for call in calls) <= 2


_BLOCK_CONFIGURATION = '''resource "aws_codepipeline" "p" {
  name     = "p"
  role_arn = "arn:aws:iam::111111111111:role/p"
  artifact_store {
    location = "b"
    type     = "S3"
  }
  variable {
    name          = "Env"
    default_value = "dev"
  }
  pipeline_type = "V2"
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "S3"
      version          = "1"
      output_artifacts = ["src"]
      configuration {
        S3Bucket    = "b"
        S3ObjectKey = "#{variables.Envv}.zip"
      }
    }
  }
  stage {
    name = "Approve"
    action {
      name     = "Approve"
      category = "Approval"
      owner    = "AWS"
      provider = "Manual"
      version  = "1"
    }
  }
}
'''


def test_a_configuration_block_is_reported_and_still_read_as_the_map(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(_BLOCK_CONFIGURATION)
    found = lint(str(path))
    # PL002 at the block's name (Terraform 0.12+ rejects it); CP303 still reads the map's value.
    assert triples(found) == [("CP203", 21, 27), ("CP303", 24, 23), ("PL002", 22, 7)]
    pl002 = next(f for f in found if f.code == "PL002")
    assert "`configuration` is an argument in Terraform 0.12 and later" in pl002.message and pl002.fix == "write `configuration = {` (an equals sign before the brace)"
    path.write_text(_BLOCK_CONFIGURATION.replace("configuration {", "configuration = {"))
    assert triples(lint(str(path))) == [("CP203", 21, 27), ("CP303", 24, 23)]


def test_blanks_next_to_an_interpolation_are_part_of_the_literal_text():
    # tree-sitter-hcl's literal nodes leave those blanks out; a rendered value must keep them.
    x = _attr('locals {\n  s = "a ${var.b} c \\"${var.d}\\" $${e}"\n}\n', "s")
    assert [p if isinstance(p, str) else p.kind for p in x.expr.parts] == ["a ", "reference", ' c "', "reference", '" ${e}']
