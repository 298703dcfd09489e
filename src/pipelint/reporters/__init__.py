"""Stage 7 of the data flow: findings → text, json, sarif, github, junit, html, gitlab,
checkstyle or rdjson.

Every reporter masks secrets: a finding's message is masked by the engine, and any source text
a reporter shows (code frames, SARIF snippets, HTML excerpts) goes through :func:`excerpt`,
which masks every secret found in that file. Every reporter also escapes what came from the
linted files and clips long lines (:mod:`pipelint.reporters.safe`).
"""

from __future__ import annotations

import importlib
from typing import IO, Any

from ..textutil import mask_secrets

_MODULES = {
    "text": "pipelint.reporters.text",
    "json": "pipelint.reporters.json_report",
    "sarif": "pipelint.reporters.sarif",
    "github": "pipelint.reporters.github",
    "junit": "pipelint.reporters.junit",
    "html": "pipelint.reporters.html",
    "gitlab": "pipelint.reporters.gitlab",
    "checkstyle": "pipelint.reporters.checkstyle",
    "rdjson": "pipelint.reporters.rdjson",
}

#: Every output format, in the order ``--help`` lists them.
FORMATS = tuple(_MODULES)


#: The longest message or fix any report shows, in characters: a rule may quote a key or value
#: from the file, and a 100 KB key in every one of many findings must not multiply the output.
MAX_MESSAGE = 2000


def render(fmt: str, result: Any, stream: IO[str], **options: Any) -> None:
    """Write ``result`` to ``stream`` in format ``fmt`` (messages and fixes clipped first)."""
    for finding in result.findings:
        if len(finding.message) > MAX_MESSAGE:
            finding.message = finding.message[: MAX_MESSAGE - 1] + "…"
        if finding.fix and len(finding.fix) > MAX_MESSAGE:
            finding.fix = finding.fix[: MAX_MESSAGE - 1] + "…"
    module = importlib.import_module(_MODULES[fmt])
    module.render(result, stream, **options)


def with_fix(finding: Any) -> str:
    """A finding's message followed by its fix, as one sentence-separated text."""
    if not finding.fix:
        return str(finding.message)
    stop = "" if finding.message.rstrip().endswith((".", "!", "?")) else "."
    return f"{finding.message}{stop} Fix: {finding.fix}"


def excerpt(result: Any, path: str, first: int, last: int) -> list[tuple[int, str]]:
    """Lines ``first``..``last`` of a linted file as ``(number, text)``, secrets masked.

    Masking happens on whole lines, before any reporter clips a line to a window, so a clip
    can never cut a secret in two and leave the part past the cut unmasked. Reporters read
    lines through :class:`SourceLines`, which masks each line once per report.
    """
    source = result.sources.get(path)
    if source is None or not source.lines:
        return []
    lines = source.lines
    secrets = source.secrets
    return [(number, mask_secrets(lines[number - 1], secrets) if secrets else lines[number - 1])
            for number in range(max(1, first), min(len(lines), last) + 1)]


class SourceLines:
    """The masked lines of linted files, each worked out once per report.

    A long line with many findings is masked once, not once per finding; findings come sorted
    by file and line, so a small cache is enough.
    """

    def __init__(self, result: Any) -> None:
        self.result = result
        self._cache: dict[tuple[str, int], str | None] = {}

    def get(self, path: str, number: int) -> str | None:
        """Line ``number`` of the file at ``path`` with its secrets masked (``None`` if unknown)."""
        key = (path, number)
        if key not in self._cache:
            if len(self._cache) >= 64:
                self._cache.clear()
            rows = excerpt(self.result, path, number, number)
            self._cache[key] = rows[0][1] if rows else None
        return self._cache[key]
