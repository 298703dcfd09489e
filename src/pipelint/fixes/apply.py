"""Apply fixes to a file's text: plain text replacements on the original text, never a re-dump.

Every character an edit does not replace stays as it was: comments, blank lines, quoting, key
order, indentation and line endings. Edits of one fix are applied together or not at all. Fixes
are taken in the order of their first edit; a fix that overlaps one already taken waits for the
next round (:mod:`pipelint.fixes.session` lints the result again and repeats), as ruff does.

Positions are those of :class:`~pipelint.findings.Finding` (1-based, columns in code points,
end exclusive). Lines are split at ``\\n`` (a ``\\r\\n`` pair ends one line); a text holding
line breaks that YAML counts and this does not (a lone ``\\r``, NEL, U+2028, U+2029) is not
edited, since positions could land in the wrong place. New text written with ``\\n`` takes the
file's line ending, so a CRLF file stays CRLF.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..records import ValueRecord
from .edit import Edit, Fix, fix_problem, newline_of

__all__ = ["FixOutcome", "LineIndex", "apply_fixes", "edit_offsets", "newline_of", "unmappable_breaks", "wanted"]

_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


class FixOutcome(ValueRecord):
    """The result of one round of :func:`apply_fixes`.

    * ``text``: the new text (the old one when nothing applied);
    * ``applied``: the findings whose fixes were applied, in text order;
    * ``deferred``: findings whose fixes overlap an applied one (try again next round);
    * ``invalid``: ``(finding, reason)`` for fixes whose positions are not in the text;
    * ``refused``: why nothing could be applied to this text at all, else ``""``;
    * ``changes``: ``(start, end, new length)`` of each replacement, offsets in the old text, in
      text order (what :class:`OffsetMap` needs to map positions back).
    """

    __slots__ = ("text", "applied", "deferred", "invalid", "refused", "changes")

    text: str
    applied: list[Any]
    deferred: list[Any]
    invalid: list[tuple[Any, str]]
    refused: str
    changes: list[tuple[int, int, int]]

    def __init__(self, text: str, applied: list[Any] | None = None, deferred: list[Any] | None = None,
                 invalid: list[tuple[Any, str]] | None = None, refused: str = "",
                 changes: list[tuple[int, int, int]] | None = None) -> None:
        self.text = text
        self.applied = [] if applied is None else applied
        self.deferred = [] if deferred is None else deferred
        self.invalid = [] if invalid is None else invalid
        self.refused = refused
        self.changes = [] if changes is None else changes

    @property
    def changed(self) -> bool:
        """Whether any fix was applied."""
        return bool(self.applied)


def unmappable_breaks(text: str) -> str:
    """Why positions in ``text`` cannot be mapped to offsets, or ``""`` when they can."""
    if any(mark in text for mark in _OTHER_BREAKS):
        return "the file contains Unicode line separators (NEL, U+2028 or U+2029)"
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return "the file contains a carriage return that does not end a CRLF line"
    return ""


class LineIndex:
    """Offsets of line starts, to turn ``(line, col)`` positions into string offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        find = text.find
        at = find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = find("\n", at + 1)

    def offset(self, line: int, col: int) -> int | None:
        """The offset of a position, or ``None`` when it is not in the text. The column may be
        one past the line's last character (before its ``\\r\\n``)."""
        if not 1 <= line <= len(self.starts) or col < 1:
            return None
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)  # at the "\n"
        if end > start and self.text[end - 1] == "\r" and line < len(self.starts):
            end -= 1
        return start + col - 1 if start + col - 1 <= end else None


def _spans(fix: Fix, index: LineIndex) -> list[tuple[int, int, str]] | str:
    """``(start, end, text)`` offsets of a fix's edits, or why they are not valid."""
    problem = fix_problem(fix)
    if problem:
        return problem
    spans = []
    for edit in fix.edits:
        start = index.offset(edit.line, edit.col)
        end = index.offset(edit.end_line, edit.end_col)
        if start is None or end is None or end < start:
            return f"edit {edit.line}:{edit.col}-{edit.end_line}:{edit.end_col} is outside the text"
        spans.append((start, end, edit.text))
    spans.sort()
    for (s1, e1, _), (s2, e2, _) in zip(spans, spans[1:]):
        if _overlap((s1, e1), (s2, e2)):
            return "the fix's own edits overlap"
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two ranges conflict: they share a character, or they start at the same place
    (two insertions there would have no defined order), or one inserts inside the other."""
    (s1, e1), (s2, e2) = a, b
    if s1 == s2:
        return True
    return s1 < e2 and s2 < e1 or (s1 == e1 and s2 < s1 < e2) or (s2 == e2 and s1 < s2 < e1)


def wanted(finding: Any, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``unsafe``: ``--fix --unsafe-fixes``) applies this finding's fix."""
    fix = getattr(finding, "edit", None)
    return fix is not None and not getattr(finding, "suppressed", False) and (fix.safe or unsafe)


def apply_fixes(text: str, findings: Iterable[Any], unsafe: bool) -> FixOutcome:
    """Apply the safe (with ``unsafe``: every) fixes of ``findings`` that do not overlap.

    Findings without a fix, suppressed ones, and unsafe ones without ``unsafe`` are ignored.
    The caller picks the findings of this one file (and leaves out baselined ones)."""
    refused = unmappable_breaks(text)
    chosen = [f for f in findings if wanted(f, unsafe)]
    if refused:
        return FixOutcome(text, refused=refused if chosen else "")
    index = LineIndex(text)
    candidates: list[tuple[list[tuple[int, int, str]], Any]] = []
    invalid: list[tuple[Any, str]] = []
    for finding in chosen:
        spans = _spans(finding.edit, index)
        if isinstance(spans, str):
            invalid.append((finding, spans))
        else:
            candidates.append((spans, finding))
    candidates.sort(key=lambda item: (item[0][0][0], item[0][0][1]) if item[0] else (0, 0))
    taken: list[tuple[int, int, str]] = []
    applied: list[Any] = []
    deferred: list[Any] = []
    for spans, finding in candidates:
        if any(_overlap((s, e), (ts, te)) for s, e, _ in spans for ts, te, _ in taken):
            if all((s, e, t) in taken for s, e, t in spans):  # the same change as one taken (a duplicate report)
                applied.append(finding)
            else:
                deferred.append(finding)
            continue
        taken.extend(spans)
        applied.append(finding)
    if not taken:
        return FixOutcome(text, applied, deferred, invalid)
    newline = newline_of(text)
    taken.sort()
    parts: list[str] = []
    changes: list[tuple[int, int, int]] = []
    last = 0
    for start, end, new in taken:
        parts.append(text[last:start])
        written = new.replace("\r\n", "\n").replace("\n", newline) if newline != "\n" else new
        parts.append(written)
        changes.append((start, end, len(written)))
        last = end
    parts.append(text[last:])
    return FixOutcome("".join(parts), applied, deferred, invalid, changes=changes)


class OffsetMap:
    """Maps positions in a text that fixes changed, round after round, back to the original
    text the user wrote (``--show-fixes`` says where each fixed finding was in that text)."""

    def __init__(self, original: str) -> None:
        self.original = LineIndex(original)
        self.rounds: list[list[tuple[int, int, int]]] = []
        self._lines: dict[str, list[int]] | None = None

    def record(self, changes: list[tuple[int, int, int]]) -> None:
        """Add the changes of one more round (:attr:`FixOutcome.changes`)."""
        self.rounds.append(sorted(changes))

    def extended(self, changes: list[tuple[int, int, int]]) -> OffsetMap:
        """A copy with one more round of ``changes`` (for a trial that may not be kept)."""
        copy = OffsetMap.__new__(OffsetMap)
        copy.original, copy._lines = self.original, self._lines
        copy.rounds = [*self.rounds, sorted(changes)]
        return copy

    def unchanged_line(self, index: LineIndex, line: int) -> int | None:
        """The original line number of line ``line`` of the fixed text ``index`` indexes, or
        ``None`` when a fix wrote, deleted or inserted anything on it (or it is not in the text)."""
        if not 1 <= line <= len(index.starts):
            return None
        low = index.starts[line - 1]
        high = index.starts[line] - 1 if line < len(index.starts) else len(index.text)  # its line break
        for changes in reversed(self.rounds):
            (low, in_low), (high, in_high) = _before(low, changes), _before(high, changes)
            if in_low or in_high:
                return None
            if any((low <= start <= high and (end > start or length)) or start < low < end for start, end, length in changes):
                return None
        from bisect import bisect_right

        return bisect_right(self.original.starts, low)

    def original_position(self, index: LineIndex, line: int, col: int) -> tuple[int, int]:
        """The ``(line, col)`` in the original text of position ``(line, col)`` of the text
        ``index`` indexes, which is the text after every recorded round. A position inside text
        a fix wrote is on a line the fix moved when the original has exactly one line with the
        same content (the same column within that content); else it maps to the start of the
        range that fix replaced."""
        offset = index.offset(line, col)
        if offset is None:
            return (line, col)
        written = False
        for changes in reversed(self.rounds):
            offset, inside = _before(offset, changes)
            written = written or inside
        if written:
            moved = self._moved(index, line, col)
            if moved is not None:
                return moved
        from bisect import bisect_right

        row = bisect_right(self.original.starts, offset)
        return (row, offset - self.original.starts[row - 1] + 1)

    def _moved(self, index: LineIndex, line: int, col: int) -> tuple[int, int] | None:
        """Where the only original line with the content of line ``line`` of ``index`` is."""
        if self._lines is None:
            self._lines = {}
            for number, text in enumerate(self.original.text.split("\n"), 1):
                self._lines.setdefault(text.strip(), []).append(number)
        start = index.starts[line - 1]
        end = index.starts[line] if line < len(index.starts) else len(index.text)
        current = index.text[start:end].rstrip("\r\n")
        found = self._lines.get(current.strip(), [])
        if not current.strip() or len(found) != 1:
            return None
        old_start = self.original.starts[found[0] - 1]
        old_end = self.original.starts[found[0]] if found[0] < len(self.original.starts) else len(self.original.text)
        old = self.original.text[old_start:old_end]
        shift = (len(old) - len(old.lstrip())) - (len(current) - len(current.lstrip()))
        return (found[0], max(1, col + shift))


def _before(offset: int, changes: list[tuple[int, int, int]]) -> tuple[int, bool]:
    """The offset in the text before ``changes`` of ``offset`` in the text after them, and
    whether it was inside text a change wrote (then: the start of the range it replaced)."""
    delta = 0
    for start, end, length in changes:
        new_start = start + delta
        if offset < new_start:
            break
        if offset < new_start + length:
            return start, True
        delta += length - (end - start)
    return offset - delta, False


def edit_offsets(text: str, edit: Edit) -> tuple[int, int] | None:
    """The ``(start, end)`` offsets of one edit in ``text``, or ``None`` if it is not in it."""
    index = LineIndex(text)
    start, end = index.offset(edit.line, edit.col), index.offset(edit.end_line, edit.end_col)
    return None if start is None or end is None or end < start else (start, end)
