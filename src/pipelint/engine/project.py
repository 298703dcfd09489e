"""What project rules see: the pipeline-bearing documents they check, and other files on demand.

Cross-file rules start from the documents they are given (``project.documents("pipeline")``):
those of every template and pipeline file of the run, or, for a rule that declares which
documents it shares (``rule(shared=...)``), those of one file, or the shared ones. They follow
references to other files in the repository (a CodeBuild project's buildspec path, an appspec's
hook scripts) through :meth:`Project.load_document`, which loads and caches a file as a given
kind, or :meth:`Project.find_file`.
"""

from __future__ import annotations

import os
from typing import Any

from ..load.problems import Limits
from .rule import Document


class Project:
    """The documents a project rule checks, plus the repository root for resolving relative paths."""

    def __init__(self, documents: list[Document], root: str, limits: Limits | None = None, config: Any = None) -> None:
        self._documents = documents
        self.root = os.path.abspath(root)
        self.limits = limits or Limits()
        self.config = config
        self._loaded: dict[tuple[str, str], list[Document]] = {}

    def documents(self, kind: str | None = None) -> list[Document]:
        """The documents given to the project rules, optionally of one kind."""
        return [d for d in self._documents if kind is None or d.kind == kind]

    def loaded_documents(self) -> list[Document]:
        """The documents :meth:`load_document` has read so far (their secrets are masked too)."""
        return [doc for docs in self._loaded.values() for doc in docs]

    def find_file(self, relative: str, base: str | None = None) -> str | None:
        """The absolute path of ``relative`` under ``base`` (default: the project root), if it exists."""
        directory = base or self.root
        candidate = os.path.normpath(os.path.join(directory, relative))
        return candidate if os.path.isfile(candidate) else None

    def load_document(self, path: str, kind: str) -> list[Document]:
        """The documents of ``path`` read as ``kind`` (cached; empty if unreadable or broken).

        The file is always read from disk, never taken from the documents of the run: which
        documents a process holds depends on how the run was split between processes, and
        what a rule finds must not.
        """
        absolute = os.path.abspath(path)
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
