"""Positions: pipelint's 1-based line and code-point column ↔ the LSP's 0-based line and character.

The LSP counts a line's characters in the code units of the negotiated position encoding:
UTF-16 by default (a character outside the Basic Multilingual Plane, an emoji, counts two), or
UTF-8 bytes, or UTF-32 code points. pipelint's columns count code points. Lines are split at
``\\n``; a ``\\r`` before it is not part of the line, as for the LSP.
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as the LSP counts them (a final empty line after a trailing newline)."""
    lines = text.split("\n")
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def to_lsp(lines: list[str], line: int, col: int, encoding: str = UTF16) -> tuple[int, int]:
    """The LSP ``(line, character)`` of pipelint's 1-based ``(line, col)``, clamped to the text
    (a column past the end of its line is the line's end; a line past the end is the text's end)."""
    if not lines:
        return 0, 0
    index = line - 1
    if index < 0:
        return 0, 0
    if index >= len(lines):
        return len(lines) - 1, units(lines[-1], encoding)
    text = lines[index]
    return index, units(text[: max(0, col - 1)], encoding)


def from_lsp(lines: list[str], line: int, character: int, encoding: str = UTF16) -> tuple[int, int]:
    """pipelint's 1-based ``(line, col)`` of an LSP position (a character inside a surrogate pair
    or a multi-byte sequence counts as the character it belongs to)."""
    if not lines:
        return 1, 1
    if line >= len(lines):
        return len(lines), len(lines[-1]) + 1
    text = lines[max(0, line)]
    if text.isascii() or encoding == UTF32:
        return line + 1, min(character, len(text)) + 1
    count = 0
    for index, char in enumerate(text):
        if count >= character:
            return line + 1, index + 1
        count += units(char, encoding)
    return line + 1, len(text) + 1
