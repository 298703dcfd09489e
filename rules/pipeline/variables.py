"""Variables: `#{Namespace.Key}`, `#{variables.name}` and `#{codepipeline.…}` references, and namespaces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Report, did_you_mean, rule
from pipelint.models.pipeline import Action, Pipeline, exclusive, is_literal_key, key_of, pipeline_of

from . import _providers
from ._refs import VariableRef, references
from ._util import Hints, names

_RESERVED = ("codepipeline", "variables")


def _namespaces_exact(pipeline: Pipeline) -> bool:
    return pipeline.stages_known and all(s.actions_known for s in pipeline.stages) and all(
        action.namespace_node is None or is_literal_key(key_of(action.namespace_node)) for action in pipeline.actions
    )


def _action_refs(pipeline: Pipeline) -> Iterator[tuple[Action, VariableRef]]:
    for action in pipeline.actions:
        for ref in references(action):
            yield action, ref


@rule("CP301", "unresolved-variable-namespace", severity="error", kinds=("pipeline",))
def unresolved_variable_namespace(doc: Document, config: Any) -> Iterator[Report]:
    """A `#{Namespace.Key}` reference must name the namespace of an action that runs earlier.

    Why: an action's output variables exist only if the action declares a `namespace`, and only
    once it has finished: the consumer must be in a later stage, or in the same stage with a
    higher runOrder. Otherwise CodePipeline rejects the pipeline or the action fails to resolve
    the variable.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidActionDeclarationException, an error class the API model declares (the exact message is
    not recorded); through CloudFormation the `AWS::CodePipeline::Pipeline` resource ends in
    CREATE_FAILED/UPDATE_FAILED when a `#{Namespace.Key}` names no namespace of an earlier action; a
    namespace that exists but runs later fails the consuming action at run time. Source: AWS
    CodePipeline User Guide, "Variables reference" (reference-variables.html).

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
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{SourceVariables.CommitId}"}]'
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
                      Namespace: SourceVariables
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{SourceVariables.CommitId}"}]'
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    exact = _namespaces_exact(pipeline)
    declared = [key_of(a.namespace_node) for a in pipeline.actions if a.namespace_node is not None]
    declared_keys = [d for d in declared if d]
    declared_names = names(declared)
    index = pipeline.namespace_index()
    hints = Hints(declared_keys)
    for consumer, ref in _action_refs(pipeline):
        if ref.namespace in _RESERVED:
            continue
        found = index.lookup(ref.namespace, consumer, consumer.conds)
        if found.first is None:
            if exact:
                best = hints(ref.namespace)
                hint = f"; did you mean `{best}`?" if best else ""
                yield Report(ref.node, f"`{ref.text}` in action `{consumer.label}` uses namespace `{ref.namespace}`, "
                             f"which no action declares{hint} (namespaces: {declared_names})",
                             fix=f"write `#{{{best}.{ref.key}}}`" if best else
                             f"add `{consumer.keys.name('namespace')}: {ref.namespace}` to the action that produces it")
            continue
        if found.may_run_before:
            continue
        producer: Action = found.first[0]
        if producer is consumer:
            message = (f"`{ref.text}` in action `{consumer.label}` reads the action's own namespace; its variables "
                       "exist only after it finishes")
            fix = "read the variable in a later action"
        else:
            when = "in a later stage" if producer.stage.index > consumer.stage.index else (
                "in parallel" if producer.run_order == consumer.run_order else "afterwards")
            message = (f"`{ref.text}` in action `{consumer.label}` ({consumer.position()}) reads namespace "
                       f"`{ref.namespace}` of action `{producer.label}` ({producer.position()}), which runs {when}; "
                       "its variables do not exist yet")
            fix = ("give the consumer a higher runOrder than the producer" if producer.stage.index == consumer.stage.index
                   else "move the consumer after the producer")
        yield Report(ref.node, message, fix=fix)


@rule("CP302", "unknown-variable-key", severity="error", kinds=("pipeline",))
def unknown_variable_key(doc: Document, config: Any) -> Iterator[Report]:
    """A variable reference must use a key the producing action type outputs.

    Why: source actions and some others output a fixed set of variables, e.g. CodeCommit:
    `AuthorDate`, `BranchName`, `CommitId`, `CommitMessage`, `CommitterDate`, `RepositoryName`;
    CodeStarSourceConnection: `AuthorDate`, `BranchName`, `CommitId`, `CommitMessage`,
    `ConnectionArn`, `FullRepositoryName`; S3: `ETag`, `VersionId`; ECR: `ImageDigest`,
    `ImageTag`, `ImageURI`, `RegistryId`, `RepositoryName`. Keys are case-sensitive. A key the
    action does not output fails the consumer. (CodeBuild keys come from the buildspec's
    `exported-variables`: see CP403.)

    AWS behaviour: the consuming action fails when it runs: CodePipeline cannot resolve a key the
    producer does not output. Source: AWS CodePipeline User Guide, "Variables reference", per-action
    variable tables.

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
                      Namespace: SourceVariables
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{SourceVariables.CommitID}"}]'
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
                      Namespace: SourceVariables
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{SourceVariables.CommitId}"}]'
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    index = pipeline.namespace_index()
    for consumer, ref in _action_refs(pipeline):
        if ref.namespace in _RESERVED:
            continue
        found = index.lookup(ref.namespace, consumer, consumer.conds)
        if found.count != 1 or found.first is None:
            continue
        producer: Action = found.first[0]
        keys = _providers.output_variables(producer.category, producer.owner, producer.provider)
        if keys is None or ref.key in keys:
            continue
        best = did_you_mean(ref.key, keys)
        hint = f"; did you mean `{best}`?" if best else ""
        yield Report(ref.node, f"`{ref.text}` in action `{consumer.label}`: {producer.provider} action "
                     f"`{producer.label}` outputs no variable `{ref.key}`{hint} (it outputs {names(keys)})",
                     fix=f"write `#{{{ref.namespace}.{best}}}`" if best else "use one of the listed keys")


@rule("CP303", "undefined-pipeline-variable", severity="error", kinds=("pipeline",))
def undefined_pipeline_variable(doc: Document, config: Any) -> Iterator[Report]:
    """A `#{variables.name}` reference must name a declared pipeline variable.

    Why: pipeline-level variables (V2) are declared in the pipeline's `variables` list and read
    as `#{variables.<name>}`. CodePipeline rejects a reference to an undeclared variable.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    ValidationException (undeclared pipeline variable), an error class the API model declares (the
    exact message is not recorded); through CloudFormation the `AWS::CodePipeline::Pipeline`
    resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS CodePipeline User Guide, "Variables
    reference", 'pipeline-level variables'.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              PipelineType: V2
              Variables:
                - Name: Environment
                  DefaultValue: staging
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
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{variables.Env}"}]'
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: my-artifacts}
              PipelineType: V2
              Variables:
                - Name: Environment
                  DefaultValue: staging
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
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{variables.Environment}"}]'
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    if not pipeline.variables_known or any(v.name is None for v in pipeline.variables):
        return
    declared = [v.name for v in pipeline.variables if v.name]
    key = pipeline.keys.name("variables")
    for consumer, ref in _action_refs(pipeline):
        if ref.namespace != "variables" or ref.key in declared:
            continue
        best = did_you_mean(ref.key, declared)
        hint = f"; did you mean `{best}`?" if best else ""
        detail = f"(declared: {names(declared)})" if declared else f"(the pipeline has no `{key}`)"
        yield Report(ref.node, f"`{ref.text}` in action `{consumer.label}` reads pipeline variable `{ref.key}`, "
                     f"which is not declared{hint} {detail}",
                     fix=f"write `#{{variables.{best}}}`" if best else f"declare `{ref.key}` under `{key}`")


@rule("CP304", "unknown-codepipeline-variable", severity="warning", kinds=("pipeline",))
def unknown_codepipeline_variable(doc: Document, config: Any) -> Iterator[Report]:
    """`#{codepipeline.…}` has one documented variable: `PipelineExecutionId`.

    Why: the reserved `codepipeline` namespace is not declared by any action; its documented
    variable is `#{codepipeline.PipelineExecutionId}`. Another key is probably a typo. This is a
    warning because AWS may add variables to the namespace.

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
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{codepipeline.ExecutionId}"}]'
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
                      Configuration:
                        ProjectName: app
                        EnvironmentVariables: '[{"name":"REF","value":"#{codepipeline.PipelineExecutionId}"}]'
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    for consumer, ref in _action_refs(pipeline):
        if ref.namespace == "codepipeline" and ref.key != "PipelineExecutionId":
            yield Report(ref.node, f"`{ref.text}` in action `{consumer.label}`: the documented variable of the "
                         "`codepipeline` namespace is `PipelineExecutionId`",
                         fix="write `#{codepipeline.PipelineExecutionId}`")


@rule("CP305", "duplicate-namespace", severity="error", kinds=("pipeline",))
def duplicate_namespace(doc: Document, config: Any) -> Iterator[Report]:
    """Action namespaces must be unique and must not equal an artifact name.

    Why: CodePipeline resolves `#{Namespace.Key}` by namespace, so two actions cannot share
    one, and a namespace may not reuse the name of an input or output artifact of the pipeline.
    The reserved namespaces `codepipeline` and `variables` cannot be declared either.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidActionDeclarationException (namespaces must be unique), an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "Variables reference", 'Configure variables' (namespaces).

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
                      Namespace: Src
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
                      Namespace: SourceVariables
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    artifacts = {ref.key for action in pipeline.actions for ref in action.inputs + action.outputs if ref.key}
    seen: dict[str, Action] = {}
    for action in pipeline.actions:
        node = action.namespace_node
        namespace = key_of(node)
        if node is None or namespace is None:
            continue
        key = action.keys.name("namespace")
        if namespace in _RESERVED:
            yield Report(node, f"namespace `{namespace}` of action `{action.label}` is reserved by CodePipeline "
                         f"(`#{{{namespace}.…}}` already means something else)",
                         fix=f"use another `{key}`, e.g. `{action.name or 'Action'}Variables`",
                         severity=None if namespace == "codepipeline" else "warning")
            continue
        previous = seen.get(namespace)
        if previous is not None and not exclusive(previous.conds, action.conds):
            yield Report(node, f"namespace `{namespace}` of action `{action.label}` is already declared by action "
                         f"`{previous.label}` (line {previous.namespace_node.line if previous.namespace_node else '?'}); "
                         "namespaces must be unique in the pipeline", fix=f"rename it, e.g. `{namespace}2`")
        elif namespace in artifacts:
            yield Report(node, f"namespace `{namespace}` of action `{action.label}` is also the name of an artifact; "
                         "namespaces must differ from artifact names", fix=f"rename it, e.g. `{namespace}Variables`")
        seen.setdefault(namespace, action)
