"""Small text helpers shared by rules and reporters: suggestions and secret redaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any


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

    # The methods rules call in loops, defined here: a fallback through `__getattr__` costs
    # about a microsecond per call, which a file with 100,000 values pays several times over.
    def search(self, *args: Any) -> re.Match[str] | None:
        """``re.Pattern.search``."""
        return (self._compiled or self.compiled).search(*args)

    def match(self, *args: Any) -> re.Match[str] | None:
        """``re.Pattern.match``."""
        return (self._compiled or self.compiled).match(*args)

    def fullmatch(self, *args: Any) -> re.Match[str] | None:
        """``re.Pattern.fullmatch``."""
        return (self._compiled or self.compiled).fullmatch(*args)

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        """``re.Pattern.finditer``."""
        return (self._compiled or self.compiled).finditer(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


def lazy_regex(source: str, flags: int = 0) -> LazyRegex:
    """A :class:`LazyRegex` for ``source``: use like ``re.compile`` at module level."""
    return LazyRegex(source, flags)


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
    """The SHA-256 of a secret. Not for anything written to disk: an unsalted hash of a short
    secret is reversed by a dictionary attack. Baselines use :data:`SECRET_ANCHOR` instead."""
    return str(sha256(secret.encode("utf-8", "surrogatepass")).hexdigest())


# What a secret finding's fingerprint is made of in place of the secret: nothing derived from
# the value, so a baseline (committed, shared, read by anyone) holds no trace of it. The
# finding's code, file and node path still tell findings apart.
SECRET_ANCHOR = "<secret>"


def scrub_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, and the redacted form that masking leaves, reduced to ``…``.

    For fingerprint material (anchors): unlike :func:`mask_secrets` it keeps no prefix or
    length, so nothing written to a baseline depends on a secret's value.
    """
    return strip_redactions(mask_secrets(text, secrets)) if secrets else text


_REDACTION = None  # compiled on first use: a redacted value as `redact` writes it


def strip_redactions(text: str) -> str:
    """``text`` with each redacted value (``abcd…(40 chars)``) reduced to ``…``: for baselines,
    which must not record a secret's first characters or its length."""
    global _REDACTION
    if "…(" not in text:
        return text
    if _REDACTION is None:
        _REDACTION = re.compile(r"\S{0,4}…\(\d{1,9} chars\)")
    return str(_REDACTION.sub("…", text))


# Below this many secrets, masking replaces each secret in turn (C speed); above it, the text's
# 5-character pieces are compared with the set of the secrets' first 5 characters, so that a file
# with 100,000 secrets is masked in time linear in the text, not in text × secrets. Five, because
# a redacted value shows at most four: a message that only quotes secrets in their redacted form
# (every SEC message) shares no piece with the index and is returned at once.
_FEW_SECRETS = 48
_PREFIX = 5
# Where a piece matches, the secrets starting there are looked up whole, by length: secrets
# shorter than _KEY by each of their (at most _KEY - _PREFIX) lengths, longer ones through their
# first _KEY characters, which name the few lengths worth trying. Thousands of secrets sharing
# their first five characters (`Zx9abcdefgh00000001Q`, `…02Q`…) then cost one or two hash
# look-ups per occurrence, not one comparison per secret.
_KEY = 16
_CACHED_TEXTS = 4096


def _grams(text: str, size: int) -> set[str]:
    """Every ``size``-character piece of ``text`` (built in C: zip over shifted copies)."""
    return set(map("".join, zip(*(text[i:] for i in range(size)))))


class _Masker:
    """Masks many secrets in one pass over the text.

    The text's 5-character pieces are compared with the secrets' first 5 characters; at each
    position that matches, the longest secret starting there is found by a few exact look-ups
    (see :data:`_KEY`), so the cost per position does not grow with the number of secrets. The
    occurrences found are merged where they overlap (a secret that starts inside another is
    masked with it), and each merged span is replaced by its redacted form. Results are cached:
    many findings share a fix or an anchor.
    """

    __slots__ = ("short", "four", "prefixes", "medium", "medium_lengths", "long", "long_lengths", "cache")

    def __init__(self, secrets: Iterable[str]) -> None:
        self.short: list[str] = []  # under four characters (rare): searched one by one
        self.four: set[str] = set()  # exactly four: found among the text's 4-character pieces
        self.medium: set[str] = set()  # _PREFIX to _KEY - 1 characters: looked up by length
        self.long: set[str] = set()  # _KEY characters or more: looked up by the lengths under their key
        long_lengths: dict[str, set[int]] = {}
        prefixes: set[str] = set()
        self.cache: dict[str, str] = {}
        for secret in {s for s in secrets if s}:
            size = len(secret)
            if size < _PREFIX - 1:
                self.short.append(secret)
            elif size == _PREFIX - 1:
                self.four.add(secret)
            else:
                prefixes.add(secret[:_PREFIX])
                if size < _KEY:
                    self.medium.add(secret)
                else:
                    self.long.add(secret)
                    long_lengths.setdefault(secret[:_KEY], set()).add(size)
        self.short.sort(key=len, reverse=True)
        self.prefixes = frozenset(prefixes)  # a set: `isdisjoint` then walks the smaller side
        self.medium_lengths = sorted({len(s) for s in self.medium}, reverse=True)  # at most _KEY - _PREFIX
        self.long_lengths = {key: sorted(sizes, reverse=True) for key, sizes in long_lengths.items()}

    def longest_at(self, text: str, position: int) -> int:
        """The length of the longest secret (of at least :data:`_PREFIX` characters) that
        starts at ``position`` in ``text``, or 0."""
        lengths = self.long_lengths.get(text[position:position + _KEY])
        if lengths is not None:
            for size in lengths:  # longest first
                if text[position:position + size] in self.long:
                    return size
        for size in self.medium_lengths:
            if text[position:position + size] in self.medium:
                return size
        return 0

    def apply(self, text: str) -> str:
        """``text`` with every secret masked."""
        done = self.cache.get(text)
        if done is not None:
            return done
        spans: list[tuple[int, int]] = []
        prefixes = self.prefixes
        if len(text) >= _PREFIX and not _grams(text, _PREFIX).isdisjoint(prefixes):
            for position in range(len(text) - _PREFIX + 1):
                if text[position:position + _PREFIX] in prefixes:
                    size = self.longest_at(text, position)
                    if size:
                        spans.append((position, position + size))
        if self.four and len(text) >= _PREFIX - 1:
            for secret in _grams(text, _PREFIX - 1) & self.four:
                spans.extend(_occurrences(text, secret))
        for secret in self.short:
            if secret in text:
                spans.extend(_occurrences(text, secret))
        done = _redact_spans(text, spans)
        if len(self.cache) < _CACHED_TEXTS and len(text) < 4096:
            self.cache[text] = done
        return done


def _occurrences(text: str, secret: str) -> list[tuple[int, int]]:
    """The spans of every occurrence of ``secret`` in ``text`` (overlapping ones too)."""
    spans = []
    found = text.find(secret)
    while found >= 0:
        spans.append((found, found + len(secret)))
        found = text.find(secret, found + 1)
    return spans


def _redact_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the union of ``spans`` redacted: overlapping occurrences (a secret that
    starts inside another) are masked as one, so no part of either shows."""
    if not spans:
        return text
    spans.sort()
    pieces: list[str] = []
    done = 0
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if next_start < end:
            end = max(end, next_end)
            continue
        pieces.append(text[done:start])
        pieces.append(redact(text[start:end]))
        done = end
        start, end = next_start, next_end
    pieces.append(text[done:start])
    pieces.append(redact(text[start:end]))
    pieces.append(text[end:])
    return "".join(pieces)


_MASKER: tuple[object, int, _Masker] | None = None  # (secrets set, its size, masker), the last one built


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by its masked form."""
    global _MASKER
    if isinstance(secrets, (set, frozenset)) and len(secrets) > _FEW_SECRETS:
        cached = _MASKER
        # The set itself is kept in the cache, so its id cannot be reused by another set;
        # secret sets only grow, so an unchanged size means unchanged contents.
        if cached is None or cached[0] is not secrets or cached[1] != len(secrets):
            cached = (secrets, len(secrets), _Masker(secrets))
            _MASKER = cached
        return cached[2].apply(text)
    spans: list[tuple[int, int]] = []
    for secret in set(secrets):
        if secret and secret in text:
            spans.extend(_occurrences(text, secret))
    return _redact_spans(text, spans)


def source_range_pieces(lines: list[str], line: int, col: int, end_line: int, end_col: int) -> list[str]:
    """The raw text of a source range (1-based, ``end_col`` exclusive), one piece per line,
    with surrounding white space removed."""
    pieces: list[str] = []
    if line < 1 or end_line < line or line > len(lines):
        return pieces
    for number in range(line, min(end_line, len(lines)) + 1):
        text = lines[number - 1]
        start = col - 1 if number == line else 0
        stop = end_col - 1 if number == end_line else len(text)
        piece = text[max(0, start):max(0, stop)].strip()
        if piece:
            pieces.append(piece)
    return pieces


# A piece of a secret's source range shorter than this is not masked on its own (masking every
# `"a` in a file would make frames unreadable; such a piece holds at most a few characters).
MIN_RANGE_PIECE = 4
MAX_RANGE_LINES = 200


def record_secret(source: Any, secret: str, span: tuple[int, int, int, int] | None = None) -> None:
    r"""Remember a secret found in ``source`` so that every output masks it.

    Besides the value itself (and each line of a multi-line value), the raw text of the node's
    source range ``(line, col, end_line, end_col)`` is recorded whenever it differs from the
    value, so that escapes (JSON ``\/`` and ``\u0041``, YAML ``''`` and escaped line breaks)
    cannot carry the secret past the mask into code frames, snippets and excerpts.
    """
    secrets = source.secrets
    secrets.add(secret)
    if "\n" in secret:  # a frame shows one line at a time: mask each line too
        secrets.update(line for line in secret.splitlines() if len(line.strip()) >= 8)
    if span is None or span[2] - span[0] > MAX_RANGE_LINES:
        return
    pieces = source_range_pieces(source.lines, *span)
    if any(secret in piece for piece in pieces):
        return  # written as parsed: masking the value masks it everywhere
    parts = [line.strip() for line in secret.splitlines()] or [secret]
    if all(any(part in piece for piece in pieces) for part in parts if part):
        return  # a multi-line value whose lines are written as they are
    # The secret as the file writes it, wherever that is: inside the range, or after it when
    # the range is the key of a string holding an embedded document (its nodes all carry the
    # key's position), where masking the range would mask the key and show the secret.
    window = _spelling_window(source.lines, span[0], span[1], NEAR_SPELLING_WINDOW)
    spellings = _spellings_in(window, secret)
    if not spellings and secret not in window and _far_search_allowed(source.text):
        window = _spelling_window(source.lines, span[0], span[1])
        spellings = _spellings_in(window, secret)
    if not spellings and secret not in window and len(source.text) <= MAX_WHOLE_FILE_SEARCH:
        # Not after the node: a Terraform reference (`buildspec = local.spec`) whose string is
        # written elsewhere in the file. A small file is searched whole.
        window = source.text
        spellings = _spellings_in(window, secret, _unescaped_chain(window))
    if spellings:
        secrets.update(spellings)
        return
    if secret in window:
        return  # written as it is, after the key: masking the value masks it
    secrets.update(piece for piece in pieces if len(piece) >= MIN_RANGE_PIECE)


# How far after the start of a secret's node the file is searched for the secret's escaped
# spellings: the node, or (for an embedded document whose positions collapse to the key that
# holds its string) that whole string. Bounded, so that many secrets in one huge line cost
# a bounded amount each.
MAX_SPELLING_WINDOW = 65536
# The window searched first: a buildspec's `env` section, where secrets are, is near its top.
NEAR_SPELLING_WINDOW = 2048
# At most this many secrets of one file are searched for in the full window (each costs up to
# MAX_SPELLING_WINDOW characters unescaped), so that many unexplained secrets in one huge line
# cost seconds, not minutes; past it, a small file is still searched whole (unescaped once).
MAX_FAR_SEARCHES = 16
_FAR_SEARCHES: tuple[str, int] | None = None  # (the file's text, far searches done in it)


def _far_search_allowed(text: str) -> bool:
    """Whether one more secret of the file ``text`` may be searched for in the full window."""
    global _FAR_SEARCHES
    done = _FAR_SEARCHES[1] if _FAR_SEARCHES is not None and _FAR_SEARCHES[0] is text else 0
    if done >= MAX_FAR_SEARCHES:
        return False
    _FAR_SEARCHES = (text, done + 1)
    return True
# Escapes are undone at most this many times: a YAML buildspec in an HCL or JSON string is two
# levels (`\\u0059` → `\u0059` → `Y`); a third covers a template in a string of a template.
MAX_ESCAPE_LEVELS = 3
MAX_SPELLINGS = 16

_ESCAPE_TOKEN: re.Pattern[str] | None = None


def _escape_token() -> re.Pattern[str]:
    """One escape of any format pipelint reads in strings: JSON/YAML/HCL ``\\uXXXX`` (a
    surrogate pair as one), ``\\UXXXXXXXX``, YAML ``\\xXX``, a YAML escaped line break (with
    the next line's indentation), any other backslash escape (``\\/``, ``\\"``, ``\\n``), HCL
    ``$${``/``%%{``, an HCL interpolation of a short literal string (``${"Z"}``) and YAML ``''``.
    Bounded alternatives without nested repetition: linear."""
    global _ESCAPE_TOKEN
    if _ESCAPE_TOKEN is None:
        hex4 = "[0-9A-Fa-f]{4}"
        _ESCAPE_TOKEN = re.compile(
            rf"\\(?:u[dD][89abAB][0-9A-Fa-f]{{2}}\\u[dD][c-fC-F][0-9A-Fa-f]{{2}}|u{hex4}|U[0-9A-Fa-f]{{8}}|x[0-9A-Fa-f]{{2}}"
            r"|\r?\n[ \t]*+|[\s\S])|\$\$\{|%%\{|''"
            r'|\$\{[ \t]{0,8}+"[^"\\$%\n]{0,64}+"[ \t]{0,8}+\}')
    return _ESCAPE_TOKEN


_NAMED_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f",
                  "v": "\v", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _token_value(token: str) -> str:
    """What one escape token (see :func:`_escape_token`) stands for."""
    if token[0] != "\\":
        if token.startswith("${"):  # an HCL interpolation of a literal string: `${"Z"}` → `Z`
            return token[token.index('"') + 1:token.rindex('"')]
        return token[1:]  # `$${` → `${`, `%%{` → `%{`, `''` → `'`
    kind = token[1]
    if kind in "uUx" and len(token) > 2:
        if len(token) == 12:  # a surrogate pair
            high, low = int(token[2:6], 16), int(token[8:12], 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        code = int(token[2:], 16)
        return chr(code) if code <= 0x10FFFF else token
    if kind in "\r\n":
        return ""  # an escaped line break joins the lines
    return _NAMED_ESCAPES.get(kind, kind)


class _Unescaped:
    """A text with its escapes undone, and the map from its offsets back to the text's."""

    __slots__ = ("text", "starts", "ends", "raw_starts", "raw_ends")

    def __init__(self, raw: str) -> None:
        out: list[str] = []
        self.starts: list[int] = []  # per token: where its value starts and ends in `text`
        self.ends: list[int] = []
        self.raw_starts: list[int] = []  # and where the token starts and ends in `raw`
        self.raw_ends: list[int] = []
        done = length = 0
        for match in _escape_token().finditer(raw):
            literal = raw[done:match.start()]
            out.append(literal)
            length += len(literal)
            value = _token_value(match.group())
            self.starts.append(length)
            self.raw_starts.append(match.start())
            self.raw_ends.append(match.end())
            out.append(value)
            length += len(value)
            self.ends.append(length)
            done = match.end()
        out.append(raw[done:])
        self.text = "".join(out)

    def _token_at(self, offset: int) -> int:
        """The index of the escape whose value holds the character at ``offset``, else of the
        last escape before it (an escape standing for nothing holds no character), else -1."""
        from bisect import bisect_right

        return bisect_right(self.starts, offset) - 1

    def raw_start(self, offset: int) -> int:
        """Where the character at ``offset`` of :attr:`text` starts in the raw text."""
        index = self._token_at(offset)
        if index < 0:
            return offset
        if offset < self.ends[index]:
            return self.raw_starts[index]
        return self.raw_ends[index] + offset - self.ends[index]

    def raw_end(self, offset: int) -> int:
        """Where the text up to ``offset`` (exclusive, > 0) ends in the raw text."""
        last = offset - 1
        index = self._token_at(last)
        if index >= 0 and self.starts[index] <= last < self.ends[index]:
            return self.raw_ends[index]
        return self.raw_start(last) + 1


def _spelling_window(lines: list[str], line: int, col: int, limit: int = MAX_SPELLING_WINDOW) -> str:
    """The file's text from ``(line, col)`` on, at most ``limit`` characters and
    :data:`MAX_RANGE_LINES` lines."""
    if not 1 <= line <= len(lines):
        return ""
    parts = [lines[line - 1][max(0, col - 1):max(0, col - 1) + limit]]
    size = len(parts[0])
    for text in lines[line:line + MAX_RANGE_LINES]:
        if size >= limit:
            break
        parts.append(text[:limit - size])
        size += len(parts[-1]) + 1
    return "\n".join(parts)


def escaped_spellings(lines: list[str], secret: str, line: int, col: int) -> list[str]:
    r"""The ways the file spells ``secret`` with escapes, from ``(line, col)`` on: each piece
    (one per line it spans, white space stripped) of every stretch of the raw text that, with
    its escapes undone once or more (a YAML buildspec in an HCL or JSON string is escaped
    twice), reads as the secret. Escapes of JSON, YAML double quotes and HCL strings (``Y``,
    ``Z``, ``Y``, surrogate pairs, ``\/``, escaped line breaks, ``$${``) in any case
    of hex digit. Occurrences written as the secret itself are left out (masking the value
    masks them)."""
    return _spellings_in(_spelling_window(lines, line, col), secret)


# A file up to this size is searched whole for a secret's spelling not found after its node.
MAX_WHOLE_FILE_SEARCH = 262144
_CHAIN: tuple[str, list[_Unescaped]] | None = None  # the last whole file unescaped, and its views


def _unescaped_chain(text: str) -> list[_Unescaped]:
    """The views of ``text`` with its escapes undone once, twice, … (see :func:`_spellings_in`);
    the last text's are kept, so that many secrets of one file unescape it once."""
    global _CHAIN
    if _CHAIN is None or _CHAIN[0] is not text:
        _CHAIN = (text, _unescaped_views(text))
    return _CHAIN[1]


def _unescaped_views(text: str) -> list[_Unescaped]:
    """``text`` with its escapes undone once, then that again, … (at most
    :data:`MAX_ESCAPE_LEVELS` times, while there are escapes left)."""
    views: list[_Unescaped] = []
    current = text
    for _ in range(MAX_ESCAPE_LEVELS):
        if "\\" not in current and "${" not in current and "%%{" not in current and "''" not in current:
            break
        view = _Unescaped(current)
        if not view.starts:
            break
        views.append(view)
        current = view.text
    return views


def _spellings_in(window: str, secret: str, chain: list[_Unescaped] | None = None) -> list[str]:
    """:func:`escaped_spellings` in ``window``, the file's text from the place searched on
    (``chain``: its unescaped views, if already worked out)."""
    if not secret or not window:
        return []
    try:  # a value holding a surrogate pair as two code points reads as the character
        wanted = secret.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError:
        wanted = secret
    found: list[str] = []
    views = chain if chain is not None else _unescaped_views(window)
    for depth, view in enumerate(views):
        current = view.text
        start = current.find(wanted)
        while start != -1 and len(found) < MAX_SPELLINGS:
            begin, end = start, start + len(wanted)
            for level in reversed(views[:depth + 1]):
                begin, end = level.raw_start(begin), level.raw_end(end)
            raw = window[begin:end]
            if raw != secret:
                found.extend(piece for piece in (part.strip() for part in raw.splitlines()) if len(piece) >= MIN_RANGE_PIECE)
            start = current.find(wanted, start + 1)
    return found


# ---------------------------------------------------------------------------------------------
# Secret-looking text in messages that are not findings (configuration errors) and in files
# that do not parse: values assigned to secret-named keys, credential shapes, URL credentials.

_SECRET_LIKE: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]] | None = None


def _secret_like() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(assignment over lower-cased ASCII, the same for any text, URL credentials, shapes)."""
    global _SECRET_LIKE
    if _SECRET_LIKE is None:
        name = (r"(?:passw|passphrase|pwd|(?<![a-z])pass(?![a-z])|secret|token|api[_.-]?key|apikey|access[_.-]?key|"
                r"private[_.-]?key|credential|auth|bearer)")
        stop = r"\s\"'`,;)}\]\\"
        # name = value, name: value, "name": "value", Authorization: Bearer value. Bounded and
        # possessive quantifiers, and a value always read to its end (however long: all of it is
        # masked), after which the next match starts: linear in the text. A backslash escape
        # (JSON `\u0041`, `\/`) is part of the value, so an escaped secret is masked whole.
        assignment = (rf"{name}[a-z0-9_.-]{{0,40}}+(?:\\?[\"'])?[ \t]{{0,16}}+(?::=|=>|:|=)(?![:=])[ \t\"'`]{{0,16}}+"
                      rf"(?:(?:bearer|token|basic)[ \t]{{1,16}}+)?(?P<value>(?:[^{stop}]|\\.)++)")
        _SECRET_LIKE = (
            re.compile(assignment),
            re.compile("(?i)" + assignment),
            re.compile(r"://[^/\s:@\"']{0,256}+:(?P<value>[^/\s@\"']++)@"),
            re.compile(r"(?<![A-Za-z0-9_])(?P<value>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}|gh[pousr]_[0-9A-Za-z]{36}"
                       r"|github_pat_[0-9A-Za-z_]{82}|npm_[A-Za-z0-9]{36}|xox[abposre]-[0-9A-Za-z-]{10,255}+)"),
        )
    return _SECRET_LIKE


def _reference(value: str) -> bool:
    return value.startswith(("$", "{{", "#{", "!", "%{", "<")) or set(value) <= {"*", "x", "X"}


def record_secret_like(source: Any, shortest: int = 4) -> None:
    """Record on ``source`` every secret-looking value of its text (:func:`secret_like_spans`),
    whether or not it looks random enough to report: for files no structural rule could read,
    whose syntax-error code frames still show their lines. Shorter values are left alone, as
    they would mask common letter pairs all over the frames."""
    text = source.text
    source.secrets.update(text[start:end] for start, end in secret_like_spans(text) if end - start >= shortest)


# The closing quote is optional, so that a match never fails once it has started: the next
# search resumes after the body, and a line of unbalanced quotes is read once (linear).
_QUOTED_WITH_ESCAPE = lazy_regex(r'"(?P<body>(?:[^"\\\n]|\\.)*+)"?')
_ESCAPE = lazy_regex(r"\\(?:u(?P<u>[0-9A-Fa-f]{4})|x(?P<x>[0-9A-Fa-f]{2})|(?P<c>.))")


def _unescape(body: str) -> str:
    """A double-quoted string's body with JSON/YAML escapes decoded (enough to see a token)."""
    def one(match: re.Match[str]) -> str:
        code = match.group("u") or match.group("x")
        return chr(int(code, 16)) if code else match.group("c")

    return _ESCAPE.sub(one, body)


def _escaped_shapes(text: str, shapes: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of double-quoted strings whose escapes hide a credential shape
    (``"ghp_…\u0033…"``): the raw text of the whole string body is what a frame shows."""
    found = []
    for match in _QUOTED_WITH_ESCAPE.finditer(text):
        body = match.group("body")
        if "\\" in body and shapes.search(_unescape(body)):
            found.append(match.span("body"))
    return found


def secret_like_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, disjoint offsets of the secret-looking values in ``text`` (references such as
    ``$VAR`` excluded): values assigned to secret-named keys, URL passwords, credential shapes."""
    lower, any_case, url, shapes = _secret_like()
    assigned = lower.finditer(text.lower()) if text.isascii() else any_case.finditer(text)
    spans = [m.span("value") for m in assigned if len(m.group("value")) >= 4 and not _reference(text[m.start("value"):m.end("value")])]
    if "://" in text:
        spans += [m.span("value") for m in url.finditer(text) if not _reference(m.group("value"))]
    spans += [m.span("value") for m in shapes.finditer(text)]
    if "\\" in text:
        spans += _escaped_shapes(text, shapes)
    spans.sort()
    disjoint: list[tuple[int, int]] = []
    for start, end in spans:
        if disjoint and start < disjoint[-1][1]:
            if end > disjoint[-1][1]:
                disjoint[-1] = (disjoint[-1][0], end)
            continue
        disjoint.append((start, end))
    return disjoint


def mask_secret_like(text: str) -> str:
    """``text`` with anything that looks like a secret masked (``password=hunter2`` →
    ``password=h…(7 chars)``, ``AKIA…``, ``https://user:pw@host``): for messages that quote
    input pipelint has not analysed, such as configuration errors. Linear in ``text``."""
    spans = secret_like_spans(text)
    if not spans:
        return text
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces.append(text[done:start])
        pieces.append(redact(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
