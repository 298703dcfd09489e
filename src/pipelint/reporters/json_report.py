"""The ``json`` report: a stable, documented shape (see docs/output.md).

``{"version": 1, "tool": {"name", "version"}, "summary": {...}, "findings": [Finding.to_dict()]}``
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from .. import __version__
from .safe import clean_json


class _AsDicts(list):  # type: ignore[type-arg]
    """The findings, serialised one at a time: ``json`` sees a list of their dicts, whose
    ``fix`` falls back to the title of the finding's automatic fix."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        from ..fixes.edit import fix_hint

        for finding in super().__iter__():
            data: dict[str, Any] = finding.to_dict()
            data["fix"] = fix_hint(finding)
            yield data


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the JSON report as ``json.dumps(report, indent=2)`` would, in pieces: the
    findings' dicts are made one at a time and the text is written as it is produced."""
    counts = Counter(str(f.severity) for f in result.findings)
    data = {
        "version": 1,
        "tool": {"name": "pipelint", "version": __version__},
        "summary": {
            "files": result.files,
            "files_with_findings": len({f.path for f in result.findings}),
            "findings": len(result.findings),
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "notes": counts.get("note", 0),
            "suppressed": result.suppressed,
            "baseline_suppressed": getattr(result, "baseline_suppressed", 0),
            "baseline_fixed": getattr(result, "baseline_fixed", 0),
        },
        "findings": _AsDicts(result.findings),
    }
    write_json(data, stream)


def write_json(data: Any, stream: IO[str]) -> None:
    """Write ``data`` as ``clean_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"``
    would, as the encoder produces it, without holding the whole text (or the pure-Python
    encoder's list of pieces) in memory."""
    pending: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data):
        pending.append(chunk)
        size += len(chunk)
        if size > 1 << 16:
            stream.write(clean_json("".join(pending)))  # escapes single characters: any split is safe
            pending, size = [], 0
    stream.write(clean_json("".join(pending)) + "\n")
