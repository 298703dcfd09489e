"""``BS401``–``BS402``: the ``artifacts`` section and its secondary artifacts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Report, Scalar, Sequence, intrinsic, rule
from pipelint.models import buildspec as bs


def _files_problem(body: Mapping) -> str | None:
    """``"missing"``, ``"empty"`` or ``None`` for an artifact's ``files``."""
    if "files" not in body:
        return "missing"
    files = body.get("files")
    if intrinsic(files) is not None:
        return None
    if isinstance(files, Scalar) and (files.value is None or (isinstance(files.value, str) and not files.value.strip())):
        return "empty"
    if isinstance(files, Sequence) and not any(not (isinstance(i, Scalar) and i.value is None) for i in files.items):
        return "empty"
    return None


@rule("BS401", "artifacts-files-missing", severity="error", kinds=("buildspec",))
def artifacts_files_missing(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """An ``artifacts`` section has no ``files`` (or an empty ``files`` list).

    Why: ``artifacts.files`` is required whenever ``artifacts`` is present, even when only
    ``secondary-artifacts`` are used; CodeBuild rejects the buildspec without it. An empty list
    uploads nothing (a warning).

    AWS behaviour: `artifacts/files` is documented as required whenever `artifacts` is present;
    CodeBuild fails the build with YAML_FILE_ERROR without it. The exact message is not recorded.
    Source: AWS CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'artifacts/files: Required
    sequence'.

    Failing::

        artifacts:
          base-directory: dist

    Fixed::

        artifacts:
          base-directory: dist
          files:
            - '**/*'
    """
    top = bs.root(doc)
    if top is None:
        return
    body = bs.mapping(top.get("artifacts"))
    key = top.key_node("artifacts")
    if body is None or key is None:
        return
    problem = _files_problem(body)
    if problem == "missing":
        extra = " (it is required even when only secondary-artifacts are used)" if "secondary-artifacts" in body else ""
        yield Report(key, f"`artifacts` has no `files` list{extra}; add `files:` with the paths to upload, e.g. `- '**/*'`",
                     fix="add `files: ['**/*']`")
    elif problem == "empty":
        yield Report(body.key_node("files") or key, "`artifacts.files` lists nothing, so no artifact is uploaded; list the paths, e.g. `- '**/*'`",
                     severity="warning", fix="list the files to upload")


def _project_identifiers(doc: Document) -> tuple[list[str] | None, bool]:
    """The project's secondary artifact identifiers (``None`` if unknown) and whether the project's
    artifacts come from CodePipeline (whose output artifact names are used instead)."""
    project = bs.project(doc)
    if project is None:
        return None, False
    kind = bs.child(project, "Artifacts", "Type")
    if isinstance(kind, Scalar) and isinstance(kind.value, str) and kind.value.upper() == "CODEPIPELINE":
        return None, True
    if "SecondaryArtifacts" not in project:
        return [], False
    listed = project.get("SecondaryArtifacts")
    if not isinstance(listed, Sequence):
        return None, False
    found: list[str] = []
    for item in listed.items:
        entry = bs.mapping(item)
        ident = entry.get("ArtifactIdentifier") if entry is not None else None
        if not isinstance(ident, Scalar) or not isinstance(ident.value, str):
            return None, False  # an intrinsic or a condition: unknown
        found.append(ident.value)
    return found, False


@rule("BS402", "invalid-secondary-artifact", severity="error", kinds=("buildspec",))
def invalid_secondary_artifact(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A secondary artifact has no ``files``, or its identifier is not one the project declares.

    Why: each entry under ``artifacts.secondary-artifacts`` is keyed by an artifact identifier
    that must match a ``SecondaryArtifacts[].ArtifactIdentifier`` of the CodeBuild project (or,
    in CodePipeline, an output artifact name), and needs its own ``files``. For inline
    buildspecs the identifiers are checked against the project in the same template.

    AWS behaviour: each identifier must match a secondary artifact of the project and each entry
    needs `files` (documented); the build fails otherwise, but the exact message is not recorded.
    Source: AWS CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html),
    'artifacts/secondary-artifacts'.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - make
        artifacts:
          files: ['**/*']
          secondary-artifacts:
            reports:
              base-directory: out

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make
        artifacts:
          files: ['**/*']
          secondary-artifacts:
            reports:
              base-directory: out
              files: ['**/*']
    """
    body = bs.mapping(bs.child(bs.root(doc), "artifacts", "secondary-artifacts"))
    if body is None:
        return
    declared, from_pipeline = _project_identifiers(doc)
    for key, value in body.items():
        entry = bs.mapping(value)
        if entry is not None:
            problem = _files_problem(entry)
            if problem == "missing":
                yield Report(key, f"secondary artifact `{key.text}` has no `files`; add `files:` with the paths to upload",
                             fix="add `files: ['**/*']`")
            elif problem == "empty":
                yield Report(entry.key_node("files") or key, f"secondary artifact `{key.text}` lists no files",
                             severity="warning", fix="list the files to upload")
        if from_pipeline or declared is None:
            continue
        if key.text not in declared:
            if declared:
                yield Report(key, f"the project declares no secondary artifact `{key.text}` (it declares {', '.join(declared)}); "
                                  "the identifier must match a SecondaryArtifacts[].ArtifactIdentifier", fix="rename it to a declared identifier")
            else:
                yield Report(key, f"the project declares no SecondaryArtifacts, so secondary artifact `{key.text}` is never uploaded; "
                                  "add it to the project's SecondaryArtifacts", severity="warning", fix="declare it on the project")
