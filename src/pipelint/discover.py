"""Stage 1 of the data flow: command-line paths → the files to lint.

Directories are walked without following symlinked directories (so a symlink loop cannot trap
the walk); ``.git``, ``node_modules``, virtualenvs and caches are skipped, and inside a git
work tree so is everything ``.gitignore`` ignores (asked of ``git`` itself, so every ignore
rule git knows applies). Files named explicitly are always linted.
"""

from __future__ import annotations

import fnmatch
import os

from .extract.classify import CANDIDATE_EXTENSIONS
from .records import FrozenRecord

SKIP_DIRS = {
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", ".aws-sam", ".serverless",
    ".idea", ".vscode", "site-packages", ".eggs",
}


class FileEntry(FrozenRecord):
    """A file to lint: where it is, how to show it, and whether the user named it."""

    __slots__ = ("path", "display", "explicit")

    path: str
    display: str
    explicit: bool

    def __init__(self, path: str, display: str, explicit: bool) -> None:
        self.path = path
        self.display = display
        self.explicit = explicit


class PathError(Exception):
    """A path named on the command line does not exist or cannot be read (exit status 2)."""


def display_path(path: str, cwd: str | None = None) -> str:
    """``path`` relative to the working directory (``cwd``, default: the current one) when it
    lies below it, with ``/`` separators."""
    absolute = os.path.abspath(path)
    cwd = cwd or os.getcwd()
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:
        relative = absolute
    shown = absolute if relative.startswith("..") else relative
    return shown.replace(os.sep, "/")


def _is_venv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _excluded(display: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(display, p) or fnmatch.fnmatch(os.path.basename(display), p) for p in patterns)


def git_top(directory: str) -> str | None:
    """The nearest folder at or above ``directory`` that holds a ``.git`` (folder or file)."""
    current = os.path.abspath(directory)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _maybe_in_work_tree(directory: str) -> bool:
    """Whether ``directory`` may lie in a git work tree: a ``.git`` above it, or git told where
    the repository is. Saves starting git (and importing ``subprocess``) where there is none."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return True
    return git_top(directory) is not None


def _git_ignored(directory: str, candidates: list[str]) -> set[str]:
    """The subset of ``candidates`` (absolute paths) that git ignores; empty outside a work tree."""
    if not candidates or not _maybe_in_work_tree(directory):
        return set()
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "-C", directory, "check-ignore", "-z", "--stdin"],
            input="\0".join(candidates).encode("utf-8", "surrogateescape") + b"\0",
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):
        return set()
    return {p.decode("utf-8", "surrogateescape") for p in proc.stdout.split(b"\0") if p}


def _walk(root: str, exclude: list[str], skipped: list[tuple[str, str]] | None = None) -> list[str]:
    found: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    cwd = os.getcwd()
    while stack:
        directory = stack.pop()
        try:
            info = os.stat(directory)
        except OSError:
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            continue
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIP_DIRS or _is_venv(entry.path) or (exclude and _excluded(display_path(entry.path, cwd), exclude)):
                        if skipped is not None:
                            skipped.append((display_path(entry.path, cwd) + "/", _dir_skip_reason(entry.name, entry.path)))
                        continue
                    subdirs.append(entry.path)
                elif entry.name.lower().endswith(CANDIDATE_EXTENSIONS):
                    if not (exclude and _excluded(display_path(entry.path, cwd), exclude)):
                        found.append(entry.path)
                    elif skipped is not None:
                        skipped.append((display_path(entry.path, cwd), "matches an `exclude` pattern"))
            except OSError:
                continue
        stack.extend(reversed(subdirs))
    return found


def _dir_skip_reason(name: str, path: str) -> str:
    if name in SKIP_DIRS:
        return "a folder pipelint never walks (version control, dependencies, caches)"
    if _is_venv(path):
        return "a virtualenv"
    return "matches an `exclude` pattern"


def discover(paths: list[str], exclude: list[str] | None = None, skipped: list[tuple[str, str]] | None = None) -> list[FileEntry]:
    """The files to lint for the given command-line paths, in a deterministic order.

    ``skipped``, when given, receives ``(display path, reason)`` for each folder or candidate
    file the walk passed over (what ``pipelint check -v`` shows).
    """
    exclude = exclude or []
    cwd = os.getcwd()
    entries: list[FileEntry] = []
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise PathError(f"{path}: no such file or directory")
        if os.path.isdir(path):
            walked = _walk(path, exclude, skipped)
            ignored = _git_ignored(path, [os.path.abspath(p) for p in walked])
            for found in walked:
                absolute = os.path.abspath(found)
                if absolute in ignored and skipped is not None:
                    skipped.append((display_path(found, cwd), "ignored by git (.gitignore)"))
                if absolute in ignored or absolute in seen:
                    continue
                seen.add(absolute)
                entries.append(FileEntry(found, display_path(found, cwd), False))
        else:
            if not os.access(path, os.R_OK) or not os.path.isfile(path):
                raise PathError(f"{path}: cannot be read")
            absolute = os.path.abspath(path)
            if absolute not in seen:
                seen.add(absolute)
                entries.append(FileEntry(path, display_path(path), True))
    return entries
