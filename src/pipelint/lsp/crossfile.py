"""Which files a pipeline's project rules read, so that saving one of them re-runs those rules.

The cross-file rules (``CP401``–``CP405``, :mod:`pipelint.rules.pipeline.cross_file`) start from
the pipelines of templates and pipeline files, follow each CodeBuild action to its project
(``!Ref`` in the same template, or a literal ``Name``) and read the project's buildspec from
disk: ``Source.BuildSpec`` as a path relative to the project root, or ``buildspec.yml`` when it
is absent. This module follows the same references with the same helpers
(:mod:`pipelint.rules.pipeline._crossfile`), so the language server knows, for each pipeline
file it has linted, the buildspec files whose save must re-run its rules. It reads only what the
rules themselves would read (inside the project root, through
:class:`~pipelint.engine.project.Project`), and only on open and save.
"""

from __future__ import annotations

import os
from typing import Any

from ..discover import BufferEntry, FileEntry, display_path


def referenced_files(origin: str, text: str | None, settings: Any, limit: int) -> set[str]:
    """The absolute paths of the buildspec files the project rules read for the pipelines of
    ``origin`` (its editor ``text`` when given, else the file on disk); empty for any other kind."""
    from ..engine.project import Project
    from ..engine.runner import _classify, project_root
    from ..extract import extract
    from .session import PIPELINE_KINDS

    if text is not None:
        entry: FileEntry = BufferEntry(origin, display_path(origin), True, text[:limit].encode("utf-8", "surrogatepass"))
    else:
        entry = FileEntry(origin, display_path(origin), True)
    try:
        kind, result = _classify(entry, settings)
    except OSError:
        return set()
    if kind not in PIPELINE_KINDS or result is None or result.fatal:
        return set()
    docs, _problems = extract(result, kind, settings.limits)
    project = Project(docs, project_root(settings), settings.limits, settings.config)
    try:
        return _buildspecs(project)
    except Exception:  # a model that cannot read this pipeline: the rules report it; no dependency
        return set()


def _buildspecs(project: Any) -> set[str]:
    from pipelint.models.pipeline import pipeline_of, text_of
    from pipelint.rules.pipeline._crossfile import DEFAULT_BUILDSPEC, buildspec_of, codebuild_project

    found: set[str] = set()
    for doc in project.documents("pipeline"):
        for action in pipeline_of(doc).actions:
            if action.provider != "CodeBuild":
                continue
            target = codebuild_project(project, doc, action)
            if target is None:
                continue
            spec = buildspec_of(project, target)
            if spec is not None and spec.doc is not None:
                if spec.doc.flavor != "inline":
                    found.add(os.path.abspath(spec.doc.source.path))
                continue
            # Not there yet (or not read): the file whose creation or save would change the finding.
            source = target.properties.get("Source")
            written = text_of(source.get("BuildSpec")) if hasattr(source, "get") else None
            relative = DEFAULT_BUILDSPEC if source is not None and hasattr(source, "get") and source.get("BuildSpec") is None else written
            if relative and "\n" not in relative and not relative.startswith(("arn:", "s3:", "/")) and "$" not in relative:
                candidate = os.path.normpath(os.path.join(project.root, relative))
                if candidate.startswith(project.root.rstrip(os.sep) + os.sep):
                    found.add(candidate)
    return found
