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


def _folded(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


def unambiguous_name(word: str, choices: list[str] | tuple[str, ...], cutoff: float = 0.75) -> str | None:
    """The one name of ``choices`` that ``word`` is a misspelling of, or ``None`` when there is
    none or more than one: a choice equal to it ignoring case, ``-`` and ``_`` (``Pre-Build`` →
    ``pre_build``), else the only choice at least ``cutoff`` similar to it."""
    folded = _folded(word)
    same = [choice for choice in choices if _folded(choice) == folded and choice != word]
    if len(same) == 1:
        return same[0]
    if same or not folded:
        return None
    import difflib

    close = [choice for choice in choices if difflib.SequenceMatcher(None, folded, _folded(choice)).ratio() >= cutoff]
    return close[0] if len(close) == 1 and close[0] != word else None


def rename_key(key: Node, new: str, mapping: Node, title: str) -> Fix | None:
    """Rename a mapping key written plain or quoted on one line, keeping its quotes; ``None``
    if the mapping already has a key ``new`` (the rename would make a duplicate) or the key's
    text is not exactly where the node says."""
    from ..load.nodes import Mapping

    if not isinstance(key, Scalar) or not isinstance(mapping, Mapping) or new in mapping or key.tag is not None:
        return None
    written = source_text(key)
    if written is None:
        return None
    if key.style == "":
        if written != key.raw or not new.replace("_", "").replace("-", "").isalnum():
            return None
        text = new
    elif key.style in ("'", '"', "json") and written[:1] == written[-1:] and written[:1] in ("'", '"') and len(written) >= 2:
        if not new.replace("_", "").replace("-", "").isalnum():
            return None
        text = written[0] + new + written[0]
    else:
        return None
    return Fix([Edit(key.line, key.col, key.end_line, key.end_col, text)], True, title)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_filler(line: str) -> bool:
    """A blank or comment-only line."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def block_lines(key: Node, value: Node) -> tuple[int, int] | None:
    """The first and last line of a block mapping entry ``key: value`` that starts its own line
    (only spaces before the key): the key's line and every following line indented deeper,
    trailing blank and comment lines left out; ``None`` if the entry does not start its line
    or the value reaches past those lines."""
    source = key.source
    if source is None or not isinstance(key, Scalar) or key.line != key.end_line:
        return None
    lines = source.lines
    if not 1 <= key.line <= len(lines):
        return None
    first = lines[key.line - 1]
    if first[:key.col - 1].strip(" ") or _indent(first) != key.col - 1:
        return None
    last = key.line
    for number in range(key.line + 1, len(lines) + 1):
        line = lines[number - 1]
        if _is_filler(line):
            continue
        if _indent(line) <= key.col - 1:
            break
        last = number
    if content_end_line(value) > last:
        return None
    return key.line, last


def content_end_line(node: Node) -> int:
    """The line of the last character of a node's content: a collection's end mark is where the
    next token starts (often the next key's line), so its last scalar decides."""
    from ..load.nodes import walk

    end = node.line
    for item in walk(node):
        if isinstance(item, Scalar):
            end = max(end, item.end_line if item.end_col > 1 or item.end_line == item.line else item.end_line - 1)
    return end


def reindented(key: Node, first: int, last: int, indent: int) -> str | None:
    """Lines ``first``–``last`` of the key's file, moved from the key's indentation to
    ``indent`` spaces, each ending in ``\\n``; ``None`` if a line is indented less than the key
    (other than blank lines and comments, which keep what they can)."""
    source = key.source
    if source is None:
        return None
    old = key.col - 1
    out = []
    for number in range(first, last + 1):
        line = source.lines[number - 1]
        if not line.strip():
            out.append("")
            continue
        lead = _indent(line)
        if lead < old and not line.lstrip().startswith("#"):
            return None
        out.append(" " * indent + line[min(lead, old):])
    return "\n".join(out) + "\n"


def delete_lines(first: int, last: int) -> Edit:
    """An edit deleting whole lines ``first``–``last`` with their line breaks."""
    return Edit(first, 1, last + 1, 1, "")


def delete_entry_line(key: Node, value: Node) -> Edit | None:
    """Delete a one-line block mapping entry ``key: value  # comment`` (its whole line)."""
    span = block_lines(key, value)
    if span is None or span[0] != span[1] or value.end_line != key.line:
        return None
    source = key.source
    assert source is not None
    rest = source.lines[key.line - 1][value.end_col - 1:].strip()
    if rest and not rest.startswith("#"):
        return None
    return delete_lines(key.line, key.line)
