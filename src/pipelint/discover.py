"""Stage 1 of the data flow: command-line paths → the files to lint.

Directories are walked without following symlinked directories (so a symlink loop cannot trap
the walk); ``.git``, ``node_modules``, virtualenvs and caches are skipped, and inside a git
work tree so is everything ``.gitignore`` ignores (asked of ``git`` itself, so every ignore
rule git knows applies, with the scanned repository's ``core.fsmonitor``, hooks, pager and
external diff switched off: see :func:`git_argv`).

Nothing outside the linted tree is read: symbolic links to files are not followed (neither
found by walking nor named on the command line) unless ``follow_symlinks`` is set, and even
then only when the link's real path lies inside the linted path, and a file reached both by
its own name and through links is linted once, by its own name. Only regular files are
linted: a FIFO, socket or device named ``appspec.yml`` would block or never end. Folders that
cannot be read are reported. Each skip is given to ``on_skip(path, reason)``.

Files named explicitly are linted unless ``force_exclude`` is set and ``exclude`` matches them
(ruff's ``--force-exclude``, for pre-commit, which always names files).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable

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


class BufferEntry(FileEntry):
    """A file whose content is given rather than read from disk: an editor's unsaved text (the
    language server, :mod:`pipelint.lsp`). ``path`` still names the file, so its kind, settings and
    project root are those of the file on disk; ``data`` is its text encoded as UTF-8."""

    __slots__ = ("data",)

    data: bytes

    def __init__(self, path: str, display: str, explicit: bool, data: bytes) -> None:
        super().__init__(path, display, explicit)
        self.data = data


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


def _excluded(display: str, patterns: list[str], root: str | None = None, path: str | None = None) -> bool:
    """Whether a path matches an ``exclude`` glob: as shown, by its base name, or relative to the
    config file's folder ``root`` (where the patterns were written)."""
    shown = [display, os.path.basename(display)]
    if root is not None and path is not None:
        try:
            relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        except ValueError:
            relative = ""
        if relative and not relative.startswith(".."):
            shown.append(relative)
    return any(fnmatch.fnmatch(name, p) for name in shown for p in patterns)


def inside(path: str, root: str) -> bool:
    """Whether the real path of ``path`` is ``root``'s real path or lies below it."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def git_argv(directory: str, *args: str) -> list[str]:
    """A ``git`` command line that runs nothing the scanned repository configures.

    A repository's ``.git/config`` can name programs git runs: ``core.fsmonitor`` (run by
    ``check-ignore`` and ``ls-files`` to list changed files), hooks, a pager, an external diff.
    Command-line ``-c`` settings override every config file (includes too).
    """
    return [
        "git", "--no-pager", "-c", "core.fsmonitor=", "-c", f"core.hooksPath={os.devnull}", "-c", "diff.external=",
        "-c", "core.pager=cat", "-c", "core.untrackedCache=false", "-C", directory, *args,
    ]


def git_env() -> dict[str, str]:
    """The environment for :func:`git_argv`: no optional locks, no prompts, no pager."""
    env = dict(os.environ)
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", PAGER="cat")
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


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
            git_argv(directory, "check-ignore", "-z", "--stdin"),
            env=git_env(),
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


SkipHandler = Callable[[str, str], None]

# Reasons for passing over a path that are the walk's ordinary business: shown with ``-v`` only.
NEVER_WALKED = "a folder pipelint never walks (version control, dependencies, caches)"
VIRTUALENV = "a virtualenv"
EXCLUDED = "matches an `exclude` pattern"
GIT_IGNORED = "ignored by git (.gitignore)"
PASSED_OVER = (NEVER_WALKED, VIRTUALENV, EXCLUDED, GIT_IGNORED)


def passed_over(reason: str) -> bool:
    """Whether ``reason`` is an ordinary skip (by default, ``exclude`` or git), not a warning."""
    return reason.startswith(PASSED_OVER)


def _dir_skip_reason(name: str, path: str) -> str:
    if name in SKIP_DIRS:
        return NEVER_WALKED
    if _is_venv(path):
        return VIRTUALENV
    return EXCLUDED


def _walk(root: str, exclude: list[str], on_skip: SkipHandler, follow_symlinks: bool = False, exclude_root: str | None = None) -> list[str]:
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
        except OSError as error:
            on_skip(directory, f"folder cannot be read ({error.strerror or error}); its files were not linted")
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIP_DIRS or _is_venv(entry.path) or (exclude and _excluded(display_path(entry.path, cwd), exclude, exclude_root, entry.path)):
                        on_skip(entry.path + os.sep, _dir_skip_reason(entry.name, entry.path))
                        continue
                    subdirs.append(entry.path)
                elif entry.name.lower().endswith(CANDIDATE_EXTENSIONS):
                    if exclude and _excluded(display_path(entry.path, cwd), exclude, exclude_root, entry.path):
                        on_skip(entry.path, EXCLUDED)
                        continue
                    if _acceptable(entry.path, root, on_skip, follow_symlinks, entry):
                        found.append(entry.path)
            except OSError:
                continue
        stack.extend(reversed(subdirs))
    return found


def _acceptable(path: str, root: str, on_skip: SkipHandler, follow_symlinks: bool, entry: os.DirEntry[str] | None = None) -> bool:
    """Whether a candidate file may be read: a regular file, and not a symbolic link unless
    links are followed and this one stays inside ``root``."""
    if entry is not None:
        link = entry.is_symlink()
    else:
        link = os.path.islink(path)
    if link:
        if not follow_symlinks:
            on_skip(path, "symbolic link, not followed (pass --follow-symlinks to lint links that stay inside the linted folder)")
            return False
        if not inside(path, root):
            on_skip(path, "symbolic link to a path outside the linted folder; refused")
            return False
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        on_skip(path, f"cannot be read ({error.strerror or error})")
        return False
    if not stat.S_ISREG(mode):
        on_skip(path, "not a regular file (a FIFO, socket or device); not read")
        return False
    return True


def _ignore(path: str, reason: str) -> None:
    """The default skip handler: say nothing."""


def discover(
    paths: list[str],
    exclude: list[str] | None = None,
    *,
    force_exclude: bool = False,
    follow_symlinks: bool = False,
    exclude_root: str | None = None,
    on_skip: SkipHandler | None = None,
) -> list[FileEntry]:
    """The files to lint for the given command-line paths, in a deterministic order.

    ``exclude_root``: the folder the ``exclude`` globs are relative to (the config file's).
    """
    exclude = exclude or []
    skip = on_skip or _ignore
    cwd = os.getcwd()
    entries: list[FileEntry] = []
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise PathError(f"{path}: no such file or directory")
        if os.path.isdir(path):  # a folder named by the user is walked even through a link: their choice
            walked = _walk(path, exclude, skip, follow_symlinks, exclude_root)
            ignored = _git_ignored(path, [os.path.abspath(p) for p in walked])
            for found in walked:
                absolute = os.path.abspath(found)
                if absolute in ignored:
                    skip(found, GIT_IGNORED)
                    continue
                if absolute in seen:
                    continue
                seen.add(absolute)
                entries.append(FileEntry(found, display_path(found, cwd), False))
        else:
            if force_exclude and exclude and _excluded(display_path(path, cwd), exclude, exclude_root, path):
                skip(path, EXCLUDED + " (--force-exclude)")
                continue
            if os.path.islink(path):
                if not follow_symlinks:
                    skip(path, "symbolic link, not followed (pass --follow-symlinks to lint it)")
                    continue
            elif os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
                raise PathError(f"{path}: not a regular file (a FIFO, socket or device); pipelint reads regular files only")
            if not os.access(path, os.R_OK) or not os.path.isfile(path):
                raise PathError(f"{path}: cannot be read")
            absolute = os.path.abspath(path)
            if absolute not in seen:
                seen.add(absolute)
                entries.append(FileEntry(path, display_path(path), True))
    return each_file_once(entries) if follow_symlinks else entries


def each_file_once(entries: list[FileEntry]) -> list[FileEntry]:
    """``entries`` with every file once: a followed link to a file that is also linted under a
    name that is not a link (or through an earlier link) is dropped, so its findings are not
    reported twice under two names; the name that is not a link is kept."""
    plain = {os.path.realpath(e.path) for e in entries if not os.path.islink(e.path)}
    kept: list[FileEntry] = []
    linked: set[str] = set()
    for entry in entries:
        if os.path.islink(entry.path):
            real = os.path.realpath(entry.path)
            if real in plain or real in linked:
                continue
            linked.add(real)
        kept.append(entry)
    return kept

