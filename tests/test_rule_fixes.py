"""Every suggested fix must be right (issue 12, part 2).

Two kinds of test: one per corrected message (the fix that used to be wrong, on the input that
showed it), and a walk over every rule's documentation that lints the failing and the fixed
example: the failing one must trip the rule and the fixed one must not.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from typing import Any

import pytest

from helpers import lint
from pipelint.engine.registry import load_rules


def _write(tmp_path: Any, name: str, text: str) -> str:
    path = os.path.join(str(tmp_path), name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _only(findings: list[Any], code: str) -> list[Any]:
    return [f for f in findings if f.code == code]


# ---------------------------------------------------------------------------------------------
# One test per corrected message


def test_bs302_docker_runtime_says_delete_the_line(tmp_path: Any) -> None:
    """`docker: 18` cannot be selected on current x86_64 images: delete it, do not "use one of 23"."""
    path = _write(tmp_path, "buildspec.yml", "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      docker: 18\n"
                  "  build:\n    commands:\n      - docker build .\n")
    found = _only(lint(path), "BS302")
    assert [(f.line, f.col) for f in found] == [(5, 15)]
    assert found[0].fix == "delete the `docker:` line"
    assert "use one of" not in found[0].message and "Delete this line" in found[0].message
    assert str(found[0].severity) == "warning"


def test_bs302_other_runtimes_still_list_the_preinstalled_versions(tmp_path: Any) -> None:
    path = _write(tmp_path, "buildspec.yml", "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 12\n"
                  "  build:\n    commands:\n      - npm test\n")
    found = _only(lint(path), "BS302")
    assert [(f.line, f.col) for f in found] == [(5, 15)]
    assert found[0].fix is not None and found[0].fix.startswith("use one of 18")


_CFN_JSON = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"ProjectName": {"Type": "String"}},
    "Resources": {
        "Pipeline": {
            "Type": "AWS::CodePipeline::Pipeline",
            "Properties": {
                "RoleArn": "arn:aws:iam::123456789012:role/pipeline",
                "ArtifactStore": {"Type": "S3", "Location": "bucket"},
                "Stages": [
                    {"Name": "Source", "Actions": [{
                        "Name": "Source",
                        "ActionTypeId": {"Category": "Source", "Owner": "AWS", "Provider": "S3", "Version": "1"},
                        "Configuration": {"S3Bucket": "bucket", "S3ObjectKey": "app.zip"},
                        "OutputArtifacts": [{"Name": "${ProjectName}-Source"}]}]},
                    {"Name": "Deploy", "Actions": [{
                        "Name": "Deploy",
                        "ActionTypeId": {"Category": "Deploy", "Owner": "AWS", "Provider": "S3", "Version": "1"},
                        "Configuration": {"BucketName": "site", "Extract": "true"},
                        "InputArtifacts": [{"Name": "${ProjectName}-Source"}]}]},
                ],
            },
        }
    },
}


def test_cp106_fix_in_a_json_template_is_json(tmp_path: Any) -> None:
    """A `${…}` artifact name in a JSON template: the fix is `{"Fn::Sub": …}`, never `!Sub`."""
    path = _write(tmp_path, "pipeline.json", json.dumps(_CFN_JSON, indent=2))
    found = _only(lint(path), "CP106")
    assert len(found) == 2
    for finding in found:
        assert finding.fix == 'write `{"Fn::Sub": "${ProjectName}-Source"}`'
        assert "!Sub" not in finding.message + (finding.fix or "")
        json.loads(finding.fix[len("write `"):-1])  # the advice itself parses as JSON


def test_cp106_fix_in_a_yaml_template_uses_the_short_tag(tmp_path: Any) -> None:
    text = textwrap.dedent("""\
        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: bucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {S3Bucket: bucket, S3ObjectKey: app.zip}
                      OutputArtifacts: [{Name: "${AWS::StackName}-Source"}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {BucketName: site, Extract: "true"}
                      InputArtifacts: [{Name: "${AWS::StackName}-Source"}]
        """)
    path = _write(tmp_path, "pipeline.yaml", text)
    found = _only(lint(path), "CP106")
    assert [(f.line, f.col) for f in found] == [(13, 40), (19, 39)]
    assert found[0].fix == "write `!Sub ${AWS::StackName}-Source`"


def test_cp106_placeholder_is_called_a_placeholder(tmp_path: Any) -> None:
    """`%ServiceName%` is filled in by a generator; advice must not rename it `-ServiceName-`."""
    pipeline = {
        "pipeline": {
            "name": "%ServiceName%",
            "roleArn": "arn:aws:iam::123456789012:role/pipeline",
            "artifactStore": {"type": "S3", "location": "bucket"},
            "stages": [
                {"name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                    "configuration": {"S3Bucket": "bucket", "S3ObjectKey": "app.zip"},
                    "outputArtifacts": [{"name": "<SOURCE_ARTIFACT>"}]}]},
                {"name": "Deploy", "actions": [{
                    "name": "Deploy",
                    "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
                    "configuration": {"BucketName": "site", "Extract": "true"},
                    "inputArtifacts": [{"name": "<SOURCE_ARTIFACT>"}]}]},
            ],
        }
    }
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = _only(lint(path), "CP106")
    assert [(f.line, f.col) for f in found] == [(3, 13), (27, 25), (50, 25)]
    for finding in found:
        assert "placeholder" in finding.message
        assert finding.fix is not None and "placeholder" in finding.fix
        assert "-ServiceName-" not in finding.message + finding.fix
        assert "-SOURCE_ARTIFACT-" not in finding.message + finding.fix


def test_cp106_dollar_brace_in_a_cli_json_is_not_told_to_use_sub(tmp_path: Any) -> None:
    """A CLI JSON pipeline has no CloudFormation: `${X}` must be substituted before it is used."""
    pipeline = {"pipeline": {"name": "${APP}-pipeline", "roleArn": "arn:aws:iam::123456789012:role/p",
                             "artifactStore": {"type": "S3", "location": "bucket"}, "stages": []}}
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = _only(lint(path), "CP106")
    assert [(f.line, f.col) for f in found] == [(3, 13)]
    assert "Sub" not in found[0].message + (found[0].fix or "")
    assert "-APP--pipeline" not in (found[0].fix or "")


def test_cp120_fix_in_a_json_pipeline_is_json(tmp_path: Any) -> None:
    pipeline = {"pipeline": {"name": "app", "roleArn": "arn:aws:iam::123456789012:role/p", "stages": [
        {"name": "Source", "actions": [{
            "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"S3Bucket": "bucket", "S3ObjectKey": "app.zip"}, "outputArtifacts": [{"name": "Src"}]}]},
        {"name": "Deploy", "actions": [{
            "name": "Deploy", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"BucketName": "site", "Extract": "true"}, "inputArtifacts": [{"name": "Src"}]}]}]}}
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = _only(lint(path), "CP120")
    assert [(f.line, f.col) for f in found] == [(5, 5)]
    assert found[0].fix == 'add `"artifactStore": {"type": "S3", "location": "<bucket>"}`'


def test_as102_fix_in_a_json_appspec_is_json(tmp_path: Any) -> None:
    appspec = {"version": 1, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {
        "TaskDefinition": "<TASK_DEFINITION>", "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": "80"}}}}]}
    path = _write(tmp_path, "appspec.json", json.dumps(appspec, indent=2))
    findings = lint(path)
    version = _only(findings, "AS102")
    assert [(f.line, f.col) for f in version] == [(2, 14)]
    assert version[0].fix == 'write `"version": 0.0`'
    port = _only(findings, "AS403")
    assert [(f.line, f.col) for f in port] == [(11, 30)]
    assert port[0].fix == 'write `"ContainerPort": 80`'
