"""``BS104``–``BS111``: the ``phases`` section: names, keys, ``on-failure`` and command blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Edit, Fix, Mapping, Report, Scalar, Sequence, did_you_mean, intrinsic, rule
from pipelint.fixes.build import block_lines, delete_lines, reindented, rename_key, unambiguous_name
from pipelint.models import buildspec as bs
from pipelint.textutil import lazy_regex

_TOP_LEVEL = ("version", "run-as", "env", "proxy", "batch", "reports", "artifacts", "cache")
_PHASE_KEYS = ("commands", "finally", "runtime-versions", "run-as", "on-failure")
_RETRY = lazy_regex(r"^RETRY(?:-(?P<rest>.+))?$", re.S)
_COUNT = lazy_regex(r"^(?P<count>[0-9]+)(?:-(?P<regex>.+))?$", re.S)
# The retry pattern comes from the linted file, so it is measured before Python's `re` sees
# it (a repeat count past 2**32 overflows, deep nesting exhausts the parser's recursion, a huge
# pattern takes seconds): within these limits compiling it is fast and safe. Go's RE2
# (`regexp/syntax`) itself refuses repeat counts over 1,000.
_PATTERN_MAX_CHARS = 1_000
_PATTERN_MAX_DEPTH = 100
_PATTERN_MAX_REPEAT = 1_000
_SHOWN_CHARS = 60


def _move_to_install(doc: Document, key: Scalar, parent: Mapping) -> Fix | None:
    """Move the ``runtime-versions`` entry at ``key`` (a block entry of ``parent``) to the top
    of ``phases.install``, re-indented, creating ``install`` as the first phase if there is
    none. Not when install already selects runtimes, is not a block mapping, or taking the
    entry out would leave ``parent`` empty."""
    value = parent.get("runtime-versions")
    phases = bs.mapping(bs.child(bs.root(doc), "phases"))
    if value is None or phases is None or len(parent) < 2 or not phases.pairs:
        return None
    span = block_lines(key, value)
    if span is None:
        return None
    install = phases.get("install")
    install_key = phases.key_node("install")
    if install is not None:
        body = bs.mapping(install)
        if body is None or "runtime-versions" in body or not body.pairs or install_key is None:
            return None
        first_key = body.pairs[0][0]
        if first_key.line == install_key.line:  # a flow mapping or a value on the key's line
            return None
        moved = reindented(key, *span, first_key.col - 1)
        if moved is None:
            return None
        insert = Edit(first_key.line, 1, first_key.line, 1, moved)
    else:
        first_phase = phases.pairs[0][0]
        first_body = phases.pairs[0][1]
        inner = bs.mapping(first_body)
        if inner is None or not inner.pairs or inner.pairs[0][0].line == first_phase.line:
            return None
        step = inner.pairs[0][0].col - first_phase.col
        moved = reindented(key, *span, first_phase.col - 1 + step)
        if moved is None or step < 1:
            return None
        insert = Edit(first_phase.line, 1, first_phase.line, 1, " " * (first_phase.col - 1) + "install:\n" + moved)
    if span[0] <= insert.line <= span[1] + 1 and insert.line != span[1] + 1:
        return None
    return Fix([delete_lines(*span), insert], False, "Move runtime-versions into the install phase")


@rule("BS104", "runtime-versions-outside-install", severity="warning", kinds=("buildspec",), fixable="unsafe")
def runtime_versions_outside_install(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``runtime-versions`` appears somewhere other than ``phases.install``.

    Why: CodeBuild reads ``runtime-versions`` only in the install phase; anywhere else the
    runtimes are not selected, and the build runs with the image's defaults.

    AWS behaviour: `runtime-versions` is documented only under `phases.install`. At the top level or
    under `env` it is an unknown key, which CodeBuild logs ("The following keys cannot be
    identified") and ignores; in another phase no runtime is selected. No rejection has been
    observed, so this is a warning. Source: AWS CodeBuild User Guide, "Build specification reference
    for CodeBuild" (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html),
    'phases/install/runtime-versions'; aws/aws-toolkit-vscode#4008 for the unknown-key log.

    Failing::

        phases:
          build:
            runtime-versions:
              python: "3.12"
            commands:
              - pytest

    Fixed::

        phases:
          install:
            runtime-versions:
              python: "3.12"
          build:
            commands:
              - pytest

    Fix: unsafe (the build then installs and selects those runtimes): moves the whole
    ``runtime-versions`` block, comments included, to the top of ``phases.install``, creating
    ``install`` as the first phase when there is none. Not offered when install already selects
    runtimes (which selection is meant is a judgement) or when the block is the only thing in
    its phase.
    """
    top = bs.root(doc)
    if top is None:
        return
    key = top.key_node("runtime-versions")
    if key is not None:
        yield Report(key, "`runtime-versions` at the top level is not read; it is only read in the install phase. Move it under `phases.install`",
                     fix="move it under phases.install", edit=_move_to_install(doc, key, top))
    for name, _key, body in bs.phases(doc):
        body_map = bs.mapping(body)
        if name == "install" or body_map is None:
            continue
        found = body_map.key_node("runtime-versions")
        if found is not None:
            where = f"the `{name}` phase" if name in bs.PHASES else f"`phases.{name}`"
            yield Report(found, f"`runtime-versions` is only read in the install phase, not in {where}; move it under `phases.install`",
                         fix="move it under phases.install", edit=_move_to_install(doc, found, body_map))
    env = bs.mapping(top.get("env"))
    env_key = env.key_node("runtime-versions") if env is not None else None
    if env is not None and env_key is not None:
        yield Report(env_key, "`runtime-versions` is not an `env` setting; move it under `phases.install`",
                     fix="move it under phases.install", edit=_move_to_install(doc, env_key, env))


@rule("BS105", "unknown-phase", severity="warning", kinds=("buildspec",), fixable="safe")
def unknown_phase(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A key under ``phases`` is not one of ``install``, ``pre_build``, ``build``, ``post_build``.

    Why: phase names are fixed. A misspelt phase's commands never run, without any error. The
    message suggests the closest name.

    AWS behaviour: CodeBuild's buildspec check logs keys it cannot identify ("Found possible syntax
    errors in buildspec … The following keys cannot be identified") and carries on, so the misnamed
    phase's commands silently never run. That log was observed for keys inside phases; for a
    misnamed phase it is inferred from the same check. A warning. Source:
    aws/aws-toolkit-vscode#4008; AWS CodeBuild User Guide, "Build specification reference for
    CodeBuild" (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'phases'.

    Failing::

        phases:
          bulid:
            commands:
              - make

    Fixed::

        phases:
          build:
            commands:
              - make

    Fix: safe, when exactly one phase name is close (``bulid`` → ``build``, ``Pre-Build`` →
    ``pre_build``) and the buildspec has no phase of that name yet: renames the key, nothing else.
    """
    for name, key, _body in bs.phases(doc):
        if name in bs.PHASES:
            continue
        if name == "runtime-versions":
            continue  # BS104 reports it
        if name in _TOP_LEVEL:
            message = f"`{name}` is a top-level key, not a phase; move it out of `phases` (dedent it to the top level)"
            fix = "dedent it to the top level"
        elif name in _PHASE_KEYS:
            message = f"`{name}` belongs inside a phase, not directly under `phases`; indent it under a phase such as `build`"
            fix = f"write phases.build.{name}"
        else:
            best = did_you_mean(name.replace("-", "_"), bs.PHASES) or did_you_mean(name, bs.PHASES)
            hint = f"; did you mean `{best}`?" if best else ""
            message = f"unknown phase `{name}`{hint or '.'} Phases are install, pre_build, build and post_build"
            fix = f"rename it to `{best}`" if best else "use install, pre_build, build or post_build"
            exact = unambiguous_name(name, bs.PHASES)
            phases = bs.child(bs.root(doc), "phases")
            if exact is not None and phases is not None:
                yield Report(key, message, fix=fix, edit=rename_key(key, exact, phases, f"Rename the phase to `{exact}`"))
                continue
        yield Report(key, message, fix=fix)


@rule("BS106", "missing-phases", severity="error", kinds=("buildspec",))
def missing_phases(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The buildspec has no ``phases`` (and no ``batch`` section).

    Why: ``phases`` is required; without it CodeBuild has nothing to run and rejects the
    buildspec. (A batch buildspec whose tasks each name their own buildspec may omit it.)

    AWS behaviour: `phases` is documented as required; CodeBuild fails the build in DOWNLOAD_SOURCE
    with YAML_FILE_ERROR without it. The exact message is not recorded. Source: AWS CodeBuild User
    Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'phases: Required
    sequence'.

    Failing::

        version: 0.2
        artifacts:
          files: ['**/*']

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make
        artifacts:
          files: ['**/*']
    """
    top = bs.root(doc)
    if top is None or "phases" in top or "batch" in top:
        return
    anchor = top.pairs[0][0] if top.pairs else top
    yield Report(anchor, "this buildspec has no `phases` section, so CodeBuild has nothing to run; add `phases:` with at least a `build` phase",
                 fix="add a `phases` section")


@rule("BS107", "invalid-on-failure", severity="error", kinds=("buildspec",))
def invalid_on_failure(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A phase's ``on-failure`` value is not ``ABORT``, ``CONTINUE`` or a ``RETRY`` form.

    Why: CodeBuild accepts ``ABORT`` and ``CONTINUE``; newer CodeBuild versions also document
    ``RETRY``, ``RETRY-<count>``, ``RETRY-<regex>`` and ``RETRY-<count>-<regex>``. Any other
    value is rejected. Lower-case spellings and malformed ``RETRY`` forms are warnings, because
    how CodeBuild treats them is not documented. A retry pattern is measured before it is
    compiled: one longer than 1,000 characters, nesting groups deeper than 100 levels or
    repeating more than 1,000 times (``a{5000}``, which RE2 rejects) is reported instead.

    AWS behaviour: an unknown `on-failure` value fails the build in DOWNLOAD_SOURCE with
    YAML_FILE_ERROR (valid values are enumerated by the reference); the exact message is not
    recorded. Source: AWS CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'phases/*/on-failure'
    (ABORT, CONTINUE, RETRY forms).

    Failing::

        phases:
          build:
            on-failure: STOP

    Fixed::

        phases:
          build:
            on-failure: ABORT
    """
    for name, _key, body in bs.phases(doc):
        body_map = bs.mapping(body)
        if body_map is None:
            continue
        node = body_map.get("on-failure")
        if node is None or intrinsic(node) is not None:
            continue
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value.strip():
            shown = _shown(node.raw) if isinstance(node, Scalar) else "a list or mapping"
            yield Report(node, f"`on-failure` of phase `{_shown(name)}` must be ABORT or CONTINUE, not {shown or 'empty'}",
                         fix="write `on-failure: ABORT`")
            continue
        value = node.value.strip()
        if value in ("ABORT", "CONTINUE"):
            continue
        shown = _shown(value)
        retry = _RETRY.match(value)
        if retry:
            problem = _retry_problem(retry.group("rest"))
            if problem:
                yield Report(node, f"`on-failure: {shown}` in phase `{_shown(name)}`: {problem}", severity="warning",
                             fix="write RETRY, RETRY-<count>, RETRY-<regex> or RETRY-<count>-<regex>")
            continue
        upper = value.upper()
        if upper in ("ABORT", "CONTINUE") or _RETRY.match(upper):
            yield Report(node, f"`on-failure: {shown}` in phase `{_shown(name)}` should be written in capitals: `{_shown(upper)}`",
                         severity="warning", fix=f"write `{_shown(upper)}`")
            continue
        best = did_you_mean(value, ["ABORT", "CONTINUE", "RETRY"]) if len(value) <= _SHOWN_CHARS else None
        hint = f"; did you mean `{best}`?" if best else ""
        yield Report(node, f"`on-failure: {shown}` in phase `{_shown(name)}` is not a valid value{hint or '.'} Use ABORT or CONTINUE (or a RETRY form)",
                     fix=f"write `{best or 'ABORT'}`")


def _retry_problem(rest: str | None) -> str | None:
    """What is wrong with the part after ``RETRY-``, if anything (never compiles an unchecked
    pattern; see :func:`_pattern_problem`)."""
    if rest is None:
        return None
    count = _COUNT.match(rest)
    regex = rest
    if count:
        digits = count.group("count").lstrip("0") or "0"
        if len(digits) > 3 or not 1 <= int(digits) <= 100:
            return f"the retry count {_shown(count.group('count'))} is outside 1–100"
        regex = count.group("regex")
    if regex is None:
        return None
    return _pattern_problem(regex)


def _pattern_problem(regex: str) -> str | None:
    """Why the retry pattern ``regex`` is not a usable regular expression, or ``None``.

    One linear pass measures the pattern (length, group nesting, repeat counts ``{m,n}``)
    before it is compiled, so no input can make compiling it slow, overflow or recurse.
    """
    if len(regex) > _PATTERN_MAX_CHARS:
        return f"the retry pattern is {len(regex):,} characters long; write a short pattern (at most {_PATTERN_MAX_CHARS:,} characters)"
    depth = deepest = 0
    in_class = False
    index = 0
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if regex.startswith("]", index + 1) or regex.startswith("^]", index + 1):
                index += 2 if regex[index + 1] == "]" else 3  # a leading `]` is a literal
                continue
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "{":
            repeat = _repeat_bound(regex, index + 1)
            if repeat is not None:
                return f"the repeat count {_shown(repeat)} in the retry pattern exceeds {_PATTERN_MAX_REPEAT:,}; regular-expression engines such as RE2 reject it"
        index += 1
    if deepest > _PATTERN_MAX_DEPTH:
        return f"the retry pattern nests groups {deepest} deep; flatten it (at most {_PATTERN_MAX_DEPTH} levels)"
    try:
        re.compile(regex)
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        return f"`{_shown(regex)}` is not a valid regular expression ({_shown(str(error))})"
    return None


def _repeat_bound(regex: str, start: int) -> str | None:
    """The first number of a ``{m}``, ``{m,}`` or ``{m,n}`` repeat starting at ``start`` that
    exceeds the repeat limit (as written), or ``None``. Only digits are read, so the work is
    linear in the pattern and no huge number is ever converted."""
    index = start
    while True:
        end = index
        while end < len(regex) and regex[end].isascii() and regex[end].isdigit():
            end += 1
        digits = regex[index:end]
        if digits and (len(digits) > 4 or int(digits) > _PATTERN_MAX_REPEAT):
            return digits
        if end < len(regex) and regex[end] == "," and index == start:
            index = end + 1
            continue
        return None


def _shown(text: str) -> str:
    """``text`` clipped for a message (a pattern or count may be megabytes long)."""
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _has_items(node: Any) -> bool:
    if isinstance(node, Sequence):
        return any(not (isinstance(item, Scalar) and item.value is None) for item in node.items)
    if isinstance(node, Scalar):
        return node.value is not None and str(node.value).strip() != ""
    return node is not None


@rule("BS108", "phase-without-commands", severity="warning", kinds=("buildspec",))
def phase_without_commands(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A ``pre_build``, ``build`` or ``post_build`` phase has no ``commands``.

    Why: the buildspec reference makes ``commands`` required in every phase you declare except
    ``install``; an empty or command-less phase silently does nothing, and so does an install
    phase with neither commands nor runtime-versions.

    AWS behaviour: the reference calls `commands` "Required sequence" for pre_build, build and
    post_build when the phase is given, but no build rejected for it has been observed: CodeBuild
    runs the phase with nothing to do. A warning. Source: AWS CodeBuild User Guide, "Build
    specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'phases/*/commands'.

    Failing::

        phases:
          build:
          post_build:
            commands:
              - echo done

    Fixed: give the phase commands, or delete it.
    """
    for name, key, body in bs.phases(doc):
        if name not in bs.PHASES:
            continue
        if isinstance(body, Scalar) and body.value is None:
            severity = "warning" if name == "install" else None
            yield Report(key, f"phase `{name}` is empty; give it a `commands` list or delete it", severity=severity,
                         fix="add commands or delete the phase")
            continue
        body_map = bs.mapping(body)
        if body_map is None or "commands" in body_map or "finally" in body_map:
            continue  # not a mapping: the schema reports it; `finally` alone: BS110
        if name == "install":
            if "runtime-versions" not in body_map:
                yield Report(key, "the install phase has neither `commands` nor `runtime-versions`, so it does nothing; add commands or delete it",
                             severity="warning", fix="add commands or delete the phase")
            continue
        yield Report(key, f"phase `{name}` has no `commands`; every phase except install needs a `commands` list",
                     fix="add a `commands` list")


@rule("BS109", "empty-commands", severity="warning", kinds=("buildspec",))
def empty_commands(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A ``commands`` or ``finally`` key is empty: no value, ``[]``, or only commented-out items.

    Why: an empty command list runs nothing; it is usually a leftover of commenting commands
    out, or an indentation mistake that moved the commands somewhere else.

    Failing::

        phases:
          build:
            commands:
              # - make

    Fixed: add the commands back, or delete the phase.
    """
    for phase, block, key, value in bs.command_lists(doc):
        if isinstance(value, Scalar) and value.value is None:
            yield Report(key, f"`{block}` of phase `{phase}` is empty (every entry is missing or commented out); add commands or delete it",
                         fix="add commands or delete the key")
        elif isinstance(value, Sequence) and not _has_items(value):
            yield Report(key, f"`{block}` of phase `{phase}` lists no commands; add commands or delete it",
                         fix="add commands or delete the key")


@rule("BS110", "finally-without-commands", severity="warning", kinds=("buildspec",))
def finally_without_commands(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A phase has a ``finally`` block but no ``commands``.

    Why: ``finally`` runs after the phase's ``commands``; it is not a replacement for them.
    Outside the install phase the reference makes ``commands`` required. Move the commands into
    ``commands``, or add the commands ``finally`` should follow.

    AWS behaviour: the reference calls `commands` required for pre_build, build and post_build, but
    no rejection of a phase with only `finally` has been observed, and public buildspecs rely on it
    (the corpus holds one). `finally` runs after `commands` even when they fail, which hides the
    intent; a warning. Source: AWS CodeBuild User Guide, "Build specification reference for
    CodeBuild" (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html),
    'phases/*/finally'.

    Failing::

        phases:
          build:
            finally:
              - ./cleanup.sh

    Fixed::

        phases:
          build:
            commands:
              - make
            finally:
              - ./cleanup.sh
    """
    for name, _key, body in bs.phases(doc):
        body_map = bs.mapping(body)
        if name not in bs.PHASES or body_map is None:
            continue
        key = body_map.key_node("finally")
        if key is None or "commands" in body_map:
            continue
        yield Report(
            key,
            f"phase `{name}` has `finally` but no `commands`; `finally` runs after `commands`, it does not replace them. "
            "Rename it to `commands` or add the commands it should follow",
            severity="warning" if name == "install" else None,
            fix="rename `finally` to `commands`",
        )


@rule("BS111", "run-as-on-windows", severity="warning", kinds=("buildspec",))
def run_as_on_windows(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``run-as`` is used on a Windows build (a Windows shell or image).

    Why: ``run-as`` (top level or per phase) is supported on Linux only; on Windows it does not
    switch the user and may fail the build. Windows is recognised from ``env.shell``, the
    project's image or environment type (inline buildspecs), or the rule option ``image``.

    Failing::

        version: 0.2
        run-as: builder
        env:
          shell: powershell.exe

    Fixed: remove ``run-as`` (or build on a Linux image).
    """
    if not bs.is_windows(doc, config):
        return
    top = bs.root(doc)
    if top is None:
        return
    keys = []
    if top.key_node("run-as") is not None:
        keys.append(("", top.key_node("run-as")))
    for name, _key, body in bs.phases(doc):
        body_map = bs.mapping(body)
        if body_map is not None and body_map.key_node("run-as") is not None:
            keys.append((f" in phase `{name}`", body_map.key_node("run-as")))
    for where, key in keys:
        yield Report(key, f"`run-as`{where} is supported on Linux only, but this build runs on Windows (shell or image); remove it",  # type: ignore[arg-type]
                     fix="remove run-as")

