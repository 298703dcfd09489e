"""Fix one file: apply, lint again, repeat until nothing changes, then verify.

:func:`fix_text` is given the file's text and a function that lints a text as that file (same
name, settings, suppressions and baseline). Each round applies the non-overlapping fixes
(:func:`~pipelint.fixes.apply.apply_fixes`) and lints the result; fixes that overlapped, and
fixes a round made possible, are applied in the next, for at most :data:`MAX_ROUNDS` rounds.
The result is kept only if it passes every check:

* it loads, as the same kind of document as before (no syntax error, no loading problem);
* every finding a fix was applied for is gone;
* no finding appeared: for every rule, the fixed text has no more findings than the original
  had, less those fixed (fixes that undo each other fail the check before). Findings in
  content a fix made readable (:class:`Revealed`: the block under a renamed phase or key, on
  lines no fix wrote, of a rule no fix was for) do not count: they were there all along.

Otherwise each fix is tried on its own and kept only if the text with it passes them; if none
passes, the original text stands and :attr:`FileFix.refused` says why.

A file with more fixable findings than the rounds reach (pipelint lists at most 100 findings of
a rule in a file) keeps what the rounds fixed; running ``--fix`` again goes on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..records import ValueRecord
from .apply import LineIndex, OffsetMap, apply_fixes

MAX_ROUNDS = 10

# Loading problems: a text that shows one of these did not load as a clean document.
_LOAD_CODES = ("PL002", "PL004", "PL005", "PL006", "PL007", "PL008", "PL011")


class Linted(ValueRecord):
    """What linting a text as the file gave: its kind (``None``: not recognised) and findings,
    suppressed ones marked (and baselined ones too, with ``baselined``)."""

    __slots__ = ("kind", "findings", "baselined")

    kind: str | None
    findings: list[Any]
    baselined: set[str]

    def __init__(self, kind: str | None, findings: list[Any], baselined: set[str] | None = None) -> None:
        self.kind = kind
        self.findings = findings
        self.baselined = set() if baselined is None else baselined

    def fixable(self, unsafe: bool) -> list[Any]:
        """The findings ``--fix`` may fix: with a fix (safe, or any with ``unsafe``), neither
        suppressed nor recorded in the baseline."""
        return [f for f in self.findings if f.edit is not None and not f.suppressed and f.fingerprint not in self.baselined
                and (f.edit.safe or unsafe)]

    def visible(self) -> list[Any]:
        """The findings that are not suppressed."""
        return [f for f in self.findings if not f.suppressed]


class FileFix(ValueRecord):
    """The outcome of fixing one file.

    ``text`` is the fixed text (the original when nothing was fixed or the fix was refused),
    ``fixed`` the findings that were fixed (as first reported), ``refused`` why the file was
    left untouched (``""`` when it was not), ``remaining`` the findings of the final text,
    ``notes`` why single fixes were left out of a file that was otherwise fixed, and ``where``
    the ``(line, col)`` of each fixed finding in the original text (a finding a later round
    fixed was reported in the text earlier rounds made; ``--show-fixes`` shows where it was in
    the file as written). ``unwritten`` is why the fixed text could not be written to the file
    (``""`` until :func:`~pipelint.fixes.files.write_fixed` fails on it).
    """

    __slots__ = ("original", "text", "fixed", "refused", "remaining", "notes", "where", "unwritten")

    original: str
    text: str
    fixed: list[Any]
    refused: str
    remaining: list[Any]
    notes: list[str]
    where: list[tuple[int, int]]
    unwritten: str

    def __init__(self, original: str, text: str, fixed: list[Any], refused: str = "", remaining: list[Any] | None = None,
                 notes: list[str] | None = None, where: list[tuple[int, int]] | None = None) -> None:
        self.original = original
        self.text = text
        self.fixed = fixed
        self.refused = refused
        self.remaining = [] if remaining is None else remaining
        self.notes = [] if notes is None else notes
        self.where = [(f.line, f.col) for f in fixed] if where is None else where
        self.unwritten = ""

    @property
    def changed(self) -> bool:
        """Whether the file's text changes."""
        return self.text != self.original


def fix_text(text: str, lint: Callable[[str], Linted], unsafe: bool, first: Linted | None = None) -> FileFix:
    """Fix ``text`` (see the module documentation); ``first`` is its lint, if already known.

    All fixes are tried together first. If the result fails verification, each fix is tried on
    its own, in text order, and kept only if the text with it still passes (a fix that brings a
    new finding to light, such as a shell error in a command that was not a string before, is
    left out; the others still apply); :attr:`FileFix.notes` says which were left out and why."""
    before = first or lint(text)
    if not before.fixable(unsafe):
        return FileFix(text, text, [], "", before.visible())
    current, linted, fixed, reason, where, offsets = _rounds(text, before, lint, unsafe)
    if not reason:
        reason = verify(before, linted, fixed, Revealed(text, offsets, fixed, where, current)) if fixed else ""
        if not reason:
            return FileFix(text, current, fixed, "", linted.visible() if fixed else before.visible(), where=where)
    if len(before.fixable(unsafe)) < 2:
        return FileFix(text, text, [], reason, before.visible())
    return _one_by_one(text, before, lint, unsafe, reason)


def _first_seen(before: Linted, finding: Any) -> tuple[int, int] | None:
    """Where the original text had ``finding``, when a later round reports it again: the
    finding with its fingerprint, else the only one of its rule with its message (a fix that
    moved a block moves the findings inside it, which offsets alone cannot follow)."""
    same = [f for f in before.findings if f.fingerprint == finding.fingerprint]
    if not same:
        same = [f for f in before.findings if f.code == finding.code and f.message == finding.message]
    return (same[0].line, same[0].col) if len(same) == 1 else None


def _rounds(text: str, before: Linted, lint: Callable[[str], Linted],
            unsafe: bool) -> tuple[str, Linted, list[Any], str, list[tuple[int, int]], OffsetMap]:
    """Apply, lint, repeat: the text, its lint, the findings fixed, a reason if it failed,
    where the fixed findings were in ``text``, and the map of the rounds' changes."""
    current, linted = text, before
    fixed: list[Any] = []
    where: list[tuple[int, int]] = []
    offsets = OffsetMap(text)
    for _round in range(MAX_ROUNDS):
        candidates = linted.fixable(unsafe)
        if not candidates:
            return current, linted, fixed, "", where, offsets
        outcome = apply_fixes(current, candidates, unsafe)
        if outcome.refused:
            return current, linted, fixed, f"not fixed: {outcome.refused}", where, offsets
        if not outcome.changed or outcome.text == current:
            if outcome.invalid and not fixed:
                finding, why = outcome.invalid[0]
                return current, linted, fixed, f"not fixed: the {finding.code} fix at {finding.line}:{finding.col} does not fit the text ({why})", where, offsets
            return current, linted, fixed, "", where, offsets
        index = LineIndex(current)
        where.extend(_first_seen(before, f) or offsets.original_position(index, f.line, f.col) for f in outcome.applied)
        offsets.record(outcome.changes)
        fixed.extend(outcome.applied)
        current = outcome.text
        linted = lint(current)
    # Rounds left over (a file with more than 100 fixable findings of one rule lists 100 a
    # round): what was fixed so far is verified and kept; the next --fix goes on.
    return current, linted, fixed, "", where, offsets


# At most this many fixes of one file are tried one by one (each costs a lint of the file).
MAX_SINGLE_TRIES = 20


def _one_by_one(text: str, before: Linted, lint: Callable[[str], Linted], unsafe: bool, reason: str) -> FileFix:
    """Try each fix of the original text alone, on top of those already kept."""
    current, linted = text, before
    kept: list[Any] = []
    where: list[tuple[int, int]] = []
    offsets = OffsetMap(text)
    notes: list[str] = []
    tried: set[str] = set()
    for _try in range(MAX_SINGLE_TRIES):
        candidates = [f for f in linted.fixable(unsafe) if f.fingerprint not in tried]
        if not candidates:
            break
        candidate = candidates[0]
        tried.add(candidate.fingerprint)
        outcome = apply_fixes(current, [candidate], unsafe)
        if not outcome.changed or outcome.text == current:
            continue
        trial = lint(outcome.text)
        position = offsets.original_position(LineIndex(current), candidate.line, candidate.col)
        trial_offsets = offsets.extended(outcome.changes)
        why = verify(before, trial, [*kept, candidate], Revealed(text, trial_offsets, [*kept, candidate], [*where, position], outcome.text))
        if why:
            notes.append(f"{candidate.code} at {position[0]}:{position[1]} {why}")
            continue
        kept.append(candidate)
        where.append(position)
        offsets = trial_offsets
        current, linted = outcome.text, trial
    if not kept:
        return FileFix(text, text, [], reason, before.visible())
    return FileFix(text, current, kept, "", linted.visible(), notes, where)


_OMITTED = re.compile(r"^(?:at least )?([0-9][0-9,]{0,20}) more ")


def totals(findings: list[Any]) -> Counter[str]:
    """Findings per rule, counting those the per-file cap left out: the finding that stands for
    them (anchor ``CODE:omitted``) says how many."""
    counts: Counter[str] = Counter()
    for finding in findings:
        counts[finding.code] += 1
        if finding.anchor == f"{finding.code}:omitted":
            match = _OMITTED.match(finding.message)
            if match is not None:
                counts[finding.code] += int(match.group(1).replace(",", "")) - 1
    return counts


class Revealed:
    """Which findings lie in content a fix made pipelint read for the first time: lines below a
    fixed finding's place indented deeper than it (the block under a renamed phase or key),
    that no fix wrote on. Renaming ``bulid`` to ``build`` makes pipelint check the commands
    under it; their findings were there all along, unseen, and do not make the fix wrong."""

    def __init__(self, original: str, offsets: OffsetMap, fixed: list[Any], where: list[tuple[int, int]], text: str) -> None:
        self.offsets = offsets
        self.index = LineIndex(text)
        self.codes = {f.code for f in fixed}
        lines = original.split("\n")
        self.blocks = [block for line, col in where if (block := _block_below(lines, line, col)) is not None]

    def __call__(self, finding: Any, fixed_text: bool) -> bool:
        """Whether ``finding`` (of the fixed text, else of the original) is in such a block and
        of a rule no applied fix was for."""
        if not self.blocks or finding.code in self.codes:
            return False
        first = finding.line
        last = finding.end_line - 1 if finding.end_col == 1 and finding.end_line > finding.line else finding.end_line
        if fixed_text:
            mapped_first, mapped_last = self.offsets.unchanged_line(self.index, first), self.offsets.unchanged_line(self.index, last)
            if mapped_first is None or mapped_last is None:
                return False
            first, last = mapped_first, mapped_last
        return any(low <= first and last <= high for low, high in self.blocks)


def _block_below(lines: list[str], line: int, col: int) -> tuple[int, int] | None:
    """The lines after ``line`` indented deeper than column ``col`` (blank and comment lines
    inside included), or ``None`` when there are none."""
    last = line
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1].rstrip("\r")
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if len(text) - len(stripped) <= col - 1:
            break
        last = number
    return (line + 1, last) if last > line else None


def verify(before: Linted, after: Linted, fixed: list[Any], revealed: Revealed | None = None) -> str:
    """Why the fixed text must not be kept (see the module documentation), or ``""``.

    With ``revealed``, findings in content a fix made readable (:class:`Revealed`) are not
    counted as new; findings on the lines a fix wrote, and of the rules fixed, still are."""
    if after.kind != before.kind:
        return f"not fixed: the fixed text would no longer read as a {before.kind or 'known kind of file'}"
    loading = [f for f in after.findings if f.code in _LOAD_CODES and f.code not in {b.code for b in before.findings}]
    if loading:
        problem = loading[0]
        return f"not fixed: the fixed text would not load ({problem.code} at {problem.line}:{problem.col})"
    remaining = {f.fingerprint for f in after.findings}
    # A finding at the same node as a fixed one, when that node had only the one (keys of one
    # mapping share their node path), is the fixed finding still there with another content.
    once = Counter((f.code, f.node_path) for f in before.findings)
    places = {(f.code, f.node_path) for f in after.findings if f.node_path}
    for finding in fixed:
        place = (finding.code, finding.node_path)
        if finding.fingerprint in remaining or (finding.node_path and once[place] == 1 and place in places):
            return f"not fixed: the {finding.code} finding at {finding.line}:{finding.col} would remain after its fix"
    allowed = totals([f for f in before.findings if not (revealed is not None and revealed(f, False))])
    original = {f.fingerprint for f in before.findings}
    allowed.subtract(f.code for f in fixed if f.fingerprint in original)  # not those a round made and the next fixed
    found = totals([f for f in after.findings if not (revealed is not None and revealed(f, True))])
    for code, count in sorted(found.items()):
        if count > allowed[code]:
            new = next(f for f in after.findings if f.code == code and not (revealed is not None and revealed(f, True)))
            article = "an" if code[:1].upper() in "AEFHILMNORSX" else "a"  # "an AS303", "a BS901"
            return f"not fixed: the fixes would add {article} {code} finding (at {new.line}:{new.col} of the fixed text)"
    return ""
