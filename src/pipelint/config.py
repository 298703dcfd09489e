"""Configuration: ``[tool.pipelint]`` in ``pyproject.toml`` or a ``.pipelint.toml`` file.

Keys (all optional)::

    select = ["BS", "AS1"]          # codes, names or prefixes to enable (default: all)
    ignore = ["CP401"]              # codes, names or prefixes to disable
    fail-on = "warning"             # error | warning | note | never
    severity = { BS110 = "error" }  # per-rule severity overrides
    per-file-ignores = { "legacy/**" = ["BS"] }
    kinds = { "ci/*.yml" = "buildspec" }   # map globs to document kinds
    exclude = ["generated/**"]      # paths not to walk
    rules-dir = ["lint-rules"]      # folders of plugin rule files
    max-file-size = 5242880         # bytes
    max-depth = 256
    jobs = 2
    bundle-root = "."               # appspec bundle root, relative to the appspec (default: its folder)
    [tool.pipelint.rule-options.BS401]
    image = "aws/codebuild/standard:7.0"

Unknown keys and unknown rule codes are configuration errors (exit 2), never silently ignored.
"""

from __future__ import annotations

import os
from typing import Any

from .records import ValueRecord

KNOWN_KEYS = {
    "select", "ignore", "fail-on", "severity", "per-file-ignores", "kinds", "exclude", "rules-dir",
    "max-file-size", "max-depth", "jobs", "bundle-root", "rule-options", "extend-select",
}


class ConfigError(Exception):
    """A configuration file or option is invalid (exit status 2)."""


class Config(ValueRecord):
    """Effective settings after merging the config file with command-line options."""

    __slots__ = ("select", "ignore", "fail_on", "severity", "per_file_ignores", "kinds", "exclude", "rules_dir", "max_file_size", "max_depth", "jobs", "bundle_root", "rule_options", "path", "root")

    select: list[str]
    ignore: list[str]
    fail_on: str
    severity: dict[str, str]
    per_file_ignores: dict[str, list[str]]
    kinds: dict[str, str]
    exclude: list[str]
    rules_dir: list[str]
    max_file_size: int
    max_depth: int
    jobs: int | None
    bundle_root: str | None
    rule_options: dict[str, dict[str, Any]]
    path: str | None  # the file it came from
    root: str  # the directory config-relative paths are relative to

    def __init__(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        fail_on: str = "warning",
        severity: dict[str, str] | None = None,
        per_file_ignores: dict[str, list[str]] | None = None,
        kinds: dict[str, str] | None = None,
        exclude: list[str] | None = None,
        rules_dir: list[str] | None = None,
        max_file_size: int = 5 * 1024 * 1024,
        max_depth: int = 256,
        jobs: int | None = None,
        bundle_root: str | None = None,
        rule_options: dict[str, dict[str, Any]] | None = None,
        path: str | None = None,
        root: str = ".",
    ) -> None:
        self.select = [] if select is None else select
        self.ignore = [] if ignore is None else ignore
        self.fail_on = fail_on
        self.severity = {} if severity is None else severity
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.kinds = {} if kinds is None else kinds
        self.exclude = [] if exclude is None else exclude
        self.rules_dir = [] if rules_dir is None else rules_dir
        self.max_file_size = max_file_size
        self.max_depth = max_depth
        self.jobs = jobs
        self.bundle_root = bundle_root
        self.rule_options = {} if rule_options is None else rule_options
        self.path = path
        self.root = root


def find_config(start: str) -> str | None:
    """The nearest ``.pipelint.toml`` or ``pyproject.toml`` with ``[tool.pipelint]`` above ``start``."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, ".pipelint.toml")
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as handle:
                    if b"[tool.pipelint" in handle.read():
                        return candidate
            except OSError:
                pass
        if os.path.isdir(os.path.join(directory, ".git")):
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _str_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"`{key}` must be a string or a list of strings")


def load_config(path: str | None) -> Config:
    """Read a config file (``None``: defaults). Raises :class:`ConfigError` on any problem."""
    config = Config()
    if path is None:
        return config
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("pipelint", {})
    elif "tool" in data and "pipelint" in data.get("tool", {}):
        data = data["tool"]["pipelint"]
    config.path = path
    config.root = os.path.dirname(os.path.abspath(path))
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown configuration key(s): {', '.join(sorted(unknown))}")
    if "select" in data:
        config.select = _str_list(data["select"], "select")
    if "extend-select" in data:
        config.select = (config.select or []) + _str_list(data["extend-select"], "extend-select")
    if "ignore" in data:
        config.ignore = _str_list(data["ignore"], "ignore")
    if "fail-on" in data:
        config.fail_on = str(data["fail-on"])
    if "severity" in data:
        if not isinstance(data["severity"], dict):
            raise ConfigError("`severity` must be a table of rule = level")
        config.severity = {str(k): str(v) for k, v in data["severity"].items()}
    if "per-file-ignores" in data:
        table = data["per-file-ignores"]
        if not isinstance(table, dict):
            raise ConfigError("`per-file-ignores` must be a table of glob = [codes]")
        config.per_file_ignores = {str(k): _str_list(v, f"per-file-ignores.{k}") for k, v in table.items()}
    if "kinds" in data:
        table = data["kinds"]
        if not isinstance(table, dict):
            raise ConfigError("`kinds` must be a table of glob = kind")
        from .extract.classify import FILE_KINDS

        for glob, kind in table.items():
            if kind not in FILE_KINDS:
                raise ConfigError(f"`kinds.{glob}`: unknown kind {kind!r}; use one of {', '.join(FILE_KINDS)}")
        config.kinds = {str(k): str(v) for k, v in table.items()}
    if "exclude" in data:
        config.exclude = _str_list(data["exclude"], "exclude")
    if "rules-dir" in data:
        config.rules_dir = [os.path.join(config.root, d) for d in _str_list(data["rules-dir"], "rules-dir")]
    for key, attr in (("max-file-size", "max_file_size"), ("max-depth", "max_depth"), ("jobs", "jobs")):
        if key in data:
            value = data[key]
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"`{key}` must be a positive integer")
            setattr(config, attr, value)
    if "bundle-root" in data:
        config.bundle_root = str(data["bundle-root"])
    if "rule-options" in data:
        table = data["rule-options"]
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise ConfigError("`rule-options` must be a table of tables")
        config.rule_options = {str(k): dict(v) for k, v in table.items()}
    return config
