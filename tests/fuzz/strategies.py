"""Hypothesis strategies for hostile and half-valid inputs of every document kind."""

from __future__ import annotations

import json

from hypothesis import strategies as st

KEYS = [
    # buildspec
    "version", "run-as", "env", "shell", "variables", "parameter-store", "secrets-manager", "exported-variables",
    "git-credential-helper", "proxy", "batch", "build-graph", "build-list", "build-matrix", "depend-on", "identifier",
    "phases", "install", "pre_build", "build", "post_build", "runtime-versions", "commands", "finally", "on-failure",
    "reports", "file-format", "files", "base-directory", "discard-paths", "artifacts", "secondary-artifacts", "name",
    "cache", "paths", "key", "python", "nodejs", "java",
    # appspec
    "os", "source", "destination", "permissions", "object", "pattern", "mode", "owner", "acls", "context", "type",
    "hooks", "Hooks", "BeforeInstall", "AfterInstall", "ApplicationStart", "ApplicationStop", "ValidateService",
    "location", "timeout", "runas", "file_exists_behavior", "Resources", "resources", "TargetService", "Type",
    "Properties", "TaskDefinition", "LoadBalancerInfo", "ContainerName", "ContainerPort", "Name", "Alias",
    "CurrentVersion", "TargetVersion", "BeforeAllowTraffic", "AfterAllowTraffic",
    # pipelines
    "pipeline", "stages", "actions", "Stages", "Actions", "ActionTypeId", "actionTypeId", "category", "Category",
    "owner", "Owner", "provider", "Provider", "InputArtifacts", "OutputArtifacts", "inputArtifacts", "outputArtifacts",
    "RunOrder", "runOrder", "Configuration", "configuration", "ProjectName", "Namespace", "namespace", "Region",
    "ArtifactStore", "ArtifactStores", "artifactStore", "roleArn", "PipelineType", "pipelineType", "Triggers",
    "Variables", "TemplatePath", "PrimarySource", "EnvironmentVariables", "Value", "OAuthToken", "BuildSpec",
    "Source", "Environment", "Image",
    # policies
    "Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal",
    "Condition", "AWS", "Service", "Sid", "PolicyDocument", "Policies", "AssumeRolePolicyDocument",
    # CloudFormation intrinsics
    "Ref", "Fn::Sub", "Fn::GetAtt", "Fn::If", "Fn::Join", "Condition",
]
SCALARS = [
    "0.2", "0.1", "0.0", "'0.0'", "0755", "0644", "3.10", "1.20", "yes", "no", "on", "~", "null", "''", "true",
    "*", "s3:*", "iam:PassRole", "arn:aws:iam::123456789012:root", "Allow", "Deny", "Source", "Build", "Deploy",
    "AWS", "CodeBuild", "S3", "CodeDeploy", "ECS", "CodePipeline", "1", "999", "-1", "#{SourceVariables.CommitId}",
    "${AWS::Region}", "$HOME", "echo hi: there", "linux", "windows", "scripts/start.sh", "/var/www", "AKIA",
    "AWS::CodePipeline::Pipeline", "AWS::CodeBuild::Project", "AWS::IAM::Role", "AWS::ECS::Service", "PLAINTEXT",
    "aws/codebuild/standard:7.0", "buildspec.yml", "!Ref X", "BeforeInstall", "V2", "QUEUED",
]

scalars = st.one_of(
    st.sampled_from(SCALARS),
    st.integers(min_value=-5, max_value=100_000),
    st.booleans(),
    st.none(),
    st.text(max_size=30),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=40,
)


def to_yaml(value: object, indent: int = 0) -> str:
    """A naive block-style YAML emitter that writes strings unquoted, to provoke YAML's traps."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:\n{to_yaml(item, indent + 1)}")
            else:
                out.append(f"{pad}{key}: {_scalar(item)}\n")
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                body = to_yaml(item, indent + 1)
                out.append(f"{pad}-\n{body}")
            else:
                out.append(f"{pad}- {_scalar(item)}\n")
        return "".join(out)
    return pad + _scalar(value) + "\n"


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return str(value).replace("\n", " ")


KIND_FILES = ["buildspec.yml", "appspec.yml", "appspec.json", "template.yml", "template.json", "pipeline.json", "policy.json"]


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name that selects a kind, and content: shaped, mutated, or random bytes."""
    name = draw(st.sampled_from(KIND_FILES))
    body = draw(documents)
    if name.startswith("template"):
        body = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": draw(st.sampled_from(SCALARS[40:52])), "Properties": body}}}
    elif name == "pipeline.json":
        body = {"pipeline": {"name": "p", "stages": body}}
    elif name == "policy.json":
        body = {"Version": "2012-10-17", "Statement": body}
    text = json.dumps(body, default=str) if name.endswith(".json") else to_yaml(body)
    mode = draw(st.sampled_from(["as-is", "as-is", "mutate", "bytes"]))
    data = text.encode("utf-8", "surrogatepass")
    if mode == "mutate" and data:
        for _ in range(draw(st.integers(min_value=1, max_value=5))):
            position = draw(st.integers(min_value=0, max_value=len(data)))
            junk = draw(st.binary(max_size=4))
            cut = draw(st.integers(min_value=0, max_value=3))
            data = data[:position] + junk + data[position + cut:]
    elif mode == "bytes":
        data = draw(st.binary(max_size=400))
    return name, data
