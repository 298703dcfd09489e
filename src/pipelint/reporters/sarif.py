"""SARIF 2.1.0 for GitHub code scanning and editors (one run; valid against the OASIS schema).

Results carry ``ruleIndex``, a ``uri`` relative to ``%SRCROOT%`` (the working directory), 1-based
start/end lines and columns, a masked snippet, and ``partialFingerprints`` built from the
finding's fingerprint (rule, file, logical node path and content, never the line number), so an
alert survives unrelated edits above it. A finding with an automatic fix carries it as
``fixes`` (one artifact change of ``replacements``: ``deletedRegion`` and ``insertedContent``),
marked ``properties.applicability`` ``safe`` or ``unsafe``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

from .. import __version__
from . import SourceLines, with_fix
from .safe import clean, clip, window

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
PROJECT_URL = "https://github.com/pipelint/pipelint"
_LEVELS = {"error": "error", "warning": "warning", "note": "note"}


def rule_help_uri(code: str) -> str:
    """The documentation URL of a rule (its anchor in docs/rules.md)."""
    return f"{PROJECT_URL}/blob/main/docs/rules.md#{code.lower()}"


def _rule_descriptor(found: Any) -> dict[str, Any]:
    from ..docs import doc_blocks, doc_markdown, doc_text

    doc = doc_text(found.doc)
    paragraphs = [doc_text(body) for kind, body in doc_blocks(found.doc) if kind == "text"][:2]
    full_text = " ".join(paragraphs).replace("\n", " ")[:1000]
    properties: dict[str, Any] = {"tags": sorted(set(found.tags) | set(found.kinds)) or ["pipelint"], "precision": "high"}
    if found.security_severity is not None:
        properties["security-severity"] = f"{found.security_severity:.1f}"
        if "security" not in properties["tags"]:
            properties["tags"].append("security")
    return {
        "id": found.code,
        "name": found.name,
        "shortDescription": {"text": found.summary[:1000]},
        "fullDescription": {"text": full_text or found.summary},
        "help": {"text": doc, "markdown": f"**{found.code} {found.name}**\n\n{doc_markdown(found.doc)}"},
        "helpUri": rule_help_uri(found.code),
        "defaultConfiguration": {"level": _LEVELS[str(found.severity)]},
        "properties": properties,
    }


def _quote(path: str) -> str:
    """A path as a URI path: a file name's undecodable bytes percent-encoded as those bytes."""
    try:
        return quote(path, errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an undecodable byte
        return quote(clean(path))


def _location(path: str) -> dict[str, Any]:
    if os.path.isabs(path):
        return {"uri": "file://" + _quote(path.replace(os.sep, "/"))}
    return {"uri": _quote(path), "uriBaseId": "%SRCROOT%"}


def _fix(finding: Any) -> dict[str, Any]:
    """A finding's automatic fix as a SARIF ``fix``: one artifact change whose replacements
    delete each edit's region (empty for an insertion) and insert its text."""
    fix = finding.edit
    description = fix.title if fix.safe else f"{fix.title} (unsafe: changes behaviour; review it)"
    replacements = [
        {"deletedRegion": {"startLine": e.line, "startColumn": e.col, "endLine": e.end_line, "endColumn": e.end_col},
         "insertedContent": {"text": e.text}}
        for e in fix.edits
    ]
    return {
        "description": {"text": description},
        "artifactChanges": [{"artifactLocation": _location(finding.path), "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


class _Results(list):  # type: ignore[type-arg]
    """The SARIF ``results``, built one at a time as the JSON writer asks for them: the findings
    are held as they are, so the report's size in memory does not grow with its entries
    (``json`` sees a list whose items are the results' dicts)."""

    def __init__(self, result: Any, index: dict[str, int]) -> None:
        super().__init__(result.findings)
        self.result = result
        self.rule_indexes = index

    def __iter__(self) -> Iterator[dict[str, Any]]:
        seen: Counter[str] = Counter()
        lines = SourceLines(self.result)
        for f in super().__iter__():
            seen[f.fingerprint] += 1
            yield _entry(f, self.rule_indexes[f.code], lines, seen[f.fingerprint])


def _entry(f: Any, rule_index: int, lines: SourceLines, occurrence: int) -> dict[str, Any]:
    """One finding as a SARIF result (``occurrence``: how many findings so far share its fingerprint)."""
    region: dict[str, Any] = {"startLine": f.line, "startColumn": f.col, "endLine": f.end_line, "endColumn": max(1, f.end_col)}
    line = lines.get(f.path, f.line)
    if line is not None:
        start = f.col - 1
        end = f.end_col - 1 if f.end_line == f.line else len(line)
        region["snippet"] = {"text": clip(line, *window(len(line), start, max(end, start + 1)))}
    entry: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _LEVELS[str(f.severity)],
        "message": {"text": with_fix(f)},
        "locations": [{"physicalLocation": {"artifactLocation": _location(f.path), "region": region}}],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{f.fingerprint}:{occurrence}",
            "pipelint/v1": f.fingerprint,
        },
    }
    if f.edit is not None:
        entry["fixes"] = [_fix(f)]
    if f.related:
        entry["relatedLocations"] = [
            {"id": number, "message": {"text": text},
             "physicalLocation": {"artifactLocation": _location(f.path),
                                  "region": {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": max(1, end_col)}}}
            for number, (text, line, col, end_line, end_col) in enumerate(f.related)
        ]
    return entry


def build(result: Any) -> dict[str, Any]:
    """The SARIF log as a dict; its ``results`` are made as they are iterated (see :class:`_Results`)."""
    used = sorted({f.code for f in result.findings})
    rules = [result.registry.by_code[code] for code in used if code in result.registry.by_code]
    index = {found.code: i for i, found in enumerate(rules)}
    results = _Results(result, index)
    cwd = os.getcwd().replace(os.sep, "/").rstrip("/") + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pipelint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + _quote(cwd)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the SARIF log."""
    from .json_report import write_json

    write_json(build(result), stream)
