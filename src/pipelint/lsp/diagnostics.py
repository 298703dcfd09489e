"""Findings as LSP diagnostics: one diagnostic per finding, nothing added, nothing dropped.

The range is the finding's, converted from 1-based code-point columns to the negotiated position
encoding (:mod:`.positions`); the message is the finding's with its fix hint, as every reporter
shows it, clipped and escaped as in every other output (secrets were masked by the engine).
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ..findings import Finding, Severity
from .positions import LineModel

SOURCE = "pipelint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}


def lsp_range(positions: LineModel, line: int, col: int, end_line: int, end_col: int, encoding: str) -> types.Range:
    """An LSP range of a 1-based, end-exclusive code-point range in pipelint's line numbering
    (never ending before it starts)."""
    start = positions.to_lsp(line, col, encoding)
    end = positions.to_lsp(end_line, end_col, encoding)
    if end < start:
        end = start
    return types.Range(start=types.Position(line=start[0], character=start[1]), end=types.Position(line=end[0], character=end[1]))


def shown_text(text: str) -> str:
    """Text from a finding as every output shows it: clipped to the reporters' limit, controls,
    bidirectional overrides and lone surrogates escaped (they could not even be sent as JSON)."""
    from ..reporters import MAX_MESSAGE
    from ..reporters.safe import clean

    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    return clean(text)


def help_uri(registry: Any, code: str) -> str | None:
    """The documentation URL of a built-in rule (plugin rules have none)."""
    found = registry.by_code.get(code) if registry is not None else None
    if found is None or not found.origin.startswith("pipelint.rules."):
        return None
    from ..reporters.sarif import rule_help_uri

    return rule_help_uri(code)


def to_diagnostic(finding: Finding, uri: str, positions: LineModel, encoding: str, registry: Any) -> types.Diagnostic:
    """The diagnostic of one finding of the document ``uri`` (whose lines are ``positions``)."""
    from ..reporters import with_fix

    href = help_uri(registry, finding.code)
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=lsp_range(positions, line, col, end_line, end_col, encoding)),
            message=shown_text(message),
        )
        for message, line, col, end_line, end_col in finding.related
    ]
    return types.Diagnostic(
        range=lsp_range(positions, finding.line, finding.col, finding.end_line, finding.end_col, encoding),
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        message=shown_text(with_fix(finding)),
        related_information=related or None,
        data={"fingerprint": finding.fingerprint},
    )
