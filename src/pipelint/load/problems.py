"""Problems found while reading a file, before any document exists (rule ids ``PL…``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LoadProblem:
    """A loading problem at a position (1-based line and column; ``end_col`` exclusive)."""

    code: str
    message: str
    line: int = 1
    col: int = 1
    end_line: int = 0
    end_col: int = 0
    fix: str | None = None

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            self.end_line = self.line
        if self.end_line == self.line and self.end_col <= self.col:
            self.end_col = self.col + 1


class LoadAbort(Exception):
    """Raised inside a loader when the file cannot become a tree; carries the problem."""

    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Limits:
    """Resource limits for hostile input; all configurable."""

    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 256
    # An alias may expand its anchor's subtree; past this many expanded nodes (or 20 times the
    # nodes actually written, whichever is larger) the file is treated as an alias bomb.
    max_expanded_nodes: int = 200_000
