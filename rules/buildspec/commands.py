"""``BS120``–``BS122``: the items of ``commands`` and ``finally`` lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Edit, Fix, Mapping, Report, Scalar, Sequence, intrinsic, rule
from pipelint.fixes.build import source_text, yaml_quoted
from pipelint.load.nodes import Node
from pipelint.models import buildspec as bs
from pipelint.textutil import lazy_regex, mask_secret_like

_ERREXIT = lazy_regex(r"(?m)^\s*set\s+(?:-[a-zA-Z]*e[a-zA-Z]*\b|-o\s+errexit\b|-[a-zA-Z]*\s+-o\s+errexit\b)")
_HEREDOC = lazy_regex(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
_OPENERS = ("if", "for", "while", "until", "case", "select")
_CLOSERS = ("fi", "done", "esac")
_CONTINUES = ("\\", "&&", "||", "|", "(", "{", ",")


def _quote(text: str) -> str:
    """``text`` as a single-line YAML flow scalar that keeps it a string."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def _codebuild_error(block: str, index: int) -> str:
    if block == "commands":
        return f"CodeBuild fails with \"Expected Commands[{index}] to be of string type\""
    return "CodeBuild fails because the item is not a string"


def _exactly_placed(key: Scalar) -> bool:
    """Whether a plain key's position holds its own text. In a buildspec embedded in a quoted
    string (Terraform ``buildspec = "…"``, CloudFormation ``BuildSpec: "…"``) every node carries
    the position of the key owning the string, so the file's text there is that key."""
    return key.style == "" and source_text(key) == key.raw


def _written(item: Mapping) -> str:
    """The mapping item as it was written on its line (``echo a: b``); with positions that do
    not hold it, as read (key, ``: ``, value)."""
    if len(item.pairs) == 1:
        key, value = item.pairs[0]
        if (isinstance(key, Scalar) and isinstance(value, Scalar) and key.line == value.line and key.source is not None
                and _exactly_placed(key)):
            line = key.source.lines[key.line - 1] if key.line <= len(key.source.lines) else ""
            text = line[key.col - 1 : value.end_col - 1]
            if text.strip():
                return text.strip()
        if isinstance(key, Scalar) and isinstance(value, Scalar):
            return f"{key.text}: {value.text if value.value is not None else ''}".rstrip()
    return ""


def _content_end(item: Mapping) -> Node:
    """The node whose end ends the command's text: its value, or its key when nothing follows
    the colon (a mapping's own end is where the next token starts, often lines below)."""
    key, value = item.pairs[-1]
    if isinstance(value, Scalar) and (value.end_line, value.end_col) > (value.line, value.col):
        return value
    return key


def _quote_fix(item: Mapping) -> Fix | None:
    """Quote a one-line command that YAML split at its `: ` back into one string: the text from
    the key's first character to the value's last (or the trailing `:`), exactly as written,
    as a YAML quoted scalar that decodes to that very text. Nothing else on the line changes
    (a trailing comment stays a comment)."""
    if len(item.pairs) != 1:
        return None
    key, value = item.pairs[0]
    if not isinstance(key, Scalar) or not isinstance(value, Scalar) or key.style != "" or key.tag is not None or key.source is None:
        return None
    if not _exactly_placed(key):
        return None
    line_number = key.line
    lines = key.source.lines
    if key.end_line != line_number or not 1 <= line_number <= len(lines):
        return None
    line = lines[line_number - 1]
    if value.value is None and value.style == "" and not value.raw:  # `- echo done:` (nothing after the colon)
        colon = line.find(":", key.end_col - 1)
        if colon < 0 or line[key.end_col - 1:colon].strip():
            return None
        end = colon + 1
    elif value.line == line_number and value.end_line == line_number and value.tag is None:
        end = value.end_col - 1
    else:
        return None
    text = line[key.col - 1:end]
    rest = line[end:]
    if not text.strip() or text != text.strip() or (rest.strip() and not rest.lstrip().startswith("#")):
        return None
    quoted = yaml_quoted(text)
    if quoted is None:
        return None
    return Fix([Edit(line_number, key.col, line_number, end + 1, quoted)], True, f"Quote the command as {quoted[:60]}")


@rule("BS120", "command-is-mapping", severity="error", kinds=("buildspec",), fixable="safe")
def command_is_mapping(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A command was read by YAML as a mapping because it contains an unquoted ``: ``.

    Why: in YAML, ``- echo "Result: ok"`` is a list item holding the mapping
    ``{'echo "Result': 'ok"'}``, not a string. CodeBuild fails the build with
    ``Expected Commands[N] to be of string type: found subkeys instead``. Quote the whole
    command, or use a block scalar (``- |``).

    AWS behaviour: CodeBuild fails the build in DOWNLOAD_SOURCE: CodeBuild logs "Phase complete:
    DOWNLOAD_SOURCE State: FAILED" then "Phase context status code: YAML_FILE_ERROR Message:
    Expected Commands[N] to be of string type: found subkeys instead at line X, value of the key tag
    on line Y might be empty". Source: observed in
    aws-solutions-library-samples/guidance-for-claude-code-with-amazon-bedrock#518 and PR #568; AWS
    CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'Buildspec syntax' (quote
    commands with ': ').

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - echo Status: done

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - 'echo Status: done'

    Fix: safe. Quotes the command exactly as written, in single quotes (a ``'`` in it doubled;
    double quotes with escapes only for a tab or another invisible character), so YAML reads
    back the very text on the line. Commands spread over several lines are not fixed.
    """
    for command in bs.commands(doc):
        node = command.node
        if not isinstance(node, Mapping) or intrinsic(node) is not None:
            continue
        written = _written(node)
        exact = len(node.pairs) == 1 and isinstance(node.pairs[0][0], Scalar) and _exactly_placed(node.pairs[0][0])
        # The quoted hint repeats the text on the line; without exact positions it is not known.
        fix = f"- {_quote(written)}" if written and exact else "quote the whole command"
        quoted = mask_secret_like(written)  # before clipping: a clipped secret would slip past the engine's mask
        shown = f" `{quoted if len(quoted) <= 80 else quoted[:79] + '…'}`" if quoted else ""
        yield Report(
            node,
            f"command{shown} in `{command.phase}.{command.block}` was read as a mapping because of an unquoted `: ` or trailing `:`; "
            f"{_codebuild_error(command.block, command.index)}. Quote the whole command" + (f": {fix}" if fix.startswith("- ") else "."),
            fix=fix,
            end=_content_end(node) if exact else None,
            edit=_quote_fix(node),
        )


@rule("BS121", "command-not-string", severity="error", kinds=("buildspec",))
def command_not_string(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A command is a nested list, a number, a boolean or an empty item instead of a string.

    Why: every command must be a string. A nested list (``- - make``) is rejected by CodeBuild
    (an error). A plain ``yes``, ``on`` or ``3.10`` is read by YAML as a boolean or a number, so
    the command that runs may not be the text you wrote (a warning). A bare ``-`` with nothing
    after it is an empty command, usually a leftover (a note; ``- # comment`` lines are
    deliberate and not reported).

    AWS behaviour: a nested list or mapping is not a string, so CodeBuild fails the build in
    DOWNLOAD_SOURCE with YAML_FILE_ERROR "Expected Commands[N] to be of string type" (the error
    findings); booleans and numbers are converted and run (warnings). Source:
    guidance-for-claude-code-with-amazon-bedrock#518 (same message for a non-string command); AWS
    CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html).

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - - make
              - yes
              -

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make
              - 'yes'
    """
    for command in bs.commands(doc):
        node = command.node
        where = f"`{command.phase}.{command.block}[{command.index}]`"
        if isinstance(node, Sequence):
            yield Report(node, f"command {where} is a nested list, not a string; write each command as its own `- ` item",
                         fix="un-nest the list")
        elif isinstance(node, Scalar) and node.value is None and node.style == "":
            if _commented_out(node):
                continue  # `- # old command`: deliberately commented out
            yield Report(node, f"command {where} is empty (`-` with nothing after it); remove the item or write the command",
                         severity="note", fix="remove the empty item")
        elif isinstance(node, Scalar) and not isinstance(node.value, str) and node.style == "":
            kind = "boolean" if isinstance(node.value, bool) else "number"
            yield Report(node, f"command {where} `{node.raw}` is read by YAML as a {kind}, not a string; quote it: - '{node.raw}'",
                         severity="warning", fix=f"- '{node.raw}'")


def _commented_out(node: Scalar) -> bool:
    """Whether an empty list item is a ``- # comment`` line."""
    lines = node.source.lines if node.source is not None else []
    line = lines[node.line - 1] if 0 < node.line <= len(lines) else ""
    return "#" in line[max(0, node.col - 2):]


_HARMLESS = lazy_regex(
    r"^(?:(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?[A-Za-z_][A-Za-z0-9_]*=[^`]*$"
    r"|(?:echo|printf|:|true|set|shopt|sleep)\b[^`]*$)"
)


def _statements(script: str) -> list[str]:
    """The top-level statements of a multi-line script (a compound command is one statement)."""
    statements: list[str] = []
    depth = 0
    heredoc: str | None = None
    continued = False
    for raw_line in script.splitlines():
        line = raw_line.strip()
        if heredoc is not None:
            if line == heredoc:
                heredoc = None
            continue
        if not line or line.startswith("#"):
            continue
        marker = _HEREDOC.search(line)
        if marker:
            heredoc = marker.group(2)
        words = re.split(r"[\s;]+", line)
        closers = sum(1 for w in words if w in _CLOSERS) + (1 if line.startswith(("}", ")")) else 0)
        openers = sum(1 for w in words if w in _OPENERS) + (1 if line.endswith(("{", "(")) else 0)
        if depth == 0 and not continued:
            statements.append(line)
        else:
            statements[-1] += "\n" + line if statements else line
        depth = max(0, depth + openers - closers)
        continued = line.endswith(_CONTINUES) or line.endswith(("then", "do", "else", "in"))
    return statements


def _risky(statement: str) -> bool:
    """Whether a failure of this statement would matter (not an assignment or an echo)."""
    return "$(" in statement or "\n" in statement or _HARMLESS.match(statement) is None


@rule("BS122", "multiline-command-exit-status", severity="note", kinds=("buildspec",))
def multiline_command_exit_status(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A multi-line ``|`` block command runs as one script whose failures in the middle are ignored.

    Why: CodeBuild runs a block command as one piece of shell; only the exit status of its last
    statement decides whether the phase fails. A failing ``npm ci`` on the first line goes
    unnoticed if a later line succeeds. Start the block with ``set -e``, chain the lines with
    ``&&``, or make each statement its own list item.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - |
                npm ci
                npm test

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - |
                set -e
                npm ci
                npm test
    """
    if bs.is_windows(doc, config):
        return
    for command in bs.commands(doc):
        node = command.node
        if not isinstance(node, Scalar) or node.style != "|" or not isinstance(node.value, str):
            continue
        script = node.value
        if _ERREXIT.search(script):
            continue
        statements = _statements(script)
        risky = [statement for statement in statements[:-1] if _risky(statement)]
        if not risky:
            continue
        count = len(statements)
        first = risky[0].splitlines()[0]
        shown = first if len(first) <= 50 else first[:49] + "…"
        yield Report(
            node,
            f"this {count}-statement block runs as one script: only its last statement's exit status counts, so a failing "
            f"`{shown}` does not fail the `{command.phase}` phase. Add `set -e` as the block's first line, or split it into list items",
            fix="add `set -e` as the first line",
        )
