"""Stage 7 of the data flow: findings → text, json, sarif, github, junit or html.

Every reporter masks secrets: a finding's message is masked by the engine, and any source text
a reporter shows (code frames, SARIF snippets, HTML excerpts) goes through :func:`excerpt`,
which masks every secret found in that file.
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
}


def render(fmt: str, result: Any, stream: IO[str], **options: Any) -> None:
    """Write ``result`` to ``stream`` in format ``fmt``."""
    module = importlib.import_module(_MODULES[fmt])
    module.render(result, stream, **options)


def excerpt(result: Any, path: str, first: int, last: int) -> list[tuple[int, str]]:
    """Lines ``first``..``last`` of a linted file as ``(number, text)``, secrets masked."""
    source = result.sources.get(path)
    if source is None or not source.text:
        return []
    lines = source.lines
    out = []
    for number in range(max(1, first), min(len(lines), last) + 1):
        out.append((number, mask_secrets(lines[number - 1], source.secrets)))
    return out
