"""CP109 and CP205: what a CloudFormation pipeline becomes for each value of its conditions.

An ``Fn::If`` whose branch is ``!Ref AWS::NoValue`` removes an action, and an ``Fn::If`` in a
``Name`` picks one of two names. A stage whose every action is conditional can be left empty,
and two artifacts can end up with one name, only for some combination of condition values.
Like cfn-lint's E3032, these rules look at the combinations of the conditions that change the
element, and they bound the work: at most :data:`MAX_CONDITIONS` conditions per stage (2**12
combinations) and :data:`BUDGET` action checks per document, so a template with hundreds of
conditions stays fast (it is then checked for what fits in the budget, never guessed).

A condition defined as ``Fn::Not [{Condition: X}]`` is read as "not X", so ``IsProd`` and
``IsNotProd`` are never both false. Other relations between conditions (two ``Fn::Equals`` on
one parameter) are not worked out: an empty stage that needs two or more conditions to take
particular values is reported as a warning, one that needs a single condition as an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain as chain_iterables
from itertools import product
from typing import Any

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, intrinsic, rule
from pipelint.models.pipeline import Action, Cond, Stage, alternatives, exclusive, key_of, pipeline_of

MAX_CONDITIONS = 12
BUDGET = 200_000


def _negations(doc: Document) -> dict[str, str]:
    """``{"IsNotProd": "IsProd"}`` for conditions written ``Fn::Not [{Condition: IsProd}]``."""
    template = doc.parent.root if doc.parent is not None else None
    conditions = template.get("Conditions") if isinstance(template, Mapping) else None
    found: dict[str, str] = {}
    if not isinstance(conditions, Mapping):
        return found
    for key, value in conditions.items():
        if intrinsic(value) != "Fn::Not" or not isinstance(value, Mapping):
            continue
        arg = value.pairs[0][1]
        inner = arg.items[0] if isinstance(arg, Sequence) and len(arg.items) == 1 else None
        if isinstance(inner, Mapping) and intrinsic(inner) == "Condition":
            target = inner.pairs[0][1]
            if isinstance(target, Scalar) and isinstance(target.value, str):
                found[key.text] = target.value
    return found


def _canonical(conds: Cond, negations: dict[str, str]) -> Cond | None:
    """The chain with ``Fn::Not`` conditions replaced by their base; ``None`` if it contradicts
    itself or names a condition that is not a literal."""
    out: dict[str, bool] = {}
    for name, value in conds:
        if name == "?":
            return None
        seen: set[str] = set()
        while name in negations and name not in seen:  # a loop of Fn::Not is left as it is
            seen.add(name)
            name, value = negations[name], not value
        if out.get(name, value) != value:
            return None
        out[name] = value
    return tuple(sorted(out.items()))


class _Budget:
    """How many action checks a document may still spend on combinations."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = BUDGET


def _empty_combination(stage: Stage, negations: dict[str, str], budget: _Budget) -> dict[str, bool] | None:
    """A combination of condition values (beyond the stage's own) that leaves no action, if any."""
    fixed = _canonical(stage.conds, negations)
    if fixed is None or budget.left <= 0:
        return None
    own = dict(fixed)
    chains: list[dict[str, bool]] = []
    names: set[str] = set()
    for action in stage.actions:
        chain = _canonical(action.conds, negations)
        if chain is None:
            return None  # unknown or self-contradicting: do not guess
        extra = {name: value for name, value in chain if name not in own}
        if any(own.get(name, value) != value for name, value in chain):
            continue  # never exists together with the stage
        if not extra:
            return None  # an action that is there whenever the stage is
        chains.append(extra)
        names.update(extra)
    if not chains or len(names) > MAX_CONDITIONS:
        return None
    ordered = sorted(names)
    # First the likeliest combination: every condition takes the value that removes the first
    # action it guards (all false for the usual `!If [C, action, AWS::NoValue]`); then all.
    first: dict[str, bool] = {}
    for guard in chains:
        for name, value in guard.items():
            first.setdefault(name, not value)
    every = (dict(zip(ordered, values, strict=True)) for values in product((True, False), repeat=len(ordered)))
    for combo in chain_iterables([first], every):
        budget.left -= len(chains)
        if budget.left < 0:
            return None
        if all(any(combo[name] != value for name, value in chain.items()) for chain in chains):
            return {name: combo[name] for name in ordered}
    return None


def _describe(combo: dict[str, bool]) -> str:
    return " and ".join(f"`{name}` is {'true' if value else 'false'}" for name, value in combo.items())


@rule("CP109", "stage-empty-under-condition", severity="error", kinds=("pipeline",), flavors=("cfn",))
def stage_empty_under_condition(doc: Document, config: Any) -> Iterator[Report]:
    """A stage whose actions all sit under ``Fn::If`` is left with no action for some condition values.

    An action written ``!If [Cond, {action}, !Ref AWS::NoValue]`` is removed when ``Cond`` is
    false; when every action of a stage is removed that way, the stage is deployed with an
    empty ``Actions`` list. Each combination of the conditions that change the stage is tried
    (bounded, see the module notes); a combination that needs two or more conditions to take
    particular values is a warning, since the conditions may never take them together.

    Why: the pipeline deploys in one environment and fails in another, typically the first time
    the condition is false (a staging account without the production-only stage's action).
    Put the ``Fn::If`` around the whole stage instead, so that the stage goes with its actions.

    AWS behaviour: CodePipeline rejects a stage with no actions (InvalidStageDeclarationException;
    the exact message is not recorded), so the ``AWS::CodePipeline::Pipeline`` resource ends in
    CREATE_FAILED/UPDATE_FAILED in the stacks where the condition is false. Source: AWS
    CodePipeline User Guide, "CodePipeline pipeline structure reference" (a stage has 1 to 50
    actions); cfn-lint E3032 checks list lengths per condition combination the same way.

    Failing::

        Conditions:
          IsProd: !Equals [!Ref "AWS::AccountId", "111111111111"]
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
                - Name: Approve
                  Actions:
                    - !If
                      - IsProd
                      - Name: Approve
                        ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: "1"}
                      - !Ref AWS::NoValue

    Fixed::

        Conditions:
          IsProd: !Equals [!Ref "AWS::AccountId", "111111111111"]
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
                - !If
                  - IsProd
                  - Name: Approve
                    Actions:
                      - Name: Approve
                        ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: "1"}
                  - !Ref AWS::NoValue
    """
    pipeline = pipeline_of(doc)
    negations = _negations(doc)
    budget = _Budget()
    for stage in pipeline.stages:
        if not stage.actions_known or not stage.actions:
            continue  # an empty list is CP108's
        combo = _empty_combination(stage, negations, budget)
        if combo is None:
            continue
        node = stage.key("actions") or stage.where
        yield Report(node, f"stage `{stage.label}` has no action when {_describe(combo)}: every action is under `Fn::If` "
                           "with `AWS::NoValue`, and CodePipeline rejects an empty stage",
                     fix="put the `Fn::If` around the whole stage, or keep one action outside it",
                     severity="warning" if len(combo) > 1 else None)


def _output_names(action: Action) -> Iterator[tuple[Any, Node, Cond, bool]]:
    """``(name key, node, conditions, came from an Fn::If)`` of each name an output may have."""
    for ref in action.outputs:
        node = ref.name_node
        if node is None:
            continue
        conditional = intrinsic(node) == "Fn::If"
        for value, conds in alternatives(node, action.conds + ref.conds):
            key = key_of(value)
            if key is not None:
                yield key, value, conds, conditional


@rule("CP205", "duplicate-output-artifact-under-condition", severity="error", kinds=("pipeline",), flavors=("cfn",))
def duplicate_output_artifact_under_condition(doc: Document, config: Any) -> Iterator[Report]:
    """An output artifact name chosen with ``Fn::If`` equals another output's name for some condition values.

    ``Name: !If [IsProd, Built, Src]`` is ``Src`` when ``IsProd`` is false; if another action
    also outputs ``Src`` (and is not in the opposite branch of the same condition), the
    pipeline then has two artifacts of one name. CP202 checks names written directly; this
    rule checks every branch of a ``Name: !If``.

    Why: consumers find artifacts by name, so the names must be unique in every stack the
    template deploys, not only in the one the author tried.

    AWS behaviour: CodePipeline rejects a pipeline with two output artifacts of one name
    (InvalidStructureException; the exact message is not recorded), so the
    ``AWS::CodePipeline::Pipeline`` resource ends in CREATE_FAILED/UPDATE_FAILED where the
    condition takes that value. Source: AWS CodePipeline User Guide, "CodePipeline pipeline
    structure reference" (output artifact names must be unique in the pipeline).

    Failing::

        Conditions:
          IsProd: !Equals [!Ref "AWS::AccountId", "111111111111"]
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
                      OutputArtifacts: [{Name: !If [IsProd, ProdBuilt, Src]}]

    Fixed::

        Conditions:
          IsProd: !Equals [!Ref "AWS::AccountId", "111111111111"]
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
                      OutputArtifacts: [{Name: !If [IsProd, ProdBuilt, DevBuilt]}]
    """
    pipeline = pipeline_of(doc)
    seen: dict[str, list[tuple[Action, Node, Cond, bool]]] = {}
    reported: set[int] = set()
    for action in pipeline.actions:
        for key, node, conds, conditional in _output_names(action):
            earlier = seen.setdefault(key, [])
            for other_action, other_node, other_conds, other_conditional in earlier[:64]:  # bounded per name
                if not (conditional or other_conditional) or other_node is node or exclusive(other_conds, conds):
                    continue
                if id(node) in reported:
                    break
                reported.add(id(node))
                branch = [f"`{name}` is {'true' if value else 'false'}" for name, value in conds + other_conds]
                when = " and ".join(dict.fromkeys(branch)) or "always"
                yield Report(node, f"output artifact `{key}` of action `{action.label}` has the same name as the output of "
                                   f"action `{other_action.label}` (line {other_node.line}) when {when}; output artifact "
                                   "names must be unique in the pipeline",
                             fix="give each branch of the `Fn::If` a name no other output uses")
                break
            earlier.append((action, node, conds, conditional))
