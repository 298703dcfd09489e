"""The lines of a linted file that a report may show, kept instead of the file's whole text.

Reporters show source text only around findings: a code frame (the text format, at most five
lines from the finding's line), an excerpt with one line of context either side (HTML), the
finding's line (SARIF snippets) and its first and last line (rdjson converts columns to bytes
with them). Keeping every linted file's text until the report is written made a run's memory
grow with the number of files; a run keeps only these lines, taken from the text while the file
is still loaded, so memory follows the findings to print.

:class:`KeptLines` stands where reporters expect a :class:`~pipelint.load.nodes.Source`: it has
the file's ``path``, its ``secrets`` and ``lines``, a sequence as long as the file's line list
that holds only the kept lines (any other line reads as ``""``; no reporter asks for one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The text format shows at most this many lines from a finding's line; HTML one more either side.
_FRAME_LINES = 5


def shown_lines(line: int, end_line: int) -> Iterable[int]:
    """The 1-based line numbers a reporter may show for a finding at ``line``..``end_line``."""
    last = min(end_line, line + _FRAME_LINES - 1) + 1
    yield from range(max(1, line - 1), last + 1)
    if end_line > last:
        yield end_line


class SparseLines:
    """A file's lines by 0-based index, of which only some are kept."""

    __slots__ = ("count", "kept")

    def __init__(self, count: int, kept: dict[int, str] | None = None) -> None:
        self.count = count
        self.kept: dict[int, str] = {} if kept is None else kept  # 1-based line number → text

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> str:
        return self.kept.get(index + 1, "")


class KeptLines:
    """What reporters read of a linted file: its path, secrets and the lines near findings."""

    __slots__ = ("path", "lines", "secrets")

    def __init__(self, path: str, lines: SparseLines | None = None, secrets: set[str] | None = None) -> None:
        self.path = path
        self.lines = SparseLines(0) if lines is None else lines
        self.secrets: set[str] = set() if secrets is None else secrets

    def __repr__(self) -> str:
        return f"KeptLines({self.path!r}, {len(self.lines.kept)} of {len(self.lines)} lines)"


def keep_lines(lines: list[str], findings: Iterable[Any], path: str, into: SparseLines | None = None) -> SparseLines:
    """The lines of ``lines`` (one file's) that reporters may show for the ``findings`` located
    in ``path``, added to ``into`` when given."""
    kept = into if into is not None else SparseLines(len(lines))
    kept.count = len(lines)
    for finding in findings:
        if finding.path != path:
            continue
        for number in shown_lines(finding.line, finding.end_line):
            if 1 <= number <= len(lines) and number not in kept.kept:
                kept.kept[number] = lines[number - 1]
    return kept
