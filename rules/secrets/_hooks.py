"""The hook scripts an EC2/on-premises appspec names, read (never run) from the bundle.

A hook's ``location`` is relative to the revision root: the appspec's folder, or the configured
``bundle-root`` relative to it (the same root the appspec rules use). Only files inside the root
are read, at most 1 MB each, and only text files; YAML/JSON files are
skipped because pipelint may lint them itself. Each script becomes a :class:`Source` whose
display path is the appspec's folder joined with the location, so findings point into it.
"""

from __future__ import annotations

import os
import posixpath

from pipelint.api import Document, Mapping, Scalar, Sequence, Source
from pipelint.config import repository_root
from pipelint.discover import inside
from pipelint.records import ValueRecord

MAX_SCRIPT_BYTES = 1_000_000


class HookScript(ValueRecord):
    """A hook script: the appspec node naming it and the loaded file."""

    __slots__ = ("location", "source")

    location: Scalar
    source: Source

    def __init__(self, location: Scalar, source: Source) -> None:
        self.location = location
        self.source = source


def _entries(root: object) -> list[Scalar]:
    if not isinstance(root, Mapping):
        return []
    pair = root.get_ci("hooks")
    hooks = pair[1] if pair else None
    out: list[Scalar] = []
    if not isinstance(hooks, Mapping):
        return out
    for _, scripts in hooks.items():
        items = scripts.items if isinstance(scripts, Sequence) else [scripts]
        for item in items:
            if isinstance(item, Mapping):
                found = item.get_ci("location")
                if found and isinstance(found[1], Scalar) and isinstance(found[1].value, str):
                    out.append(found[1])
    return out


def _root(doc: Document) -> tuple[str, str]:
    """``(folder on disk, folder as displayed)`` of the revision bundle: the appspec's folder, or
    the ``bundle-root`` the configuration gives, relative to it (as the appspec rules read it)."""
    display_dir = posixpath.dirname(doc.source.path.replace(os.sep, "/"))
    base = os.path.dirname(os.path.abspath(doc.source.path))
    override = doc.context.get("bundle-root") if isinstance(doc.context, dict) else None
    if isinstance(override, str) and override.strip():
        base = os.path.normpath(os.path.join(base, override))
        display_dir = posixpath.normpath(posixpath.join(display_dir, override.replace(os.sep, "/"))) if display_dir else override
    return base, display_dir


def _read(doc: Document) -> list[HookScript]:
    scripts: list[HookScript] = []
    if doc.parent is not None:
        return scripts
    entries = _entries(doc.root)
    if not entries:
        return scripts  # no script named: no need to find the repository's root on disk
    base, display_dir = _root(doc)
    if not inside(base, repository_root(doc.source.path)):
        return scripts  # a `bundle-root` leading out of the repository: nothing outside is read
    seen: set[str] = set()
    for node in entries:
        relative = "/".join(p for p in node.value.strip().replace("\\", "/").split("/") if p not in ("", "."))
        if not relative or relative.lower().endswith((".yml", ".yaml", ".json")):
            continue
        full = os.path.normpath(os.path.join(base, relative))
        try:
            # inside(): a symbolic link out of the bundle is not the bundle's (nothing outside the tree is read)
            if os.path.commonpath([base, full]) != base or not inside(full, base) or full in seen or not os.path.isfile(full):
                continue
            if os.path.getsize(full) > MAX_SCRIPT_BYTES:
                continue
            with open(full, "rb") as handle:
                data = handle.read(MAX_SCRIPT_BYTES + 1)
        except (OSError, ValueError):
            continue
        if b"\x00" in data[:8192]:
            continue
        seen.add(full)
        display = posixpath.normpath(posixpath.join(display_dir, relative)) if display_dir else posixpath.normpath(relative)
        scripts.append(HookScript(node, Source(display, data.decode("utf-8", "replace"), "yaml")))
    return scripts


def hook_scripts(doc: Document) -> list[HookScript]:
    """The readable hook scripts of an appspec document (read once per document)."""
    return doc.cached("hook-scripts", lambda: _read(doc))
