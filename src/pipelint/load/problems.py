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

    __slots__ = ("max_bytes", "max_depth", "max_expanded_nodes", "max_nodes")

    max_bytes: int
    max_depth: int
    # An alias may expand its anchor's subtree; past this many expanded nodes (or 20 times the
    # nodes actually written, whichever is larger) the file is treated as an alias bomb.
    max_expanded_nodes: int
    # Values (scalars and collections) written in one file. CloudFormation takes templates of
    # at most 1 MB (from S3); real files hold 55,000 values per MB (median over the corpus,
    # 140,000 at most), so a full 1 MB template stays under this. 5 MB of `[a,a,a,...]` holds
    # 2.4 million, which took the linter nearly a minute and 1.5 GB.
    max_nodes: int

    def __init__(
        self,
        max_bytes: int = 5 * 1024 * 1024,
        max_depth: int = 256,
        max_expanded_nodes: int = 200_000,
        max_nodes: int = 200_000,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_expanded_nodes = max_expanded_nodes
        self.max_nodes = max_nodes


def too_many_nodes(limit: int, line: int, col: int) -> LoadAbort:
    """The abort for a file holding more than ``limit`` values (reported as PL007)."""
    return LoadAbort(
        LoadProblem(
            "PL007",
            f"file holds more than {limit:,} values; not linted (no AWS file needs this many)",
            line, col,
        )
    )


# PL003 findings listed one by one per file; the rest are counted in one more finding.
MAX_DUPLICATE_KEY_REPORTS = 100


class DuplicateKeys:
    """Collects a file's duplicate keys as PL003 problems, listing at most
    :data:`MAX_DUPLICATE_KEY_REPORTS` and counting the rest into one closing problem."""

    __slots__ = ("problems", "count", "first_unlisted")

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = problems
        self.count = 0
        self.first_unlisted: tuple[int, int, int, int] | None = None

    def add(self, key_text: str, line: int, col: int, end_line: int, end_col: int) -> None:
        """Record a duplicate of ``key_text`` whose second occurrence is at the given span."""
        self.count += 1
        if self.count <= MAX_DUPLICATE_KEY_REPORTS:
            self.problems.append(
                LoadProblem(
                    "PL003",
                    f"duplicate key `{key_text[:200]}`; the earlier value is silently replaced by this one",
                    line, col, end_line, end_col,
                    fix="remove or rename one of the two keys",
                )
            )
        elif self.first_unlisted is None:
            self.first_unlisted = (line, col, end_line, end_col)

    def close(self) -> None:
        """Add the closing problem that counts the duplicates not listed, if any."""
        if self.first_unlisted is not None:
            unlisted = self.count - MAX_DUPLICATE_KEY_REPORTS
            self.problems.append(
                LoadProblem(
                    "PL003",
                    f"{unlisted:,} more duplicate keys in this file (from here on) are not listed one by one",
                    *self.first_unlisted,
                    fix="remove or rename the repeated keys",
                )
            )
            self.first_unlisted = None
