"""The bundled IAM action table (``pipelint/data/iam_actions.json``), loaded on first use.

The table maps a service prefix to ``{action: [access level letter, arn flag]}``; the arn flag
is 1 when the action lists at least one resource type (so it can be limited to specific ARNs)
and 0 when it only works with ``Resource: "*"``. It is read only when a rule actually needs it,
so runs that lint no policy never pay for it.

``pipelint/data/iam_arns.json`` (same source and refresh script) gives, for the writing actions,
the ARN format of the resource type each acts on; :func:`resource_arn` reads it per service, on use.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from typing import Any

from pipelint.models.policy import action_matches
from pipelint.textutil import lazy_regex


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    """Service prefix → that service's JSON text (parsed on first use), read once.

    ``scripts/refresh_iam_actions.py`` writes one service per line (``"s3": {...},``), so the
    services are found by splitting lines and only the services a policy names are parsed:
    parsing all 20,000 actions costs about 10 ms, more than linting a template. A file in any
    other layout is parsed whole.
    """
    text = _data_text("iam_actions.json")
    if text is None:
        return {}
    found: dict[str, Any] = dict(_service_lines(text, "{"))
    if found:
        return found
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if not k.startswith("_") and isinstance(v, dict)}


def _service_entries(prefix: str) -> dict[str, Any]:
    """The ``{action: [level, arn flag]}`` of one stored prefix, parsed on first use."""
    raw = _raw()
    value = raw[prefix]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = {}
        raw[prefix] = value = value if isinstance(value, dict) else {}
    return value  # type: ignore[no-any-return]


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
    for name, entry in _service_entries(prefix).items():
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
    if len(name) - name.count("*") > max(map(len, service)):
        return ()  # longer than any action of the service: one check, not one per action
    spelled = spellings()
    head = name.lower().split("*", 1)[0].split("?", 1)[0]  # what every match starts with
    names, places, ordered = _sorted_names(prefix.lower())
    first = bisect_left(names, head)
    last = bisect_left(names, head + "\U0010ffff", first)
    matching = sorted(places[i] for i in range(first, last) if action_matches(name, names[i]))
    return tuple(spelled[f"{prefix.lower()}:{ordered[place]}"] for place in matching)


@lru_cache(maxsize=64)
def _sorted_names(lower_prefix: str) -> tuple[list[str], list[int], list[str]]:
    """A service's action names sorted, each one's place in the table, and the names in table
    order: a pattern is compared only with the names starting with its text before the first
    wildcard, and its matches are still listed in table order."""
    ordered = list(table().get(lower_prefix) or {})
    pairs = sorted((name, place) for place, name in enumerate(ordered))
    return [name for name, _ in pairs], [place for _, place in pairs], ordered


def expand(pattern: str) -> list[str]:
    """The known actions a pattern (``s3:Get*``) covers, in AWS spelling; ``[pattern]`` if none.

    Cached: CI/CD policies repeat the same few patterns (``s3:*``, ``logs:*``) across files
    (a pattern longer than any action is never cached: it would only fill the cache)."""
    if len(pattern) > 256:
        return list(_expand.__wrapped__(pattern))
    return list(_expand(pattern))


def restrictable(action: str) -> bool:
    """Whether the action can be limited to specific resource ARNs (unknown actions: no)."""
    entry = lookup(action)
    return bool(entry and entry[1])


def spell(action: str) -> str:
    """AWS's spelling of a known action, else the action as given."""
    return spellings().get(action.lower()) or action


@lru_cache(maxsize=1)
def _raw_arns() -> dict[str, str]:
    """Service prefix → that service's line of ``iam_arns.json`` (parsed on first use), read once."""
    text = _data_text("iam_arns.json")
    return {} if text is None else {prefix.lower(): value for prefix, value in _service_lines(text, "[")}


def _data_text(name: str) -> str | None:
    """The text of one of pipelint's bundled data files, or ``None`` if it cannot be read."""
    import os

    from pipelint.data import HERE

    try:
        with open(os.path.join(HERE, name), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def _service_lines(text: str, opener: str) -> Iterator[tuple[str, str]]:
    """``(service prefix, JSON text of its value)`` for each line ``"prefix": <opener>…,`` of a
    data file written one service per line (keys starting with ``_`` are metadata)."""
    for line in text.splitlines():
        key, sep, value = line.partition('": ')
        if sep and key.startswith('"') and not key.startswith('"_') and value.startswith(opener):
            yield key[1:], value.rstrip().rstrip(",")


@cache
def _service_arns(lower_prefix: str) -> tuple[list[str], dict[str, int]] | None:
    """One service's ARN formats and ``{lower-cased action: index}``, parsed the first time it is needed."""
    line = _raw_arns().get(lower_prefix)
    if line is None:
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], list) and isinstance(value[1], dict)):
        return None
    arns = [str(a) for a in value[0]]
    return arns, {str(k).lower(): int(v) for k, v in value[1].items() if isinstance(v, int)}


_ARN_PLACEHOLDER_WORD = lazy_regex(r"(?<=[a-z0-9])(?=[A-Z])")


def resource_arn(action: str) -> str | None:
    """The ARN shape of the resource type a writing action acts on, from the Service
    Authorization Reference (``ecs:RegisterTaskDefinition`` →
    ``arn:aws:ecs:<region>:<account>:task-definition/<task-definition-family-name>:<task-definition-revision-number>``),
    or ``None`` when the table does not say (read and list actions, actions that work only on
    ``"*"``, actions with several optional resource types)."""
    entry = lookup(action)
    if entry is None or entry[0] not in ("W", "T", "P") or not entry[1]:
        return None
    prefix, _, name = action.partition(":")
    found = _service_arns(prefix.lower())
    if found is None:
        return None
    arns, actions = found
    index = actions.get(name.lower(), 0)
    if not 0 <= index < len(arns):
        return None
    return "arn:aws:" + _PLACEHOLDER.sub(_placeholder, arns[index])


_PLACEHOLDER = lazy_regex(r"\$\{([A-Za-z0-9]{1,64})\}")


def _placeholder(match: re.Match[str]) -> str:
    """``${Region}`` → ``<region>``, ``${TaskDefinitionFamilyName}`` → ``<task-definition-family-name>``."""
    return "<" + _ARN_PLACEHOLDER_WORD.sub("-", match.group(1)).lower() + ">"


@lru_cache(maxsize=1)
def _cfn_handler_actions() -> frozenset[str]:
    """``iam_cfn_actions.json`` as lower-cased ``service:action`` names, read on first use."""
    import os

    from pipelint.data import HERE

    try:
        with open(os.path.join(HERE, "iam_cfn_actions.json"), encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, ValueError):
        return frozenset()
    if not isinstance(raw, dict):
        return frozenset()
    return frozenset(
        f"{prefix.lower()}:{str(entry).split('|', 1)[0].lower()}"
        for prefix, entries in raw.items() if not prefix.startswith("_") and isinstance(entries, list)
        for entry in entries
    )


def cloudformation_needs(action: str) -> bool:
    """Whether a CloudFormation resource handler lists the action in its permissions although the
    Service Authorization Reference table lacks it (``sso:UpdateApplicationProfileForAWSAccountInstance``):
    the action exists."""
    return action.lower() in _cfn_handler_actions()
