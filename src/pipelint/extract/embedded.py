"""Documents embedded in a string of another document (inline buildspecs, JSON policy strings).

Positions inside the embedded text are mapped back to the outer file: exactly for literal block
scalars (``BuildSpec: |``), where every content line is a line of the file shifted by the
block's indentation; for a string written on one line (a JSON string, a quoted YAML scalar) on
request, character by character through its escapes (policies); otherwise every node gets the
position of ``fallback`` (the key that holds the string), since folding makes an exact map
impossible.
"""

from __future__ import annotations

from collections.abc import Callable

from ..load import LoadResult, load_text
from ..load.nodes import Mapping, Node, Scalar, Sequence, walk
from ..load.problems import Limits, LoadProblem


def load_embedded(scalar: Scalar, fallback: Node, fmt: str | None = None, limits: Limits | None = None,
                  text: str | None = None, before: Callable[[LoadResult], None] | None = None,
                  one_line: bool = False) -> LoadResult:
    """Load the text of ``scalar`` and re-home every node (and problem) into the outer file.

    ``text`` replaces the scalar's value for parsing; it must have the same length character
    for character (a ``${…}`` placeholder blanked out), so that positions still map.
    ``before`` sees the loaded result while its positions are still those of the embedded text.
    ``one_line``: map a string written on one line (JSON or quoted YAML) character by
    character (:func:`one_line_offsets`) instead of pointing every node at ``fallback``.
    """
    outer = scalar.source
    assert outer is not None
    if text is None or not isinstance(scalar.value, str) or len(text) != len(scalar.value):
        text = scalar.value if isinstance(scalar.value, str) else scalar.raw
    result = load_text(text, outer.path, fmt=fmt, limits=limits, base_path=scalar.path)
    if before is not None:
        before(result)
    exact = scalar.style == "|" and outer.fmt == "yaml"
    offsets = one_line_offsets(scalar) if one_line and not exact else None
    if offsets is not None:
        _rehome_one_line(result, scalar, text, offsets)
        return result
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


_SIMPLE_ESCAPES = {"u": 6, "x": 4, "U": 10}


def one_line_offsets(scalar: Scalar) -> list[int] | None:
    """For a string written on one line (a JSON string, a quoted or plain YAML scalar), the
    column offset of each of its characters from the scalar's first column, plus one past the
    end; ``None`` when the written form cannot be mapped character by character."""
    outer = scalar.source
    value = scalar.value
    if outer is None or not isinstance(value, str) or scalar.line != scalar.end_line or scalar.style in ("|", ">"):
        return None
    lines = outer.lines
    if not 0 < scalar.line <= len(lines):
        return None
    raw = lines[scalar.line - 1][scalar.col - 1:scalar.end_col - 1]
    offsets: list[int] = []
    if scalar.style == "":
        if raw != value:
            return None
        return list(range(len(value) + 1))
    quote = raw[:1]
    if quote not in ('"', "'") or len(raw) < 2 or raw[-1] != quote:
        return None
    i, end = 1, len(raw) - 1
    while i < end:
        offsets.append(i)
        char = raw[i]
        if quote == "'":
            i += 2 if char == "'" else 1
        elif char == "\\":
            step = _SIMPLE_ESCAPES.get(raw[i + 1: i + 2], 2)
            if raw[i + 1: i + 2] == "u" and raw[i + 6: i + 8] == "\\u" and 0xD800 <= _hex(raw[i + 2: i + 6]) < 0xDC00:
                step = 12  # a surrogate pair is one character
            i += step
        else:
            i += 1
    if len(offsets) != len(value):
        return None
    offsets.append(end)
    return offsets


def _hex(text: str) -> int:
    try:
        return int(text, 16)
    except ValueError:
        return -1


def _rehome_one_line(result: LoadResult, scalar: Scalar, text: str, offsets: list[int]) -> None:
    """Move every node and problem of an embedded document to the characters it came from."""
    outer = scalar.source
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    last = len(offsets) - 1

    def column(line: int, col: int) -> int:
        offset = starts[min(max(line, 1), len(starts)) - 1] + col - 1
        return scalar.col + offsets[min(max(offset, 0), last)]

    def rehome(item: Node | LoadProblem) -> None:
        item.col, item.end_col = column(item.line, item.col), column(item.end_line, item.end_col)
        item.line = item.end_line = scalar.line

    seen: set[int] = set()
    for root in result.roots:
        for node in walk(root):
            if id(node) not in seen:
                seen.add(id(node))
                node.source = outer
                rehome(node)
    for problem in result.problems:
        rehome(problem)
    result.source = outer  # type: ignore[assignment]


def blank_placeholders(text: str) -> tuple[str, set[int]]:
    """``Fn::Sub`` text with each ``${…}`` outside a JSON string turned into a JSON string of the
    same length (``"{X"``), so that the JSON parses and positions stay; linear in the text. Also
    the offsets where the strings made that way start."""
    starts: set[int] = set()
    out = list(text)
    in_string = False
    i = 0
    n = len(text)
    close = newline = 0  # the next `}` and line end at or after the current search point (-1: none)
    while i < n:
        char = text[i]
        if in_string:
            if char == "\\":
                i += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "$" and i + 1 < n and text[i + 1] == "{":
            if close != -1 and close < i + 2:
                close = text.find("}", i + 2)  # each search starts past the last one: linear
            if newline != -1 and newline < i + 2:
                newline = text.find("\n", i + 2)
            if close != -1 and (newline == -1 or close < newline):
                out[i] = '"'
                out[close] = '"'
                starts.add(i)
                i = close + 1
                continue
        i += 1
    return "".join(out), starts


def json_policy_text(scalar: Scalar, sub: bool) -> tuple[str, Callable[[LoadResult], None] | None]:
    """The text to parse for a policy written as a JSON string, and (for ``Fn::Sub``) the step
    that marks every string with a ``${…}`` placeholder as computed: its tag becomes ``!Sub``,
    and a placeholder written outside a string gets its ``${…}`` text back."""
    value = scalar.value if isinstance(scalar.value, str) else ""
    if not sub or "${" not in value:
        return value, None
    text, starts = blank_placeholders(value)
    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def mark(result: LoadResult) -> None:
        for root in result.roots:
            for node in walk(root):
                if not isinstance(node, Scalar) or not isinstance(node.value, str):
                    continue
                offset = line_starts[min(max(node.line, 1), len(line_starts)) - 1] + node.col - 1
                if offset in starts:
                    node.value = value[offset:offset + len(node.value) + 2]
                    node.tag = "!Sub"
                elif "${" in node.value:
                    node.tag = "!Sub"

    return text, mark
