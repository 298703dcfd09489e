"""Checkstyle XML, read by Jenkins (warnings-ng), reviewdog (``-f=checkstyle``), Bitbucket and
many CI dashboards.

``<checkstyle version="4.3">`` with one ``<file name="…">`` per file with findings and one
``<error line column severity message source>`` per finding; ``source`` is
``pipelint.CODE`` (``pipelint.BS104``). Severities: error → ``error``, warning → ``warning``,
note → ``info``. Everything from the linted files is escaped, so the XML stays well-formed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from . import with_fix
from .safe import clean

SEVERITIES = {"error": "error", "warning": "warning", "note": "info"}


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the Checkstyle report."""
    by_file: dict[str, list[Any]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.path].append(finding)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    for path in sorted(by_file):
        out.append(f"  <file name={quoteattr(clean(path))}>")
        for f in by_file[path]:
            message = f"{with_fix(f)} ({f.name})"
            out.append(
                f'    <error line="{f.line}" column="{f.col}" severity="{SEVERITIES[str(f.severity)]}" '
                f"message={quoteattr(clean(message))} source={quoteattr('pipelint.' + f.code)}/>"
            )
        out.append("  </file>")
    out.append("</checkstyle>")
    stream.write("\n".join(out) + "\n")
