"""V2-only features and triggers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Node, Report, Sequence, did_you_mean, rule
from pipelint.models.pipeline import SOURCE, Pipeline, exclusive, pipeline_of
from pipelint.rules.general._format import pair

from ._util import names

_V2_ACTIONS = {("Compute", "Commands"), ("Deploy", "EKS"), ("Deploy", "Lambda")}


def _features(pipeline: Pipeline) -> Iterator[tuple[Node, str]]:
    """``(node, description)`` of every V2-only feature the pipeline uses."""
    keys = pipeline.keys
    for camel in ("triggers", "variables"):
        value = pipeline.get(camel)
        if value is not None and not (isinstance(value, Sequence) and not value.items):
            yield pipeline.key(camel) or value, f"`{keys.name(camel)}`"
    mode = pipeline.execution_mode
    if mode in ("QUEUED", "PARALLEL"):
        yield pipeline.execution_mode_node or pipeline.node, f"`{keys.name('executionMode')}: {mode}`"
    for stage in pipeline.stages:
        for camel in ("onFailure", "onSuccess", "beforeEntry"):
            if stage.get(camel) is not None:
                yield stage.key(camel) or stage.where, f"`{keys.name(camel)}` on stage `{stage.label}`"
        for action in stage.actions:
            if (action.category, action.provider) in _V2_ACTIONS:
                yield action.provider_node or action.where, f"the {action.category}/{action.provider} action `{action.label}`"


@rule("CP130", "v2-feature-on-v1", severity="error", kinds=("pipeline",))
def v2_feature_on_v1(doc: Document, config: Any) -> Iterator[Report]:
    """Triggers, variables, stage conditions, QUEUED/PARALLEL modes and Commands actions need a V2 pipeline.

    Why: these features exist only for pipeline type V2; CodePipeline rejects them on a V1
    pipeline ("Triggers can only be used with V2 pipelines", "Stage level conditions can only be
    used with V2 pipelines"). With `pipelineType: V1` written out this is an error. Without
    `pipelineType` the rule warns: the pipeline type then depends on the API default (V1 for a
    new pipeline created without it), so write `V2` explicitly.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException or InvalidStageDeclarationException, an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED; a third-party policy
    file quotes the service's "Stage level conditions can only be used with V2 pipelines.", and CDK
    refuses with "Triggers can only be used with V2 pipelines". Source: AWS CodePipeline User Guide,
    "Pipeline types" (pipeline-types.html); aws-cdk-lib aws-codepipeline pipeline.ts.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              PipelineType: V1
              Triggers:
                - ProviderType: CodeStarSourceConnection
                  GitConfiguration:
                    SourceActionName: Source
                    Push: [{Branches: {Includes: [main]}}]
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                        FullRepositoryId: example/app
                        BranchName: main
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
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              PipelineType: V2
              Triggers:
                - ProviderType: CodeStarSourceConnection
                  GitConfiguration:
                    SourceActionName: Source
                    Push: [{Branches: {Includes: [main]}}]
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                        FullRepositoryId: example/app
                        BranchName: main
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    written = pipeline.pipeline_type
    if written == "V2" or (written is None and pipeline.pipeline_type_node is not None):
        return
    key = pipeline.keys.name("pipelineType")
    for node, feature in _features(pipeline):
        if written == "V1":
            yield Report(node, f"{feature} needs pipeline type V2, but the pipeline sets `{key}: V1`",
                         fix=f"set `{pair(node, key, 'V2')}`")
        elif written is None:
            yield Report(node, f"{feature} needs pipeline type V2, but the pipeline does not set `{key}`, "
                         "so it may be created as V1", fix=f"add `{pair(node, key, 'V2')}`", severity="warning")


@rule("CP131", "trigger-source-action", severity="error", kinds=("pipeline",))
def trigger_source_action(doc: Document, config: Any) -> Iterator[Report]:
    """A trigger must name a CodeStarSourceConnection source action of the pipeline, once.

    Why: a V2 trigger starts the pipeline on pushes or pull requests seen by one connection
    source action, named in `gitConfiguration.sourceActionName`. CodePipeline rejects a trigger
    naming an action that does not exist or is not a CodeStarSourceConnection source action,
    and a second trigger for the same source action.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    ValidationException, an error class the API model declares (the exact message is not recorded);
    through CloudFormation the `AWS::CodePipeline::Pipeline` resource ends in
    CREATE_FAILED/UPDATE_FAILED when a trigger names no CodeStarSourceConnection source action, or
    two triggers name the same one. Source: AWS CodePipeline User Guide, "Filter triggers on code
    push or pull requests" (pipelines-filter.html); CodePipeline API Reference, GitConfiguration.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              PipelineType: V2
              Triggers:
                - ProviderType: CodeStarSourceConnection
                  GitConfiguration:
                    SourceActionName: Checkout
                    Push: [{Branches: {Includes: [main]}}]
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                        FullRepositoryId: example/app
                        BranchName: main
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
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              PipelineType: V2
              Triggers:
                - ProviderType: CodeStarSourceConnection
                  GitConfiguration:
                    SourceActionName: Source
                    Push: [{Branches: {Includes: [main]}}]
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                        FullRepositoryId: example/app
                        BranchName: main
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    sources = [a for a in pipeline.actions if a.category == SOURCE or a.stage.index == 0]
    if any(a.name is None for a in sources) or not pipeline.stages_known or not all(s.actions_known for s in pipeline.stages):
        return
    seen: dict[str, Any] = {}
    for trigger in pipeline.triggers:
        name = trigger.source_action
        node = trigger.source_action_node
        if name is None or node is None:
            continue
        matching = [a for a in sources if a.name == name]
        if not matching:
            best = did_you_mean(name, [a.name for a in sources if a.name])
            yield Report(node, f"trigger names source action `{name}`, but the pipeline has no source action of that "
                         f"name (source actions: {names(a.name for a in sources)})",
                         fix=f"write `{best}`" if best else "name a CodeStarSourceConnection source action")
            continue
        if all(a.provider is not None and a.provider != "CodeStarSourceConnection" for a in matching):
            action = matching[0]
            yield Report(node, f"trigger names source action `{name}`, whose provider is `{action.provider}`; triggers work only "
                         "with CodeStarSourceConnection source actions", fix="remove the trigger or change the source action")
            continue
        previous = seen.get(name)
        if previous is not None and not exclusive(previous.conds, trigger.conds):
            yield Report(node, f"a second trigger names source action `{name}` (the first is on line "
                         f"{previous.source_action_node.line}); each source action takes one trigger",
                         fix="merge the filters into one trigger")
        seen.setdefault(name, trigger)
