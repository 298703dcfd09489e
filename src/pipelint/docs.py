"""Rule documentation for each medium, and the rules reference (docs/rules.md).

A rule's docstring is written in a small reStructuredText subset: paragraphs, inline code in
single or double backticks, and literal blocks introduced by a paragraph ending in ``::``
(``Failing::`` followed by an indented example). :func:`doc_blocks` reads that subset once;
:func:`doc_text` renders it for the terminal and plain-text fields (single backticks, ``Failing:``,
examples indented), :func:`doc_markdown` for Markdown (SARIF ``help.markdown``, docs/rules.md:
fenced code blocks) and :func:`doc_html` for the HTML report.
"""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any

_INLINE = re.compile(r"``(.+?)``|`([^`]+)`", re.S)


def doc_blocks(doc: str) -> list[tuple[str, str]]:
    """A docstring as ``("text", paragraph)`` and ``("code", literal block)`` pairs, in order."""
    lines = doc.splitlines()
    blocks: list[tuple[str, str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("text", "\n".join(para)))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip()
        if stripped.endswith("::"):
            head = stripped[:-2].rstrip()
            if head.strip():
                para.append(head + ":")
            flush()
            indent = len(line) - len(line.lstrip())
            i += 1
            code: list[str] = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                code.append(lines[i])
                i += 1
            body = textwrap.dedent("\n".join(code)).strip("\n")
            if body:
                blocks.append(("code", body))
            continue
        if stripped:
            para.append(stripped)
        else:
            flush()
        i += 1
    flush()
    return blocks


def _inline(text: str, code: Any) -> str:
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append((text[last:match.start()], False))
        out.append((match.group(1) or match.group(2), True))
        last = match.end()
    out.append((text[last:], False))
    return "".join(code(part) if is_code else part for part, is_code in out)


_TOML_TABLE = re.compile(r"\[[\w.\-\"]+\]\s*$")


def _language(code: str) -> str:
    first = code.lstrip().split("\n", 1)[0]
    if _TOML_TABLE.match(first):
        return "toml"
    return "json" if first[:1] in "{[" else "yaml"


def doc_text(doc: str) -> str:
    """The documentation for a terminal or a plain-text field: no reStructuredText markup."""
    parts = []
    for kind, body in doc_blocks(doc):
        if kind == "code":
            parts.append(textwrap.indent(body, "    ", lambda line: True))
        else:
            parts.append(_inline(body, lambda code: f"`{code}`"))
    return "\n\n".join(parts)


def summary_text(summary: str) -> str:
    """A rule's one-line summary for a terminal: inline literals as single backticks."""
    return _inline(summary, lambda code: f"`{code}`")


def _markdown_code(code: str) -> str:
    fence = "``" if "`" in code else "`"
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def doc_markdown(doc: str) -> str:
    """The documentation as Markdown: inline code spans and fenced, labelled examples."""
    parts = []
    for kind, body in doc_blocks(doc):
        if kind == "code":
            fence = "~~~~" if "```" in body else "```"
            parts.append(f"{fence}{_language(body)}\n{body}\n{fence}")
        else:
            parts.append(_inline(body, _markdown_code))
    return "\n\n".join(parts)


def doc_html(doc: str) -> str:
    """The documentation as an HTML fragment (everything escaped)."""
    parts = []
    for kind, body in doc_blocks(doc):
        if kind == "code":
            parts.append(f"<pre><code>{html.escape(body)}</code></pre>")
        else:
            pieces, last = [], 0
            for match in _INLINE.finditer(body):
                pieces.append(html.escape(body[last:match.start()]))
                pieces.append(f"<code>{html.escape(match.group(1) or match.group(2))}</code>")
                last = match.end()
            pieces.append(html.escape(body[last:]))
            text = "".join(pieces)
            # a line that starts a list item keeps its break; others flow
            text = re.sub(r"\n(?=[-*] )", "<br>", text).replace("\n", " ")
            parts.append(f"<p>{text}</p>")
    return "".join(parts)

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


def fix_label(found: Any) -> str:
    """What ``--fix`` can do for a rule's findings: ``safe``, ``unsafe``, ``safe/unsafe``, or
    ``""`` (see docs/fixes.md)."""
    return str(getattr(found, "fixable", "") or "")


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
        out += [f"## {title}", "", "| Code | Name | Severity | Fix | Summary |", "| --- | --- | --- | --- | --- |"]
        for r in group:
            summary = r.summary.replace("|", "\\|")
            out.append(f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {fix_label(r)} | {summary} |")
        out.append("")
    other = [r for r in rules if not any(r.code.startswith(p) and not r.code[len(p)].isalpha() for p, _ in _DOMAINS)]
    if other:
        out += ["## Plugins", "", "| Code | Name | Severity | Fix | Summary |", "| --- | --- | --- | --- | --- |"]
        out += [f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {fix_label(r)} | {r.summary} |" for r in other]
        out.append("")
    out += ["## Rule documentation", ""]
    for r in rules:
        kinds = ", ".join(r.kinds) if r.kinds else "all files"
        extra = f"; security severity {r.security_severity}" if r.security_severity is not None else ""
        extra += f"; fix: {r.fixable}" if getattr(r, "fixable", "") else ""
        out += [f"### {r.code}", "", f"**{r.name}** ({r.severity}; reads {kinds}{extra})", "", doc_markdown(r.doc), ""]
    return "\n".join(out).rstrip("\n") + "\n"
