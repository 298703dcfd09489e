"""The CodeDeploy AppSpec as the appspec rules read it.

An AppSpec comes in three shapes (``doc.flavor``): EC2/on-premises (``os``, ``files``,
``permissions``, and ``hooks`` as a mapping from lifecycle event to a list of scripts), Amazon
ECS and AWS Lambda (``Resources`` and ``Hooks`` as a list of single-entry maps from lifecycle
event to a Lambda function). The ECS/Lambda documentation spells the keys both capitalised
(``Resources``, ``Type``, ``CurrentVersion``) and in lower case (``resources``, ``type``,
``currentversion``); :func:`field` accepts both spellings.

This module holds the lifecycle-event tables (from the CodeDeploy user guide and the agent),
small node helpers, and :func:`appspec_of`, which every appspec rule calls first: it returns
``None`` for a document no appspec rule should read (not a mapping, or a CloudFormation
template that only has an appspec's name, which rule AS010 reports once).
"""

from __future__ import annotations

from typing import Any

from ..load.nodes import Mapping, Node, Scalar, Sequence
from ..records import ValueRecord

# --------------------------------------------------------------------------------------------
# Lifecycle events

#: EC2/on-premises events that run scripts, in the order the agent runs them.
EC2_EVENTS = (
    "BeforeBlockTraffic", "AfterBlockTraffic", "ApplicationStop", "BeforeInstall", "AfterInstall",
    "ApplicationStart", "ValidateService", "BeforeAllowTraffic", "AfterAllowTraffic",
)
#: EC2/on-premises events CodeDeploy runs itself; they cannot run scripts.
EC2_RESERVED = ("Start", "BlockTraffic", "DownloadBundle", "Install", "AllowTraffic", "End")
#: Every EC2/on-premises event, in run order (in-place deployment with a load balancer).
EC2_ORDER = (
    "Start", "BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic", "ApplicationStop",
    "DownloadBundle", "BeforeInstall", "Install", "AfterInstall", "ApplicationStart",
    "ValidateService", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic", "End",
)
#: Events whose scripts come from the last successful revision, not from this bundle.
PREVIOUS_REVISION_EVENTS = ("BeforeBlockTraffic", "AfterBlockTraffic", "ApplicationStop")

ECS_EVENTS = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic")
ECS_RESERVED = ("Start", "Install", "AllowTestTraffic", "AllowTraffic", "End")
ECS_ORDER = (
    "Start", "BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic", "AfterAllowTestTraffic",
    "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic", "End",
)

LAMBDA_EVENTS = ("BeforeAllowTraffic", "AfterAllowTraffic")
LAMBDA_RESERVED = ("Start", "AllowTraffic", "End")
LAMBDA_ORDER = ("Start", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic", "End")

#: ``flavor → (events that take hooks, reserved events, full run order)``.
EVENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "ec2": (EC2_EVENTS, EC2_RESERVED, EC2_ORDER),
    "ecs": (ECS_EVENTS, ECS_RESERVED, ECS_ORDER),
    "lambda": (LAMBDA_EVENTS, LAMBDA_RESERVED, LAMBDA_ORDER),
}

PLATFORM_NAMES = {"ec2": "EC2/on-premises", "ecs": "Amazon ECS", "lambda": "AWS Lambda"}

#: Prefix of every AppSpec validation message of the CodeDeploy agent.
AGENT = "the CodeDeploy agent fails the deployment with"


# --------------------------------------------------------------------------------------------
# Node helpers


def field(mapping: Node | None, name: str) -> tuple[Scalar, Node] | None:
    """``(key, value)`` for ``name`` or its all-lower-case spelling (ECS/Lambda keys), if present."""
    if not isinstance(mapping, Mapping):
        return None
    for spelling in (name, name.lower()):
        key = mapping.key_node(spelling)
        if key is not None:
            value = mapping.get(spelling)
            assert value is not None
            return key, value
    return None


def value_of(mapping: Node | None, name: str) -> Node | None:
    """The value of ``name`` (either spelling), or ``None``."""
    pair = field(mapping, name)
    return pair[1] if pair else None


def text(node: Node | None) -> str | None:
    """The string value of a scalar holding a string, else ``None``."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    return None


def shown(node: Node | None) -> str:
    """A node as the agent prints it in its messages: the plain text of a scalar."""
    if isinstance(node, Scalar):
        raw = node.raw if node.style == "" and node.raw else node.text
        return raw if len(raw) <= 60 else raw[:57] + "..."
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "nothing"


def show(node: Node | None) -> str:
    """A node as a message shows it: a scalar's source text in backticks, else what it is."""
    if isinstance(node, Scalar):
        if node.value is None:
            return "empty"
        return f"`{shown(node)}`"
    return shown(node)


def is_empty(node: Node | None) -> bool:
    """Whether a node is absent, null, or an empty string."""
    if node is None:
        return True
    if isinstance(node, Scalar):
        return node.value is None or (isinstance(node.value, str) and not node.value.strip())
    return False


def items_of(node: Node | None) -> list[Node]:
    """The items of a list node; ``[]`` for anything else."""
    return list(node.items) if isinstance(node, Sequence) else []


def looks_like_template(root: Node) -> str | None:
    """Why ``root`` is a CloudFormation/SAM template rather than an AppSpec, or ``None``."""
    if not isinstance(root, Mapping):
        return None
    if "AWSTemplateFormatVersion" in root:
        return "it has `AWSTemplateFormatVersion`"
    transform = root.get("Transform")
    transform_text = str(transform.to_python()) if transform is not None else ""
    if "AWS::Serverless" in transform_text:
        return "it has `Transform: AWS::Serverless-2016-10-31` (a SAM template)"
    resources = root.get("Resources")
    if isinstance(resources, Mapping) and "version" not in root:
        for _, body in resources.items():
            kind = text(body.get("Type")) if isinstance(body, Mapping) else None
            if kind and kind.startswith(("AWS::", "Custom::", "Alexa::")):
                return f"it has no `version` and its `Resources` is a mapping of CloudFormation resources such as `{kind}`"
    return None


def looks_like_ec2(root: Mapping) -> bool:
    """Whether a root has EC2/on-premises keys and no ECS service or Lambda function resource."""
    hooks = root.get("hooks")
    if not ("os" in root or "files" in root or "permissions" in root or isinstance(hooks, Mapping)):
        return False
    resources = value_of(root, "Resources")
    for item in items_of(resources):
        if isinstance(item, Mapping):
            for key, body in item.items():
                kind = text(value_of(body, "Type"))
                if key.text == "TargetService" or kind in ("AWS::ECS::Service", "AWS::Lambda::Function"):
                    return False
    return True


def detect_flavor(root: Node) -> str:
    """``ecs``, ``lambda`` or ``ec2`` for an AppSpec root, in YAML or JSON, with either key case.

    An ECS ``TargetService`` or an ``AWS::ECS::*``/``AWS::Lambda::*`` resource type decides
    first; then EC2/on-premises keys (``os``, ``files``, ``permissions``, ``hooks`` as a mapping);
    then, for a ``Resources`` without types, ECS-only hook events; Lambda otherwise.
    """
    if not isinstance(root, Mapping):
        return "ec2"
    pair = root.get_ci("resources")
    resources = pair[1] if pair else None
    items = items_of(resources) if isinstance(resources, Sequence) else [resources] if resources is not None else []
    for item in items:
        if isinstance(item, Mapping):
            for key, body in item.items():
                type_pair = body.get_ci("type") if isinstance(body, Mapping) else None
                kind = text(type_pair[1]) if type_pair else None
                if key.text == "TargetService" or (kind or "").startswith("AWS::ECS"):
                    return "ecs"
                if (kind or "").startswith("AWS::Lambda"):
                    return "lambda"
    if looks_like_ec2(root) or resources is None:
        return "ec2"
    hooks_pair = root.get_ci("hooks")
    for item in items_of(hooks_pair[1]) if hooks_pair else []:
        if isinstance(item, Mapping) and any(k in item for k in ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic")):
            return "ecs"
    return "lambda"


# --------------------------------------------------------------------------------------------
# The document


class AppSpec(ValueRecord):
    """An appspec document that appspec rules should read."""

    __slots__ = ("root", "flavor")

    root: Mapping
    flavor: str

    def __init__(self, root: Mapping, flavor: str) -> None:
        self.root = root
        self.flavor = flavor

    @property
    def platform(self) -> str:
        """``EC2/on-premises``, ``Amazon ECS`` or ``AWS Lambda``."""
        return PLATFORM_NAMES.get(self.flavor, self.flavor)

    @property
    def os(self) -> str | None:
        """The EC2 ``os`` value (``linux``/``windows``), if it is one of those."""
        value = text(self.root.get("os"))
        return value if value in ("linux", "windows") else None

    def ec2_hooks(self) -> list[tuple[Scalar, Node]]:
        """``(event key, value)`` of each entry of an EC2 ``hooks`` mapping, in file order."""
        hooks = self.root.get("hooks")
        return list(hooks.items()) if isinstance(hooks, Mapping) else []

    def function_hooks(self) -> list[tuple[Scalar, Node, Mapping]]:
        """``(event key, function, entry)`` of each ECS/Lambda hook, in file order."""
        found: list[tuple[Scalar, Node, Mapping]] = []
        hooks = value_of(self.root, "Hooks")
        for item in items_of(hooks):
            if isinstance(item, Mapping):
                for key, value in item.items():
                    found.append((key, value, item))
        return found


def appspec_of(doc: Any) -> AppSpec | None:
    """The appspec model of a document, or ``None`` if appspec rules should not read it."""

    def build() -> AppSpec | None:
        root = doc.root
        if not isinstance(root, Mapping) or looks_like_template(root) is not None:
            return None
        flavor = doc.flavor or "ec2"
        if flavor != "ec2" and looks_like_ec2(root):
            return None  # an EC2 AppSpec with a stray `resources` key, mistaken for ECS/Lambda
        return AppSpec(root, flavor)

    result: AppSpec | None = doc.cached("appspec", build)
    return result


def ec2_script_entries(value: Node | None) -> list[Node]:
    """The entries of one EC2 lifecycle event (a list; anything else has none)."""
    return items_of(value)
