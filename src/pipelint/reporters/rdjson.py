"""reviewdog's Diagnostic Format as one JSON document (``rdjson``: ``reviewdog -f=rdjson``).

``{"source": {"name": "pipelint", "url": …}, "severity": …, "diagnostics": [...]}``, one
diagnostic per finding with ``message``, ``location`` (``path`` and a ``range``), ``severity``
(``ERROR``, ``WARNING``, ``INFO``) and ``code`` (``value`` and the rule's documentation ``url``).
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


def build(result: Any) -> dict[str, Any]:
    """The rdjson document of a run."""
    diagnostics = []
    for f in result.findings:
        start = {"line": f.line, "column": _byte_column(result, f.path, f.line, f.col)}
        end = {"line": f.end_line, "column": _byte_column(result, f.path, f.end_line, f.end_col)}
        diagnostics.append({
            "message": with_fix(f),
            "location": {"path": f.path, "range": {"start": start, "end": end}},
            "severity": SEVERITIES[str(f.severity)],
            "code": {"value": f.code, "url": rule_help_uri(f.code)},
        })
    return {"source": {"name": "pipelint", "url": PROJECT_URL}, "diagnostics": diagnostics}


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the rdjson report."""
    from .json_report import write_json

    write_json(build(result), stream)
