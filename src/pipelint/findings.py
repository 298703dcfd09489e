"""What a check produces: a :class:`Finding`, and the :class:`Severity` scale."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from .records import ValueRecord
from .textutil import sha256

if TYPE_CHECKING:  # pragma: no cover
    from .fixes.edit import Fix


class Severity(IntEnum):
    """How bad a finding is; ordered so that ``>=`` compares with ``--fail-on``."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"error"``/``"warning"``/``"note"`` (also ``info``/``style`` for note) to a Severity."""
        lowered = text.strip().lower()
        aliases = {"info": "note", "style": "note", "warn": "warning", "err": "error"}
        lowered = aliases.get(lowered, lowered)
        try:
            return cls[lowered.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or note") from None

    def __str__(self) -> str:
        return self.name.lower()


Related = tuple[str, int, int, int, int]
"""A related location in the same file as its finding: ``(message, line, col, end_line, end_col)``."""


class Finding(ValueRecord):
    """One problem at one place in one file.

    Positions are 1-based; ``end_col`` is the column after the last character. ``node_path`` is
    the logical path of the node in its document (``("phases", "build", "commands", 0)``), and
    ``anchor`` the normalised content it concerns; the fingerprint is made from code, file,
    node path and anchor, never from the line, so it survives unrelated edits. ``edit`` is the
    automatic fix, if the rule offers one (:mod:`pipelint.fixes.edit`).
    """

    __slots__ = ("code", "name", "severity", "message", "path", "line", "col", "end_line", "end_col", "fix", "node_path", "anchor", "kind", "security_severity", "suppressed", "fingerprint", "related", "edit")

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: str | None
    node_path: tuple[Any, ...]
    anchor: str
    kind: str
    security_severity: float | None
    suppressed: bool
    fingerprint: str
    related: tuple[Related, ...]
    edit: Fix | None

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        path: str,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        fix: str | None = None,
        node_path: tuple[Any, ...] = (),
        anchor: str = "",
        kind: str = "",
        security_severity: float | None = None,
        suppressed: bool = False,
        fingerprint: str = "",
        related: tuple[Related, ...] = (),
        edit: Fix | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.path = path
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.fix = fix
        self.node_path = node_path
        self.anchor = anchor
        self.kind = kind
        self.security_severity = security_severity
        self.suppressed = suppressed
        self.fingerprint = fingerprint
        self.related = related
        self.edit = edit

    def compute_fingerprint(self) -> str:
        """A stable hash of code, file, logical node path and content (not the line number)."""
        digest = sha256()
        for part in (self.code, self.path, "/".join(map(str, self.node_path)), self.anchor):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return str(digest.hexdigest())[:24]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic report order: file, line, column, code, message."""
        return (self.path, self.line, self.col, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape of a finding (see docs/output.md)."""
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "end_line": self.end_line,
            "end_column": self.end_col,
            "fix": self.fix,
            "kind": self.kind,
            "fingerprint": self.fingerprint,
        }
        if self.security_severity is not None:
            data["security_severity"] = self.security_severity
        if self.related:
            data["related"] = [
                {"message": message, "line": line, "column": col, "end_line": end_line, "end_column": end_col}
                for message, line, col, end_line, end_col in self.related
            ]
        data["edit"] = self.edit.to_dict() if self.edit is not None else None
        return data
