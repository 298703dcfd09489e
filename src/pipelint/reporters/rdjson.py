"""reviewdog's Diagnostic Format as one JSON document (``rdjson``: ``reviewdog -f=rdjson``).

``{"source": {"name": "pipelint", "url": …}, "severity": …, "diagnostics": [...]}``, one
diagnostic per finding with ``message``, ``location`` (``path`` and a ``range``), ``severity``
(``ERROR``, ``WARNING``, ``INFO``) and ``code`` (``value`` and the rule's documentation ``url``).
A finding with an automatic fix also has ``suggestions``: one ``{"range", "text"}`` per edit
(safe and unsafe fixes alike: reviewdog shows each as a suggested change for a reviewer to
accept), which reviewdog turns into suggested changes on the pull request.
Columns in rdjson count UTF-8 bytes, not characters, so they are converted with the line's text;
the range's end is exclusive, as pipelint's ``end_column`` already is.
"""

from __future__ import annotations

from typing import IO, Any

from . import with_fix
from .sarif import PROJECT_URL, rule_help_uri

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "note": "INFO"}


def _byte_column(result: Any, path: str, line: int, column: int) -> int:
    """1-based character ``column`` of ``line`` as a 1-based UTF-8 byte column (counted on the
    file's own text, which is never printed here)."""
    source = result.sources.get(path)
    if source is None or not 1 <= line <= len(source.lines):
        return column
    text = source.lines[line - 1][: column - 1]
    if text.isascii():
        return column
    return len(text.encode("utf-8", "surrogatepass")) + (column - 1 - len(text)) + 1


def _range(result: Any, path: str, line: int, col: int, end_line: int, end_col: int) -> dict[str, Any]:
    """An rdjson ``Range`` (UTF-8 byte columns, end exclusive)."""
    return {"start": {"line": line, "column": _byte_column(result, path, line, col)},
            "end": {"line": end_line, "column": _byte_column(result, path, end_line, end_col)}}


def build(result: Any) -> dict[str, Any]:
    """The rdjson document of a run."""
    diagnostics = []
    for f in result.findings:
        diagnostic: dict[str, Any] = {
            "message": with_fix(f),
            "location": {"path": f.path, "range": _range(result, f.path, f.line, f.col, f.end_line, f.end_col)},
            "severity": SEVERITIES[str(f.severity)],
            "code": {"value": f.code, "url": rule_help_uri(f.code)},
        }
        fix = getattr(f, "edit", None)
        if fix is not None:
            diagnostic["suggestions"] = [{"range": _range(result, f.path, e.line, e.col, e.end_line, e.end_col), "text": e.text}
                                         for e in fix.edits]
        diagnostics.append(diagnostic)
    return {"source": {"name": "pipelint", "url": PROJECT_URL}, "diagnostics": diagnostics}


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the rdjson report."""
    from .json_report import write_json

    write_json(build(result), stream)
