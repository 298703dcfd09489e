"""Artifact stores and cross-Region actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Report, rule
from pipelint.models.pipeline import SOURCE, pipeline_of
from pipelint.rules.general._format import pair

from ._util import names


@rule("CP120", "artifact-store-choice", severity="error", kinds=("pipeline",))
def artifact_store_choice(doc: Document, config: Any) -> Iterator[Report]:
    """A pipeline needs exactly one of `artifactStore` and `artifactStores`.

    Why: CodePipeline keeps artifacts in an S3 bucket: one bucket (`artifactStore`) for a
    single-Region pipeline, or one per Region (`artifactStores`) for a pipeline with cross-Region
    actions. It rejects a pipeline with both, or with neither.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException (exactly one of artifactStore and artifactStores), an error class the
    API model declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html);
    CodePipeline API Reference, PipelineDeclaration (artifactStore / artifactStores).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
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
    single = pipeline.key("artifactStore") if pipeline.artifact_store is not None else None
    multiple = pipeline.key("artifactStores") if pipeline.artifact_stores_node is not None else None
    one, many = pipeline.keys.name("artifactStore"), pipeline.keys.name("artifactStores")
    if single is not None and multiple is not None:
        later = multiple if (multiple.line, multiple.col) > (single.line, single.col) else single
        yield Report(later, f"the pipeline sets both `{one}` and `{many}`; give exactly one: `{one}` for a "
                     f"single-Region pipeline, `{many}` (one entry per Region) for cross-Region actions",
                     fix=f"remove `{one if later is single else many}`")
    elif pipeline.artifact_store is None and pipeline.artifact_stores_node is None:
        if pipeline.node is None or not pipeline.stages:
            return
        yield Report(pipeline.key("stages") or pipeline.node,
                     f"the pipeline has neither `{one}` nor `{many}`; CodePipeline needs an S3 artifact bucket",
                     fix=f"add `{pair(doc.root, one, {pipeline.keys.name('type'): 'S3', pipeline.keys.name('location'): '<bucket>'})}`")


@rule("CP121", "cross-region-store-missing", severity="error", kinds=("pipeline",))
def cross_region_store_missing(doc: Document, config: Any) -> Iterator[Report]:
    """Every Region an action runs in needs an artifact store entry.

    Why: a cross-Region action reads and writes its artifacts in a bucket of its own Region.
    With `artifactStores`, each action `region` (and the pipeline's own Region) needs an entry;
    with a single `artifactStore`, actions in two different Regions mean at least one is
    cross-Region, which a single bucket cannot serve. CodePipeline rejects both.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException (no artifact store for the action's Region), an error class the API
    model declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "Add a cross-Region action in CodePipeline"
    (actions-create-cross-region.html).

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStores:
                - Region: us-east-1
                  ArtifactStore: {Type: S3, Location: my-artifacts-us-east-1}
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
                      OutputArtifacts: [{Name: Built}]
                - Name: Deploy
                  Actions:
                    - Name: DeployEU
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {BucketName: my-eu-site, Extract: "true"}
                      InputArtifacts: [{Name: Built}]
                      Region: eu-west-1

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStores:
                - Region: us-east-1
                  ArtifactStore: {Type: S3, Location: my-artifacts-us-east-1}
                - Region: eu-west-1
                  ArtifactStore: {Type: S3, Location: my-artifacts-eu-west-1}
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
                      OutputArtifacts: [{Name: Built}]
                - Name: Deploy
                  Actions:
                    - Name: DeployEU
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {BucketName: my-eu-site, Extract: "true"}
                      InputArtifacts: [{Name: Built}]
                      Region: eu-west-1
    """
    pipeline = pipeline_of(doc)
    many = pipeline.keys.name("artifactStores")
    if pipeline.artifact_stores_node is not None:
        if not pipeline.artifact_stores_known:
            return
        regions = [entry.region for entry in pipeline.artifact_stores]
        if any(region is None for region in regions):
            return
        known = set(regions)  # type: ignore[arg-type]
        for action in pipeline.actions:
            region = action.region
            if region is not None and region not in known:
                yield Report(action.region_node or action.where,
                             f"action `{action.label}` runs in Region `{region}`, but `{many}` has no entry for it "
                             f"(entries: {names(known)})", fix=f"add an `{many}` entry for `{region}`")
        if pipeline.region is not None and pipeline.region not in known:
            yield Report(pipeline.key("artifactStores") or pipeline.artifact_stores_node,
                         f"`{many}` has no entry for the pipeline's own Region `{pipeline.region}`; it needs one",
                         fix=f"add an entry for `{pipeline.region}`")
        return
    if pipeline.artifact_store is None:
        return
    one = pipeline.keys.name("artifactStore")
    by_region: dict[str, Any] = {}
    for action in pipeline.actions:
        if action.region is not None:
            by_region.setdefault(action.region, action)
    home = pipeline.region
    if home is not None:
        for region, action in by_region.items():
            if region != home:
                yield Report(action.region_node or action.where,
                             f"action `{action.label}` runs in Region `{region}`, outside the pipeline's Region "
                             f"`{home}`; a cross-Region action needs `{many}` with an entry per Region, not `{one}`",
                             fix=f"replace `{one}` with `{many}` listing `{home}` and `{region}`")
    elif len(by_region) > 1:
        yield Report(pipeline.key("artifactStore") or pipeline.artifact_store,
                     f"actions run in Regions {names(by_region)}, so at least one is cross-Region, but the pipeline "
                     f"has a single `{one}`", fix=f"replace `{one}` with `{many}`, one entry per Region")


@rule("CP122", "cross-region-not-allowed", severity="error", kinds=("pipeline",))
def cross_region_not_allowed(doc: Document, config: Any) -> Iterator[Report]:
    """Source, ThirdParty and Custom actions cannot run in another Region.

    Why: CodePipeline supports cross-Region actions only for AWS-owned, non-source action
    types. The rule fires when the pipeline's Region is known (the `metadata.pipelineArn` of a
    `get-pipeline` file) and such an action names a different Region.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidActionDeclarationException, an error class the API model declares (the exact message is
    not recorded); through CloudFormation the `AWS::CodePipeline::Pipeline` resource ends in
    CREATE_FAILED/UPDATE_FAILED. Source: AWS CodePipeline User Guide, "Add a cross-Region action in
    CodePipeline" (not for source, third-party or custom actions).

    Failing::

        {
          "pipeline": {
            "name": "app",
            "roleArn": "arn:aws:iam::123456789012:role/pipeline",
            "artifactStore": {
              "type": "S3",
              "location": "my-artifacts"
            },
            "stages": [
              {
                "name": "Source",
                "actions": [
                  {
                    "name": "Source",
                    "region": "eu-west-1",
                    "actionTypeId": {
                      "category": "Source",
                      "owner": "AWS",
                      "provider": "S3",
                      "version": "1"
                    },
                    "configuration": {
                      "S3Bucket": "my-source",
                      "S3ObjectKey": "app.zip"
                    },
                    "outputArtifacts": [
                      {
                        "name": "Src"
                      }
                    ]
                  }
                ]
              },
              {
                "name": "Build",
                "actions": [
                  {
                    "name": "Build",
                    "actionTypeId": {
                      "category": "Build",
                      "owner": "AWS",
                      "provider": "CodeBuild",
                      "version": "1"
                    },
                    "configuration": {
                      "ProjectName": "app"
                    },
                    "inputArtifacts": [
                      {
                        "name": "Src"
                      }
                    ]
                  }
                ]
              }
            ]
          },
          "metadata": {
            "pipelineArn": "arn:aws:codepipeline:us-east-1:123456789012:app"
          }
        }

    Fixed::

        {
          "pipeline": {
            "name": "app",
            "roleArn": "arn:aws:iam::123456789012:role/pipeline",
            "artifactStore": {
              "type": "S3",
              "location": "my-artifacts"
            },
            "stages": [
              {
                "name": "Source",
                "actions": [
                  {
                    "name": "Source",
                    "actionTypeId": {
                      "category": "Source",
                      "owner": "AWS",
                      "provider": "S3",
                      "version": "1"
                    },
                    "configuration": {
                      "S3Bucket": "my-source",
                      "S3ObjectKey": "app.zip"
                    },
                    "outputArtifacts": [
                      {
                        "name": "Src"
                      }
                    ]
                  }
                ]
              },
              {
                "name": "Build",
                "actions": [
                  {
                    "name": "Build",
                    "actionTypeId": {
                      "category": "Build",
                      "owner": "AWS",
                      "provider": "CodeBuild",
                      "version": "1"
                    },
                    "configuration": {
                      "ProjectName": "app"
                    },
                    "inputArtifacts": [
                      {
                        "name": "Src"
                      }
                    ]
                  }
                ]
              }
            ]
          },
          "metadata": {
            "pipelineArn": "arn:aws:codepipeline:us-east-1:123456789012:app"
          }
        }
    """
    pipeline = pipeline_of(doc)
    home = pipeline.region
    if home is None:
        return
    for action in pipeline.actions:
        region = action.region
        if region is None or region == home:
            continue
        if action.category == SOURCE or action.owner in ("ThirdParty", "Custom"):
            kind = "source" if action.category == SOURCE else f"{action.owner}-owned"
            yield Report(action.region_node or action.where,
                         f"{kind} action `{action.label}` runs in Region `{region}`, but the pipeline is in `{home}`; "
                         f"{kind} actions cannot be cross-Region", fix=f"remove `region` or set it to `{home}`")
