"""CodeBuild API JSON (``aws codebuild`` input and output files) as CloudFormation-shaped nodes.

Four shapes reach pipelint: ``create-project``/``update-project`` input (one project, camelCase
keys), ``batch-get-projects`` output (``{"projects": [...]}``), ``create-project`` output
(``{"project": {...}}``) and ``create-webhook``/``update-webhook`` input (``projectName`` and
``filterGroups``). :func:`template_of` rebuilds each as the ``Resources`` of a template holding
``AWS::CodeBuild::Project`` resources, so that :mod:`pipelint.models.codebuild` and every rule
reading projects read it unchanged. The rebuilt mappings reuse the file's own value nodes, and
their keys are copies of the file's keys with CloudFormation's spelling (``insecureSsl`` →
``InsecureSsl``) at the same positions, so findings point into the file exactly.

A webhook (``webhook`` in a project, or a ``create-webhook`` file) becomes ``Triggers`` with
``Webhook: true``; since CodeBuild attaches webhooks to repository sources only, a webhook
file's project is marked as having one (:data:`WEBHOOK_IMPLIED`).
"""

from __future__ import annotations

from ..load.nodes import Mapping, Node, Scalar, Sequence

# API key → CloudFormation key where capitalising the first letter is not enough.
_RENAMED = {"buildspec": "BuildSpec", "projectVisibility": "Visibility"}
# API keys of a project that have no CloudFormation property, or a different meaning there.
_DROPPED = frozenset({"arn", "created", "lastModified", "webhook", "badge", "publicProjectAlias"})
_WEBHOOK_KEYS = ("filterGroups", "buildType", "scopeConfiguration", "pullRequestBuildPolicy", "branchFilter")
WEBHOOK_IMPLIED = "codebuild-json-webhook"
_MAX_DEPTH = 64


def is_codebuild_json(root: Node) -> bool:
    """Whether a parsed file is one of the CodeBuild API shapes this module reads."""
    if not isinstance(root, Mapping):
        return False
    projects = root.get("projects")
    if isinstance(projects, Sequence):
        return bool(projects.items) and all(_is_project(item) for item in projects.items)
    project = root.get("project")
    if isinstance(project, Mapping) and len(root.pairs) <= 2:
        return _is_project(project)
    if "projectName" in root and isinstance(root.get("filterGroups"), Sequence):
        return True
    return _is_project(root)


def _is_project(node: Node) -> bool:
    """A project: a ``name`` and at least two of ``source``, ``environment``, ``artifacts``, all mappings."""
    if not isinstance(node, Mapping) or not isinstance(node.get("name"), Scalar):
        return False
    parts = [node.get(key) for key in ("source", "environment", "artifacts")]
    return sum(isinstance(part, Mapping) for part in parts) >= 2


def _key(node: Scalar, text: str) -> Scalar:
    """A copy of a key node with another text, at the same place."""
    copy = Scalar(text, node.raw, None, node.style, node.source, node.line, node.col, node.end_line, node.end_col)
    copy.path = node.path
    return copy


def _pascal(text: str) -> str:
    return _RENAMED.get(text) or (text[:1].upper() + text[1:])


def _convert(node: Node, depth: int = 0) -> Node:
    """The node with every mapping key in CloudFormation spelling (values are kept as they are)."""
    if depth > _MAX_DEPTH:
        return node
    if isinstance(node, Mapping):
        pairs: list[tuple[Node, Node]] = []
        for key, value in node.pairs:
            new_key = _key(key, _pascal(key.text)) if isinstance(key, Scalar) else key
            pairs.append((new_key, _convert(value, depth + 1)))
        return _mapping(pairs, node)
    if isinstance(node, Sequence):
        items = [_convert(item, depth + 1) for item in node.items]
        copy = Sequence(items, node.tag, node.source, node.line, node.col, node.end_line, node.end_col)
        copy.path = node.path
        return copy
    return node


def _mapping(pairs: list[tuple[Node, Node]], at: Node) -> Mapping:
    made = Mapping(pairs, None, at.source, at.line, at.col, at.end_line, at.end_col)
    made.path = at.path
    return made


def _scalar(value: object, at: Node) -> Scalar:
    made = Scalar(value, str(value), None, "", at.source, at.line, at.col, at.end_line, at.end_col)
    made.path = at.path
    return made


def _triggers(webhook: Mapping, at: Node) -> Mapping:
    """``Triggers`` for a webhook's settings: ``Webhook: true`` plus its filter groups and policies."""
    pairs: list[tuple[Node, Node]] = [(_scalar("Webhook", at), _scalar(True, at))]
    for key, value in webhook.pairs:
        if isinstance(key, Scalar) and key.text in _WEBHOOK_KEYS:
            pairs.append((_key(key, _pascal(key.text)), _convert(value)))
    return _mapping(pairs, webhook)


def _project_properties(project: Mapping) -> Mapping:
    pairs: list[tuple[Node, Node]] = []
    for key, value in project.pairs:
        if not isinstance(key, Scalar) or key.text in _DROPPED:
            if isinstance(key, Scalar) and key.text == "webhook" and isinstance(value, Mapping):
                pairs.append((_key(key, "Triggers"), _triggers(value, key)))
            continue
        pairs.append((_key(key, _pascal(key.text)), _convert(value)))
    return _mapping(pairs, project)


def _resource(name_node: Node, properties: Mapping, at: Node) -> tuple[Scalar, Mapping]:
    name = name_node.text if isinstance(name_node, Scalar) else "Project"
    logical = _scalar(name or "Project", name_node)
    body = _mapping([(_scalar("Type", at), _scalar("AWS::CodeBuild::Project", at)), (_scalar("Properties", at), properties)], at)
    return logical, body


def template_of(root: Mapping) -> tuple[Mapping, set[str]]:
    """A template-shaped root (``Resources`` of ``AWS::CodeBuild::Project``) for a CodeBuild API
    file, and the logical ids of projects known only by their webhook (a ``create-webhook`` file)."""
    resources: list[tuple[Node, Node]] = []
    webhook_only: set[str] = set()
    projects = root.get("projects")
    project = root.get("project")
    if isinstance(projects, Sequence):
        found = [item for item in projects.items if isinstance(item, Mapping)]
    elif isinstance(project, Mapping):
        found = [project]
    elif "projectName" in root and "filterGroups" in root:
        found = []
        name = root.get("projectName") or root
        logical, body = _resource(name, _mapping([(_scalar("Triggers", root), _triggers(root, root))], root), root)
        resources.append((logical, body))
        webhook_only.add(logical.text)
    else:
        found = [root]
    seen: set[str] = set()
    for item in found:
        name = item.get("name") or item
        logical, body = _resource(name, _project_properties(item), item)
        if logical.text in seen:  # the same project twice: keep the ids apart
            logical = _scalar(f"{logical.text}#{len(resources) + 1}", logical)
        seen.add(logical.text)
        resources.append((logical, body))
    return _mapping([(_scalar("Resources", root), _mapping(resources, root))], root), webhook_only
