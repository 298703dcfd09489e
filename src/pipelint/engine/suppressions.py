"""Inline suppression comments: ``# pipelint: disable=CODE[,CODE]`` and ``disable-file=``.

A ``disable`` comment silences the named rules on its own line; when the comment stands alone on
its line, it silences the next line too. ``disable-file`` silences the rules in the whole file.
Rules can be named by code, name or prefix; unknown ones are reported (``PL012``).
"""

from __future__ import annotations

import re

from ..records import ValueRecord

_COMMENT = re.compile(r"#\s*pipelint:\s*(disable-file|disable-next-line|disable)\s*=\s*([A-Za-z0-9_,\- ]+)")


class Suppressions(ValueRecord):
    """The suppression comments of one file."""

    __slots__ = ("by_line", "whole_file", "mentions")

    by_line: dict[int, set[str]]
    whole_file: set[str]
    # (line, column, end column, identifier) of every rule identifier written in a comment
    mentions: list[tuple[int, int, int, str]]

    def __init__(
        self,
        by_line: dict[int, set[str]] | None = None,
        whole_file: set[str] | None = None,
        mentions: list[tuple[int, int, int, str]] | None = None,
    ) -> None:
        self.by_line = {} if by_line is None else by_line
        self.whole_file = set() if whole_file is None else whole_file
        self.mentions = [] if mentions is None else mentions

    def matches(self, line: int, code: str, name: str) -> bool:
        """Whether a finding of rule ``code``/``name`` on ``line`` is suppressed."""
        for ident in self.whole_file | self.by_line.get(line, set()):
            if _matches(ident, code, name):
                return True
        return False


def _matches(ident: str, code: str, name: str) -> bool:
    upper = ident.upper()
    return upper == "ALL" or ident.lower() == name or code.startswith(upper)


def parse_suppressions(text: str) -> Suppressions:
    """Find every suppression comment in ``text`` (YAML comments; JSON has none)."""
    result = Suppressions()
    if "pipelint:" not in text:
        return result
    for index, line in enumerate(text.splitlines(), start=1):
        if "pipelint:" not in line:
            continue
        for match in _COMMENT.finditer(line):
            verb, body = match.group(1), match.group(2)
            idents: set[str] = set()
            offset = match.start(2)
            for part in re.finditer(r"[A-Za-z0-9_\-]+", body):
                idents.add(part.group(0))
                result.mentions.append((index, offset + part.start() + 1, offset + part.end() + 1, part.group(0)))
            if verb == "disable-file":
                result.whole_file |= idents
                continue
            targets = [index]
            alone = line[: match.start()].strip() == ""
            if verb == "disable-next-line" or alone:
                targets.append(index + 1)
            if verb == "disable-next-line" and not alone:
                targets = [index + 1]
            for target in targets:
                result.by_line.setdefault(target, set()).update(idents)
    return result
