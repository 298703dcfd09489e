"""Small text helpers shared by rules and reporters: suggestions and secret redaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest choice to ``word`` (case-insensitive), or ``None`` if nothing is close."""
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    import difflib  # only when a name is misspelt

    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean `x`?"`` or the empty string."""
    best = did_you_mean(word, choices)
    return f"; did you mean `{best}`?" if best else ""


def redact(secret: str) -> str:
    """The masked form of a secret: its first 4 characters, ``…``, and its length.

    Short values show fewer characters so that at most a quarter of a secret is ever shown.
    """
    shown = min(4, len(secret) // 4)
    return f"{secret[:shown]}…({len(secret)} chars)"


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object, from CPython's built-in module when there is one.

    ``hashlib`` loads OpenSSL on import (about 4 ms, a twentieth of a cold run); the built-in
    ``_sha256`` (``_sha2`` from Python 3.12) computes the same digest and imports for free.
    """
    global _SHA256
    if _SHA256 is None:
        try:
            from _sha2 import sha256 as built_in  # type: ignore[import-not-found]  # Python 3.12+
        except ImportError:
            try:
                from _sha256 import sha256 as built_in  # type: ignore[import-not-found,no-redef]  # 3.11
            except ImportError:  # another interpreter
                from hashlib import sha256 as built_in  # type: ignore[no-redef]
        _SHA256 = built_in
    return _SHA256(data)


_SHA256: Any = None


def secret_hash(secret: str) -> str:
    """The SHA-256 of a secret, for baselines (the raw value is never stored)."""
    return str(sha256(secret.encode("utf-8", "surrogatepass")).hexdigest())


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by its masked form."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, redact(secret))
    return text


class LazyRegex:
    """A compiled regular expression that compiles itself on first use.

    Rule modules hold many patterns; compiling them all at import costs more than linting a
    small file, and a run often needs only a few (cheap substring checks guard the rest).
    Supports the methods rules use: ``search``, ``match``, ``fullmatch``, ``finditer``,
    ``findall``, ``sub``, ``subn`` and ``split``, plus ``pattern`` and ``flags``.
    """

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The real pattern (compiled now if it was not yet)."""
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


def lazy_regex(source: str, flags: int = 0) -> LazyRegex:
    """A :class:`LazyRegex` for ``source``: use like ``re.compile`` at module level."""
    return LazyRegex(source, flags)
