"""A small on-disk cache of what external tools reported (ShellCheck's findings, for BS901).

Where it lives (the first that applies):

* ``configure(enabled=False)`` (``pipelint check --no-cache``) or the environment variable
  ``PIPELINT_NO_CACHE`` set to anything but ``""``/``0``: no cache at all;
* ``configure(directory=...)`` (``--cache-dir DIR``), else ``PIPELINT_CACHE_DIR``;
* the platform's user cache folder: ``$XDG_CACHE_HOME/pipelint`` (default ``~/.cache/pipelint``)
  on Linux and other Unixes, ``~/Library/Caches/pipelint`` on macOS,
  ``%LOCALAPPDATA%\\pipelint\\Cache`` on Windows.

Layout: ``<folder>/<namespace>-v<FORMAT>/<2 hex>/<62 hex>.json``, one small JSON file per entry,
named by a SHA-256 of everything the entry depends on (:func:`make_key`). What goes in an entry
is the caller's business; callers store only what a tool reported, never the linted text.

Safety:

* every write goes to a temporary file in the same folder, then ``os.replace`` — a reader sees
  the old entry, the whole new one, or none, even with parallel workers and several pipelint
  processes; two writers of one key write the same content;
* an unreadable, truncated or malformed entry is a miss (the caller recomputes and rewrites it);
* a folder that cannot be created or written turns the cache off for the rest of the process,
  silently for the default folder, with one notice for a folder the user named;
* size is bounded: at most once an hour (per cache folder), the first write of a process removes
  the oldest entries until the namespace is under :data:`MAX_BYTES`, and stale temporary files.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

FORMAT = 1  # bump when what an entry means changes: every older entry is then ignored
MAX_BYTES = 32 * 1024 * 1024  # per namespace
PRUNE_EVERY = 3600.0  # seconds between size checks
_STAMP = ".last-prune"
_MAX_ENTRY = 4 * 1024 * 1024  # a larger entry file is not one pipelint wrote
_TOUCH_AFTER = 86400.0  # a hit refreshes an entry's time once a day (pruning removes the oldest)

_explicit: str | None = None  # configure(directory=...)
_enabled = True  # configure(enabled=...)
_broken: set[str] = set()  # folders found unwritable in this process
_pruned: set[str] = set()  # namespace folders checked in this process


def configure(directory: str | None = None, enabled: bool = True) -> None:
    """Set the cache folder (``None``: the environment's or the platform's) or turn the cache off."""
    global _explicit, _enabled
    _explicit = os.path.abspath(os.path.expanduser(directory)) if directory else None
    _enabled = enabled


def settings() -> tuple[str | None, bool]:
    """``(explicit folder, enabled)`` as configured, to hand to worker processes."""
    return _explicit, _enabled


def default_dir() -> str:
    """The platform's user cache folder for pipelint."""
    home = os.path.expanduser("~")
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(local, "pipelint", "Cache")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "pipelint")
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(home, ".cache")  # the XDG spec: a relative value is ignored
    return os.path.join(base, "pipelint")


def cache_dir() -> tuple[str | None, bool]:
    """``(folder, named by the user)``; folder None when the cache is off."""
    if not _enabled or os.environ.get("PIPELINT_NO_CACHE", "") not in ("", "0"):
        return None, False
    if _explicit:
        return _explicit, True
    named = os.environ.get("PIPELINT_CACHE_DIR")
    if named:
        return os.path.abspath(os.path.expanduser(named)), True
    return default_dir(), False


def make_key(*parts: str) -> str:
    """A SHA-256 hex digest of ``parts`` (length-prefixed, so no two tuples collide by joining);
    from CPython's built-in module, not ``hashlib`` (which loads OpenSSL: ~3 ms of a cold run)."""
    from .textutil import sha256

    digest = sha256(f"pipelint-cache-v{FORMAT}".encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _entry_path(folder: str, namespace: str, key: str) -> str:
    return os.path.join(folder, f"{namespace}-v{FORMAT}", key[:2], key[2:] + ".json")


def load(namespace: str, key: str) -> Any:
    """The value stored under ``key``, or None (no cache, no entry, or an unreadable entry)."""
    folder, _ = cache_dir()
    if folder is None or folder in _broken:
        return None
    import json

    path = _entry_path(folder, namespace, key)
    try:
        with open(path, "rb") as stream:
            data = stream.read(_MAX_ENTRY + 1)
            age = time.time() - os.fstat(stream.fileno()).st_mtime
        if len(data) > _MAX_ENTRY:
            return None
        entry = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    if age > _TOUCH_AFTER:  # used again: prune it after the entries nobody reads
        try:
            os.utime(path)
        except OSError:
            pass
    return entry.get("value")


def store(namespace: str, key: str, value: Any) -> None:
    """Store ``value`` (JSON) under ``key``; any failure turns the cache off for this process."""
    folder, named = cache_dir()
    if folder is None or folder in _broken:
        return
    import json

    path = _entry_path(folder, namespace, key)
    temp = None
    try:
        shard = os.path.dirname(path)
        if not os.path.isdir(shard):
            _create(folder, shard)
        import tempfile

        fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=shard)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump({"key": key, "value": value}, stream, separators=(",", ":"))
        try:
            os.replace(temp, path)
        except OSError:
            if not os.path.isfile(path):
                raise
            return  # Windows: another process has the entry open; it holds the same content
        temp = None
        _maybe_prune(os.path.dirname(shard))
    except OSError as error:
        _broken.add(folder)
        if named:
            from .engine.notices import notify

            notify(f"the cache folder {folder} cannot be written ({error.strerror or error}); running without the cache")
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


def _create(folder: str, shard: str) -> None:
    """Create the shard's folder; a new cache folder gets a ``CACHEDIR.TAG`` (backup tools skip it)."""
    new = not os.path.isdir(folder)
    os.makedirs(shard, exist_ok=True)
    if new:
        tag = os.path.join(folder, "CACHEDIR.TAG")
        with open(tag, "w", encoding="ascii") as stream:
            stream.write("Signature: 8a477f597d28d172789f06886806bc55\n# This folder is pipelint's cache.\n")


def _maybe_prune(space: str) -> None:
    """At most once an hour: remove the namespace's oldest entries beyond :data:`MAX_BYTES`."""
    if space in _pruned:
        return
    _pruned.add(space)
    stamp = os.path.join(space, _STAMP)
    try:
        if time.time() - os.stat(stamp).st_mtime < PRUNE_EVERY:
            return
    except OSError:
        pass
    try:
        with open(stamp, "w", encoding="ascii"):
            pass
        prune(space, MAX_BYTES)
    except OSError:  # another process pruning at the same time: its result is as good
        pass


def prune(space: str, limit: int) -> int:
    """Remove the oldest entries of a namespace folder until the rest fit in ``limit`` bytes,
    and temporary files older than an hour; return how many files were removed."""
    entries: list[tuple[float, int, str]] = []
    removed = 0
    now = time.time()
    for shard in os.scandir(space):
        if not shard.is_dir(follow_symlinks=False):
            continue
        for item in os.scandir(shard.path):
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if item.name.endswith(".tmp"):
                if now - info.st_mtime > PRUNE_EVERY:
                    removed += _unlink(item.path)
                continue
            entries.append((info.st_mtime, info.st_size, item.path))
    total = sum(size for _, size, _ in entries)
    entries.sort()
    for _, size, path in entries:
        if total <= limit:
            break
        removed += _unlink(path)
        total -= size
    return removed


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
    except OSError:
        return 0
    return 1
