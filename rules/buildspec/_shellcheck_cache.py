"""ShellCheck's findings for a script, kept in pipelint's cache (:mod:`pipelint.cache`) for BS901.

Key: a SHA-256 of the script exactly as piped to ShellCheck, the ``--shell`` dialect, the
excluded codes, the rest of the command line, ShellCheck's version and this module's
:data:`FORMAT`. A different script, dialect, option set or ShellCheck version is another key, so
a stale entry is never read; old entries age out (see :mod:`pipelint.cache`).

What is stored: per ShellCheck comment, its code, level, start and end line and column (numbers
in the script), and its message with **every word that also occurs in the script replaced by a
reference** ``[offset, length]`` into the script. ShellCheck's messages quote the script
(variable names, words, commands: ``TOKEN appears unused``), and a quoted word could be a secret;
after this, an entry holds only ShellCheck's own wording, punctuation and numbers. The script is
not stored anywhere, but it is at hand on a hit (it is what was hashed), so the references are
filled back in and the message is exactly ShellCheck's. A "word" is a run of characters other
than white space and ASCII punctuation, so a secret's letters and digits are always references.

ShellCheck's version comes from ``shellcheck --version``, run once per executable: the answer
is cached under the executable's real path, size and modification time, so a warm run starts
no ShellCheck process at all, and an upgraded executable (new size or time) is asked again.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pipelint import cache
from pipelint.textutil import lazy_regex

FORMAT = "1"
NAMESPACE = "shellcheck"
MAX_SCRIPT = 256 * 1024  # larger scripts are not cached (encoding a message searches the script)

_WORD = lazy_regex(r"[^\s!-/:-@\[-`{-~]+")  # no white space, no ASCII punctuation
_VERSION = lazy_regex(r"^version:\s*(\S{1,40})\s*$", re.MULTILINE)
_FIELDS = ("line", "column", "endLine", "endColumn")
_LEVELS = frozenset({"error", "warning", "info", "style"})

_versions: dict[str, str | None] = {}  # executable identity → version, per process


def _identity(binary: str) -> str | None:
    try:
        real = os.path.realpath(binary)
        info = os.stat(real)
    except OSError:
        return None
    return f"{real}\0{info.st_size}\0{info.st_mtime_ns}"


def shellcheck_version(binary: str, timeout: float) -> str | None:
    """ShellCheck's version string (``0.10.0``), or None if it cannot be told (then no caching)."""
    identity = _identity(binary)
    if identity is None:
        return None
    if identity in _versions:
        return _versions[identity]
    key = cache.make_key("shellcheck-version", identity)
    known = cache.load(NAMESPACE, key)
    version = known if isinstance(known, str) and known else _ask_version(binary, timeout)
    if version is not None and known != version:
        cache.store(NAMESPACE, key, version)
    _versions[identity] = version
    return version


def _ask_version(binary: str, timeout: float) -> str | None:
    import subprocess

    try:
        done = subprocess.run([binary, "--version"], capture_output=True, timeout=min(timeout, 10.0), check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    match = _VERSION.search(done.stdout[:4096].decode("utf-8", "replace"))
    return match.group(1) if match else None


def results_key(binary: str, argv: list[str], script: str, timeout: float) -> str | None:
    """The cache key of ShellCheck's findings for ``script`` run with ``argv`` (without the
    executable), or None when they are not to be cached (cache off, version unknown, huge script)."""
    if len(script) > MAX_SCRIPT or cache.cache_dir()[0] is None:
        return None
    version = shellcheck_version(binary, timeout)
    if version is None:
        return None
    return cache.make_key("shellcheck-results", FORMAT, version, "\0".join(argv), script)


def encode_message(message: str, script: str, found: dict[str, int]) -> list[Any]:
    """``message`` as a list of literal strings and ``[offset, length]`` references into ``script``;
    every word of the message that occurs in the script is a reference. ``found`` memoizes
    ``script.find`` per word."""
    parts: list[Any] = []
    position = 0
    for match in _WORD.finditer(message):
        word = match.group()
        offset = found.get(word)
        if offset is None:
            offset = found[word] = script.find(word)
        if offset < 0:
            continue
        if match.start() > position:
            parts.append(message[position:match.start()])
        parts.append([offset, len(word)])
        position = match.end()
    if position < len(message):
        parts.append(message[position:])
    return parts


def decode_message(parts: Any, script: str) -> str | None:
    """The message :func:`encode_message` encoded, or None if ``parts`` is malformed."""
    if not isinstance(parts, list):
        return None
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif (isinstance(part, list) and len(part) == 2 and all(type(n) is int for n in part)
              and 0 <= part[0] and 0 < part[1] and part[0] + part[1] <= len(script)):
            out.append(script[part[0]:part[0] + part[1]])
        else:
            return None
    return "".join(out)


def store_comments(key: str, comments: list[dict], script: str) -> None:
    """Cache what ShellCheck reported for ``script`` (see the module's docs for what is kept)."""
    found: dict[str, int] = {}
    kept: list[list[Any]] = []
    for comment in comments:
        try:
            code = int(comment["code"])
            numbers = [int(comment[field]) for field in _FIELDS]
        except (KeyError, TypeError, ValueError):
            return  # not ShellCheck's usual output: do not cache what we would not reproduce
        level = comment.get("level")
        if level not in _LEVELS:
            return
        kept.append([code, level, *numbers, encode_message(str(comment.get("message", "")), script, found)])
    cache.store(NAMESPACE, key, kept)


def load_comments(key: str, script: str) -> list[dict] | None:
    """ShellCheck's comments for ``script`` from the cache, or None on a miss or a bad entry."""
    kept = cache.load(NAMESPACE, key)
    if not isinstance(kept, list):
        return None
    comments: list[dict] = []
    last_line = script.count("\n") + 2  # ShellCheck may end a comment at the start of the line after the last
    for item in kept:
        if not (isinstance(item, list) and len(item) == 7 and type(item[0]) is int and item[1] in _LEVELS
                and all(type(n) is int for n in item[2:6])):
            return None
        line, column, end_line, end_column = item[2:6]
        if not (1 <= line <= end_line <= last_line and column >= 1 and end_column >= 1):
            return None  # not a place in this script: an entry someone edited
        message = decode_message(item[6], script)
        if message is None:
            return None
        comment: dict[str, Any] = {"code": item[0], "level": item[1], "message": message}
        comment.update(zip(_FIELDS, item[2:6]))
        comments.append(comment)
    return comments
