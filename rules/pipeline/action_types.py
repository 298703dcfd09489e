"""Action types: valid category/owner/provider combinations and per-provider artifact counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Report, did_you_mean, rule
from pipelint.models.pipeline import Action, pipeline_of
from pipelint.rules.general._format import pair

from . import _providers
from ._util import action_type


def _type_problem(action: Action) -> Report | None:
    category, owner, provider = action.category, action.owner, action.provider
    if category is not None and category not in _providers.CATEGORIES:
        best = did_you_mean(category, _providers.CATEGORIES)
        return Report(action.category_node or action.where,
                      f"action `{action.label}` has category `{category}`; it must be one of "
                      f"{', '.join(_providers.CATEGORIES)}", fix=f"write `{best}`" if best else None)
    if owner is not None and owner not in _providers.OWNERS:
        best = did_you_mean(owner, _providers.OWNERS)
        return Report(action.owner_node or action.where,
                      f"action `{action.label}` has owner `{owner}`; it must be AWS, ThirdParty or Custom",
                      fix=f"write `{best}`" if best else None)
    if not (category and owner and provider) or owner == "Custom":
        return None
    if _providers.entry(category, owner, provider) is not None:
        return None
    same = _providers.entries_for_provider(provider)
    if same:
        combos = ", ".join(f"{e['category']}/{e['owner']}" for e in same)
        matching_category = [e for e in same if e["category"] == category]
        if matching_category:
            wanted = matching_category[0]["owner"]
            disputed = matching_category[0].get("owner_disputed", False)
            return Report(action.owner_node or action.where,
                          f"action `{action.label}` uses provider `{provider}` with owner `{owner}`; "
                          f"the {category} action `{provider}` is owned by `{wanted}`",
                          fix=f"write `{pair(action.owner_node or action.where, action.keys.name('owner'), wanted)}`", severity="warning" if disputed else None)
        return Report(action.category_node or action.where,
                      f"action `{action.label}` uses provider `{provider}` with category `{category}`; "
                      f"`{provider}` exists only as {combos}",
                      fix=f"use category `{same[0]['category']}` or another provider")
    if owner == "AWS":
        best = did_you_mean(provider, _providers.provider_names())
        hint = f"; did you mean `{best}`?" if best else ""
        return Report(action.provider_node or action.where,
                      f"action `{action.label}`: `{category}/AWS/{provider}` is not an AWS action provider pipelint "
                      f"knows{hint} (provider names are case-sensitive)",
                      fix=f"write `{best}`" if best else "check the provider name in the CodePipeline action reference",
                      severity="note")
    return None


@rule("CP110", "invalid-action-type", severity="error", kinds=("pipeline",))
def invalid_action_type(doc: Document, config: Any) -> Iterator[Report]:
    """An action's category, owner and provider must form an action type CodePipeline offers.

    Why: the category must be Source, Build, Test, Deploy, Approval, Invoke or Compute, the
    owner AWS, ThirdParty or Custom, and each AWS provider exists only under certain categories
    (`CodeBuild` is a Build or Test action, never a Deploy action). CodePipeline rejects any
    other combination. An AWS provider pipelint does not know is reported as a note, since AWS
    adds providers over time; ThirdParty and Custom providers are not checked.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidActionDeclarationException (ActionTypeNotFound for an unknown category/owner/provider),
    an error class the API model declares (the exact message is not recorded); through
    CloudFormation the `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED.
    Source: AWS CodePipeline User Guide, "Valid action types and providers in CodePipeline"
    (actions-valid-providers.html); CreatePipeline/UpdatePipeline errors in the CodePipeline API
    model (botocore codepipeline 2015-07-09).

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
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CodeBuild, Version: "1"}
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
    for action in pipeline_of(doc).actions:
        found = _type_problem(action)
        if found is not None:
            yield found


def _range(bounds: list[int]) -> str:
    low, high = bounds
    if low == high:
        return f"exactly {low}"
    return f"{low} to {high}"


@rule("CP111", "artifact-count", severity="error", kinds=("pipeline",))
def artifact_count(doc: Document, config: Any) -> Iterator[Report]:
    """Each action provider takes a fixed number of input and output artifacts.

    Why: CodePipeline rejects an action with more or fewer artifacts than its type allows: a
    source action has no input and exactly one output, a CodeBuild action 1-5 inputs and 0-5
    outputs, an ECS or CodeDeploy deploy action exactly one input and no output, a manual
    approval none at all. Custom actions may have 0-5 of each. Providers whose counts are not
    known are not checked.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidActionDeclarationException (wrong number of input or output artifacts), an error class
    the API model declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED; cfn-lint checks the
    same table (E3702). Source: AWS CodePipeline User Guide, "Valid input and output artifacts for
    each action type" (reference-action-artifacts.html).

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
    for action in pipeline_of(doc).actions:
        spec = _providers.counts(action.category, action.owner, action.provider)
        if spec is None:
            continue
        for side, refs, known, node in (
            ("input", action.inputs, action.inputs_known, action.inputs_node),
            ("output", action.outputs, action.outputs_known, action.outputs_node),
        ):
            bounds = spec.get(side)
            if not bounds or not known or any(ref.conds != action.conds for ref in refs):
                continue
            count = len(refs)
            if bounds[0] <= count <= bounds[1]:
                continue
            key = action.keys.name(f"{side}Artifacts")
            where = (action.keys.key(action.node, f"{side}Artifacts") or node) if node is not None and count else action.where
            yield Report(where, f"action `{action.label}` ({action_type(action)}) has {count} {side} artifact"
                         f"{'s' if count != 1 else ''}; this action type takes {_range(bounds)}",
                         fix=(f"remove `{key}`" if bounds[1] == 0 else f"list {_range(bounds)} under `{key}`"))


@rule("CP112", "codebuild-primary-source", severity="error", kinds=("pipeline",))
def codebuild_primary_source(doc: Document, config: Any) -> Iterator[Report]:
    """A CodeBuild action with several input artifacts needs `PrimarySource` naming one of them.

    Why: CodeBuild unpacks the primary source into `CODEBUILD_SRC_DIR` and reads the buildspec
    from it; the others land in `CODEBUILD_SRC_DIR_<name>`. With more than one input and no
    `PrimarySource`, or a `PrimarySource` that is not an input, the action fails.

    AWS behaviour: the pipeline is created, but the CodeBuild action fails when it runs: CodeBuild
    cannot tell which input holds the buildspec, or PrimarySource names no input. Source: AWS
    CodePipeline User Guide, "AWS CodeBuild build and test action reference" (PrimarySource).

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
                    - Name: Config
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {S3Bucket: my-config, S3ObjectKey: config.zip}
                      OutputArtifacts: [{Name: Cfg}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}, {Name: Cfg}]

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
                    - Name: Config
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {S3Bucket: my-config, S3ObjectKey: config.zip}
                      OutputArtifacts: [{Name: Cfg}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app, PrimarySource: Src}
                      InputArtifacts: [{Name: Src}, {Name: Cfg}]
    """
    for action in pipeline_of(doc).actions:
        if action.provider != "CodeBuild" or action.owner not in (None, "AWS"):
            continue
        inputs = [ref.key for ref in action.inputs]
        primary_node = action.config("PrimarySource")
        primary = action.config_text("PrimarySource")
        if primary_node is None:
            if len(inputs) > 1 and action.inputs_known and all(ref.conds == action.conds for ref in action.inputs):
                first = action.inputs[0].name or "the main input"
                yield Report(action.keys.key(action.node, "inputArtifacts") or action.where,
                             f"CodeBuild action `{action.label}` has {len(inputs)} input artifacts but no "
                             "`PrimarySource` in its configuration; CodeBuild needs to know which one holds the buildspec",
                             fix=f"add `{pair(action.where, 'PrimarySource', first)}` to the configuration")
            continue
        if primary is None or not inputs or not action.inputs_known or any(key is None or "${" in key for key in inputs):
            continue
        if primary not in inputs:
            best = did_you_mean(primary, [k for k in inputs if k])
            yield Report(primary_node, f"`PrimarySource: {primary}` of CodeBuild action `{action.label}` is not one of "
                         f"its input artifacts ({', '.join(f'`{k}`' for k in inputs) or 'none'})",
                         fix=f"write `{best}`" if best else "name one of the input artifacts")


@rule("CP113", "template-path-artifact", severity="error", kinds=("pipeline",))
def template_path_artifact(doc: Document, config: Any) -> Iterator[Report]:
    """CloudFormation `TemplatePath` and `TemplateConfiguration` must start with an input artifact name and `::`.

    Why: the CloudFormation deploy action reads its template as `ArtifactName::path/in/artifact`;
    an artifact that is not among the action's input artifacts, or a path without the `::`
    separator, makes the action fail.

    AWS behaviour: the pipeline is created, but the CloudFormation action fails when it runs because
    it cannot find the template in its input artifacts; cfn-lint E3703 checks the same. Source: AWS
    CodePipeline User Guide, "AWS CloudFormation deploy action reference" (TemplatePath).

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
                      OutputArtifacts: [{Name: Built}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
                      Configuration:
                        ActionMode: CREATE_UPDATE
                        StackName: app
                        TemplatePath: Built/packaged.yaml
                        RoleArn: arn:aws:iam::123456789012:role/cfn
                      InputArtifacts: [{Name: Built}]

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
                      OutputArtifacts: [{Name: Built}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
                      Configuration:
                        ActionMode: CREATE_UPDATE
                        StackName: app
                        TemplatePath: Built::packaged.yaml
                        RoleArn: arn:aws:iam::123456789012:role/cfn
                      InputArtifacts: [{Name: Built}]
    """
    for action in pipeline_of(doc).actions:
        if action.provider != "CloudFormation" or action.category not in (None, "Deploy"):
            continue
        inputs = [ref.key for ref in action.inputs]
        exact = action.inputs_known and all(key is not None and "${" not in key for key in inputs)
        for setting in ("TemplatePath", "TemplateConfiguration"):
            node = action.config(setting)
            text = action.config_text(setting)
            if node is None or text is None or "#{" in text:
                continue
            if "::" not in text:
                yield Report(node, f"`{setting}: {text}` of action `{action.label}` has no `::`; write "
                             "`<InputArtifactName>::<path inside the artifact>`",
                             fix=f"write `{(inputs[0] if inputs and inputs[0] else 'ArtifactName')}::{text.split('/', 1)[-1]}`")
                continue
            artifact = text.split("::", 1)[0]
            if exact and artifact not in inputs:
                best = did_you_mean(artifact, [k for k in inputs if k])
                yield Report(node, f"`{setting}` of action `{action.label}` reads artifact `{artifact}`, which is not "
                             f"one of its input artifacts ({', '.join(f'`{k}`' for k in inputs) or 'none'})",
                             fix=f"write `{best}::…`" if best else f"add `{artifact}` to the action's input artifacts")


_ECS_BLUE_GREEN = ("TaskDefinitionTemplateArtifact", "AppSpecTemplateArtifact", "Image1ArtifactName",
                   "Image2ArtifactName", "Image3ArtifactName", "Image4ArtifactName")


@rule("CP114", "ecs-blue-green-artifact", severity="error", kinds=("pipeline",))
def ecs_blue_green_artifact(doc: Document, config: Any) -> Iterator[Report]:
    """A CodeDeployToECS action's artifact settings must name its own input artifacts.

    Why: `TaskDefinitionTemplateArtifact`, `AppSpecTemplateArtifact` and `Image1ArtifactName`
    to `Image4ArtifactName` tell the blue/green ECS deploy action which input artifact holds
    the task definition, the AppSpec and each image; naming an artifact that is not an input of
    the action makes the deployment fail.

    AWS behaviour: the pipeline is created, but the CodeDeployToECS action fails when it runs: the
    artifact it is told to read is not among its inputs. Source: AWS CodePipeline User Guide,
    "Amazon Elastic Container Service and CodeDeploy blue-green deploy action reference".

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
                      OutputArtifacts: [{Name: Image}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CodeDeployToECS, Version: "1"}
                      Configuration: {ApplicationName: app, DeploymentGroupName: app, TaskDefinitionTemplateArtifact: Src, AppSpecTemplateArtifact: Src, Image1ArtifactName: Image}
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
                      OutputArtifacts: [{Name: Image}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CodeDeployToECS, Version: "1"}
                      Configuration: {ApplicationName: app, DeploymentGroupName: app, TaskDefinitionTemplateArtifact: Src, AppSpecTemplateArtifact: Src, Image1ArtifactName: Image}
                      InputArtifacts: [{Name: Src}, {Name: Image}]
    """
    for action in pipeline_of(doc).actions:
        if action.provider != "CodeDeployToECS":
            continue
        inputs = [ref.key for ref in action.inputs]
        if not action.inputs_known or any(key is None or "${" in key for key in inputs):
            continue
        for setting in _ECS_BLUE_GREEN:
            node = action.config(setting)
            text = action.config_text(setting)
            if node is None or text is None or "#{" in text:
                continue
            if text not in inputs:
                best = did_you_mean(text, [k for k in inputs if k])
                yield Report(node, f"`{setting}: {text}` of action `{action.label}` is not one of its input "
                             f"artifacts ({', '.join(f'`{k}`' for k in inputs) or 'none'})",
                             fix=f"write `{best}`" if best else f"add `{text}` to the action's input artifacts")
