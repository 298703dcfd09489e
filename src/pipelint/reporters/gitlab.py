"""GitLab Code Quality JSON (``artifacts: reports: codequality``), the documented subset of the
Code Climate issue format that GitLab reads.

An array with one object per finding: ``description`` (the message, with the fix), ``check_name``
(the rule code), ``fingerprint`` (unique per finding: GitLab shows only the first issue of a
fingerprint, so a finding that occurs twice gets its occurrence number hashed in, like SARIF's
``primaryLocationLineHash``), ``severity`` and ``location`` (``path`` and ``positions`` with
1-based line and column; ``lines.begin`` is implied by them).

Severities: error → ``critical``, warning → ``major``, note → ``info``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from ..textutil import sha256
from . import with_fix
from .safe import clean_json

SEVERITIES = {"error": "critical", "warning": "major", "note": "info"}


def _fingerprint(finding: Any, occurrence: int) -> str:
    digest = sha256()
    digest.update(f"{finding.fingerprint}:{occurrence}".encode())
    return str(digest.hexdigest())[:32]


def build(result: Any) -> list[dict[str, Any]]:
    """The Code Quality issues of a run."""
    seen: Counter[str] = Counter()
    issues = []
    for f in result.findings:
        seen[f.fingerprint] += 1
        issues.append({
            "type": "issue",
            "description": f"{f.code} {with_fix(f)}",
            "check_name": f.code,
            "categories": ["Security"] if f.security_severity is not None else ["Bug Risk"],
            "fingerprint": _fingerprint(f, seen[f.fingerprint]),
            "severity": SEVERITIES[str(f.severity)],
            "location": {
                "path": f.path,
                "positions": {
                    "begin": {"line": f.line, "column": f.col},
                    "end": {"line": f.end_line, "column": f.end_col},
                },
            },
        })
    return issues


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the Code Quality report."""
    stream.write(clean_json(json.dumps(build(result), indent=2, ensure_ascii=False)) + "\n")
