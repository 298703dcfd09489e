"""Text from linted files, made safe to print: escaped and clipped.

Keys, values and file names come from files pipelint did not write. Printed raw, a newline in a
key forges a line of output (a GitHub ``::error file=…::`` workflow command), an ESC moves the
terminal's cursor, a control character makes XML ill-formed, and a lone surrogate (a JSON
``"\\ud800"`` escape, or a file name that is not UTF-8) makes the encoder raise. :func:`clean`
shows each such character as a visible escape (``\\n``, ``\\x1b``, ``\\u202e``); a byte of an
undecodable file name (Python's ``surrogateescape``) is shown as ``\\xff``.

A 1 MB one-line file with thousands of findings must not print its line thousands of times:
:func:`clip` cuts a line to a window around the finding, like ruff's and rustc's code frames.
"""

from __future__ import annotations

from ..textutil import lazy_regex

# C0 controls but tab, DEL, C1 controls, Unicode line/paragraph separators, bidirectional
# embeddings/overrides/isolates (they reorder what a reviewer sees) and surrogates.
_UNSAFE = lazy_regex("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_JSON_UNSAFE = lazy_regex("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x00": "\\0"}

#: The widest window of a long line shown around a finding, in characters.
WINDOW = 160
#: How much of the line before the finding a clipped window keeps.
LEAD = 40
ELLIPSIS = "…"


def escape_char(char: str) -> str:
    """The visible escape of one unsafe character."""
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every control, bidirectional-override and surrogate character escaped."""
    if text.isprintable() and text.isascii():
        return text
    return _UNSAFE.sub(lambda match: escape_char(match.group()), text)


def _json_escape(char: str) -> str:
    if "\ud800" <= char <= "\udfff":  # cannot be encoded: its escape, as text
        return escape_char(char).replace("\\", "\\\\")
    return f"\\u{ord(char):04x}"  # a JSON escape: the same character for a parser, inert on a screen


def clean_json(serialised: str) -> str:
    """Serialised JSON (``ensure_ascii=False``) safe to encode and to show: lone surrogates become
    their escapes as text, and C1 controls, line separators and bidirectional overrides JSON
    escapes (``json`` already escapes the C0 controls)."""
    if serialised.isascii() and "\x7f" not in serialised:
        return serialised
    return _JSON_UNSAFE.sub(lambda match: _json_escape(match.group()), serialised)


def window(length: int, start: int, end: int) -> tuple[int, int]:
    """The ``[first, last)`` character window of a line of ``length`` characters to show for a
    finding spanning ``[start, end)`` (0-based): the whole line when it is short enough."""
    if length <= WINDOW:
        return 0, length
    first = max(0, min(start - LEAD, length - WINDOW))
    return first, min(length, first + WINDOW)


def clip(text: str, first: int, last: int) -> str:
    """``text[first:last]``, escaped, with an ellipsis where it was cut."""
    shown = clean(text[first:last])
    if first > 0:
        shown = ELLIPSIS + shown
    if last < len(text):
        shown += ELLIPSIS
    return shown


def offset(text: str, first: int, column: int) -> int:
    """Where 0-based ``column`` of ``text`` falls in ``clip(text, first, …)``."""
    column = max(first, min(column, len(text)))
    return len(clean(text[first:column])) + (1 if first > 0 else 0)
