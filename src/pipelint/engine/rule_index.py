"""An index of the built-in rules, so a run imports only the rule modules it needs.

Importing every rule module (and compiling its regular expressions) costs more than linting a
small file. The index (``pipelint/data/rule_index.json``) records, for every built-in rule, its
metadata and documentation and the module attribute that holds it; the registry builds
:class:`~pipelint.engine.rule.Rule` objects from it whose check functions import their module on
first use. A buildspec-only run never imports the pipeline or IAM rules.

The index also records the name and size of every file in ``rules/``; when they differ from what
is on disk (a rule was edited and the index not regenerated), the registry ignores the index and
imports everything, so a stale index can cost time but never correctness.
``tests/test_rule_index.py`` fails when the committed index is stale. Regenerate it with::

    python -m pipelint.engine.rule_index --write
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

from ..findings import Severity
from .rule import Rule

INDEX_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "rule_index.json")


def rules_root() -> str:
    """The folder of the built-in rule packages (``rules/`` in a checkout, inside the wheel)."""
    import pipelint.rules

    return os.path.dirname(pipelint.rules.__file__)


def fingerprint_files(root: str) -> dict[str, int]:
    """``relative path → size`` of every ``.py`` file under the rules folder."""
    found: dict[str, int] = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                found[os.path.relpath(path, root).replace(os.sep, "/")] = os.path.getsize(path)
    return found


def build_index(packages: tuple[str, ...]) -> dict[str, Any]:
    """Import every built-in rule module and describe its rules."""
    import pkgutil

    entries: list[dict[str, Any]] = []

    def visit(module_name: str) -> None:
        module = importlib.import_module(module_name)
        for attr, value in vars(module).items():
            if isinstance(value, Rule):
                entries.append(
                    {
                        "module": module_name, "attr": attr, "code": value.code, "name": value.name,
                        "severity": str(value.severity), "kinds": list(value.kinds), "scope": value.scope,
                        "tags": list(value.tags), "security_severity": value.security_severity,
                        "flavors": list(value.flavors), "summary": value.summary, "doc": value.doc,
                        "shared": _qualified(value.shared), "fixable": value.fixable,
                    }
                )
        path = getattr(module, "__path__", None)
        if path is not None:
            for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
                if not info.name.startswith("_"):
                    visit(f"{module_name}.{info.name}")

    for package in packages:
        visit(package)
    entries.sort(key=lambda e: e["code"])
    return {"files": fingerprint_files(rules_root()), "rules": entries}


def _qualified(function: Any) -> list[str] | None:
    """``[module, attribute]`` of a module-level function (for a rule's ``shared`` predicate)."""
    if function is None:
        return None
    module, name = function.__module__, function.__qualname__
    if getattr(importlib.import_module(module), name, None) is not function:
        raise ValueError(f"{module}.{name}: a rule's `shared` must be a module-level function")
    return [module, name]


class _LazyCheck:
    """A check function (or another function of a rule module) that imports its module on first call."""

    __slots__ = ("module", "attr", "_function")

    def __init__(self, module: str, attr: str) -> None:
        self.module = module
        self.attr = attr
        self._function: Any = None

    def __call__(self, *args: Any) -> Any:
        if self._function is None:
            target = getattr(importlib.import_module(self.module), self.attr)
            self._function = target.check if isinstance(target, Rule) else target
        return self._function(*args)


def load_index() -> list[Rule] | None:
    """Rules from the committed index, or ``None`` when it is missing or stale."""
    try:
        with open(INDEX_PATH, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    try:
        if data.get("files") != fingerprint_files(rules_root()):
            return None
    except OSError:
        return None
    rules = []
    for entry in data["rules"]:
        rules.append(
            Rule(
                code=entry["code"], name=entry["name"], severity=Severity.parse(entry["severity"]),
                kinds=tuple(entry["kinds"]), summary=entry["summary"], doc=entry["doc"],
                check=_LazyCheck(entry["module"], entry["attr"]), scope=entry["scope"], tags=tuple(entry["tags"]),
                security_severity=entry["security_severity"], flavors=tuple(entry["flavors"]),
                origin=f"{entry['module']}.{entry['attr']}",
                shared=_LazyCheck(*entry["shared"]) if entry.get("shared") else None,
                fixable=entry.get("fixable", ""),
            )
        )
    return rules


def main(argv: list[str]) -> int:
    """``--write`` regenerates the index; ``--check`` exits 1 when it is stale."""
    from .registry import BUILTIN_PACKAGES

    fresh = build_index(BUILTIN_PACKAGES)
    text = json.dumps(fresh, indent=1, sort_keys=True) + "\n"
    if "--write" in argv:
        with open(INDEX_PATH, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        print(f"wrote {INDEX_PATH} ({len(fresh['rules'])} rules)")
        return 0
    try:
        with open(INDEX_PATH, encoding="utf-8") as handle:
            current = handle.read()
    except OSError:
        current = ""
    if current != text:
        print("the rule index is stale; run: python -m pipelint.engine.rule_index --write")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
