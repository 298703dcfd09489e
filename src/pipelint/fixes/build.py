"""Helpers rules use to build their :class:`~pipelint.fixes.edit.Fix` from nodes.

Every helper takes node positions as the loader gave them (already in the outer file for an
inline buildspec) and reads indentation from the node's own source lines, so the edits are
right in a buildspec file and in a template's literal block alike.
"""

from __future__ import annotations

from ..load.nodes import Node, Scalar
from .edit import Edit, Fix


def replace_node(node: Node, text: str, title: str, safe: bool = True) -> Fix:
    """Replace a node's whole text (a scalar's raw text, quotes included) by ``text``."""
    return Fix([Edit(node.line, node.col, node.end_line, node.end_col, text)], safe, title)


def single_line(node: Node) -> bool:
    """Whether a node starts and ends on one line (so its text can be replaced as a whole)."""
    return node.line == node.end_line and node.end_col > node.col


def yaml_quoted(text: str) -> str | None:
    """``text`` as a YAML quoted scalar that decodes to exactly ``text``: single quotes with
    ``'`` doubled, or double quotes with escapes where single quotes cannot hold it (a line
    break, a tab or another non-printable character); ``None`` for text neither can write on
    one line safely (a lone surrogate)."""
    if any("\ud800" <= char <= "\udfff" for char in text):
        return None
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\t":
            out.append("\\t")
        elif char == "\n":
            out.append("\\n")
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def source_text(node: Node) -> str | None:
    """The exact source text of a node that lies on one line, or ``None``."""
    source = node.source
    if source is None or not single_line(node) or not 1 <= node.line <= len(source.lines):
        return None
    line = source.lines[node.line - 1]
    if node.end_col - 1 > len(line):
        return None
    return line[node.col - 1:node.end_col - 1]


def plain_scalar_text(node: Node) -> str | None:
    """The text of a plain (unquoted) one-line scalar as written in the file, if the node's
    source range holds exactly its raw text (positions exact, nothing else on the range)."""
    if not isinstance(node, Scalar) or node.style != "" or node.tag is not None:
        return None
    written = source_text(node)
    return written if written is not None and written == node.raw and written.strip() == written else None
