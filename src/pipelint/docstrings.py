"""Docstring clean-up without the ``inspect`` module.

``inspect`` imports ``ast``, ``dis`` and ``tokenize`` (which compiles its token patterns at import):
several milliseconds of every cold start, spent only to dedent rule docstrings.
:func:`clean_docstring` returns what ``inspect.cleandoc`` returns for a string
(``tests/test_docstrings.py`` compares the two on every rule's docstring and on edge cases).
"""

from __future__ import annotations


def clean_docstring(doc: str) -> str:
    """``doc`` with tabs expanded, the first line's leading whitespace removed, the common
    indentation of the other non-blank lines removed from every later line, and empty lines
    dropped from both ends."""
    lines = doc.expandtabs().split("\n")
    margins = [len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()]
    margin = min(margins) if margins else 0
    cleaned = [lines[0].lstrip()] + [line[margin:] for line in lines[1:]]
    start, end = 0, len(cleaned)
    while end > start and not cleaned[end - 1]:
        end -= 1
    while start < end and not cleaned[start]:
        start += 1
    return "\n".join(cleaned[start:end])
