"""``.tf.json`` (Terraform's JSON syntax) → the same syntax model as HCL.

The file is read by pipelint's JSON loader (positions, duplicate keys, limits). JSON cannot tell
an attribute from a nested block (Terraform decides by the provider's schema), so every
property whose value is an object, or a list of objects, is offered both ways: as an attribute
and as block(s); translators ask for what the schema says. Strings are templates: ``"${var.x}"``
is the reference ``var.x``, ``"a-${var.x}"`` a template.
"""

from __future__ import annotations

import re

from ..load.nodes import Mapping, Node, Scalar, Sequence
from .model import Attribute, Block, Body, Expr, Span

_WHOLE_REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[0-9]+\])*)\s*\}")
_INTERPOLATION = re.compile(r"[$%]\{[^{}]*\}")
# Top-level block types and how many labels their JSON nesting carries.
_LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1, "locals": 0, "terraform": 0}


def _span(node: Node) -> Span:
    return Span(node.line, node.col, node.end_line, node.end_col)


def expr_of(node: Node, depth: int = 0) -> Expr:
    """The expression a JSON value stands for."""
    span = _span(node)
    if isinstance(node, Scalar):
        value = node.value
        if isinstance(value, str) and ("${" in value or "%{" in value):
            whole = _WHOLE_REFERENCE.fullmatch(value)
            if whole is not None:
                parts: list[str | int] = [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"\[[0-9]+\]|[^.\[\]]+", whole.group(1))]
                return Expr("reference", span, whole.group(1), parts=parts)
            pieces: list[str | Expr] = []
            last = 0
            for match in _INTERPOLATION.finditer(value):
                pieces.append(value[last:match.start()].replace("$${", "${"))
                pieces.append(Expr("other", span, match.group(0)))
                last = match.end()
            pieces.append(value[last:])
            return Expr("template", span, node.raw, value=value, parts=pieces, style='"')
        if isinstance(value, str):
            return Expr("literal", span, node.raw, value=value.replace("$${", "${").replace("%%{", "%{"), style='"')
        return Expr("literal", span, node.raw, value=value, style="")
    if depth > 64:
        return Expr("other", span, "")
    if isinstance(node, Sequence):
        return Expr("tuple", span, "", items=[expr_of(item, depth + 1) for item in node.items])
    if isinstance(node, Mapping):
        pairs = [(expr_of(key, depth + 1), expr_of(value, depth + 1)) for key, value in node.items()]
        return Expr("object", span, "", pairs=pairs)
    return Expr("other", span, "")


def body_of(mapping: Mapping, depth: int = 0) -> Body:
    """A block body from a JSON object: each property as an attribute, and as block(s) when its
    value is an object or a list of objects."""
    body = Body(_span(mapping))
    for key, value in mapping.items():
        name = key.text
        if name == "dynamic" and isinstance(value, Mapping):
            for label_key, inner in value.items():
                for item in _objects(inner):
                    body.add_block(Block("dynamic", _span(key), [label_key.text], [_span(label_key)], body_of(item, depth + 1), _span(item)))
            continue
        body.add_attribute(Attribute(name, _span(key), expr_of(value), Span(key.line, key.col, value.end_line, value.end_col)))
        if depth < 8:  # Terraform's blocks nest a few levels deep; deeper objects are attribute values
            for item in _objects(value):
                body.add_block(Block(name, _span(key), [], [], body_of(item, depth + 1), _span(item)))
    return body


def _objects(node: Node) -> list[Mapping]:
    if isinstance(node, Mapping):
        return [node]
    if isinstance(node, Sequence):
        return [item for item in node.items if isinstance(item, Mapping)]
    return []


def file_body(root: Node) -> Body:
    """The top-level body of a ``.tf.json`` document: ``resource``, ``data``, ``locals``, … blocks."""
    body = Body(_span(root))
    if not isinstance(root, Mapping):
        return body
    for key, value in root.items():
        labels = _LABELS.get(key.text)
        if labels is None:
            continue
        _nest(body, key, value, labels, [], [])
    return body


def _nest(body: Body, key: Scalar, value: Node, remaining: int, labels: list[str], spans: list[Span]) -> None:
    if remaining == 0:
        for item in _objects(value):
            body.add_block(Block(key.text, _span(key), labels, spans, body_of(item), _span(item)))
        return
    for item in _objects(value):
        for label_key, inner in item.items():
            _nest(body, key, inner, remaining - 1, [*labels, label_key.text], [*spans, _span(label_key)])
