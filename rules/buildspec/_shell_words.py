"""Where a command's text holds the value of a ``NAME=value`` argument of a declaration builtin.

Used by ``BS901`` (:mod:`pipelint.rules.buildspec.shellcheck`) to drop ShellCheck's SC2046/SC2086
on ``export X=$(cmd)`` and ``export PATH=$PATH:$PWD``: bash, and dash 0.5.12, assign such a
value as one word, like a plain ``X=$(cmd)`` (see the rule's docs for what was observed).

The scanner reads shell text once, left to right (linear in the text), with an explicit stack
for quotes, ``${…}``, ``$(…)``, ``$((…))`` and backticks, so no input can exhaust Python's
recursion. It is a reader for this one question, not a shell parser: when it meets something it
does not model (a ``case`` pattern's ``)`` inside ``$(…)``, a here-document body), the worst
outcome is that a value is not recognised and the finding stays, or that a line of a
here-document body (where ShellCheck reports neither code) is read as a command.
"""

from __future__ import annotations

from pipelint.records import ValueRecord
from pipelint.textutil import lazy_regex

# Builtins whose `NAME=value` arguments bash expands as assignments (no splitting, no globbing).
DECLARATION_BUILTINS = frozenset({"export", "readonly", "local", "declare", "typeset"})
# Words that start a command list, after which the next word is a command name again.
_RESERVED = frozenset({"!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until"})
_ASSIGNMENT_WORD = lazy_regex(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s'\"`$]*\])?\+?=")
_COMMAND_FRAMES = ("top", "sub", "tick")


class DeclarationValue(ValueRecord):
    """The value of one ``NAME=value`` argument of a declaration builtin, as text offsets.

    ``nested`` holds the ``$(…)``, backtick and ``$((…))`` spans inside the value: what runs
    there is a command of its own, whose arguments do split.
    """

    __slots__ = ("start", "end", "nested")

    start: int
    end: int
    nested: tuple[tuple[int, int], ...]

    def __init__(self, start: int, end: int, nested: tuple[tuple[int, int], ...]) -> None:
        self.start = start
        self.end = end
        self.nested = nested

    def holds(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies in the value itself, not inside a nested command (a span
        may begin where a ``$(…)`` begins: that is the substitution the value consists of)."""
        if not (self.start <= start and end <= self.end):
            return False
        return not any(inner_start < start < inner_end for inner_start, inner_end in self.nested)


class _Frame:
    """One level of the scanner's stack; command frames also track the current simple command."""

    __slots__ = ("kind", "opened", "word_start", "word_count", "declaring", "nested", "skip_word", "depth")

    def __init__(self, kind: str, opened: int) -> None:
        self.kind = kind  # top, sub ($( … )), tick (` … `), arith ($(( … ))), dq, sq, param (${ … })
        self.opened = opened  # offset of the opening characters
        self.word_start: int | None = None
        self.word_count = 0  # words of the current simple command so far (reserved words and prefixes excluded)
        self.declaring = False  # the current simple command is a declaration builtin
        self.nested: list[tuple[int, int]] = []  # nested command spans inside the current word
        self.skip_word = False  # the next word is a redirection target
        self.depth = 0  # open parentheses inside $(( … ))


def declaration_values(text: str) -> list[DeclarationValue]:
    """The values of the ``NAME=value`` arguments of ``export``/``readonly``/``local``/``declare``/
    ``typeset`` in ``text`` (``export X=$(cmd) Y=$Z`` gives the spans of ``$(cmd)`` and ``$Z``).

    Only literal, unquoted names count (``export "X=$Y"`` is not an assignment word, and quoted
    it needs nothing); ``export $(cmd)`` and ``export $VARS`` have no ``NAME=`` and give nothing.
    """
    found: list[DeclarationValue] = []
    stack = [_Frame("top", 0)]
    length = len(text)
    index = 0
    while index < length:
        frame = stack[-1]
        char = text[index]
        kind = frame.kind
        if kind == "sq":
            close = text.find("'", index)
            index = length if close == -1 else close + 1
            if close != -1:
                stack.pop()
            continue
        if kind in _COMMAND_FRAMES:
            if frame.word_start is None and char == "#":  # a comment, to the end of the line
                newline = text.find("\n", index)
                index = length if newline == -1 else newline
                continue
            if char in " \t" or (frame.word_start is None and text.startswith("\\\n", index)):
                _end_word(frame, text, index, found)
                index += 2 if char == "\\" else 1
                continue
            if char in "\n;&|()":
                _end_word(frame, text, index, found)
                if kind == "sub" and char == ")" and not frame.depth:
                    _close(stack, index + 1)
                else:
                    if kind == "sub" and char in "()":  # a subshell inside `$( … )`
                        frame.depth += 1 if char == "(" else -1
                    _end_command(frame)
                index += 1
                continue
            if char in "<>":
                _end_word(frame, text, index, found)
                while index < length and text[index] in "<>&|":
                    index += 1
                frame.skip_word = True
                continue
            if char == "`" and kind == "tick":
                _end_word(frame, text, index, found)
                _close(stack, index + 1)
                index += 1
                continue
            if frame.word_start is None:
                frame.word_start = index
                frame.nested = []
        elif kind == "arith":
            if char == "(":
                frame.depth += 1
            elif char == ")":
                if frame.depth:
                    frame.depth -= 1
                elif text.startswith("))", index):
                    _close(stack, index + 2)
                    index += 2
                    continue
            elif text.startswith("$(", index):
                stack.append(_Frame("sub", index))
                index += 2
                continue
            index += 1
            continue
        elif kind == "dq" and char == '"':
            stack.pop()
            index += 1
            continue
        elif kind == "param" and char == "}":
            stack.pop()
            index += 1
            continue
        # Inside a word (command frames), a double-quoted string or a `${…}`.
        if char == "\\":
            index += 2
        elif char == "'" and kind != "dq":
            stack.append(_Frame("sq", index))
            index += 1
        elif char == '"':
            stack.append(_Frame("dq", index))
            index += 1
        elif char == "`":
            stack.append(_Frame("tick", index))
            index += 1
        elif text.startswith("$((", index):
            stack.append(_Frame("arith", index))
            index += 3
        elif text.startswith("$(", index):
            stack.append(_Frame("sub", index))
            index += 2
        elif text.startswith("${", index):
            stack.append(_Frame("param", index))
            index += 2
        else:
            index += 1
    # An unclosed quote or substitution: the text is not complete shell, recognise nothing in it.
    if len(stack) == 1:
        _end_word(stack[0], text, length, found)
        return found
    return []


def _close(stack: list[_Frame], end: int) -> None:
    """Pop a nested command (``$(…)``, backticks, ``$((…))``) ending at ``end``; the nearest
    enclosing command frame records its span in the word it is part of."""
    frame = stack.pop()
    for outer in reversed(stack):
        if outer.kind in _COMMAND_FRAMES:
            outer.nested.append((frame.opened, end))
            break


def _end_command(frame: _Frame) -> None:
    frame.word_count = 0
    frame.declaring = False
    frame.skip_word = False


def _end_word(frame: _Frame, text: str, end: int, found: list[DeclarationValue]) -> None:
    """Close the frame's current word (if any) at ``end`` and classify it."""
    start = frame.word_start
    if start is None:
        return
    frame.word_start = None
    if frame.skip_word:  # `> file`: a redirection target, not an argument
        frame.skip_word = False
        return
    word = text[start:end]
    assignment = _ASSIGNMENT_WORD.match(word)
    if frame.word_count == 0:
        if word in _RESERVED or assignment:  # `if export …`, `A=1 export …`: the command is still to come
            return
        frame.declaring = word in DECLARATION_BUILTINS
    elif frame.declaring and assignment:
        found.append(DeclarationValue(start + assignment.end(), end, tuple(frame.nested)))
    frame.word_count += 1


# `export $(printf "A=%s B=%s" $(cmd …))`: the format holds only NAME=%s words, every other
# argument of printf is an unquoted `$(…)` (without nested parentheses), and the outer `$(…)` is
# the whole argument list of an `export` that is a command of its own.
_NAME_FORMAT = r"[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*=%s[ \t]*)+"
_PRINTF_EXPORT = lazy_regex(
    r"(?m)(?:^|[;&|]|\bthen\b|\bdo\b|\belse\b)[ \t]*export[ \t]+"
    r"(\$\([ \t]*printf[ \t]+"
    rf"(\"{_NAME_FORMAT}\"|'{_NAME_FORMAT}')"
    r"((?:[ \t]+\$\([^()`]*\))+)[ \t]*\))"
    r"[ \t]*(?=[;&|\n]|$)"
)


class PrintfExport(ValueRecord):
    """One ``export $(printf "A=%s B=%s" $(cmd))``: where its parts start, as text offsets."""

    __slots__ = ("outer", "format", "arguments")

    outer: int  # the `$(` around printf
    format: int  # the format string's opening quote
    arguments: tuple[int, ...]  # the `$(` of each argument after the format

    def __init__(self, outer: int, format: int, arguments: tuple[int, ...]) -> None:
        self.outer = outer
        self.format = format
        self.arguments = arguments


def printf_exports(text: str) -> list[PrintfExport]:
    """Every ``export $(printf "<NAME=%s words>" $(cmd) …)`` in ``text``: the idiom that exports
    the words a command prints (``aws sts assume-role … --output text``) as variables, where
    splitting both substitutions is the point."""
    found: list[PrintfExport] = []
    for match in _PRINTF_EXPORT.finditer(text):
        arguments = match.group(3)
        base = match.start(3)
        starts: list[int] = []
        position = arguments.find("$(")
        while position != -1:
            starts.append(base + position)
            position = arguments.find("$(", position + 2)
        found.append(PrintfExport(match.start(1), match.start(2), tuple(starts)))
    return found
