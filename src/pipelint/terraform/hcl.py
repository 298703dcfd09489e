"""HCL (``.tf``) text → a positioned syntax model: bodies, attributes, blocks, expressions.

The parser is `tree-sitter` with the `tree-sitter-hcl` grammar: a C parser that never raises,
recovers from errors with ``ERROR`` nodes (each becomes a ``PL002`` problem at its position), and
gives every node its exact byte range. Nothing is evaluated: an expression is kept as what it
is (a literal, a template with interpolations, a reference such as ``var.x``, a function call, …)
and :mod:`pipelint.terraform.values` decides what, if anything, it is known to be.

Positions follow :mod:`pipelint.load.nodes`: 1-based lines, 1-based columns counted in code
points, end column exclusive. This module is imported only when a Terraform file is linted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import tree_sitter
import tree_sitter_hcl

from ..load.problems import LoadProblem
from .hcl_shrink import Offsets
from .model import Attribute, Block, Body, Expr, Span

_PARSER: tree_sitter.Parser | None = None

# Only the first syntax error is reported: after it, error recovery guesses (as every
# Terraform version reports the first errors and stops).
MAX_SYNTAX_ERRORS = 1
# Deeper expression nesting than this is not descended into (the rest is "unknown").
MAX_DEPTH = 64

_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
# UTF-8 continuation bytes: every other byte starts a code point (a lone surrogate, which the
# text is encoded with `surrogatepass`, is one lead byte and two continuation bytes too).
_CONTINUATION = bytes(range(0x80, 0xC0))
# A non-ASCII line's continuation bytes are counted once per this many bytes (`_Converter.col`).
_COL_STRIDE = 256


def _parser() -> tree_sitter.Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _PARSER


def unescape(text: str, quoted: bool) -> str:
    """The value of a template literal: ``$${`` → ``${``, ``%%{`` → ``%{``, and, in a quoted
    string (not a heredoc), the backslash escapes."""
    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        if not quoted:
            return token
        body = token[1:]
        if body[0] in "uU" and len(body) > 1:
            try:
                return chr(int(body[1:], 16))
            except (ValueError, OverflowError):
                return token
        return _SIMPLE_ESCAPES.get(body, token)

    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    return _ESCAPE.sub(one, text)


class _Converter:
    """Walks one tree-sitter tree into the model, converting byte columns to code points."""

    def __init__(self, data: bytes, text: str, offsets: Offsets | None = None) -> None:
        self.data = data
        self.lines = data.split(b"\n")
        self.ascii = data.isascii()
        # Per non-ASCII line: the continuation bytes before every `_COL_STRIDE`-th byte (built once).
        self._col_marks: dict[int, list[int]] = {}
        self.problems: list[LoadProblem] = []
        # Outline only: the resource blocks with just their `name`, and the locals (what the
        # other files of a module need from a file).
        self.outline = False
        # When the parser read shortened bytes (see hcl_shrink): the map back, and where each
        # original line starts (rows are then computed from original offsets).
        self.offsets = offsets
        self.starts: list[int] = []
        if offsets is not None:
            position = 0
            for line in self.lines:
                self.starts.append(position)
                position += len(line) + 1

    def point(self, offset: int) -> tuple[int, int]:
        """The 0-based (row, byte column) of an original byte offset."""
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def start_byte(self, node: Any) -> int:
        """A node's start offset in the original bytes."""
        return node.start_byte if self.offsets is None else self.offsets.start(node.start_byte)

    def end_byte(self, node: Any) -> int:
        """A node's end offset in the original bytes."""
        return node.end_byte if self.offsets is None else self.offsets.end(node.end_byte)

    def row(self, node: Any, end: bool = False) -> int:
        """A node's 0-based start (or end) row in the original text."""
        if self.offsets is None:
            return int(node.end_point[0] if end else node.start_point[0])
        return self.point(self.end_byte(node) if end else self.start_byte(node))[0]

    def col(self, row: int, byte_col: int) -> int:
        """1-based code-point column of a 0-based (row, byte column) point.

        Constant time per point: a non-ASCII line's continuation bytes are counted once per
        :data:`_COL_STRIDE` bytes, and a point counts only the bytes after the mark before it
        (decoding the whole prefix for every node took minutes on a long line)."""
        if self.ascii or row >= len(self.lines):
            return byte_col + 1
        line = self.lines[row]
        marks = self._col_marks.get(row)
        if marks is None:
            if line.isascii():
                marks = []
            else:
                marks = [0]
                for start in range(0, len(line), _COL_STRIDE):
                    chunk = line[start:start + _COL_STRIDE]
                    marks.append(marks[-1] + len(chunk) - len(chunk.translate(None, _CONTINUATION)))
            self._col_marks[row] = marks
        if not marks:
            return byte_col + 1
        byte_col = min(byte_col, len(line))
        mark = byte_col // _COL_STRIDE
        start = mark * _COL_STRIDE
        continuations = marks[mark] + (byte_col - start) - len(line[start:byte_col].translate(None, _CONTINUATION))
        return byte_col - continuations + 1

    def span(self, node: Any) -> Span:
        """The :class:`Span` of a tree-sitter node."""
        if self.offsets is None:
            start, end = node.start_point, node.end_point
        else:
            start, end = self.point(self.start_byte(node)), self.point(max(self.end_byte(node), self.start_byte(node)))
        return Span(start[0] + 1, self.col(start[0], start[1]), end[0] + 1, self.col(end[0], end[1]))

    def text(self, node: Any) -> str:
        """The source text of a tree-sitter node."""
        return self.data[self.start_byte(node):self.end_byte(node)].decode("utf-8", "replace")

    # ----------------------------------------------------------------------------------------
    def body(self, node: Any, depth: int, only: tuple[str, ...] | None = None) -> Body:
        """The :class:`Body` of a ``body`` node: its attributes and blocks (with ``only``: just
        those attributes, and no block)."""
        body = Body(self.span(node))
        for child in node.named_children:
            if child.type == "attribute":
                name_node = child.child(0)
                expr_node = child.named_children[-1] if len(child.named_children) > 1 else None
                if name_node is None or expr_node is None:
                    continue
                if only is not None and self.text(name_node) not in only:
                    continue
                body.add_attribute(Attribute(self.text(name_node), self.span(name_node), self.expr(expr_node, depth + 1), self.span(child)))
            elif child.type == "block" and only is None:
                if self.outline and depth == 0 and self._block_type(child) not in ("resource", "locals"):
                    continue
                block = self.block(child, depth + 1)
                if block is not None:
                    body.add_block(block)
        return body

    def _block_type(self, node: Any) -> str:
        children = node.named_children
        return self.text(children[0]) if children and children[0].type == "identifier" else ""

    def block(self, node: Any, depth: int) -> Block | None:
        """The :class:`Block` of a ``block`` node (``None`` for a block without a type)."""
        children = node.named_children
        if not children or children[0].type != "identifier":
            return None
        labels: list[str] = []
        label_spans: list[Span] = []
        inner: Body | None = None
        for child in children[1:]:
            if child.type == "string_lit":
                labels.append(unescape(self.text(child)[1:-1], True))
                label_spans.append(self.span(child))
            elif child.type == "identifier":
                labels.append(self.text(child))
                label_spans.append(self.span(child))
            elif child.type == "body":
                only = ("name",) if self.outline and self.text(children[0]) == "resource" else None
                inner = self.body(child, depth, only) if depth < MAX_DEPTH else Body(self.span(child))
        span = self.span(node)
        return Block(self.text(children[0]), self.span(children[0]), labels, label_spans, inner or Body(span), span)

    # ----------------------------------------------------------------------------------------
    def expr(self, node: Any, depth: int) -> Expr:
        """The model of an ``expression`` node (or of one of its forms)."""
        span = self.span(node)
        if depth > MAX_DEPTH:
            return Expr("other", span, self.text(node))
        if node.type == "expression":
            children = node.named_children
            if not children:
                return Expr("other", span, self.text(node))
            if len(children) == 1 and children[0].type not in ("variable_expr",):
                return self.expr(children[0], depth + 1)
            if children[0].type == "variable_expr":
                return self.traversal(node, children, span, depth)
            if len(children) == 1:
                return self.expr(children[0], depth + 1)
            return Expr("other", span, self.text(node))
        kind = node.type
        if kind == "literal_value":
            return self.literal(node.named_children[0] if node.named_children else node, span)
        if kind == "collection_value":
            inner = node.named_children[0] if node.named_children else None
            if inner is not None and inner.type == "tuple":
                items = [self.expr(c, depth + 1) for c in inner.named_children if c.type == "expression"]
                return Expr("tuple", span, self.text(node), items=items)
            if inner is not None and inner.type == "object":
                pairs: list[tuple[Expr, Expr]] = []
                for elem in inner.named_children:
                    if elem.type != "object_elem":
                        continue
                    key = elem.child_by_field_name("key")
                    val = elem.child_by_field_name("val")
                    if key is None or val is None:
                        continue
                    pairs.append((self.object_key(key, depth + 1), self.expr(val, depth + 1)))
                return Expr("object", span, self.text(node), pairs=pairs)
            return Expr("other", span, self.text(node))
        if kind == "template_expr":
            inner = node.named_children[0] if node.named_children else None
            if inner is not None and inner.type == "quoted_template":
                return self.template(inner, span, heredoc="", depth=depth)
            if inner is not None and inner.type == "heredoc_template":
                return self.heredoc(inner, span, depth)
            return Expr("other", span, self.text(node))
        if kind == "function_call":
            name_node = node.named_children[0] if node.named_children else None
            args: list[Expr] = []
            for child in node.named_children[1:]:
                if child.type == "function_arguments":
                    args = [self.expr(c, depth + 1) for c in child.named_children if c.type == "expression"]
            return Expr("call", span, self.text(node), name=self.text(name_node) if name_node is not None else "", items=args)
        return Expr("other", span, self.text(node))

    def object_key(self, node: Any, depth: int) -> Expr:
        """An object key: a bare identifier is its own name (``{ a = 1 }``), not a reference."""
        expr = self.expr(node, depth)
        if expr.kind == "reference" and expr.parts is not None and len(expr.parts) == 1:
            return Expr("literal", expr.span, expr.text, value=expr.text, style="")
        return expr

    def literal(self, node: Any, span: Span) -> Expr:
        """A number, boolean, null or plain string literal."""
        raw = self.text(node)
        if node.type == "numeric_lit":
            try:
                value: Any = int(raw) if raw.isdigit() else float(raw)
            except ValueError:
                value = raw
            return Expr("literal", span, raw, value=value, style="")
        if node.type == "bool_lit":
            return Expr("literal", span, raw, value=raw == "true", style="")
        if node.type == "null_lit":
            return Expr("literal", span, raw, value=None, style="")
        if node.type == "string_lit":
            return Expr("literal", span, raw, value=unescape(raw[1:-1], True), style='"')
        return Expr("other", span, raw)

    def template(self, node: Any, span: Span, heredoc: str, depth: int = 0) -> Expr:
        """A quoted or heredoc template: literal when it has no interpolation or directive."""
        parts: list[str | Expr] = []
        quoted = heredoc == ""
        # A quoted template's literal text is read from the source between its interpolations:
        # the grammar's `template_literal` nodes leave out the blanks next to an interpolation
        # (`"a ${x} c"` would read as "a", x, "c").
        cursor = self.start_byte(node) + 1 if quoted and self.data[self.start_byte(node):self.start_byte(node) + 1] == b'"' else None
        for child in node.named_children:
            if child.type == "template_literal":
                if cursor is None:
                    parts.append(unescape(self.text(child), quoted))
                continue
            if cursor is not None and child.type in ("template_interpolation", "template_directive"):
                gap = self.data[cursor:self.start_byte(child)].decode("utf-8", "replace")
                if gap:
                    parts.append(unescape(gap, True))
                cursor = self.end_byte(child)
            if child.type in ("template_interpolation", "template_directive"):
                inner = [c for c in child.named_children if c.type == "expression"]
                if child.type == "template_interpolation" and len(inner) == 1:
                    parts.append(self.expr(inner[0], depth + 1))
                else:
                    parts.append(Expr("other", self.span(child), self.text(child)))
        if cursor is not None:
            end = self.end_byte(node)
            if end > cursor and self.data[end - 1:end] == b'"':
                end -= 1
            tail = self.data[cursor:end].decode("utf-8", "replace")
            if tail:
                parts.append(unescape(tail, True))
        raw = self.text(node)
        if all(isinstance(p, str) for p in parts):
            return Expr("literal", span, raw, value="".join(p for p in parts if isinstance(p, str)), style=heredoc or '"')
        return Expr("template", span, raw, parts=parts, style=heredoc or '"')

    def heredoc(self, node: Any, span: Span, depth: int = 0) -> Expr:
        """A heredoc: ``<<EOT`` keeps its text, ``<<-EOT`` strips the common indentation."""
        start = node.named_children[0] if node.named_children else None
        strip = start is not None and self.text(start).endswith("-")
        opening = self.row(node)
        closing = self.row(node, end=True)
        content_lines = self.lines[opening + 1:closing]
        has_template = any(c.type in ("template_interpolation", "template_directive") for c in node.named_children)
        style = "<<-" if strip else "<<"
        if not has_template:
            lines = [line.decode("utf-8", "replace") for line in content_lines]
            text = _dedent(lines) if strip else "\n".join(lines) + ("\n" if lines else "")
            text = unescape(text.replace("\r\n", "\n"), False)
            return Expr("literal", span, self.text(node), value=text, style=style)
        expr = self.template(node, span, style, depth)
        if strip:
            # Re-cut the template's text by lines, so that the stripped indentation applies to
            # the interpolations' lines too: the value keeps `${…}` as written.
            lines = [line.decode("utf-8", "replace") for line in content_lines]
            expr.value = unescape(_dedent(lines), False)
        else:
            lines = [line.decode("utf-8", "replace") for line in content_lines]
            expr.value = unescape("\n".join(lines) + ("\n" if lines else ""), False)
        return expr

    def traversal(self, node: Any, children: list[Any], span: Span, depth: int = 0) -> Expr:
        """``var.x``, ``aws_codebuild_project.build.name``, ``local.list[0]``: a reference; with a
        splat (``x[*].y``) or a computed index it is another expression."""
        parts: list[str | int] = [self.text(children[0])]
        for child in children[1:]:
            if child.type == "get_attr":
                ident = child.named_children[0] if child.named_children else None
                if ident is None:
                    return Expr("other", span, self.text(node))
                parts.append(self.text(ident))
            elif child.type == "index":
                inner = child.named_children[0] if child.named_children else None
                literal = inner.named_children[0] if inner is not None and inner.named_children else None
                value = self.expr(literal, depth + 1) if literal is not None and literal.type == "expression" else None
                if value is None or value.kind != "literal" or not isinstance(value.value, (int, str)) or isinstance(value.value, bool):
                    return Expr("other", span, self.text(node))
                parts.append(value.value)
            else:
                return Expr("other", span, self.text(node))
        return Expr("reference", span, self.text(node), parts=parts)

    def _clamped(self, span: Span) -> Span:
        """A span moved back onto the file's last character when it starts past it (a missing
        ``}`` at the end of a file ending with a newline is placed after that newline)."""
        last = len(self.lines) - 1
        while last > 0 and not self.lines[last].strip():
            last -= 1
        if span.line - 1 < last or (span.line - 1 == last and span.col <= len(self.lines[last].decode("utf-8", "replace"))):
            return span
        width = len(self.lines[last].rstrip(b"\r").decode("utf-8", "replace"))
        col = max(width, 1)
        return Span(last + 1, col, last + 1, col + 1)

    def errors(self, root: Any) -> None:
        """A ``PL002`` problem for the first error or missing node (at most :data:`MAX_SYNTAX_ERRORS`)."""
        if not root.has_error:
            return
        stack = [root]
        while stack and len(self.problems) < MAX_SYNTAX_ERRORS:
            current = stack.pop()
            if current.is_error or current.is_missing:
                span = self._clamped(self.span(current))
                end_line, end_col = (span.end_line, span.end_col) if current.is_error else (span.line, span.col + 1)
                if end_line > span.line:
                    end_line, end_col = span.line, len(self.lines[span.line - 1].decode("utf-8", "replace")) + 1 if span.line - 1 < len(self.lines) else span.col + 1
                what = f"`{current.type}` expected here" if current.is_missing else f"unexpected `{_first_line(self.text(current))[:40]}`"
                self.problems.append(LoadProblem("PL002", f"HCL syntax error: {what}; Terraform rejects this file", span.line, span.col, end_line, end_col,
                                                 fix="check the brackets, quotes and `=` signs around this point"))
                continue
            if current.has_error:
                stack.extend(reversed(current.children))


def _too_large(limit: int) -> LoadProblem:
    return LoadProblem("PL007", f"file holds more than {limit:,} syntax elements; not linted (no Terraform module needs this many "
                                "in one file)", 1, 1)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip() or text.strip()[:40]


def _dedent(lines: list[str]) -> str:
    """``<<-`` heredoc content: the smallest indentation of the non-blank lines removed."""
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "".join(line[cut:].rstrip("\r") + "\n" for line in lines)


def parse_hcl(text: str, max_nodes: int = 200_000, outline: bool = False) -> tuple[Body | None, list[LoadProblem]]:
    """Parse HCL text into its top-level :class:`Body` and the syntax problems found.

    A file of more than ``2 * max_nodes`` syntax nodes (about 1 MB of dense HCL; real modules
    are a few kilobytes) is not converted (``None`` and a ``PL007`` problem): its syntax tree
    alone takes about 160 bytes a node, and every rule would walk it. Long strings, heredocs
    and whitespace runs are shortened before parsing (:mod:`.hcl_shrink`), so that any file
    under the size limit parses in bounded time and memory; what cannot be shortened within
    bounds is refused as ``PL007``. With ``outline``, only the resource blocks (with just their
    ``name`` attribute) and the ``locals`` are converted: what another file of the module needs."""
    from .hcl_shrink import shrink, verified

    data = text.encode("utf-8", "surrogatepass")
    # A lower bound of the values, counted before the parser builds a tree that large.
    estimate = sum(data.count(c) for c in (b"=", b"{", b"[", b",", b"\n")) + data.count(b'"') // 2
    if estimate > max_nodes:
        return None, [_too_large(2 * max_nodes)]
    shrunk = shrink(data)
    if shrunk.refusal is not None:
        return None, [LoadProblem("PL007", f"file {shrunk.refusal}", 1, 1)]
    tree = _parser().parse(shrunk.data)
    if tree.root_node.descendant_count > 2 * max_nodes:
        return None, [_too_large(2 * max_nodes)]
    offsets = shrunk.offsets
    if offsets is not None and (tree.root_node.has_error or not verified(shrunk, tree.root_node)):
        # Error recovery depends on the text's length: a file with a syntax error is parsed
        # again as is when that stays bounded (else its error is located on the shortened text).
        if shrunk.original_bounded:
            tree, offsets = _parser().parse(data), None
        elif not tree.root_node.has_error:
            return None, [LoadProblem("PL007", "file holds long strings or blank runs pipelint could not shorten safely before parsing; "
                                               "not linted", 1, 1)]
        if tree.root_node.descendant_count > 2 * max_nodes:
            return None, [_too_large(2 * max_nodes)]
    converter = _Converter(data, text, offsets)
    converter.outline = outline
    converter.errors(tree.root_node)
    root = tree.root_node
    body_node = next((c for c in root.named_children if c.type == "body"), None)
    body = converter.body(body_node, 0) if body_node is not None else Body(converter.span(root))
    return body, converter.problems
