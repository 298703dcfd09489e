"""Hover over a diagnostic: the documentation of its rule, as ``pipelint rules CODE`` shows it.

The text is the rule's docstring rendered by :func:`pipelint.docs.doc_markdown` (the renderer of
docs/rules.md and SARIF's ``help.markdown``): what the rule checks, why, a failing and a fixed
example, and AWS's behaviour with its source.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding


def covering(findings: list[Finding], line: int, col: int) -> list[Finding]:
    """The findings whose range holds the 1-based position (a zero-width range holds its start)."""
    hits = []
    for finding in findings:
        start = (finding.line, finding.col)
        end = (finding.end_line, finding.end_col)
        if start <= (line, col) < end or (line, col) == start:
            hits.append(finding)
    return hits


def rule_markdown(registry: Any, findings: list[Finding]) -> str | None:
    """Markdown documenting the rules of ``findings`` (each rule once), or ``None`` if none is known."""
    from ..docs import doc_markdown
    from .diagnostics import help_uri

    parts: list[str] = []
    seen: set[str] = set()
    for finding in findings:
        if finding.code in seen or registry is None:
            continue
        seen.add(finding.code)
        found = registry.by_code.get(finding.code)
        if found is None:
            continue
        href = help_uri(registry, found.code)
        link = f" · [docs]({href})" if href else ""
        parts.append(f"**{found.code}** `{found.name}` ({finding.severity}){link}\n\n{doc_markdown(found.doc)}")
    return "\n\n---\n\n".join(parts) if parts else None
