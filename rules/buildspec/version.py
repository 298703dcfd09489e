"""``BS101``–``BS103``, ``BS112``: the buildspec ``version`` and what it changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Report, Scalar, intrinsic, rule, walk
from pipelint.fixes.build import plain_scalar_text, replace_node
from pipelint.models import buildspec as bs
from pipelint.rules.general._format import is_json

_VALID = ("0.1", "0.2")


@rule("BS101", "missing-version", severity="error", kinds=("buildspec",))
def missing_version(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The buildspec has no ``version`` key.

    Why: ``version`` is required; CodeBuild rejects a buildspec without it before running any
    command (``YAML_FILE_ERROR``). Use ``0.2``: it runs all commands in one shell.

    AWS behaviour: CodeBuild requires `version` and fails the build in DOWNLOAD_SOURCE with
    YAML_FILE_ERROR when it is missing; the exact message is not recorded. Source: AWS CodeBuild
    User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'version: Required
    mapping'.

    Failing::

        phases:
          build:
            commands:
              - make

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make
    """
    top = bs.root(doc)
    if top is None or "version" in top:
        return
    anchor = top.pairs[0][0] if top.pairs else top
    yield Report(
        anchor,
        "this buildspec has no `version`; CodeBuild rejects it. Add `version: 0.2` as the first line",
        fix="add `version: 0.2`",
    )


@rule("BS102", "invalid-version", severity="error", kinds=("buildspec",), fixable="safe")
def invalid_version(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The buildspec ``version`` is not ``0.1`` or ``0.2``.

    Why: CodeBuild knows only these two versions and rejects any other value with
    ``YAML_FILE_ERROR``. Quoted (``"0.2"``) and unquoted (``0.2``) forms are both fine.
    ``0.0`` is the AppSpec version (CodeDeploy), a common mix-up.

    AWS behaviour: CodeBuild supports only versions 0.1 and 0.2 and fails the build in
    DOWNLOAD_SOURCE with YAML_FILE_ERROR for another value; the exact message is not recorded.
    Source: AWS CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'version' ("Represents the
    buildspec version. We recommend that you use 0.2").

    Failing::

        version: 2

    Fixed::

        version: 0.2

    Fix: safe, only for a version written unusually that YAML reads as 0.1 or 0.2 (``0.20``,
    ``00.2``): writes it plainly. Another value is not rewritten, since which version was meant
    (and how its commands run) is a judgement.
    """
    top = bs.root(doc)
    node = top.get("version") if top is not None else None
    if node is None or intrinsic(node) is not None:
        return
    if not isinstance(node, Scalar):
        yield Report(node, "`version` must be the value 0.2 (or 0.1), not a list or mapping", fix="write `version: 0.2`")
        return
    value = node.value
    if isinstance(value, bool) or value is None:
        yield Report(node, f"`version: {node.raw or 'null'}` is not a buildspec version; write `version: 0.2`", fix="write `version: 0.2`")
        return
    text = str(value).strip()
    if isinstance(value, float) and text in _VALID:
        if node.raw.strip() not in _VALID:
            yield Report(
                node,
                f"`version: {node.raw}` reads as {text} in YAML but is written unusually; write `version: {text}`",
                severity="warning",
                fix=f"write `version: {text}`",
                edit=replace_node(node, text, f"Write the version as {text}") if plain_scalar_text(node) is not None else None,
            )
        return
    if isinstance(value, str) and text in _VALID:
        return
    hint = " (`0.0` is the CodeDeploy AppSpec version)" if text in ("0.0", "0") else ""
    yield Report(
        node,
        f"`version: {node.raw if node.style == '' else text}` is not a buildspec version{hint}; CodeBuild accepts only 0.1 and 0.2. Write `version: 0.2`",
        fix="write `version: 0.2`",
    )


@rule("BS103", "version-01-separate-shells", severity="warning", kinds=("buildspec",))
def version_01_separate_shells(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """In a version 0.1 buildspec, a ``cd``, ``export`` or variable assignment does not reach
    the next command.

    Why: version 0.1 runs each command in its own shell instance, so the working directory and
    variables set by one command are gone in the next. The rule points at the first ``cd``,
    ``export`` or assignment whose effect a later command relies on. Switch to ``version: 0.2``
    (one shell for the whole build), or chain the commands with ``&&``.

    Failing::

        version: 0.1
        phases:
          build:
            commands:
              - cd app
              - make

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - cd app
              - make
    """
    if bs.version(doc) != "0.1":
        return
    items = [c for c in bs.commands(doc) if c.text is not None]
    for position, command in enumerate(items):
        text = command.text or ""
        statements = bs.split_statements(text)
        if not statements:
            continue
        later = items[position + 1 :]
        if not later:
            return
        last = statements[-1]
        words = last.split()
        if words and words[0] in ("cd", "pushd") and not _starts_absolute_cd(later[0].text):
            target = words[1] if len(words) > 1 else "~"
            yield Report(
                command.node,
                f"`{last}` changes directory only for this command: version 0.1 runs each command in its own shell, "
                f"so `{_short(later[0].text)}` still runs in the source directory, not in `{target}`. "
                "Use `version: 0.2`, or write `cd dir && command`",
                fix="use `version: 0.2`",
            )
            return
        for statement in statements:
            for name in bs.assigned_names(statement):
                user = next((c for c in later if bs.references(c.text or "", name)), None)
                if user is not None:
                    yield Report(
                        command.node,
                        f"`{name}` set here is empty in `{_short(user.text)}` (line {user.node.line}): version 0.1 runs each "
                        "command in its own shell, so variables do not carry over. Use `version: 0.2`, or set the "
                        "variable under env.variables",
                        fix="use `version: 0.2`",
                    )
                    return


def _starts_absolute_cd(text: str | None) -> bool:
    first = bs.split_statements(text or "")
    words = first[0].split() if first else []
    return len(words) > 1 and words[0] == "cd" and words[1].startswith(("/", "$CODEBUILD_SRC_DIR", "${CODEBUILD_SRC_DIR"))


def _short(text: str | None, limit: int = 60) -> str:
    text = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@rule("BS112", "version-mismatched-keys", severity="warning", kinds=("buildspec",))
def version_mismatched_keys(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A version 0.2 buildspec uses the 0.1 spelling ``environment_variables``/``plaintext``
    (or a 0.1 buildspec uses ``env``).

    Why: version 0.2 renamed ``environment_variables`` to ``env`` and ``plaintext`` to
    ``variables``. A buildspec that mixes the spellings does not get the variables it declares.

    Failing::

        version: 0.2
        environment_variables:
          plaintext:
            STAGE: prod

    Fixed::

        version: 0.2
        env:
          variables:
            STAGE: prod
    """
    top = bs.root(doc)
    version = bs.version(doc)
    if top is None or version not in _VALID:
        return
    if version == "0.2":
        key = top.key_node("environment_variables")
        if key is not None:
            yield Report(
                key,
                "`environment_variables` is the version 0.1 spelling; in version 0.2 write `env` (and `variables` instead of `plaintext`)",
                fix="rename to `env`",
            )
        env = top.get("env")
        if isinstance(env, Mapping) and env.key_node("plaintext") is not None:
            yield Report(
                env.key_node("plaintext") or env,
                "`env.plaintext` is the version 0.1 spelling; in version 0.2 write `env.variables`",
                fix="rename to `variables`",
            )
    else:
        key = top.key_node("env")
        if key is not None:
            yield Report(
                key,
                "`env` is the version 0.2 spelling; this buildspec says `version: 0.1`. Change it to `version: 0.2` "
                "(recommended) or write `environment_variables` with `plaintext`",
                fix="use `version: 0.2`",
            )


@rule("BS113", "cloudformation-function-in-buildspec", severity="warning", kinds=("buildspec",))
def cloudformation_function_in_buildspec(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A buildspec value is a CloudFormation function (``!Ref``, ``!Sub``, ``Fn::GetAtt``, …).

    Why: CodeBuild does not evaluate CloudFormation functions; only CloudFormation does, and only
    in the template itself, not inside the buildspec text. ``!Ref Bucket`` in a buildspec is not
    the bucket name. In an inline buildspec, wrap the whole ``BuildSpec`` in ``!Sub`` and write
    ``${Bucket}``; in a buildspec file, pass the value as a project environment variable.

    Failing::

        env:
          variables:
            BUCKET: !Ref ArtifactBucket

    Fixed (inline buildspec under ``BuildSpec: !Sub |``)::

        env:
          variables:
            BUCKET: ${ArtifactBucket}
    """
    top = bs.root(doc)
    if top is None:
        return
    for node in walk(top):
        name = intrinsic(node)
        if name is None or name == "Condition" or not isinstance(node, Mapping):
            continue
        key = node.pairs[0][0]
        shown = key.raw if isinstance(key, Scalar) and key.raw.startswith("!") else name
        parts = list(node.path[:-1] if node.path and node.path[-1] == name else node.path)
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts).lstrip(".") or "the top level"
        wrapper = "`Fn::Sub`" if doc.parent is not None and is_json(doc.parent.root) else "`!Sub`"
        yield Report(node, f"`{where}` is the CloudFormation function `{shown}`, which CodeBuild does not evaluate; "
                           f"in an inline buildspec use `${{Name}}` inside {wrapper}, in a file use an environment variable",
                     fix="replace the function with a value")
