"""``BS901``: run shellcheck on a buildspec's commands and report its findings in place."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from typing import Any

from pipelint.api import Mapping, Report, Scalar, Sequence, intrinsic, rule
from pipelint.engine.notices import notify

from ._shell_script import (
    Command,
    Script,
    build_script,
    commands_of,
    find_shellcheck,
    other_text,
    rewrite,
    safe_variables,
    source_positions,
)

TIMEOUT = 20.0

# Codes that are meaningless for buildspec commands (more are filtered per finding in `_noise`):
# * SC2148 (no shebang): the shell is given with --shell.
# * SC1090/SC1091 (cannot follow a sourced file): sourced files are in the build, not here.
# * SC2153/SC2154 (variable possibly misspelt / referenced but not assigned): the project, the
#   pipeline action and start-build define variables the buildspec never shows (on the corpus,
#   every SC2154 was such a variable).
# * SC2317 (command appears unreachable): `post_build` and every `finally` run even after a
#   command of an earlier phase failed or exited, so the script is not one straight line.
DEFAULT_EXCLUDED = frozenset({"SC1090", "SC1091", "SC2148", "SC2153", "SC2154", "SC2317"})

_LEVELS = {"error": "error", "warning": "warning", "info": "note", "style": "note"}
_LINUX_SHELLS = {
    "bash": "bash", "/bin/bash": "bash", "/usr/bin/bash": "bash", "/usr/bin/env bash": "bash",
    "sh": "sh", "/bin/sh": "sh", "/usr/bin/sh": "sh",
    "dash": "dash", "/bin/dash": "dash", "/usr/bin/dash": "dash",
    "ksh": "ksh", "/bin/ksh": "ksh", "/usr/bin/ksh": "ksh",
}
DEFAULT_SHELL = "sh"

MISSING = (
    "BS901 (shellcheck) was skipped: no `shellcheck` binary was found on PATH or next to the "
    "Python interpreter; install it with `pip install 'pipelint[shellcheck]'` (or your package "
    "manager), or turn the notice off with `--ignore BS901`"
)


@rule("BS901", "shellcheck", severity="warning", kinds=("buildspec",))
def shellcheck(doc, config):
    """Shell problems in a buildspec's commands, found by ShellCheck and reported in place.

    The commands of all phases are checked as one script, in the order CodeBuild runs them
    (``install``, ``pre_build``, ``build``, ``post_build``, each phase's ``commands`` then
    ``finally``), because buildspec version 0.2 runs every command in one shell; for version 0.1,
    where each command runs in its own shell, each command is checked as a separate subshell.
    The shell is the buildspec's ``env.shell`` (``bash`` or ``/bin/sh``; CodeBuild's default
    is ``sh``); buildspecs for Windows shells (``powershell.exe``, ``cmd.exe``) are skipped.
    Every finding points at the exact line and column inside the command (for block scalars,
    plain and escape-free quoted strings), and its severity follows ShellCheck's level (error,
    warning; info and style become notes). The fix hint links to ShellCheck's wiki page for the
    code.

    CodeBuild's own variables (``CODEBUILD_*``, ``AWS_REGION`` …), the buildspec's ``env``
    variables, CodePipeline ``#{Namespace.Variable}`` references and, for inline buildspecs in
    an ``Fn::Sub``, CloudFormation's ``${Parameter}`` substitutions are understood and never
    reported. A few codes that make no sense for buildspec snippets are left out (SC1090,
    SC1091, SC2034, SC2148, SC2154, SC2317; a ``cd`` that is a whole command is not flagged
    either, since CodeBuild stops when a command fails). Options
    (``[tool.pipelint.rule-options.BS901]``): ``exclude`` (more codes to leave out),
    ``default-shell`` (``sh`` or ``bash``, when ``env.shell`` is not set), ``executable`` (the
    shellcheck binary).

    It needs the ``shellcheck`` binary (``pip install 'pipelint[shellcheck]'`` installs one);
    without it the rule is skipped and pipelint says so once on stderr. Nothing in the
    buildspec is ever executed: ShellCheck only reads the commands.

    Why: a command that breaks on a path with a space, an unquoted variable that expands to
    nothing in ``rm -rf $DIR/*``, a ``[[`` under ``sh`` — the build fails (or does damage) at
    run time, minutes into the build, while ShellCheck finds it as you type.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - rm -rf $BUILD_DIR/*          # SC2115, SC2086
              - if [[ -f out.zip ]]; then echo ok; fi   # SC3010 under sh

    Fixed::

        version: 0.2
        env:
          shell: bash
        phases:
          build:
            commands:
              - rm -rf "${BUILD_DIR:?}"/*
              - if [[ -f out.zip ]]; then echo ok; fi
    """
    root = doc.root
    if not isinstance(root, Mapping):
        return
    config = config or {}
    dialect = _dialect(doc, config)
    if dialect is None:
        return
    commands = commands_of(root)
    if not commands:
        return
    binary = config.get("executable") or find_shellcheck()
    if not binary:
        notify(MISSING)
        return
    fn_sub = _in_fn_sub(doc)
    for command in commands:
        command.text, command.origin, command.placeholders = rewrite(command.node.value, fn_sub)
    script = build_script(commands, separate_shells=_version(root) == "0.1")
    excluded = set(DEFAULT_EXCLUDED)
    for code in config.get("exclude") or ():
        code = str(code).upper()
        excluded.add(code if code.startswith("SC") else f"SC{code}")
    comments = _run(binary, dialect, sorted(excluded), script.text, doc.path)
    context = _Context(script, safe_variables(root, commands, _project_variables(doc)), other_text(root, commands))
    yield from _reports(comments, context)


# ----------------------------------------------------------------------------------------------


def _text(node: Any) -> str | None:
    return node.value.strip() if isinstance(node, Scalar) and isinstance(node.value, str) else None


def _dialect(doc, config: dict) -> str | None:
    """shellcheck's ``--shell`` for this buildspec, or None to skip it (Windows, unknown shell)."""
    image = doc.context.get("image")
    if isinstance(image, str) and "windows" in image.lower():
        return None
    project = doc.context.get("project")
    if isinstance(project, Mapping):
        environment = project.get("Environment")
        kind = _text(environment.get("Type")) if isinstance(environment, Mapping) else None
        if kind and kind.upper().startswith("WINDOWS"):
            return None
    env = doc.root.get("env")
    shell = _text(env.get("shell")) if isinstance(env, Mapping) else None
    if not shell:
        if config.get("default-shell"):
            return _LINUX_SHELLS.get(str(config["default-shell"]), DEFAULT_SHELL)
        # CodeBuild runs commands with /bin/sh: dash on the Ubuntu images, bash on Amazon Linux.
        if isinstance(image, str) and "amazonlinux" in image.lower():
            return "bash"
        return DEFAULT_SHELL
    return _LINUX_SHELLS.get(shell.lower())


def _version(root: Mapping) -> str:
    node = root.get("version")
    if isinstance(node, Scalar):
        return str(node.value).strip()
    return ""


def _in_fn_sub(doc) -> bool:
    """Whether the document is an inline buildspec written inside an ``Fn::Sub``."""
    project = doc.context.get("project")
    if doc.flavor != "inline" or not isinstance(project, Mapping):
        return False
    source = project.get("Source")
    spec = source.get("BuildSpec") if isinstance(source, Mapping) else None
    return intrinsic(spec) == "Fn::Sub"


def _project_variables(doc) -> dict[str, str | None]:
    """The CodeBuild project's environment variables (inline buildspecs): name → plain-text value.

    The value is None when it is not a literal (a parameter, a secret, an intrinsic function).
    """
    project = doc.context.get("project")
    environment = project.get("Environment") if isinstance(project, Mapping) else None
    variables = environment.get("EnvironmentVariables") if isinstance(environment, Mapping) else None
    found: dict[str, str | None] = {}
    if isinstance(variables, Sequence):
        for item in variables.items:
            if isinstance(item, Mapping):
                name = _text(item.get("Name"))
                kind = _text(item.get("Type")) or "PLAINTEXT"
                value = item.get("Value")
                if name:
                    plain = kind.upper() == "PLAINTEXT" and isinstance(value, Scalar) and value.value is not None
                    found[name] = value.text if plain else None
    return found


def _run(binary: str, dialect: str, excluded: list[str], script: str, path: str) -> list[dict]:
    """shellcheck's comments for ``script`` (read from stdin); a notice and [] on any failure."""
    argv = [binary, "--norc", f"--shell={dialect}", "--format=json1", "--exclude=" + ",".join(excluded), "-"]
    try:
        done = subprocess.run(argv, input=script, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        notify(f"BS901 (shellcheck): shellcheck took longer than {TIMEOUT:g} s on {path} and was stopped; "
               "that file's shellcheck findings are missing")
        return []
    except OSError as error:
        notify(f"BS901 (shellcheck) was skipped: cannot run {binary}: {error.strerror or error}")
        return []
    if done.returncode not in (0, 1):
        first = (done.stderr.strip().splitlines() or ["no message"])[0][:200]
        notify(f"BS901 (shellcheck) was skipped: {binary} failed (exit status {done.returncode}): {first}")
        return []
    try:
        data = json.loads(done.stdout or "{}")
    except ValueError:
        notify(f"BS901 (shellcheck) was skipped: {binary} did not produce JSON; it needs shellcheck 0.8 or later")
        return []
    comments = data.get("comments") if isinstance(data, dict) else None
    return comments if isinstance(comments, list) else []


_DATE_SUBSTITUTION = re.compile(r"^(?:\$\(|`)\s*date\b[^`$()]*(?:\)|`)$")
_ECR_GET_LOGIN = re.compile(r"\baws\s+ecr\s+get-login(?!-password)\b")
_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_SEPARATORS = re.compile(r"[;&|(){}`]|\$\(|\bthen\b|\bdo\b|\belse\b")


def _rest_of_command(command: Command, end_offset: int) -> bool:
    """Whether nothing but blanks (or a `;`) follows ``end_offset`` in the command."""
    return command.node.value[end_offset:].strip().strip(";").strip() == ""


def _command_word(script: Script, line: int, column: int) -> str:
    """The first word of the simple command the script position is in (best effort)."""
    text = script.text.split("\n")[line - 1][: max(column - 1, 0)]
    parts = _SEPARATORS.split(text)
    words = parts[-1].split() if parts else []
    return words[0] if words else ""


@dataclass
class _Context:
    """What the noise filters need besides the finding itself."""

    script: Script
    safe: set[str]  # variables whose expansion cannot split or glob
    elsewhere: str  # the buildspec's text outside its commands


# Codes a placeholder (a CodePipeline or Fn::Sub variable replaced by a constant word) provokes.
_CONSTANT_CODES = frozenset({2043, 2050, 2078, 2157, 2193, 2194})
_UNUSED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*) appears unused")


def _noise(code: int, command: Command, span: tuple[int, int], snippet: str, comment: dict, context: _Context) -> bool:
    """Findings that are wrong or useless for buildspec commands (see the rule's docs)."""
    start, end = span
    if code in _CONSTANT_CODES and any(s < max(end, start + 1) and start < e for s, e in command.placeholders):
        return True
    if code in (2164, 2103, 2129) and _rest_of_command(command, end):
        # `cd dir` as a whole command: CodeBuild stops when a command fails, and a subshell
        # or a `{ }` group cannot span separate commands.
        return True
    if code == 2086:
        match = _VARIABLE.match(snippet)
        return bool(match and match.group(1) in context.safe)
    if code == 2046:
        return bool(_DATE_SUBSTITUTION.match(snippet.strip()))
    if code == 2091:  # `$(aws ecr get-login …)` runs the `docker login` it prints, on purpose
        return bool(_ECR_GET_LOGIN.search(snippet))
    if code == 1010:  # `echo Nothing to do in the build phase`
        return _command_word(context.script, int(comment["line"]), int(comment["column"])) in ("echo", "printf")
    if code == 2034:  # exported, or used by `artifacts.name`, `cache.key` … which shellcheck does not see
        match = _UNUSED.match(str(comment.get("message", "")))
        return bool(match and (match.group(1) in context.elsewhere.split() or re.search(rf"\${{?{match.group(1)}\b", context.elsewhere)))
    return False


def _reports(comments: list[dict], context: _Context):
    script = context.script
    positions: dict[int, list[tuple[int, int]] | None] = {}
    for comment in comments:
        try:
            code = int(comment["code"])
            line, column = int(comment["line"]), int(comment["column"])
        except (KeyError, TypeError, ValueError):
            continue
        found = script.locate(line, column)
        if found is None:
            continue
        command, offset = found
        node = command.node
        key = id(node)
        if key not in positions:
            positions[key] = source_positions(node)
        mapped = positions[key]
        message = str(comment.get("message", "")).strip().rstrip(".").rstrip()
        level = _LEVELS.get(str(comment.get("level")), "warning")
        snippet = node.value[offset:]
        end = script.locate(int(comment.get("endLine", line)), int(comment.get("endColumn", column + 1)))
        if end is not None and end[0] is command and end[1] > offset:
            snippet = node.value[offset:end[1]]
        end_offset = end[1] if end is not None and end[0] is command and end[1] > offset else offset
        if _noise(code, command, (offset, end_offset), snippet, comment, context):
            continue
        anchor = f"SC{code}:{snippet.splitlines()[0] if snippet.strip() else ''}"
        target = node
        if mapped is not None and offset < len(mapped):
            start_line, start_col = mapped[offset]
            end_line, end_col = start_line, start_col + 1
            if end is not None and end[0] is command and end[1] > offset and end[1] < len(mapped):
                candidate = mapped[end[1]]
                if candidate[0] == start_line and candidate[1] > start_col:
                    end_col = candidate[1]
            target = Scalar(snippet, snippet, None, "", node.source, start_line, start_col, end_line, end_col, node.path)
        yield Report(
            target,
            f"SC{code}: {message}",
            fix=f"https://www.shellcheck.net/wiki/SC{code}",
            severity=level,
            anchor=anchor,
        )
