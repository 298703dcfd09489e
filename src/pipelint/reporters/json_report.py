"""The ``json`` report: a stable, documented shape (see docs/output.md).

``{"version": 1, "tool": {"name", "version"}, "summary": {...}, "findings": [Finding.to_dict()]}``
"""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from .. import __version__
from .safe import clean_json


def _finding(finding: Any) -> dict[str, Any]:
    """One finding's JSON object; ``fix`` falls back to its automatic fix's title."""
    from ..fixes.edit import fix_hint

    data: dict[str, Any] = finding.to_dict()
    data["fix"] = fix_hint(finding)
    return data


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the JSON report."""
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
        "findings": [_finding(f) for f in result.findings],
    }
    stream.write(clean_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
