"""The rules reference (docs/rules.md), generated from the rules' docstrings."""

from __future__ import annotations

from typing import Any

_DOMAINS = [
    ("PL", "General and loading"),
    ("BS", "Buildspec (CodeBuild)"),
    ("AS", "Appspec (CodeDeploy)"),
    ("CP", "Pipelines (CodePipeline)"),
    ("IAM", "IAM policies"),
    ("SEC", "Secrets"),
    ("CB", "CodeBuild projects (triggers and hardening)"),
    ("CD", "Deployment safety"),
]


def rules_markdown(registry: Any) -> str:
    """Markdown for every rule: a table per domain, then each rule's documentation."""
    out = [
        "# Rules reference",
        "",
        "Generated from the rules' docstrings by `pipelint rules --format markdown`; do not edit by hand",
        "(`tests/test_docs.py` fails when this file is stale).",
        "",
    ]
    rules = registry.sorted()
    for prefix, title in _DOMAINS:
        group = [r for r in rules if r.code.startswith(prefix) and not r.code[len(prefix)].isalpha()]
        if not group:
            continue
        out += [f"## {title}", "", "| Code | Name | Severity | Summary |", "| --- | --- | --- | --- |"]
        for r in group:
            summary = r.summary.replace("|", "\\|")
            out.append(f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {summary} |")
        out.append("")
    other = [r for r in rules if not any(r.code.startswith(p) and not r.code[len(p)].isalpha() for p, _ in _DOMAINS)]
    if other:
        out += ["## Plugins", "", "| Code | Name | Severity | Summary |", "| --- | --- | --- | --- |"]
        out += [f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {r.summary} |" for r in other]
        out.append("")
    out += ["## Rule documentation", ""]
    for r in rules:
        kinds = ", ".join(r.kinds) if r.kinds else "all files"
        extra = f"; security severity {r.security_severity}" if r.security_severity is not None else ""
        out += [f"### {r.code}", "", f"**{r.name}** ({r.severity}; reads {kinds}{extra})", "", r.doc, ""]
    return "\n".join(out).rstrip("\n") + "\n"
