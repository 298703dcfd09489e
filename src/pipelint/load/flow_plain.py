r"""Let the old C parser read ``:`` and ``?`` inside plain scalars of flow collections.

``ruamel.yaml.clib`` bundles a libyaml older than 0.2.5, which rejects ``[sts:AssumeRole]``,
``{AWS: arn:aws:iam::123456789012:root}`` and ``[https://host/?q=1]`` although YAML allows them
(libyaml 0.2.5, PyYAML, ruamel's pure-Python parser, cfn-lint and CloudFormation accept them).

Inside a *word* (a run of characters other than blanks and ``,[]{}``), a ``:`` that follows
another character of the word and precedes one (or follows blanks after such a character, as
in ``[a :b]``), or a ``?`` that follows one, is not YAML syntax for libyaml 0.2.5, in flow or
block context, unless the word is a tag, anchor, alias or directive, or the ``:`` follows a
closing quote (``{"a":1}``). Such characters are swapped for placeholder characters the text
does not contain (one character for one, so every line and column stays where it was); the C
parser then reads the text as libyaml 0.2.5 would, and :class:`RestoringParser` puts the
original characters back into every scalar and tag.

Placeholders are private-use characters (printable for YAML, never syntax; the C parser takes
them in plain scalars), first from the Basic Multilingual Plane, then from the supplementary
private-use planes, so a file cannot hold them all. A placeholder is never a character that the
text spells as an escape (``"\uE000"``, ``\U000F0000``, ``\xNN``, or ``%EE%80%80`` in a tag),
which the parser would decode into a scalar and the restore would then turn into ``:``.

The swap is linear in the text (regular expressions that look one character around each
``:``/``?``, and one that starts a match only at the start of a word) and is only tried after
the C parser has rejected the text, so files that parse never pay for it. The pure-Python
parser is not used: it is about fifteen times slower (about 19 s for a 5 MB file) and rejects
tabs after values that libyaml and AWS accept.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

# A `:` between two characters of a word, not after a closing quote; a `?` after one.
# (The mark comes first in each pattern so that the search skips ahead to it.)
_IN_WORD_COLON = re.compile(r"[:](?<=[^\s\[\]{},\"'][:])(?=[^\s\[\]{},])")
_IN_WORD_QUESTION = re.compile(r"[?](?<=[^\s\[\]{},][?])")
# A `:` after blanks that follow a plain scalar's character, before a non-blank one: libyaml
# 0.2.5 keeps it in the scalar (`[a :b]` is `["a :b"]`); after `,`, `[`, `{`, `:` or a quote it
# starts a token, and stays as it is. One blank (the usual case) is matched with a fixed-width
# look-behind, so the replacement is a plain string; longer runs need a group.
_AFTER_BLANK_COLON = re.compile(r"[:](?<=[^\s\[\]{},\"':][ \t][:])(?=[^\s\[\]{},])")
_AFTER_BLANKS_COLON = re.compile(r"(?<=[^\s\[\]{},\"':][ \t])([ \t]+)[:](?=[^\s\[\]{},])")
# Tags, anchors, aliases and directives keep their colons (`!<tag:yaml.org,2002:str>`): a word
# that starts with one of `!&*%`, matched only where a word starts, with possessive runs.
# A verbatim tag (`!<tag:yaml.org,2002:str>`) may hold commas too.
_KEPT_WORD = r"(!<[^\s>]*+>?|[!&*%](?<![^\s\[\]{{}},][!&*%])[^\s\[\]{{}},{marks}]*+[{marks}][^\s\[\]{{}},]*+)"
# Private-use characters: printable for YAML, never syntax. The BMP ones keep a text of BMP
# characters two bytes per character in memory; the supplementary planes hold 131,068 more.
_PRIVATE_USE = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))
# Escapes the parser decodes into characters: `\xNN`, `\uNNNN`, `\UNNNNNNNN` in double-quoted
# scalars (every reading of the hex digits that follow, case-insensitive), and runs of `%NN`
# (UTF-8 bytes) in tags.
_ESCAPE = re.compile(r"\\[xu]([0-9a-f]{2})([0-9a-f]{2})?([0-9a-f]{4})?", re.IGNORECASE)
_PERCENT_RUN = re.compile(r"(?:%[0-9a-f]{2})++", re.IGNORECASE)


class Relaxed:
    """Text rewritten for the C parser, and how to restore its placeholders."""

    __slots__ = ("text", "colon", "question")

    def __init__(self, text: str, colon: str, question: str) -> None:
        self.text = text
        self.colon = colon
        self.question = question

    def restore(self, value: str) -> str:
        """``value`` with the original ``:`` and ``?`` back in place of the placeholders."""
        # Two `replace` calls: several times faster than `translate` with a table.
        return value.replace(self.colon, ":").replace(self.question, "?")

    def holds_placeholder(self, value: str) -> bool:
        """Whether ``value`` contains a placeholder (so :meth:`restore` would change it)."""
        return self.colon in value or self.question in value


def relax(text: str) -> Relaxed | None:
    """The text with in-word ``:``/``?`` swapped for placeholders, or ``None`` if none changed."""
    if "[" not in text and "{" not in text:
        return None  # no flow collection: the old parser's rejection had another cause
    free = _placeholders(text, 3)
    if free is None:
        return None
    colon, question, separator = free
    relaxed, colons = _IN_WORD_COLON.subn(colon, text)
    relaxed, questions = _IN_WORD_QUESTION.subn(question, relaxed)
    relaxed, spaced = _AFTER_BLANK_COLON.subn(colon, relaxed)
    if "  :" in relaxed or "\t:" in relaxed:
        relaxed, more = _AFTER_BLANKS_COLON.subn(r"\g<1>" + colon, relaxed)
        spaced += more
    if not colons and not questions and not spaced:
        return None
    result = Relaxed(relaxed, colon, question)
    # Every second piece is a kept word: restore them all at once, without a call per word.
    pieces = re.split(_KEPT_WORD.format(marks=colon + question), relaxed)
    if len(pieces) > 1:
        pieces[1::2] = result.restore(separator.join(pieces[1::2])).split(separator)
        result.text = "".join(pieces)
    return result if result.text != text else None


def _placeholders(text: str, count: int) -> list[str] | None:
    """``count`` private-use characters that neither occur in ``text`` nor are spelled there as
    an escape; ``None`` if there are not that many (a file cannot hold them all)."""
    taken = set(text)
    if "\\" in text:
        for match in _ESCAPE.finditer(text):
            digits = ""
            for group in match.groups():
                if group is None:
                    break
                digits += group
                code = int(digits, 16)
                if code <= 0x10FFFF:
                    taken.add(chr(code))
    if "%" in text:
        for match in _PERCENT_RUN.finditer(text):
            taken.update(bytes.fromhex(match.group().replace("%", "")).decode("utf-8", "ignore"))
    candidates = (chr(code) for block in _PRIVATE_USE for code in block)
    free = list(islice((char for char in candidates if char not in taken), count))
    return free if len(free) == count else None


class RestoringParser:
    """Wraps the C parser reading :attr:`Relaxed.text`; its events carry the original text."""

    __slots__ = ("_parser", "_relaxed")

    def __init__(self, parser: Any, relaxed: Relaxed) -> None:
        self._parser = parser
        self._relaxed = relaxed

    def get_event(self) -> Any:
        """The next event, with placeholders in its value and tag restored."""
        event = self._parser.get_event()
        relaxed = self._relaxed
        value = getattr(event, "value", None)
        if value.__class__ is str and relaxed.holds_placeholder(value):
            event.value = relaxed.restore(value)
        tag = getattr(event, "ctag", None)
        if tag is not None:
            tag = str(tag)
            if relaxed.holds_placeholder(tag):
                event.ctag = relaxed.restore(tag)
        return event

    def dispose(self) -> None:
        """Release the C parser."""
        self._parser.dispose()
