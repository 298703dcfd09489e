"""A small read-only view of a buildspec document, shared by the ``BS`` rules.

Rules read the positioned tree directly; this module only gathers the walks several rules need
(the phases, the command lists and their items, yes/no flags, the build platform) so that each
rule stays a few lines long and every walk guards against odd node types the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic
from ..records import ValueRecord
from ..textutil import lazy_regex

PHASES = ("install", "pre_build", "build", "post_build")
COMMAND_LISTS = ("commands", "finally")
WINDOWS_SHELLS = ("powershell.exe", "cmd.exe")
LINUX_SHELLS = ("bash", "/bin/sh")

_TRUE_WORDS = {"yes", "true"}
_FALSE_WORDS = {"no", "false"}


class Command(ValueRecord):
    """One item of a ``commands`` or ``finally`` list."""

    __slots__ = ("phase", "block", "index", "node")

    phase: str
    block: str  # "commands" or "finally"
    index: int
    node: Node

    def __init__(self, phase: str, block: str, index: int, node: Node) -> None:
        self.phase = phase
        self.block = block
        self.index = index
        self.node = node

    @property
    def text(self) -> str | None:
        """The command as a string, or ``None`` when the item is not a string."""
        if isinstance(self.node, Scalar) and isinstance(self.node.value, str):
            return self.node.value
        return None


def root(doc: Any) -> Mapping | None:
    """The document's root mapping, or ``None``."""
    node = getattr(doc, "root", None)
    return node if isinstance(node, Mapping) else None


def mapping(node: Node | None) -> Mapping | None:
    """``node`` if it is a plain mapping (not an intrinsic function), else ``None``."""
    if isinstance(node, Mapping) and intrinsic(node) is None:
        return node
    return None


def child(node: Node | None, *keys: str) -> Node | None:
    """The node at ``keys`` below ``node``, through plain mappings only."""
    current = node
    for key in keys:
        found = mapping(current)
        if found is None:
            return None
        current = found.get(key)
    return current


def phases(doc: Any) -> Iterator[tuple[str, Scalar, Node]]:
    """``(name, key node, value node)`` of every phase under ``phases`` (known names or not)."""
    top = root(doc)
    section = mapping(top.get("phases")) if top is not None else None
    if section is None:
        return
    for key, value in section.items():
        yield key.text, key, value


def command_lists(doc: Any) -> Iterator[tuple[str, str, Scalar, Node]]:
    """``(phase, "commands"|"finally", key node, value node)`` of the known phases."""
    for name, _key, body in phases(doc):
        if name not in PHASES:
            continue
        body_map = mapping(body)
        if body_map is None:
            continue
        for block in COMMAND_LISTS:
            key = body_map.key_node(block)
            value = body_map.get(block)
            if key is not None and value is not None:
                yield name, block, key, value


def commands(doc: Any) -> Iterator[Command]:
    """Every item of every ``commands``/``finally`` list, in file order of the phases."""
    for phase, block, _key, value in command_lists(doc):
        if isinstance(value, Sequence):
            for index, item in enumerate(value.items):
                yield Command(phase, block, index, item)
        elif isinstance(value, Scalar) and isinstance(value.value, str):
            yield Command(phase, block, 0, value)


def flag(node: Node | None) -> bool | None:
    """The boolean a yes/no flag means, or ``None`` if it is not one (or is missing)."""
    if not isinstance(node, Scalar):
        return None
    if isinstance(node.value, bool):
        return node.value
    if isinstance(node.value, str):
        word = node.value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


def shell(doc: Any) -> str | None:
    """The ``env.shell`` value, if it is a string."""
    node = child(root(doc), "env", "shell")
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value.strip()
    return None


def image(doc: Any, config: Any = None) -> str | None:
    """The build image: the project's ``Environment.Image`` for inline buildspecs, else the
    rule option ``image``; ``None`` when unknown."""
    context = getattr(doc, "context", None) or {}
    found = context.get("image") if isinstance(context, dict) else None
    if isinstance(found, str) and found.strip():
        return found.strip()
    if isinstance(config, dict):
        option = config.get("image")
        if isinstance(option, str) and option.strip():
            return option.strip()
    return None


def is_windows(doc: Any, config: Any = None) -> bool:
    """Whether the build runs on Windows, judged from ``env.shell`` and the image name."""
    if shell(doc) in WINDOWS_SHELLS:
        return True
    name = image(doc, config)
    if name is not None and "windows" in name.lower():
        return True
    environment = child(project(doc), "Environment", "Type")
    return isinstance(environment, Scalar) and isinstance(environment.value, str) and "WINDOWS" in environment.value.upper()


def project(doc: Any) -> Mapping | None:
    """The CodeBuild project's ``Properties`` of an inline buildspec, if known."""
    context = getattr(doc, "context", None) or {}
    found = context.get("project") if isinstance(context, dict) else None
    return mapping(found) if isinstance(found, Node) else None


def version(doc: Any) -> str | None:
    """The buildspec version as text (``"0.2"``), or ``None`` if missing or not a scalar."""
    node = child(root(doc), "version")
    if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
        return str(node.value).strip()
    return None


# -- shell text helpers ------------------------------------------------------------------------

_SEPARATORS = lazy_regex(r"&&|\|\||[;\n|&]")


def split_statements(command: str) -> list[str]:
    """Split a shell command into its simple statements at unquoted ``&&``, ``||``, ``;``,
    ``|``, ``&`` and newlines. Quotes are respected; everything else is approximate."""
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    index = 0
    while index < len(command):
        char = command[index]
        if quote:
            current.append(char)
            if char == "\\" and quote == '"' and index + 1 < len(command):
                current.append(command[index + 1])
                index += 2
                continue
            if char == quote:
                quote = ""
            index += 1
            continue
        if char in ("'", '"'):
            quote = char
            current.append(char)
            index += 1
            continue
        if char == "\\" and index + 1 < len(command):
            current.append(command[index : index + 2])
            index += 2
            continue
        match = _SEPARATORS.match(command, index)
        redirect = char == "&" and match is not None and match.group() == "&" and (
            (index > 0 and command[index - 1] in "<>") or command[index + 1 : index + 2] == ">"
        )
        if match and not redirect:
            parts.append("".join(current).strip())
            current = []
            index = match.end()
            continue
        current.append(char)
        index += 1
    parts.append("".join(current).strip())
    return [part for part in parts if part]


_ASSIGNMENT = lazy_regex(r"^(?:export\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=")
_EXPORT_ONLY = lazy_regex(r"^export\s+((?:[A-Za-z_][A-Za-z0-9_]*\s*)+)$")


def assigned_names(statement: str) -> list[str]:
    """Variables a simple statement sets for later commands (``X=1``, ``export X=1``,
    ``export X Y``); a prefix assignment (``X=1 make``) sets nothing for later commands."""
    statement = statement.strip()
    exported = _EXPORT_ONLY.match(statement)
    if exported:
        return exported.group(1).split()
    match = _ASSIGNMENT.match(statement)
    if not match:
        return []
    rest = statement[match.end():]
    # The value runs to the first unquoted blank; anything after it means `X=1 command`.
    if statement.startswith(("export", "declare", "readonly")):
        return [match.group(1)]
    value_end = _value_end(rest)
    if rest[value_end:].strip():
        return []
    return [match.group(1)]


def _value_end(text: str) -> int:
    quote = ""
    depth = 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in ("'", '"'):
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char.isspace() and depth == 0:
            return index
    return len(text)


def references(text: str, name: str) -> bool:
    """Whether shell text reads the variable ``name`` (``$name`` or ``${name...}``)."""
    return re.search(r"\$(?:\{)?" + re.escape(name) + r"(?![A-Za-z0-9_])", text) is not None

