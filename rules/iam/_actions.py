"""The bundled IAM action table (``pipelint/data/iam_actions.json``), loaded on first use.

The table maps a service prefix to ``{action: [access level letter, arn flag]}``; the arn flag
is 1 when the action lists at least one resource type (so it can be limited to specific ARNs)
and 0 when it only works with ``Resource: "*"``. It is read only when a rule actually needs it,
so runs that lint no policy never pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from typing import Any

from pipelint.models.policy import action_matches


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    """The JSON file as stored (one dict per service prefix), read once."""
    import json
    import os

    import pipelint.data

    path = os.path.join(os.path.dirname(pipelint.data.__file__), "iam_actions.json")
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if not k.startswith("_") and isinstance(v, dict)}


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    """Lower-cased service prefix → the prefix as stored."""
    return {prefix.lower(): prefix for prefix in _raw()}


@cache
def _service(lower_prefix: str) -> tuple[dict[str, tuple[str, int]], dict[str, str]] | None:
    """One service's lookup table and AWS spellings, built the first time a policy names it.

    Building the maps for all 20,000 actions up front cost more than linting a template; a
    policy names a handful of services."""
    prefix = _prefixes().get(lower_prefix)
    if prefix is None:
        return None
    actions: dict[str, tuple[str, int]] = {}
    spelled: dict[str, str] = {}
    for name, entry in _raw()[prefix].items():
        if isinstance(entry, list) and len(entry) >= 2:
            actions[name.lower()] = (str(entry[0]), int(entry[1]))
            spelled[name.lower()] = f"{prefix}:{name}"
    return actions, spelled


class _Table(Mapping[str, dict[str, tuple[str, int]]]):
    """``{prefix: {lower-cased action: (access level, arn flag)}}``, built per service on use."""

    def __getitem__(self, prefix: str) -> dict[str, tuple[str, int]]:
        found = _service(prefix)
        if found is None:
            raise KeyError(prefix)
        return found[0]

    def __iter__(self) -> Iterator[str]:
        return iter(_prefixes())

    def __len__(self) -> int:
        return len(_prefixes())


class _Spellings:
    """``{"s3:getobject": "s3:GetObject"}``, looked up per service on use."""

    def get(self, key: str, default: str | None = None) -> str | None:
        prefix, _, name = key.partition(":")
        found = _service(prefix)
        return found[1].get(name, default) if found else default

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


_TABLE = _Table()
_SPELLINGS = _Spellings()


def table() -> Mapping[str, dict[str, tuple[str, int]]]:
    """``{prefix: {lower-cased action name: (access level, arn flag)}}``; empty if unreadable."""
    return _TABLE


def spellings() -> _Spellings:
    """``{"s3:getobject": "s3:GetObject"}``: AWS's spelling of every known action."""
    return _SPELLINGS


def lookup(action: str) -> tuple[str, int] | None:
    """``(access level, arn flag)`` of a fully named action such as ``s3:GetObject``."""
    prefix, _, name = action.partition(":")
    return table().get(prefix.lower(), {}).get(name.lower())


@lru_cache(maxsize=4096)
def _expand(pattern: str) -> tuple[str, ...]:
    prefix, _, name = pattern.partition(":")
    if "*" not in pattern and "?" not in pattern:
        return (spellings().get(pattern.lower()) or pattern,)
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
    return spellings().get(action.lower()) or action
