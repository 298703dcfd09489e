"""Name the real cause of a syntax error where it is recognisable.

libyaml reports where it gave up, which is often a line after the mistake and in its own terms
(``could not find expected ':'``). The usual mistakes have a shape that can be recognised from
the error and the lines around it:

* merge-conflict markers left in the file (``<<<<<<<``, ``=======``, ``>>>>>>>``), in YAML or JSON;
* a missing space after ``:`` (``TargetVersion:"2"``), when the next or a sibling line shows
  that a key was meant; when the next line is indented deeper than the key, its value is that
  block and the word glued after the colon is stray (``- TargetService:service``);
* a stray character before a key (``@Name: x``) or a reserved one starting a value
  (``ServiceRole: @TODO``);
* a stray line that is neither ``key: value`` nor a list item (``:q`` left by an editor).

Every pattern here is matched against one line at a time (or anchored at line starts), so the
work stays linear in the file.

A concrete replacement line is offered as the fix only after it has been checked: the caller
passes ``reparses``, which reads the text with that one line replaced (the same parser, this file
only, up to the place of the original error) and says whether it now gets past that place. A
replacement that leaves the error, or makes a new one at or before it, is not offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .problems import LoadProblem

# Whether the file's text, with one line replaced, now reads past the original error's place.
Reparse = Callable[[str], bool]

_CONFLICT_MARKER = re.compile(r"^(?:<{7}|\|{7}|={7}|>{7})(?=[ \t\r]|$)", re.M)
# `key:value` with no space: a plain, identifier-like key (not `AWS::Region`, not `http://`).
_GLUED_KEY = re.compile(r"(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[A-Za-z_][\w.-]*):(?P<value>[^\s:/\\].*)")
_KEY_LINE = re.compile(r"(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[^\s#:][^:#]*?|\"[^\"]*\"|'[^']*'):(?:[ \t]|$)")
_RESERVED_START = "@`"


def conflict_marker(text: str, error_line: int) -> LoadProblem | None:
    """A problem at the first merge-conflict marker line at or before ``error_line``, if any."""
    match = _CONFLICT_MARKER.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    if line > error_line:
        return None
    marker = match.group()
    return LoadProblem(
        "PL002",
        f"unresolved merge conflict: a `{marker}` marker line is left in the file, so it is not valid YAML or JSON",
        line, 1, line, len(marker) + 1,
        fix="resolve the conflict: keep the lines you want and delete the `<<<<<<<`, `=======` and `>>>>>>>` marker lines",
    )


def explain_yaml_error(lines: list[str], problem: str, line: int, col: int, context_line: int | None,
                       reparses: Reparse | None = None) -> LoadProblem | None:
    """A clearer problem for a libyaml error at ``line``/``col`` (1-based), or ``None``.

    ``reparses`` checks a candidate fix (the whole text with one line replaced); without it no
    replacement line is offered as the fix."""
    if "could not find expected ':'" in problem and context_line is not None:
        return _glued_or_stray_line(lines, context_line, reparses)
    if "mapping values are not allowed" in problem:
        previous = _previous_content_line(lines, line)
        if previous is not None:
            glued = _glued_key(lines, previous)
            if glued is not None and _indent(lines[line - 1]) > glued[1] - 1:
                return _glued_problem(lines, previous, glued, True, reparses)
        return None
    if "cannot start any token" in problem or "did not find expected key" in problem:
        return _stray_character(lines, line, col, reparses)
    return None


def _show(char: str) -> str:
    return "a backtick (`` ` ``)" if char == "`" else f"`{char}`"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _content(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _previous_content_line(lines: list[str], line: int) -> int | None:
    for number in range(line - 1, max(0, line - 20), -1):
        if number <= len(lines) and _content(lines[number - 1]):
            return number
    return None


def _next_content_line(lines: list[str], line: int) -> int | None:
    for number in range(line + 1, min(len(lines), line + 20) + 1):
        if _content(lines[number - 1]):
            return number
    return None


def _glued_key(lines: list[str], line: int) -> tuple[str, int, str] | None:
    """``(key, key column, value)`` if the line is ``key:value`` with no space (1-based column)."""
    if not 0 < line <= len(lines):
        return None
    match = _GLUED_KEY.fullmatch(lines[line - 1].rstrip("\r"))
    if match is None:
        return None
    return match.group("key"), len(match.group("lead")) + 1, match.group("value")


def _key_column(text: str) -> int | None:
    match = _KEY_LINE.match(text)
    return len(match.group("lead")) + 1 if match else None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def with_line(lines: list[str], line: int, text: str) -> str:
    """The file's text with line ``line`` (1-based) replaced by ``text`` (lines joined by
    ``\\n``: every line keeps its number, so positions after it are unchanged)."""
    return "\n".join([*lines[: line - 1], text, *lines[line:]])


def _checked(lines: list[str], line: int, replacement: str, reparses: Reparse | None) -> bool:
    return reparses is not None and reparses(with_line(lines, line, replacement))


def _glued_problem(lines: list[str], line: int, glued: tuple[str, int, str], block_below: bool,
                   reparses: Reparse | None) -> LoadProblem:
    """The problem for ``key:value`` on ``line``. With ``block_below`` (the next line is indented
    deeper than the key) the key's value is that block, so the fix deletes the glued word;
    otherwise it adds the missing space. The fix is offered only if ``reparses`` confirms it."""
    key, column, value = glued
    colon = column + len(key)
    shown = _short(f"{key}:{value}", 60)
    text = lines[line - 1].rstrip("\r")
    head = text[:colon]  # the line up to and including the colon
    if block_below:
        fix = f"delete `{_short(value, 40)}` after the colon: `{key}:` (its value is the indented block below)"
        return LoadProblem(
            "PL002",
            f"stray text after `:` in `{shown}`: the lines below are indented under `{key}`, so they are its "
            f"value and nothing may follow the colon (YAML reads `{key}:{_short(value, 20)}` as one string)",
            line, colon, line, colon + 1,
            fix=fix if _checked(lines, line, head.rstrip(), reparses) else None,
            # The wording used before the block below was looked at: baselines written then still match.
            anchor=f"missing space after `:` in `{shown}`: YAML reads `key:value` as one string, not as a key and its value",
        )
    return LoadProblem(
        "PL002",
        f"missing space after `:` in `{shown}`: YAML reads `key:value` as one string, not as a key and its value",
        line, colon, line, colon + 1,
        fix=f"add a space after the colon: `{key}: {value[:40]}`" if _checked(lines, line, f"{head} {text[colon:]}", reparses) else None,
    )


def _glued_or_stray_line(lines: list[str], line: int, reparses: Reparse | None = None) -> LoadProblem | None:
    """The line that started a key without a `: ` (libyaml's "simple key" context)."""
    if not 0 < line <= len(lines):
        return None
    glued = _glued_key(lines, line)
    if glued is not None:
        column = glued[1]
        neighbours = (_previous_content_line(lines, line), _next_content_line(lines, line))
        siblings = [n for n in neighbours if n is not None and _key_column(lines[n - 1]) == column]
        below = neighbours[1]
        meant_mapping = below is not None and _indent(lines[below - 1]) > column - 1
        if siblings or meant_mapping:
            return _glued_problem(lines, line, glued, meant_mapping, reparses)
        return None
    text = lines[line - 1].rstrip("\r")
    stripped = text.strip()
    if stripped.startswith(("- ", "#")) or stripped == "-" or _key_column(text) is not None:
        return None
    start = len(text) - len(text.lstrip(" ")) + 1
    shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
    return LoadProblem(
        "PL002",
        f"stray text `{shown}`: a line in a mapping must be `key: value` (or a list item under its key)",
        line, start, line, start + len(stripped),
        fix="delete the stray line, indent it into the value above, or write it as `key: value`",
    )


def _stray_character(lines: list[str], line: int, col: int, reparses: Reparse | None = None) -> LoadProblem | None:
    """A character before a key, or a reserved one starting a value, at ``line``/``col``; the
    fix (delete the character, quote the value) only if ``reparses`` confirms it."""
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1].rstrip("\r")
    if not 0 < col <= len(text):
        return None
    char = text[col - 1]
    before = text[: col - 1]
    after = text[col:]
    key_after = re.match(r"([A-Za-z_][\w.-]*):(?:[ \t]|$)", after)
    if before.strip(" -") == "" and key_after is not None and not char.isalnum():
        return LoadProblem(
            "PL002",
            f"stray {_show(char)} before the key `{key_after.group(1)}`",
            line, col, line, col + 1,
            fix=f"delete the {_show(char)}" if _checked(lines, line, before + after, reparses) else None,
        )
    if char in _RESERVED_START and before.rstrip().endswith((":", "-", "[", "{", ",")):
        value = text[col - 1 :].strip()
        shown = value if len(value) <= 40 else value[:37] + "..."
        quoted = "'" + value.replace("'", "''") + "'"
        return LoadProblem(
            "PL002",
            f"a value cannot start with {_show(char)} unless it is quoted (YAML reserves `@` and `` ` ``): `{shown}`",
            line, col, line, col + 1,
            fix="quote the value (`'...'`)" if _checked(lines, line, before + quoted, reparses) else None,
        )
    return None
