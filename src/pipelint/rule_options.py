"""Validating ``[tool.pipelint.rule-options.<rule>]``: every key must be one a rule reads.

An option that no rule reads (a typo, ``imgae``), or a value a rule cannot use (an unknown
CodeBuild image), used to be accepted and silently switched the check it was meant to tune
back to its default. Like every other configuration key, it is now an error (exit 2) naming
the key. Plugin rules declare no options table, so a table that names a plugin rule accepts
any key.

:data:`OPTIONS` lists, per option key, the built-in rules that read it; a test checks that the
keys rules read from their options are all listed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .config import ConfigError

_IMAGE_RULES = ("BS111", "BS122", "BS206", "BS301", "BS302", "BS303", "BS304", "BS305", "BS306", "BS901")
_HOOK_RULES = ("AS201", "AS203", "AS204", "AS205", "AS206", "AS207", "AS301", "AS303", "AS304")
_BUNDLE_RULES = ("AS112", "AS301", "AS302", "AS303", "AS304")

# option key → the built-in rules that read it
OPTIONS: dict[str, tuple[str, ...]] = {
    "image": _IMAGE_RULES,
    "exclude": ("BS901",),
    "include": ("BS901",),
    "default-shell": ("BS901",),
    "custom-events": _HOOK_RULES,
    "bundle-root": _BUNDLE_RULES,
}

_SHELLS = ("bash", "/bin/bash", "/usr/bin/bash", "/usr/bin/env bash", "sh", "/bin/sh", "/usr/bin/sh",
           "dash", "/bin/dash", "/usr/bin/dash", "ksh", "/bin/ksh", "/usr/bin/ksh")
_SHELLCHECK_CODE = re.compile(r"(?:SC)?[0-9]{4}", re.IGNORECASE)
_EVENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}")


def _is_builtin(found: Any) -> bool:
    return str(getattr(found, "origin", "")).startswith("pipelint.")


def validate_rule_options(registry: Any, table: dict[str, dict[str, Any]]) -> None:
    """Raise :class:`ConfigError` for an option no selected rule reads or a value it cannot use."""
    for ident, options in table.items():
        matched = registry.resolve(ident)
        if any(not _is_builtin(found) for found in matched):
            continue  # a plugin rule: its options are its own business
        codes = {found.code for found in matched}
        for key, value in options.items():
            where = f"rule-options.{ident}.{key}"
            readers = OPTIONS.get(key)
            if readers is None or not codes & set(readers):
                known = sorted(k for k, rules in OPTIONS.items() if codes & set(rules))
                hint = f"; options of {ident}: {', '.join(known)}" if known else f"; {ident} reads no options"
                raise ConfigError(f"`{where}`: unknown option{hint}")
            _CHECKS[key](value, where)


def _check_image(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"`{where}` must be an image name such as \"aws/codebuild/standard:7.0\"")
    from pipelint.rules.buildspec import _runtimes as rt

    name = value.strip()
    if rt.lookup_image(name) is not None:
        return
    from .textutil import did_you_mean

    known = {key.removeprefix("aws/codebuild/"): key for key in rt._images()}
    bare = name.lower().removeprefix("public.ecr.aws/").removeprefix("aws/codebuild/").removeprefix("codebuild/")
    close = did_you_mean(bare, sorted(known))
    best = known[close] if close else None
    if best:  # a near miss of a known name is a typo, whatever the registry prefix
        raise ConfigError(f"`{where}`: unknown CodeBuild image {name!r}; did you mean {best!r}?")
    # Anything else is a custom image (ECR, Docker Hub) or a CodeBuild image the runtime table
    # does not cover (Windows): the rules know what to do with those.


def _check_exclude(value: Any, where: str) -> None:
    codes = value.split(",") if isinstance(value, str) else value
    if not isinstance(codes, list) or not all(isinstance(c, str) and _SHELLCHECK_CODE.fullmatch(c.strip()) for c in codes):
        raise ConfigError(f"`{where}` must be a list of ShellCheck codes such as [\"SC2086\"]")


def _check_shell(value: Any, where: str) -> None:
    if not isinstance(value, str) or value.strip().lower() not in _SHELLS:
        raise ConfigError(f"`{where}` must be one of bash, sh, dash, ksh (or their /bin paths)")


def _check_events(value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and _EVENT.fullmatch(v) for v in value):
        raise ConfigError(f"`{where}` must be a list of lifecycle event names such as [\"MyCustomEvent\"]")


def _check_bundle_root(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"`{where}` must be a folder relative to the AppSpec's folder, such as \"../app\"")


_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "image": _check_image,
    "exclude": _check_exclude,
    "include": _check_exclude,
    "default-shell": _check_shell,
    "custom-events": _check_events,
    "bundle-root": _check_bundle_root,
}
