"""JUnit XML for CodeBuild report groups (``file-format: JUNITXML``) and CI systems.

One test suite, one test case per linted file (``classname`` is ``pipelint.<kind>``); a file
with findings fails, and its ``<failure>`` lists every finding as ``path:line:col: CODE
[severity] message``. Files that only have loading problems count as errors.
"""

from __future__ import annotations

import socket
from collections import defaultdict
from datetime import UTC, datetime
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the JUnit XML report."""
    by_file: dict[str, list[Any]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.path].append(finding)
    files = sorted(set(result.file_kinds) | set(by_file))
    failures = sum(1 for path in files if by_file.get(path))
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(f'<testsuites name="pipelint" tests="{len(files)}" failures="{failures}" errors="0" time="0">')
    out.append(
        f'  <testsuite name="pipelint" tests="{len(files)}" failures="{failures}" errors="0" skipped="0" '
        f'time="0" timestamp="{stamp}" hostname={quoteattr(socket.gethostname() or "localhost")}>'
    )
    for path in files:
        kind = result.file_kinds.get(path, "file")
        found = by_file.get(path, [])
        head = f'    <testcase classname={quoteattr("pipelint." + kind)} name={quoteattr(path)} time="0"'
        if not found:
            out.append(head + "/>")
            continue
        worst = max(f.severity for f in found)
        summary = f"{len(found)} finding{'s' if len(found) != 1 else ''} ({worst} at worst)"
        body = "\n".join(
            f"{f.path}:{f.line}:{f.col}: {f.code} [{f.severity}] {f.message} ({f.name})" + (f"\n  fix: {f.fix}" if f.fix else "")
            for f in found
        )
        out.append(head + ">")
        out.append(f"      <failure message={quoteattr(summary)} type={quoteattr(str(worst))}>{escape(body)}</failure>")
        out.append("    </testcase>")
    out.append("  </testsuite>")
    out.append("</testsuites>")
    stream.write("\n".join(out) + "\n")
