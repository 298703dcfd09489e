"""Fix texts in the file's own format: a JSON file's advice must be JSON, a YAML file's YAML.

Rules build their ``fix=`` and "write …" advice with these helpers instead of hard-coding YAML
(``key: value``, ``!Sub``), so that the advice can be pasted into the file it is about. Also:
:func:`placeholder`, which recognises template placeholders (``%Name%``, ``<NAME>``,
``{{name}}``) that a generator replaces before the file reaches AWS.
"""

from __future__ import annotations

import json
from typing import Any

from pipelint.textutil import lazy_regex

_PLACEHOLDER = lazy_regex(r"^(?:%[^%\s][^%]{0,200}%|<[^<>]{1,200}>|\{\{[^{}]{1,200}\}\}|__[A-Z0-9_]{1,100}__)$")


def is_json(node: Any) -> bool:
    """Whether the node (or document) comes from a JSON file."""
    source = getattr(node, "source", None)
    return getattr(source, "fmt", "") == "json"


def _json_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def pair(node: Any, key: str, value: Any) -> str:
    """``key: value`` for a YAML file, ``"key": value`` for a JSON file.

    ``value`` is a Python value (str, int, float, bool, dict, list); strings that are written
    bare in YAML stay bare there and are quoted in JSON.
    """
    if is_json(node):
        return f"{_json_value(key)}: {_json_value(value)}"
    return f"{key}: {_yaml_flow(value)}"


def _yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sub(node: Any, text: str) -> str:
    """A CloudFormation ``Fn::Sub`` of ``text`` in the file's format."""
    if is_json(node):
        return '{"Fn::Sub": ' + _json_value(text) + "}"
    return f"!Sub {text}"


def placeholder(text: str) -> bool:
    """Whether ``text`` is a whole template placeholder such as ``%ServiceName%`` or ``<ARN>``."""
    return bool(_PLACEHOLDER.match(text.strip()))


def by_format(node: Any, yaml_text: str, json_text: str) -> str:
    """The YAML or the JSON spelling of a piece of advice, for the node's file."""
    return json_text if is_json(node) else yaml_text
