"""An index of the built-in rules, so a run imports only the rule modules it needs.

Importing every rule module (and compiling its regular expressions) costs more than linting a
small file. The index (``pipelint/data/rule_index.json``) records, for every built-in rule, its
metadata and the module attribute that holds it; the registry builds
:class:`~pipelint.engine.rule.Rule` objects from it whose check functions import their module on
first use. A buildspec-only run never imports the pipeline or IAM rules. The rules'
documentation (a third of a megabyte) is in a second file, ``rule_docs.json``, read the first
time a rule's ``doc`` is asked for (``pipelint rules``, SARIF, hover), not by a run that only
lints.

The index also records the name and size of every file in ``rules/`` and the size of the
documentation file; when they differ from what is on disk (a rule was edited and the index not
regenerated), the registry ignores the index and imports everything, so a stale index can cost
time but never correctness.
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
DOCS_PATH = os.path.join(os.path.dirname(INDEX_PATH), "rule_docs.json")


def rules_root() -> str:
    """The folder of the built-in rule packages (``rules/`` in a checkout, inside the wheel)."""
    import pipelint.rules

    return os.path.dirname(pipelint.rules.__file__)


def fingerprint_files(root: str) -> dict[str, int]:
    """``relative path → size`` of every ``.py`` file under the rules folder (``__pycache__``
    and linked folders left out)."""
    found: dict[str, int] = {}
    pending = [("", root)]
    while pending:  # os.scandir, not os.walk: this runs on every cold start, and walk costs 3x
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".py"):
                    found[prefix + name] = entry.stat().st_size
                elif name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{name}/", entry.path))
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


def split_docs(index: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The index without the rules' documentation, and the text of ``rule_docs.json`` (code →
    doc); the index records that text's size in UTF-8."""
    docs = {entry["code"]: entry["doc"] for entry in index["rules"]}
    docs_text = json.dumps(docs, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    rules = [{key: value for key, value in entry.items() if key != "doc"} for entry in index["rules"]]
    return {"files": index["files"], "docs_size": len(docs_text.encode("utf-8")), "rules": rules}, docs_text


def _qualified(function: Any) -> list[str] | None:
    """``[module, attribute]`` of a module-level function (for a rule's ``shared`` predicate)."""
    if function is None:
        return None
    module, name = function.__module__, function.__qualname__
    if getattr(importlib.import_module(module), name, None) is not function:
        raise ValueError(f"{module}.{name}: a rule's `shared` must be a module-level function")
    return [module, name]


_docs: dict[str, str] | None = None


class _IndexedDoc:
    """A rule's documentation, read from ``rule_docs.json`` when first asked for."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __call__(self) -> str:
        global _docs
        if _docs is None:
            with open(DOCS_PATH, encoding="utf-8") as handle:
                _docs = json.load(handle)
        return _docs.get(self.code, "")

    def __repr__(self) -> str:
        return f"<documentation of {self.code} in {os.path.basename(DOCS_PATH)}>"


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
        if data.get("docs_size") != os.stat(DOCS_PATH).st_size or data.get("files") != fingerprint_files(rules_root()):
            return None
    except OSError:
        return None
    rules = []
    for entry in data["rules"]:
        rules.append(
            Rule(
                code=entry["code"], name=entry["name"], severity=Severity.parse(entry["severity"]),
                kinds=tuple(entry["kinds"]), summary=entry["summary"], doc=_IndexedDoc(entry["code"]),
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

    index, docs_text = split_docs(build_index(BUILTIN_PACKAGES))
    wanted = {INDEX_PATH: json.dumps(index, indent=1, sort_keys=True) + "\n", DOCS_PATH: docs_text}
    if "--write" in argv:
        for path, text in wanted.items():
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        print(f"wrote {INDEX_PATH} and {os.path.basename(DOCS_PATH)} ({len(index['rules'])} rules)")
        return 0
    for path, text in wanted.items():
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                current = handle.read()
        except OSError:
            current = ""
        if current != text:
            print("the rule index is stale; run: python -m pipelint.engine.rule_index --write")
            return 1
    return 0

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
