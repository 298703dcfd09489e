"""What project rules see: every document of the run, and on-demand access to other files.

Cross-file rules start from the documents of the run (``project.documents("pipeline")``) and
follow references to other files in the repository (a CodeBuild project's buildspec path, an
appspec's hook scripts) through :meth:`Project.load_document`, which loads and caches a file as
a given kind, or :meth:`Project.find_file`.
"""

from __future__ import annotations

import os
from typing import Any

from ..load.problems import Limits
from .rule import Document


class Project:
    """All documents of one run, plus the repository root for resolving relative paths."""

    def __init__(self, documents: list[Document], root: str, limits: Limits | None = None, config: Any = None) -> None:
        self._documents = documents
        self.root = os.path.abspath(root)
        self.limits = limits or Limits()
        self.config = config
        self._loaded: dict[tuple[str, str], list[Document]] = {}
        by_path: dict[str, list[Document]] = {}
        for doc in documents:
            by_path.setdefault(os.path.abspath(doc.source.path), []).append(doc)
        self._by_path = by_path

    def documents(self, kind: str | None = None) -> list[Document]:
        """The documents of the run, optionally of one kind."""
        return [d for d in self._documents if kind is None or d.kind == kind]

    def find_file(self, relative: str, base: str | None = None) -> str | None:
        """The absolute path of ``relative`` under ``base`` (default: the project root), if it exists."""
        directory = base or self.root
        candidate = os.path.normpath(os.path.join(directory, relative))
        return candidate if os.path.isfile(candidate) else None

    def load_document(self, path: str, kind: str) -> list[Document]:
        """The documents of ``path`` read as ``kind`` (cached; empty if unreadable or broken)."""
        absolute = os.path.abspath(path)
        existing = [d for d in self._by_path.get(absolute, []) if d.kind == kind]
        if existing:
            return existing
        key = (absolute, kind)
        if key not in self._loaded:
            from ..discover import display_path
            from ..extract import extract
            from ..load import load_file

            try:
                result = load_file(absolute, display_path(absolute), self.limits)
            except OSError:
                self._loaded[key] = []
                return []
            docs, _ = extract(result, kind, self.limits) if not result.fatal else ([], [])
            self._loaded[key] = docs
        return self._loaded[key]
