"""``BS301``–``BS306``: ``phases.install.runtime-versions`` against the build image's runtimes.

The image is the project's ``Environment.Image`` for an inline buildspec; for a buildspec file
it is the rule option ``image`` (``[tool.pipelint.rule-options.BS302] image =
"aws/codebuild/standard:7.0"``). Without a known image, runtimes are checked against the union
of the actively maintained CodeBuild images.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Fix, Mapping, Node, Report, Scalar, did_you_mean, rule
from pipelint.fixes.build import block_lines, delete_entry_line, delete_lines, plain_scalar_text, replace_node
from pipelint.load.scalars import clip_number
from pipelint.models import buildspec as bs

from . import _runtimes as rt


def _selection(doc: Document) -> tuple[Scalar | None, Mapping | None]:
    """The ``runtime-versions`` key and mapping of the install phase."""
    install = bs.mapping(bs.child(bs.root(doc), "phases", "install"))
    if install is None:
        return None, None
    return install.key_node("runtime-versions"), bs.mapping(install.get("runtime-versions"))


def _pairs(doc: Document) -> list[tuple[Scalar, Node]]:
    _key, selection = _selection(doc)
    return list(selection.items()) if selection is not None else []


def _target(doc: Document, config: dict[str, Any]) -> rt.Target:
    return rt.target(bs.image(doc, config))


def _checkable(target: rt.Target) -> bool:
    return target.kind != "custom" and target.selection and bool(target.runtimes)


def _is_number_trap(node: Node) -> bool:
    """A plain YAML number whose value reads differently from what was written (``3.10``)."""
    return (
        isinstance(node, Scalar) and node.style == "" and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool) and str(node.value) != node.raw.strip()
    )


def _delete_docker(doc: Document, key: Scalar, value: Node) -> Fix | None:
    """Delete a one-line ``docker: 19`` entry; when it is the only runtime, the whole
    ``runtime-versions`` block; when that is all the install phase holds, the install phase
    (if other phases remain)."""
    selection_key, selection = _selection(doc)
    if selection is None or selection_key is None:
        return None
    title = "Delete the docker runtime entry (Docker is preinstalled)"
    if len(selection) >= 2:
        edit = delete_entry_line(key, value)
        return Fix([edit], False, title) if edit is not None else None
    if delete_entry_line(key, value) is None:  # the entry is not a plain one-line block entry
        return None
    phases = bs.mapping(bs.child(bs.root(doc), "phases"))
    install = bs.mapping(bs.child(bs.root(doc), "phases", "install"))
    if phases is None or install is None:
        return None
    if len(install) >= 2:
        span = block_lines(selection_key, selection)
    else:
        install_key = phases.key_node("install")
        span = block_lines(install_key, install) if install_key is not None and len(phases) >= 2 else None
    return Fix([delete_lines(*span)], False, title) if span is not None else None


def _listing(versions: list[str]) -> str:
    return ", ".join(versions) if versions else "none"


@rule("BS301", "unknown-runtime", severity="error", kinds=("buildspec",))
def unknown_runtime(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``runtime-versions`` names a runtime the build image does not have.

    Why: CodeBuild fails the build (``YAML_FILE_ERROR: Unknown runtime named …``) when a
    runtime name is not one the image knows: ``nodejs`` not ``node``, ``golang`` not ``go``,
    and ``docker`` or ``android`` only on older images. With a known image (inline buildspecs,
    or the rule option ``image``) the image's runtimes are used; otherwise every image's. A name
    found only on unmaintained images is a warning when the image is unknown, and so is any
    unknown name on a CodeBuild image the runtime table does not cover (Windows images).

    AWS behaviour: the build fails in DOWNLOAD_SOURCE: CodeBuild logs "Phase complete:
    DOWNLOAD_SOURCE State: FAILED" then "Phase context status code: YAML_FILE_ERROR Message: Unknown
    runtime named 'docker'. This build image has the following runtimes: dotnet, golang, java,
    nodejs, php, python, ruby". Source: observed in aws/aws-toolkit-vscode#2434 (standard:5.0);
    runtimes.yml of aws/aws-codebuild-docker-images.

    Option ``image``: the build image of buildspec files (inline buildspecs use the project's
    ``Environment.Image``)::

        [tool.pipelint.rule-options.BS301]
        image = "aws/codebuild/standard:7.0"

    Failing::

        version: 0.2
        phases:
          install:
            runtime-versions:
              node: 20

    Fixed::

        version: 0.2
        phases:
          install:
            runtime-versions:
              nodejs: 20
    """
    target = _target(doc, config)
    if not _checkable(target):
        return
    every = rt.all_names()
    for key, _value in _pairs(doc):
        name = key.text
        if name in target.runtimes:
            continue
        best = rt.ALIASES.get(name.lower())
        if best not in target.runtimes:
            best = did_you_mean(name, list(target.runtimes)) or did_you_mean(name, every)
        hint = f"; did you mean `{best}`?" if best and best != name else "."
        known = ", ".join(sorted(target.runtimes))
        if target.kind == "image":
            yield Report(key, f"{target.describe()} has no runtime named `{name}`{hint} It has: {known}",
                         fix=f"use `{best}`" if best else "remove it")
        elif name in every:
            yield Report(key, f"runtime `{name}` exists only on older, unmaintained CodeBuild images; current images have: {known}",
                         severity="warning", fix="remove it or pin an image that has it")
        else:
            # An image missing from the table (Windows, an old language image) may know other names.
            severity = "warning" if target.kind == "other-aws" else None
            yield Report(key, f"unknown runtime `{name}`{hint} CodeBuild images know: {', '.join(sorted(every))}",
                         severity=severity, fix=f"use `{best}`" if best else "remove it")


@rule("BS302", "runtime-version-not-preinstalled", severity="warning", kinds=("buildspec",), fixable="unsafe")
def runtime_version_not_preinstalled(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A runtime version in ``runtime-versions`` is not preinstalled on the build image.

    Why: current images install other versions at build time (slower, and it can fail), so this
    is a warning; on older images that cannot (and on a known image whose runtime has no custom
    install) CodeBuild fails with ``Unknown runtime version named '15' of nodejs``, which is an
    error. Exact versions, ``<major>.x``, ``latest`` and ``$VARIABLE`` are understood.

    Option ``image``: the build image of buildspec files (inline buildspecs use the project's
    ``Environment.Image``)::

        [tool.pipelint.rule-options.BS302]
        image = "aws/codebuild/standard:7.0"

    Failing::

        version: 0.2
        phases:
          install:
            runtime-versions:
              nodejs: 16

    Fixed::

        version: 0.2
        phases:
          install:
            runtime-versions:
              nodejs: 22

    On an image the runtime table marks unmaintained or unsupported (``standard:6.0`` and
    older, ``amazonlinux2-x86_64-standard:*``), the advice is to move the project to a
    maintained image of the same family and architecture, naming one that preinstalls the
    version when there is one: the versions of a retired image are mostly end-of-life runtimes,
    so downgrading to one of them is never suggested there. For example, ``python: 3.9`` on
    ``aws/codebuild/amazonlinux2-x86_64-standard:2.0`` (only 3.8 preinstalled) gets "move the
    project to a maintained image that preinstalls python 3.9, e.g.
    ``aws/codebuild/amazonlinux-x86_64-standard:5.0``".

    Fix: unsafe, only for ``docker:`` on a current image, which is not a runtime there: deletes
    that line, when ``runtime-versions`` selects other runtimes too. Choosing another version of
    a real runtime (or another image) is a judgement and is not automated.

    AWS: CodeBuild User Guide, "Docker images provided by CodeBuild" (the current images and
    their runtimes; older images are listed as no longer maintained or unsupported) and
    "Available runtimes"; the table is built from aws/aws-codebuild-docker-images.
    """
    target = _target(doc, config)
    if not _checkable(target) or target.kind == "other-aws":
        return
    for key, value in _pairs(doc):
        name = key.text
        available = target.runtimes.get(name)
        if available is None or not isinstance(value, Scalar) or _is_number_trap(value):
            continue
        version = rt.version_text(value.value)
        if version is None or not version or rt.is_dynamic(version) or rt.matches(version, available):
            continue
        written = clip_number(version)  # a version of 1,000 digits is shown by its first dozen
        if name == "docker" and target.kind == "maintained":
            yield Report(value, f"`docker: {written}` is not a runtime CodeBuild can select on current x86_64 images (standard:5.0 and later fail with "
                                "\"Unknown runtime named 'docker'\"); Docker is already installed there. Delete this line (builds that run "
                                "Docker need the project's privileged mode)",
                         fix="delete the `docker:` line", edit=_delete_docker(doc, key, value))
            continue
        hint = ""
        if name == "java" and version.isdigit() and f"corretto{version}" in available:
            hint = f" (Java versions are written `corretto{version}`)"
        retired = target.kind == "image" and target.status in ("unsupported", "unmaintained")
        where = target.describe() + (" (an image AWS no longer maintains)" if retired else "")
        # On a retired image the way out is a maintained image, not an older runtime from its list.
        fix = _retired_image_fix(target, name, version) if retired else f"use one of {_listing(available)}"
        # Tables of unsupported images come from old snapshots that may miss late additions.
        if target.kind == "image" and name not in target.custom and target.status != "unsupported":
            yield Report(value, f"{where} has no {name} {written}{hint}; CodeBuild fails with \"Unknown runtime version "
                                f"named '{written}' of {name}\". Preinstalled: {_listing(available)}",
                         severity="error", fix=fix)
        else:
            yield Report(value, f"{name} {written} is not preinstalled on {where}{hint}; CodeBuild installs it at build "
                                f"time if the image supports it, or fails. Preinstalled: {_listing(available)}",
                         fix=fix)


def _retired_image_fix(target: rt.Target, name: str, version: str) -> str:
    """BS302's fix on an unmaintained or unsupported image: move to a maintained image of the
    same family, one that preinstalls the version when there is one."""
    images, has_version = rt.maintained_replacements(target.image, name, version)
    if not images:
        return "move the project to an actively maintained CodeBuild image"
    if has_version:
        return f"move the project to a maintained image that preinstalls {name} {clip_number(version)}, e.g. `{images[0]}`"
    versions = rt.preinstalled(images[0], name)
    return (f"move the project to a maintained image, e.g. `{images[0]}`, and use one of its {name} versions "
            f"({_listing(versions)})" if versions else f"move the project to a maintained image, e.g. `{images[0]}`")


@rule("BS303", "runtime-version-yaml-number", severity="warning", kinds=("buildspec",), fixable="safe")
def runtime_version_yaml_number(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A runtime version is an unquoted number that YAML reads differently from how it is written.

    Why: unquoted ``3.10`` is the number 3.1 in YAML, so ``python: 3.10`` asks for Python 3.1
    (``golang: 1.20`` asks for Go 1.2). Quote versions that end in zero.

    Failing::

        version: 0.2
        phases:
          install:
            runtime-versions:
              python: 3.10

    Fixed::

        version: 0.2
        phases:
          install:
            runtime-versions:
              python: "3.10"

    Fix: safe. Puts the version in double quotes exactly as written (``3.10`` → ``"3.10"``), so
    CodeBuild reads the version the file shows.
    """
    for key, value in _pairs(doc):
        if _is_number_trap(value):
            assert isinstance(value, Scalar)
            raw = value.raw.strip()
            written = clip_number(raw)
            quoted = f"`{key.text}: \"{raw}\"`" if written == raw else "the same text in quotes"
            yield Report(value, f"`{key.text}: {written}` is read by YAML as the number {value.value}, so CodeBuild selects "
                                f"{key.text} {value.value}; quote it: {quoted}", fix=f"write {quoted}", edit=_quote_version(value))


def _quote_version(value: Scalar) -> Fix | None:
    """``"3.10"`` for an unquoted ``3.10`` written exactly where the node says."""
    written = plain_scalar_text(value)
    if written is None:
        return None
    return replace_node(value, f'"{written}"', f'Quote the version as "{clip_number(written)}"')


@rule("BS304", "conflicting-runtimes", severity="error", kinds=("buildspec",))
def conflicting_runtimes(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """Two runtimes in ``runtime-versions`` cannot be installed together.

    Why: some runtimes need a particular version of another (Android needs Java 8 on the
    images that have it). CodeBuild fails the build when the selection conflicts, e.g.
    ``android: 29`` with ``java: openjdk11``.

    AWS behaviour: CodeBuild fails the build in DOWNLOAD_SOURCE with YAML_FILE_ERROR when the
    selected runtimes conflict (e.g. `android: 29` with `java: openjdk11`); the exact message is not
    recorded. Source: AWS CodeBuild User Guide, "Specify runtime versions in the buildspec file"
    (runtime-versions.html); runtimes.yml `requires` entries.

    Option ``image``: the build image of buildspec files (inline buildspecs use the project's
    ``Environment.Image``)::

        [tool.pipelint.rule-options.BS304]
        image = "aws/codebuild/standard:7.0"

    Failing::

        version: 0.2
        phases:
          install:
            runtime-versions:
              android: 29
              java: openjdk11

    Fixed::

        version: 0.2
        phases:
          install:
            runtime-versions:
              android: 29
              java: openjdk8
    """
    target = _target(doc, config)
    if target.kind == "custom" or not target.selection:
        return
    pairs = _pairs(doc)
    chosen = {key.text: (key, value) for key, value in pairs}
    for key, value in pairs:
        version = rt.version_text(value.value) if isinstance(value, Scalar) else None
        needs = (target.requires.get(key.text) or {}).get(version or "") or {}
        for other, allowed in needs.items():
            if other not in chosen:
                continue
            other_value = chosen[other][1]
            other_version = rt.version_text(other_value.value) if isinstance(other_value, Scalar) else None
            if other_version is None or rt.is_dynamic(other_version) or other_version in allowed:
                continue
            yield Report(other_value, f"`{other}: {other_version}` conflicts with `{key.text}: {version}`, which needs {other} "
                                      f"{' or '.join(allowed)}; CodeBuild fails the build on conflicting runtimes",
                         fix=f"write `{other}: {allowed[0]}`")


@rule("BS305", "runtime-versions-ignored", severity="warning", kinds=("buildspec",))
def runtime_versions_ignored(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``runtime-versions`` is set but the build image does not support runtime selection.

    Why: Lambda compute images carry exactly one runtime, chosen by the image name; CodeBuild
    skips ``runtime-versions`` on them with the log line "Runtime version selection is not
    supported by this build image", so the versions you ask for are not what runs.

    Option ``image``: the build image of buildspec files (inline buildspecs use the project's
    ``Environment.Image``)::

        [tool.pipelint.rule-options.BS305]
        image = "aws/codebuild/standard:7.0"

    Failing (image ``aws/codebuild/amazonlinux-x86_64-lambda-standard:python3.12``)::

        phases:
          install:
            runtime-versions:
              python: "3.13"

    Fixed: remove ``runtime-versions`` and pick the image of the runtime you need.
    """
    target = _target(doc, config)
    key, _selection_map = _selection(doc)
    if key is None or target.kind != "image" or target.selection:
        return
    which = f" (it provides {target.language} only)" if target.language else ""
    yield Report(key, f"{target.describe()} does not support runtime selection{which}; CodeBuild skips `runtime-versions`. "
                      "Remove it and choose the image for the runtime you need",
                 fix="remove runtime-versions")


@rule("BS306", "runtime-versions-required", severity="error", kinds=("buildspec",))
def runtime_versions_required(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The build image requires ``runtime-versions`` but the install phase does not select one.

    Why: the oldest standard images (``aws/codebuild/standard:2.0``,
    ``amazonlinux2-x86_64-standard:1.0``) fail with "This build image requires selecting at
    least one runtime version" when ``phases.install.runtime-versions`` is missing.

    AWS behaviour: the build fails in DOWNLOAD_SOURCE with "YAML_FILE_ERROR: This build image
    requires selecting at least one runtime version." Source: observed in
    aws-samples/aws-serverless-workshops#231 and awslabs/aws-service-catalog-factory#126; AWS
    CodeBuild User Guide, "Troubleshooting AWS CodeBuild"
    (troubleshooting-build-must-specify-runtime).

    Option ``image``: the build image of buildspec files (inline buildspecs use the project's
    ``Environment.Image``)::

        [tool.pipelint.rule-options.BS306]
        image = "aws/codebuild/standard:7.0"

    Failing (image ``aws/codebuild/standard:2.0``)::

        Resources:
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              Artifacts: {Type: CODEPIPELINE}
              Environment:
                Image: aws/codebuild/standard:2.0
                ComputeType: BUILD_GENERAL1_SMALL
                Type: LINUX_CONTAINER
              ServiceRole: arn:aws:iam::123456789012:role/codebuild
              Source:
                Type: CODEPIPELINE
                BuildSpec: |
                  version: 0.2
                  phases:
                    build:
                      commands:
                        - make

    Fixed::

        Resources:
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              Artifacts: {Type: CODEPIPELINE}
              Environment:
                Image: aws/codebuild/standard:2.0
                ComputeType: BUILD_GENERAL1_SMALL
                Type: LINUX_CONTAINER
              ServiceRole: arn:aws:iam::123456789012:role/codebuild
              Source:
                Type: CODEPIPELINE
                BuildSpec: |
                  version: 0.2
                  phases:
                    install:
                      runtime-versions:
                        python: "3.7"
                    build:
                      commands:
                        - make
    """
    target = _target(doc, config)
    if target.kind != "image" or not target.required:
        return
    key, selection = _selection(doc)
    if key is not None:
        return
    top = bs.root(doc)
    if top is None:
        return
    phases = bs.mapping(top.get("phases"))
    anchor: Node = (phases.key_node("install") if phases is not None else None) or top.key_node("phases") or top
    yield Report(anchor, f"{target.describe()} requires selecting at least one runtime; add `runtime-versions` under `phases.install` "
                         f"(available: {', '.join(sorted(target.runtimes))})",
                 fix="add phases.install.runtime-versions")
