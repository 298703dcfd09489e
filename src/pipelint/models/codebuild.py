"""One model of the ``AWS::CodeBuild::Project`` resources of a CloudFormation template.

The CB rules ask who can start a build (``Triggers``: the webhook, its filter groups, the pull
request build policy, the webhook scope) and what the build can reach (privileged mode, secrets
in the environment, the service role). :func:`projects_of` reads every project once per
document into :class:`Project` objects that keep the nodes they came from.

Values are resolved conservatively: :func:`value_of` gives the literal value of a property, or
:data:`UNKNOWN` when it comes from ``!Ref``/``!Sub``/another intrinsic function or when the
branches of an ``Fn::If`` disagree (``!Ref AWS::NoValue`` counts as "absent", so
``!If [C, true, !Ref AWS::NoValue]`` is unknown too). Rules never report a finding that
depends on an unknown value. Filter groups and filters under an ``Fn::If`` contribute both
branches: each branch is a configuration the template can deploy.
"""

from __future__ import annotations

from typing import Any

from ..engine.rule import Document
from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic
from ..records import Record

PROJECT_TYPE = "AWS::CodeBuild::Project"
PULL_REQUEST_EVENTS = frozenset({"PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_REOPENED"})
ALL_EVENTS = frozenset({
    "PUSH", "PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_CLOSED", "PULL_REQUEST_REOPENED",
    "PULL_REQUEST_MERGED", "RELEASED", "PRERELEASED", "WORKFLOW_JOB_QUEUED",
})
RUNNER_EVENT = "WORKFLOW_JOB_QUEUED"
APPROVAL_VALUES = frozenset({"ALL_PULL_REQUESTS", "FORK_PULL_REQUESTS"})
# Source types a webhook cannot be attached to: triggers on them do nothing.
NON_WEBHOOK_SOURCES = frozenset({"CODEPIPELINE", "NO_SOURCE", "S3", "CODECOMMIT"})
SECRET_VARIABLE_TYPES = frozenset({"SECRETS_MANAGER", "PARAMETER_STORE"})


class _Unknown:
    """The type of :data:`UNKNOWN`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
"""A value the template computes (``!Ref``, ``!Sub``…) or chooses with ``Fn::If``."""

_NO_VALUE = object()


def options_of(node: Node | None, depth: int = 0) -> list[Any]:
    """The nodes a property may be: both branches of every ``Fn::If``; ``None`` for absent."""
    if node is None:
        return [None]
    name = intrinsic(node)
    if name is None or depth > 10 or not isinstance(node, Mapping):
        return [node]
    arg = node.pairs[0][1]
    if name == "Fn::If" and isinstance(arg, Sequence) and len(arg.items) == 3:
        return options_of(arg.items[1], depth + 1) + options_of(arg.items[2], depth + 1)
    if name == "Ref" and isinstance(arg, Scalar) and arg.value == "AWS::NoValue":
        return [None]
    return [node]


def value_of(node: Node | None) -> Any:
    """The literal scalar value of a property: ``None`` if absent, :data:`UNKNOWN` if computed or
    if ``Fn::If`` branches differ; strings as written, numbers and booleans typed."""
    values: list[Any] = []
    for option in options_of(node):
        if option is None:
            values.append(None)
        elif isinstance(option, Scalar) and not str(option.tag or "").startswith("!"):
            values.append(option.value)
        else:
            return UNKNOWN
    first = values[0]
    return first if all(v == first and type(v) is type(first) for v in values[1:]) else UNKNOWN


def flag_of(node: Node | None) -> Any:
    """A CloudFormation boolean: ``True``/``False`` (``"true"``/``"false"`` strings too), ``None``
    if absent, :data:`UNKNOWN` otherwise."""
    value = value_of(node)
    if isinstance(value, bool) or value is None or value is UNKNOWN:
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return UNKNOWN


def text_of(node: Node | None) -> Any:
    """A string property: its text, ``None`` if absent, :data:`UNKNOWN` if computed."""
    value = value_of(node)
    if value is None or value is UNKNOWN or isinstance(value, str):
        return value
    return UNKNOWN


def arg_text(node: Node | None) -> str | None:
    """The string of a scalar that is an intrinsic function's argument (``X`` in ``!Ref X``,
    which keeps the ``!Ref`` tag), else ``None``."""
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


def pattern_text(node: Node | None) -> Any:
    """A filter ``Pattern`` as CloudFormation passes it on: a plain YAML number (an account id
    written ``Pattern: 123456``) is the string of its digits, as written."""
    value = text_of(node)
    if value is UNKNOWN and isinstance(node, Scalar) and not isinstance(node.value, bool) and isinstance(node.value, (int, float)):
        return node.raw
    return value


def get(node: Node | None, key: str) -> Node | None:
    """``node[key]`` if ``node`` is a mapping (a single ``Fn::If`` whose branches agree is not
    looked into: callers use :func:`value_of` on the result)."""
    return node.get(key) if isinstance(node, Mapping) else None


def items_of(node: Node | None) -> list[Node]:
    """The items of a list property, ``Fn::If`` lists and items expanded to both branches,
    ``AWS::NoValue`` dropped; a list computed by another function gives no items."""
    out: list[Node] = []
    for option in options_of(node):
        if isinstance(option, Sequence):
            for item in option.items:
                out.extend(o for o in options_of(item) if o is not None)
    return out


def mapping_options(node: Node | None) -> list[Mapping]:
    """The mappings an object property may be (both ``Fn::If`` branches)."""
    return [o for o in options_of(node) if isinstance(o, Mapping) and intrinsic(o) is None]


class Filter(Record):
    """One ``WebhookFilter``: its type, its pattern (text, ``None`` or :data:`UNKNOWN`) and node,
    and whether it excludes (``True``/``False``, :data:`UNKNOWN`)."""

    __slots__ = ("node", "type", "pattern", "pattern_node", "exclude")

    node: Mapping
    type: Any
    pattern: Any
    pattern_node: Node | None
    exclude: Any

    def __init__(self, node: Mapping) -> None:
        self.node = node
        kind = text_of(node.get("Type"))
        self.type = kind.strip().upper() if isinstance(kind, str) else kind
        self.pattern_node = node.get("Pattern")
        self.pattern = pattern_text(self.pattern_node)
        exclude = flag_of(node.get("ExcludeMatchedPattern"))
        self.exclude = False if exclude is None else exclude

    @property
    def allow_list(self) -> Any:
        """``True`` for an allow-list, ``False`` for a deny-list, :data:`UNKNOWN` if unknown."""
        return UNKNOWN if self.exclude is UNKNOWN else not self.exclude


class FilterGroup(Record):
    """One filter group (its filters are ANDed; groups are ORed)."""

    __slots__ = ("node", "index", "filters")

    node: Node
    index: int
    filters: list[Filter]

    def __init__(self, node: Node, index: int, filters: list[Filter]) -> None:
        self.node = node
        self.index = index
        self.filters = filters

    def of_type(self, kind: str) -> list[Filter]:
        """The filters of one type (unknown types are never returned)."""
        return [f for f in self.filters if f.type == kind]

    @property
    def has_unknown_type(self) -> bool:
        """Whether some filter's ``Type`` is computed."""
        return any(f.type is UNKNOWN for f in self.filters)

    def events(self) -> Any:
        """The events that can trigger this group, or :data:`UNKNOWN`."""
        event_filters = self.of_type("EVENT")
        if not event_filters or self.has_unknown_type:
            return UNKNOWN
        events = set(ALL_EVENTS)
        for found in event_filters:
            if not isinstance(found.pattern, str) or found.exclude is UNKNOWN:
                return UNKNOWN
            listed = {part.strip().upper() for part in found.pattern.split(",") if part.strip()}
            events = events - listed if found.exclude else events & listed
        return events

    def event_node(self) -> Node:
        """The node to point at for the group's events: the first EVENT pattern, else the group."""
        for found in self.of_type("EVENT"):
            if found.pattern_node is not None:
                return found.pattern_node
        return self.node

    def restricts(self, kind: str) -> bool:
        """Whether the group has (or may have: unknown values count) an allow-list of ``kind``."""
        if self.has_unknown_type:
            return True
        return any(f.allow_list is not False for f in self.of_type(kind))


class Project(Record):
    """An ``AWS::CodeBuild::Project`` resource and the facts the CB rules read from it."""

    __slots__ = ("logical_id", "props", "triggers", "groups", "webhook_only")

    logical_id: str
    props: Mapping
    triggers: list[Mapping]
    groups: list[FilterGroup]
    webhook_only: bool

    def __init__(self, logical_id: str, props: Mapping, webhook_only: bool = False) -> None:
        self.logical_id = logical_id
        self.props = props
        self.webhook_only = webhook_only
        self.triggers = mapping_options(props.get("Triggers"))
        self.groups = []
        for triggers in self.triggers:
            for raw in items_of(triggers.get("FilterGroups")):
                filters = [Filter(f) for f in items_of(raw) if isinstance(f, Mapping) and intrinsic(f) is None]
                self.groups.append(FilterGroup(raw, len(self.groups) + 1, filters))

    def webhook(self) -> Any:
        """``Triggers.Webhook`` as a flag (``None`` when there are no triggers)."""
        flags = {flag_of(t.get("Webhook")) for t in self.triggers} or {None}
        return flags.pop() if len(flags) == 1 else UNKNOWN

    def webhook_source(self) -> bool:
        """Whether the project's source is known to be a repository a webhook can watch."""
        if self.webhook_only:
            return True  # a `create-webhook` file: CodeBuild attaches webhooks to repository sources only
        kinds = {text_of(get(s, "Type")) for s in mapping_options(self.props.get("Source"))}
        return bool(kinds) and all(isinstance(k, str) and k.upper() not in NON_WEBHOOK_SOURCES for k in kinds)

    def active_groups(self) -> list[FilterGroup]:
        """The filter groups of a webhook known to be on and attached to a repository source."""
        return self.groups if self.webhook() is True and self.webhook_source() else []

    def comment_approval(self) -> Any:
        """``True`` if pull request builds need comment approval, ``False`` if not,
        :data:`UNKNOWN` if the template computes it."""
        states = set()
        for triggers in self.triggers:
            policy = triggers.get("PullRequestBuildPolicy")
            for option in options_of(policy):
                if option is None:
                    states.add(False)
                    continue
                if not isinstance(option, Mapping) or intrinsic(option) is not None:
                    return UNKNOWN
                value = text_of(option.get("RequiresCommentApproval"))
                if value is UNKNOWN:
                    return UNKNOWN
                states.add(isinstance(value, str) and value.strip().upper() in APPROVAL_VALUES)
        if not states:
            return False
        return states.pop() if len(states) == 1 else UNKNOWN

    def environments(self) -> list[Mapping]:
        """The ``Environment`` mappings (both branches of an ``Fn::If``)."""
        return mapping_options(self.props.get("Environment"))

    def privileged_nodes(self) -> list[Node]:
        """The ``PrivilegedMode`` values known to be true."""
        out = []
        for env in self.environments():
            node = env.get("PrivilegedMode")
            if node is not None and flag_of(node) is True:
                out.append(node)
        return out

    def secret_variables(self) -> list[tuple[str, Mapping]]:
        """``(name, item)`` of environment variables of type SECRETS_MANAGER or PARAMETER_STORE."""
        out = []
        for env in self.environments():
            for item in items_of(env.get("EnvironmentVariables")):
                if not isinstance(item, Mapping):
                    continue
                kind = text_of(item.get("Type"))
                if isinstance(kind, str) and kind.strip().upper() in SECRET_VARIABLE_TYPES:
                    name = text_of(item.get("Name"))
                    out.append((name if isinstance(name, str) else "?", item))
        return out


def resources(root: Node, rtype: str) -> list[tuple[str, Mapping]]:
    """``(logical id, Properties)`` of the template's resources of one type."""
    found: list[tuple[str, Mapping]] = []
    res = get(root, "Resources")
    if not isinstance(res, Mapping):
        return found
    for key, resource in res.items():
        if isinstance(resource, Mapping) and value_of(resource.get("Type")) == rtype:
            props = resource.get("Properties")
            if isinstance(props, Mapping):
                found.append((key.text, props))
    return found


def projects_of(doc: Document) -> list[Project]:
    """The template's CodeBuild projects, read once per document."""
    webhook_only = (doc.context or {}).get("webhook_only") or set()  # a `create-webhook` file (models/codebuild_cli.py)
    return doc.cached("codebuild-projects", lambda: [Project(name, props, name in webhook_only)
                                                     for name, props in resources(doc.root, PROJECT_TYPE)])
