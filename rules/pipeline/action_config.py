"""CP115–CP117: the values inside an action that CloudFormation passes on unchecked.

A CLI pipeline file is checked against the API shape by CP001; a CloudFormation pipeline is
not, so an action ``Version`` that is not a string of digits, action keys written inside
``ActionTypeId`` and configuration values outside the lists the action reference gives are
checked here, for ``AWS::CodePipeline::Pipeline`` resources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Report, Scalar, did_you_mean, intrinsic, rule
from pipelint.models.pipeline import Action, pipeline_of, text_of

# ActionTypeId.Version in the CodePipeline API: 1-9 characters from [0-9A-Za-z_-].
_VERSION_PATTERN = re.compile(r"[0-9A-Za-z_-]{1,9}")
_DIGITS = re.compile(r"[0-9]+")
_TYPE_KEYS = ("Category", "Owner", "Provider", "Version")
# Keys of an action (ActionDeclaration) that are sometimes indented one level too deep.
_ACTION_KEYS = (
    "Name", "InputArtifacts", "OutputArtifacts", "Configuration", "RunOrder", "RoleArn", "Region", "Namespace",
    "Commands", "OutputVariables", "EnvironmentVariables", "TimeoutInMinutes",
)


@rule("CP115", "action-version-format", severity="error", kinds=("pipeline",), flavors=("cfn",))
def action_version_format(doc: Document, config: Any) -> Iterator[Report]:
    """An AWS or ThirdParty action's ``Version`` must be a string of digits (``"1"``).

    cfn-lint reports ``Version: 1.0`` and ``Version: "v1"`` in CloudFormation pipelines; in a
    CLI pipeline file CP001 checks the same value against the API shape. A ``Custom`` action
    type may have been registered with another version string, so only characters the API
    refuses are reported for it.

    Why: every action type AWS provides (and the GitHub version 1 ThirdParty action) exists in
    version ``1`` only, and YAML reads an unquoted ``1.0`` as a number that CloudFormation
    passes on as ``"1.0"``.

    AWS behaviour: a version with a character outside ``[0-9A-Za-z_-]`` (or longer than 9
    characters) fails the ``AWS::CodePipeline::Pipeline`` resource schema's pattern, so the
    resource ends in CREATE_FAILED/UPDATE_FAILED with a properties validation error; any other
    version of an AWS action names an action type that does not exist, which CodePipeline
    refuses with InvalidActionDeclarationException (the exact message is not recorded). Source:
    CodePipeline API Reference, ActionTypeId.version (pattern ``[0-9A-Za-z_-]+``, length 1-9);
    AWS CodePipeline User Guide, action reference pages (each gives ``Version: 1``).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::111111111111:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: 1.0}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::111111111111:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
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
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]
    """
    for action in pipeline_of(doc).actions:
        node = action.version_node
        if not isinstance(node, Scalar) or isinstance(node.value, bool) or node.value is None:
            continue
        version = text_of(node)
        if version is None or _DIGITS.fullmatch(version):
            continue
        shown = version if len(version) <= 20 else version[:20] + "…"
        if not _VERSION_PATTERN.fullmatch(version):
            yield Report(node, f"action `{action.label}` has `Version: {shown}`; an action type version is 1 to 9 letters, "
                               "digits, `_` or `-`" + (" (YAML read `1.0` as a number)" if isinstance(node.value, float) else ""),
                         fix='write `Version: "1"`')
        elif action.owner in ("AWS", "ThirdParty"):
            yield Report(node, f"action `{action.label}` has `Version: {shown}`; {action.owner} action types exist in "
                               'version `"1"` only', fix='write `Version: "1"`')


@rule("CP116", "action-keys-in-action-type-id", severity="error", kinds=("pipeline",), flavors=("cfn",))
def action_keys_in_action_type_id(doc: Document, config: Any) -> Iterator[Report]:
    """``ActionTypeId`` holds a key other than ``Category``, ``Owner``, ``Provider`` and ``Version``.

    Usually ``InputArtifacts``, ``Configuration`` or ``RunOrder`` indented one level too deep,
    so that they sit inside ``ActionTypeId`` instead of beside it.

    Why: the action then has no inputs or configuration of its own, and what other checks see
    are only the symptoms (an output nobody uses); the stack fails on the nested key.

    AWS behaviour: ``ActionTypeId`` allows no other properties in the
    ``AWS::CodePipeline::Pipeline`` resource schema, so CloudFormation fails the resource
    (CREATE_FAILED/UPDATE_FAILED) with a properties validation error naming the extraneous key.
    Source: CloudFormation resource type schema AWS::CodePipeline::Pipeline (ActionTypeId:
    ``additionalProperties: false``); CloudFormation User Guide, "AWS::CodePipeline::Pipeline
    ActionTypeId" (four properties).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::111111111111:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
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
                      ActionTypeId:
                        Category: Build
                        Owner: AWS
                        Provider: CodeBuild
                        Version: "1"
                        InputArtifacts: [{Name: Src}]
                      Configuration: {ProjectName: app}

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::111111111111:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
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
                      ActionTypeId:
                        Category: Build
                        Owner: AWS
                        Provider: CodeBuild
                        Version: "1"
                      InputArtifacts: [{Name: Src}]
                      Configuration: {ProjectName: app}
    """
    for action in pipeline_of(doc).actions:
        type_node = action.type_node
        if not isinstance(type_node, Mapping) or intrinsic(type_node) is not None:
            continue
        for key, _ in type_node.pairs:
            if not isinstance(key, Scalar):
                continue
            name = key.text
            if name in _TYPE_KEYS:
                continue
            if name in _ACTION_KEYS:
                taken = " (the action has one already)" if name in action.node else ""
                yield Report(key, f"`{name}` of action `{action.label}` is inside `ActionTypeId`, which takes only Category, "
                                  f"Owner, Provider and Version{taken}; CloudFormation rejects it",
                             fix=f"unindent `{name}` to the level of `ActionTypeId`")
            else:
                best = did_you_mean(name, _TYPE_KEYS)
                yield Report(key, f"`ActionTypeId` of action `{action.label}` has the key `{name[:40]}`; it takes only "
                                  "Category, Owner, Provider and Version, and CloudFormation rejects others",
                             fix=f"write `{best}`" if best else f"remove `{name[:40]}`")


_BOOLEAN = ("true", "false")
_FORMATS = ("CODE_ZIP", "CODEBUILD_CLONE_REF")
_CANNED_ACLS = ("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
                "bucket-owner-full-control", "log-delivery-write")
_CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
# provider -> configuration key -> (allowed values, case matters, comma-separated list)
_ENUMS: dict[str, dict[str, tuple[tuple[str, ...], bool, bool]]] = {
    "CodeStarSourceConnection": {"OutputArtifactFormat": (_FORMATS, True, False), "DetectChanges": (_BOOLEAN, False, False)},
    "CodeCommit": {"OutputArtifactFormat": (_FORMATS, True, False), "PollForSourceChanges": (_BOOLEAN, False, False)},
    "S3": {"PollForSourceChanges": (_BOOLEAN, False, False), "Extract": (_BOOLEAN, False, False), "CannedACL": (_CANNED_ACLS, True, False)},
    "GitHub": {"PollForSourceChanges": (_BOOLEAN, False, False)},
    "CodeBuild": {"BatchEnabled": (_BOOLEAN, False, False), "CombineArtifacts": (_BOOLEAN, False, False)},
    "CloudFormation": {
        "ActionMode": (("CHANGE_SET_EXECUTE", "CHANGE_SET_REPLACE", "CREATE_UPDATE", "DELETE_ONLY", "REPLACE_ON_FAILURE"), True, False),
        "Capabilities": (_CAPABILITIES, True, True),
    },
}


def _enum_problem(action: Action, key: str, allowed: tuple[str, ...], exact: bool, listed: bool) -> Report | None:
    node = action.config(key)
    if not isinstance(node, Scalar) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return None if allowed is _BOOLEAN else Report(node, f"`{key}` of action `{action.label}` is a boolean; it takes "
                                                             f"{', '.join(allowed)}", fix=f"write one of {', '.join(allowed)}")
    text = text_of(node)
    if text is None or "#{" in text:
        return None  # a pipeline variable is resolved at run time
    words = [w.strip() for w in text.split(",")] if listed else [text.strip()]
    for word in words:
        ok = word in allowed if exact else word.lower() in allowed
        if ok:
            continue
        best = did_you_mean(word, allowed) or next((a for a in allowed if a.replace("_", "") == word.upper().replace("_", "")), None)
        shown = word if len(word) <= 40 else word[:40] + "…"
        return Report(node, f"`{key}: {shown}` of {action.provider} action `{action.label}` is not a value the action takes "
                            f"({', '.join(allowed)})", fix=f"write `{best}`" if best else f"write one of {', '.join(allowed)}")
    return None


@rule("CP117", "invalid-action-configuration-value", severity="warning", kinds=("pipeline",))
def invalid_action_configuration_value(doc: Document, config: Any) -> Iterator[Report]:
    """An action configuration value is outside the list the action reference gives.

    Checked: ``OutputArtifactFormat`` (``CODE_ZIP``, ``CODEBUILD_CLONE_REF``) of CodeCommit and
    CodeStarSourceConnection sources; the CloudFormation action's ``ActionMode`` and
    ``Capabilities``; the S3 deploy action's ``CannedACL`` (an Amazon S3 canned ACL, such as
    ``bucket-owner-full-control``); the true/false settings ``PollForSourceChanges``, ``DetectChanges``,
    ``Extract``, ``BatchEnabled`` and ``CombineArtifacts``. A value with a ``#{…}`` variable is
    left alone.

    Why: CodePipeline stores configuration values as strings and the action reads them when it
    runs: ``OutputArtifactFormat: CODEZIP`` or ``ActionMode: CREATE_OR_UPDATE`` is not a setting
    the action knows. Whether the pipeline is refused or the action fails at run time is not
    recorded for every key, so this is a warning.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::111111111111:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codeconnections:eu-west-1:111111111111:connection/abc
                        FullRepositoryId: acme/app
                        BranchName: main
                        OutputArtifactFormat: CODEZIP
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::111111111111:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codeconnections:eu-west-1:111111111111:connection/abc
                        FullRepositoryId: acme/app
                        BranchName: main
                        OutputArtifactFormat: CODE_ZIP
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]

    AWS: CodePipeline User Guide, action reference pages: "CodeStarSourceConnection"
    (OutputArtifactFormat: CODE_ZIP or CODEBUILD_CLONE_REF; DetectChanges), "CodeCommit",
    "Amazon S3 source" and "Amazon S3 deploy" (PollForSourceChanges, Extract, CannedACL; the
    canned ACLs are listed in the Amazon S3 User Guide, "Access control list (ACL) overview"), "AWS CodeBuild"
    (BatchEnabled, CombineArtifacts); CloudFormation User Guide, "AWS CloudFormation
    configuration properties reference" (ActionMode values, Capabilities).
    """
    for action in pipeline_of(doc).actions:
        if action.owner != "AWS" and not (action.owner == "ThirdParty" and action.provider == "GitHub"):
            continue
        keys = _ENUMS.get(action.provider or "")
        if not keys:
            continue
        for key, (allowed, exact, listed) in keys.items():
            found = _enum_problem(action, key, allowed, exact, listed)
            if found is not None:
                yield found
