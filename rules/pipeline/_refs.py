"""Variable references (``#{Namespace.Key}``) in action configuration strings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelint.api import Mapping, Node, Scalar, Sequence
from pipelint.models.pipeline import Action
from pipelint.records import ValueRecord

_REFERENCE = re.compile(r"#\{([^{}.\s]+)\.([^{}\s]+)\}")


class VariableRef(ValueRecord):
    """One ``#{namespace.key}`` occurrence."""

    __slots__ = ("node", "namespace", "key")

    node: Scalar
    namespace: str
    key: str

    def __init__(self, node: Scalar, namespace: str, key: str) -> None:
        self.node = node
        self.namespace = namespace
        self.key = key

    @property
    def text(self) -> str:
        """The reference as written."""
        return "#{" + self.namespace + "." + self.key + "}"


def _strings(node: Node | None) -> Iterator[Scalar]:
    """Every string value in a subtree (not mapping keys), intrinsic function arguments included."""
    stack: list[Node] = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, Scalar):
            if isinstance(current.value, str):
                yield current
        elif isinstance(current, Mapping):
            stack.extend(value for _, value in reversed(current.pairs))
        elif isinstance(current, Sequence):
            stack.extend(reversed(current.items))


def references(action: Action) -> list[VariableRef]:
    """Every variable reference in an action's configuration, commands and environment variables."""
    found: list[VariableRef] = []
    for part in (action.configuration, action.commands, action.environment_variables):
        for scalar in _strings(part):
            if "#{" not in scalar.value:
                continue
            for match in _REFERENCE.finditer(scalar.value):
                found.append(VariableRef(scalar, match.group(1), match.group(2)))
    return found
