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
from collections.abc import Iterator
from typing import Any

from ..records import ValueRecord
from ..textutil import lazy_regex

_COMMENT = lazy_regex(r"#\s*pipelint:\s*(disable-file|disable-next-line|disable)\s*=\s*([A-Za-z0-9_,\- ]+)")
# Anything that starts like a suppression comment; what follows is checked against _COMMENT.
_MARKER = lazy_regex(r"#[ \t]*pipelint[ \t]*:", re.IGNORECASE)
# The same in HCL (Terraform), whose line comments start with `#` or `//`, and whose block
# comments `/* … */` are read the same way when the comment starts on the line it names.
_HCL_COMMENT = lazy_regex(r"(?:#|//|/\*)\s*pipelint:\s*(disable-file|disable-next-line|disable)\s*=\s*([A-Za-z0-9_,\- ]+)")
_HCL_MARKER = lazy_regex(r"(?:#|//|/\*)[ \t]*pipelint[ \t]*:", re.IGNORECASE)
# A line of a block comment that spans lines (`/*` on an earlier line): not read, reported.
_HCL_INNER = lazy_regex(r"^[ \t]*\*?[ \t]*(pipelint[ \t]*:)", re.IGNORECASE)
_IDENT = lazy_regex(r"[A-Za-z0-9_\-]+")
# What changes the HCL scanner's state, per state: in expressions, a string, a comment, a heredoc
# opener (`<<EOT`/`<<-EOT` ending its line) or a brace; in a quoted string, an escape, the
# closing quote, a literal `$${`/`%%{` or an interpolation; in a heredoc body, the last two.
_HCL_CODE_TOKEN = lazy_regex(r'"|#|//|/\*|<<-?([A-Za-z_][A-Za-z0-9_\-]*)[ \t]*$|[{}]')
_HCL_STRING_TOKEN = lazy_regex(r'\\.|"|\$\$\{|%%\{|[$%]\{')
_HCL_TEMPLATE_TOKEN = lazy_regex(r"\$\$\{|%%\{|[$%]\{")
_IN_STRING = -1
# In a heredoc body (an inline buildspec's YAML, as in a CloudFormation block scalar): a `#` at the
# start of the line's text or after a blank starts a YAML comment, which is read like `#` in YAML.
_HEREDOC_COMMENT = lazy_regex(r"(?:^|[ \t])(#)")


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
    line their ``/*`` is on). In HCL only real comments count: a marker inside a quoted string,
    an interpolation or a heredoc body is text, and neither silences nor is reported."""
    result = Suppressions()
    if "pipelint" not in text.lower():
        return result
    lines = text.splitlines()
    if hcl:
        for number, start, end, continued in _hcl_comment_spans(lines):
            line = lines[number]
            _scan_span(result, number + 1, line, start, end, _HCL_COMMENT.compiled, _HCL_MARKER.compiled)
            inner = _HCL_INNER.match(line, 0, end) if continued else None
            if inner is not None:
                at = inner.start(1)
                result.malformed.append((number + 1, at + 1, min(len(line), at + 80) + 1, line[at:at + 80].rstrip()))
        return result
    for index, line in enumerate(lines, start=1):
        if "pipelint" in line.lower():
            _scan_span(result, index, line, 0, len(line), _COMMENT.compiled, _MARKER.compiled)
    return result


def _scan_span(result: Suppressions, index: int, line: str, start: int, end: int,
               comment: re.Pattern[str], marker_re: re.Pattern[str]) -> None:
    """Record the suppression comments in ``line[start:end]`` and report look-alikes."""
    valid: set[int] = set()
    for match in comment.finditer(line, start, end):
        valid.add(match.start())
        _record(result, index, line, match)
    for marker in marker_re.finditer(line, start, end):
        if marker.start() not in valid:
            shown = line[marker.start():marker.start() + 80].rstrip()
            result.malformed.append((index, marker.start() + 1, min(len(line), marker.start() + 80) + 1, shown))


def _hcl_comment_spans(lines: list[str]) -> Iterator[tuple[int, int, int, bool]]:
    """``(line number from 0, start, end, continued)`` of each part of a real HCL comment on a
    line that mentions ``pipelint``; ``continued``: the line is inside a block comment opened on
    an earlier line. One pass, each character looked at a bounded number of times.

    Tracked: ``"…"`` strings with ``\\`` escapes (a string left open ends with its line),
    ``${…}``/``%{…}`` interpolations (nested, with strings and braces of their own, and whose
    comments are skipped but not read), heredocs from ``<<EOT``/``<<-EOT`` to the line that is
    only ``EOT``, and ``/* … */`` block comments."""
    # Innermost last: _IN_STRING, a heredoc's closing identifier, or an interpolation's count of
    # open braces (an int >= 0). Plain ints and shared strings: hostile nesting stays small.
    stack: list[int | str] = []
    block: bool | None = None  # in a block comment: whether its text counts (not in an interpolation)
    for number, line in enumerate(lines):
        wanted = "pipelint" in line.lower()
        pos, size = 0, len(line)
        if block is not None:
            close = line.find("*/")
            if wanted and block:
                yield number, 0, size if close < 0 else close, True
            if close < 0:
                continue
            block, pos = None, close + 2
        elif stack and isinstance(stack[-1], str):
            if line.strip() == stack[-1]:
                stack.pop()
                continue
        while pos < size:
            top = stack[-1] if stack else None
            if top is None or (isinstance(top, int) and top >= 0):
                match = _HCL_CODE_TOKEN.search(line, pos)
                if match is None:
                    break
                token, start = match.group(0), match.start()
                pos = match.end()
                if token == '"':
                    stack.append(_IN_STRING)
                elif token in ("#", "//"):
                    if wanted and top is None:
                        yield number, start, size, False
                    break
                elif token == "/*":
                    close = line.find("*/", start + 2)
                    if wanted and top is None:
                        yield number, start, size if close < 0 else close + 2, False
                    if close < 0:
                        block = top is None
                        break
                    pos = close + 2
                elif token == "{":
                    if top is not None:
                        stack[-1] = top + 1
                elif token == "}":
                    if top is not None:
                        if top:
                            stack[-1] = top - 1
                        else:
                            stack.pop()
                else:
                    stack.append(match.group(1))
                    break
            elif top == _IN_STRING:
                match = _HCL_STRING_TOKEN.search(line, pos)
                if match is None:
                    break
                pos = match.end()
                if match.group(0) == '"':
                    stack.pop()
                elif match.group(0) in ("${", "%{"):
                    stack.append(0)
            else:
                if isinstance(top, str) and wanted:
                    comment = _HEREDOC_COMMENT.search(line, pos)
                    if comment is not None and _HCL_TEMPLATE_TOKEN.search(line, pos, comment.start()) is None:
                        yield number, comment.start(1), size, False  # a YAML comment of the heredoc's text
                        break
                match = _HCL_TEMPLATE_TOKEN.search(line, pos)
                if match is None:
                    break
                pos = match.end()
                if match.group(0) in ("${", "%{"):
                    stack.append(0)
        if stack and stack[-1] == _IN_STRING:
            stack.pop()


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
