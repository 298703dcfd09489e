"""The common `pipelint check` command lines, parsed without importing click.

Importing click (and the inspect, uuid, datetime, threading, gettext… modules it pulls in) is
about a third of a cold start. :func:`parse_check` reads the command lines that pre-commit, CI
jobs and editors send — `check`, paths, and the usual options — and returns exactly the
parameters click would pass to :func:`pipelint.cli.check`. For anything else (help, version,
another command, an option it does not know, a combined short option, a value click would reject
or that needs click's own error message, shell completion, and Windows, where click expands
wildcards itself) it returns ``None`` and the caller hands the command line to click. It never
prints and never fails: when in doubt, click decides.

``tests/test_fast_argv.py`` checks that every option of the click command is either handled here
with the same names and kind or left to click, and compares the parameters (defaults included),
the output and the exit status with click's on many command lines. An option added to the click
command fails that test until it is added here (or to ``LEFT_TO_CLICK``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from typing import Any

from .check_command import FAIL_ON, FORMATS

# dest -> (kind, default). Kinds: flag (is_flag), color (--color/--no-color), choice, str,
# file (click.Path(dir_okay=False)), int (click.IntRange), many (multiple=True strings).
PARAMS: dict[str, tuple[str, Any]] = {
    "fmt": ("choice", "text"),
    "output": ("file", None),
    "select": ("many", ()),
    "ignore": ("many", ()),
    "fail_on": ("choice", None),
    "config_path": ("file", None),
    "isolated": ("flag", False),
    "baseline": ("file", None),
    "write_baseline": ("file", None),
    "jobs": ("int", None),
    "color": ("color", None),
    "statistics": ("flag", False),
    "max_file_size": ("int", None),
    "quiet": ("flag", False),
    "skip_unrecognised": ("flag", False),
    "force_exclude": ("flag", False),
    "follow_symlinks": ("flag", False),
    "trust_config_plugins": ("flag", False),
    "exit_zero": ("flag", False),
    "stdin_filename": ("str", None),
    "verbose": ("flag", False),
    "no_cache": ("flag", False),
    "fix": ("flag", False),
    "unsafe_fixes": ("flag", False),
    "diff": ("flag", False),
    "show_fixes": ("flag", False),
}

# Parameters of the click command that this parser never handles: their presence sends the
# command line to click; their defaults are passed as click would.
LEFT_TO_CLICK: dict[str, Any] = {"rules_dir": (), "show_settings_for": None, "cache_dir": None}

# Option spelling -> dest (for `--color`/`--no-color`, the spelling decides the value).
OPTIONS: dict[str, str] = {
    "--format": "fmt", "--output-format": "fmt", "-f": "fmt",
    "--output": "output", "-o": "output",
    "--select": "select",
    "--ignore": "ignore",
    "--fail-on": "fail_on",
    "--config": "config_path",
    "--isolated": "isolated",
    "--baseline": "baseline",
    "--write-baseline": "write_baseline",
    "--jobs": "jobs", "-j": "jobs",
    "--color": "color", "--no-color": "color",
    "--statistics": "statistics",
    "--max-file-size": "max_file_size",
    "--quiet": "quiet", "-q": "quiet",
    "--no-unrecognised": "skip_unrecognised",
    "--force-exclude": "force_exclude",
    "--follow-symlinks": "follow_symlinks",
    "--trust-config-plugins": "trust_config_plugins",
    "--exit-zero": "exit_zero",
    "--stdin-filename": "stdin_filename",
    "--verbose": "verbose", "-v": "verbose",
    "--no-cache": "no_cache",
    "--fix": "fix",
    "--unsafe-fixes": "unsafe_fixes",
    "--diff": "diff",
    "--show-fixes": "show_fixes",
}

CHOICES: dict[str, tuple[str, ...]] = {"fmt": FORMATS, "fail_on": FAIL_ON}
INT_RANGES: dict[str, tuple[int, int | None]] = {"jobs": (1, 64), "max_file_size": (1, None)}


def parse_check(argv: Sequence[str], environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The parameters of `pipelint check` for ``argv`` (``sys.argv[1:]``), or ``None`` for click."""
    if not argv or argv[0] != "check" or any(name.startswith("_") and name.endswith("_COMPLETE") for name in environ):
        return None
    if os.name == "nt":  # click expands wildcards in the arguments there
        return None
    params: dict[str, Any] = {dest: default for dest, (_, default) in PARAMS.items()}
    params.update(LEFT_TO_CLICK)
    paths: list[str] = []
    tokens = list(argv[1:])
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "-" or not token.startswith("-"):
            if not _path_ok(token, dir_okay=True):
                return None
            paths.append(token)
            continue
        name, has_inline, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        dest = OPTIONS.get(name)
        if dest is None:
            return None  # `--`, help, an unknown or combined option, `-fjson`: click's business
        kind = PARAMS[dest][0]
        if kind in ("flag", "color"):
            if has_inline:
                return None
            params[dest] = name != "--no-color"
            continue
        if has_inline:
            value = inline
        elif index < len(tokens):
            value = tokens[index]
            index += 1
        else:
            return None
        converted = _convert(dest, kind, value)
        if converted is None:
            return None
        if kind == "many":
            params[dest] = (*params[dest], converted)
        else:
            params[dest] = converted
    params["paths"] = tuple(paths)
    return params


def _convert(dest: str, kind: str, value: str) -> Any:
    """``value`` as click would convert it, or ``None`` where click might not accept it as is."""
    if not value or value.startswith("-"):
        return None
    if kind == "choice":
        return value if value in CHOICES[dest] else None
    if kind == "int":
        if not (value.isascii() and value.isdigit()):
            return None
        number = int(value)
        low, high = INT_RANGES[dest]
        return number if number >= low and (high is None or number <= high) else None
    if kind == "file":
        return value if _path_ok(value, dir_okay=False) else None
    return value


def _path_ok(value: str, dir_okay: bool) -> bool:
    """Whether ``click.Path(dir_okay=...)`` (readable, existence not required) accepts ``value``."""
    try:
        st = os.stat(value)
    except OSError:
        return True
    except ValueError:  # an embedded NUL byte: let click report it
        return False
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return False
    return os.access(value, os.R_OK)
