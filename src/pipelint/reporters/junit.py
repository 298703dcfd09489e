"""JUnit XML for CodeBuild report groups (``file-format: JUNITXML``) and CI systems.

One test suite, one test case per linted file (``classname`` is ``pipelint.<kind>``). A file
fails when it has a finding at or above ``--fail-on`` (so the report agrees with the exit
status: under ``--fail-on error`` a file with only warnings passes, and with ``never`` nothing
fails); its ``<failure>`` lists every finding as ``path:line:col: CODE [severity] message``.
Findings below the threshold are listed in the test case's ``<system-out>``. Everything from
the linted files is escaped, so the XML stays well-formed whatever a file contains.
"""

from __future__ import annotations

import socket
from collections import defaultdict
from datetime import UTC, datetime
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from .safe import clean


def _line(f: Any) -> str:
    text = f"{clean(f.path)}:{f.line}:{f.col}: {f.code} [{f.severity}] {clean(f.message)} ({f.name})"
    return text + (f"\n  fix: {clean(f.fix)}" if f.fix else "")


def failing(findings: list[Any], fail_on: str) -> bool:
    """Whether these findings fail a file under ``fail_on`` (as they would fail the run)."""
    from ..findings import Severity

    if fail_on == "never" or not findings:
        return False
    threshold = Severity.parse(fail_on)
    return any(f.severity >= threshold for f in findings)


def render(result: Any, stream: IO[str], fail_on: str = "warning", **_: Any) -> None:
    """Write the JUnit XML report."""
    by_file: dict[str, list[Any]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.path].append(finding)
    files = sorted(set(result.file_kinds) | set(by_file))
    failed = {path for path in files if failing(by_file.get(path, []), fail_on)}
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(f'<testsuites name="pipelint" tests="{len(files)}" failures="{len(failed)}" errors="0" time="0">')
    out.append(
        f'  <testsuite name="pipelint" tests="{len(files)}" failures="{len(failed)}" errors="0" skipped="0" '
        f'time="0" timestamp="{stamp}" hostname={quoteattr(clean(socket.gethostname() or "localhost"))}>'
    )
    for path in files:
        kind = result.file_kinds.get(path, "file")
        found = by_file.get(path, [])
        head = f'    <testcase classname={quoteattr("pipelint." + kind)} name={quoteattr(clean(path))} time="0"'
        if not found:
            out.append(head + "/>")
            continue
        body = escape("\n".join(_line(f) for f in found))
        out.append(head + ">")
        if path in failed:
            worst = max(f.severity for f in found)
            summary = f"{len(found)} finding{'s' if len(found) != 1 else ''} ({worst} at worst)"
            out.append(f"      <failure message={quoteattr(summary)} type={quoteattr(str(worst))}>{body}</failure>")
        else:
            out.append(f"      <system-out>{body}</system-out>")
        out.append("    </testcase>")
    out.append("  </testsuite>")
    out.append("</testsuites>")
    stream.write("\n".join(out) + "\n")
