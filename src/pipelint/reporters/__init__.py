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


# The masked lines of the file excerpted last: reporters walk findings file by file, and one
# long line (a minified policy) may be shown for thousands of findings; it is masked once.
_MASKED: tuple[Any, int, dict[int, str]] | None = None


def excerpt(result: Any, path: str, first: int, last: int) -> list[tuple[int, str]]:
    """Lines ``first``..``last`` of a linted file as ``(number, text)``, secrets masked.

    Masking happens on whole lines, before any reporter clips a line to a window, so a clip
    can never cut a secret in two and leave the part past the cut unmasked.
    """
    global _MASKED
    source = result.sources.get(path)
    if source is None or not source.text:
        return []
    cache = _MASKED
    if cache is None or cache[0] is not source or cache[1] != len(source.secrets):
        cache = (source, len(source.secrets), {})
        _MASKED = cache
    masked = cache[2]
    lines = source.lines
    out = []
    for number in range(max(1, first), min(len(lines), last) + 1):
        text = masked.get(number)
        if text is None:
            text = mask_secrets(lines[number - 1], source.secrets) if source.secrets else lines[number - 1]
            masked[number] = text
        out.append((number, text))
    return out
