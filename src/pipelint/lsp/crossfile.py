"""Which files a pipeline's project rules read, so that saving one of them re-runs those rules.

The cross-file rules (``CP401``–``CP405``, :mod:`pipelint.rules.pipeline.cross_file`) start from
the pipelines of templates and pipeline files, follow each CodeBuild action to its project
(``!Ref`` in the same template, or a literal ``Name``) and read the project's buildspec from
disk: ``Source.BuildSpec`` as a path relative to the project root, or ``buildspec.yml`` when it
is absent. This module follows the same references with the same helpers
(:mod:`pipelint.rules.pipeline._crossfile`), so the language server knows, for each pipeline
file it has linted, the buildspec files whose save must re-run its rules. It reads only what the
rules themselves would read (inside the project root by real path, through
:meth:`~pipelint.engine.project.Project.allowed`, the check ``pipelint check`` applies), and only
on open and save.
"""

from __future__ import annotations

import os
from typing import Any

from ..discover import FileEntry


def referenced_files(origin: FileEntry, others: list[FileEntry], settings: Any) -> set[str]:
    """The absolute paths of the buildspec files the project rules read for the pipelines of the
    file ``origin``, with the documents of ``others`` (the other open templates and pipeline
    files, where a CodeBuild project named by a literal ``Name`` may be declared) in view; empty
    when ``origin`` holds no pipeline. Entries are read as the engine reads them (an editor's
    text or the file on disk)."""
    from ..engine.project import Project
    from ..engine.runner import project_root

    mine = _documents(origin, settings)
    if not any(doc.kind == "pipeline" for doc in mine):
        return set()
    docs = list(mine)
    for other in others:
        docs.extend(_documents(other, settings))
    project = Project(docs, project_root(settings), settings.limits, settings.config)
    try:
        return _buildspecs(project, {id(doc) for doc in mine})
    except Exception:  # a model that cannot read this pipeline: the rules report it; no dependency
        return set()


def _documents(entry: FileEntry, settings: Any) -> list[Any]:
    """The documents of a template or pipeline file (none for any other kind, or a broken file)."""
    from ..engine.runner import _classify
    from ..extract import extract
    from .session import PIPELINE_KINDS

    try:
        kind, result = _classify(entry, settings)
    except OSError:
        return []
    if kind not in PIPELINE_KINDS or result is None or result.fatal:
        return []
    docs, _problems = extract(result, kind, settings.limits)
    return list(docs)


def readable(path: str, project: Any) -> bool:
    """Whether the project rules may read ``path``, exactly as ``pipelint check`` decides
    (:meth:`~pipelint.engine.project.Project.allowed`: inside the project root by its real path,
    every link resolved; no link unless links are followed; no FIFO, socket or device)."""
    from ..discover import inside

    return inside(path, project.root) and bool(project.allowed(path))


def _buildspecs(project: Any, mine: set[int]) -> set[str]:
    from pipelint.models.pipeline import pipeline_of, text_of
    from pipelint.rules.pipeline._crossfile import DEFAULT_BUILDSPEC, buildspec_of, codebuild_project

    found: set[str] = set()
    for doc in project.documents("pipeline"):
        if id(doc) not in mine:
            continue
        for action in pipeline_of(doc).actions:
            if action.provider != "CodeBuild":
                continue
            target = codebuild_project(project, doc, action)
            if target is None:
                continue
            spec = buildspec_of(project, target)
            if spec is not None and spec.doc is not None:
                if spec.doc.flavor != "inline" and readable(os.path.abspath(spec.doc.source.path), project):
                    found.add(os.path.abspath(spec.doc.source.path))
                continue
            # Not there yet (or not read): the file whose creation or save would change the finding.
            source = target.properties.get("Source")
            written = text_of(source.get("BuildSpec")) if hasattr(source, "get") else None
            relative = DEFAULT_BUILDSPEC if source is not None and hasattr(source, "get") and source.get("BuildSpec") is None else written
            if relative and "\n" not in relative and not relative.startswith(("arn:", "s3:", "/")) and "$" not in relative:
                candidate = os.path.normpath(os.path.join(project.root, relative))
                if readable(candidate, project):
                    found.add(candidate)
    return found
