"""JSON into the positioned tree.

JSON is parsed as JSON, not as YAML: tab indentation, ``\\u`` escapes and everything else RFC 8259
allows loads, and nothing else does. The parser is iterative (deep nesting is checked against a
limit, never recursed into), reports duplicate keys, and gives every node its position.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

from .nodes import Mapping, Node, NodePath, Scalar, Sequence, Source
from .problems import DuplicateKeys, Limits, LoadAbort, LoadProblem, too_many_nodes
from .scalars import MAX_INT_DIGITS

_TOKEN = re.compile(
    r"""[ \t\n\r]*(?:
      (?P<str>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")
     |(?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
     |(?P<punct>[{}\[\]:,])
     |(?P<lit>true|false|null)
    )""",
    re.X,
)
_WS = re.compile(r"[ \t\n\r]*")
_LITERALS = {"true": True, "false": False, "null": None}


class _Positions:
    """Offset → (line, column) conversion, 1-based."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def _number(raw: str) -> object:
    """A JSON number's value; an integer beyond ``MAX_INT_DIGITS`` digits keeps its text (Python
    refuses to convert or print it, and no AWS field takes it)."""
    if len(raw) > MAX_INT_DIGITS + 1 and raw.lstrip("-").isdigit():
        return raw
    return json.loads(raw)


def load_json(text: str, source: Source, limits: Limits, problems: list[LoadProblem], base_path: NodePath = ()) -> list[Node]:
    """Parse ``text`` as one JSON document into a positioned tree (one root, in a list)."""
    pos = _Positions(text)
    length = len(text)
    offset = 0

    def fail(message: str, at: int) -> LoadAbort:
        line, col = pos.at(min(at, length))
        return LoadAbort(LoadProblem("PL002", f"JSON syntax error: {message}", line, col, line, col + 1))

    def trailing_comma(char: str, at: int) -> LoadAbort:
        """The error for `}`/`]` right after a comma: on the comma, naming the item's line.
        Deleting the comma cannot fail there: after a value the bracket is expected."""
        line, col = pos.at(last_comma)
        closer = "`}`" if char == "}" else "`]`"
        return LoadAbort(LoadProblem(
            "PL002", f"JSON syntax error: trailing comma after the last item on line {line}: JSON allows no comma before {closer}",
            line, col, line, col + 1, fix="delete the comma",
            # The wording before the comma was named (at the bracket): baselines written then still match.
            anchor=f"JSON syntax error: unexpected {char!r}",
        ))

    def describe(at: int) -> str:
        if at >= length:
            return "end of file"
        return repr(text[at])

    # Each stack entry: [is_map, items, start_offset, path, pending_key, seen_keys (key → index of
    # its first pair in items), expecting]
    # `expecting` is one of: "value", "key", "colon", "comma_or_end", "value_or_end", "key_or_end".
    stack: list[list] = []
    root: Node | None = None
    expect = "value"
    duplicates = DuplicateKeys(problems)
    values = 0
    last_comma = 0  # offset of the last `,` read (a `}`/`]` right after it is a trailing comma)

    def scalar(value: object, raw: str, start: int, end: int, path: NodePath) -> Scalar:
        line, col = pos.at(start)
        end_line, end_col = pos.at(end)
        return Scalar(value, raw, None, "json" if isinstance(value, str) and raw[:1] == '"' else "", source, line, col, end_line, end_col, path)

    def current_path() -> NodePath:
        if not stack:
            return base_path
        top = stack[-1]
        if top[0]:
            key = top[4]
            return top[3] + ((key.value if key is not None else "?"),)
        return top[3] + (len(top[1]),)

    while True:
        match = _TOKEN.match(text, offset)
        if match is None or match.lastgroup is None:
            ws_end = _WS.match(text, offset).end()  # type: ignore[union-attr]
            if ws_end >= length:
                if stack or root is None:
                    raise fail("unexpected end of file", ws_end)
                break
            if text[ws_end] == '"':
                raise fail("unterminated string or invalid escape/control character in string", ws_end)
            raise fail(f"unexpected {describe(ws_end)}", ws_end)
        kind = match.lastgroup
        start = match.start(kind)
        end = match.end()
        offset = end
        if kind != "punct" or text[start] in "{[":
            values += 1
            if values > limits.max_nodes:
                raise too_many_nodes(limits.max_nodes, *pos.at(start))
        if root is not None and not stack:
            raise fail(f"unexpected {describe(start)} after the end of the document", start)
        top = stack[-1] if stack else None

        if kind == "punct":
            char = text[start]
            if char in "{[":
                if expect not in ("value", "value_or_end"):
                    raise fail(f"unexpected {char!r}", start)
                if len(stack) >= limits.max_depth:
                    line, col = pos.at(start)
                    raise LoadAbort(
                        LoadProblem(
                            "PL008",
                            f"nesting is deeper than {limits.max_depth} levels; no AWS file needs this (raise `max-depth` in the config if it is intended)",
                            line, col,
                        )
                    )
                is_map = char == "{"
                stack.append([is_map, [], start, current_path(), None, {}, None])
                expect = "key_or_end" if is_map else "value_or_end"
                continue
            if char in "}]":
                if top is not None and (char == "}") == top[0] and expect == ("key" if char == "}" else "value"):
                    raise trailing_comma(char, start)
                if top is None or (char == "}") != top[0] or expect not in ("comma_or_end", "key_or_end" if char == "}" else "value_or_end"):
                    raise fail(f"unexpected {char!r}", start)
                stack.pop()
                line, col = pos.at(top[2])
                end_line, end_col = pos.at(end)
                node: Node
                if top[0]:
                    node = Mapping(top[1], None, source, line, col, end_line, end_col, top[3])
                else:
                    node = Sequence(top[1], None, source, line, col, end_line, end_col, top[3])
            elif char == ":":
                if expect != "colon":
                    raise fail("unexpected ':'", start)
                expect = "value"
                continue
            else:  # ","
                if expect != "comma_or_end":
                    raise fail("unexpected ','", start)
                last_comma = start
                expect = "key" if top is not None and top[0] else "value"
                continue
        else:
            raw = match.group(kind)
            if kind == "str":
                value: object = raw[1:-1] if "\\" not in raw else json.loads(raw)
            elif kind == "num":
                value = _number(raw)
            else:
                value = _LITERALS[raw]
            if top is not None and top[0] and expect in ("key", "key_or_end"):
                if kind != "str":
                    raise fail("object keys must be strings", start)
                key = scalar(value, raw, start, end, top[3])
                if value in top[5]:
                    duplicates.add(str(value), key.line, key.col, key.end_line, key.end_col, top[1], top[5][value])
                else:
                    top[5][value] = len(top[1])  # the index of the key's pair in the object's pairs
                top[4] = key
                expect = "colon"
                continue
            if expect not in ("value", "value_or_end"):
                raise fail(f"unexpected {describe(start)}", start)
            node = scalar(value, raw, start, end, current_path())

        # A complete value: hang it on its parent.
        if not stack:
            root = node
            expect = "end"
            continue
        parent = stack[-1]
        if parent[0]:
            parent[1].append((parent[4], node))
            parent[4] = None
        else:
            parent[1].append(node)
        expect = "comma_or_end"

    assert root is not None
    duplicates.close()
    return [root]
