"""IAM010: one principal holds a set of permissions that lets it grant itself any permission."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Node, Report, rule
from pipelint.models.policy import Statement, Value, action_matches, policy_of
from pipelint.records import FrozenRecord, ValueRecord

from ._attachments import Grant, principals


class Method(FrozenRecord):
    """A privilege-escalation path: the actions it needs (one of each slot) and what it does."""

    __slots__ = ("slots", "passes_to", "does", "fix")

    slots: tuple[tuple[str, ...], ...]
    passes_to: str | None  # the service that receives the passed role, when iam:PassRole is needed
    does: str
    fix: str

    def __init__(self, slots: tuple[tuple[str, ...], ...], passes_to: str | None, does: str, fix: str) -> None:
        self.slots = slots
        self.passes_to = passes_to
        self.does = does
        self.fix = fix


METHODS: tuple[Method, ...] = (
    Method((("codebuild:CreateProject", "codebuild:UpdateProject"), ("codebuild:StartBuild", "codebuild:StartBuildBatch")),
           "codebuild.amazonaws.com", "create or change a CodeBuild project that runs as any role it passes, then run its own commands in a build",
           "drop `codebuild:CreateProject`/`codebuild:UpdateProject` or scope them to named project ARNs"),
    Method((("cloudformation:CreateStack", "cloudformation:UpdateStack"),), "cloudformation.amazonaws.com",
           "deploy a stack as any role it passes, creating whatever resources that role can",
           "scope the CloudFormation actions to named stack ARNs"),
    Method((("lambda:CreateFunction",), ("lambda:InvokeFunction",)), "lambda.amazonaws.com",
           "create a Lambda function that runs as any role it passes and invoke it",
           "scope the Lambda actions to named function ARNs"),
    Method((("ec2:RunInstances",),), "ec2.amazonaws.com",
           "start an EC2 instance with any role it passes and read that role's credentials",
           "remove `ec2:RunInstances` or limit it with conditions"),
    Method((("iam:CreatePolicyVersion",),), None, "write a new default version of a managed policy, including its own",
           "remove `iam:CreatePolicyVersion` or scope it to policies the principal is not attached to"),
    Method((("iam:SetDefaultPolicyVersion",),), None, "switch a managed policy to a more permissive old version",
           "remove `iam:SetDefaultPolicyVersion`"),
    Method((("iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"),), None,
           "attach `AdministratorAccess` to itself", "remove the `iam:Attach*Policy` actions or scope them to other named roles"),
    Method((("iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy"),), None,
           "write itself an inline policy granting anything", "remove the `iam:Put*Policy` actions or scope them to other named roles"),
    Method((("iam:UpdateAssumeRolePolicy",),), None, "make any role trust it and assume that role",
           "remove `iam:UpdateAssumeRolePolicy` or scope it to named roles"),
    Method((("iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"),), None,
           "create credentials for other users and act as them", "remove the credential-creating `iam:` actions"),
    Method((("iam:AddUserToGroup",),), None, "add a user to a more privileged group", "remove `iam:AddUserToGroup`"),
)
_PASS_ROLE = "iam:PassRole"


class Hit(ValueRecord):
    """An action a principal is allowed, with the statement value granting it."""

    __slots__ = ("action", "grant", "value")

    action: str
    grant: Grant
    value: Value

    def __init__(self, action: str, grant: Grant, value: Value) -> None:
        self.action = action
        self.grant = grant
        self.value = value


def _broad(stmt: Statement) -> bool:
    """Whether a statement applies to many resources: ``NotResource`` or a wildcard ``Resource``."""
    return stmt.not_resource is not None or any(v.has_wildcard for v in stmt.resources)


def _passes_to(stmt: Statement, service: str) -> bool:
    """Whether an ``iam:PassedToService`` condition (if any) lets the role go to ``service``."""
    values: list[Value] = []
    for entry in stmt.conditions:
        if entry.key.lower() == "iam:passedtoservice":
            values.extend(entry.values())
    if not values:
        return True
    return any(v.form not in ("literal", "sub") or action_matches(v.text or "", service) for v in values)


def _denied(grants: list[Grant], action: str) -> bool:
    return any(
        g.statement.deny and not g.statement.conditions and g.statement.resource_star is not None and g.statement.matches_action(action)
        for g in grants
    )


def allowed(grants: list[Grant], action: str, broad: bool = False, passes_to: str | None = None) -> Hit | None:
    """The first grant allowing ``action`` (wildcards count), or ``None``."""
    if _denied(grants, action):
        return None
    for grant in grants:
        stmt = grant.statement
        if not stmt.allow:
            continue
        value = stmt.matches_action(action)
        if value is None:
            continue
        if broad and not _broad(stmt):
            continue
        if passes_to and not _passes_to(stmt, passes_to):
            continue
        return Hit(action, grant, value)
    return None


def _is_admin(grants: list[Grant]) -> bool:
    return any(
        g.statement.allow and not g.statement.conditions and g.statement.resource_star is not None
        and any(v.is_star for v in g.statement.actions)
        for g in grants
    )


def escalations(grants: list[Grant]) -> list[tuple[Method, list[Hit]]]:
    """Every escalation method the grants allow, with the hits that enable it."""
    if _is_admin(grants):
        return []  # already an administrator: IAM001 reports that
    found = []
    for method in METHODS:
        hits: list[Hit] = []
        if method.passes_to:
            passrole = allowed(grants, _PASS_ROLE, broad=True, passes_to=method.passes_to)
            if passrole is None:
                continue
            hits.append(passrole)
        for slot in method.slots:
            hit = next((h for a in slot if (h := allowed(grants, a, broad=method.passes_to is None)) is not None), None)
            if hit is None:
                break
            hits.append(hit)
        else:
            found.append((method, hits))
    return found


def _shown(hit: Hit) -> str:
    granted = hit.value.text or ""
    if hit.grant.statement.action is None:
        return f"`{hit.action}` (via `NotAction`)"
    if granted.lower() == hit.action.lower():
        return f"`{hit.action}`"
    return f"`{hit.action}` (via `{granted}`)"


def _message(subject: str, found: list[tuple[Method, list[Hit]]], sources: bool = True) -> tuple[str, str]:
    paths = []
    fixes: list[str] = []
    labels: list[str] = []
    for method, hits in found:
        names = " + ".join(_shown(h) + (" on any role" if h.action == _PASS_ROLE else "") for h in hits)
        paths.append(f"{names} lets it {method.does}")
        if method.passes_to and "limit `iam:PassRole`" not in " ".join(fixes):
            fixes.append(f"limit `iam:PassRole` to the ARNs of the roles it must pass, with `iam:PassedToService: {method.passes_to}`")
        fixes.append(method.fix)
        for hit in hits:
            if hit.grant.label not in labels:
                labels.append(hit.grant.label)
    source = f" (granted by {', '.join(labels)})" if sources and labels else ""
    message = f"{subject} can escalate to any permission in the account: " + "; ".join(paths) + source + "; " + "; ".join(fixes[:4])
    return message, "; ".join(fixes[:2])


@rule("IAM010", "cicd-privilege-escalation", severity="warning", kinds=("template", "policy"), security_severity=8.8)
def cicd_privilege_escalation(doc: Document, config: dict) -> Iterator[Report]:
    """A role, user or group can grant itself any permission (a privilege-escalation path).

    Checked per principal, combining the statements of every policy attached to it in the
    template (inline ``Policies``, ``AWS::IAM::Policy``/``ManagedPolicy`` naming it in ``Roles``,
    ``ManagedPolicyArns`` of in-template policies and of ``AdministratorAccess``,
    ``PowerUserAccess`` and ``IAMFullAccess``); a standalone policy file is checked on its own.
    Wildcards (``*``, ``iam:*``, ``iam:Pass*``, ``codebuild:*``) count. The paths:

    * ``iam:PassRole`` on any role + ``codebuild:CreateProject`` or ``UpdateProject`` +
      ``codebuild:StartBuild`` or ``StartBuildBatch``;
    * ``iam:PassRole`` + ``cloudformation:CreateStack`` or ``UpdateStack``;
    * ``iam:PassRole`` + ``lambda:CreateFunction`` + ``lambda:InvokeFunction``;
    * ``iam:PassRole`` + ``ec2:RunInstances``;
    * on any resource: ``iam:CreatePolicyVersion``, ``iam:SetDefaultPolicyVersion``,
      ``iam:Attach*Policy``, ``iam:Put*Policy``, ``iam:UpdateAssumeRolePolicy``,
      ``iam:CreateAccessKey``/``CreateLoginProfile``/``UpdateLoginProfile``, ``iam:AddUserToGroup``.

    ``iam:PassRole`` counts only on a wildcard ``Resource`` (or ``NotResource``) and when its
    ``iam:PassedToService`` condition, if any, allows the service of the path. A principal
    that already has ``Action: "*"`` on ``Resource: "*"`` is reported by IAM001 instead.

    Why: a pipeline role that can pass any role to a build project it creates can run its own
    commands as the most privileged role in the account. Whoever controls the source
    repository, a build dependency or the pipeline definition then controls the account.

    Failing::

        PipelineRole:
          Type: AWS::IAM::Role
          Properties:
            Policies:
              - PolicyName: pipeline
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Action: ["codebuild:*", "iam:PassRole"]
                      Resource: "*"

    Fixed::

                    - Effect: Allow
                      Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
                      Resource: !GetAtt BuildProject.Arn
    """
    if doc.kind == "policy":
        if doc.parent is not None or doc.flavor != "identity":
            return  # template policies are combined per principal on the template document
        grants = [Grant(s, "this policy") for s in policy_of(doc).statements]
        found = escalations(grants)
        if found:
            first: Node = found[0][1][0].value.node
            message, fix = _message("a principal with this policy", found, sources=False)
            yield Report(first, message, fix=fix, anchor="|".join(m.slots[0][0] for m, _ in found))
        return
    for principal in principals(doc):
        found = escalations(principal.grants)
        if not found:
            continue
        alone = principal.kind == "policy"
        subject = f"a principal given policy `{principal.logical_id}`" if alone else f"{principal.kind} `{principal.logical_id}`"
        message, fix = _message(subject, found, sources=not alone)
        yield Report(principal.key, message, fix=fix, anchor=principal.logical_id + "|" + "|".join(m.slots[0][0] for m, _ in found))
