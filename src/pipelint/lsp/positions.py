"""Positions: pipelint's 1-based line and code-point column ↔ the LSP's 0-based line and character.

The LSP counts a line's characters in the code units of the negotiated position encoding:
UTF-16 by default (a character outside the Basic Multilingual Plane, an emoji, counts two), or
UTF-8 bytes, or UTF-32 code points. pipelint's columns count code points.

**Two line models.** The LSP ends a line at ``\\n``, ``\\r\\n`` and ``\\r`` only (a form feed,
NEL, U+2028 or U+2029 is an ordinary character of its line). pipelint's line numbers are those of
the file's loader: the YAML loader (libyaml) also ends a line at a lone ``\\r``, NEL (U+0085),
U+2028 and U+2029; the JSON and Terraform loaders only at ``\\n``. :class:`LineModel` holds both
for one text and converts through the character offset, so a finding after any of these
characters lands on the line the editor shows, and a position the editor sends lands on the
finding's line. A byte-order mark at the start of the text is not counted by the loaders.
"""

from __future__ import annotations

import re
from bisect import bisect_right

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

LSP_BREAKS = re.compile("\r\n|\r|\n")
YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
LF_BREAKS = re.compile("\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as the LSP counts them: ended by ``\\n``, ``\\r\\n`` or a lone ``\\r``
    (a final empty line after a trailing line break)."""
    return LSP_BREAKS.split(text)


class _Lines:
    """Start and content-end offsets of the lines of a text under one set of line breaks."""

    __slots__ = ("starts", "ends")

    def __init__(self, text: str, breaks: re.Pattern[str], base: int = 0) -> None:
        self.starts = [base]
        self.ends: list[int] = []
        for match in breaks.finditer(text, base):
            self.ends.append(match.start())
            self.starts.append(match.end())
        self.ends.append(len(text))

    def index_of(self, offset: int) -> int:
        """The 0-based line holding ``offset``."""
        return max(0, bisect_right(self.starts, offset) - 1)


class LineModel:
    """One text's lines as the LSP counts them and as pipelint's loader for ``fmt`` counts them
    (``"yaml"``: libyaml's line breaks; anything else: ``\\n`` only), with conversions."""

    def __init__(self, text: str, fmt: str = "yaml") -> None:
        self.text = text
        self.lsp = _Lines(text, LSP_BREAKS)
        base = 1 if text.startswith("\ufeff") else 0  # the loaders decode the file without it
        self.own = _Lines(text, YAML_BREAKS if fmt == "yaml" else LF_BREAKS, base)
        self._own_lines: list[str] | None = None

    @property
    def own_lines(self) -> list[str]:
        """The text's lines as pipelint numbers them (without their line breaks)."""
        if self._own_lines is None:
            self._own_lines = [self.text[s:e] for s, e in zip(self.own.starts, self.own.ends)]
        return self._own_lines

    def offset(self, line: int, col: int) -> int:
        """The character offset of pipelint's 1-based ``(line, col)``, clamped to the text (a
        column past its line's end is the line's end; a line past the end is the text's end)."""
        if line < 1:
            return self.own.starts[0]
        if line > len(self.own.starts):
            return len(self.text)
        start, end = self.own.starts[line - 1], self.own.ends[line - 1]
        return min(start + max(0, col - 1), end)

    def position(self, offset: int) -> tuple[int, int]:
        """pipelint's 1-based ``(line, col)`` of a character offset."""
        offset = max(self.own.starts[0], min(offset, len(self.text)))
        index = self.own.index_of(offset)
        return index + 1, min(offset, self.own.ends[index]) - self.own.starts[index] + 1

    def lsp_position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """The LSP ``(line, character)`` of a character offset (inside a line break: its line's end)."""
        offset = max(0, min(offset, len(self.text)))
        index = self.lsp.index_of(offset)
        start = self.lsp.starts[index]
        return index, units(self.text[start:min(offset, self.lsp.ends[index])], encoding)

    def lsp_offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """The character offset of an LSP position, clamped to its line (a character inside a
        surrogate pair or a multi-byte sequence counts as the character it belongs to)."""
        if line < 0:
            return 0
        if line >= len(self.lsp.starts):
            return len(self.text)
        start, end = self.lsp.starts[line], self.lsp.ends[line]
        content = self.text[start:end]
        if content.isascii() or encoding == UTF32:
            return start + max(0, min(character, len(content)))
        count = 0
        for index, char in enumerate(content):
            width = units(char, encoding)
            if count + width > character:  # at this character's start, or inside it
                return start + index
            count += width
        return end

    def to_lsp(self, line: int, col: int, encoding: str = UTF16) -> tuple[int, int]:
        """The LSP ``(line, character)`` of pipelint's 1-based ``(line, col)`` (clamped)."""
        return self.lsp_position(self.offset(line, col), encoding)

    def from_lsp(self, line: int, character: int, encoding: str = UTF16) -> tuple[int, int]:
        """pipelint's 1-based ``(line, col)`` of an LSP position."""
        return self.position(self.lsp_offset(line, character, encoding))


def apply_change(text: str, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: str = UTF16) -> str:
    """``text`` with the LSP range ``start``–``end`` (``(line, character)``) replaced by
    ``new_text``: an incremental ``didChange``, with the LSP's line breaks (never those of
    ``str.splitlines``). A reversed range is taken in order."""
    model = LineModel(text, "lsp")
    first, last = model.lsp_offset(*start, encoding), model.lsp_offset(*end, encoding)
    if last < first:
        first, last = last, first
    return text[:first] + new_text + text[last:]


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
