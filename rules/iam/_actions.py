"""The bundled IAM action table (``pipelint/data/iam_actions.json``), loaded on first use.

The table maps a service prefix to ``{action: [access level letter, arn flag]}``; the arn flag
is 1 when the action lists at least one resource type (so it can be limited to specific ARNs)
and 0 when it only works with ``Resource: "*"``. It is read only when a rule actually needs it,
so runs that lint no policy never pay for it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pipelint.models.policy import action_matches


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, dict[str, tuple[str, int]]], dict[str, str]]:
    """Read the JSON file once: the lookup table and AWS's spelling of every action."""
    import json
    import os

    import pipelint.data

    path = os.path.join(os.path.dirname(pipelint.data.__file__), "iam_actions.json")
    try:
        with open(path, encoding="utf-8") as handle:
            raw: dict[str, Any] = json.load(handle)
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(raw, dict):
        return {}, {}
    out: dict[str, dict[str, tuple[str, int]]] = {}
    spelled: dict[str, str] = {}
    for prefix, actions in raw.items():
        if prefix.startswith("_") or not isinstance(actions, dict):
            continue
        service = out.setdefault(prefix.lower(), {})
        for name, entry in actions.items():
            if isinstance(entry, list) and len(entry) >= 2:
                service[name.lower()] = (str(entry[0]), int(entry[1]))
                spelled[f"{prefix}:{name}".lower()] = f"{prefix}:{name}"
    return out, spelled


def table() -> dict[str, dict[str, tuple[str, int]]]:
    """``{prefix: {lower-cased action name: (access level, arn flag)}}``; empty if unreadable."""
    return _load()[0]


def spellings() -> dict[str, str]:
    """``{"s3:getobject": "s3:GetObject"}``: AWS's spelling of every known action."""
    return _load()[1]


def known_service(prefix: str) -> bool:
    """Whether ``prefix`` is a service prefix the table knows."""
    return prefix.lower() in table()


def lookup(action: str) -> tuple[str, int] | None:
    """``(access level, arn flag)`` of a fully named action such as ``s3:GetObject``."""
    prefix, _, name = action.partition(":")
    return table().get(prefix.lower(), {}).get(name.lower())


@lru_cache(maxsize=4096)
def _expand(pattern: str) -> tuple[str, ...]:
    prefix, _, name = pattern.partition(":")
    if "*" not in pattern and "?" not in pattern:
        return (spellings().get(pattern.lower(), pattern),)
    service = table().get(prefix.lower())
    if not service or "*" in prefix or "?" in prefix:
        return ()
    spelled = spellings()
    return tuple(spelled[f"{prefix.lower()}:{a}"] for a in service if action_matches(name, a))


def expand(pattern: str) -> list[str]:
    """The known actions a pattern (``s3:Get*``) covers, in AWS spelling; ``[pattern]`` if none.

    Cached: CI/CD policies repeat the same few patterns (``s3:*``, ``logs:*``) across files."""
    return list(_expand(pattern))


def restrictable(action: str) -> bool:
    """Whether the action can be limited to specific resource ARNs (unknown actions: no)."""
    entry = lookup(action)
    return bool(entry and entry[1])


def spell(action: str) -> str:
    """AWS's spelling of a known action, else the action as given."""
    return spellings().get(action.lower(), action)
