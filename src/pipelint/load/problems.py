"""Problems found while reading a file, before any document exists (rule ids ``PL…``)."""

from __future__ import annotations

from typing import Any

from ..records import ValueRecord


class LoadProblem(ValueRecord):
    """A loading problem at a position (1-based line and column; ``end_col`` exclusive).

    ``anchor``, when given, is what the finding's fingerprint is made from instead of the message:
    for a message that names another line, which must not change the fingerprint (and so
    unmatch a baseline) when lines shift."""

    __slots__ = ("code", "message", "line", "col", "end_line", "end_col", "fix", "anchor")

    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: str | None
    anchor: str | None

    def __init__(
        self,
        code: str,
        message: str,
        line: int = 1,
        col: int = 1,
        end_line: int = 0,
        end_col: int = 0,
        fix: str | None = None,
        anchor: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.fix = fix
        self.anchor = anchor
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
# Nodes compared, per file, to tell a repeated value from a changed one. Past it the message
# names both lines without saying whether the values differ.
MAX_DUPLICATE_COMPARISONS = 200_000


class DuplicateKeys:
    """Collects a file's duplicate keys as PL003 problems, listing at most
    :data:`MAX_DUPLICATE_KEY_REPORTS` and counting the rest into one closing problem.

    A loader calls :meth:`add` when a key repeats, with the list of ``(key, value)`` pairs of the
    mapping being built and the index of the first key's pair; the repeat's pair will be appended
    at the end of that list. :meth:`close`, once the file is read, compares the two values and
    words each listed problem accordingly.
    """

    __slots__ = ("problems", "count", "first_unlisted", "pending")

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = problems
        self.count = 0
        self.first_unlisted: tuple[int, int, int, int] | None = None
        # (problem, key text, pairs of the mapping, index of the first pair, index of the repeat)
        self.pending: list[tuple[LoadProblem, str, list[Any], int, int]] = []

    def add(self, key_text: str, line: int, col: int, end_line: int, end_col: int,
            pairs: list[Any], first: int) -> None:
        """Record a repeat of ``key_text`` at the given span; ``pairs[first]`` is the first key's
        ``(key, value)`` pair and the repeat's pair is the next one appended to ``pairs``."""
        self.count += 1
        if self.count <= MAX_DUPLICATE_KEY_REPORTS:
            first_line = pairs[first][0].line
            # Worded as if the values could not be compared; `close` words it exactly.
            problem = LoadProblem(
                "PL003",
                f"duplicate key `{key_text[:200]}` (also on line {first_line}): AWS keeps only one of the two values; "
                "merge them or remove one",
                line, col, end_line, end_col,
                fix="remove or rename one of the two keys",
                # The wording before line numbers were named: baselines written then still match.
                anchor=f"duplicate key `{key_text[:200]}`; the earlier value is silently replaced by this one",
            )
            self.problems.append(problem)
            self.pending.append((problem, key_text, pairs, first, len(pairs)))
        elif self.first_unlisted is None:
            self.first_unlisted = (line, col, end_line, end_col)

    def close(self) -> None:
        """Word each listed problem by whether the two values are the same, and add the closing
        problem that counts the duplicates not listed, if any."""
        budget = [MAX_DUPLICATE_COMPARISONS]
        for problem, key_text, pairs, first, second in self.pending:
            if second >= len(pairs):
                continue
            first_line = pairs[first][0].line
            same = same_value(pairs[first][1], pairs[second][1], budget)
            if same is True:
                problem.message = f"duplicate key `{key_text[:200]}` (same value as line {first_line}): AWS keeps one; remove the repeat"
                problem.fix = "remove the repeated key"
            elif same is False:
                problem.message = (
                    f"duplicate key `{key_text[:200]}` with a different value than on line {first_line}: AWS keeps only "
                    f"this last value and silently drops the one on line {first_line}; merge the two or remove one"
                )
        self.pending = []
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


def same_value(a: Any, b: Any, budget: list[int]) -> bool | None:
    """Whether two loaded values are equal (scalars by type, value and tag; mappings by key text
    regardless of order; sequences item by item), or ``None`` when telling would take more node
    comparisons than ``budget[0]`` has left (it is decreased by the comparisons made)."""
    from .nodes import Mapping, Scalar, Sequence

    stack = [(a, b)]
    while stack:
        left, right = stack.pop()
        if left is right:
            continue
        budget[0] -= 1
        if budget[0] < 0:
            return None
        if left.__class__ is not right.__class__:
            return False
        if isinstance(left, Scalar):
            if left.value.__class__ is not right.value.__class__ or left.value != right.value or left.tag != right.tag:
                return False
        elif isinstance(left, Sequence):
            if left.tag != right.tag or len(left.items) != len(right.items):
                return False
            stack.extend(zip(left.items, right.items))
        elif isinstance(left, Mapping):
            if left.tag != right.tag or len(left.pairs) != len(right.pairs):
                return False
            budget[0] -= len(left.pairs)
            keyed: dict[str, Any] = {}
            for key, value in left.pairs:
                if not isinstance(key, Scalar):
                    return None  # a complex key: not worth telling
                keyed[key.text] = value
            if len(keyed) != len(left.pairs):
                return None  # duplicates inside: reported on their own
            for key, value in right.pairs:
                if not isinstance(key, Scalar):
                    return None
                other = keyed.get(key.text)
                if other is None:
                    return False
                stack.append((other, value))
        else:
            return None
    return True
