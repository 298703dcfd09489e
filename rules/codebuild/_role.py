"""What a CodeBuild project's service role may change, when the template declares that role.

Only used to say *why* an untrusted build is worse: a role found in the same template whose
policies allow write actions. A role the template does not declare, or a policy the template
computes, adds nothing (an unknown value never produces a finding).
"""

from __future__ import annotations

from pipelint.api import Document, Mapping, Node, Scalar, Sequence, intrinsic
from pipelint.load.nodes import leading_arg
from pipelint.models.codebuild import arg_text, get, items_of, resources, text_of

_READ_VERBS = ("Get", "List", "Describe", "BatchGet", "Head", "Query", "Scan", "Select", "Search", "Lookup", "View", "Check",
               "Validate", "Verify", "Test", "Simulate", "Estimate", "Preview")
# What every build writes as a matter of course: its own logs and test reports.
_ROUTINE = ("logs:", "codebuild:createreport", "codebuild:updatereport", "codebuild:batchputtestcases",
            "codebuild:batchputcodecoverages")
_BROAD_MANAGED = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
MAX_LISTED = 3


def _target(role: Node | None) -> str | None:
    """The logical id a ``ServiceRole`` value names (``!GetAtt R.Arn``, ``!Ref R``, ``!Sub ${R.Arn}``)."""
    name = intrinsic(role)
    if name is None or not isinstance(role, Mapping):
        return None
    arg = role.pairs[0][1]
    if name == "Ref":
        return arg_text(arg)
    if name == "Fn::GetAtt":
        if isinstance(arg, Sequence) and arg.items:
            return arg_text(arg.items[0])
        text = arg_text(arg)
        return text.split(".", 1)[0] if text is not None else None
    if name == "Fn::Sub":
        text = arg_text(leading_arg(arg))
        if text is not None and text.count("${") == 1 and text.rstrip().endswith("}"):
            inner = text[text.index("${") + 2:text.rindex("}")]
            return inner.split(".", 1)[0] if inner and not inner.startswith("AWS::") else None
    return None


def _is_write(action: str) -> bool:
    lower = action.lower()
    if lower.startswith(_ROUTINE):
        return False
    if action == "*":
        return True
    service, _, verb = action.partition(":")
    if not service or not verb:
        return False
    if verb == "*":
        return True
    return not verb.startswith(_READ_VERBS)


def _writes_of(document: Node | None) -> list[str]:
    found: list[str] = []
    raw = get(document, "Statement")
    statements = [raw] if isinstance(raw, Mapping) and intrinsic(raw) is None else items_of(raw)
    for statement in statements:
        if not isinstance(statement, Mapping) or text_of(statement.get("Effect")) != "Allow":
            continue
        actions = statement.get("Action")
        values = [actions] if isinstance(actions, Scalar) else items_of(actions)
        for value in values:
            text = text_of(value)
            if isinstance(text, str) and _is_write(text) and text not in found:
                found.append(text)
    return found


class _RoleIndex:
    """The template's roles and the policy documents attached to each, built once per document."""

    __slots__ = ("roles", "attached", "writes")

    def __init__(self, root: Node) -> None:
        self.roles = dict(resources(root, "AWS::IAM::Role"))
        self.attached: dict[str, list[Node | None]] = {}
        for rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for _, props in resources(root, rtype):
                for item in items_of(props.get("Roles")):
                    target = arg_text(item.pairs[0][1]) if intrinsic(item) == "Ref" and isinstance(item, Mapping) else None
                    if target is not None:
                        self.attached.setdefault(target, []).append(props.get("PolicyDocument"))
        self.writes: dict[str, list[str]] = {}

    def of(self, logical_id: str) -> list[str]:
        """The write actions of one role (worked out once)."""
        if logical_id not in self.writes:
            self.writes[logical_id] = self._compute(logical_id)
        return self.writes[logical_id]

    def _compute(self, logical_id: str) -> list[str]:
        role = self.roles.get(logical_id)
        if role is None:
            return []
        found: list[str] = []
        for arn in items_of(role.get("ManagedPolicyArns")):
            text = text_of(arn)
            if intrinsic(arn) == "Fn::Sub" and isinstance(arn, Mapping):
                text = arg_text(arn.pairs[0][1])
            if isinstance(text, str) and text.rsplit("/", 1)[-1] in _BROAD_MANAGED:
                found.append(f"managed policy {text.rsplit('/', 1)[-1]}")
        for policy in items_of(role.get("Policies")):
            found.extend(_writes_of(get(policy, "PolicyDocument")))
        for document in self.attached.get(logical_id, []):
            found.extend(_writes_of(document))
        unique: list[str] = []
        for entry in found:
            if entry not in unique:
                unique.append(entry)
                if len(unique) == MAX_LISTED:
                    break
        return unique


def role_writes(doc: Document, service_role: Node | None) -> list[str]:
    """Up to :data:`MAX_LISTED` write actions (or broad managed policies) the project's service
    role is granted in this template; empty when the role is not declared here or only reads."""
    logical_id = _target(service_role)
    if logical_id is None:
        return []
    index: _RoleIndex = doc.cached("codebuild-role-index", lambda: _RoleIndex(doc.root))
    return index.of(logical_id)
