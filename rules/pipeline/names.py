"""Names: unique stage and action names, and the patterns and lengths CodePipeline accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Fix, Node, Report, Scalar, rule
from pipelint.fixes.build import replace_node, source_text
from pipelint.load.scalars import clip_number
from pipelint.models.pipeline import Pipeline, as_number, exclusive, pipeline_of, text_of
from pipelint.rules.general._format import placeholder, sub

# pipelint.terraform.UNSET_RUN_ORDER, spelt out: importing that package would put it on the
# cold path of every run (tests/test_terraform_semantics.py checks that the two agree).
UNSET_RUN_ORDER = "tag:pipelint.terraform:unset-run-order"

_NAME = re.compile(r"^[A-Za-z0-9.@\-_]+$")
_ARTIFACT = re.compile(r"^[a-zA-Z0-9_\-]+$")
_NAMESPACE = re.compile(r"^[A-Za-z0-9@\-_]+$")

# what → (pattern, characters allowed, maximum length)
_RULES = {
    "pipeline": (_NAME, "letters, digits and . @ - _", 100),
    "stage": (_NAME, "letters, digits and . @ - _", 100),
    "action": (_NAME, "letters, digits and . @ - _", 100),
    "artifact": (_ARTIFACT, "letters, digits, - and _", 100),
    "namespace": (_NAMESPACE, "letters, digits and @ - _", 100),
    "variable": (_NAMESPACE, "letters, digits and @ - _", 128),
}


@rule("CP104", "duplicate-stage-name", severity="error", kinds=("pipeline",))
def duplicate_stage_name(doc: Document, config: Any) -> Iterator[Report]:
    """Stage names must be unique within the pipeline.

    Why: CodePipeline identifies stages by name (transitions, approvals, retries) and rejects a
    pipeline with two stages of the same name. Stages in opposite branches of one `Fn::If` never
    exist together and are not duplicates.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStageDeclarationException (stage names must be unique), an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html);
    CreatePipeline/UpdatePipeline errors in the CodePipeline API model (botocore codepipeline
    2015-07-09).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
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
    pipeline = pipeline_of(doc)
    seen: dict[str, list[Any]] = {}
    for stage in pipeline.stages:
        name = stage.name
        if name is None:
            continue
        for other in seen.get(name, []):
            if not exclusive(other.conds, stage.conds):
                yield Report(stage.where, f"stage name `{name}` is already used by stage {other.index + 1} "
                             f"(line {other.where.line}); stage names must be unique",
                             fix="rename one of the stages")
                break
        seen.setdefault(name, []).append(stage)


@rule("CP105", "duplicate-action-name", severity="error", kinds=("pipeline",))
def duplicate_action_name(doc: Document, config: Any) -> Iterator[Report]:
    """Action names must be unique within their stage.

    Why: CodePipeline rejects a stage with two actions of the same name. The same name in two
    different stages is allowed.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidActionDeclarationException (action names must be unique in a stage), an error class the
    API model declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html);
    CreatePipeline/UpdatePipeline errors in the CodePipeline API model (botocore codepipeline
    2015-07-09).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
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
                    - Name: Build
                      ActionTypeId: {Category: Test, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: tests}
                      InputArtifacts: [{Name: Src}]
                      RunOrder: 2

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
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
                    - Name: UnitTests
                      ActionTypeId: {Category: Test, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: tests}
                      InputArtifacts: [{Name: Src}]
                      RunOrder: 2
    """
    pipeline = pipeline_of(doc)
    for stage in pipeline.stages:
        seen: dict[str, list[Any]] = {}
        for action in stage.actions:
            name = action.name
            if name is None:
                continue
            for other in seen.get(name, []):
                if not exclusive(other.conds, action.conds):
                    yield Report(action.where, f"action name `{name}` is already used in stage `{stage.label}` "
                                 f"(line {other.where.line}); action names must be unique within a stage",
                                 fix="rename one of the actions")
                    break
            seen.setdefault(name, []).append(action)


def _check(node: Node | None, what: str, cfn: bool) -> Report | None:
    if cfn and isinstance(node, Scalar) and node.value is None and node.tag is None:  # `Name:` with no value
        _, allowed, longest = _RULES[what]
        return Report(node, f"the {what} name is empty (null); CloudFormation rejects null values, and the name needs 1 to "
                      f"{longest} characters ({allowed})", fix=f"give the {what} a name")
    text = text_of(node)
    if node is None or text is None:
        return None
    pattern, allowed, longest = _RULES[what]
    if not text:
        return Report(node, f"the {what} name is empty; it needs 1 to {longest} characters ({allowed})",
                      fix=f"give the {what} a name")
    if len(text) > longest:
        return Report(node, f"{what} name `{text[:40]}…` is {len(text)} characters long; the limit is {longest}",
                      fix=f"shorten it to at most {longest} characters")
    if not pattern.match(text):
        bad = sorted({ch for ch in text if not pattern.match(ch)})
        shown = " ".join(repr(ch) for ch in bad[:6])
        cleaned = re.sub(r"[^A-Za-z0-9_\-" + (r".@" if what in ("pipeline", "stage", "action") else "")
                         + ("@" if what in ("namespace", "variable") else "") + r"]", "-", text)
        if placeholder(text):
            return Report(node, f"{what} name `{text}` is a template placeholder, not a name: replace it with the real "
                          f"{what} name before the file reaches CodePipeline ({what} names may contain only {allowed})",
                          fix=f"replace the placeholder with the {what} name")
        if "${" in text and cfn:
            return Report(node, f"{what} name `{text}` contains `${{…}}`, which CloudFormation substitutes only inside "
                          f"`Fn::Sub`; as written the name keeps {shown}, and {what} names may contain only {allowed}",
                          fix=f"write `{sub(node, text)}`")
        if "${" in text:
            return Report(node, f"{what} name `{text}` contains `${{…}}`, which CodePipeline does not substitute: "
                          f"substitute it before the file reaches CodePipeline ({what} names may contain only {allowed})",
                          fix=f"replace `${{…}}` with the {what} name")
        return Report(node, f"{what} name `{text}` contains {shown}; {what} names may contain only {allowed}",
                      fix=f"write `{cleaned}`")
    return None


def _names(pipeline: Pipeline) -> Iterator[tuple[Node | None, str]]:
    yield pipeline.get("name"), "pipeline"
    for stage in pipeline.stages:
        yield stage.name_node, "stage"
        for action in stage.actions:
            yield action.name_node, "action"
            for ref in action.inputs + action.outputs:
                yield ref.name_node, "artifact"
            yield action.namespace_node, "namespace"
    for variable in pipeline.variables:
        yield variable.name_node, "variable"


@rule("CP106", "invalid-name", severity="error", kinds=("pipeline",))
def invalid_name(doc: Document, config: Any) -> Iterator[Report]:
    """Pipeline, stage, action, artifact, namespace and variable names must use allowed characters.

    Why: CodePipeline rejects names outside these patterns: pipeline, stage and action names
    1-100 of `A-Za-z0-9.@-_`; artifact names 1-100 of `A-Za-z0-9_-` (no dot, no space);
    namespaces 1-100 of `A-Za-z0-9@-_`; pipeline variable names 1-128 of `A-Za-z0-9@-_`. Names
    built with `!Sub` or `!Ref` are not checked. In a template, `Name:` with no value (YAML null)
    is an empty name too; CloudFormation refuses null values before CodePipeline sees them.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    ValidationException (the name does not match the API pattern), an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: CodePipeline
    API Reference, PipelineDeclaration/StageDeclaration/ActionDeclaration/OutputArtifact name
    patterns (botocore codepipeline model).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: source.output}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: source.output}]

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: source-output}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: source-output}]
    """
    pipeline = pipeline_of(doc)
    reported: set[int] = set()
    for node, what in _names(pipeline):
        if node is None or id(node) in reported:
            continue
        reported.add(id(node))
        found = _check(node, what, pipeline.keys.cfn)
        if found is not None:
            yield found


def _run_order_one(node: Node) -> Fix | None:
    """``RunOrder: 0`` → ``1`` (a quoted ``"0"`` stays quoted: ``"1"``), for a one-line scalar."""
    if not isinstance(node, Scalar) or node.tag is not None:
        return None
    written = source_text(node)
    if written is None:
        return None
    if node.style == "":
        if written != node.raw:
            return None
        text = "1"
    elif node.style in ("'", '"', "json") and len(written) >= 2 and written[0] == written[-1] and written[0] in ("'", '"'):
        text = f"{written[0]}1{written[0]}"
    else:
        return None
    return replace_node(node, text, "Set the run order to 1", safe=False)


@rule("CP107", "run-order-out-of-range", severity="error", kinds=("pipeline",), fixable="unsafe")
def run_order_out_of_range(doc: Document, config: Any) -> Iterator[Report]:
    """An action's runOrder must be an integer from 1 to 999.

    Why: CodePipeline rejects other values. Actions with the same runOrder run in parallel;
    gaps between values are allowed.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    ValidationException (runOrder must be 1-999), an error class the API model declares (the exact
    message is not recorded); through CloudFormation the `AWS::CodePipeline::Pipeline` resource ends
    in CREATE_FAILED/UPDATE_FAILED. Source: CodePipeline API Reference, ActionDeclaration.runOrder.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
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
                      RunOrder: 0

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
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
                      RunOrder: 1

    Terraform: the AWS provider sends ``run_order`` only when it is above 0, so ``run_order = 0``
    (or a negative value) is not rejected: it means "unset", which CodePipeline runs at 1. It is
    reported as a note, and the ordering rules (CP201) judge the action at run order 1.

    Fix: unsafe, for a run order of 0 or below: sets it to 1. The action then runs first in its
    stage, together with the stage's other run-order-1 actions; check that this is the order
    you meant.
    """
    pipeline = pipeline_of(doc)
    for action in pipeline.actions:
        node = action.run_order_node
        if node is None:
            continue
        value = as_number(node)
        key = action.keys.name("runOrder")
        if isinstance(node, Scalar) and node.tag == UNSET_RUN_ORDER:
            written = clip_number(source_text(node) or node.raw)
            yield Report(node, f"`run_order = {written}` on action `{action.label}` in stage `{action.stage.label}` is the same as "
                         "leaving it out: the AWS provider sends a run order only when it is above 0, so the action runs at 1",
                         fix="remove `run_order`, or write `run_order = 1`", severity="note")
        elif value is not None and not 1 <= value <= 999:
            written = clip_number(text_of(node) or str(value))
            edit = _run_order_one(node) if value < 1 and value == int(value) else None
            yield Report(node, f"{key} of action `{action.label}` in stage `{action.stage.label}` is {written}; "
                         "it must be between 1 and 999", fix=f"use {1 if value < 1 else 999} or another value in range", edit=edit)
        elif value is None and text_of(node) is not None and not doc.flavor == "cli":
            yield Report(node, f"{key} of action `{action.label}` is `{text_of(node)}`, not an integer; "
                         "use a whole number from 1 to 999", fix="write a number such as `2`")
