"""Documents embedded in a string of another document (inline buildspecs, JSON policy strings).

Positions inside the embedded text are mapped back to the outer file: exactly for literal block
scalars (``BuildSpec: |``), where every content line is a line of the file shifted by the
block's indentation; otherwise every node gets the position of ``fallback`` (the key that holds
the string), because quoting and folding make an exact map impossible.
"""

from __future__ import annotations

from ..load import LoadResult, load_text
from ..load.nodes import Mapping, Node, Scalar, Sequence, walk
from ..load.problems import Limits, LoadProblem


def load_embedded(scalar: Scalar, fallback: Node, fmt: str | None = None, limits: Limits | None = None) -> LoadResult:
    """Load the text of ``scalar`` and re-home every node (and problem) into the outer file."""
    outer = scalar.source
    assert outer is not None
    text = scalar.value if isinstance(scalar.value, str) else scalar.raw
    result = load_text(text, outer.path, fmt=fmt, limits=limits, base_path=scalar.path)
    exact = scalar.style == "|" and outer.fmt == "yaml"
    line_shift = scalar.line  # content starts on the line after the `|` indicator
    col_shift = 0
    if outer.fmt == "hcl" and scalar.style in ("<<", "<<-"):
        # A Terraform heredoc: its content lines are the file's lines after `<<EOT`, with the
        # smallest indentation removed for `<<-EOT`.
        exact = True
        if scalar.style == "<<-":
            indents = [len(line) - len(line.lstrip(" \t")) for line in outer.lines[scalar.line:scalar.end_line - 1] if line.strip()]
            col_shift = min(indents) if indents else 0
    elif exact:
        lines = outer.lines
        for index in range(scalar.line, min(len(lines), scalar.line + 50)):
            candidate = lines[index]
            if candidate.strip():
                col_shift = len(candidate) - len(candidate.lstrip(" "))
                break
    def rehome(item: Node | LoadProblem) -> None:
        if exact:
            item.line += line_shift
            item.end_line += line_shift
            item.col += col_shift
            item.end_col += col_shift
        else:
            item.line, item.col, item.end_line, item.end_col = fallback.span

    seen: set[int] = set()
    for root in result.roots:
        for node in walk(root):
            if id(node) not in seen:
                seen.add(id(node))
                node.source = outer
                rehome(node)
    for problem in result.problems:
        rehome(problem)
    result.source = outer
    return result


def string_of(node: Node | None) -> Scalar | None:
    """The string scalar inside ``node``: the node itself, or the template of ``Fn::Sub``."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node
    if isinstance(node, Mapping) and len(node.pairs) == 1:
        key, value = node.pairs[0]
        if isinstance(key, Scalar) and key.text == "Fn::Sub":
            if isinstance(value, Scalar) and isinstance(value.value, str):
                return value
            if isinstance(value, Sequence) and value.items and isinstance(value.items[0], Scalar):
                first = value.items[0]
                return first if isinstance(first.value, str) else None
    return None
