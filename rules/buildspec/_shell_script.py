"""Build one shell script from a buildspec's commands and map script positions back to the file.

Used by ``BS901`` (:mod:`pipelint.rules.buildspec.shellcheck`). Nothing here executes anything
from the linted file: the script is only ever piped to ``shellcheck`` on stdin.

Model
-----
* :func:`commands_of` lists the commands of a buildspec in the order CodeBuild runs them
  (``install``, ``pre_build``, ``build``, ``post_build``; each phase's ``commands`` then
  ``finally``).
* :func:`rewrite` replaces text that is not shell's before the shell sees it (CodePipeline
  ``#{Ns.Var}`` variables, CloudFormation ``${Param}`` substitutions of an ``Fn::Sub`` inline
  buildspec, whose ``${!Name}`` becomes the shell's ``${Name}``), keeping for every character of
  the new text the offset of the character it came from.
* :func:`source_positions` gives, for every character of a scalar's value, its line and column in
  the file, by rebuilding the value from the source lines (literal ``|`` and folded ``>``
  blocks, plain and quoted scalars) and checking the result equals the value; when it does not
  (escapes, an embedded document whose positions are approximate) the caller falls back to the
  scalar's start.
* :class:`Script` concatenates the commands into one script (version 0.2: one shell for the whole
  build; version 0.1: each command in its own ``( … )`` subshell) and maps a shellcheck
  ``(line, column)`` back to ``(command, offset in the command's value)``.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache

from pipelint.api import Mapping, Node, Scalar, Sequence, walk
from pipelint.records import ValueRecord
from pipelint.textutil import lazy_regex

PHASES = ("install", "pre_build", "build", "post_build")
SECTIONS = ("commands", "finally")

_PIPELINE_VAR = lazy_regex(r"#\{[A-Za-z0-9_@.:-]+\}")
# Fn::Sub: `${!Literal}` is a literal `${Literal}`; any other `${...}` is CloudFormation's.
_SUB_VAR = lazy_regex(r"\$\{(!?)([^}\s]*)\}")

# ----------------------------------------------------------------------------------------------
# The binary


def _which(name: str) -> str | None:
    """``shutil.which`` without importing ``shutil`` (which pulls in the compression modules,
    a few milliseconds of a cold run) where a plain ``PATH`` search is all it does.

    Only absolute ``PATH`` entries count: an empty or relative entry means the working
    directory, which may be the repository being linted, and a ``shellcheck`` file placed there
    must never run."""
    if os.name == "nt":  # PATHEXT: let shutil handle Windows, without the current directory
        import shutil

        found = shutil.which(name, path=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if os.path.isabs(p)))
        return found
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        if not os.path.isabs(folder):
            continue
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@lru_cache(maxsize=1)
def find_shellcheck() -> str | None:
    """The ``shellcheck`` executable: on ``PATH``, else next to the running Python (a venv).

    Looked up once per process (``find_shellcheck.cache_clear()`` forgets it).
    """
    found = _which("shellcheck")
    if found:
        return found
    bindir = os.path.dirname(os.path.abspath(sys.executable))
    for name in ("shellcheck", "shellcheck.exe"):
        candidate = os.path.join(bindir, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


# ----------------------------------------------------------------------------------------------
# Commands


class Command(ValueRecord):
    """One command of the buildspec: its node, where it runs, and the text shellcheck reads."""

    __slots__ = ("node", "phase", "section", "text", "origin", "placeholders")

    node: Scalar
    phase: str
    section: str
    text: str
    origin: list[int]  # origin[i]: offset in node.value of text[i]
    placeholders: list[tuple[int, int]]  # replaced spans of node.value

    def __init__(
        self,
        node: Scalar,
        phase: str,
        section: str,
        text: str = "",
        origin: list[int] | None = None,
        placeholders: list[tuple[int, int]] | None = None,
    ) -> None:
        self.node = node
        self.phase = phase
        self.section = section
        self.text = text
        self.origin = [] if origin is None else origin
        self.placeholders = [] if placeholders is None else placeholders


def commands_of(root: Mapping) -> list[Command]:
    """The string commands of every phase, in run order."""
    phases = root.get("phases")
    found: list[Command] = []
    if not isinstance(phases, Mapping):
        return found
    for phase in PHASES:
        body = phases.get(phase)
        if not isinstance(body, Mapping):
            continue
        for section in SECTIONS:
            items = body.get(section)
            if isinstance(items, Scalar) and isinstance(items.value, str):
                items_list: list[Node] = [items]  # a single string instead of a list
            elif isinstance(items, Sequence):
                items_list = list(items.items)
            else:
                continue
            for item in items_list:
                if isinstance(item, Scalar) and isinstance(item.value, str) and item.value.strip():
                    found.append(Command(item, phase, section))
    return found


def rewrite(text: str, fn_sub: bool = False) -> tuple[str, list[int], list[tuple[int, int]]]:
    """Replace non-shell placeholders; return the new text, each character's origin offset, and
    the ``(start, end)`` spans of the original text that were replaced by a constant.

    ``#{Ns.Var}`` (CodePipeline) becomes a same-length plain word. With ``fn_sub``, every
    CloudFormation ``${Name}`` becomes a same-length plain word and ``${!Name}`` becomes
    ``${Name}``. The origin list has one more entry than the text (the end offset).
    """
    spans: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for match in _PIPELINE_VAR.finditer(text):
        spans.append((match.start(), match.end(), "x" * (match.end() - match.start())))
    if fn_sub:
        for match in _SUB_VAR.finditer(text):
            if any(s < match.end() and match.start() < e for s, e, _ in spans):
                continue
            if match.group(1):
                spans.append((match.start(), match.end(), "${" + match.group(2) + "}"))
            else:
                spans.append((match.start(), match.end(), "x" * (match.end() - match.start())))
    if not spans:
        return text, list(range(len(text) + 1)), []
    spans.sort()
    out: list[str] = []
    origin: list[int] = []
    position = 0
    for start, end, replacement in spans:
        out.append(text[position:start])
        origin.extend(range(position, start))
        out.append(replacement)
        if len(replacement) == end - start:
            origin.extend(range(start, end))
        else:  # `${!Name}` → `${Name}`: skip the `!`
            origin.extend([start, start + 1] + list(range(start + 3, end)))
        position = end
    out.append(text[position:])
    origin.extend(range(position, len(text) + 1))
    constants = [(start, end) for start, end, replacement in spans if not replacement.startswith("$")]
    return "".join(out), origin, constants


# ----------------------------------------------------------------------------------------------
# Positions inside a scalar


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_lines(node: Scalar, lines: list[str]) -> tuple[int, int, list[str]] | None:
    """``(first content line index, indentation, content lines without the indentation)``."""
    first = node.line  # 0-based index of the line after the indicator
    last = node.end_line - 1 if node.end_col > 1 else node.end_line - 2
    last = min(last, len(lines) - 1)
    if first > last:
        return None
    content = lines[first:last + 1]
    indent = None
    for line in content:
        if line.strip():
            indent = _indent(line)
            break
    if indent is None or indent == 0:
        return None
    return first, indent, [line[indent:] if len(line) >= indent else "" for line in content]


def _literal_positions(node: Scalar, lines: list[str]) -> list[tuple[int, int]] | None:
    block = _block_lines(node, lines)
    if block is None:
        return None
    first, indent, content = block
    value = node.value
    value_lines = value.split("\n")
    positions: list[tuple[int, int]] = []
    for number, text in enumerate(value_lines):
        if number == len(value_lines) - 1 and text == "":
            positions.append((first + number + 1, indent + 1))  # the end
            break
        if number >= len(content) or content[number] != text:
            return None
        for column in range(len(text) + 1):  # + 1: the newline (or the end)
            positions.append((first + number + 1, indent + column + 1))
    return positions if len(positions) >= len(value) + 1 else None


def _fold(segments: list[tuple[int, int, str]], keep_breaks: bool) -> tuple[str, list[tuple[int, int]]]:
    """Fold ``(line, col, text)`` segments as YAML does (line break → space, empty lines → newlines).

    With ``keep_breaks`` (folded blocks), a break next to a more-indented line is kept.
    """
    chars: list[str] = []
    positions: list[tuple[int, int]] = []
    pending = 0
    previous_end: tuple[int, int] | None = None
    previous_spaced = False
    for index, (line, col, text) in enumerate(segments):
        spaced = keep_breaks and text[:1] in (" ", "\t")
        if index > 0:
            if text == "":
                pending += 1
                continue
            assert previous_end is not None
            if pending:
                joiner = "\n" * (pending + (1 if (previous_spaced or spaced) else 0))
            else:
                joiner = "\n" if (previous_spaced or spaced) else " "
            for char in joiner:
                chars.append(char)
                positions.append(previous_end)
        pending = 0
        for offset, char in enumerate(text):
            chars.append(char)
            positions.append((line, col + offset))
        previous_end = (line, col + len(text))
        previous_spaced = spaced
    if previous_end is not None:
        positions.append(previous_end)
    return "".join(chars), positions


def _folded_positions(node: Scalar, lines: list[str]) -> list[tuple[int, int]] | None:
    block = _block_lines(node, lines)
    if block is None:
        return None
    first, indent, content = block
    segments = [(first + n + 1, indent + 1, text) for n, text in enumerate(content)]
    while segments and segments[-1][2] == "":
        segments.pop()
    built, positions = _fold(segments, keep_breaks=True)
    if built != node.value.rstrip("\n"):
        return None
    return positions + positions[-1:] * (len(node.value) - len(built))  # the kept final newlines


def _plain_positions(node: Scalar, lines: list[str]) -> list[tuple[int, int]] | None:
    if node.line < 1 or node.line > len(lines):
        return None
    if node.line == node.end_line:
        text = lines[node.line - 1][node.col - 1:node.end_col - 1]
        if text != node.value:
            return None
        return [(node.line, node.col + offset) for offset in range(len(text) + 1)]
    segments: list[tuple[int, int, str]] = []
    for number in range(node.line, min(node.end_line, len(lines)) + 1):
        line = lines[number - 1]
        if number == node.line:
            start = node.col - 1
        else:
            start = len(line) - len(line.lstrip(" \t"))
        end = node.end_col - 1 if number == node.end_line else len(line)
        segments.append((number, start + 1, line[start:end].strip(" \t")))
    built, positions = _fold(segments, keep_breaks=False)
    return positions if built == node.value else None


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
            "L": "\u2028", "P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _quoted_positions(node: Scalar, lines: list[str]) -> list[tuple[int, int]] | None:
    """Single-line quoted scalars, decoding YAML's escapes (``\\n``, ``\\"``, ``''`` …)."""
    if node.line != node.end_line or node.line < 1 or node.line > len(lines):
        return None
    raw = lines[node.line - 1][node.col - 1:node.end_col - 1]
    quote = raw[:1]
    if len(raw) < 2 or quote not in ("'", '"') or raw[-1] != quote:
        return None  # not the scalar's own text (an embedded document's approximate position)
    body = raw[1:-1]
    chars: list[str] = []
    positions: list[tuple[int, int]] = []
    index = 0
    while index < len(body):
        column = node.col + 1 + index
        char = body[index]
        if quote == "'" and body.startswith("''", index):
            chars.append("'")
            index += 2
        elif quote == '"' and char == "\\" and index + 1 < len(body):
            code = body[index + 1]
            if code in _HEX_ESCAPES:
                digits = body[index + 2:index + 2 + _HEX_ESCAPES[code]]
                try:
                    chars.append(chr(int(digits, 16)))
                except ValueError:
                    return None
                index += 2 + _HEX_ESCAPES[code]
            elif code in _ESCAPES:
                chars.append(_ESCAPES[code])
                index += 2
            else:
                return None
        else:
            chars.append(char)
            index += 1
        positions.append((node.line, column))
    positions.append((node.line, node.col + 1 + len(body)))
    return positions if "".join(chars) == node.value else None


def source_positions(node: Scalar) -> list[tuple[int, int]] | None:
    """``(line, col)`` in the file of every character of ``node.value`` (plus its end), or None.

    None when the value cannot be matched to the source text exactly.
    """
    source = node.source
    if source is None or not isinstance(node.value, str):
        return None
    lines = source.lines
    try:
        if node.style == "|":
            return _literal_positions(node, lines)
        if node.style == ">":
            return _folded_positions(node, lines)
        if node.style == "":
            return _plain_positions(node, lines)
        if node.style in ("'", '"', "json"):
            return _quoted_positions(node, lines)
    except (IndexError, StopIteration):  # pragma: no cover - defensive; positions are best effort
        return None
    return None


# ----------------------------------------------------------------------------------------------
# The script


class Script(ValueRecord):
    """Commands concatenated into one script, with a map from script lines back to commands."""

    __slots__ = ("text", "owners")

    text: str
    owners: list[tuple[Command, int] | None]  # per script line: (command, offset of line start)

    def __init__(self, text: str, owners: list[tuple[Command, int] | None]) -> None:
        self.text = text
        self.owners = owners

    def locate(self, line: int, column: int) -> tuple[Command, int] | None:
        """``(command, offset in command.node.value)`` for a 1-based script line and column.

        A position on a line the script added (the ``(`` and ``)`` around version 0.1 commands)
        belongs to the start of the nearest command; None outside the script.
        """
        index = line - 1
        if not 0 <= index < len(self.owners):
            return None
        owner = self.owners[index]
        if owner is None:
            for near in [*range(index - 1, -1, -1), *range(index + 1, len(self.owners))]:
                other = self.owners[near]
                if other is not None:
                    return other[0], 0
            return None
        command, start = owner
        offset = min(start + max(column, 1) - 1, len(command.text))
        newline = command.text.find("\n", start)
        if newline != -1:  # a position past the end of this line stays on this line
            offset = min(offset, newline)
        return command, command.origin[offset]


def build_script(commands: list[Command], separate_shells: bool) -> Script:
    """One script for all commands, each command's lines in run order.

    ``separate_shells`` (buildspec version 0.1) puts each command in its own ``( … )`` subshell,
    so a ``cd`` or a variable does not carry over, as in CodeBuild.
    """
    lines: list[str] = []
    owners: list[tuple[Command, int] | None] = []
    for command in commands:
        if separate_shells:
            lines.append("(")
            owners.append(None)
        start = 0
        for part in command.text.rstrip("\n").split("\n"):
            lines.append(part)
            owners.append((command, start))
            start += len(part) + 1
        if separate_shells:
            lines.append(")")
            owners.append(None)
    return Script("\n".join(lines) + "\n", owners)


def other_text(root: Mapping, commands: list[Command]) -> str:
    """All scalar text of the buildspec except its commands (``artifacts.name``, ``cache.key`` …)."""
    skip = {id(command.node) for command in commands}
    return "\n".join(node.text for node in walk(root) if isinstance(node, Scalar) and id(node) not in skip)


# Variables whose values never contain blanks or glob characters (IDs, ARNs, paths under
# /codebuild, regions, commit ids, git ref names; AWS_ACCOUNT_ID is not CodeBuild's but always
# twelve digits), so quoting them changes nothing.
WORD_SAFE_VARIABLES = frozenset({
    "AWS_ACCOUNT_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "CODEBUILD_BATCH_BUILD_IDENTIFIER",
    "CODEBUILD_BUILD_ARN", "CODEBUILD_BUILD_BATCH_ARN", "CODEBUILD_BUILD_ID", "CODEBUILD_BUILD_IMAGE",
    "CODEBUILD_BUILD_NUMBER", "CODEBUILD_BUILD_SUCCEEDING", "CODEBUILD_INITIATOR",
    "CODEBUILD_KMS_KEY_ID", "CODEBUILD_LOG_PATH", "CODEBUILD_PUBLIC_BUILD_URL",
    "CODEBUILD_RESOLVED_SOURCE_VERSION", "CODEBUILD_SOURCE_REPO_URL", "CODEBUILD_SOURCE_VERSION",
    "CODEBUILD_SRC_DIR", "CODEBUILD_START_TIME", "CODEBUILD_WEBHOOK_BASE_REF",
    "CODEBUILD_WEBHOOK_EVENT", "CODEBUILD_WEBHOOK_HEAD_REF", "CODEBUILD_WEBHOOK_MERGE_COMMIT",
    "CODEBUILD_WEBHOOK_PREV_COMMIT", "CODEBUILD_WEBHOOK_TRIGGER", "HOME",
})
_SAFE_VALUE = lazy_regex(r"^[A-Za-z0-9_./:@%+=,^-]+$")
_SAFE_WORD = lazy_regex(r"^(?:[A-Za-z0-9_./:@%+=,^-]|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$")
_REFERENCE = lazy_regex(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_ASSIGNMENT = lazy_regex(
    r"(?:^|(?<=[\s;&|(]))(?:(?:export|readonly|local|declare(?:\s+-\w+)*)\s+)?([A-Za-z_][A-Za-z0-9_]*)(\+?=)(\S*)"
)
_READ_FOR = lazy_regex(r"\b(?:read\b[^;&|\n]*?|for\s+)\b([A-Za-z_][A-Za-z0-9_]*)\b")


def _literal_word(value: str) -> str | None:
    """The text of an assignment's value if it is one word without quoting tricks, else None."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if value[0] == "'":
            return inner if _SAFE_VALUE.match(inner) else None
        value = inner
    return value if _SAFE_WORD.match(value) else None


def safe_variables(root: Mapping, commands: list[Command], project: dict[str, str | None] | None = None) -> set[str]:
    """Variables whose expansion cannot split or glob, so SC2086 ("double quote") is moot.

    CodeBuild's own variables, plus every variable whose every known value is one word of safe
    characters: ``env.variables`` entries (``IMAGE_TAG: latest``), plain-text variables of the
    CodeBuild project of an inline buildspec (``project``: name → value or None), variables the commands
    assign only such words, possibly built from other safe variables
    (``URI=$AWS_ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com/app``). A variable a command reads
    into (``read``, ``for``) or assigns anything else (``$(…)``, ``"a b"``) is not safe.
    """
    values: dict[str, list[str | None]] = {}
    for name, literal in (project or {}).items():
        values.setdefault(name, []).append(literal if literal is not None and _SAFE_VALUE.match(literal) else None)
    env = root.get("env")
    table = env.get("variables") if isinstance(env, Mapping) else None
    if isinstance(table, Mapping):
        for key, value in table.items():
            literal = value.text if isinstance(value, Scalar) and value.value is not None else ""
            values.setdefault(key.text, []).append(literal if _SAFE_VALUE.match(literal) else None)
    for command in commands:
        for match in _ASSIGNMENT.finditer(command.text):
            name, operator, assigned = match.groups()
            values.setdefault(name, []).append(_literal_word(assigned) if operator == "=" else None)
        for match in _READ_FOR.finditer(command.text):
            values.setdefault(match.group(1), []).append(None)
    safe = set(WORD_SAFE_VARIABLES)
    changed = True
    while changed:
        changed = False
        for name, found in values.items():
            if name in safe or not found or any(v is None for v in found):
                continue
            if all(ref in safe for v in found for ref in _REFERENCE.findall(v or "")):
                safe.add(name)
                changed = True
    return safe
