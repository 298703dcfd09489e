"""GitHub Actions workflow-command annotations (``::error file=…,line=…::message``).

The runner reads a command from each output line, so nothing from a linted file may end a line
or start one: newlines, carriage returns, ESC, BEL and every other control character are escaped
(:func:`~pipelint.reporters.safe.clean`) before the workflow-command escaping of ``%``, ``:`` and
``,``.
"""

from __future__ import annotations

from typing import IO, Any

from .safe import clean

_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(text: str) -> str:
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write one annotation per finding."""
    for f in result.findings:
        props = [
            f"file={_escape_property(f.path)}",
            f"line={f.line}",
            f"col={f.col}",
            f"endLine={f.end_line}",
            f"title={_escape_property(f'{f.code} {f.name}')}",
        ]
        if f.end_line == f.line:
            props.insert(4, f"endColumn={f.end_col}")
        message = f.message + (f" (fix: {f.fix})" if f.fix else "")
        stream.write(f"::{_LEVELS[str(f.severity)]} {','.join(props)}::{_escape_data(message)}\n")
