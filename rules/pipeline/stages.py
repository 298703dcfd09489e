"""Stage-level structure: stage count, where source actions go, action count per stage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Report, rule
from pipelint.load.scalars import clip_number
from pipelint.models.pipeline import SOURCE, pipeline_of


@rule("CP101", "stage-count", severity="error", kinds=("pipeline",))
def stage_count(doc: Document, config: Any) -> Iterator[Report]:
    """A pipeline must have between 2 and 50 stages.

    Why: CodePipeline refuses a pipeline with a single stage (a source stage alone does nothing)
    and one with more than 50 stages. Stages inside `Fn::If` are counted as they may exist: the
    rule fires only when every combination of conditions is out of range.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException (a pipeline needs 2 to 50 stages), an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html); "Quotas
    in AWS CodePipeline".

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
    if pipeline.stages_node is None or not pipeline.stages_known:
        return
    low, high = pipeline.stage_count_range()
    where = pipeline.key("stages") or pipeline.stages_node
    if high < 2:
        yield Report(where, f"the pipeline has {high} stage{'s' if high != 1 else ''}; CodePipeline needs at least 2: "
                     "a source stage and at least one stage that builds, tests or deploys",
                     fix="add a second stage with a non-source action")
    elif low > 50:
        yield Report(where, f"the pipeline has {low} stages; CodePipeline allows at most 50",
                     fix="merge stages or split the pipeline")


@rule("CP102", "first-stage-not-source", severity="error", kinds=("pipeline",))
def first_stage_not_source(doc: Document, config: Any) -> Iterator[Report]:
    """The first stage may contain only Source actions.

    Why: CodePipeline starts every execution from the source actions of the first stage and
    rejects a first stage holding a build, test, deploy, approval or invoke action.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException, an error class the API model declares (the exact message is not
    recorded); through CloudFormation the `AWS::CodePipeline::Pipeline` resource ends in
    CREATE_FAILED/UPDATE_FAILED; CDK reports the same rule as "first stage may only contain Source
    actions". Source: AWS CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html);
    aws-cdk-lib aws-codepipeline validation.ts.

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
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      RunOrder: 2
                      InputArtifacts: [{Name: Src}]
                - Name: Approve
                  Actions:
                    - Name: Approve
                      ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: "1"}

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
                - Name: Approve
                  Actions:
                    - Name: Approve
                      ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: "1"}
    """
    pipeline = pipeline_of(doc)
    for stage in pipeline.stages:
        if stage.index != 0:
            continue
        for action in stage.actions:
            if action.category is not None and action.category != SOURCE:
                yield Report(action.category_node or action.where,
                             f"action `{action.label}` in the first stage `{stage.label}` has category "
                             f"`{action.category}`; the first stage may contain only Source actions",
                             fix="move this action to a later stage")


@rule("CP103", "source-outside-first-stage", severity="error", kinds=("pipeline",))
def source_outside_first_stage(doc: Document, config: Any) -> Iterator[Report]:
    """Source actions may appear only in the first stage.

    Why: CodePipeline rejects a Source action anywhere but the first stage. To use a second
    repository, add a second source action to the first stage.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException, an error class the API model declares (the exact message is not
    recorded); through CloudFormation the `AWS::CodePipeline::Pipeline` resource ends in
    CREATE_FAILED/UPDATE_FAILED; CDK: "Source actions may only occur in first stage". Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html);
    aws-cdk-lib aws-codepipeline validation.ts.

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
                    - Name: Tools
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {S3Bucket: my-tools, S3ObjectKey: tools.zip}
                      OutputArtifacts: [{Name: Tools}]

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
                    - Name: Tools
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {S3Bucket: my-tools, S3ObjectKey: tools.zip}
                      OutputArtifacts: [{Name: Tools}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app, PrimarySource: Src}
                      InputArtifacts: [{Name: Src}, {Name: Tools}]
    """
    pipeline = pipeline_of(doc)
    first = pipeline.stages[0].label if pipeline.stages else "Source"
    for stage in pipeline.stages:
        if stage.index == 0:
            continue
        for action in stage.actions:
            if action.category == SOURCE:
                yield Report(action.category_node or action.where,
                             f"source action `{action.label}` is in stage `{stage.label}` (stage {stage.index + 1}); "
                             f"source actions may appear only in the first stage",
                             fix=f"move it into the first stage `{first}`")


@rule("CP108", "stage-action-count", severity="error", kinds=("pipeline",))
def stage_action_count(doc: Document, config: Any) -> Iterator[Report]:
    """Every stage needs at least one action; a pipeline holds at most 500 actions.

    Why: CodePipeline rejects a stage with an empty action list, more than 50 actions running
    in parallel (the same runOrder) in one stage, and more than 500 actions in a pipeline.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStageDeclarationException or LimitExceededException, an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html); "Quotas
    in AWS CodePipeline" (50 actions per stage, 500 per pipeline).

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
                - Name: Approve
                  Actions: []

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
                - Name: Approve
                  Actions:
                    - Name: Approve
                      ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: "1"}
    """
    pipeline = pipeline_of(doc)
    for stage in pipeline.stages:
        if not stage.actions_known or stage.actions_node is None:
            continue
        if not stage.actions:
            yield Report(stage.key("actions") or stage.where,
                         f"stage `{stage.label}` has no actions; every stage needs at least one",
                         fix="add an action or remove the stage")
            continue
        by_order: dict[int, int] = {}
        for action in stage.actions:
            if action.run_order is not None and not action.conds:
                by_order[action.run_order] = by_order.get(action.run_order, 0) + 1
        for order, count in sorted(by_order.items()):
            if count > 50:
                yield Report(stage.where, f"stage `{stage.label}` runs {count} actions in parallel at runOrder {clip_number(str(order))}; "
                             "CodePipeline allows at most 50", fix="spread them over several runOrder values or stages")
    total = sum(1 for action in pipeline.actions if not action.conds)
    if total > 500:
        yield Report(pipeline.key("stages") or pipeline.node,
                     f"the pipeline has {total} actions; CodePipeline allows at most 500", fix="split the pipeline")
