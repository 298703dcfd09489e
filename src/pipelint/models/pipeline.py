"""One model of a CodePipeline pipeline, whichever format it was written in.

A pipeline reaches pipelint in two shapes: the ``Properties`` of a CloudFormation
``AWS::CodePipeline::Pipeline`` resource (PascalCase keys, ``Fn::If`` and other intrinsic
functions, ``ArtifactStores`` as a list of ``{Region, ArtifactStore}``) and the ``pipeline``
mapping of an ``aws codepipeline`` CLI file (camelCase keys, ``artifactStores`` as a map from
Region to store). :func:`build` turns either into the same tree:
``Pipeline → Stage → Action → ArtifactRef``, plus pipeline variables and triggers.

Every part keeps the nodes it came from, so a rule can point at the exact key or value. Values
that are not plain literals (``!Ref``, ``!Sub``, ``!GetAtt``) are kept as nodes but their text is
``None``; names written with ``!Sub``/``!Ref`` get a canonical ``key`` so that two identical
expressions still match each other. An ``Fn::If`` in a list contributes both branches, each
tagged with the condition branch it depends on (:attr:`Action.conds`), so that rules can tell
two mutually exclusive alternatives from a real duplicate; ``!Ref AWS::NoValue`` is absent.

Use :func:`pipeline_of` from rules: it builds the model once per document.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from collections.abc import Sequence as Sequence_
from typing import Any

from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic, leading_arg
from ..load.scalars import clip_number, number_of_text
from ..records import Record

#: A chain of ``Fn::If`` branches an element depends on: ``(("IsProd", True),)``.
Cond = tuple[tuple[str, bool], ...]

SOURCE = "Source"


# --------------------------------------------------------------------------------------------
# Helpers over raw nodes


def is_no_value(node: Node | None) -> bool:
    """Whether ``node`` is ``!Ref AWS::NoValue`` (the property is then absent)."""
    if intrinsic(node) == "Ref" and isinstance(node, Mapping):
        target = node.pairs[0][1]
        return isinstance(target, Scalar) and target.value == "AWS::NoValue"
    return False


def alternatives(node: Node | None, conds: Cond = ()) -> Iterator[tuple[Node, Cond]]:
    """The values ``node`` may take: both branches of every ``Fn::If``, never ``AWS::NoValue``."""
    if node is None or is_no_value(node):
        return
    if intrinsic(node) == "Fn::If" and isinstance(node, Mapping):
        args = node.pairs[0][1]
        if isinstance(args, Sequence) and len(args.items) == 3:
            name = text_of(args.items[0]) or "?"
            yield from alternatives(args.items[1], conds + ((name, True),))
            yield from alternatives(args.items[2], conds + ((name, False),))
        return
    yield node, conds


def list_items(node: Node | None, conds: Cond = ()) -> tuple[list[tuple[Node, Cond]], bool]:
    """The items of a list value, ``Fn::If`` items expanded; and whether the list is fully known.

    A list given by another intrinsic function (``!Split``, ``!FindInMap``) is unknown.
    """
    found: list[tuple[Node, Cond]] = []
    known = True
    for value, value_conds in alternatives(node, conds):
        if isinstance(value, Sequence):
            for item in value.items:
                for alt, alt_conds in alternatives(item, value_conds):
                    if intrinsic(alt) is not None:
                        known = False
                    else:
                        found.append((alt, alt_conds))
        else:
            known = False
    return found, known


def text_of(node: Node | None) -> str | None:
    """The literal text of a scalar (strings and numbers; not booleans or nulls), else ``None``."""
    if isinstance(node, Scalar):
        value = node.value
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return node.raw
    return None


def key_of(node: Node | None) -> str | None:
    """A canonical text for a name: the literal, or the ``!Sub``/``!Ref`` expression it is built from.

    Two names written with the same expression get the same key, so they still match each other.
    """
    literal = text_of(node)
    if literal is not None:
        return literal
    kind = intrinsic(node)
    if kind is not None and isinstance(node, Mapping):
        arg = node.pairs[0][1]
        if kind == "Ref" and isinstance(arg, Scalar):
            return "${" + arg.text + "}"
        if kind == "Fn::Sub":
            template = leading_arg(arg)
            if isinstance(template, Scalar) and isinstance(template.value, str):
                return template.value
    return None


def is_literal_key(key: str | None) -> bool:
    """Whether a name key is a plain literal (no ``${…}`` substitution left in it)."""
    return key is not None and "${" not in key


def could_equal(key: str | None, literal: str) -> bool:
    """Whether a name key (possibly with ``${…}`` parts) could resolve to ``literal``."""
    if key is None:
        return True
    if is_literal_key(key):
        return key == literal
    import re

    parts = re.split(r"\$\{[^}]*\}", key)
    pattern = ".*".join(re.escape(part) for part in parts)
    return re.fullmatch(pattern, literal, flags=re.DOTALL) is not None


def exclusive(a: Cond, b: Cond) -> bool:
    """Whether two elements sit in opposite branches of the same condition (never both exist)."""
    branches = dict(a)
    return any(name in branches and branches[name] != value for name, value in b)


def as_int(node: Node | None) -> int | None:
    """The integer a scalar holds (``3`` or ``"3"``), else ``None`` (also for a string of
    thousands of digits, which is never converted: see :func:`as_number`)."""
    number = as_number(node)
    return number if isinstance(number, int) else None


def as_number(node: Node | None) -> int | float | None:
    """Like :func:`as_int`, but a string of more than 1,000 digits is ``±inf`` (out of every
    range) instead of ``None``: for rules that check a number's range."""
    if isinstance(node, Scalar) and not isinstance(node.value, bool):
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str):
            return number_of_text(node.value)
    return None


class Keys:
    """Key spelling of one format: camelCase for the CLI, PascalCase for CloudFormation."""

    def __init__(self, flavor: str) -> None:
        self.cfn = flavor == "cfn"

    def name(self, camel: str) -> str:
        """The key as this format spells it."""
        return camel[0].upper() + camel[1:] if self.cfn else camel

    def get(self, mapping: Node | None, camel: str) -> Node | None:
        """The value under the key, or ``None`` (``AWS::NoValue`` counts as absent)."""
        if not isinstance(mapping, Mapping):
            return None
        value = mapping.get(self.name(camel))
        return None if is_no_value(value) else value

    def key(self, mapping: Node | None, camel: str) -> Scalar | None:
        """The key node itself, for findings about a key."""
        return mapping.key_node(self.name(camel)) if isinstance(mapping, Mapping) else None


# --------------------------------------------------------------------------------------------
# The model


class NamedEntry(Record):
    """A list entry known by a name: its node, its name's node, and the conditions it is under."""

    __slots__ = ("node", "name_node", "conds")

    node: Node
    name_node: Node | None
    conds: Cond

    def __init__(self, node: Node, name_node: Node | None, conds: Cond = ()) -> None:
        self.node = node
        self.name_node = name_node
        self.conds = conds

    @property
    def name(self) -> str | None:
        """The literal name, if it is one."""
        return text_of(self.name_node)


class ArtifactRef(NamedEntry):
    """One entry of an action's ``inputArtifacts`` or ``outputArtifacts``."""

    __slots__ = ()

    @property
    def key(self) -> str | None:
        """The canonical name (literal or ``!Sub`` expression) used to match producers and consumers."""
        return key_of(self.name_node)

    @property
    def where(self) -> Node:
        """The best node to point at: the name, else the entry."""
        return self.name_node or self.node


class Action(Record):
    """One action of a stage."""

    __slots__ = ("node", "_stage", "index", "conds", "keys", "name_node", "type_node", "category_node", "owner_node", "provider_node", "version_node", "run_order_node", "configuration", "inputs", "outputs", "inputs_known", "outputs_known", "inputs_node", "outputs_node", "namespace_node", "region_node", "commands", "environment_variables")

    node: Mapping
    _stage: weakref.ReferenceType[Stage]
    index: int
    conds: Cond
    keys: Keys
    name_node: Node | None
    type_node: Node | None
    category_node: Node | None
    owner_node: Node | None
    provider_node: Node | None
    version_node: Node | None
    run_order_node: Node | None
    configuration: Node | None
    inputs: list[ArtifactRef]
    outputs: list[ArtifactRef]
    inputs_known: bool
    outputs_known: bool
    inputs_node: Node | None
    outputs_node: Node | None
    namespace_node: Node | None
    region_node: Node | None
    commands: Node | None
    environment_variables: Node | None

    def __init__(
        self,
        node: Mapping,
        stage: Stage,
        index: int,
        conds: Cond,
        keys: Keys,
        name_node: Node | None = None,
        type_node: Node | None = None,
        category_node: Node | None = None,
        owner_node: Node | None = None,
        provider_node: Node | None = None,
        version_node: Node | None = None,
        run_order_node: Node | None = None,
        configuration: Node | None = None,
        inputs: list[ArtifactRef] | None = None,
        outputs: list[ArtifactRef] | None = None,
        inputs_known: bool = True,
        outputs_known: bool = True,
        inputs_node: Node | None = None,
        outputs_node: Node | None = None,
        namespace_node: Node | None = None,
        region_node: Node | None = None,
        commands: Node | None = None,
        environment_variables: Node | None = None,
    ) -> None:
        self.node = node
        self._stage = weakref.ref(stage)
        self.index = index
        self.conds = conds
        self.keys = keys
        self.name_node = name_node
        self.type_node = type_node
        self.category_node = category_node
        self.owner_node = owner_node
        self.provider_node = provider_node
        self.version_node = version_node
        self.run_order_node = run_order_node
        self.configuration = configuration
        self.inputs = [] if inputs is None else inputs
        self.outputs = [] if outputs is None else outputs
        self.inputs_known = inputs_known
        self.outputs_known = outputs_known
        self.inputs_node = inputs_node
        self.outputs_node = outputs_node
        self.namespace_node = namespace_node
        self.region_node = region_node
        self.commands = commands
        self.environment_variables = environment_variables

    @property
    def stage(self) -> Stage:
        """The stage holding this action.

        Held weakly: a stage lists its actions, so a strong reference back would make every
        pipeline model a reference cycle, which (with everything it points into) only the cycle
        collector frees. The pipeline model keeps its stages alive.
        """
        stage = self._stage()
        if stage is None:  # pragma: no cover - the model outlived its stages
            raise ReferenceError("the pipeline model holding this action is gone")
        return stage

    @property
    def name(self) -> str | None:
        """The literal action name."""
        return text_of(self.name_node)

    @property
    def label(self) -> str:
        """The name for messages: the literal, the expression, or the position."""
        return key_of(self.name_node) or f"#{self.index + 1} of stage `{self.stage.label}`"

    @property
    def category(self) -> str | None:
        """``Source``, ``Build``, … when written literally."""
        return text_of(self.category_node)

    @property
    def owner(self) -> str | None:
        """``AWS``, ``ThirdParty`` or ``Custom`` when written literally."""
        return text_of(self.owner_node)

    @property
    def provider(self) -> str | None:
        """The provider (``CodeBuild``, ``S3``, …) when written literally."""
        return text_of(self.provider_node)

    @property
    def run_order(self) -> int | None:
        """The effective runOrder: 1 when absent, ``None`` when not a literal integer."""
        if self.run_order_node is None:
            return 1
        return as_int(self.run_order_node)

    @property
    def namespace(self) -> str | None:
        """The literal variable namespace, if any."""
        return text_of(self.namespace_node)

    @property
    def region(self) -> str | None:
        """The literal region, if any."""
        return text_of(self.region_node)

    @property
    def where(self) -> Node:
        """The best node to point at: the name, else the action mapping."""
        return self.name_node or self.node

    def config(self, key: str) -> Node | None:
        """A value of the action's ``configuration`` (keys are the same in both formats)."""
        if isinstance(self.configuration, Mapping):
            value = self.configuration.get(key)
            return None if is_no_value(value) else value
        return None

    def config_text(self, key: str) -> str | None:
        """The literal text of a configuration value."""
        return text_of(self.config(key))

    def runs_before(self, other: Action) -> bool | None:
        """Whether this action finishes before ``other`` starts; ``None`` when unknown."""
        if self.stage.index != other.stage.index:
            return self.stage.index < other.stage.index
        mine, theirs = self.run_order, other.run_order
        if mine is None or theirs is None:
            return None
        return mine < theirs

    def position(self) -> str:
        """``stage `Build`, runOrder 2`` for messages."""
        order = self.run_order
        order_text = clip_number(str(order)) if order is not None else "(not a literal)"
        return f"stage `{self.stage.label}`, {self.keys.name('runOrder')} {order_text}"


class Stage(Record):
    """One stage of the pipeline."""

    __slots__ = ("node", "index", "conds", "keys", "name_node", "actions_node", "actions", "actions_known", "__weakref__")

    node: Mapping
    index: int
    conds: Cond
    keys: Keys
    name_node: Node | None
    actions_node: Node | None
    actions: list[Action]
    actions_known: bool

    def __init__(
        self,
        node: Mapping,
        index: int,
        conds: Cond,
        keys: Keys,
        name_node: Node | None = None,
        actions_node: Node | None = None,
        actions: list[Action] | None = None,
        actions_known: bool = True,
    ) -> None:
        self.node = node
        self.index = index
        self.conds = conds
        self.keys = keys
        self.name_node = name_node
        self.actions_node = actions_node
        self.actions = [] if actions is None else actions
        self.actions_known = actions_known

    @property
    def name(self) -> str | None:
        """The literal stage name."""
        return text_of(self.name_node)

    @property
    def label(self) -> str:
        """The name for messages."""
        return key_of(self.name_node) or f"#{self.index + 1}"

    @property
    def where(self) -> Node:
        """The best node to point at."""
        return self.name_node or self.node

    def get(self, camel: str) -> Node | None:
        """Any other stage key (``onFailure``, ``beforeEntry``, …) in this format's spelling."""
        return self.keys.get(self.node, camel)

    def key(self, camel: str) -> Scalar | None:
        """The key node of a stage key."""
        return self.keys.key(self.node, camel)


class Variable(NamedEntry):
    """A V2 pipeline-level variable."""

    __slots__ = ()


class Trigger(Record):
    """A V2 trigger."""

    __slots__ = ("node", "provider_type_node", "source_action_node", "conds")

    node: Node
    provider_type_node: Node | None
    source_action_node: Node | None
    conds: Cond

    def __init__(
        self,
        node: Node,
        provider_type_node: Node | None,
        source_action_node: Node | None,
        conds: Cond = (),
    ) -> None:
        self.node = node
        self.provider_type_node = provider_type_node
        self.source_action_node = source_action_node
        self.conds = conds

    @property
    def source_action(self) -> str | None:
        """The literal ``sourceActionName``."""
        return text_of(self.source_action_node)


class ArtifactStoreEntry(Record):
    """One Region's artifact store (``artifactStores`` map entry or CloudFormation list item)."""

    __slots__ = ("node", "region_node", "store")

    node: Node
    region_node: Node | None
    store: Node | None

    def __init__(self, node: Node, region_node: Node | None, store: Node | None) -> None:
        self.node = node
        self.region_node = region_node
        self.store = store

    @property
    def region(self) -> str | None:
        """The literal Region."""
        return text_of(self.region_node)


class Pipeline(Record):
    """A whole pipeline declaration."""

    __slots__ = ("node", "flavor", "keys", "stages", "stages_node", "stages_known", "variables", "variables_node", "variables_known", "triggers", "triggers_node", "artifact_store", "artifact_stores", "artifact_stores_node", "artifact_stores_known", "pipeline_type_node", "execution_mode_node", "region", "_actions", "_producers", "_artifact_index", "_namespace_index")

    node: Node
    flavor: str
    keys: Keys
    stages: list[Stage]
    stages_node: Node | None
    stages_known: bool
    variables: list[Variable]
    variables_node: Node | None
    variables_known: bool
    triggers: list[Trigger]
    triggers_node: Node | None
    artifact_store: Node | None
    artifact_stores: list[ArtifactStoreEntry]
    artifact_stores_node: Node | None
    artifact_stores_known: bool
    pipeline_type_node: Node | None
    execution_mode_node: Node | None
    region: str | None

    def __init__(
        self,
        node: Node,
        flavor: str,
        keys: Keys,
        stages: list[Stage] | None = None,
        stages_node: Node | None = None,
        stages_known: bool = True,
        variables: list[Variable] | None = None,
        variables_node: Node | None = None,
        variables_known: bool = True,
        triggers: list[Trigger] | None = None,
        triggers_node: Node | None = None,
        artifact_store: Node | None = None,
        artifact_stores: list[ArtifactStoreEntry] | None = None,
        artifact_stores_node: Node | None = None,
        artifact_stores_known: bool = True,
        pipeline_type_node: Node | None = None,
        execution_mode_node: Node | None = None,
        region: str | None = None,
    ) -> None:
        self.node = node
        self.flavor = flavor
        self.keys = keys
        self.stages = [] if stages is None else stages
        self.stages_node = stages_node
        self.stages_known = stages_known
        self.variables = [] if variables is None else variables
        self.variables_node = variables_node
        self.variables_known = variables_known
        self.triggers = [] if triggers is None else triggers
        self.triggers_node = triggers_node
        self.artifact_store = artifact_store
        self.artifact_stores = [] if artifact_stores is None else artifact_stores
        self.artifact_stores_node = artifact_stores_node
        self.artifact_stores_known = artifact_stores_known
        self.pipeline_type_node = pipeline_type_node
        self.execution_mode_node = execution_mode_node
        self.region = region
        self._actions: list[Action] | None = None
        self._producers: dict[str, tuple[tuple[Action, ArtifactRef], ...]] | None = None
        self._artifact_index: ProducerIndex | None = None
        self._namespace_index: ProducerIndex | None = None

    def get(self, camel: str) -> Node | None:
        """Any top-level key in this format's spelling."""
        return self.keys.get(self.node, camel)

    def key(self, camel: str) -> Scalar | None:
        """The key node of a top-level key."""
        return self.keys.key(self.node, camel)

    @property
    def pipeline_type(self) -> str | None:
        """``V1``/``V2`` as written, ``None`` when absent or not a literal."""
        return text_of(self.pipeline_type_node)

    @property
    def execution_mode(self) -> str | None:
        """The literal execution mode."""
        return text_of(self.execution_mode_node)

    @property
    def actions(self) -> list[Action]:
        """Every action of every stage, in file order.

        Worked out once (rules read it for every action they check); the model is not changed
        after :func:`build`, so callers must not change the list either.
        """
        if self._actions is None:
            self._actions = [action for stage in self.stages for action in stage.actions]
        return self._actions

    def stage_count_range(self) -> tuple[int, int]:
        """The fewest and most stages the pipeline can have, given its ``Fn::If`` stages."""
        groups: dict[int, list[Stage]] = {}
        for stage in self.stages:
            groups.setdefault(stage.index, []).append(stage)
        low = sum(1 for group in groups.values() if any(not s.conds for s in group) or _covers_all(group))
        return low, len(groups)

    def producers(self, key: str) -> Sequence_[tuple[Action, ArtifactRef]]:
        """The actions whose outputs carry the name key ``key``, in file order.

        Looked up in an index by name key built on the first call, not by a scan of every
        action: rules ask once per input artifact.
        """
        if self._producers is None:
            index: dict[str, list[tuple[Action, ArtifactRef]]] = {}
            for action in self.actions:
                for ref in action.outputs:
                    ref_key = ref.key
                    if ref_key is not None:
                        index.setdefault(ref_key, []).append((action, ref))
            self._producers = {name: tuple(found) for name, found in index.items()}
        return self._producers.get(key, ())

    def artifact_index(self) -> ProducerIndex:
        """Output artifacts by name key, each under its action's and its own conditions (built once)."""
        if self._artifact_index is None:
            self._artifact_index = ProducerIndex(
                (ref.key, action, ref, action.conds + ref.conds)
                for action in self.actions for ref in action.outputs if ref.key is not None
            )
        return self._artifact_index

    def namespace_index(self) -> ProducerIndex:
        """Actions by the key of the variable namespace they declare (built once)."""
        if self._namespace_index is None:
            entries = []
            for action in self.actions:
                namespace = key_of(action.namespace_node) if action.namespace_node is not None else None
                if namespace is not None:
                    entries.append((namespace, action, action, action.conds))
            self._namespace_index = ProducerIndex(entries)
        return self._namespace_index


class _StageSummary(Record):
    """The producers of one group in one stage (by stage position): how many, how many with a
    runOrder that is not a literal, and the lowest literal runOrder."""

    __slots__ = ("count", "unknown", "lowest")

    count: int
    unknown: int
    lowest: int | None

    def __init__(self) -> None:
        self.count = 0
        self.unknown = 0
        self.lowest = None


class _ProducerGroup(Record):
    """The producers of one name under one chain of conditions, summarised for order questions."""

    __slots__ = ("conds", "first", "count", "earliest_stage", "stages", "per_action")

    conds: Cond
    first: tuple[int, Action, Any]
    count: int
    earliest_stage: int
    stages: dict[int, _StageSummary]
    per_action: dict[int, int]

    def __init__(self, conds: Cond, first: tuple[int, Action, Any]) -> None:
        self.conds = conds
        self.first = first
        self.count = 0
        self.earliest_stage = first[1].stage.index
        self.stages = {}
        self.per_action = {}

    def add(self, action: Action) -> None:
        """Count one more producer (the first one is given to the constructor and added too)."""
        self.count += 1
        stage_index = action.stage.index
        self.earliest_stage = min(self.earliest_stage, stage_index)
        summary = self.stages.get(stage_index)
        if summary is None:
            summary = self.stages[stage_index] = _StageSummary()
        summary.count += 1
        order = action.run_order
        if order is None:
            summary.unknown += 1
        elif summary.lowest is None or order < summary.lowest:
            summary.lowest = order
        self.per_action[id(action)] = self.per_action.get(id(action), 0) + 1

    def may_run_before(self, consumer: Action) -> bool:
        """Whether a producer of the group other than ``consumer`` finishes, or may finish, before
        ``consumer`` starts (:meth:`Action.runs_before` is ``True`` or ``None`` for it)."""
        stage_index = consumer.stage.index
        if self.earliest_stage < stage_index:
            return True
        summary = self.stages.get(stage_index)
        if summary is None or summary.count - self.per_action.get(id(consumer), 0) <= 0:
            return False
        order = consumer.run_order
        if order is None or summary.unknown:
            return True
        return summary.lowest is not None and summary.lowest < order


class ProducerLookup(Record):
    """What one consumer sees of a name's producers (those not in an opposite ``Fn::If`` branch)."""

    __slots__ = ("first", "count", "may_run_before")

    first: tuple[Action, Any] | None
    count: int
    may_run_before: bool

    def __init__(self, first: tuple[Action, Any] | None, count: int, may_run_before: bool) -> None:
        self.first = first
        self.count = count
        self.may_run_before = may_run_before


class ProducerIndex:
    """Producers of names (artifacts, variable namespaces) indexed once per pipeline.

    Answers, for a consumer, the questions rules used to answer with a scan of every action per
    reference: which producers are not in an opposite ``Fn::If`` branch, the first of them in
    file order, how many there are, and whether any of them (other than the consumer) may run
    before the consumer. Producers are grouped by name and condition chain, so a query costs the
    number of distinct condition chains of the name, not the number of its producers.
    """

    __slots__ = ("_groups",)

    def __init__(self, entries: Iterable[tuple[str, Action, Any, Cond]]) -> None:
        """Index ``(name, producing action, payload, condition chain)`` entries, given in file order."""
        self._groups: dict[str, dict[Cond, _ProducerGroup]] = {}
        for position, (name, action, payload, conds) in enumerate(entries):
            by_conds = self._groups.setdefault(name, {})
            group = by_conds.get(conds)
            if group is None:
                group = by_conds[conds] = _ProducerGroup(conds, (position, action, payload))
            group.add(action)

    def lookup(self, name: str, consumer: Action, conds: Cond) -> ProducerLookup:
        """The producers of ``name`` that ``consumer`` (under ``conds``) may see."""
        first: tuple[int, Action, Any] | None = None
        count = 0
        before = False
        for group in self._groups.get(name, {}).values():
            if exclusive(group.conds, conds):
                continue
            count += group.count
            if first is None or group.first[0] < first[0]:
                first = group.first
            before = before or group.may_run_before(consumer)
        return ProducerLookup(None if first is None else (first[1], first[2]), count, before)


def _covers_all(group: list[Stage]) -> bool:
    """Whether the alternatives at one list position exist in every branch of their condition."""
    first = [s.conds[0] for s in group if s.conds]
    return any(value for _, value in first) and any(not value for _, value in first)


# --------------------------------------------------------------------------------------------
# Building


def build(root: Node, flavor: str, file_root: Node | None = None) -> Pipeline:
    """Build the model from a pipeline root node (CloudFormation ``Properties`` or CLI ``pipeline``)."""
    keys = Keys(flavor)
    pipeline = Pipeline(node=root, flavor=flavor, keys=keys)
    if not isinstance(root, Mapping):
        pipeline.stages_known = False
        return pipeline
    pipeline.stages_node = keys.get(root, "stages")
    pipeline.pipeline_type_node = keys.get(root, "pipelineType")
    pipeline.execution_mode_node = keys.get(root, "executionMode")
    pipeline.artifact_store = keys.get(root, "artifactStore")
    pipeline.artifact_stores_node = keys.get(root, "artifactStores")
    pipeline.variables_node = keys.get(root, "variables")
    pipeline.triggers_node = keys.get(root, "triggers")
    pipeline.region = _region_from_metadata(file_root)

    items, pipeline.stages_known = list_items(pipeline.stages_node)
    position = _positions(pipeline.stages_node)
    for item, conds in items:
        if isinstance(item, Mapping):
            pipeline.stages.append(_stage(item, position.get(id(item), 0), conds, keys))
    _artifact_stores(pipeline)
    variable_items, pipeline.variables_known = list_items(pipeline.variables_node)
    for item, conds in variable_items:
        if isinstance(item, Mapping):
            pipeline.variables.append(Variable(item, keys.get(item, "name"), conds))
    for item, conds in list_items(pipeline.triggers_node)[0]:
        if isinstance(item, Mapping):
            git = keys.get(item, "gitConfiguration")
            pipeline.triggers.append(
                Trigger(item, keys.get(item, "providerType"), keys.get(git, "sourceActionName"), conds)
            )
    return pipeline


def _positions(list_node: Node | None) -> dict[int, int]:
    """Map each (possibly ``Fn::If``-nested) item node id to its index in the list."""
    found: dict[int, int] = {}
    for value, _ in alternatives(list_node):
        if isinstance(value, Sequence):
            for index, item in enumerate(value.items):
                for alt, _ in alternatives(item):
                    found[id(alt)] = index
    return found


def _stage(node: Mapping, index: int, conds: Cond, keys: Keys) -> Stage:
    stage = Stage(node=node, index=index, conds=conds, keys=keys)
    stage.name_node = keys.get(node, "name")
    stage.actions_node = keys.get(node, "actions")
    items, stage.actions_known = list_items(stage.actions_node, conds)
    if stage.actions_node is not None and not isinstance(stage.actions_node, Sequence) and intrinsic(stage.actions_node) is None:
        stage.actions_known = False
    position = _positions(stage.actions_node)
    for item, item_conds in items:
        if isinstance(item, Mapping):
            stage.actions.append(_action(item, stage, position.get(id(item), 0), item_conds, keys))
    return stage


def _action(node: Mapping, stage: Stage, index: int, conds: Cond, keys: Keys) -> Action:
    action = Action(node=node, stage=stage, index=index, conds=conds, keys=keys)
    action.name_node = keys.get(node, "name")
    action.type_node = keys.get(node, "actionTypeId")
    action.category_node = keys.get(action.type_node, "category")
    action.owner_node = keys.get(action.type_node, "owner")
    action.provider_node = keys.get(action.type_node, "provider")
    action.version_node = keys.get(action.type_node, "version")
    action.run_order_node = keys.get(node, "runOrder")
    action.configuration = keys.get(node, "configuration")
    action.namespace_node = keys.get(node, "namespace")
    action.region_node = keys.get(node, "region")
    action.commands = keys.get(node, "commands")
    action.environment_variables = keys.get(node, "environmentVariables")
    action.inputs_node = keys.get(node, "inputArtifacts")
    action.outputs_node = keys.get(node, "outputArtifacts")
    action.inputs, action.inputs_known = _artifacts(action.inputs_node, conds, keys)
    action.outputs, action.outputs_known = _artifacts(action.outputs_node, conds, keys)
    return action


def _artifacts(node: Node | None, conds: Cond, keys: Keys) -> tuple[list[ArtifactRef], bool]:
    if node is None:
        return [], True
    if not isinstance(node, Sequence) and intrinsic(node) is None:
        return [], False
    items, known = list_items(node, conds)
    refs: list[ArtifactRef] = []
    for item, item_conds in items:
        if isinstance(item, Mapping):
            refs.append(ArtifactRef(item, keys.get(item, "name"), item_conds))
        else:
            known = False
    return refs, known


def _artifact_stores(pipeline: Pipeline) -> None:
    node = pipeline.artifact_stores_node
    if node is None:
        return
    keys = pipeline.keys
    if keys.cfn:
        items, pipeline.artifact_stores_known = list_items(node)
        for item, _ in items:
            if isinstance(item, Mapping):
                pipeline.artifact_stores.append(
                    ArtifactStoreEntry(item, keys.get(item, "region"), keys.get(item, "artifactStore"))
                )
    elif isinstance(node, Mapping):
        for region_key, store in node.items():
            pipeline.artifact_stores.append(ArtifactStoreEntry(store, region_key, store))
    else:
        pipeline.artifact_stores_known = False


def _region_from_metadata(file_root: Node | None) -> str | None:
    """The pipeline's Region from ``metadata.pipelineArn`` of a ``get-pipeline`` file."""
    if not isinstance(file_root, Mapping):
        return None
    metadata = file_root.get("metadata")
    arn = text_of(metadata.get("pipelineArn")) if isinstance(metadata, Mapping) else None
    parts = arn.split(":") if arn else []
    return parts[3] if len(parts) > 4 and parts[3] else None


def pipeline_of(doc: Any) -> Pipeline:
    """The model of a ``pipeline`` document, built once and shared by every rule."""
    return doc.cached(
        "pipeline-model",
        lambda: build(doc.root, doc.flavor or "cli", doc.context.get("file_root") if doc.context else None),
    )
