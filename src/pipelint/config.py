"""Configuration: ``[tool.pipelint]`` in ``pyproject.toml`` or a ``.pipelint.toml`` file.

Keys (all optional)::

    select = ["BS", "AS1"]          # codes, names or prefixes to enable (default: all)
    ignore = ["CP401"]              # codes, names or prefixes to disable
    fail-on = "warning"             # error | warning | note | never
    severity = { BS110 = "error" }  # per-rule severity overrides
    per-file-ignores = { "legacy/**" = ["BS"] }
    kinds = { "ci/*.yml" = "buildspec" }   # map globs to document kinds
    exclude = ["generated/**"]      # paths not to walk
    rules-dir = ["lint-rules"]      # folders of plugin rule files (only loaded when trusted, see below)
    max-file-size = 5242880         # bytes
    max-depth = 256
    jobs = 2
    bundle-root = "."               # appspec bundle root, relative to the appspec (default: its folder)
    [tool.pipelint.rule-options.BS401]
    image = "aws/codebuild/standard:7.0"

Unknown keys and unknown rule codes are configuration errors (exit 2), never silently ignored.

Trust: a config file belongs to the repository being linted, and linting must never run that
repository's code. So ``rules-dir`` folders named by a config file are *not* imported unless the
user trusts them: ``--trust-config-plugins`` on the command line, or, in the user-level config
(:func:`user_config_path`, outside every repository)::

    trust-config-plugins = true            # every repository's rules-dir (CI of your own code)
    trusted-paths = ["~/src/my-repo"]      # or only config files at or below these folders

Otherwise the folders are recorded in :attr:`Config.ignored_rules_dir` and a notice says how to
allow them. A ``rules-dir`` that resolves outside the config file's folder is refused even when
trusted. Numeric limits from a config file are capped (:data:`CONFIG_CAPS`) so that a linted
repository cannot lift pipelint's memory and process bounds; the command line can.
"""

from __future__ import annotations

import os
from typing import Any

from .records import ValueRecord

KNOWN_KEYS = {
    "select", "ignore", "fail-on", "severity", "per-file-ignores", "kinds", "exclude", "rules-dir",
    "max-file-size", "max-depth", "jobs", "bundle-root", "rule-options", "extend-select",
}


# The largest values a config file may set; the command line is not capped.
CONFIG_CAPS = {"max-file-size": 64 * 1024 * 1024, "max-depth": 1000, "jobs": 64}
USER_KEYS = {"trust-config-plugins", "trusted-paths"}


class ConfigError(Exception):
    """A configuration file or option is invalid (exit status 2).

    The message may quote what the config file holds, which a linted repository controls: any
    secret-looking text in it is masked, and it is cut to a few hundred characters."""

    def __init__(self, message: str) -> None:
        from .textutil import mask_secret_like

        masked = mask_secret_like(message)
        super().__init__(masked if len(masked) <= 400 else masked[:399] + "…")


class Config(ValueRecord):
    """Effective settings after merging the config file with command-line options."""

    __slots__ = ("select", "extend_select", "ignore", "fail_on", "severity", "per_file_ignores", "kinds", "exclude", "rules_dir", "max_file_size", "max_depth", "jobs", "bundle_root", "rule_options", "path", "root", "ignored_rules_dir", "follow_symlinks")

    select: list[str]
    extend_select: list[str]  # added to `select` (or to the default set when `select` is empty)
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
    ignored_rules_dir: list[str]  # plugin folders the config names but the user does not trust
    follow_symlinks: bool  # command line only: a linted repository must not widen what is read

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
        ignored_rules_dir: list[str] | None = None,
        follow_symlinks: bool = False,
        extend_select: list[str] | None = None,
    ) -> None:
        self.select = [] if select is None else select
        self.extend_select = [] if extend_select is None else extend_select
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
        self.ignored_rules_dir = [] if ignored_rules_dir is None else ignored_rules_dir
        self.follow_symlinks = follow_symlinks


# A config file larger than this is not a config file (and must not exhaust memory).
MAX_CONFIG_BYTES = 1024 * 1024


def _usable(candidate: str, directory: str) -> bool:
    """A config candidate that is a regular file, and not a symbolic link leading out of its
    repository (its git work tree, else its folder): a linted tree's settings come from it."""
    if not os.path.isfile(candidate):
        return False
    if os.path.islink(candidate):
        from .discover import git_top, inside

        if not inside(candidate, git_top(directory) or directory):
            from .engine.notices import notify

            notify(f"warning: ignoring {candidate}: a symbolic link to a file outside its repository")
            return False
    return True


def find_config(start: str) -> str | None:
    """The nearest ``.pipelint.toml`` or ``pyproject.toml`` with ``[tool.pipelint]`` above ``start``
    (stopping at the top of a git work tree)."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, ".pipelint.toml")
        if _usable(candidate, directory):
            return candidate
        candidate = os.path.join(directory, "pyproject.toml")
        if _usable(candidate, directory):
            try:
                with open(candidate, "rb") as handle:
                    if b"[tool.pipelint" in handle.read(MAX_CONFIG_BYTES):
                        return candidate
            except OSError:
                pass
        if os.path.isdir(os.path.join(directory, ".git")):
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def repository_root(path: str) -> str:
    """The folder that references from the file ``path`` may not leave: the folder of the
    config file that applies to it, else its git work tree, else its own folder."""
    from .discover import git_top

    folder = os.path.dirname(os.path.abspath(path))
    config = find_config(folder)
    if config is not None:
        return os.path.dirname(os.path.abspath(config))
    return git_top(folder) or folder


def _str_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"`{key}` must be a string or a list of strings")


def load_config(path: str | None, trust_plugins: bool | None = None) -> Config:
    """Read a config file (``None``: defaults). Raises :class:`ConfigError` on any problem.

    ``trust_plugins``: whether the file's ``rules-dir`` folders may be imported; ``None`` asks
    the user-level config (:func:`config_trusted`). Untrusted folders go to
    ``ignored_rules_dir`` and a notice says so once.
    """
    config = Config()
    if path is None:
        return config
    data = _read_toml(path, "config file")
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
        config.extend_select = _str_list(data["extend-select"], "extend-select")
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
        folders = [_inside_root(config.root, d, f"{path}: `rules-dir`") for d in _str_list(data["rules-dir"], "rules-dir")]
        if trust_plugins or (trust_plugins is None and config_trusted(path)):
            config.rules_dir = folders
        else:
            config.ignored_rules_dir = folders
    for key, attr in (("max-file-size", "max_file_size"), ("max-depth", "max_depth"), ("jobs", "jobs")):
        if key in data:
            value = data[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"`{key}` must be a positive integer")
            if value > CONFIG_CAPS[key]:
                raise ConfigError(f"{path}: `{key}` is above the {CONFIG_CAPS[key]} a config file may set "
                                  f"(a linted repository must not lift pipelint's limits); pass it on the command line instead")
            setattr(config, attr, value)
    if "bundle-root" in data:
        config.bundle_root = str(data["bundle-root"])
    if "rule-options" in data:
        table = data["rule-options"]
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise ConfigError("`rule-options` must be a table of tables")
        config.rule_options = {str(k): dict(v) for k, v in table.items()}
    if config.ignored_rules_dir:
        from .engine.notices import notify

        shown = ", ".join(config.ignored_rules_dir)
        notify(f"warning: not loading plugin rules from {shown} (named by `rules-dir` in {path}): a linted repository's "
               "config cannot run code; pass --trust-config-plugins, or trust it in "
               f"{user_config_path()} (trusted-paths = [\"{config.root}\"])")
    return config


def _inside_root(root: str, relative: str, where: str) -> str:
    """``relative`` joined to ``root``; a :class:`ConfigError` if its real path leaves ``root``."""
    joined = os.path.normpath(os.path.join(root, relative))
    real_root = os.path.realpath(root)
    real = os.path.realpath(joined)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise ConfigError(f"{where}: {relative!r} resolves outside the config file's folder; refused")
    return joined


def user_config_path() -> str:
    """The user-level config file: ``$XDG_CONFIG_HOME/pipelint/config.toml`` (default
    ``~/.config/pipelint/config.toml``; on Windows ``%APPDATA%\\pipelint\\config.toml``).

    It lives outside every repository, so only its owner decides what it trusts.
    """
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base and os.name == "nt" and os.environ.get("APPDATA"):
        base = os.environ["APPDATA"]
    if not base:
        base = os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "pipelint", "config.toml")


def _read_toml(path: str, what: str) -> dict[str, Any]:
    """A TOML file of at most :data:`MAX_CONFIG_BYTES`, parsed; every way it can fail (unreadable,
    too large, not UTF-8, invalid TOML, an integer of thousands of digits, nesting past the
    stack) is a :class:`ConfigError` naming ``what`` and ``path``."""
    import tomllib

    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; not a config file pipelint reads")
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(f"cannot read {what} {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except (ValueError, RecursionError):  # an integer of thousands of digits; nesting past the stack
        raise ConfigError(f"{path}: a value pipelint cannot read (an integer of thousands of digits, or nesting too deep)") from None


def load_user_config() -> dict[str, Any]:
    """The user-level settings (``trust-config-plugins``, ``trusted-paths``); empty if none."""
    path = user_config_path()
    if not os.path.exists(path):
        return {}
    data = _read_toml(path, "user config")
    unknown = set(data) - USER_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown user configuration key(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(USER_KEYS))})")
    if "trust-config-plugins" in data and not isinstance(data["trust-config-plugins"], bool):
        raise ConfigError(f"{path}: `trust-config-plugins` must be true or false")
    if "trusted-paths" in data:
        data["trusted-paths"] = _str_list(data["trusted-paths"], "trusted-paths")
    return data


def config_trusted(path: str) -> bool:
    """Whether the user-level config trusts the plugins named by the config file ``path``:
    ``trust-config-plugins = true``, or the file lies at or below one of ``trusted-paths``."""
    user = load_user_config()
    if user.get("trust-config-plugins") is True:
        return True
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    for trusted in user.get("trusted-paths", []):
        base = os.path.realpath(os.path.expanduser(trusted))
        if folder == base or folder.startswith(base.rstrip(os.sep) + os.sep):
            return True
    return False
