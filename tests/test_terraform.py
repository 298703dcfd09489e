"""Terraform input: parsing with positions, translation to the template tree, the cold path."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import lint, triples
from pipelint.load.nodes import Mapping, Scalar, Sequence, intrinsic
from pipelint.terraform.hcl import parse_hcl
from pipelint.terraform.load import load_terraform

PROJECT = '''locals {
  stage = "dev"
}

resource "aws_codebuild_project" "build" {
  name = "${local.stage}-build"
  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = var.image
    type         = "LINUX_CONTAINER"
    environment_variable {
      name  = "A"
      value = "b"
    }
    dynamic "environment_variable" {
      for_each = var.extra
      content {
        name  = environment_variable.key
        value = environment_variable.value
      }
    }
  }
  source {
    type      = "CODEPIPELINE"
    buildspec = <<-EOT
      version: 0.2
      phases:
        build:
          commands:
            - make
    EOT
  }
  artifacts { type = "CODEPIPELINE" }
}
'''


def _project(text: str = PROJECT) -> Mapping:
    result = load_terraform(text, "main.tf", None)
    assert not result.problems
    resources = result.roots[0].get("Resources")
    assert isinstance(resources, Mapping)
    resource = resources.get("aws_codebuild_project.build")
    assert isinstance(resource, Mapping)
    props = resource.get("Properties")
    assert isinstance(props, Mapping)
    return props


def test_attributes_blocks_and_positions():
    body, problems = parse_hcl(PROJECT)
    assert problems == []
    block = body.blocks_of("resource")[0]
    assert block.labels == ["aws_codebuild_project", "build"]
    name = block.body.attr("name")
    assert name is not None and (name.name_span.line, name.name_span.col) == (6, 3)
    assert name.expr.kind == "template" and (name.expr.span.line, name.expr.span.col) == (6, 10)


def test_literal_locals_resolve_and_variables_stay_unknown():
    props = _project()
    name = props.get("Name")
    assert isinstance(name, Scalar) and name.value == "dev-build" and (name.line, name.col) == (6, 10)
    env = props.get("Environment")
    assert isinstance(env, Mapping)
    assert intrinsic(env.get("Image")) == "Ref"
    variables = env.get("EnvironmentVariables")
    assert isinstance(variables, Sequence) and len(variables) == 2
    assert intrinsic(variables.items[1]) == "Fn::ImportValue"  # the dynamic block: unknown items
    key = env.key_node("EnvironmentVariables")
    assert key is not None and (key.line, key.col) == (11, 5)


def test_heredoc_buildspec_is_linted_with_exact_positions(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(PROJECT.replace("        build:", "        buld:"))
    assert ("BS105", 28, 9) in triples(lint(str(path)))


def test_syntax_error_is_a_positioned_pl002(tmp_path):
    path = tmp_path / "broken.tf"
    path.write_text('resource "aws_codebuild_project" "b" {\n  name = "x",\n}\n')
    found = [f for f in lint(str(path)) if f.code == "PL002"]
    assert [(f.line, f.col) for f in found] == [(2, 13)]


def test_hcl_suppression_comments(tmp_path):
    # A YAML comment in a heredoc buildspec is read, as in a CloudFormation `BuildSpec: |` block.
    text = PROJECT.replace("        build:", "        buld: # pipelint: disable=BS105")
    path = tmp_path / "main.tf"
    path.write_text(text)
    assert "BS105" not in {f.code for f in lint(str(path))}
    path.write_text(PROJECT.replace("  source {", "  // pipelint: disable-file=BS105\n  source {").replace("        build:", "        buld:"))
    assert "BS105" not in {f.code for f in lint(str(path))}


def test_cold_path_does_not_import_the_parser(tmp_path):
    spec = tmp_path / "buildspec.yml"
    spec.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipelint", "check", str(spec)], capture_output=True, text=True,
                          timeout=60, env=env)
    assert proc.returncode == 0, proc.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert "pipelint.check_command" in imported or "pipelint.engine.runner" in imported  # the check ran
    assert not [m for m in imported if m.startswith(("tree_sitter", "pipelint.terraform"))]
    tf = tmp_path / "main.tf"
    tf.write_text(PROJECT)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipelint", "check", str(tf)], capture_output=True, text=True,
                          timeout=60, env=env)
    assert "tree_sitter_hcl" in proc.stderr  # the same measurement sees the parser when it is needed


def test_hostile_sizes_are_refused_before_parsing(tmp_path):
    deep = tmp_path / "deep.tf"
    deep.write_text("locals {\n  x = " + "[" * 300_000 + "]" * 300_000 + "\n}\n")
    assert [(f.code, f.line) for f in lint(str(deep))] == [("PL007", 1)]


def test_deep_nesting_under_the_limit_is_cut_not_recursed(tmp_path):
    nested = tmp_path / "nested.tf"
    nested.write_text("locals {\n  x = " + "[" * 5_000 + "]" * 5_000 + "\n}\n"
                      'resource "aws_codebuild_project" "p" {\n  name = "p"\n  description = local.x\n}\n')
    assert [f.code for f in lint(str(nested))] == []


def test_a_large_local_used_many_times_is_converted_once(tmp_path):
    # Converting the local at every use would build 3,000 copies of a 20,000-item list.
    big = ", ".join(f'"v{i}"' for i in range(20_000))
    uses = "".join(f"  a{i} = local.big\n" for i in range(3_000))
    text = f'locals {{\n  big = [{big}]\n{uses}}}\nresource "aws_codebuild_project" "p" {{\n  name = local.a1\n  description = local.big[3]\n}}\n'
    result = load_terraform(text, "main.tf", None)
    props = result.roots[0].get("Resources").get("aws_codebuild_project.p").get("Properties")
    name = props.get("Name") if isinstance(props, Mapping) else None
    assert isinstance(name, Sequence) and len(name) == 20_000  # local.a1 → local.big, the one converted list
    description = props.get("Description")
    assert isinstance(description, Scalar) and description.value == "v3" and (description.line, description.col) == (3006, 17)


def test_wording_of_cloudformation_snippets_in_terraform_files():
    from pipelint.terraform.wording import _segment, names

    table = dict(names(), Triggers="aws_codebuild_webhook")
    assert _segment("PrivilegedMode", table) == "privileged_mode"
    assert _segment("Source", table) == "Source"  # also a stage name or a category: left alone
    assert _segment("Type: SECRETS_MANAGER", table) == 'type = "SECRETS_MANAGER"'
    assert _segment("Type: SECRETS_MANAGER", table, json=True) == '"type": "SECRETS_MANAGER"'
    assert _segment("Status: ENABLED | DISABLED", table) == 'status = "ENABLED" | "DISABLED"'
    assert _segment("Environment.PrivilegedMode: true", table) == "environment { privileged_mode = true }"
    assert _segment("Configuration.EnvironmentVariables", table) == "configuration.EnvironmentVariables"
    assert _segment("Webhook: true", table) == "aws_codebuild_webhook"
    assert _segment("AutoRollbackConfiguration: {Enabled: true, Events: [DEPLOYMENT_FAILURE]}", table) is None
    assert _segment("!Sub ${AWS::StackName}-build", table) is None



def test_heredoc_buildspec_in_a_local_keeps_exact_positions(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('locals {\n  spec = <<-EOT\n    version: 0.2\n    phases:\n      buld:\n        commands: [make]\n  EOT\n}\n\n'
                    'resource "aws_codebuild_project" "p" {\n  name = "p"\n  source {\n    type      = "CODEPIPELINE"\n'
                    '    buildspec = local.spec\n  }\n}\n')
    assert ("BS105", 5, 7) in triples(lint(str(path)))


def test_buildspec_templates_that_are_not_yaml_until_rendered_are_unknown(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_codebuild_project" "p" {\n  name = "p"\n  source {\n    type      = "CODEPIPELINE"\n'
                    '    buildspec = <<-EOT\n      version: 0.2\n      phases:\n        build:\n          commands:\n'
                    '      %{ for c in var.commands }\n            - ${c}\n      %{ endfor }\n    EOT\n  }\n}\n')
    assert [f.code for f in lint(str(path))] == []  # no syntax error about text CodeBuild never sees
    path.write_text(path.read_text().replace("      %{ for c in var.commands }\n            - ${c}\n      %{ endfor }\n",
                                             "            - make ${var.target}\n        buld:\n          commands: [x]\n"))
    assert [f.code for f in lint(str(path))] == ["BS105"]  # interpolations alone: still linted
