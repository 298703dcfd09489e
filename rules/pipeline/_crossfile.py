"""Following a pipeline's CodeBuild actions to their projects and buildspecs, for project rules.

A CodeBuild action names its project in ``ProjectName``: ``!Ref Build`` resolves to the
``AWS::CodeBuild::Project`` resource ``Build`` of the same template; a literal name resolves to the
one project in the run's templates whose ``Name`` is that literal. The project's
``Source.BuildSpec`` is inline YAML (an inline ``buildspec`` document of the run), a path relative
to the source root (``project.root``), or absent (``buildspec.yml`` at the root). A path that
leaves the root (``../other/buildspec.yml``) is neither read nor looked for (:class:`Project`
refuses it with a notice), so nothing outside the linted tree is loaded or quoted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Node, Scalar, Sequence
from pipelint.models.pipeline import Action, intrinsic, pipeline_of, text_of
from pipelint.records import ValueRecord

DEFAULT_BUILDSPEC = "buildspec.yml"


class CodeBuildProject(ValueRecord):
    """An ``AWS::CodeBuild::Project`` found in a template of the run."""

    __slots__ = ("template", "logical_id", "properties")

    template: Document
    logical_id: str
    properties: Mapping

    def __init__(self, template: Document, logical_id: str, properties: Mapping) -> None:
        self.template = template
        self.logical_id = logical_id
        self.properties = properties


class Buildspec(ValueRecord):
    """Where a CodeBuild project's buildspec is, and its document when it could be read."""

    __slots__ = ("project", "doc", "path", "missing", "spec_node", "suggestion")

    project: CodeBuildProject
    doc: Document | None
    path: str | None  # as written in Source.BuildSpec (or the default)
    missing: bool  # an explicit path that does not exist under the root
    spec_node: Node | None  # the BuildSpec value in the template
    suggestion: str | None  # an existing file with a similar name, when missing

    def __init__(
        self,
        project: CodeBuildProject,
        doc: Document | None = None,
        path: str | None = None,
        missing: bool = False,
        spec_node: Node | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.project = project
        self.doc = doc
        self.path = path
        self.missing = missing
        self.spec_node = spec_node
        self.suggestion = suggestion

    @property
    def label(self) -> str:
        """Where the buildspec is, for messages: a file, or the inline buildspec with its line."""
        if self.doc is not None and self.doc.flavor == "inline":
            node = self.spec_node if self.spec_node is not None else self.doc.root
            # The file that holds it: a Terraform project may be declared in a sibling file.
            path = node.source.path if node.source is not None else self.project.template.path
            return f"the inline buildspec of project `{self.project.logical_id}` ({path}:{node.line})"
        if self.doc is not None:
            return f"buildspec `{self.doc.path}`"
        return f"buildspec `{self.path}`"

    def where(self, node: Node | None) -> str:
        """``file:line`` of a node of the buildspec, for messages."""
        if node is None or self.doc is None:
            return self.label
        if self.doc.flavor == "inline":
            path = node.source.path if node.source is not None else self.doc.path
            return f"the inline buildspec of project `{self.project.logical_id}` ({path}:{node.line})"
        return f"{self.doc.path}:{node.line}"


class ArtifactSection(ValueRecord):
    """One artifact description of a buildspec (``artifacts`` or a ``secondary-artifacts`` entry)."""

    __slots__ = ("node", "files", "files_known", "discard_paths")

    node: Mapping | None
    files: list[str]
    files_known: bool
    discard_paths: bool

    def __init__(
        self,
        node: Mapping | None,
        files: list[str] | None = None,
        files_known: bool = True,
        discard_paths: bool = False,
    ) -> None:
        self.node = node
        self.files = [] if files is None else files
        self.files_known = files_known
        self.discard_paths = discard_paths


def pipeline_documents(project: Any) -> Iterator[tuple[Document, Any]]:
    """Every pipeline document of the run with its model."""
    for doc in project.documents("pipeline"):
        yield doc, pipeline_of(doc)


def _resources(template: Document | None) -> Mapping | None:
    root = template.root if template is not None else None
    resources = root.get("Resources") if isinstance(root, Mapping) else None
    return resources if isinstance(resources, Mapping) else None


def _codebuild(template: Document, logical_id: str) -> CodeBuildProject | None:
    resources = _resources(template)
    resource = resources.get(logical_id) if resources is not None else None
    if not isinstance(resource, Mapping) or text_of(resource.get("Type")) != "AWS::CodeBuild::Project":
        return None
    props = resource.get("Properties")
    return CodeBuildProject(template, logical_id, props) if isinstance(props, Mapping) else None


def _by_name(project: Any, name: str) -> CodeBuildProject | None:
    found: list[CodeBuildProject] = []
    for template in project.documents("template"):
        resources = _resources(template)
        if resources is None:
            continue
        for key, resource in resources.items():
            if not isinstance(resource, Mapping) or text_of(resource.get("Type")) != "AWS::CodeBuild::Project":
                continue
            props = resource.get("Properties")
            if isinstance(props, Mapping) and text_of(props.get("Name")) == name:
                found.append(CodeBuildProject(template, key.text, props))
    return found[0] if len(found) == 1 else None


def _literal_project_name(action: Action) -> str | None:
    """The project name a CodeBuild action names literally (``None`` for ``!Ref`` and other intrinsics)."""
    node = action.config("ProjectName")
    if intrinsic(node) == "Ref" and isinstance(node, Mapping):
        return None
    return text_of(node) or None


def needs_other_files(doc: Document) -> frozenset[str]:
    """The keys through which the cross-file rules must see ``doc`` together with other files.

    Only lookups of a CodeBuild project by its literal ``Name`` cross files (``_by_name``): a
    pipeline's CodeBuild action naming a project literally, and a template declaring a
    CodeBuild project with a literal ``Name``, give the key of that name, so that the pipeline
    is checked with every template declaring a project of that name. Everything else these
    rules follow stays in the pipeline's own file (``!Ref`` to a project, inline buildspecs) or
    is read from disk: no key.
    """
    keys: set[str] = set()
    if doc.kind == "pipeline":
        for action in pipeline_of(doc).actions:
            name = _literal_project_name(action) if action.provider == "CodeBuild" else None
            if name is not None:
                keys.add(_NAME_KEY + name)
    elif doc.kind == "template":
        resources = _resources(doc)
        for _, resource in resources.items() if resources is not None else ():
            if isinstance(resource, Mapping) and text_of(resource.get("Type")) == "AWS::CodeBuild::Project":
                props = resource.get("Properties")
                name = text_of(props.get("Name")) if isinstance(props, Mapping) else None
                if name:
                    keys.add(_NAME_KEY + name)
    return frozenset(keys)


_NAME_KEY = "codebuild-project-name:"


def codebuild_project(project: Any, doc: Document, action: Action) -> CodeBuildProject | None:
    """The CodeBuild project a CodeBuild action runs, when the run declares it."""
    node = action.config("ProjectName")
    if intrinsic(node) == "Ref" and isinstance(node, Mapping):
        target = text_of(node.pairs[0][1])
        template = doc.context.get("template") if doc.context else None
        if target and isinstance(template, Document):
            return _codebuild(template, target)
        return None
    name = _literal_project_name(action)
    return _by_name(project, name) if name else None


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), root]) == root
    except ValueError:
        return False


def buildspec_of(project: Any, build: CodeBuildProject) -> Buildspec | None:
    """The buildspec of a CodeBuild project, or ``None`` when nothing solid is known about it."""
    source = build.properties.get("Source")
    if not isinstance(source, Mapping):
        return None
    spec = source.get("BuildSpec")
    found = Buildspec(build, spec_node=spec)
    if spec is None:
        found.path = DEFAULT_BUILDSPEC
    else:
        for candidate in project.documents("buildspec"):
            if (candidate.flavor == "inline" and candidate.context.get("logical_id") == build.logical_id
                    and candidate.source.path == build.template.source.path):
                found.doc = candidate
                return found
        text = text_of(spec)
        if text is None or "\n" in text.strip() or text.lstrip().startswith(("version", "{")):
            return None  # an intrinsic, or inline text that did not load
        if text.startswith(("arn:", "s3:")) or "$" in text or "#{" in text:
            return None
        found.path = _relative(text)
    located = project.find_file(found.path)
    if located is None:
        if spec is None or not _inside(build.template.source.path, project.root):
            return None
        return _missing(project.root, found)
    docs = project.load_document(located, "buildspec")
    if not docs:
        return None
    found.doc = docs[0]
    return found


def _missing(root: str, found: Buildspec) -> Buildspec | None:
    """A missing buildspec, reported only on solid evidence: its folder exists, or a similar file does."""
    from pipelint.api import did_you_mean
    from pipelint.discover import inside

    path = found.path or ""
    folder = os.path.dirname(path)
    directory = os.path.join(root, folder)
    if not inside(directory, root):
        return None  # outside the project: nothing about it is looked at
    if not os.path.isdir(directory):
        return None  # the path is probably in another repository
    try:
        siblings = [name for name in os.listdir(directory) if os.path.isfile(os.path.join(directory, name))]
    except OSError:
        return None
    best = did_you_mean(os.path.basename(path), siblings)
    if folder in ("", ".") and best is None:
        return None  # only the root exists: not enough to say the file is missing
    found.missing = True
    found.suggestion = os.path.join(folder, best).replace(os.sep, "/") if best else None
    return found


def _mapping(node: Node | None, key: str) -> Node | None:
    return node.get(key) if isinstance(node, Mapping) else None


def exported_variables(spec: Buildspec) -> tuple[list[str], Node | None] | None:
    """The buildspec's ``env.exported-variables`` names and node; ``None`` when not all literal."""
    if spec.doc is None:
        return None
    node = _mapping(_mapping(spec.doc.root, "env"), "exported-variables")
    if node is None:
        return [], None
    if not isinstance(node, Sequence):
        return None
    names = [text_of(item) for item in node.items]
    if any(name is None for name in names):
        return None
    return [name for name in names if name], node


def _truthy(node: Node | None) -> bool:
    if isinstance(node, Scalar):
        return node.value is True or str(node.value).strip().lower() in ("yes", "true")
    return False


def _section(node: Node | None) -> ArtifactSection | None:
    if not isinstance(node, Mapping):
        return None
    section = ArtifactSection(node, discard_paths=_truthy(node.get("discard-paths")))
    files = node.get("files")
    items = files.items if isinstance(files, Sequence) else [files] if files is not None else []
    for item in items:
        text = text_of(item)
        if text is None:
            section.files_known = False
        else:
            section.files.append(text)
    return section


def artifact_section(spec: Buildspec, output: str | None, outputs: int) -> ArtifactSection | None:
    """The buildspec section describing one output artifact of the action (``None`` when unknown).

    With one output the primary ``artifacts`` section applies; with several, the
    ``secondary-artifacts`` entry whose identifier is the output's name.
    """
    if spec.doc is None:
        return None
    artifacts = _mapping(spec.doc.root, "artifacts")
    if artifacts is None:
        return ArtifactSection(None) if outputs == 1 else None
    if outputs == 1:
        return _section(artifacts)
    secondary = _mapping(artifacts, "secondary-artifacts")
    return _section(_mapping(secondary, output)) if output else None


def secondary_identifiers(spec: Buildspec) -> tuple[list[str], Node | None] | None:
    """The identifiers of ``artifacts.secondary-artifacts`` and the node listing them."""
    if spec.doc is None:
        return None
    artifacts = _mapping(spec.doc.root, "artifacts")
    secondary = _mapping(artifacts, "secondary-artifacts")
    if secondary is None:
        return [], artifacts
    if not isinstance(secondary, Mapping):
        return None
    return [key.text for key, _ in secondary.items()], secondary


def _relative(path: str) -> str:
    """A path without surrounding blanks, leading ``./`` or ``/``."""
    path = path.strip()
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _glob(pattern: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:[^/]*/)*")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out) + r"\Z")


def may_contain(section: ArtifactSection, wanted: str) -> bool:
    """Whether the artifact the section describes can hold ``wanted`` (a path inside the artifact).

    Patterns are matched relative to ``base-directory`` (which does not appear in the artifact);
    with ``discard-paths`` only the file name is kept. Patterns using variables or bracket
    expressions are assumed to match.
    """
    if not section.files_known:
        return True
    wanted = _relative(wanted)
    for raw in section.files:
        pattern = _relative(raw)
        if any(ch in pattern for ch in "$[{"):
            return True
        if section.discard_paths:
            if "/" in wanted:
                continue
            last = pattern.rsplit("/", 1)[-1]
            if last == "**" or _glob(last).match(wanted):
                return True
        elif _glob(pattern).match(wanted):
            return True
    return False


def single_top_folder(section: ArtifactSection) -> str | None:
    """The one top-level folder every file pattern lies in, if so (CodeDeploy then treats it as the root)."""
    if section.discard_paths or not section.files_known or not section.files:
        return None
    firsts = set()
    for raw in section.files:
        pattern = _relative(raw)
        if "/" not in pattern:
            return None
        firsts.add(pattern.split("/", 1)[0])
    folder = firsts.pop() if len(firsts) == 1 else None
    return folder if folder and not any(ch in folder for ch in "*?[{$") else None


def producer_of(pipeline: Any, action: Action, artifact_key: str | None) -> Action | None:
    """The single action producing ``artifact_key`` for ``action`` (``None`` if none or ambiguous)."""
    if artifact_key is None:
        return None
    found: Action | None = None
    for producer, _ in pipeline.producers(artifact_key):
        if producer is action:
            continue
        if found is not None:  # a second one: ambiguous (stop here, there may be thousands)
            return None
        found = producer
    return found
