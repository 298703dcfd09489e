"""``BS201``–``BS207``: the ``env`` section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Report, Scalar, Sequence, did_you_mean, intrinsic, rule
from pipelint.models import buildspec as bs
from pipelint.textutil import lazy_regex

_VARIABLE_MAPS = ("variables", "parameter-store", "secrets-manager")
_SUB_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_SECRET_ARN = re.compile(r"^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+")
_SSM_NAME = lazy_regex(r"^[A-Za-z0-9_.\-/]+$")
_SSM_ARN = lazy_regex(r"^arn:[^:]+:ssm:[^:]*:[^:]*:parameter/.+$")
# Variables CodeBuild itself sets in every build (the documented ones people export most).
_BUILTIN = lazy_regex(r"^(CODEBUILD_[A-Z0-9_]+|HOME|PATH|PWD|USER)$")


def _env(doc: Document) -> Mapping | None:
    return bs.mapping(bs.child(bs.root(doc), "env"))


def _names(env: Mapping) -> Iterator[tuple[str, Scalar, Any]]:
    """``(section, key node, value node)`` of every variable the ``env`` maps define."""
    for section in _VARIABLE_MAPS:
        body = bs.mapping(env.get(section))
        if body is None:
            continue
        for key, value in body.items():
            yield section, key, value


@rule("BS201", "reserved-variable-name", severity="warning", kinds=("buildspec",))
def reserved_variable_name(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """An environment variable name starts with ``CODEBUILD_``.

    Why: names starting with ``CODEBUILD_`` are reserved for CodeBuild's own variables
    (``CODEBUILD_BUILD_ID``, ``CODEBUILD_SRC_DIR``, …). Setting one may be ignored, overwritten,
    or change how CodeBuild behaves. Pick another prefix.

    Failing::

        env:
          variables:
            CODEBUILD_STAGE: prod

    Fixed::

        env:
          variables:
            STAGE: prod
    """
    env = _env(doc)
    if env is None:
        return
    for section, key, _value in _names(env):
        if key.text.upper().startswith("CODEBUILD_"):
            suggestion = key.text[len("CODEBUILD_"):] or "MY_VARIABLE"
            yield Report(key, f"`{key.text}` in env.{section} uses the reserved `CODEBUILD_` prefix; rename it (e.g. `{suggestion}`)",
                         fix=f"rename to `{suggestion}`")


def _defined_in_commands(doc: Document, name: str) -> bool:
    pattern = re.compile(
        r"(?<![A-Za-z0-9_$])" + re.escape(name) + r"\s*\+?="  # NAME= / NAME+=
        r"|\b(?:export|declare|readonly|local|read|typeset)\b[^\n;&|]*\b" + re.escape(name) + r"\b"
        r"|\bfor\s+" + re.escape(name) + r"\b"
        r"|\$env:" + re.escape(name) + r"\s*=|\bset(?:x)?\s+" + re.escape(name) + r"\b",
    )
    for command in bs.commands(doc):
        if command.text is not None and pattern.search(command.text):
            return True
    return False


def _project_variables(doc: Document) -> dict[str, str]:
    """Names of the project's ``Environment.EnvironmentVariables`` → their ``Type``."""
    found: dict[str, str] = {}
    variables = bs.child(bs.project(doc), "Environment", "EnvironmentVariables")
    if isinstance(variables, Sequence):
        for item in variables.items:
            entry = bs.mapping(item)
            if entry is None:
                continue
            name = entry.get("Name")
            kind = entry.get("Type")
            if isinstance(name, Scalar) and isinstance(name.value, str):
                found[name.value] = kind.value if isinstance(kind, Scalar) and isinstance(kind.value, str) else "PLAINTEXT"
    return found


def _exported(env: Mapping) -> Iterator[Scalar]:
    node = env.get("exported-variables")
    if isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar) and isinstance(item.value, str):
                yield item
    elif isinstance(node, Scalar) and isinstance(node.value, str):
        yield node


@rule("BS202", "exported-variable-aws-prefix", severity="error", kinds=("buildspec",))
def exported_variable_aws_prefix(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``exported-variables`` names a variable starting with ``AWS_``.

    Why: CodeBuild cannot export variables whose names start with ``AWS_``; a pipeline action
    reading the exported value gets nothing. Copy the value into a variable with another name.

    AWS behaviour: CodeBuild does not export names starting with `AWS_`; the variable is missing
    from the action's output variables, and CodePipeline fails the consuming action when it cannot
    resolve `#{Namespace.AWS_…}`. Source: AWS CodeBuild User Guide, "Build specification reference
    for CodeBuild" (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html),
    'env/exported-variables' (variables whose names start with AWS_ cannot be exported).

    Failing::

        env:
          exported-variables:
            - AWS_REGION

    Fixed::

        env:
          exported-variables:
            - DEPLOY_REGION
        phases:
          build:
            commands:
              - export DEPLOY_REGION="$AWS_REGION"
    """
    env = _env(doc)
    if env is None:
        return
    for item in _exported(env):
        if item.value.upper().startswith("AWS_"):
            other = item.value[4:] or "VALUE"
            yield Report(item, f"`{item.value}` cannot be exported: CodeBuild does not export names starting with `AWS_`. "
                               f"Copy it into another variable (e.g. `export {other}=\"${item.value}\"`) and export that",
                         fix=f"export `{other}` instead")


@rule("BS203", "exported-variable-undefined", severity="warning", kinds=("buildspec",))
def exported_variable_undefined(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``exported-variables`` names a variable this buildspec never sets.

    Why: an exported variable's value is read at the end of the build; if nothing sets it (no
    ``env`` entry, no ``export NAME=…`` or ``NAME=…`` in a command), the pipeline receives an
    empty value, usually because of a typo. Project-level variables count as set for inline
    buildspecs, except Parameter Store and Secrets Manager ones, which cannot be exported.

    Failing::

        version: 0.2
        env:
          exported-variables:
            - IMAGE_TAG
        phases:
          build:
            commands:
              - export IMAGE_TAAG=$(git rev-parse --short HEAD)

    Fixed::

        version: 0.2
        env:
          exported-variables:
            - IMAGE_TAG
        phases:
          build:
            commands:
              - export IMAGE_TAG=$(git rev-parse --short HEAD)
    """
    env = _env(doc)
    if env is None:
        return
    defined = {key.text: section for section, key, _ in _names(env)}
    project = _project_variables(doc)
    for item in _exported(env):
        name = item.value.strip()
        if not name or name.upper().startswith("AWS_") or _BUILTIN.match(name):
            continue
        if name in defined:
            continue
        if name in project:
            if project[name] in ("PARAMETER_STORE", "SECRETS_MANAGER"):
                yield Report(item, f"`{name}` is a project-level {project[name]} variable; those cannot be exported. "
                                   "Copy it into another variable in a command and export that",
                             fix="export a copy")
            continue
        if _defined_in_commands(doc, name):
            continue
        candidates = list(defined) + list(project)
        best = did_you_mean(name, candidates)
        hint = f"; did you mean `{best}`?" if best else ""
        yield Report(item, f"exported variable `{name}` is never set in this buildspec (no env entry and no `export {name}=…` "
                           f"or `{name}=…` in a command){hint or '.'} It will be exported empty unless the project sets it",
                     fix=f"set `{name}` in a command or under env.variables")


def _mask_sub(text: str) -> str:
    """``text`` with ``${…}`` placeholders (Fn::Sub, shell) replaced by a colon-free token."""
    return _SUB_PLACEHOLDER.sub("X", text)


@rule("BS204", "invalid-secrets-manager-reference", severity="error", kinds=("buildspec",))
def invalid_secrets_manager_reference(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """An ``env.secrets-manager`` value is not ``secret-id:json-key:version-stage:version-id``.

    Why: CodeBuild splits the reference at colons: a secret name or ARN, then an optional JSON
    key, an optional version stage and an optional version id. More parts than that, an empty
    secret id, or both a version stage and a version id make the build fail when it fetches the
    secret (give a stage or an id, not both).

    AWS behaviour: CodeBuild resolves secrets at the start of the build and fails it when the
    reference cannot be parsed or names both a version stage and a version id; the exact message is
    not recorded. Source: AWS CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'env/secrets-manager'
    (secret-id:json-key:version-stage:version-id; specify version-stage or version-id, not both).

    Failing::

        env:
          secrets-manager:
            DB_PASSWORD: prod/db:password:AWSCURRENT:6f1c2d4e-8a0b-4c3d-9e5f-1a2b3c4d5e6f

    Fixed::

        env:
          secrets-manager:
            DB_PASSWORD: prod/db:password:AWSCURRENT
    """
    env = _env(doc)
    body = bs.mapping(env.get("secrets-manager")) if env is not None else None
    if body is None:
        return
    for key, value in body.items():
        if not isinstance(value, Scalar) or intrinsic(value) is not None:
            continue
        if value.value is None or (isinstance(value.value, str) and not value.value.strip()):
            yield Report(value if value.value is not None else key, f"secrets-manager variable `{key.text}` has no secret reference; "
                         "write `secret-id[:json-key[:version-stage[:version-id]]]`", fix="give the secret name or ARN")
            continue
        if not isinstance(value.value, str):
            continue
        problem = _secret_reference_problem(_mask_sub(value.value.strip()))
        if problem:
            yield Report(value, f"secrets-manager variable `{key.text}`: {problem}", fix="write secret-id[:json-key[:version-stage[:version-id]]]")


def _secret_reference_problem(text: str) -> str | None:
    """What is wrong with a secrets-manager reference, if anything."""
    if text.startswith("arn:"):
        arn = _SECRET_ARN.match(text)
        if arn is None:
            parts = text.split(":")
            if len(parts) > 2 and parts[2] != "secretsmanager":
                return f"`{':'.join(parts[:3])}:…` is not a Secrets Manager ARN (use `parameter-store` for SSM parameters)"
            return "the ARN is incomplete; a secret ARN looks like `arn:aws:secretsmanager:<region>:<account>:secret:<name>`"
        rest = text[arn.end():]
        fields = rest[1:].split(":") if rest.startswith(":") else ([] if not rest else ["?"])
        if rest and not rest.startswith(":"):
            return "unexpected text after the secret ARN"
    else:
        parts = text.split(":")
        if not parts[0]:
            return "the secret id (name or ARN) before the first `:` is empty"
        fields = parts[1:]
    if len(fields) > 3:
        return (f"the reference has {len(fields) + 1} colon-separated parts; the most is 4: "
                "secret-id:json-key:version-stage:version-id")
    stage = fields[1] if len(fields) > 1 else ""
    version_id = fields[2] if len(fields) > 2 else ""
    if stage and version_id:
        return f"it gives both the version stage `{stage}` and a version id; give one of them and leave the other empty"
    return None


@rule("BS205", "invalid-parameter-store-name", severity="warning", kinds=("buildspec",))
def invalid_parameter_store_name(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """An ``env.parameter-store`` value is not a valid Systems Manager parameter name.

    Why: each value must name a parameter (``/app/prod/db-host``, ``db-host``, or a parameter
    ARN); CodeBuild fetches it when the build starts and fails if it does not exist. A name with
    spaces or other characters SSM does not allow, a hierarchical name without the leading
    ``/``, or a Secrets Manager ARN (which belongs under ``secrets-manager``) will not resolve.
    An empty value is an error.

    Failing::

        env:
          parameter-store:
            DB_HOST: app/prod/db host

    Fixed::

        env:
          parameter-store:
            DB_HOST: /app/prod/db-host
    """
    env = _env(doc)
    body = bs.mapping(env.get("parameter-store")) if env is not None else None
    if body is None:
        return
    for key, value in body.items():
        if not isinstance(value, Scalar) or intrinsic(value) is not None:
            continue
        if value.value is None or (isinstance(value.value, str) and not value.value.strip()):
            yield Report(value if value.value is not None else key, f"parameter-store variable `{key.text}` names no parameter; write the parameter name",
                         severity="error", fix="give the parameter name")
            continue
        if not isinstance(value.value, str):
            continue
        text = value.value.strip()
        masked = _mask_sub(text)
        if "{{resolve:" in text:
            continue
        if masked.startswith("arn:"):
            if ":secretsmanager:" in masked:
                yield Report(value, f"parameter-store variable `{key.text}` names a Secrets Manager secret; move it under `env.secrets-manager`",
                             fix="move it to secrets-manager")
            elif not _SSM_ARN.match(masked):
                yield Report(value, f"parameter-store variable `{key.text}` holds an ARN that is not an SSM parameter ARN "
                                    "(`arn:aws:ssm:<region>:<account>:parameter/<name>`)", fix="use the parameter name")
            continue
        if not _SSM_NAME.match(masked):
            bad = sorted({c for c in masked if not _SSM_NAME.match(c)})
            shown = ", ".join("space" if c == " " else f"`{c}`" for c in bad[:5])
            yield Report(value, f"parameter-store variable `{key.text}` is not a valid parameter name: it contains {shown}; "
                                "names use letters, digits, `.`, `-`, `_` and `/` only (is this a value rather than a parameter name?)",
                         fix="use the parameter's name")
        elif "/" in masked and not masked.startswith("/"):
            yield Report(value, f"parameter-store variable `{key.text}`: a parameter name with `/` in it is hierarchical and must "
                                "start with `/`; add the leading `/`", fix="add a leading `/`")


@rule("BS206", "invalid-shell", severity="error", kinds=("buildspec",))
def invalid_shell(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``env.shell`` is not a shell CodeBuild supports on the build's platform.

    Why: Linux builds accept ``bash`` and ``/bin/sh``; Windows builds accept ``powershell.exe``
    and ``cmd.exe``. Any other value is rejected. A Windows shell on a Linux image (or the
    reverse) is a warning when the image is known: the project's ``Environment.Image`` for an
    inline buildspec, or the rule option ``image`` for a file.

    AWS behaviour: a shell outside the documented list fails the build in DOWNLOAD_SOURCE with
    YAML_FILE_ERROR; the exact message is not recorded. Source: AWS CodeBuild User Guide, "Build
    specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'env/shell' (Linux: bash,
    /bin/sh; Windows: powershell.exe, cmd.exe).

    Failing::

        env:
          shell: zsh

    Fixed::

        env:
          shell: bash
    """
    env = _env(doc)
    node = env.get("shell") if env is not None else None
    if node is None or intrinsic(node) is not None:
        return
    allowed = bs.LINUX_SHELLS + bs.WINDOWS_SHELLS
    if not isinstance(node, Scalar) or not isinstance(node.value, str):
        yield Report(node, f"`env.shell` must be one of {', '.join(allowed)}", fix="write `shell: bash`")
        return
    value = node.value.strip()
    if value not in allowed:
        best = did_you_mean(value.rsplit("/", 1)[-1], allowed) if value else None
        hint = f"; did you mean `{best}`?" if best else "."
        yield Report(node, f"`env.shell: {value}` is not supported{hint} Linux builds accept bash or /bin/sh, Windows builds powershell.exe or cmd.exe",
                     fix=f"write `shell: {best or 'bash'}`")
        return
    image = bs.image(doc, config)
    if image is None:
        return
    windows_image = "windows" in image.lower()
    if windows_image and value in bs.LINUX_SHELLS:
        yield Report(node, f"`env.shell: {value}` is a Linux shell but the image `{image}` is Windows; use powershell.exe or cmd.exe",
                     severity="warning", fix="write `shell: powershell.exe`")
    elif not windows_image and value in bs.WINDOWS_SHELLS and image.startswith("aws/codebuild/"):
        yield Report(node, f"`env.shell: {value}` is a Windows shell but the image `{image}` is Linux; use bash or /bin/sh",
                     severity="warning", fix="write `shell: bash`")


@rule("BS207", "invalid-git-credential-helper", severity="warning", kinds=("buildspec",))
def invalid_git_credential_helper(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``env.git-credential-helper`` is not ``yes`` or ``no``.

    Why: the flag takes ``yes`` or ``no`` (YAML booleans such as ``true`` are read the same
    way). Any other value is not a documented setting and may be rejected or ignored.

    Failing::

        env:
          git-credential-helper: enabled

    Fixed::

        env:
          git-credential-helper: yes
    """
    env = _env(doc)
    node = env.get("git-credential-helper") if env is not None else None
    if node is None or intrinsic(node) is not None or bs.flag(node) is not None:
        return
    shown = node.raw if isinstance(node, Scalar) else "a list or mapping"
    yield Report(node, f"`env.git-credential-helper` must be yes or no, not {shown or 'empty'}", fix="write `yes` or `no`")
