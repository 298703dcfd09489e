"""The revision bundle on disk: where it is, whether a path exists in it, and file modes.

The bundle root is the folder of the AppSpec (CodeDeploy reads ``appspec.yml`` at the root of
the revision), or ``bundle-root``, relative to that folder: the rule's own option, else the
document context's ``bundle-root`` (where the engine puts the configuration key of that name).
Paths in the AppSpec are relative to the root; a leading ``/`` or ``./`` and Windows
backslashes are allowed. Existence is checked with exact case, as the Linux agent sees it, even
on a case-insensitive file system. File modes come from git's index when the file is inside a
git work tree (that is what a CI checkout gets), else from the working tree.

Nothing outside the linted tree is looked at: a ``bundle-root`` whose real path leaves the
repository (the folder of the config file that applies, else the git work tree, else the
AppSpec's folder) is refused with a notice, and a bundle path that climbs out of the bundle with
``..`` or leads through a symbolic link to a place outside it does not exist in the bundle (the
agent would not find it there either); nothing about the outside file (whether it exists, its
mode) is read.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from typing import Any

from pipelint.config import repository_root
from pipelint.discover import git_argv, git_env, git_top, inside

_APPSPEC_NAMES = ("appspec.yml", "appspec.yaml", "appspec.json")


def bundle_root(doc: Any, config: dict[str, Any] | None) -> tuple[str, bool] | None:
    """``(root folder, explicitly configured)`` of the document's bundle, or ``None``."""
    if doc.parent is not None or not doc.source.path:
        return None
    path = os.path.abspath(doc.source.path)
    if not os.path.isfile(path):
        return None
    folder = os.path.dirname(path)
    override = (config or {}).get("bundle-root") if isinstance(config, dict) else None
    if override is None:
        override = doc.context.get("bundle-root") if isinstance(doc.context, dict) else None
    if isinstance(override, str) and override.strip():
        boundary = repository_root(path)
        folder = os.path.normpath(os.path.join(folder, override))
        if not inside(folder, boundary):
            from pipelint.engine.notices import notify

            notify(f"warning: `bundle-root = {override!r}` resolves outside {boundary}; refused, so AppSpec bundle checks are skipped")
            return None
        return (folder, True) if os.path.isdir(folder) else None
    return folder, False


def bundle_present(root: str) -> bool:
    """Whether the folder holds more than AppSpec files (otherwise the bundle is assembled elsewhere)."""
    for name in _listdir(root):
        if name.startswith("."):
            continue
        if name.lower() in _APPSPEC_NAMES or (name.lower().startswith("appspec") and name.lower().endswith((".yml", ".yaml", ".json"))):
            continue
        return True
    return False


@lru_cache(maxsize=4096)
def _listdir(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()


def parts_of(relative: str) -> list[str]:
    """The components of a bundle-relative path (``/a\\\\b/./c`` → ``["a", "b", "c"]``)."""
    return [part for part in relative.replace("\\", "/").split("/") if part not in ("", ".")]


def _climbs_out(relative: str) -> bool:
    """Whether a bundle path leaves the bundle through ``..``."""
    depth = 0
    for part in parts_of(relative):
        depth += -1 if part == ".." else 1
        if depth < 0:
            return True
    return False


def locate(root: str, relative: str) -> str | None:
    """The absolute path of ``relative`` inside the bundle if it exists with exactly this case
    (``None`` for a path that leaves the bundle, by ``..`` or through a symbolic link)."""
    if _climbs_out(relative):
        return None
    current = root
    for part in parts_of(relative):
        if part == "..":
            current = os.path.dirname(current)
            continue
        if part not in _listdir(current):
            return None
        current = os.path.join(current, part)
        if os.path.islink(current) and not inside(current, root):
            return None
    return current


def case_mismatch(root: str, relative: str) -> str | None:
    """The bundle path that exists under another letter case, if any (``Scripts/x.sh`` for ``scripts/x.sh``)."""
    if _climbs_out(relative):
        return None
    current = root
    shown: list[str] = []
    for part in parts_of(relative):
        if part == "..":
            current = os.path.dirname(current)
            shown.append(part)
            continue
        names = _listdir(current)
        if part in names:
            match = part
        else:
            lowered = [n for n in names if n.lower() == part.lower()]
            if not lowered:
                return None
            match = lowered[0]
        shown.append(match)
        current = os.path.join(current, match)
        if os.path.islink(current) and not inside(current, root):
            return None
    return "/".join(shown)


def files_under(path: str, limit: int = 5000) -> list[str] | None:
    """Bundle-relative paths (``/``-separated) of the files under a directory, or ``None`` past ``limit``."""
    found: list[str] = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d != ".git"]
        rel = os.path.relpath(folder, path)
        for name in files:
            found.append(name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}")
            if len(found) > limit:
                return None
    return found


# --------------------------------------------------------------------------------------------
# Executable bits

_GIT_MODES: dict[str, dict[str, str]] = {}


def _git_modes(top: str) -> dict[str, str]:
    """``path → mode`` for every file in git's index at ``top`` (cached per repository)."""
    if top not in _GIT_MODES:
        import subprocess

        modes: dict[str, str] = {}
        try:
            done = subprocess.run(
                git_argv(top, "ls-files", "-s", "-z"), env=git_env(),
                capture_output=True, timeout=10, check=False,
            )
            if done.returncode == 0:
                for record in done.stdout.split(b"\0"):
                    head, _, name = record.partition(b"\t")
                    fields = head.split()
                    if name and fields:
                        modes[name.decode("utf-8", "surrogateescape")] = fields[0].decode("ascii", "replace")
        except (OSError, subprocess.SubprocessError):
            modes = {}
        _GIT_MODES[top] = modes
    return _GIT_MODES[top]


def executable(path: str) -> tuple[bool, str] | None:
    """``(is executable, where the answer comes from)`` for a file, or ``None`` if unknown."""
    top = git_top(os.path.dirname(path))
    if top is not None:
        modes = _git_modes(top)
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(top)).replace(os.sep, "/")
        mode = modes.get(rel)
        if mode == "100755":
            return True, "git file mode 100755"
        if mode == "100644":
            return False, "git file mode 100644"
        if mode is not None:
            return None  # a symlink or submodule
    if os.name == "nt":
        return None
    try:
        bits = os.stat(path).st_mode
    except OSError:
        return None
    if not stat.S_ISREG(bits):
        return None
    return bool(bits & 0o111), "file mode " + oct(bits & 0o777)[2:]
