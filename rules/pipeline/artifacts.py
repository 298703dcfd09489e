"""Artifact wiring: every input is produced earlier, outputs are unique and used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Report, Scalar, rule
from pipelint.models.pipeline import SOURCE, Action, ArtifactRef, Pipeline, could_equal, exclusive, is_literal_key, pipeline_of

from ._util import Hints, names


class _AbsentCheck:
    """Whether no output of the pipeline can be named ``name`` (every list known, no `!Sub` that could match).

    The pipeline-wide part (are all lists known, which output names are expressions) is worked
    out once, so that asking for each of thousands of inputs does not scan every action each time.
    """

    __slots__ = ("_known", "_patterns", "_answers")

    def __init__(self, pipeline: Pipeline) -> None:
        self._known = True
        self._patterns: list[str | None] = []
        self._answers: dict[str, bool] = {}
        if not pipeline.stages_known or not all(stage.actions_known for stage in pipeline.stages):
            self._known = False
            return
        seen: set[str | None] = set()
        for action in pipeline.actions:
            if not action.outputs_known:
                self._known = False
                return
            for ref in action.outputs:
                key = ref.key
                if not is_literal_key(key) and key not in seen:
                    seen.add(key)
                    self._patterns.append(key)

    def __call__(self, name: str) -> bool:
        """Whether ``name`` is surely not the name of any output."""
        if not self._known:
            return False
        answer = self._answers.get(name)
        if answer is None:
            answer = self._answers[name] = not any(could_equal(key, name) for key in self._patterns)
        return answer


def _order_problem(consumer: Action, ref: ArtifactRef, producer: Action) -> str:
    name = ref.key
    if producer is consumer:
        return (f"action `{consumer.label}` ({consumer.position()}) lists `{name}` as both an input and an output; "
                "an action cannot consume its own output")
    if producer.stage.index > consumer.stage.index:
        return (f"input artifact `{name}` of action `{consumer.label}` ({consumer.position()}) is produced by action "
                f"`{producer.label}` ({producer.position()}), a later stage, so it does not exist yet when "
                f"`{consumer.label}` runs")
    relation = "the same runOrder, so they run in parallel" if producer.run_order == consumer.run_order else \
        "a higher runOrder, so it runs afterwards"
    return (f"input artifact `{name}` of action `{consumer.label}` ({consumer.position()}) is produced by action "
            f"`{producer.label}` ({producer.position()}) in the same stage with {relation}; "
            f"the artifact does not exist yet when `{consumer.label}` starts")


@rule("CP201", "input-artifact-not-available", severity="error", kinds=("pipeline",))
def input_artifact_not_available(doc: Document, config: Any) -> Iterator[Report]:
    """Every input artifact must be produced by an action that runs before the consumer.

    Why: an input artifact has to exist when the action starts: it must be the output of an
    action in an earlier stage, or in the same stage with a lower runOrder. Actions with the same
    runOrder run in parallel, so one cannot read the other's output; the order the actions are
    written in does not matter, only their runOrder. CodePipeline rejects an input no action
    produces, and one whose producer runs in parallel or later.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException (an input artifact is not the output of an earlier action), an error
    class the API model declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED; cfn-lint E3701
    checks the same. Source: AWS CodePipeline User Guide, "CodePipeline pipeline structure
    reference" (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html)
    (input artifacts); AWS CodePipeline User Guide, "Input and output artifacts".

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
                    - Name: Test
                      ActionTypeId: {Category: Test, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: tests}
                      InputArtifacts: [{Name: Built}]
                      RunOrder: 1
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]
                      OutputArtifacts: [{Name: Built}]

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
                    - Name: Test
                      ActionTypeId: {Category: Test, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: tests}
                      InputArtifacts: [{Name: Built}]
                      RunOrder: 2
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]
                      OutputArtifacts: [{Name: Built}]
    """
    pipeline = pipeline_of(doc)
    all_outputs = [ref.key for action in pipeline.actions for ref in action.outputs]
    output_keys = [k for k in all_outputs if k]
    output_names = names(all_outputs)
    index = pipeline.artifact_index()
    absent = _AbsentCheck(pipeline)
    hints = Hints(output_keys)
    for consumer in pipeline.actions:
        for ref in consumer.inputs:
            key = ref.key
            if key is None:
                continue
            found = index.lookup(key, consumer, consumer.conds + ref.conds)
            if found.first is None:
                if is_literal_key(key) and absent(key):
                    best = hints(key)
                    hint = f"; did you mean `{best}`?" if best else ""
                    yield Report(ref.where, f"input artifact `{key}` of action `{consumer.label}` "
                                 f"({consumer.position()}) is not the output of any action{hint} "
                                 f"(outputs: {output_names})",
                                 fix=f"write `{best}`" if best else "name an output artifact of an earlier action")
                continue
            if found.may_run_before:
                continue
            producer = found.first[0]
            fix = ("give the producer a lower runOrder than the consumer, or move the consumer to a later stage"
                   if producer.stage.index == consumer.stage.index and producer is not consumer
                   else "move the consumer after the producer, or consume an artifact produced earlier")
            if (producer.stage.index == consumer.stage.index and producer is not consumer and producer.run_order is not None
                    and producer.run_order < 999):  # runOrder goes up to 999: past it the generic advice stands
                fix = f"set `{consumer.keys.name('runOrder')}: {producer.run_order + 1}` (or higher) on `{consumer.label}`"
            yield Report(ref.where, _order_problem(consumer, ref, producer), fix=fix)


@rule("CP202", "duplicate-output-artifact", severity="error", kinds=("pipeline",))
def duplicate_output_artifact(doc: Document, config: Any) -> Iterator[Report]:
    """Output artifact names must be unique across the whole pipeline.

    Why: consumers find artifacts by name; CodePipeline rejects a pipeline in which two actions
    (in any stages) produce artifacts of the same name. Outputs in opposite branches of one
    `Fn::If` are not duplicates.

    AWS behaviour: CodePipeline's CreatePipeline/UpdatePipeline refuses the pipeline with
    InvalidStructureException (output artifact names must be unique), an error class the API model
    declares (the exact message is not recorded); through CloudFormation the
    `AWS::CodePipeline::Pipeline` resource ends in CREATE_FAILED/UPDATE_FAILED. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference"
    (docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html).

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
                    - Name: Docs
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: docs}
                      InputArtifacts: [{Name: Src}]
                      OutputArtifacts: [{Name: Built}]

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
                    - Name: Docs
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: docs}
                      InputArtifacts: [{Name: Src}]
                      OutputArtifacts: [{Name: DocsOut}]
    """
    pipeline = pipeline_of(doc)
    seen: dict[str, list[tuple[Action, ArtifactRef]]] = {}
    for action in pipeline.actions:
        for ref in action.outputs:
            key = ref.key
            if key is None:
                continue
            conds = action.conds + ref.conds
            for other_action, other in seen.get(key, []):
                if not exclusive(other_action.conds + other.conds, conds):
                    yield Report(ref.where, f"output artifact `{key}` of action `{action.label}` ({action.position()}) "
                                 f"is already produced by action `{other_action.label}` ({other_action.position()}, "
                                 f"line {other.where.line}); output artifact names must be unique in the pipeline",
                                 fix=f"rename it, e.g. `{key}2`, and update its consumers")
                    break
            seen.setdefault(key, []).append((action, ref))


@rule("CP203", "unused-output-artifact", severity="note", kinds=("pipeline",))
def unused_output_artifact(doc: Document, config: Any) -> Iterator[Report]:
    """An output artifact that no action consumes, where that looks like a mistake.

    Why: a pipeline's last build or deploy outputs are often kept on purpose (to download a
    package, or a CloudFormation action's outputs file), so those are not reported. Reported
    are the unused outputs that usually mean a wiring mistake: a source action's output that no
    action reads (the repository is fetched for nothing, or the consumer lost its input), an
    output whose name is one letter away from an input that nothing produces (a typo: CP201
    reports the other end), and an extra output of an action whose other outputs are consumed
    (declared for a consumer that was never wired, or left over).

    Not reported in a pipeline where an action has lost its inputs: ``InputArtifacts`` indented
    into ``ActionTypeId`` (CP116) or no inputs where the action type needs some (CP111). There
    the unused output is only a symptom of those errors, which name the cause.

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
                      OutputArtifacts: [{Name: Built}, {Name: Reports}]
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
    pipeline = pipeline_of(doc)
    if not pipeline.stages_known or not all(a.inputs_known for a in pipeline.actions) or not all(s.actions_known for s in pipeline.stages):
        return
    consumed = {ref.key for action in pipeline.actions for ref in action.inputs}
    if any(not is_literal_key(key) for key in consumed):
        return
    if _lost_inputs(pipeline):
        return  # CP111/CP116 report the cause; the unused outputs are only its symptom
    produced = {ref.key for action in pipeline.actions for ref in action.outputs}
    orphans = [key for key in consumed if key is not None and key not in produced]
    typos = Hints([key for key in orphans if key is not None])
    for action in pipeline.actions:
        used = [ref for ref in action.outputs if ref.key in consumed]
        for ref in action.outputs:
            key = ref.key
            if key is None or key in consumed:
                continue
            typo = typos(key) if orphans else None
            if typo:
                why = f"; an input names `{typo}`, which no action produces: is one of them misspelt?"
            elif action.category == SOURCE:
                why = "; the source is fetched for nothing, or the action that should build it lost its input"
            elif used:
                why = f"; the action's other output{'s' if len(used) > 1 else ''} ({names(r.key for r in used)}) {'are' if len(used) > 1 else 'is'} consumed"
            else:
                continue
            yield Report(ref.where, f"output artifact `{key}` of action `{action.label}` ({action.position()}) "
                         f"is not an input of any action{why}", fix="remove it, or list it as an input where it is needed")


def _lost_inputs(pipeline: Pipeline) -> bool:
    """Whether some action of the pipeline has lost its inputs: ``InputArtifacts`` nested inside
    ``ActionTypeId`` (CP116), or no inputs where its action type needs at least one (CP111)."""
    from . import _providers

    for action in pipeline.actions:
        type_node = action.type_node
        if isinstance(type_node, Mapping) and any(isinstance(key, Scalar) and key.text in ("InputArtifacts", "inputArtifacts")
                                                     for key, _ in type_node.pairs):
            return True
        spec = _providers.counts(action.category, action.owner, action.provider)
        bounds = spec.get("input") if spec else None
        if bounds and bounds[0] >= 1 and action.inputs_known and not action.inputs:
            return True
    return False


@rule("CP204", "clone-ref-consumer", severity="error", kinds=("pipeline",))
def clone_ref_consumer(doc: Document, config: Any) -> Iterator[Report]:
    """An artifact in `CODEBUILD_CLONE_REF` format can only feed CodeBuild actions.

    Why: with `OutputArtifactFormat: CODEBUILD_CLONE_REF`, a connection source action outputs a
    reference for CodeBuild to clone the repository itself, not a ZIP of the code. Other action
    types (CloudFormation, ECS, S3 deploy, …) cannot read it and fail.

    AWS behaviour: the pipeline is created, but the consuming action fails when it runs: only
    CodeBuild can read a CODEBUILD_CLONE_REF artifact. Source: AWS CodePipeline User Guide,
    "CodeStarSourceConnection … action reference" (OutputArtifactFormat).

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
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                        FullRepositoryId: example/app
                        BranchName: main
                        OutputArtifactFormat: CODEBUILD_CLONE_REF
                      OutputArtifacts: [{Name: Src}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
                      Configuration:
                        ActionMode: CREATE_UPDATE
                        StackName: app
                        TemplatePath: Src::template.yaml
                        RoleArn: arn:aws:iam::123456789012:role/cfn
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
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
                      Configuration:
                        ConnectionArn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                        FullRepositoryId: example/app
                        BranchName: main
                        OutputArtifactFormat: CODE_ZIP
                      OutputArtifacts: [{Name: Src}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
                      Configuration:
                        ActionMode: CREATE_UPDATE
                        StackName: app
                        TemplatePath: Src::template.yaml
                        RoleArn: arn:aws:iam::123456789012:role/cfn
                      InputArtifacts: [{Name: Src}]
    """
    pipeline = pipeline_of(doc)
    clone_outputs: dict[str, Action] = {}
    for action in pipeline.actions:
        if action.config_text("OutputArtifactFormat") == "CODEBUILD_CLONE_REF":
            for ref in action.outputs:
                if ref.key is not None:
                    clone_outputs[ref.key] = action
    if not clone_outputs:
        return
    for action in pipeline.actions:
        provider = action.provider
        if provider is None or provider in ("CodeBuild", "Commands"):
            continue
        for ref in action.inputs:
            source = clone_outputs.get(ref.key or "")
            if source is not None:
                yield Report(ref.where, f"action `{action.label}` ({provider}) reads `{ref.key}`, which source action "
                             f"`{source.label}` outputs as CODEBUILD_CLONE_REF; only CodeBuild actions can read that format",
                             fix=f"set `OutputArtifactFormat: CODE_ZIP` on `{source.label}`, or pass the artifact "
                             "through a CodeBuild action first")
