"""ruamel.yaml's C parser, imported without running the package's ``__init__`` first.

``import ruamel.yaml.cyaml`` runs ``ruamel/yaml/__init__.py``, which imports ``ruamel.yaml.main``
and with it the round-trip ``YAML`` class, its loaders, dumpers and ``glob``: about 2 ms of a
60 ms cold start, none of which pipelint uses. :func:`c_parser_class` registers the package
module from its import spec without executing it, imports only the C parser (which imports the
submodules it needs itself), and leaves the package to finish loading the first time anyone
asks it for a name it does not have yet (``ruamel.yaml.YAML``, ``ruamel.yaml.__version__``,
``from ruamel.yaml import YAML``): then the real ``__init__`` runs into the same module object,
so code in the same process that uses ruamel.yaml's public API sees the whole package.

When the package is already imported, or its layout is not the expected one, this is a plain
``import`` and nothing else.
"""

from __future__ import annotations

import sys
from typing import Any

_PACKAGE = "ruamel.yaml"
# Dunder names the package's __init__ defines or a star import asks for; other dunders (probed
# by the import system and by tools walking sys.modules) do not make the package load.
_PUBLIC_DUNDERS = ("__version__", "__with_libyaml__", "__all__")


def c_parser_class() -> Any:
    """``ruamel.yaml.cyaml.CParser`` (libyaml's parser, emitting ruamel.yaml events)."""
    if _PACKAGE not in sys.modules:
        _register_unexecuted_package()
    from ruamel.yaml.cyaml import CParser

    return CParser


def _register_unexecuted_package() -> None:
    """Put ``ruamel.yaml`` in ``sys.modules`` as an unexecuted package that completes itself on
    first attribute miss; on any surprise, leave everything as it was."""
    import types
    from importlib.machinery import PathFinder

    try:
        import ruamel
    except ImportError:
        return
    spec = PathFinder.find_spec(_PACKAGE, list(getattr(ruamel, "__path__", [])))
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return
    module = types.ModuleType(_PACKAGE)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__file__ = spec.origin
    module.__path__ = list(spec.submodule_search_locations)
    module.__package__ = _PACKAGE
    loader = spec.loader
    running = False

    def complete(name: str) -> Any:
        # Module-level __getattr__ (PEP 562): called only for names the module lacks.
        nonlocal running
        if running or name.startswith("__") and name not in _PUBLIC_DUNDERS:
            raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}")
        running = True
        try:
            del module.__dict__["__getattr__"]
            loader.exec_module(module)
        finally:
            running = False
        return getattr(module, name)

    module.__dict__["__getattr__"] = complete
    sys.modules[_PACKAGE] = module
    ruamel.yaml = module  # type: ignore[attr-defined]  # as the import system sets a parent's attribute
