"""What a translator may know about the module it translates, and how expressions become nodes.

:class:`ModuleContext` turns an :class:`~pipelint.terraform.model.Expr` into a positioned node of
the CloudFormation-shaped tree (:meth:`ModuleContext.node`):

* literals become scalars; objects mappings; tuples sequences (an unknown item marks the list
  as not fully known, as an intrinsic function item does in CloudFormation);
* ``local.x`` whose value is itself resolvable becomes that value (positioned where it is used),
  as long as the file's expansion budget allows (see :data:`MAX_EXPANDED_NODES`);
* ``aws_x.name.attr`` of a resource translated in the same file becomes ``{"Ref": logical id}``
  for its name/id and ``{"Fn::GetAtt": [logical id, "Arn"]}`` for its ARN; a resource of another
  file of the module whose ``name`` is a literal becomes that literal (the cross-file rules
  then find it by name);
* everything known only at apply time (``var.*``, ``data.*``, ``module.*``, function calls,
  conditionals, ``for`` expressions, splats) becomes an intrinsic-shaped mapping the rules
  already treat as unknown: ``{"Ref": "var.x"}`` for a reference, ``{"Fn::Sub": "text"}`` for
  a template with ``${…}`` parts, ``{"Fn::ImportValue": "text"}`` for anything else.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..load.nodes import Mapping, Node, Scalar, Sequence, Source
from .model import Block, Body, Expr, Span

# How deep local-to-local references are followed (a cycle stops there too).
MAX_LOCAL_DEPTH = 8
# What resolving locals may add to one file, as for YAML aliases (``Limits.max_expanded_nodes``
# and the alias character budget): every use of a local hands its whole value to the rules once
# more, so ten locals each repeating the previous one ten times stand for 10^9 strings or values.
# Each use of a local is counted against these budgets, and a use past them is unknown, as any
# value pipelint cannot know (real modules use a few hundred values of locals).
MAX_EXPANDED_NODES = 200_000
EXPANDED_CHARS_FLOOR = 1 << 20
EXPANDED_CHARS_PER_CHAR = 2
# What each resource attribute of a same-file resource stands for in CloudFormation.
_NAME_ATTRIBUTES = ("name", "id")
_ARN_ATTRIBUTES = ("arn",)


class Resource:
    """A translated resource: its logical id (the Terraform address), CloudFormation type, the
    block it came from, and its properties as ``(key, value)`` node pairs."""

    __slots__ = ("logical_id", "cfn_type", "block", "properties", "extra")

    def __init__(self, logical_id: str, cfn_type: str, block: Block) -> None:
        self.logical_id = logical_id
        self.cfn_type = cfn_type
        self.block = block
        self.properties: list[tuple[Scalar, Node]] = []
        self.extra: dict[str, Any] = {}

    def set(self, key: Scalar, value: Node | None) -> None:
        """Set a property (replacing one of the same name); ``None`` leaves it unset."""
        if value is None:
            return
        self.properties = [(k, v) for k, v in self.properties if k.value != key.value]
        self.properties.append((key, value))

    def get(self, name: str) -> Node | None:
        """A property's value node, if set."""
        for key, value in self.properties:
            if key.value == name:
                return value
        return None


class ModuleIndex:
    """What the other ``.tf`` files of the module declare, for resolving references to them:
    resource addresses with their literal ``name``, and literal locals."""

    __slots__ = ("names", "addresses", "files")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # "aws_codebuild_project.build" → its literal name
        self.addresses: set[str] = set()
        self.files: list[str] = []  # the other Terraform files of the folder (names)


class ModuleContext:
    """The file being translated, its module, and expression → node conversion."""

    def __init__(self, source: Source, body: Body, module_dir: str | None, root: str | None, index: ModuleIndex | None = None) -> None:
        self.source = source
        self.body = body
        self.module_dir = module_dir
        self.root = root
        self.index = index or ModuleIndex()
        self.resources: dict[str, Resource] = {}
        self.blocks: dict[str, Block] = {}  # address → resource block of this file (and borrowed ones)
        # Blocks of other files of the module this file borrows, each with its file's context.
        self.borrowed: list[tuple[ModuleContext, Block]] = []
        self.locals: dict[str, Expr] = {}
        # A local's node, converted once however often it is used (None: unknown or a cycle).
        self._local_nodes: dict[str, Node | None] = {}
        # The expanded size of every collection in a resolved local's value, by identity: the
        # node (kept, so that its id is not reused), its node count and its characters.
        self._sizes: dict[int, tuple[Node, int, int]] = {}
        # The largest node other readers made of a local (see `budgeted_local`), and the locals
        # being read that way now (a cycle back to one is unknown).
        self._largest: dict[object, tuple[int, int]] = {}
        self._building: set[object] = set()
        # What uses of locals may still add to the file (see MAX_EXPANDED_NODES).
        self.expanded_nodes_left = MAX_EXPANDED_NODES
        self.expanded_chars_left = max(EXPANDED_CHARS_FLOOR, EXPANDED_CHARS_PER_CHAR * len(source.text))
        for block in body.blocks:
            if block.type == "resource" and len(block.labels) == 2:
                self.blocks[f"{block.labels[0]}.{block.labels[1]}"] = block
            elif block.type == "locals":
                for name, attribute in block.body.attributes.items():
                    self.locals[name] = attribute.expr

    # ----------------------------------------------------------------------------------------
    # Building nodes

    def new_resource(self, block: Block, cfn_type: str) -> Resource:
        """A resource for a ``resource "TYPE" "NAME"`` block, its logical id ``TYPE.NAME``."""
        return Resource(".".join(block.labels[:2]), cfn_type, block)

    def scalar(self, value: Any, span: Span, raw: str | None = None, style: str = "") -> Scalar:
        """A scalar at ``span`` of this file."""
        text = raw if raw is not None else (value if isinstance(value, str) else str(value))
        return Scalar(value, text, None, style, self.source, span.line, span.col, span.end_line, span.end_col)

    def key(self, cfn_name: str, span: Span, written: str | None = None) -> Scalar:
        """A property key node: the CloudFormation name, positioned at the Terraform name."""
        return Scalar(cfn_name, written or cfn_name, None, "", self.source, span.line, span.col, span.end_line, span.end_col)

    def mapping(self, pairs: list[tuple[Scalar, Node]], span: Span) -> Mapping:
        """A mapping node at ``span``."""
        return Mapping(list(pairs), None, self.source, span.line, span.col, span.end_line, span.end_col)

    def sequence(self, items: list[Node], span: Span) -> Sequence:
        """A sequence node at ``span``."""
        return Sequence(list(items), None, self.source, span.line, span.col, span.end_line, span.end_col)

    def unknown(self, expr: Expr, function: str = "Fn::ImportValue") -> Mapping:
        """An intrinsic-shaped node for a value known only at apply time."""
        text = expr.text if len(expr.text) <= 200 else expr.text[:200] + "…"
        return self.mapping([(self.key(function, expr.span), self.scalar(text, expr.span))], expr.span)

    # ----------------------------------------------------------------------------------------
    # Expressions

    def node(self, expr: Expr | None, depth: int = 0) -> Node | None:
        """The node an expression stands for (see the module docstring); ``None`` for none."""
        if expr is None:
            return None
        kind = expr.kind
        if kind == "literal":
            return self.scalar(expr.value, expr.span, expr.text, expr.style)
        if kind == "object":
            pairs: list[tuple[Scalar, Node]] = []
            for key_expr, value_expr in expr.pairs or ():
                key = self.literal(key_expr)
                value = self.node(value_expr, depth)
                if not isinstance(key, str) or value is None:
                    return self.unknown(expr)  # a computed key: the object's shape is unknown
                pairs.append((self.key(key, key_expr.span, key_expr.text), value))
            return self.mapping(pairs, expr.span)
        if kind == "tuple":
            items = [self.node(item, depth) for item in expr.items or ()]
            return self.sequence([item for item in items if item is not None], expr.span)
        if kind == "template":
            resolved = self.template_text(expr)
            if resolved is not None:
                return self.scalar(resolved, expr.span, expr.text, '"')
            text = expr.value if isinstance(expr.value, str) else _template_source(expr)
            inner = self.scalar(text, expr.span, expr.text, expr.style)
            return self.mapping([(self.key("Fn::Sub", expr.span), inner)], expr.span)
        if kind == "reference":
            return self.reference(expr, depth)
        if kind == "call" and expr.name == "jsonencode" and len(expr.items or ()) == 1:
            # A known value, encoded, is a known JSON string (a CodeBuild action's
            # `EnvironmentVariables = jsonencode([...])` is read like CloudFormation's JSON string).
            encoded = self.node((expr.items or [])[0], depth)
            if encoded is not None and self._measure(encoded) is not None:
                import json

                return self.scalar(json.dumps(encoded.to_python(), separators=(",", ":")), expr.span, expr.text, '"')
        return self.unknown(expr)

    def literal(self, expr: Expr | None) -> Any:
        """The literal value of an expression after resolving locals and templates, or ``None``
        (also for a literal ``null``)."""
        node = self.node(expr)
        if isinstance(node, Scalar):
            return node.value
        return None

    def text(self, expr: Expr | None) -> str | None:
        """The literal string value of an expression, if it has one."""
        value = self.literal(expr)
        return value if isinstance(value, str) else None

    def template_text(self, expr: Expr, depth: int = 0, paths: bool = False) -> str | None:
        """A template's text when every interpolation is a resolvable literal (with ``paths``,
        ``path.module`` too, as ``.``: for paths relative to the module's folder), else ``None``."""
        out: list[str] = []
        for part in expr.parts or ():
            if isinstance(part, str):
                out.append(part)
                continue
            if paths and part.kind == "reference" and part.parts == ["path", "module"] and self.module_dir is not None:
                out.append(".")
                continue
            node = self.node(part, depth + 1) if depth < MAX_LOCAL_DEPTH else None
            if isinstance(node, Scalar) and isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool):
                out.append(node.value if isinstance(node.value, str) else node.text)
            else:
                return None
        return "".join(out)

    def reference(self, expr: Expr, depth: int) -> Node:
        """A reference: a resolvable local, a resource of this module, or unknown (``Ref``)."""
        parts = expr.parts or []
        head = parts[0] if parts else ""
        if head == "local" and len(parts) >= 2 and isinstance(parts[1], str) and depth < MAX_LOCAL_DEPTH:
            value = self.local_node(parts[1], depth)
            for step in parts[2:]:
                value = _step(value, step)
            if value is not None and self._charge(value):
                return _moved(value, expr.span) if isinstance(value, Scalar) else value
        if len(parts) >= 3 and isinstance(parts[0], str) and isinstance(parts[1], str) and isinstance(parts[2], str) and head not in ("var", "local", "data", "module", "path", "each", "count", "self", "terraform"):
            address = f"{parts[0]}.{parts[1]}"
            attribute = parts[2]
            if address in self.blocks and len(parts) == 3:
                if attribute in _NAME_ATTRIBUTES:
                    return self.mapping([(self.key("Ref", expr.span), self.scalar(address, expr.span))], expr.span)
                if attribute in _ARN_ATTRIBUTES:
                    args = self.sequence([self.scalar(address, expr.span), self.scalar("Arn", expr.span)], expr.span)
                    return self.mapping([(self.key("Fn::GetAtt", expr.span), args)], expr.span)
            elif address in self.index.names and attribute in _NAME_ATTRIBUTES and len(parts) == 3:
                return self.scalar(self.index.names[address], expr.span, expr.text, '"')
        return self.mapping([(self.key("Ref", expr.span), self.scalar(expr.address or expr.text, expr.span))], expr.span)

    def local_node(self, name: str, depth: int = 0) -> Node | None:
        """The node of ``local.NAME`` when it is fully known (no unknown part), else ``None``;
        converted once per file (a reference cycle is unknown)."""
        if name in self._local_nodes:
            return self._local_nodes[name]
        target = self.locals.get(name)
        if target is None:
            return None
        self._local_nodes[name] = None  # while converting: a cycle back to it is unknown
        value = self.node(target, depth + 1)
        sizes = self._measure(value) if value is not None else None
        if sizes is None:
            return None
        self._sizes.update(sizes)
        self._local_nodes[name] = value
        return value

    # ----------------------------------------------------------------------------------------
    # The expansion budget

    def budgeted_local(self, key: object, build: Callable[[], Node | None]) -> Node | None:
        """The node ``build`` makes of a local for a reader with its own view of it (a policy
        read from a local's heredoc or object), each use charged against the expansion budget
        as a resolved local's is. ``None`` past the budget (then ``build`` is not called when
        an earlier build of ``key`` was already too large), when ``build`` gives none, or for a
        cycle back to ``key``."""
        largest = self._largest.get(key, (0, 0))
        if key in self._building or largest[0] > self.expanded_nodes_left or largest[1] > self.expanded_chars_left:
            return None
        self._building.add(key)
        try:
            node = build()
        finally:
            self._building.discard(key)
        if node is None:
            return None
        nodes, chars = self._size(node, known_only=False)
        self._largest[key] = (max(largest[0], nodes), max(largest[1], chars))
        return node if self._spend(nodes, chars) else None

    def _charge(self, value: Node) -> bool:
        """Count one use of a local's ``value`` against the file's budget; ``False`` (the use is
        unknown) when it does not fit. Constant time: the value's size was measured once."""
        return self._spend(*self._size(value))

    def _spend(self, nodes: int, chars: int) -> bool:
        """Take ``nodes`` and ``chars`` from the budget if both fit (``False``: they do not)."""
        if nodes > self.expanded_nodes_left or chars > self.expanded_chars_left:
            return False
        self.expanded_nodes_left -= nodes
        self.expanded_chars_left -= chars
        return True

    def _size(self, node: Node, known_only: bool = True) -> tuple[int, int]:
        """The expanded node count and characters of a scalar or of a measured collection (a
        collection not measured yet is measured now, without recording it)."""
        if isinstance(node, Scalar):
            return 1, _chars(node)
        known = self._sizes.get(id(node))
        if known is not None:
            return known[1], known[2]
        sizes = self._measure(node, known_only)
        if sizes is None or id(node) not in sizes:
            return 1, 0
        return sizes[id(node)][1], sizes[id(node)][2]

    def _measure(self, root: Node, known_only: bool = True) -> dict[int, tuple[Node, int, int]] | None:
        """The expanded size of every collection of ``root`` not measured before, or ``None``
        when it holds an unknown part (an intrinsic-shaped mapping; with ``known_only`` false,
        unknown parts are measured as any other). Collections of resolved
        locals are known and measured already, so each node is visited once however often it is
        shared: the cost is that of the nodes this expression wrote itself."""
        from ..load.nodes import intrinsic

        sizes: dict[int, tuple[Node, int, int]] = {}
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if isinstance(node, Scalar) or id(node) in self._sizes or (not children_done and id(node) in sizes):
                continue
            children = _children(node)
            if not children_done:
                if known_only and intrinsic(node) is not None:
                    return None
                stack.append((node, True))
                stack.extend((child, False) for child in children)
                continue
            count, chars = 1, 0
            for child in children:
                if isinstance(child, Scalar):
                    count, chars = count + 1, chars + _chars(child)
                else:
                    found = self._sizes.get(id(child)) or sizes.get(id(child))
                    if found is not None:
                        count, chars = count + found[1], chars + found[2]
            sizes[id(node)] = (node, count, chars)
        return sizes

    # ----------------------------------------------------------------------------------------
    # Files the module reads

    def module_file(self, expr: Expr | None) -> str | None:
        """The absolute path of a ``file()``/``templatefile()`` argument, relative to the module's
        folder (``${path.module}/x`` or a plain relative path), when it is a regular file inside
        the linted tree; ``None`` otherwise (nothing outside it is looked at)."""
        if expr is None or self.module_dir is None:
            return None
        relative = self.text(expr) if expr.kind != "template" else self.template_text(expr, paths=True)
        if not relative or "\x00" in relative or os.path.isabs(relative):
            return None
        candidate = os.path.normpath(os.path.join(self.module_dir, relative))
        from ..discover import inside

        root = self.root or self.module_dir
        if not inside(candidate, root) or os.path.islink(candidate):
            return None
        return candidate if os.path.isfile(candidate) else None


def _template_source(expr: Expr) -> str:
    """A template's text with its interpolations as written, from its parts."""
    out: list[str] = []
    for part in expr.parts or ():
        out.append(part if isinstance(part, str) else "${" + part.text + "}")
    return "".join(out)


def _step(node: Node | None, step: str | int) -> Node | None:
    if isinstance(step, str) and isinstance(node, Mapping):
        return node.get(step)
    if isinstance(step, int) and isinstance(node, Sequence) and 0 <= step < len(node.items):
        return node.items[step]
    return None


def _children(node: Node) -> list[Node]:
    """A collection's keys and values (a mapping) or items (a sequence)."""
    if isinstance(node, Mapping):
        return [part for pair in node.pairs for part in pair]
    if isinstance(node, Sequence):
        return list(node.items)
    return []


def _chars(node: Scalar) -> int:
    """The characters a scalar hands to the rules."""
    return len(node.value) if isinstance(node.value, str) else len(node.text)


def _moved(node: Scalar, span: Span) -> Scalar:
    """A copy of a local's literal value, positioned where the local is used; a heredoc stays
    where it is written, so that positions inside it (a buildspec's) stay exact."""
    if node.style in ("<<", "<<-"):
        return node
    return Scalar(node.value, node.raw, node.tag, node.style, node.source, span.line, span.col, span.end_line, span.end_col)
