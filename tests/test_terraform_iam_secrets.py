"""Secrets written in Terraform are found and never shown in full, in any output format.

Tokens with shapes push protection knows are assembled at run time, never stored in files.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from helpers import lint, triples
from pipelint.cli import main

FORMATS = ["text", "json", "sarif", "github", "junit", "html", "gitlab", "checkstyle", "rdjson"]
BODY = "Zx9kq2LmN8vB4cR7tY1uI0oP3aS6dF5gH2jK"
SECRETS = {
    "source_credential": "gh" + "p_" + BODY,
    "webhook": "d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9",
    "env_password": "Vq7-Lr2m-Xs9k-Tf3",
    "variable_default": "gh" + "p_" + BODY[::-1],
    "provider_key_id": "AKIA" + "QW3ERT5YUI7OPA2S",
    "local_token": "c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0",
}


def _module(root) -> None:
    s = SECRETS
    (root / "main.tf").write_text(f'''provider "aws" {{
  region     = "eu-west-1"
  access_key = "{s["provider_key_id"]}"
}}

variable "github_token" {{
  type    = string
  default = "{s["variable_default"]}"
}}

locals {{
  api_token = "{s["local_token"]}"
}}

resource "aws_codebuild_source_credential" "github" {{
  auth_type   = "PERSONAL_ACCESS_TOKEN"
  server_type = "GITHUB"
  token       = "{s["source_credential"]}"
}}

resource "aws_codepipeline_webhook" "github" {{
  name            = "github"
  authentication  = "GITHUB_HMAC"
  target_action   = "Source"
  target_pipeline = "app"
  authentication_configuration {{
    secret_token = "{s["webhook"]}"
  }}
  filter {{
    json_path    = "$.ref"
    match_equals = "refs/heads/main"
  }}
}}

resource "aws_codebuild_project" "build" {{
  name         = "build"
  service_role = "arn:aws:iam::123456789012:role/build"
  artifacts {{
    type = "NO_ARTIFACTS"
  }}
  environment {{
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"
    environment_variable {{
      name  = "DB_PASSWORD"
      value = "{s["env_password"]}"
    }}
  }}
  source {{
    type      = "NO_SOURCE"
    buildspec = <<-EOT
      version: 0.2
      phases:
        build:
          commands:
            - make
    EOT
  }}
}}
''')


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    root = tmp_path_factory.mktemp("tf-secrets")
    _module(root)
    return root


def _run(root, fmt: str) -> str:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "-j", "1", "--select", "SEC", "--format", fmt, str(root)])
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_every_secret_is_found_once_with_a_redacted_value(module):
    findings = json.loads(_run(module, "json"))["findings"]
    assert sorted((f["code"], f["line"], f["column"]) for f in findings) == [
        ("SEC002", 47, 16), ("SEC004", 18, 18), ("SEC005", 27, 21), ("SEC009", 3, 17), ("SEC009", 8, 14), ("SEC009", 12, 16)]
    messages = "\n".join(f["message"] for f in findings)
    for name, secret in SECRETS.items():
        assert f"{secret[: min(4, len(secret) // 4)]}…({len(secret)} chars)" in messages, name


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_output(module, fmt):
    output = _run(module, fmt)
    assert "SEC00" in output
    for name, secret in SECRETS.items():
        assert secret not in output, f"{name} leaked in {fmt} output"


def test_text_output_shows_masked_code_frames(module):
    output = _run(module, "text")
    assert " | " in output and "token       = " in output


@pytest.mark.parametrize("value", [
    "var.github_token",
    "data.aws_ssm_parameter.github_personal_access_token[0].value",
    "aws_ssm_parameter.token.value",
    '"${var.github_token}"',
])
def test_token_from_an_expression_is_not_reported(tmp_path, value):
    path = tmp_path / "main.tf"
    path.write_text(f'''resource "aws_codebuild_source_credential" "github" {{
  auth_type   = "PERSONAL_ACCESS_TOKEN"
  server_type = "GITHUB"
  token       = {value}
}}
''')
    assert triples(lint(str(path), select=["SEC"])) == []


def test_an_arn_naming_a_secret_is_not_a_secret(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('''resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ci-docker-hub-credentials-R0RwGG"
    }]
  })
}
''')
    assert triples(lint(str(path), select=["SEC"])) == []


def test_codebuild_action_environment_variables_in_jsonencode(tmp_path):
    token = "7f9c2ba4e88f827d616045aa"
    path = tmp_path / "main.tf"
    path.write_text(f'''resource "aws_codepipeline" "p" {{
  name     = "p"
  role_arn = "arn:aws:iam::123456789012:role/p"
  artifact_store {{
    location = "bucket"
    type     = "S3"
  }}
  stage {{
    name = "Build"
    action {{
      name     = "Build"
      category = "Build"
      owner    = "AWS"
      provider = "CodeBuild"
      version  = "1"
      configuration = {{
        ProjectName = "build"
        EnvironmentVariables = jsonencode([
          {{ name = "IMAGE_TAG", value = "latest", type = "PLAINTEXT" }},
          {{ name = "API_TOKEN", value = "{token}", type = "PLAINTEXT" }},
          {{ name = "DB_PASSWORD", value = var.db_password, type = "PLAINTEXT" }},
        ])
      }}
    }}
  }}
}}
''')
    # A jsonencode of known values is the JSON string CloudFormation would hold: SEC006 reads it
    # and points at the value in HCL; with an unknown entry the list is unknown and not read.
    findings = lint(str(path), select=["SEC"])
    assert triples(findings) == []  # the third entry's value is unknown: the whole list is
    path.write_text(path.read_text().replace("          { name = \"DB_PASSWORD\", value = var.db_password, type = \"PLAINTEXT\" },\n", ""))
    findings = lint(str(path), select=["SEC"])
    assert triples(findings) == [("SEC006", 20, 42)]
    assert "`configuration.EnvironmentVariables`" in findings[0].message and token not in findings[0].message
