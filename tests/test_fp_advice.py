"""Advice that must hold when followed: the corpus review's items 5, 9, 10, 14, 15 and 17.

Each test pins the exact code, line and column of a finding and the advice it now gives (or
that it is gone), on a small file shaped like the corpus file the review read.
"""

from __future__ import annotations

import os
from typing import Any

from helpers import lint, triples

_PIPELINE = """\
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::111111111111:role/pipeline
      ArtifactStore: {Type: S3, Location: artifacts-bucket}
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
              Configuration: {RepositoryName: app, BranchName: main}
              OutputArtifacts: [{Name: Src}]
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
              Configuration: {ProjectName: !Ref Project}
              InputArtifacts: [{Name: Src}]
              OutputArtifacts: [{Name: Built}]
"""


def _write(tmp_path: Any, name: str, text: str) -> str:
    path = os.path.join(str(tmp_path), name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _one(findings: list[Any], code: str, line: int, col: int) -> Any:
    [finding] = [f for f in findings if (f.code, f.line, f.col) == (code, line, col)]
    return finding


# --- item 5: CP406 ---------------------------------------------------------------------------

_CP406_PLAIN = """\
Resources:
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/build
      Source:
        Type: GITHUB
        Location: https://github.com/acme/app.git
      Artifacts:
        Type: NO_ARTIFACTS
      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
""" + _PIPELINE


def test_cp406_advice_sets_both_types_and_removes_the_location(tmp_path: Any) -> None:
    findings = lint(_write(tmp_path, "template.yaml", _CP406_PLAIN), select=["CP406"])
    assert triples(findings) == [("CP406", 7, 15), ("CP406", 10, 15)]
    source = _one(findings, "CP406", 7, 15)
    assert source.fix == ("set both `Source.Type` and `Artifacts.Type` to `CODEPIPELINE` (CodeBuild rejects a project with only one); "
                          "remove `Source.Location`; builds started from the repository need a project of their own")
    artifacts = _one(findings, "CP406", 10, 15)
    assert artifacts.fix == source.fix
    assert "a setting unused in the pipeline" in artifacts.message
    assert "expects output artifact" not in artifacts.message
    assert artifacts.edit is None and source.edit is None


def test_cp406_webhook_project_is_told_to_give_the_pipeline_its_own_project(tmp_path: Any) -> None:
    text = _CP406_PLAIN.replace("      Artifacts:\n", "      Triggers:\n        Webhook: true\n      Artifacts:\n")
    findings = lint(_write(tmp_path, "template.yaml", text), select=["CP406"])
    assert triples(findings) == [("CP406", 7, 15), ("CP406", 12, 15)]
    source = _one(findings, "CP406", 7, 15)
    assert "(and serves its own webhook)" in source.message
    assert source.fix == ("give the pipeline a project of its own with both `Source.Type` and `Artifacts.Type` set to `CODEPIPELINE`, "
                          "and keep this one for webhook builds (a `CODEPIPELINE` source cannot have a webhook)")
    assert _one(findings, "CP406", 12, 15).fix == source.fix


def test_cp406_artifact_settings_other_than_type_are_named(tmp_path: Any) -> None:
    text = _CP406_PLAIN.replace("        Type: NO_ARTIFACTS\n", "        Type: S3\n        Location: out-bucket\n        EncryptionDisabled: true\n")
    findings = lint(_write(tmp_path, "template.yaml", text), select=["CP406"])
    assert triples(findings) == [("CP406", 7, 15)]
    assert _one(findings, "CP406", 7, 15).fix == (
        "set both `Source.Type` and `Artifacts.Type` to `CODEPIPELINE` (CodeBuild rejects a project with only one); "
        "remove `Source.Location`; remove the other artifact settings (keep only `Artifacts.Type`); builds started from the repository need a project of their own")


def test_cp406_terraform_advice_names_terraform_blocks() -> None:
    from helpers import fixture

    findings = lint(fixture("terraform", "wording", "pipeline.tf"), select=["CP406"])
    assert triples(findings) == [("CP406", 22, 16), ("CP406", 25, 22)]
    source = _one(findings, "CP406", 22, 16)
    assert source.fix == ("give the pipeline a project of its own with both `source.type` and `artifacts.type` set to `CODEPIPELINE`, "
                          "and keep this one for webhook builds (a `CODEPIPELINE` source cannot have a webhook)")


# --- item 10: SEC003 and TPL001 on `aws` CLI input files ---------------------------------------

# A made-up token of the shape GitHub gives personal access tokens (not a real credential).
_TOKEN = "ghp_" + "Zq8Lm3Xv7Rt2Wn5Kp9Yd4Hs6Jc1Bf0Ga" + "TeUo"

_CLI_PIPELINE = """\
{
  "pipeline": {
    "name": "app",
    "roleArn": "arn:aws:iam::111111111111:role/pipeline",
    "artifactStore": {"type": "S3", "location": "artifacts-bucket"},
    "stages": [
      {"name": "Source", "actions": [
        {"name": "Source",
         "actionTypeId": {"category": "Source", "owner": "ThirdParty", "provider": "GitHub", "version": "1"},
         "configuration": {"Owner": "acme", "Repo": "app", "Branch": "main", "OAuthToken": "TOKEN"},
         "outputArtifacts": [{"name": "Src"}], "runOrder": 1}]},
      {"name": "Build", "actions": [
        {"name": "Build",
         "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
         "configuration": {"ProjectName": "arn:aws:codebuild:us-east-1:123456789012:project/app"},
         "inputArtifacts": [{"name": "Src"}], "runOrder": 1}]}
    ],
    "version": 1
  }
}
"""


def test_sec003_in_a_cli_pipeline_file_advises_a_connection_not_a_dynamic_reference(tmp_path: Any) -> None:
    findings = lint(_write(tmp_path, "codepipeline.json", _CLI_PIPELINE.replace("TOKEN", _TOKEN)), select=["SEC003"])
    assert triples(findings) == [("SEC003", 10, 93)]
    finding = _one(findings, "SEC003", 10, 93)
    assert "{{resolve" not in finding.message and "{{resolve" not in (finding.fix or "")
    assert finding.fix == ("use a CodeStar connection instead of the GitHub (version 1) OAuth action (`Provider: CodeStarSourceConnection` "
                           "with a `ConnectionArn`), or fill the token in at deploy time from Secrets Manager and keep it out of the file")
    assert _TOKEN not in finding.message


def test_sec003_in_a_template_keeps_the_dynamic_reference_advice(tmp_path: Any) -> None:
    text = "Resources:\n" + _PIPELINE.replace(
        "Owner: AWS, Provider: CodeCommit", "Owner: ThirdParty, Provider: GitHub").replace(
        "{RepositoryName: app, BranchName: main}", "{Owner: acme, Repo: app, Branch: main, OAuthToken: " + _TOKEN + "}")
    findings = lint(_write(tmp_path, "template.yaml", text), select=["SEC003"])
    assert triples(findings) == [("SEC003", 12, 81)]
    assert (_one(findings, "SEC003", 12, 81).fix or "").startswith(
        "read it with a dynamic reference such as `'{{resolve:secretsmanager:my/secret:SecretString:token}}'`")


def test_tpl001_in_cli_files_advises_generating_the_file(tmp_path: Any) -> None:
    pipeline = lint(_write(tmp_path, "codepipeline.json", _CLI_PIPELINE.replace("TOKEN", "x")), select=["TPL001"])
    assert triples(pipeline) == [("TPL001", 15, 43)]
    cli_fix = ("replace it with the real value, or generate the file at deploy time (e.g. with `envsubst`): the `aws` CLI "
               "sends the file as written")
    assert _one(pipeline, "TPL001", 15, 43).fix == cli_fix
    project = _write(tmp_path, "create-project.json", """\
{
    "name": "<codebuild-project-name>",
    "source": {"type": "S3", "location": "my-bucket/app.zip", "buildspec": "buildspec.yml"},
    "artifacts": {"type": "NO_ARTIFACTS"},
    "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"},
    "serviceRole": "arn:aws:iam::111111111111:role/build"
}
""")
    found = lint(project, select=["TPL001"])
    assert triples(found) == [("TPL001", 2, 13)]
    assert _one(found, "TPL001", 2, 13).fix == cli_fix


def test_tpl001_in_terraform_gives_terraform_references(tmp_path: Any) -> None:
    path = _write(tmp_path, "main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "YOUR_BUCKET_NAME"\n}\n'
                  'resource "aws_codebuild_project" "p" {\n  name         = "p"\n'
                  '  service_role = "arn:aws:iam::123456789012:role/build"\n'
                  '  artifacts { type = "NO_ARTIFACTS" }\n  source { type = "NO_SOURCE" }\n'
                  '  environment {\n    compute_type = "BUILD_GENERAL1_SMALL"\n    image = "aws/codebuild/standard:7.0"\n'
                  '    type = "LINUX_CONTAINER"\n  }\n}\n')
    found = lint(path, select=["TPL001"])
    assert triples(found) == [("TPL001", 6, 18)]
    assert _one(found, "TPL001", 6, 18).fix == \
        "replace it with the real value, or a reference (`var.<name>`, `data.aws_caller_identity.current.account_id`)"


# --- item 9: CB010 ----------------------------------------------------------------------------

def _cb010_template(location: str, bucket: str = "") -> str:
    return ("Parameters:\n  SiteBucketName: {Type: String}\nResources:\n" + bucket + """\
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/build
      Artifacts:
        Type: S3
        Location: LOCATION
        EncryptionDisabled: true
      Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
""".replace("LOCATION", location))


_WEBSITE_BUCKET = """\
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: acme-site
      WebsiteConfiguration: {IndexDocument: index.html}
"""


def test_cb010_message_says_s3_still_encrypts(tmp_path: Any) -> None:
    findings = lint(_write(tmp_path, "template.yaml", _cb010_template("!Ref SiteBucketName")), select=["CB010"])
    assert triples(findings) == [("CB010", 11, 29)]
    finding = _one(findings, "CB010", 11, 29)
    assert "unencrypted" not in finding.message
    assert finding.message == (
        "CodeBuild project `Project` writes its build artifacts without CodeBuild's KMS encryption (S3 still applies SSE-S3), so "
        "reading them needs no `kms:Decrypt`; remove `EncryptionDisabled: true` unless an S3 website endpoint serves them (it cannot "
        "serve SSE-KMS objects)")
    assert finding.fix == "remove `EncryptionDisabled: true`, unless an S3 website endpoint serves the bucket"


def test_cb010_skips_a_website_bucket_of_the_template(tmp_path: Any) -> None:
    for index, location in enumerate(["!Ref Site", "!Sub 'arn:aws:s3:::${Site}'", "acme-site", "!GetAtt Site.Arn"]):
        path = _write(tmp_path, f"template{index}.yaml", _cb010_template(location, _WEBSITE_BUCKET))
        assert triples(lint(path, select=["CB010"])) == [], location


def test_cb010_still_reports_a_bucket_without_website_configuration(tmp_path: Any) -> None:
    plain = _WEBSITE_BUCKET.replace("      WebsiteConfiguration: {IndexDocument: index.html}\n", "")
    path = _write(tmp_path, "template.yaml", _cb010_template("!Ref Site", plain))
    assert triples(lint(path, select=["CB010"])) == [("CB010", 15, 29)]


# --- item 14: BS302 on an image AWS no longer maintains -----------------------------------------

def _project_with_runtime(image: str, runtime: str, version: str) -> str:
    return f"""\
Resources:
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/build
      Artifacts: {{Type: NO_ARTIFACTS}}
      Source:
        Type: GITHUB
        Location: https://github.com/acme/app.git
        BuildSpec: |
          version: 0.2
          phases:
            install:
              runtime-versions:
                {runtime}: "{version}"
            build:
              commands:
                - make
      Environment: {{Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: {image}}}
"""


def test_bs302_on_an_unsupported_image_advises_a_maintained_image(tmp_path: Any) -> None:
    """cfn-pipeline/087: python 3.9 on amazonlinux2-x86_64-standard:2.0, whose only Python is 3.8."""
    path = _write(tmp_path, "template.yaml", _project_with_runtime("aws/codebuild/amazonlinux2-x86_64-standard:2.0", "python", "3.9"))
    findings = lint(path, select=["BS302"])
    assert triples(findings) == [("BS302", 15, 25)]
    finding = _one(findings, "BS302", 15, 25)
    assert str(finding.severity) == "warning"
    assert "(an image AWS no longer maintains)" in finding.message
    assert finding.fix == ("move the project to a maintained image that preinstalls python 3.9, "
                           "e.g. `aws/codebuild/amazonlinux-x86_64-standard:5.0`")
    assert finding.edit is None


def test_bs302_on_an_unmaintained_image_never_offers_its_old_versions(tmp_path: Any) -> None:
    """standard:6.0 (unmaintained) has only Python 3.10: CodeBuild fails on 3.12, and the way out
    is standard:8.0 or 7.0, not Python 3.10."""
    path = _write(tmp_path, "template.yaml", _project_with_runtime("aws/codebuild/standard:6.0", "python", "3.12"))
    findings = lint(path, select=["BS302"])
    assert triples(findings) == [("BS302", 15, 25)]
    finding = _one(findings, "BS302", 15, 25)
    assert str(finding.severity) == "error"
    assert finding.fix == "move the project to a maintained image that preinstalls python 3.12, e.g. `aws/codebuild/standard:8.0`"
    assert "3.10" not in (finding.fix or "")


def test_bs302_on_a_maintained_image_still_suggests_its_versions(tmp_path: Any) -> None:
    path = _write(tmp_path, "template.yaml", _project_with_runtime("aws/codebuild/standard:8.0", "python", "3.9"))
    findings = lint(path, select=["BS302"])
    assert triples(findings) == [("BS302", 15, 25)]
    assert _one(findings, "BS302", 15, 25).fix == "use one of 3.10, 3.11, 3.12, 3.13, 3.14"


def test_bs302_when_no_maintained_image_has_the_version_it_names_the_newest(tmp_path: Any) -> None:
    path = _write(tmp_path, "template.yaml", _project_with_runtime("aws/codebuild/amazonlinux2-x86_64-standard:1.0", "python", "3.8"))
    findings = lint(path, select=["BS302"])
    assert triples(findings) == [("BS302", 15, 25)]
    assert _one(findings, "BS302", 15, 25).fix == (
        "move the project to a maintained image, e.g. `aws/codebuild/amazonlinux-x86_64-standard:6.0`, and use one of its python "
        "versions (3.10, 3.11, 3.12, 3.13, 3.14)")


# --- item 15: CB008 when the inline buildspec builds containers ---------------------------------

def _privileged_project(commands: str, triggers: str = "") -> str:
    return """\
Resources:
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/build
      Artifacts: {Type: NO_ARTIFACTS}
      Environment:
        Type: LINUX_CONTAINER
        ComputeType: BUILD_GENERAL1_SMALL
        Image: aws/codebuild/standard:7.0
        PrivilegedMode: true
      Source:
        Type: GITHUB
        Location: https://github.com/acme/app.git
        BuildSpec: |
          version: 0.2
          phases:
            build:
              commands:
""" + commands + triggers


_PULL_REQUESTS_FROM_ANYONE = """\
      Triggers:
        Webhook: true
        FilterGroups:
          - - Type: EVENT
              Pattern: PULL_REQUEST_CREATED
"""


def test_cb008_note_is_left_out_when_the_inline_buildspec_builds_images(tmp_path: Any) -> None:
    cases = {
        "build": "                - docker build -t app .\n",
        "buildx": "                - docker buildx build --platform linux/arm64 -t app .\n",
        "push": "                - aws ecr get-login-password | docker login --username AWS --password-stdin $REPO\n"
                "                - docker push $REPO:latest\n",
        "compose": "                - docker-compose up -d\n",
        "sam": "                - sam build --use-container --template template.yaml\n",
    }
    for name, commands in cases.items():
        path = _write(tmp_path, f"{name}.yaml", _privileged_project(commands))
        assert triples(lint(path, select=["CB008"])) == [], name
    sub = _privileged_project("                - docker build -t ${AWS::AccountId}.dkr.ecr/app .\n").replace("BuildSpec: |", "BuildSpec: !Sub |")
    assert triples(lint(_write(tmp_path, "sub.yaml", sub), select=["CB008"])) == []


def test_cb008_note_stays_when_docker_is_only_in_a_comment_or_absent(tmp_path: Any) -> None:
    for name, commands in {"comment": "                # - docker build -t app .\n                - make\n",
                           "plain": "                - sam build\n"}.items():
        findings = lint(_write(tmp_path, f"{name}.yaml", _privileged_project(commands)), select=["CB008"])
        assert triples(findings) == [("CB008", 11, 25)], name
        assert str(_one(findings, "CB008", 11, 25).severity) == "note"


def test_cb008_warning_for_untrusted_pull_requests_is_kept_even_when_building_images(tmp_path: Any) -> None:
    path = _write(tmp_path, "template.yaml", _privileged_project("                - docker build -t app .\n",
                                                                  _PULL_REQUESTS_FROM_ANYONE))
    findings = lint(path, select=["CB008"])
    assert triples(findings) == [("CB008", 11, 25)]
    assert str(_one(findings, "CB008", 11, 25).severity) == "warning"


# --- item 17: small message points ------------------------------------------------------------

def test_as001_overwrite_key_when_file_exists_behavior_is_already_set(tmp_path: Any) -> None:
    """appspec/035: `overwrite: yes` in a files entry, and `file_exists_behavior: OVERWRITE` on the next line."""
    text = ("version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /home/ec2-user/app\n    overwrite: yes\n"
            "file_exists_behavior: OVERWRITE\n")
    findings = lint(_write(tmp_path, "appspec.yml", text), select=["AS001"])
    assert triples(findings) == [("AS001", 6, 5)]
    finding = _one(findings, "AS001", 6, 5)
    assert finding.fix == "remove the key"
    assert "already decides what happens to files that exist, so remove it" in finding.message
    assert "set `file_exists_behavior: OVERWRITE`" not in finding.message
    without = lint(_write(tmp_path, "other.yml", text.replace("file_exists_behavior: OVERWRITE\n", "")), select=["AS001"])
    assert _one(without, "AS001", 6, 5).fix == "replace it with top-level `file_exists_behavior: OVERWRITE`"


def test_as001_names_a_stray_character_before_a_top_level_event(tmp_path: Any) -> None:
    """appspec/044: `\\   AfterInstall:` at the top level."""
    text = ("version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: scripts/a.sh\n"
            "\\   AfterInstall:\n    - location: scripts/b.sh\n")
    findings = lint(_write(tmp_path, "appspec.yml", text), select=["AS001"])
    assert triples(findings) == [("AS001", 6, 1)]
    assert "(the key is written `\\   AfterInstall`: remove what precedes the name)" in _one(findings, "AS001", 6, 1).message


_PR_PROJECT = """\
Resources:
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/build
      Artifacts: {Type: NO_ARTIFACTS}
      Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
      Triggers:
        Webhook: true
        FilterGroups:
          - - Type: EVENT
              Pattern: PULL_REQUEST_CREATED
"""


def test_cb005_names_the_cb003_finding_on_the_same_group(tmp_path: Any) -> None:
    findings = lint(_write(tmp_path, "template.yaml", _PR_PROJECT), select=["CB003", "CB004", "CB005"])
    assert triples(findings) == [("CB003", 13, 24), ("CB005", 7, 7)]
    assert _one(findings, "CB005", 7, 7).message.endswith("(CB003 reports the missing comment approval of the same group)")
    privileged = _PR_PROJECT.replace("Image: aws/codebuild/standard:7.0}", "Image: aws/codebuild/standard:7.0, PrivilegedMode: true}")
    findings = lint(_write(tmp_path, "privileged.yaml", privileged), select=["CB003", "CB004", "CB005"])
    assert triples(findings) == [("CB004", 13, 24), ("CB005", 7, 7)]
    assert _one(findings, "CB005", 7, 7).message.endswith("(CB004 reports the missing comment approval of the same group)")


def test_cb005_with_comment_approval_has_no_cross_reference(tmp_path: Any) -> None:
    text = _PR_PROJECT.replace("        Webhook: true\n", "        Webhook: true\n        PullRequestBuildPolicy: {RequiresCommentApproval: ALL_PULL_REQUESTS}\n")
    findings = lint(_write(tmp_path, "template.yaml", text), select=["CB003", "CB004", "CB005"])
    assert triples(findings) == [("CB005", 7, 7)]
    assert "reports the missing comment approval" not in _one(findings, "CB005", 7, 7).message


def test_cp203_is_left_out_when_cp116_or_cp111_explain_the_unused_output(tmp_path: Any) -> None:
    """cfn-pipeline/006: the deploy action's `InputArtifacts` is indented into `ActionTypeId`."""
    nested = "Resources:\n" + _PIPELINE.replace(
        "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: \"1\"}\n"
        "              Configuration: {ProjectName: !Ref Project}\n"
        "              InputArtifacts: [{Name: Src}]\n",
        "              ActionTypeId:\n                Category: Build\n                Owner: AWS\n                Provider: CodeBuild\n"
        "                Version: \"1\"\n                InputArtifacts: [{Name: Src}]\n"
        "              Configuration: {ProjectName: app}\n")
    findings = lint(_write(tmp_path, "nested.yaml", nested), select=["CP111", "CP116", "CP203"])
    assert [code for code, _, _ in triples(findings)] == ["CP111", "CP116"]
    plain = "Resources:\n" + _PIPELINE.replace("              InputArtifacts: [{Name: Src}]\n", "").replace("!Ref Project", "app")
    findings = lint(_write(tmp_path, "plain.yaml", plain), select=["CP111", "CP203"])
    assert [code for code, _, _ in triples(findings)] == ["CP111"]
    unwired = "Resources:\n" + _PIPELINE.replace("!Ref Project", "app").replace(
        "OutputArtifacts: [{Name: Src}]", "OutputArtifacts: [{Name: Src}]\n        - Name: Extra\n          Actions:\n"
        "            - Name: Extra\n              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: \"1\"}\n"
        "              Configuration: {RepositoryName: other, BranchName: main}\n              OutputArtifacts: [{Name: Other}]", 1)
    findings = lint(_write(tmp_path, "unwired.yaml", unwired), select=["CP111", "CP203"])
    assert triples(findings) == [("CP203", 19, 40)]  # an unused source output with every input wired is still reported
