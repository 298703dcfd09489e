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
