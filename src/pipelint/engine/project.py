"""What project rules see: the pipeline-bearing documents they check, and other files on demand.

Cross-file rules start from the documents they are given (``project.documents("pipeline")``):
those of every template and pipeline file of the run, or, for a rule that declares which
documents it shares (``rule(shared=...)``), those of one file, or the shared ones. They follow
references to other files in the repository (a CodeBuild project's buildspec path, an appspec's
hook scripts) through :meth:`Project.load_document`, which loads and caches a file as a given
kind, or :meth:`Project.find_file`.

Both stay inside the project root: a reference whose real path leaves it (``../other-repo/…``,
an absolute path, a symbolic link pointing out) is refused, read never, and named once in a
notice; a symbolic link inside the root is followed only with ``--follow-symlinks``; anything but
a regular file (a FIFO would block the run) is never opened.
"""

from __future__ import annotations

import os
import stat
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
        """The absolute path of ``relative`` under ``base`` (default: the project root), if it
        exists as a regular file inside the project root (see the module docstring)."""
        directory = base or self.root
        candidate = os.path.normpath(os.path.join(directory, relative))
        if not self.allowed(candidate):
            return None
        return candidate if os.path.isfile(candidate) else None

    def allowed(self, path: str) -> bool:
        """Whether a file may be read: inside the project root by its real path, and neither a
        symbolic link (unless links are followed) nor a FIFO, socket or device. A refused path
        is named once in a notice."""
        from ..discover import inside

        absolute = os.path.abspath(path)
        if not inside(absolute, self.root):
            self._refuse(absolute, "it resolves outside the project root")
            return False
        if os.path.islink(absolute) and not getattr(self.config, "follow_symlinks", False):
            self._refuse(absolute, "it is a symbolic link (pass --follow-symlinks to follow links inside the project)")
            return False
        try:
            mode = os.stat(absolute).st_mode
        except OSError:
            return True  # missing: the caller reports that
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            self._refuse(absolute, "it is not a regular file")
            return False
        return True

    def _refuse(self, path: str, why: str) -> None:
        from ..discover import display_path
        from .notices import notify

        notify(f"warning: not reading {display_path(path)}, referenced from a linted file: {why} ({self.root})")

    def load_document(self, path: str, kind: str) -> list[Document]:
        """The documents of ``path`` read as ``kind`` (cached; empty if unreadable or broken).

        The file is always read from disk, never taken from the documents of the run: which
        documents a process holds depends on how the run was split between processes, and
        what a rule finds must not.
        """
        absolute = os.path.abspath(path)
        key = (absolute, kind)
        if key not in self._loaded and not (os.path.isfile(absolute) and self.allowed(absolute)):
            self._loaded[key] = []
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
