#!/usr/bin/env python3
"""Regenerate ``src/pipelint/data/iam_cfn_actions.json``: the IAM actions that AWS CloudFormation's
resource handlers need but that the bundled Service Authorization Reference table lacks.

Every CloudFormation resource type publishes a resource provider schema whose
``handlers.<create|read|update|delete|list>.permissions`` list the IAM actions the handler calls
(AWS CloudFormation CLI User Guide, "Resource type schema", ``handlers``). Those actions exist: a
stack that manages the resource fails without them. Some are missing from the Service
Authorization Reference (``sso:UpdateApplicationProfileForAWSAccountInstance``, needed to create
``AWS::SSO::InstanceAccessControlAttributeConfiguration``) or are newer than the bundled table,
so IAM009 must not call them unknown.

How to refresh
--------------
1. Get the schemas: AWS publishes them per Region as a zip of JSON files
   (``https://schema.cloudformation.<region>.amazonaws.com/CloudformationSchema.zip``); cfn-lint's
   wheel also carries a copy under ``cfnlint/data/schemas/resources/``. Unpack either into a folder.
2. Run, from the project root, after ``scripts/refresh_iam_actions.py``::

       python scripts/refresh_cfn_actions.py <folder of schema JSON files> --source "<where they came from>"

3. Review the diff and run the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

_ACTION = re.compile(r"^[A-Za-z0-9-]{1,64}:[A-Za-z0-9]{1,128}$")


def handler_actions(folder: str) -> dict[str, set[str]]:
    """``{action: {resource type, ...}}`` for every action named by a handler of a schema in ``folder``."""
    found: dict[str, set[str]] = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                schema: Any = json.load(handle)
        except (OSError, ValueError):
            continue
        if not isinstance(schema, dict) or not isinstance(schema.get("handlers"), dict):
            continue
        type_name = str(schema.get("typeName") or name)
        for handler in schema["handlers"].values():
            for permission in (handler or {}).get("permissions") or []:
                if isinstance(permission, str) and _ACTION.match(permission):
                    found.setdefault(permission, set()).add(type_name)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="folder of CloudFormation resource provider schemas (*.json)")
    parser.add_argument("--actions", default="src/pipelint/data/iam_actions.json")
    parser.add_argument("-o", "--output", default="src/pipelint/data/iam_cfn_actions.json")
    parser.add_argument("--source", required=True, help="where the schemas came from, recorded in the file")
    args = parser.parse_args(argv)

    with open(args.actions, encoding="utf-8") as handle:
        table = {k.lower(): {a.lower() for a in v} for k, v in json.load(handle).items() if not k.startswith("_")}
    missing: dict[str, list[str]] = {}
    for action, types in handler_actions(args.folder).items():
        prefix, _, name = action.partition(":")
        if name.lower() in table.get(prefix.lower(), set()):
            continue
        missing.setdefault(prefix.lower(), []).append(f"{name}|{min(types)}")
    output: dict[str, Any] = {
        "_source": f"handlers.*.permissions of the AWS CloudFormation resource provider schemas ({args.source})",
        "_format": ("Service prefix (lower case) -> \"Action|AWS::Resource::Type\" entries: actions a CloudFormation "
                    "resource handler needs that are not in iam_actions.json, with one resource type that needs each."),
    }
    for prefix in sorted(missing):
        output[prefix] = sorted(set(missing[prefix]), key=str.lower)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write("{\n")
        items = list(output.items())
        for index, (key, value) in enumerate(items):
            comma = "," if index < len(items) - 1 else ""
            handle.write(f"{json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}{comma}\n")
        handle.write("}\n")
    print(f"wrote {args.output}: {sum(len(v) for v in missing.values())} actions in {len(missing)} services", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
