"""Inline suppression comments: ``# pipelint: disable=CODE[,CODE]`` and ``disable-file=``.

A ``disable`` comment silences the named rules on its own line; when the comment stands alone on
its line, it silences the next line too. ``disable-next-line`` silences only the next line, and
``disable-file`` the rules in the whole file. Rules can be named by code, name or prefix.

Problems with the comments themselves are reported, never ignored: an unknown rule, or a comment
that starts like a suppression but is not one (``# pipelint: disable BS901``, without ``=``),
as ``PL012``; with the opt-in rule ``PL015``, a rule named in a comment that silenced nothing
(like ruff's ``RUF100``), so stale suppressions do not hide the next real problem.
"""

from __future__ import annotations

import re
from typing import Any

from ..records import ValueRecord

_COMMENT = re.compile(r"#\s*pipelint:\s*(disable-file|disable-next-line|disable)\s*=\s*([A-Za-z0-9_,\- ]+)")
# Anything that starts like a suppression comment; what follows is checked against _COMMENT.
_MARKER = re.compile(r"#[ \t]*pipelint[ \t]*:", re.IGNORECASE)
# The same in HCL (Terraform), whose line comments start with `#` or `//`, and whose block
# comments `/* … */` are read the same way when the comment starts on the line it names.
_HCL_COMMENT = re.compile(r"(?:#|//|/\*)\s*pipelint:\s*(disable-file|disable-next-line|disable)\s*=\s*([A-Za-z0-9_,\- ]+)")
_HCL_MARKER = re.compile(r"(?:#|//|/\*)[ \t]*pipelint[ \t]*:", re.IGNORECASE)
# A line of a block comment that spans lines (`/*` on an earlier line): not read, reported.
_HCL_INNER = re.compile(r"^[ \t]*\*?[ \t]*(pipelint[ \t]*:)", re.IGNORECASE)
_IDENT = re.compile(r"[A-Za-z0-9_\-]+")


class Mention(ValueRecord):
    """One rule identifier written in a suppression comment, and whether it silenced anything."""

    __slots__ = ("line", "col", "end_col", "ident", "used")

    line: int
    col: int
    end_col: int
    ident: str
    used: bool

    def __init__(self, line: int, col: int, end_col: int, ident: str) -> None:
        self.line = line
        self.col = col
        self.end_col = end_col
        self.ident = ident
        self.used = False

    def __iter__(self):  # type: ignore[no-untyped-def]
        """``(line, col, end_col, ident)``, as the mentions were first recorded."""
        return iter((self.line, self.col, self.end_col, self.ident))


class Suppressions(ValueRecord):
    """The suppression comments of one file."""

    __slots__ = ("by_line", "whole_file", "mentions", "malformed")

    # line → the mentions that apply to it (a comment's own line and/or the next one)
    by_line: dict[int, list[Mention]]
    whole_file: list[Mention]
    mentions: list[Mention]
    # (line, column, end column, comment text) of comments that look like suppressions but are not
    malformed: list[tuple[int, int, int, str]]

    def __init__(
        self,
        by_line: dict[int, list[Mention]] | None = None,
        whole_file: list[Mention] | None = None,
        mentions: list[Mention] | None = None,
        malformed: list[tuple[int, int, int, str]] | None = None,
    ) -> None:
        self.by_line = {} if by_line is None else by_line
        self.whole_file = [] if whole_file is None else whole_file
        self.mentions = [] if mentions is None else mentions
        self.malformed = [] if malformed is None else malformed

    def matches(self, line: int, code: str, name: str) -> bool:
        """Whether a finding of rule ``code``/``name`` on ``line`` is suppressed (every comment
        that silences it is marked used)."""
        hit = False
        for mention in (*self.by_line.get(line, ()), *self.whole_file):
            if _matches(mention.ident, code, name):
                mention.used = True
                hit = True
        return hit

    def unused(self) -> list[Mention]:
        """The mentions that silenced no finding, in file order."""
        return [m for m in self.mentions if not m.used]


def _matches(ident: str, code: str, name: str) -> bool:
    upper = ident.upper()
    return upper == "ALL" or ident.lower() == name or code.startswith(upper)


def parse_suppressions(text: str, hcl: bool = False) -> Suppressions:
    """Find every suppression comment in ``text`` (YAML comments; JSON has none; with ``hcl``,
    Terraform's ``#`` and ``//`` comments, and ``/* pipelint: … */`` block comments, read by the
    line their ``/*`` is on)."""
    result = Suppressions()
    comment, marker_re = (_HCL_COMMENT, _HCL_MARKER) if hcl else (_COMMENT, _MARKER)
    if "pipelint" not in text.lower():
        return result
    for index, line in enumerate(text.splitlines(), start=1):
        if "pipelint" not in line.lower():
            continue
        valid: set[int] = set()
        for match in comment.finditer(line):
            valid.add(match.start())
            _record(result, index, line, match)
        for marker in marker_re.finditer(line):
            if marker.start() not in valid:
                shown = line[marker.start():marker.start() + 80].rstrip()
                result.malformed.append((index, marker.start() + 1, min(len(line), marker.start() + 80) + 1, shown))
        inner = _HCL_INNER.match(line) if hcl else None
        if inner is not None:
            start = inner.start(1)
            result.malformed.append((index, start + 1, min(len(line), start + 80) + 1, line[start:start + 80].rstrip()))
    return result


def _record(result: Suppressions, index: int, line: str, match: re.Match[str]) -> None:
    verb, body = match.group(1), match.group(2)
    found: list[Mention] = []
    offset = match.start(2)
    for part in _IDENT.finditer(body):
        mention = Mention(index, offset + part.start() + 1, offset + part.end() + 1, part.group(0))
        found.append(mention)
        result.mentions.append(mention)
    if verb == "disable-file":
        result.whole_file.extend(found)
        return
    alone = line[: match.start()].strip() == ""
    if verb == "disable-next-line":
        targets = [index + 1]
    else:
        targets = [index, index + 1] if alone else [index]
    for target in targets:
        result.by_line.setdefault(target, []).extend(found)


def comment_findings(suppressions: Suppressions, path: str, settings: Any) -> list[Any]:
    """``PL012`` for comments that look like suppressions but are not, and, when selected,
    ``PL015`` for rules named in a comment that silenced nothing. Call after every finding of
    the file went through :meth:`Suppressions.matches`."""
    from ..findings import Finding

    out: list[Finding] = []
    registry = settings.registry
    bad = registry.by_code.get("PL012")
    if bad is not None and "PL012" not in settings.ignored_codes:
        for line, col, end_col, text in suppressions.malformed:
            out.append(Finding(bad.code, bad.name, settings.severity.get(bad.code, bad.severity),
                               f"`{text}` is not a suppression comment and silences nothing; write `# pipelint: disable=CODE` "
                               "(or `disable-next-line=`, `disable-file=`)", path, line, col, line, end_col, anchor=text,
                               fix="add `=` between the verb and the rule codes" if text.startswith(("#", "//", "/*"))
                               else "write the whole comment on one line: `/* pipelint: disable=CODE */` or `# pipelint: disable=CODE`"))
    unused = registry.by_code.get("PL015")
    if unused is not None and "PL015" in settings.active_codes:
        active = settings.active_codes
        for mention in suppressions.unused():
            matched = registry.resolve(mention.ident)
            # Only rules that ran can prove a comment useless: a rule left out by --select
            # might need it.
            if not matched or (mention.ident.upper() != "ALL" and not all(r.code in active for r in matched)):
                continue
            out.append(Finding(unused.code, unused.name, settings.severity.get(unused.code, unused.severity),
                               f"suppression of `{mention.ident}` silences nothing here; remove it", path,
                               mention.line, mention.col, mention.line, mention.end_col, anchor=mention.ident,
                               fix=f"remove `{mention.ident}` from the comment"))
    for finding in out:
        finding.fingerprint = finding.compute_fingerprint()
    return out
