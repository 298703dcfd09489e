"""``aws_codepipeline`` → ``AWS::CodePipeline::Pipeline``.

``stage``/``action`` blocks become ``Stages``/``Actions``; an action's ``category``, ``owner``,
``provider`` and ``version`` its ``ActionTypeId``; ``input_artifacts``/``output_artifacts``
(lists of names) lists of ``{Name: …}``; ``artifact_store`` one ``ArtifactStore``, or, when the
blocks name a ``region``, ``ArtifactStores``; ``variable`` and ``trigger`` blocks ``Variables``
and ``Triggers``. A ``dynamic "stage"`` or ``dynamic "action"`` block adds an unknown item, so
the rules know the list is incomplete. Names follow the AWS provider's documentation of
``aws_codepipeline``.
"""

from __future__ import annotations

import re

from ..load.nodes import Node, Scalar
from . import UNSET_RUN_ORDER, translator
from .context import ModuleContext, Resource
from .model import Attribute, Block, Expr
from .shapes import Custom, Many, One, Shape, translate_body


def artifact_names(attribute: Attribute, ctx: ModuleContext) -> Node | None:
    """``["a", "b"]`` → ``[{Name: "a"}, {Name: "b"}]``; an unknown list stays unknown."""
    expr = attribute.expr
    if expr.kind != "tuple":
        return ctx.node(expr)
    items: list[Node] = []
    for item in expr.items or ():
        value = ctx.node(item)
        if value is not None:
            items.append(ctx.mapping([(ctx.key("Name", item.span, attribute.name), value)], item.span))
    return ctx.sequence(items, expr.span)


_NEGATIVE = re.compile(r"-[ \t]*[0-9]{1,18}")


def run_order(attribute: Attribute, ctx: ModuleContext) -> Node | None:
    """An action's ``run_order``; 0 or below is the provider's "unset", which CodePipeline runs at 1.

    The AWS provider (``expandActions`` in ``internal/service/codepipeline/codepipeline.go``)
    sends ``RunOrder`` only when ``run_order > 0``: a literal 0 or a negative number reaches AWS
    as no run order at all, which CodePipeline reads as 1. The node then holds 1, tagged
    :data:`~pipelint.terraform.UNSET_RUN_ORDER` (its text stays what the file says), so the
    ordering rules see the order AWS uses and CP107 only notes that the value means "unset"."""
    expr = attribute.expr
    if expr.kind == "other" and _NEGATIVE.fullmatch(expr.text):  # `-1`: a unary minus on a literal
        span = expr.span
        return Scalar(1, expr.text, UNSET_RUN_ORDER, "", ctx.source, span.line, span.col, span.end_line, span.end_col)
    node = ctx.node(expr)
    if isinstance(node, Scalar) and node.tag is None and not isinstance(node.value, bool):
        value = node.value
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]{1,18}\s*", value):
            value = int(value)
        if isinstance(value, int) and value <= 0:
            return Scalar(1, node.raw, UNSET_RUN_ORDER, node.style, node.source, node.line, node.col, node.end_line, node.end_col)
    return node


def configuration(attribute: Attribute, ctx: ModuleContext) -> Node | None:
    """An action's ``configuration`` map, its keys as written (they are CodePipeline's names)."""
    return ctx.node(attribute.expr)


ACTION: Shape = {
    "name": "Name",
    "configuration": Custom("Configuration", configuration),
    "input_artifacts": Custom("InputArtifacts", artifact_names),
    "output_artifacts": Custom("OutputArtifacts", artifact_names),
    "role_arn": "RoleArn",
    "run_order": Custom("RunOrder", run_order),
    "region": "Region",
    "namespace": "Namespace",
    "timeout_in_minutes": "TimeoutInMinutes",
}
_ACTION_TYPE = (("category", "Category"), ("owner", "Owner"), ("provider", "Provider"), ("version", "Version"))
_CONDITION: Shape = {
    "result": "Result",
    "rule": Many("Rules", {"name": "Name", "configuration": "Configuration", "region": "Region", "role_arn": "RoleArn",
                           "rule_type_id": One("RuleTypeId", {"category": "Category", "owner": "Owner", "provider": "Provider", "version": "Version"})}),
}
_STAGE_CONDITIONS: Shape = {"condition": Many("Conditions", _CONDITION), "result": "Result"}
_FILTER: Shape = {"includes": "Includes", "excludes": "Excludes"}
_TRIGGER: Shape = {
    "provider_type": "ProviderType",
    "git_configuration": One("GitConfiguration", {
        "source_action_name": "SourceActionName",
        "push": Many("Push", {"tags": One("Tags", _FILTER), "branches": One("Branches", _FILTER), "file_paths": One("FilePaths", _FILTER)}),
        "pull_request": Many("PullRequest", {"events": "Events", "branches": One("Branches", _FILTER), "file_paths": One("FilePaths", _FILTER)}),
    }),
}
STORE: Shape = {
    "location": "Location",
    "type": "Type",
    "encryption_key": One("EncryptionKey", {"id": "Id", "type": "Type"}),
}
PIPELINE: Shape = {
    "name": "Name",
    "role_arn": "RoleArn",
    "pipeline_type": "PipelineType",
    "execution_mode": "ExecutionMode",
    "variable": Many("Variables", {"name": "Name", "default_value": "DefaultValue", "description": "Description"}),
    "trigger": Many("Triggers", _TRIGGER),
}


def _action(block: Block, ctx: ModuleContext) -> Node:
    pairs = translate_body(block.body, ACTION, ctx)
    type_pairs: list[tuple[Scalar, Node]] = []
    for tf_name, cfn_name in _ACTION_TYPE:
        attribute = block.body.attr(tf_name)
        if attribute is not None:
            value = ctx.node(attribute.expr)
            if value is not None:
                type_pairs.append((ctx.key(cfn_name, attribute.name_span, tf_name), value))
    if type_pairs:
        # `ActionTypeId` has no block of its own in Terraform: its key is the first of the four
        # attributes, its mapping the action's body.
        first = type_pairs[0][0]
        key = Scalar("ActionTypeId", first.raw, None, "", ctx.source, first.line, first.col, first.end_line, first.end_col)
        pairs.insert(1 if pairs and pairs[0][0].value == "Name" else 0, (key, ctx.mapping(type_pairs, block.body.span)))
    return ctx.mapping(pairs, block.span)


def _stage(block: Block, ctx: ModuleContext) -> Node:
    pairs: list[tuple[Scalar, Node]] = []
    name = block.body.attr("name")
    if name is not None:
        value = ctx.node(name.expr)
        if value is not None:
            pairs.append((ctx.key("Name", name.name_span, "name"), value))
    actions = block.body.blocks_of("action")
    dynamic = block.body.dynamic_of("action")
    if actions or dynamic:
        items = [_action(a, ctx) for a in actions] + [_unknown(b, ctx) for b in dynamic]
        first = min([*actions, *dynamic], key=lambda b: (b.span.line, b.span.col))
        items.sort(key=lambda n: (n.line, n.col))
        pairs.append((ctx.key("Actions", first.type_span, "action"), ctx.sequence(items, first.span)))
    for tf_name, cfn_name in (("before_entry", "BeforeEntry"), ("on_failure", "OnFailure"), ("on_success", "OnSuccess")):
        for condition in block.body.blocks_of(tf_name):
            pairs.append((ctx.key(cfn_name, condition.type_span, tf_name), ctx.mapping(translate_body(condition.body, _STAGE_CONDITIONS, ctx), condition.span)))
    return ctx.mapping(pairs, block.span)


def _unknown(block: Block, ctx: ModuleContext) -> Node:
    text = f'dynamic "{block.labels[0] if block.labels else ""}"'
    return ctx.unknown(Expr("other", block.type_span, text))


@translator("aws_codepipeline")
def codepipeline(block: Block, ctx: ModuleContext) -> list[Resource]:
    """An ``aws_codepipeline`` as an ``AWS::CodePipeline::Pipeline``."""
    resource = ctx.new_resource(block, "AWS::CodePipeline::Pipeline")
    body = block.body
    for key, value in translate_body(body, PIPELINE, ctx):
        resource.set(key, value)
    stores = body.blocks_of("artifact_store")
    dynamic_stores = body.dynamic_of("artifact_store")
    if dynamic_stores:
        first = dynamic_stores[0]
        resource.set(ctx.key("ArtifactStore", first.type_span, "dynamic"), _unknown(first, ctx))
    elif len(stores) == 1 and stores[0].body.attr("region") is None:
        store = stores[0]
        resource.set(ctx.key("ArtifactStore", store.type_span, "artifact_store"), ctx.mapping(translate_body(store.body, STORE, ctx), store.span))
    elif stores:
        items: list[Node] = []
        for store in stores:
            entry: list[tuple[Scalar, Node]] = []
            region = store.body.attr("region")
            region_value = ctx.node(region.expr) if region is not None else None
            if region is not None and region_value is not None:
                entry.append((ctx.key("Region", region.name_span, "region"), region_value))
            entry.append((ctx.key("ArtifactStore", store.type_span, "artifact_store"), ctx.mapping(translate_body(store.body, STORE, ctx), store.span)))
            items.append(ctx.mapping(entry, store.span))
        resource.set(ctx.key("ArtifactStores", stores[0].type_span, "artifact_store"), ctx.sequence(items, stores[0].span))
    stages = body.blocks_of("stage")
    dynamic = body.dynamic_of("stage")
    if stages or dynamic:
        nodes = [_stage(s, ctx) for s in stages] + [_unknown(d, ctx) for d in dynamic]
        nodes.sort(key=lambda n: (n.line, n.col))
        first = min([*stages, *dynamic], key=lambda b: (b.span.line, b.span.col))
        resource.set(ctx.key("Stages", first.type_span, "stage"), ctx.sequence(nodes, first.span))
    return [resource]
