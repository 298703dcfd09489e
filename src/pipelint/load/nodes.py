"""The positioned tree every loader produces and every rule reads.

A tree is made of three node types, :class:`Mapping`, :class:`Sequence` and :class:`Scalar`.
Each node knows its :class:`Source` (the file it came from), its 1-based start line/column and
its end line/column (the column *after* the last character, as SARIF counts), and its logical
path from the document root (``("phases", "build", "commands", 0)``), which fingerprints use
because it survives unrelated edits. Mapping keys are :class:`Scalar` nodes too, so a rule can
point at a key as easily as at a value.

Scalars keep their raw text, their tag and their quoting style; ``value`` is the value as the
AWS services read it (YAML 1.1 typing for plain YAML scalars, JSON typing for JSON), so a rule
can tell an unquoted ``0755`` (the integer 493) from a quoted ``"0755"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PathPart = str | int
NodePath = tuple[PathPart, ...]


class Source:
    """A loaded file: its display path, its text, and the secret values found in it.

    ``secrets`` collects every secret value a rule has found in this file, so that every
    reporter can mask them in code frames and snippets, whatever rule a frame belongs to.
    """

    __slots__ = ("path", "text", "fmt", "secrets", "_lines")

    def __init__(self, path: str, text: str, fmt: str) -> None:
        self.path = path
        self.text = text
        self.fmt = fmt  # "yaml" or "json"
        self.secrets: set[str] = set()
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The file's lines without their line endings, numbered as the loader numbers them
        (the lines of positions): YAML (libyaml) ends a line at ``\\n``, ``\\r\\n``, ``\\r``,
        NEL, U+2028 and U+2029; JSON and HCL only at ``\\n``. Never ``str.splitlines``, which
        also breaks at form feeds and other characters no loader counts."""
        if self._lines is None:
            import re

            breaks = "\r\n|[\r\n\x85\u2028\u2029]" if self.fmt == "yaml" else "\r?\n"
            lines = re.split(breaks, self.text)
            if lines and lines[-1] == "":
                lines.pop()  # a final line break ends the last line, as with str.splitlines
            self._lines = lines
        return self._lines

    def forget_lines(self) -> None:
        """Drop the cached line list (:attr:`lines` splits the text again when asked)."""
        self._lines = None

    def __repr__(self) -> str:
        return f"Source({self.path!r})"


class _NoPart:
    """The type of :data:`_NO_PART`; pickles and copies as the one module-level instance."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "_NO_PART"

    def __repr__(self) -> str:
        return "_NO_PART"


# `Node._part` of a node whose path is its `_base` (document roots, mapping keys).
_NO_PART: Any = _NoPart()


class Node:
    """Base class of the positioned tree.

    Memory per node is kept small, since a file may hold a few hundred thousand nodes: slots
    only, and the logical path is not stored whole in every node but as the parent's path tuple
    (shared by all its children) plus this node's own key or index; :attr:`path` joins them.
    """

    __slots__ = ("source", "line", "col", "end_line", "end_col", "_base", "_part")

    source: Source | None
    line: int
    col: int
    end_line: int
    end_col: int
    _base: NodePath
    _part: PathPart

    def __init__(
        self,
        source: Source | None,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        path: NodePath = (),
    ) -> None:
        self.source = source
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self._base = path
        self._part = _NO_PART

    @property
    def path(self) -> NodePath:
        """The logical path from the document root (``("phases", "build", "commands", 0)``)."""
        part = self._part
        return self._base if part is _NO_PART else self._base + (part,)

    @path.setter
    def path(self, value: NodePath) -> None:
        self._base = value
        self._part = _NO_PART

    def under(self, base: NodePath, part: PathPart) -> None:
        """Place this node at ``base + (part,)`` without building that tuple (the loader's way)."""
        self._base = base
        self._part = part

    @property
    def span(self) -> tuple[int, int, int, int]:
        """``(line, col, end_line, end_col)``, all 1-based."""
        return (self.line, self.col, self.end_line, self.end_col)

    def to_python(self) -> Any:
        """The plain Python value of this subtree (dicts, lists, scalars)."""
        raise NotImplementedError


class Scalar(Node):
    """A leaf: string, number, boolean or null, with its raw text, tag and quoting style."""

    __slots__ = ("value", "raw", "tag", "style")

    def __init__(
        self,
        value: Any,
        raw: str,
        tag: str | None,
        style: str,
        source: Source | None,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        path: NodePath = (),
        part: PathPart = _NO_PART,
    ) -> None:
        # Node's fields, assigned here rather than by a super() call: scalars are most nodes.
        # With `part`, the path is `path + (part,)` (see `Node.under`).
        self.source = source
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self._base = path
        self._part = part
        self.value = value
        self.raw = raw
        self.tag = tag
        self.style = style  # "" plain, "'" or '"' quoted, "|" or ">" block; "json" for JSON strings

    @property
    def quoted(self) -> bool:
        """Whether the scalar was written quoted or as a block (so YAML kept it a string)."""
        return self.style not in ("",)

    @property
    def text(self) -> str:
        """The scalar as a string: its raw text for strings, its source text otherwise."""
        return self.value if isinstance(self.value, str) else self.raw

    def to_python(self) -> Any:
        """The scalar's typed value."""
        return self.value

    def __repr__(self) -> str:
        return f"Scalar({self.value!r} @{self.line}:{self.col})"


class Sequence(Node):
    """A list of nodes."""

    __slots__ = ("items", "tag")

    def __init__(
        self,
        items: list[Node],
        tag: str | None,
        source: Source | None,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        path: NodePath = (),
    ) -> None:
        super().__init__(source, line, col, end_line, end_col, path)
        self.items = items
        self.tag = tag

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Node:
        return self.items[index]

    def to_python(self) -> list[Any]:
        """The list of the items' plain values."""
        return [item.to_python() for item in self.items]

    def __repr__(self) -> str:
        return f"Sequence(len={len(self.items)} @{self.line}:{self.col})"


class Mapping(Node):
    """An ordered mapping from key :class:`Scalar` nodes to value nodes.

    Lookups go by the key's text (``mapping.get("phases")``); a complex (non-scalar) key, which
    no AWS file uses, is kept in ``pairs`` but not indexed. With duplicate keys the *last* one
    wins, as in every YAML library AWS uses; the loader reports the duplicate.
    """

    __slots__ = ("pairs", "tag", "_index")

    def __init__(
        self,
        pairs: list[tuple[Node, Node]],
        tag: str | None,
        source: Source | None,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        path: NodePath = (),
    ) -> None:
        super().__init__(source, line, col, end_line, end_col, path)
        self.pairs = pairs
        self.tag = tag
        self._index: dict[str, tuple[Node, Node]] | None = None

    def _idx(self) -> dict[str, tuple[Node, Node]]:
        if self._index is None:
            index: dict[str, tuple[Node, Node]] = {}
            for key, value in self.pairs:
                if isinstance(key, Scalar):
                    index[key.text] = (key, value)
            self._index = index
        return self._index

    def get(self, key: str, default: Node | None = None) -> Node | None:
        """The value node under ``key``, or ``default``."""
        index = self._index if self._index is not None else self._idx()  # the hottest call of all
        pair = index.get(key)
        return pair[1] if pair else default

    def key_node(self, key: str) -> Scalar | None:
        """The key node itself, for findings about the key."""
        index = self._index if self._index is not None else self._idx()
        pair = index.get(key)
        return pair[0] if pair and isinstance(pair[0], Scalar) else None

    def get_ci(self, key: str) -> tuple[Scalar, Node] | None:
        """The ``(key, value)`` pair whose key equals ``key`` ignoring case, if any."""
        lower = key.lower()
        for name, (k, v) in self._idx().items():
            if name.lower() == lower and isinstance(k, Scalar):
                return k, v
        return None

    def keys(self) -> list[str]:
        """The keys' texts, in file order (duplicates collapsed)."""
        return list(self._idx())

    def items(self) -> Iterator[tuple[Scalar, Node]]:
        """``(key node, value node)`` pairs in file order, scalar keys only, last duplicate wins."""
        yield from self._idx().values()  # type: ignore[misc]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._idx()

    def __len__(self) -> int:
        return len(self._idx())

    def to_python(self) -> dict[Any, Any]:
        """The dict of the pairs' plain values (keys as text)."""
        return {k.text: v.to_python() for k, v in self.items()}

    def __repr__(self) -> str:
        return f"Mapping(keys={self.keys()[:6]} @{self.line}:{self.col})"


def walk(node: Node) -> Iterator[Node]:
    """Every node of the subtree, depth first, keys included, without recursion."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Mapping):
            for key, value in reversed(current.pairs):
                stack.append(value)
                stack.append(key)
        elif isinstance(current, Sequence):
            stack.extend(reversed(current.items))


def intrinsic(node: Node | None) -> str | None:
    """The CloudFormation intrinsic function a node holds (``Ref``, ``Fn::Sub``, …), if any.

    Short tags were expanded by the loader, so ``!Ref x`` and ``{"Ref": "x"}`` look the same.
    """
    if isinstance(node, Mapping) and len(node.pairs) == 1:
        key = node.pairs[0][0]
        if isinstance(key, Scalar):
            text = key.value if isinstance(key.value, str) else key.raw
            if text == "Ref" or text.startswith("Fn::") or text == "Condition":
                return text
    return None


def intrinsic_arg(node: Node | None) -> Node | None:
    """The argument of an intrinsic function node (``x`` in ``{"Ref": x}``), else ``None``."""
    if intrinsic(node) is not None and isinstance(node, Mapping):
        return node.pairs[0][1]
    return None


def leading_arg(arg: Node | None) -> Node | None:
    """The part of an intrinsic's argument that names or spells the value: the first item of a
    list argument (the template of ``Fn::Sub [template, vars]``, the resource of
    ``Fn::GetAtt [Resource, Attr]``), else the argument itself."""
    return arg.items[0] if isinstance(arg, Sequence) and arg.items else arg


def branches(node: Node | None, depth: int = 0) -> list[Node]:
    """The values a CloudFormation property can take: ``[node]``, both branches of an ``Fn::If``
    (recursively), and nothing for ``!Ref AWS::NoValue``."""
    if node is None or depth > 10:
        return []
    name = intrinsic(node)
    arg = intrinsic_arg(node)
    if name == "Fn::If" and isinstance(arg, Sequence) and len(arg.items) == 3:
        return branches(arg.items[1], depth + 1) + branches(arg.items[2], depth + 1)
    if name == "Ref" and isinstance(arg, Scalar) and arg.text == "AWS::NoValue":
        return []
    return [node]


def branch_items(node: Node | None) -> list[Node]:
    """The items of a CloudFormation list property, with ``Fn::If`` lists and items expanded to
    both branches and ``AWS::NoValue`` items dropped."""
    out: list[Node] = []
    for value in branches(node):
        if isinstance(value, Sequence):
            for item in value.items:
                out.extend(branches(item))
        else:
            out.append(value)
    return out
