"""Access to the JSON Schemas shipped in ``schemas/`` (inside the wheel as ``pipelint.schema_files``)."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any


class SchemaNotFound(Exception):
    """No schema exists for the requested kind."""


def _directory() -> str:
    # The schemas are plain files of a regular package (in a checkout, an editable install and
    # the wheel alike); importlib.resources would cost more to import than linting a file.
    import pipelint.schema_files

    return os.path.dirname(os.path.abspath(pipelint.schema_files.__file__))


def list_schemas() -> list[str]:
    """The kinds that have a schema (``buildspec``, ``appspec-ec2``, …)."""
    return sorted(name[: -len(".schema.json")] for name in os.listdir(_directory()) if name.endswith(".schema.json"))


def schema_path(kind: str) -> str:
    """The absolute path of the schema for ``kind``."""
    path = os.path.join(_directory(), f"{kind}.schema.json")
    if not os.path.isfile(path):
        raise SchemaNotFound(f"no schema for {kind!r}; available: {', '.join(list_schemas())}")
    return path


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The parsed schema for ``kind`` (cached per process)."""
    with open(schema_path(kind), encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def compiled(kind: str, allow_intrinsics: bool = False) -> Any:
    """The schema for ``kind`` compiled once per process into a validator.

    Returns a :class:`~pipelint.engine.validator.Validator`, or for a schema using keywords the
    fast validator does not support, a ``jsonschema``-backed fallback with the same interface.
    """
    from .engine.validator import Validator, unsupported_keywords

    schema = load_schema(kind)
    if unsupported_keywords(schema):
        from .engine.fallback_validator import JsonschemaValidator

        return JsonschemaValidator(schema)
    return Validator(schema, allow_intrinsics=allow_intrinsics)
