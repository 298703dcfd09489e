"""The syntax model of a Terraform file, the same for ``.tf`` (HCL) and ``.tf.json``.

A file is a :class:`Body` of :class:`Attribute` (``name = expression``) and :class:`Block`
(``type "label" … { body }``) entries. An :class:`Expr` is kept as written, never evaluated:

* ``literal``: a string, number, boolean or null (``value``); heredocs too (``style`` ``<<`` or
  ``<<-``; quoted strings ``"``).
* ``template``: a string with ``${…}``/``%{…}`` parts (``parts``: literal text and expressions;
  ``value``: the text with the interpolations as written).
* ``reference``: ``var.x``, ``local.y``, ``aws_codebuild_project.build.name`` (``parts``: the
  names and literal indexes).
* ``call``: ``file("x")``, ``jsonencode({...})`` (``name``, arguments in ``items``).
* ``tuple`` (``items``) and ``object`` (``pairs`` of key and value expressions).
* ``other``: conditionals, operators, ``for`` expressions, splats: unknown until apply.
"""

from __future__ import annotations

from typing import Any


class Span:
    """A source range: 1-based line and column of the start, and of the end (exclusive)."""

    __slots__ = ("line", "col", "end_line", "end_col")

    def __init__(self, line: int, col: int, end_line: int, end_col: int) -> None:
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col

    def __repr__(self) -> str:
        return f"Span({self.line}:{self.col}-{self.end_line}:{self.end_col})"


class Expr:
    """One expression, as written (see the module docstring for the kinds)."""

    __slots__ = ("kind", "span", "text", "value", "style", "parts", "items", "pairs", "name")

    def __init__(
        self,
        kind: str,
        span: Span,
        text: str,
        *,
        value: Any = None,
        style: str = "",
        parts: list[Any] | None = None,
        items: list[Expr] | None = None,
        pairs: list[tuple[Expr, Expr]] | None = None,
        name: str = "",
    ) -> None:
        self.kind = kind
        self.span = span
        self.text = text
        self.value = value
        self.style = style
        self.parts = parts
        self.items = items
        self.pairs = pairs
        self.name = name

    def __repr__(self) -> str:
        return f"Expr({self.kind} {self.text[:40]!r} @{self.span.line}:{self.span.col})"

    @property
    def address(self) -> str | None:
        """For a reference: its text with literal indexes, ``aws_s3_bucket.b.arn``; else ``None``."""
        if self.kind != "reference" or not self.parts:
            return None
        return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in self.parts).replace(".[", "[")


class Attribute:
    """``name = expr`` in a body; ``name_span`` is where the name is written."""

    __slots__ = ("name", "name_span", "expr", "span")

    def __init__(self, name: str, name_span: Span, expr: Expr, span: Span) -> None:
        self.name = name
        self.name_span = name_span
        self.expr = expr
        self.span = span


class Block:
    """``type "label" … { body }``; a ``dynamic "stage"`` block has type ``dynamic``."""

    __slots__ = ("type", "type_span", "labels", "label_spans", "body", "span")

    def __init__(self, type_: str, type_span: Span, labels: list[str], label_spans: list[Span], body: Body, span: Span) -> None:
        self.type = type_
        self.type_span = type_span
        self.labels = labels
        self.label_spans = label_spans
        self.body = body
        self.span = span

    def __repr__(self) -> str:
        return f"Block({self.type} {self.labels} @{self.span.line})"


class Body:
    """The attributes and blocks of a file or a block, in file order."""

    __slots__ = ("span", "attributes", "blocks", "entries")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.attributes: dict[str, Attribute] = {}
        self.blocks: list[Block] = []
        self.entries: list[Attribute | Block] = []

    def add_attribute(self, attribute: Attribute) -> None:
        """Add an attribute (a repeated name: the last one is kept, as Terraform refuses both)."""
        self.attributes[attribute.name] = attribute
        self.entries.append(attribute)

    def add_block(self, block: Block) -> None:
        """Add a nested block."""
        self.blocks.append(block)
        self.entries.append(block)

    def attr(self, name: str) -> Attribute | None:
        """The attribute called ``name``, if written."""
        return self.attributes.get(name)

    def expr(self, name: str) -> Expr | None:
        """The expression of the attribute called ``name``, if written."""
        found = self.attributes.get(name)
        return found.expr if found is not None else None

    def blocks_of(self, type_: str) -> list[Block]:
        """The nested blocks of a type, in file order (``dynamic`` ones not included)."""
        return [b for b in self.blocks if b.type == type_]

    def dynamic_of(self, type_: str) -> list[Block]:
        """The ``dynamic "type"`` blocks generating blocks of a type (their number is unknown)."""
        return [b for b in self.blocks if b.type == "dynamic" and b.labels[:1] == [type_]]
