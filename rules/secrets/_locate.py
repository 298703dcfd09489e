"""Pointing at a secret: synthetic nodes at the exact place a value occurs in a file."""

from __future__ import annotations

from pipelint.api import Node, Scalar, Source


def node_at(source: Source, start: int, end: int, value: str, path: tuple = ()) -> Scalar:
    """A scalar node spanning ``source.text[start:end]`` (offsets), with 1-based positions."""
    text = source.text
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    end_line = text.count("\n", start, end) + line
    end_line_start = text.rfind("\n", 0, end) + 1
    return Scalar(value, value, None, "", source, line, start - line_start + 1, end_line, end - end_line_start + 1, path)


def locate(node: Node, value: str) -> Node:
    """A node at the first occurrence of ``value`` inside ``node``'s lines, else ``node`` itself.

    Used to point into block scalars (``commands: |``) and JSON strings, whose value nodes span
    several lines or were re-homed to their key.
    """
    source = node.source
    if source is None or not value or "\n" in value:
        return node
    lines = source.lines
    first = max(1, node.line)
    last = min(len(lines), max(node.end_line, node.line))
    for number in range(first, last + 1):
        line = lines[number - 1]
        begin = node.col - 1 if number == node.line else 0
        index = line.find(value, max(0, begin))
        if index >= 0:
            return Scalar(value, value, None, "", source, number, index + 1, number, index + 1 + len(value), node.path)
    return node
