"""Shared helpers for rule tests: lint a fixture and compare exact findings."""

from __future__ import annotations

import os
import re
from typing import Any

from pipelint.engine.runner import build_settings, run

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{2,4}[0-9]{3})(?:@(\d+):(\d+))?")


def lint(paths: list[str] | str, select: list[str] | None = None, **options: Any) -> list[Any]:
    """Lint files or folders in isolation from any config file; return the visible findings."""
    if isinstance(paths, str):
        paths = [paths]
    settings = build_settings(paths=paths, select=select, isolated=True, **options)
    return run(paths, settings=settings, jobs=1).findings


def triples(findings: list[Any], prefix: str = "") -> list[tuple[str, int, int]]:
    """``(code, line, column)`` of each finding whose code starts with ``prefix``, sorted."""
    return sorted((f.code, f.line, f.col) for f in findings if f.code.startswith(prefix))


def fixture(*parts: str) -> str:
    """The path of a fixture file."""
    return os.path.join(FIXTURES, *parts)
