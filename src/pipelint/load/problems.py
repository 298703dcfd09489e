"""Problems found while reading a file, before any document exists (rule ids ``PL…``)."""

from __future__ import annotations

from ..records import ValueRecord


class LoadProblem(ValueRecord):
    """A loading problem at a position (1-based line and column; ``end_col`` exclusive)."""

    __slots__ = ("code", "message", "line", "col", "end_line", "end_col", "fix")

    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: str | None

    def __init__(
        self,
        code: str,
        message: str,
        line: int = 1,
        col: int = 1,
        end_line: int = 0,
        end_col: int = 0,
        fix: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.fix = fix
        self.__post_init__()

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


class Limits(ValueRecord):
    """Resource limits for hostile input; all configurable."""

    __slots__ = ("max_bytes", "max_depth", "max_expanded_nodes")

    max_bytes: int
    max_depth: int
    # An alias may expand its anchor's subtree; past this many expanded nodes (or 20 times the
    # nodes actually written, whichever is larger) the file is treated as an alias bomb.
    max_expanded_nodes: int

    def __init__(
        self,
        max_bytes: int = 5 * 1024 * 1024,
        max_depth: int = 256,
        max_expanded_nodes: int = 200_000,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_expanded_nodes = max_expanded_nodes
