"""Which policies apply to which principal in a CloudFormation template.

For every ``AWS::IAM::Role``, ``User`` and ``Group`` this gathers the statements of its inline
``Policies``, of every ``AWS::IAM::Policy``/``ManagedPolicy`` in the template that names it in
``Roles``/``Users``/``Groups`` (by ``!Ref`` or by its literal name), of every in-template
managed policy its ``ManagedPolicyArns`` reference, and of a few well-known AWS managed
policies (``AdministratorAccess``, ``PowerUserAccess``, ``IAMFullAccess``). Policies attached to
no principal of the template are returned as principals of their own.
"""

from __future__ import annotations

from pipelint.api import Document, Mapping, Node, Scalar, Sequence, intrinsic
from pipelint.load.nodes import branch_items as list_items
from pipelint.load.nodes import intrinsic_arg
from pipelint.models.policy import Element, Statement, Value, parse_policy, policy_at
from pipelint.records import ValueRecord

_PRINCIPAL_TYPES = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group"}
_NAME_PROPERTY = {"AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName"}
_ATTACH_PROPERTY = {"Roles": "AWS::IAM::Role", "Users": "AWS::IAM::User", "Groups": "AWS::IAM::Group"}
_POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
# AWS managed policies whose effect is known well enough to reason about: name → (actions, not-actions).
_AWS_MANAGED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AdministratorAccess": (("*",), ()),
    "PowerUserAccess": ((), ("iam:*", "organizations:*", "account:*")),
    "IAMFullAccess": (("iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization"), ()),
}


class Grant(ValueRecord):
    """A statement that applies to a principal, and a label of the policy it comes from."""

    __slots__ = ("statement", "label")

    statement: Statement
    label: str

    def __init__(self, statement: Statement, label: str) -> None:
        self.statement = statement
        self.label = label


class Principal(ValueRecord):
    """A role, user or group of the template (or a policy attached to none), with its grants."""

    __slots__ = ("logical_id", "key", "kind", "grants")

    logical_id: str
    key: Scalar
    kind: str
    grants: list[Grant]

    def __init__(self, logical_id: str, key: Scalar, kind: str, grants: list[Grant] | None = None) -> None:
        self.logical_id = logical_id
        self.key = key
        self.kind = kind
        self.grants = [] if grants is None else grants


def _policy_statements(doc: Document, node: Node | None, key: Node | None) -> list[Statement]:
    if node is None:
        return []
    if isinstance(node, Mapping) and intrinsic(node) is None:
        return policy_at(doc, node).statements  # the statements of that policy document's model
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.lstrip().startswith("{") and node.source is not None:
        from pipelint.extract.embedded import load_embedded

        loaded = load_embedded(node, key or node, fmt="json")
        return [s for root in loaded.roots if isinstance(root, Mapping) for s in parse_policy(root).statements]
    return []


def _synthetic(node: Node, actions: tuple[str, ...], not_actions: tuple[str, ...]) -> Statement:
    """A statement standing for an AWS managed policy, located at its ARN in the template."""
    span = (node.source, node.line, node.col, node.end_line, node.end_col)
    effect = Scalar("Allow", "Allow", None, "", *span)
    key = Scalar("Action", "Action", None, "", *span)
    stmt = Statement(node=Mapping([], None, *span), index=0, effect=effect, effect_key=key)
    if actions:
        stmt.action = Element(key, node, [Value(node, a) for a in actions])
    if not_actions:
        stmt.not_action = Element(Scalar("NotAction", "NotAction", None, "", *span), node, [Value(node, a) for a in not_actions])
    stmt.resource = Element(key, node, [Value(node, "*")])
    return stmt


def _ref_target(node: Node) -> str | None:
    if intrinsic(node) == "Ref":
        arg = intrinsic_arg(node)
        return arg.text if isinstance(arg, Scalar) else None
    if intrinsic(node) == "Fn::GetAtt":  # GetAtt X.Arn in ManagedPolicyArns
        arg = intrinsic_arg(node)
        if isinstance(arg, Sequence) and arg.items and isinstance(arg.items[0], Scalar):
            return arg.items[0].text
        if isinstance(arg, Scalar):
            return arg.text.split(".", 1)[0]
    return None


def aws_managed_name(node: Node) -> str | None:
    """The name of an AWS managed policy an ARN (literal or ``!Sub``) names, e.g. ``AdministratorAccess``."""
    text = None
    if isinstance(node, Scalar) and isinstance(node.value, str):
        text = node.value
    elif intrinsic(node) == "Fn::Sub":
        arg = intrinsic_arg(node)
        text = arg.text if isinstance(arg, Scalar) else None
    if text and ":iam::aws:policy/" in text:
        return text.rsplit("/", 1)[-1]
    return None


def principals(doc: Document) -> list[Principal]:
    """Every principal of a template document with the statements that apply to it (cached)."""
    return doc.cached("iam-principals", lambda: _gather(doc))


def _gather(doc: Document) -> list[Principal]:
    root = doc.root
    resources = root.get("Resources") if isinstance(root, Mapping) else None
    if not isinstance(resources, Mapping):
        return []
    found: dict[str, Principal] = {}
    by_name: dict[tuple[str, str], str] = {}
    policies: dict[str, tuple[Scalar, str, list[Statement], Mapping]] = {}
    for key, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        rtype = resource.get("Type")
        rtype_text = rtype.text if isinstance(rtype, Scalar) else ""
        found_props = resource.get("Properties")
        props = found_props if isinstance(found_props, Mapping) else None
        if rtype_text in _PRINCIPAL_TYPES:
            principal = Principal(key.text, key, _PRINCIPAL_TYPES[rtype_text])
            found[key.text] = principal
            name_node = props.get(_NAME_PROPERTY[rtype_text]) if props else None
            if isinstance(name_node, Scalar) and isinstance(name_node.value, str):
                by_name[(rtype_text, name_node.value)] = key.text
            if props is None:
                continue
            for index, item in enumerate(list_items(props.get("Policies"))):
                if isinstance(item, Mapping):
                    label_name = item.get("PolicyName")
                    label = f"inline policy `{label_name.text}`" if isinstance(label_name, Scalar) else f"inline policy #{index + 1}"
                    for stmt in _policy_statements(doc, item.get("PolicyDocument"), item.key_node("PolicyDocument")):
                        principal.grants.append(Grant(stmt, label))
        elif rtype_text in _POLICY_TYPES and props is not None:
            stmts = _policy_statements(doc, props.get("PolicyDocument"), props.key_node("PolicyDocument"))
            policies[key.text] = (key, rtype_text, stmts, props)
    attached: set[str] = set()
    added: dict[str, set[str]] = {name: set() for name in found}
    for logical, (_key, rtype_text, stmts, props) in policies.items():
        label = f"{'managed policy' if rtype_text.endswith('ManagedPolicy') else 'policy'} `{logical}`"
        for prop, target_type in _ATTACH_PROPERTY.items():
            for item in list_items(props.get(prop)):
                target = _ref_target(item)
                if target is None and isinstance(item, Scalar) and isinstance(item.value, str):
                    target = by_name.get((target_type, item.value))
                if target is not None and target in found and logical not in added[target]:
                    attached.add(logical)
                    added[target].add(logical)
                    found[target].grants.extend(Grant(s, label) for s in stmts)
    for principal in found.values():
        declared = resources.get(principal.logical_id)
        holder = declared.get("Properties") if isinstance(declared, Mapping) else None
        if not isinstance(holder, Mapping):
            continue
        for item in list_items(holder.get("ManagedPolicyArns")):
            target = _ref_target(item)
            if target is not None and target in policies:
                if target in added[principal.logical_id]:
                    continue
                added[principal.logical_id].add(target)
                attached.add(target)
                principal.grants.extend(Grant(s, f"managed policy `{target}`") for s in policies[target][2])
                continue
            managed = aws_managed_name(item)
            if managed is not None and managed in _AWS_MANAGED:
                actions, not_actions = _AWS_MANAGED[managed]
                principal.grants.append(Grant(_synthetic(item, actions, not_actions), f"AWS managed policy `{managed}`"))
    out = list(found.values())
    for logical, (key, _rtype, stmts, _props) in policies.items():
        if logical in attached:
            continue
        orphan = Principal(logical, key, "policy")
        orphan.grants.extend(Grant(s, f"policy `{logical}`") for s in stmts)
        out.append(orphan)
    return out

