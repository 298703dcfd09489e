"""Finding and loading rules: built-in packages, the ``pipelint.rules`` entry points, rule dirs.

Built-in rules load through the same mechanism as third-party ones: a module (or package, whose
submodules are all imported) that defines :class:`~pipelint.engine.rule.Rule` objects at module
level. Entry points are read from the ``pipelint.rules`` group; a rules directory is a folder of
``.py`` files given with ``--rules-dir`` or the ``rules-dir`` config key.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

from .rule import Rule

BUILTIN_PACKAGES = (
    "pipelint.rules.general",
    "pipelint.rules.buildspec",
    "pipelint.rules.appspec",
    "pipelint.rules.pipeline",
    "pipelint.rules.iam",
    "pipelint.rules.secrets",
    "pipelint.rules.codebuild",
)


class RuleLoadError(Exception):
    """A plugin could not be imported or defines a clashing rule."""


class Registry:
    """All known rules, by code and by name."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.by_code: dict[str, Rule] = {}
        self.by_name: dict[str, Rule] = {}

    def add(self, found: Rule) -> None:
        """Register a rule; a second rule with the same code or name is an error."""
        existing = self.by_code.get(found.code)
        if existing is found:
            return
        if existing is not None:
            raise RuleLoadError(f"rule code {found.code} is defined twice ({existing.origin} and {found.origin})")
        if found.name in self.by_name:
            raise RuleLoadError(f"rule name {found.name} is defined twice ({self.by_name[found.name].origin} and {found.origin})")
        self.rules.append(found)
        self.by_code[found.code] = found
        self.by_name[found.name] = found

    def resolve(self, ident: str) -> list[Rule]:
        """Rules matching a code, a name, or a code prefix (``BS``, ``BS1``); empty if none."""
        ident = ident.strip()
        if ident.upper() in self.by_code:
            return [self.by_code[ident.upper()]]
        if ident.lower() in self.by_name:
            return [self.by_name[ident.lower()]]
        if ident.upper() == "ALL":
            return list(self.rules)
        prefix = ident.upper()
        return [r for r in self.rules if r.code.startswith(prefix)] if prefix else []

    def get(self, ident: str) -> Rule | None:
        """One rule by exact code or name."""
        return self.by_code.get(ident.upper()) or self.by_name.get(ident.lower())

    def sorted(self) -> list[Rule]:
        """Rules in code order."""
        return sorted(self.rules, key=lambda r: r.code)


def _indexed_builtins() -> list[Rule] | None:
    from .rule_index import load_index

    return load_index()


def _collect(module: ModuleType, registry: Registry) -> None:
    for value in list(vars(module).values()):
        if isinstance(value, Rule):
            registry.add(value)
    path = getattr(module, "__path__", None)
    if path is not None:
        import pkgutil

        for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            _collect(importlib.import_module(f"{module.__name__}.{info.name}"), registry)


def entry_point_modules() -> list[str]:
    """The modules named in the ``pipelint.rules`` entry-point group of installed distributions.

    This reads ``entry_points.txt`` of every ``*.dist-info``/``*.egg-info`` on ``sys.path``
    directly: the same data ``importlib.metadata`` reads, at a tenth of its import cost, which
    matters on the cold path of a single-file run.
    """
    found: list[str] = []
    seen_dirs: set[str] = set()
    for entry in sys.path:
        directory = os.path.abspath(entry or ".")
        if directory in seen_dirs or not os.path.isdir(directory):
            continue
        seen_dirs.add(directory)
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in sorted(names):
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if "pipelint.rules" not in text:
                continue
            section = None
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("["):
                    section = line.strip("[] ")
                elif section == "pipelint.rules" and "=" in line and not line.startswith(("#", ";")):
                    module = line.split("=", 1)[1].strip().split(":")[0].strip()
                    if module and module not in found:
                        found.append(module)
    return found


def load_rules(rules_dirs: list[str] | None = None, use_entry_points: bool = True, full: bool = False) -> Registry:
    """The built-in rules, every ``pipelint.rules`` entry point's rules, and rule directories.

    Built-in rules come from the rule index when it is fresh (their modules are imported on
    first use); ``full=True`` imports every module instead.
    """
    registry = Registry()
    modules: list[str] = []
    indexed = None if full else _indexed_builtins()
    if indexed is None:
        modules.extend(BUILTIN_PACKAGES)
    else:
        for found in indexed:
            registry.add(found)
    if use_entry_points:
        for name in entry_point_modules():
            if name not in modules and name not in BUILTIN_PACKAGES:
                modules.append(name)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # a broken plugin must not stop the built-in rules
            raise RuleLoadError(f"could not import rule plugin {name}: {type(error).__name__}: {error}") from error
        _collect(module, registry)
    for directory in rules_dirs or []:
        load_rules_dir(directory, registry)
    return registry


def load_rules_dir(directory: str, registry: Registry) -> None:
    """Import every ``*.py`` file of ``directory`` and register the rules it defines."""
    import importlib.util

    if not os.path.isdir(directory):
        raise RuleLoadError(f"rules directory {directory} does not exist")
    for entry in sorted(os.listdir(directory)):
        if not entry.endswith(".py") or entry.startswith("_"):
            continue
        path = os.path.join(directory, entry)
        name = f"pipelint_rules_dir_{abs(hash(os.path.abspath(path)))}_{entry[:-3]}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise RuleLoadError(f"could not import rule file {path}: {type(error).__name__}: {error}") from error
        _collect(module, registry)
