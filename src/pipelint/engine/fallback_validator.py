"""``jsonschema``-backed validation for schemas the fast validator cannot compile.

Plugins may ship schemas with keywords outside :data:`pipelint.engine.validator.SUPPORTED`;
they are validated here, with errors mapped to the deepest node of the error's path and the
``best_match`` error of each ``anyOf``/``oneOf`` group reported instead of all of them.
"""

from __future__ import annotations

from typing import Any

from ..load.nodes import Mapping, Node, Sequence


class JsonschemaValidator:
    """Same interface as :class:`~pipelint.engine.validator.Validator`, using ``jsonschema``."""

    def __init__(self, schema: dict[str, Any]) -> None:
        import jsonschema

        cls = jsonschema.validators.validator_for(schema)
        self._validator = cls(schema)

    def errors(self, node: Node) -> list[tuple[Node, str]]:
        """``(node, message)`` for each top-level error, located at the deepest known node."""
        from jsonschema.exceptions import best_match

        found: list[tuple[Node, str]] = []
        for error in self._validator.iter_errors(node.to_python()):
            if error.context:
                error = best_match(error.context)
            target = node
            for part in error.absolute_path:
                child = None
                if isinstance(target, Mapping) and isinstance(part, str):
                    child = target.get(part)
                elif isinstance(target, Sequence) and isinstance(part, int) and part < len(target.items):
                    child = target.items[part]
                if child is None:
                    break
                target = child
            where = ".".join(str(p) for p in error.absolute_path) or "the top level"
            found.append((target, f"{where}: {error.message}"))
        return found
