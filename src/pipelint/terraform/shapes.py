"""Declarative attribute maps: a Terraform block body → a CloudFormation property mapping.

A *shape* maps Terraform names to CloudFormation ones: ``"name": "Name"`` for an attribute,
``"environment": One("Environment", {...})`` for a nested block written at most once, and
``"environment_variable": Many("EnvironmentVariables", {...})`` for a repeatable block that
becomes a list. A ``dynamic`` block of a ``One`` makes the property unknown; of a ``Many``, it
adds an unknown item (so the list is known to be incomplete, as with an intrinsic function item
in CloudFormation). Names not in the shape are not translated.
"""

from __future__ import annotations

from collections.abc import Callable

from ..load.nodes import Mapping, Node, Scalar
from .context import ModuleContext
from .model import Attribute, Block, Body

# A custom converter: (attribute, context) → the property's value node, or None.
Convert = Callable[[Attribute, ModuleContext], Node | None]


class One:
    """A nested block written at most once, translated to a mapping property."""

    __slots__ = ("cfn", "shape")

    def __init__(self, cfn: str, shape: Shape) -> None:
        self.cfn = cfn
        self.shape = shape


class Many:
    """A repeatable nested block (or a list attribute of objects) translated to a list property."""

    __slots__ = ("cfn", "shape")

    def __init__(self, cfn: str, shape: Shape) -> None:
        self.cfn = cfn
        self.shape = shape


class Custom:
    """An attribute translated by a function (a buildspec, a policy document)."""

    __slots__ = ("cfn", "convert")

    def __init__(self, cfn: str, convert: Convert) -> None:
        self.cfn = cfn
        self.convert = convert


Shape = dict[str, str | One | Many | Custom]


def translate_body(body: Body, shape: Shape, ctx: ModuleContext) -> list[tuple[Scalar, Node]]:
    """The CloudFormation ``(key, value)`` pairs of a block body, in file order."""
    pairs: list[tuple[Scalar, Node]] = []
    done: set[str] = set()
    for entry in body.entries:
        if isinstance(entry, Attribute):
            target = shape.get(entry.name)
            if isinstance(target, str):
                value = ctx.node(entry.expr)
                if value is not None:
                    _put(pairs, ctx.key(target, entry.name_span, entry.name), value)
            elif isinstance(target, Custom):
                value = target.convert(entry, ctx)
                if value is not None:
                    _put(pairs, ctx.key(target.cfn, entry.name_span, entry.name), value)
            elif isinstance(target, Many) and entry.name not in done:
                # `environment_variable = [...]` style (attribute syntax for a block list)
                value = ctx.node(entry.expr)
                if value is not None:
                    _put(pairs, ctx.key(target.cfn, entry.name_span, entry.name), value)
            continue
        block = entry
        name = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        target = shape.get(name)
        if isinstance(target, One):
            if block.type == "dynamic":
                _put(pairs, ctx.key(target.cfn, block.type_span, "dynamic"), _unknown_block(block, ctx))
            else:
                _put(pairs, ctx.key(target.cfn, block.type_span, block.type), ctx.mapping(translate_body(block.body, target.shape, ctx), block.span))
        elif isinstance(target, Many) and name not in done:
            done.add(name)
            items: list[Node] = []
            key_span = block.type_span
            for other in body.blocks:
                if other.type == name:
                    items.append(ctx.mapping(translate_body(other.body, target.shape, ctx), other.span))
                elif other.type == "dynamic" and other.labels[:1] == [name]:
                    items.append(_unknown_block(other, ctx))
            _put(pairs, ctx.key(target.cfn, key_span, name), ctx.sequence(items, block.span))
    return pairs


def _put(pairs: list[tuple[Scalar, Node]], key: Scalar, value: Node) -> None:
    for index, (existing, _) in enumerate(pairs):
        if existing.value == key.value:
            pairs[index] = (key, value)
            return
    pairs.append((key, value))


def _unknown_block(block: Block, ctx: ModuleContext) -> Mapping:
    """A ``dynamic`` block: how many blocks it makes, and with what, is known only at apply."""
    text = f'dynamic "{block.labels[0] if block.labels else ""}"'
    return ctx.mapping([(ctx.key("Fn::ImportValue", block.type_span), ctx.scalar(text, block.type_span))], block.span)
