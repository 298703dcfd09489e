"""Pointing at a secret: synthetic nodes at the exact place a value occurs in a file."""

from __future__ import annotations

from bisect import bisect_right

from pipelint.api import Node, Scalar, Source

# The line-start offsets of the sources scanned last (a file may hold thousands of secrets:
# counting newlines from the top for each one would be quadratic).
_LINE_STARTS: list[tuple[Source, list[int]]] = []


def _line_starts(source: Source) -> list[int]:
    for seen, starts in _LINE_STARTS:
        if seen is source:
            return starts
    text = source.text
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    _LINE_STARTS.append((source, starts))
    del _LINE_STARTS[:-4]
    return starts


def node_at(source: Source, start: int, end: int, value: str, path: tuple = ()) -> Scalar:
    """A scalar node spanning ``source.text[start:end]`` (offsets), with 1-based positions."""
    starts = _line_starts(source)
    line = bisect_right(starts, start)
    end_line = bisect_right(starts, end, lo=line - 1)
    return Scalar(value, value, None, "", source, line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1, path)


MAX_RAW_TEXT = 100_000


def raw_text(node: Node) -> tuple[int, str] | None:
    """``(offset, text)``: the text of ``node``'s source range as written in the file (keys,
    quotes and escapes included), or ``None`` when it has no source or spans over 100 kB."""
    source = node.source
    if source is None or node.line < 1:
        return None
    starts = _line_starts(source)
    if node.line > len(starts) or node.end_line > len(starts):
        return None
    start = starts[node.line - 1] + node.col - 1
    end = starts[node.end_line - 1] + node.end_col - 1
    if not 0 <= start < end <= len(source.text) or end - start > MAX_RAW_TEXT:
        return None
    return start, source.text[start:end]


class Cursor:
    """Where the previous :func:`locate` in one node found its value, so that values found in
    text order are each searched for from there (linear in the node's size, not quadratic)."""

    __slots__ = ("node", "line", "col")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.line = max(1, node.line)
        self.col = node.col - 1


def locate(node: Node, value: str, cursor: Cursor | None = None) -> Node:
    """A node at the first occurrence of ``value`` inside ``node``'s lines, else ``node`` itself.

    Used to point into block scalars (``commands: |``) and JSON strings, whose value nodes span
    several lines or were re-homed to their key. With a ``cursor`` (for several values of one
    node, in text order) the search starts where the previous value was found.
    """
    source = node.source
    if source is None or not value or "\n" in value:
        return node
    lines = source.lines
    first, begin_col = (cursor.line, cursor.col) if cursor is not None and cursor.node is node else (max(1, node.line), node.col - 1)
    last = min(len(lines), max(node.end_line, node.line))
    for number in range(first, last + 1):
        line = lines[number - 1]
        begin = begin_col if number == first else 0
        index = line.find(value, max(0, begin))
        if index >= 0:
            if cursor is not None and cursor.node is node:
                cursor.line, cursor.col = number, index + len(value)
            return Scalar(value, value, None, "", source, number, index + 1, number, index + 1 + len(value), node.path)
    return node
