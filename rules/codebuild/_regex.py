"""A small, linear reader of CodeBuild webhook filter patterns (never compiles them).

CodeBuild matches a filter pattern as a regular expression *search*: the pattern may match
anywhere in the value unless ``^`` and ``$`` pin it. This module answers the two questions
the CB rules ask, in one left-to-right pass over the pattern with an explicit stack:

* :func:`unanchored`: which top-level alternatives are not pinned at the start and/or the end
  (alternation at the top level and inside groups, escapes, character classes, quantifiers,
  lookarounds and inline flags are understood);
* :func:`simple_alternatives`: the alternatives as literal text with ``.`` wildcards, when the
  whole pattern is that simple, so that a rule can tell whether it matches a known path.

A pattern this reader does not understand (unbalanced parentheses, an unterminated class, a
quantifier with nothing to repeat, nesting deeper than :data:`MAX_DEPTH`, more than
:data:`MAX_LENGTH` characters) gives ``None``: the rules then report nothing, since an unknown
pattern never produces a finding.
"""

from __future__ import annotations

from functools import lru_cache

from pipelint.records import Record

MAX_DEPTH = 64
MAX_LENGTH = 4096
_SPECIAL = frozenset("\\[]()|^$.*+?{")
_CLASS_ESCAPES = frozenset("dDwWsShHvVRX")
_ZERO_WIDTH_ESCAPES = frozenset("bBG")


class Piece(Record):
    """One atom of a pattern: ``bol``/``eol`` anchors, ``lit`` (a run of literal characters),
    ``any`` (``.``), ``class``,
    ``look`` (a zero-width assertion), or ``group`` (with its alternatives), and its quantifier."""

    __slots__ = ("kind", "text", "alts", "low", "high")

    kind: str
    text: str
    alts: list[list[Piece]]
    low: int
    high: int | None

    def __init__(self, kind: str, text: str = "", alts: list[list[Piece]] | None = None) -> None:
        self.kind = kind
        self.text = text
        self.alts = alts if alts is not None else []
        self.low = 1
        self.high = 1


class Alternative(Record):
    """A top-level alternative: its pieces and its span in the pattern text."""

    __slots__ = ("pieces", "start", "end")

    pieces: list[Piece]
    start: int
    end: int

    def __init__(self, pieces: list[Piece], start: int, end: int) -> None:
        self.pieces = pieces
        self.start = start
        self.end = end


class _Frame:
    """An open group while parsing."""

    __slots__ = ("alts", "kind", "starts")

    def __init__(self, kind: str, start: int) -> None:
        self.alts: list[list[Piece]] = [[]]
        self.kind = kind
        self.starts = [start]


def _quantifier(pattern: str, i: int) -> tuple[int, int | None, int] | None:
    """``(low, high, next index)`` if a quantifier starts at ``i``."""
    char = pattern[i]
    if char == "*":
        low, high, j = 0, None, i + 1
    elif char == "+":
        low, high, j = 1, None, i + 1
    elif char == "?":
        low, high, j = 0, 1, i + 1
    elif char == "{":
        close = pattern.find("}", i + 1, i + 24)
        if close < 0:
            return None
        body = pattern[i + 1:close]
        first, comma, second = body.partition(",")
        if not (first.isascii() and first.isdigit()) or (second and not (second.isascii() and second.isdigit())):
            return None
        low = int(first)
        high = None if comma and not second else int(second) if second else low
        j = close + 1
    else:
        return None
    if j < len(pattern) and pattern[j] in "?+":  # lazy or possessive
        j += 1
    return low, high, j


def _class_end(pattern: str, i: int) -> int:
    """The index after the ``]`` closing the class opened at ``i``, or -1."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    return -1


def _code_point_end(pattern: str, i: int, esc: str) -> int:
    """The index after the rest of a ``\\x41``, ``\\u0041``, ``\\x{41}``, ``\\012``, ``\\1`` or
    ``\\cM`` escape whose letter ended at ``i``."""
    if esc == "c":
        return min(i + 1, len(pattern))
    if esc == "x" and i < len(pattern) and pattern[i] == "{":
        close = pattern.find("}", i)
        return close + 1 if close > 0 else -1
    limit = {"x": 2, "u": 4}.get(esc, 3)
    digits = "0123456789abcdefABCDEF" if esc in "xu" else "0123456789"
    j = i
    while j < len(pattern) and j - i < limit and pattern[j] in digits:
        j += 1
    return j


def _group_opener(pattern: str, i: int) -> tuple[str, int] | None:
    """The kind of the group opened at ``i`` (``group``, ``look``, ``flags``, ``comment``) and
    the index of its body, or ``None`` if the syntax is unknown."""
    if not pattern.startswith("(?", i):
        return "group", i + 1
    rest = pattern[i + 2:i + 4]
    if rest[:1] in (":", ">", "|"):
        return "group", i + 3
    if rest[:1] in ("=", "!"):
        return "look", i + 3
    if rest in ("<=", "<!"):
        return "look", i + 4
    if rest[:1] == "#":
        return "comment", i + 3
    if rest[:1] in ("<", "'") or rest == "P<":
        close = pattern.find(">" if rest[:1] != "'" else "'", i + 3)
        return ("group", close + 1) if close > 0 else None
    j = i + 2
    while j < len(pattern) and (pattern[j].isalpha() or pattern[j] == "-"):
        j += 1
    if j < len(pattern) and pattern[j] == ")":
        return "flags", j + 1
    if j < len(pattern) and pattern[j] == ":":
        return "group", j + 1
    return None


@lru_cache(maxsize=256)
def parse(pattern: str) -> tuple[Alternative, ...] | None:
    """The top-level alternatives of ``pattern``, or ``None`` if it cannot be read (cached: one
    pattern is often repeated across a template's projects, and several rules read it)."""
    if len(pattern) > MAX_LENGTH:
        return None
    stack = [_Frame("top", 0)]
    i = 0
    n = len(pattern)
    while i < n:
        char = pattern[i]
        frame = stack[-1]
        seq = frame.alts[-1]
        piece: Piece | None = None
        if char == "\\":
            if i + 1 >= n:
                return None
            esc = pattern[i + 1]
            i += 2
            if esc == "A":
                piece = Piece("bol")
            elif esc in ("z", "Z"):
                piece = Piece("eol")
            elif esc in _ZERO_WIDTH_ESCAPES:
                piece = Piece("look")
            elif esc in _CLASS_ESCAPES:
                piece = Piece("class")
            elif esc == "Q":
                end = pattern.find("\\E", i)
                end = n if end < 0 else end
                if end > i:
                    seq.append(Piece("lit", pattern[i:end]))
                i = end + 2
                continue
            elif esc in "pPk" and i < n and pattern[i] in "{<":
                close = pattern.find("}" if pattern[i] == "{" else ">", i)
                if close < 0:
                    return None
                i = close + 1
                piece = Piece("class")
            elif esc in "xu0123456789c":
                i = _code_point_end(pattern, i, esc)
                if i < 0:
                    return None  # an unterminated \x{
                piece = Piece("class")  # a code point (hex, octal, control) or a back-reference
            else:
                piece = Piece("lit", esc)
        elif char == "[":
            end = _class_end(pattern, i)
            if end < 0:
                return None
            i = end
            piece = Piece("class")
        elif char == "(":
            opener = _group_opener(pattern, i)
            if opener is None:
                return None
            kind, body = opener
            if kind == "flags":
                i = body
                continue
            if kind == "comment":
                close = pattern.find(")", body)
                if close < 0:
                    return None
                i = close + 1
                continue
            if len(stack) > MAX_DEPTH:
                return None
            stack.append(_Frame(kind, body))
            i = body
            continue
        elif char == ")":
            if len(stack) == 1:
                return None
            done = stack.pop()
            piece = Piece("look" if done.kind == "look" else "group", alts=done.alts)
            i += 1
            seq = stack[-1].alts[-1]
        elif char == "|":
            frame.alts.append([])
            frame.starts.append(i + 1)
            i += 1
            continue
        elif char == "^":
            piece, i = Piece("bol"), i + 1
        elif char == "$":
            piece, i = Piece("eol"), i + 1
        elif char == ".":
            piece, i = Piece("any"), i + 1
        elif char in "*+?":
            return None  # nothing to repeat
        else:
            end = i + 1
            while end < n and pattern[end] not in _SPECIAL:
                end += 1
            if end < n and pattern[end] in "*+?{" and end - i > 1:
                end -= 1  # a quantifier repeats only the run's last character
            piece, i = Piece("lit", pattern[i:end]), end
        if i < n and pattern[i] in "*+?{":
            quantity = _quantifier(pattern, i)
            if quantity is not None:
                piece.low, piece.high, i = quantity
        seq.append(piece)
    if len(stack) != 1:
        return None
    top = stack[0]
    ends = [start - 1 for start in top.starts[1:]] + [n]
    return tuple(Alternative(seq, start, end) for seq, start, end in zip(top.alts, top.starts, ends))


def _pinned(seq: list[Piece], anchor: str, depth: int = 0) -> bool:
    """Whether every match of ``seq`` is pinned by ``anchor`` (``bol`` from the left, ``eol``
    from the right). An explicit leading or trailing ``.*``/``.+`` says "anything here" on
    purpose and counts as pinned."""
    for piece in (seq if anchor == "bol" else reversed(seq)):
        if piece.kind == "look":
            continue
        if piece.kind == anchor:
            return piece.low >= 1
        if piece.kind == "any" and piece.high is None:
            return True
        if piece.kind == "group" and piece.low >= 1 and depth < MAX_DEPTH:
            return bool(piece.alts) and all(_pinned(alt, anchor, depth + 1) for alt in piece.alts)
        return False
    return False


class Unpinned(Record):
    """A top-level alternative that is not pinned, and which ends it lacks."""

    __slots__ = ("text", "start", "end")

    text: str
    start: bool
    end: bool

    def __init__(self, text: str, start: bool, end: bool) -> None:
        self.text = text
        self.start = start
        self.end = end

    def describe(self) -> str:
        """``no `^``` / ``no `$``` / ``neither `^` nor `$```."""
        if self.start and self.end:
            return "neither `^` nor `$`"
        return "no `^`" if self.start else "no `$`"


def _open_folder(pattern: str, alt: Alternative, start_pinned: bool) -> bool:
    """``^refs/heads/release/``: pinned at the start and ending at a ``/``."""
    return start_pinned and alt.end > alt.start and pattern[alt.end - 1] == "/"


def unanchored(pattern: str, limit: int = 3, folders: bool = False) -> list[Unpinned] | None:
    """The first ``limit`` top-level alternatives of ``pattern`` that a search can match inside
    a longer value; ``None`` if the pattern cannot be read. With ``folders``, an alternative
    pinned at the start that ends with ``/`` (a whole folder of refs) counts as pinned."""
    alternatives = parse(pattern)
    if alternatives is None:
        return None
    found: list[Unpinned] = []
    for alt in alternatives:
        start = not _pinned(alt.pieces, "bol")
        end = not _pinned(alt.pieces, "eol")
        if folders and end and _open_folder(pattern, alt, not start):
            continue
        if start or end:
            found.append(Unpinned(pattern[alt.start:alt.end], start, end))
            if len(found) >= limit:
                break
    return found


def _strip_anchors(text: str) -> str:
    """An alternative's text without a leading ``^`` and an unescaped trailing ``$``."""
    if text.startswith("^") and text[1:2] not in ("*", "+", "?", "{"):  # a quantified `^` stays
        text = text[1:]
    if text.endswith("$") and (len(text) - len(text[:-1].rstrip("\\")) - 1) % 2 == 0:
        text = text[:-1]
    return text


def has_open_folder(pattern: str) -> bool:
    """Whether some alternative is a deliberate ``^…/`` prefix (see :func:`unanchored`)."""
    alternatives = parse(pattern) or ()
    return any(_open_folder(pattern, alt, _pinned(alt.pieces, "bol")) and not _pinned(alt.pieces, "eol") for alt in alternatives)


def anchored_fix(pattern: str) -> str | None:
    """``pattern`` with every alternative pinned: ``^a$`` for one, ``^(a|b)$`` for several;
    ``None`` when that rewrite would not be pinned either (an unterminated ``\\Q`` quote)."""
    alternatives = parse(pattern)
    if not alternatives:
        return None
    parts = [_strip_anchors(pattern[alt.start:alt.end]) for alt in alternatives]
    # a part that opens with a quantifier character would quantify the `^` or `(` put before it
    parts = [f"(?:{part})" if part[:1] in ("*", "+", "?", "{") else part for part in parts]
    fixed = f"^{parts[0]}$" if len(parts) == 1 else f"^({'|'.join(parts)})$"
    # Only a `\Q` quote (to the end of the pattern when unterminated) can swallow the added `$`.
    return fixed if "\\Q" not in fixed or unanchored(fixed) == [] else None


class Simple(Record):
    """A literal alternative: characters (``None`` for a ``.`` wildcard) and its anchors."""

    __slots__ = ("chars", "start", "end")

    chars: list[str | None]
    start: bool
    end: bool

    def __init__(self, chars: list[str | None], start: bool, end: bool) -> None:
        self.chars = chars
        self.start = start
        self.end = end

    def matches(self, value: str) -> bool:
        """Whether a regular expression search with this alternative finds ``value``."""
        width = len(self.chars)
        if width > len(value):
            return False
        if self.start and self.end:
            offsets: range | list[int] = [0] if width == len(value) else []
        elif self.start:
            offsets = [0]
        elif self.end:
            offsets = [len(value) - width]
        else:
            offsets = range(len(value) - width + 1)
        return any(all(c is None or c == value[offset + k] for k, c in enumerate(self.chars)) for offset in offsets)


def simple_alternatives(pattern: str) -> list[Simple] | None:
    """The alternatives as literals with ``.`` wildcards and optional ``^``/``$``, or ``None``
    when any alternative is more than that (a class, a repetition, a group)."""
    alternatives = parse(pattern)
    if alternatives is None:
        return None
    out = []
    for alt in alternatives:
        pieces = alt.pieces
        start = bool(pieces) and pieces[0].kind == "bol"
        end = bool(pieces) and pieces[-1].kind == "eol"
        body = pieces[1 if start else 0:len(pieces) - 1 if end else len(pieces)]
        chars: list[str | None] = []
        for piece in body:
            if piece.low != 1 or piece.high != 1 or piece.kind not in ("lit", "any"):
                return None
            if piece.kind == "lit":
                chars.extend(piece.text)
            else:
                chars.append(None)
        out.append(Simple(chars, start, end))
    return out
