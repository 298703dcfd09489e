"""Shorten what costs tree-sitter out of proportion, before it parses an HCL file.

Measured with tree-sitter 0.26 and tree-sitter-hcl 1.2 (one process per case, 1 MB inputs):

* every byte of a string or heredoc's literal text costs the parser about 180 bytes of memory
  (a 4.9 MB string: 892 MB, 7 s), while identifiers, numbers and comments cost almost nothing;
* a run of whitespace before an expression (``x =      1``) costs time quadratic in its length
  (10,000 spaces: 1.4 s; 20,000: 10 s);
* templates nested deeper than about 60 levels (``"${"${…}"}"``) overflow the grammar's
  scanner state, which then reports a syntax error where there is none.

:func:`shrink` scans the text once (linearly, with regular expressions of single-character
classes) following HCL's lexical structure, and removes the middle of every long literal run
(keeping its first and last character, so the literal stays a literal) and of every long
whitespace run in code (keeping one newline, or one space). The parser reads the shortened
bytes; :class:`Offsets` maps every position back to the original text, from which all text is
read. What the scan cannot shorten is bounded: literal text left after shortening above
:data:`MAX_LITERAL_BYTES`, or template nesting above :data:`MAX_TEMPLATE_DEPTH`, is refused.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

# A literal run longer than this is cut to its first and last character.
LITERAL_RUN = 16
# Literal runs are cut only in a file holding more literal text than this (below, the parser's
# cost is a few megabytes, and the parse, error recovery included, is that of the text as is).
LITERAL_SHRINK_FROM = 64_000
# A whitespace run in code longer than this is cut to one newline (or one space).
WHITESPACE_RUN = 64
# Literal text the parser is given, at most (about 150 MB of parser memory).
MAX_LITERAL_BYTES = 800_000
# Templates nested deeper than this are refused (the grammar's own limit is about 60 for
# quoted strings and fewer for heredocs, past which it reports errors that are not there).
MAX_TEMPLATE_DEPTH = 32

# Literal characters that can be removed from between two others without changing the
# template: not a quote, backslash, `{`, newline or control character, and `$`/`%` only when
# not starting `${`, `%{`, `$${`, `%%{`.
_LITERAL = re.compile(rb"(?:[^\x00-\x08\x0a-\x1f\"\\$%{\x7f]|[$%](?![{$%]))++")  # possessive: no backtracking stack
_WHITESPACE = re.compile(rb"[ \t\r\n]++")
_CODE_OTHER = re.compile(rb"[^ \t\r\n#/\"<{}]+")
_HEREDOC_OPEN = re.compile(rb"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")


class Offsets:
    """Maps positions in the shortened bytes back to the original: ``points`` are the removal
    points in shortened coordinates, ``removed`` the bytes removed up to and including each."""

    __slots__ = ("points", "removed")

    def __init__(self, points: list[int], removed: list[int]) -> None:
        self.points = points
        self.removed = removed

    def start(self, offset: int) -> int:
        """The original offset of a node's start (after any removal at the same point)."""
        index = bisect_right(self.points, offset)
        return offset + (self.removed[index - 1] if index else 0)

    def end(self, offset: int) -> int:
        """The original offset of a node's end (before any removal at the same point)."""
        index = bisect_left(self.points, offset)
        return offset + (self.removed[index - 1] if index else 0)


class Shrunk:
    """The outcome of :func:`shrink`: the bytes to parse, the offset map (``None``: unchanged),
    the removal points to verify, and why the file is refused (``refusal``), if it is."""

    __slots__ = ("data", "offsets", "literal_points", "code_points", "refusal", "original_bounded")

    def __init__(self, data: bytes) -> None:
        self.data = data
        # Whether parsing the text as is stays within the bounds too (error recovery depends on
        # the text's length, so a syntax error is located on the text as is when it can be).
        self.original_bounded = True
        self.offsets: Offsets | None = None
        self.literal_points: list[int] = []
        self.code_points: list[int] = []
        self.refusal: str | None = None


def _char_start(data: bytes, index: int, limit: int) -> int:
    """``index`` moved back to the start of its UTF-8 character (not before ``limit``)."""
    while index > limit and data[index] & 0xC0 == 0x80:
        index -= 1
    return index


def _char_after(data: bytes, index: int, limit: int) -> int:
    """``index`` moved forward past UTF-8 continuation bytes (not after ``limit``)."""
    while index < limit and data[index] & 0xC0 == 0x80:
        index += 1
    return index


class _Scanner:
    """One pass over the bytes, collecting removals ``(start, end, is_literal)``."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.cuts: list[tuple[int, int, bool]] = []
        self.literal_bytes = 0
        self.max_depth = 0

    def literal_run(self, start: int) -> int:
        """Record a literal run starting at ``start``; returns where it ends."""
        match = _LITERAL.match(self.data, start)
        if match is None:
            return start
        end = match.end()
        self.literal_bytes += end - start
        if end - start > LITERAL_RUN:
            # Kept: the leading and trailing blanks (a heredoc's indentation) and the first and
            # last other character; removed: what lies between.
            text = self.data[start:end]
            first = start + len(text) - len(text.lstrip(b" \t"))
            last = start + len(text.rstrip(b" \t")) - 1
            cut_from = _char_after(self.data, first + 1, end)
            cut_to = _char_start(self.data, last, cut_from)
            if cut_to > cut_from:
                self.cuts.append((cut_from, cut_to, True))
        return end

    def whitespace_run(self, start: int) -> int:
        """Record a whitespace run of code starting at ``start``; returns where it ends."""
        match = _WHITESPACE.match(self.data, start)
        if match is None:
            return start
        end = match.end()
        if end - start > WHITESPACE_RUN:
            newline = self.data.find(b"\n", start, end)
            if newline < 0:
                self.cuts.append((start + 1, end, False))
            else:
                if newline > start:
                    self.cuts.append((start, newline, False))
                if end > newline + 1:
                    self.cuts.append((newline + 1, end, False))
        return end

    def scan(self) -> None:
        """Walk the text: code, quoted templates, heredocs and the interpolations inside them."""
        data = self.data
        size = len(data)
        # Frames: ["code", brace depth] (the file, or an interpolation), ["quoted"],
        # ["heredoc", marker, at line start].
        stack: list[list[Any]] = [["code", 0]]
        templates = 0
        i = 0
        while i < size:
            frame = stack[-1]
            kind = frame[0]
            if kind == "code":
                c = data[i]
                if c in b" \t\r\n":
                    i = self.whitespace_run(i)
                elif c == 0x23 or data.startswith(b"//", i):  # '#' or '//'
                    newline = data.find(b"\n", i)
                    i = size if newline < 0 else newline
                elif data.startswith(b"/*", i):
                    close = data.find(b"*/", i + 2)
                    i = size if close < 0 else close + 2
                elif c == 0x22:  # '"'
                    stack.append(["quoted"])
                    templates += 1
                    i += 1
                elif c == 0x3C and data.startswith(b"<<", i):
                    opened = _HEREDOC_OPEN.match(data, i)
                    if opened is None:
                        i += 2
                    else:
                        stack.append(["heredoc", opened.group(2), True])
                        templates += 1
                        i = opened.end()
                elif c == 0x7B:  # '{'
                    frame[1] += 1
                    i += 1
                elif c == 0x7D:  # '}'
                    depth = frame[1]
                    if depth == 0 and len(stack) > 1:
                        stack.pop()
                    else:
                        frame[1] = max(depth - 1, 0)
                    i += 1
                else:
                    match = _CODE_OTHER.match(data, i)
                    i = match.end() if match is not None else i + 1
                self.max_depth = max(self.max_depth, templates)
                continue
            if kind == "heredoc" and frame[2]:
                frame[2] = False
                newline = data.find(b"\n", i)
                line_end = size if newline < 0 else newline
                if data[i:line_end].strip() == frame[1]:
                    stack.pop()
                    templates -= 1
                    i = line_end
                    continue
            i = self.literal_run(i)
            if i >= size:
                break
            c = data[i]
            if c == 0x0A:  # newline
                if kind == "quoted":
                    stack.pop()  # unterminated: the parser reports it
                    templates -= 1
                else:
                    frame[2] = True
                    i += 1
            elif c == 0x22 and kind == "quoted":
                stack.pop()
                templates -= 1
                i += 1
            elif c == 0x5C and kind == "quoted":  # backslash escape
                i += 2
                self.literal_bytes += 2
            elif c in b"$%":
                if data.startswith(bytes((c, c, 0x7B)), i):
                    i += 3
                    self.literal_bytes += 3
                elif data.startswith(bytes((c, 0x7B)), i):
                    stack.append(["code", 0])
                    i += 2
                else:
                    i += 1
                    self.literal_bytes += 1
            else:
                i += 1
                self.literal_bytes += 1
            self.max_depth = max(self.max_depth, templates)


def shrink(data: bytes) -> Shrunk:
    """The bytes to give the parser (see the module docstring), with their offset map."""
    scanner = _Scanner(data)
    scanner.scan()
    result = Shrunk(data)
    if scanner.max_depth > MAX_TEMPLATE_DEPTH:
        result.refusal = (f"templates nested {scanner.max_depth} deep: too deeply nested for pipelint to read "
                          f"(limit {MAX_TEMPLATE_DEPTH}); Terraform itself may accept it")
        return result
    literal_removed = sum(end - start for start, end, literal in scanner.cuts if literal)
    if scanner.literal_bytes - literal_removed > MAX_LITERAL_BYTES:
        result.refusal = (f"holds {scanner.literal_bytes - literal_removed:,} bytes of string text pipelint cannot shorten "
                          f"before parsing (limit {MAX_LITERAL_BYTES:,}); not linted")
        return result
    cuts = scanner.cuts if scanner.literal_bytes > LITERAL_SHRINK_FROM else [c for c in scanner.cuts if not c[2]]
    result.original_bounded = scanner.literal_bytes <= MAX_LITERAL_BYTES and all(c[2] for c in cuts)
    if not cuts:
        return result
    pieces: list[bytes] = []
    points: list[int] = []
    removed: list[int] = []
    total = 0
    previous = 0
    for start, end, literal in cuts:
        pieces.append(data[previous:start])
        point = start - total
        total += end - start
        points.append(point)
        removed.append(total)
        (result.literal_points if literal else result.code_points).append(point)
        previous = end
    pieces.append(data[previous:])
    result.data = b"".join(pieces)
    result.offsets = Offsets(points, removed)
    return result


# Node types a removal point in code must not fall in (the scan took a string for code).
TEMPLATE_TYPES = frozenset({"template_literal", "quoted_template", "heredoc_template", "string_lit"})


def verified(shrunk: Shrunk, root: Any) -> bool:
    """Whether the parser agrees with the scan: every literal removal follows a character the
    parser read as template literal, and no whitespace removal lies inside a string."""
    find = root.descendant_for_byte_range
    for point in shrunk.literal_points:
        node = find(point - 1, point)  # the kept first character of the run
        if node is None or node.type != "template_literal":
            return False
    for point in shrunk.code_points:
        node = find(max(point - 1, 0), point + 1)
        if node is not None and node.type in TEMPLATE_TYPES:
            return False
    return True
