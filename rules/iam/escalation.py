"""IAM010: one principal holds a set of permissions that lets it grant itself any permission."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, Scalar, rule
from pipelint.models.policy import Statement, Value, action_matches, policy_of
from pipelint.records import FrozenRecord, ValueRecord

from ._attachments import Grant, Principal, principals
from ._util import covers_any, covers_arn, role_samples


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


# What the IAM actions of the non-PassRole paths act on: the path needs them on any such
# resource of the account (or on the principal itself, for the `…RolePolicy` actions).
TARGET_KIND: dict[str, str] = {
    "iam:createpolicyversion": "policy", "iam:setdefaultpolicyversion": "policy",
    "iam:attachrolepolicy": "role", "iam:putrolepolicy": "role", "iam:updateassumerolepolicy": "role",
    "iam:attachuserpolicy": "user", "iam:putuserpolicy": "user", "iam:createaccesskey": "user",
    "iam:createloginprofile": "user", "iam:updateloginprofile": "user",
    "iam:attachgrouppolicy": "group", "iam:putgrouppolicy": "group", "iam:addusertogroup": "group",
}


METHODS: tuple[Method, ...] = (
    Method((("codebuild:CreateProject", "codebuild:UpdateProject"), ("codebuild:StartBuild", "codebuild:StartBuildBatch")),
           "codebuild.amazonaws.com", "run its own build commands as any role",
           "limit `iam:PassRole` to the roles it must pass, with `iam:PassedToService: codebuild.amazonaws.com`"),
    Method((("cloudformation:CreateStack", "cloudformation:UpdateStack"),), "cloudformation.amazonaws.com",
           "deploy a stack as any role",
           "limit `iam:PassRole` to the roles it must pass, with `iam:PassedToService: cloudformation.amazonaws.com`"),
    Method((("lambda:CreateFunction",), ("lambda:InvokeFunction",)), "lambda.amazonaws.com",
           "run a Lambda function as any role",
           "limit `iam:PassRole` to the roles it must pass, with `iam:PassedToService: lambda.amazonaws.com`"),
    Method((("ec2:RunInstances",),), "ec2.amazonaws.com",
           "start an instance as any role and read its credentials",
           "limit `iam:PassRole` to the roles it must pass, with `iam:PassedToService: ec2.amazonaws.com`"),
    Method((("iam:CreatePolicyVersion",),), None, "rewrite any managed policy, including its own",
           "remove `iam:CreatePolicyVersion` or scope it to policies the principal is not attached to"),
    Method((("iam:SetDefaultPolicyVersion",),), None, "switch a managed policy to a more permissive old version",
           "remove `iam:SetDefaultPolicyVersion`"),
    Method((("iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"),), None,
           "attach `AdministratorAccess` to itself or another principal", "remove the `iam:Attach*Policy` actions or scope them to other named roles"),
    Method((("iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy"),), None,
           "write itself or another principal an inline policy granting anything", "remove the `iam:Put*Policy` actions or scope them to other named roles"),
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


def _reaches(stmt: Statement, action: str, own_arn: str | None) -> bool:
    """Whether the statement grants ``action`` on what the path needs, exactly as IAM004 judges it.

    ``iam:PassRole`` needs every role (``*``, ``NotResource`` or ``role/*``; IAM004's warning);
    the IAM write actions need any resource of their kind, or the principal itself, and no
    ``Condition`` (an ``iam:PolicyARN`` or tag condition may be what stops the path, and a
    condition cannot be evaluated statically).
    """
    if action == _PASS_ROLE:
        return covers_any(stmt, "role")
    kind = TARGET_KIND.get(action.lower())
    if kind is None:
        return True
    return not stmt.conditions and covers_any(stmt, kind, own_arn if kind == "role" else None)


def _passes_to(stmt: Statement, service: str) -> bool:
    """Whether an ``iam:PassedToService`` condition (if any) lets the role go to ``service``."""
    values: list[Value] = []
    for entry in stmt.conditions:
        if entry.key.lower() == "iam:passedtoservice":
            values.extend(entry.values())
    if not values:
        return True
    return any(v.form not in ("literal", "sub") or action_matches(v.text or "", service) for v in values)


class Grants:
    """A principal's grants, split once into the ``Allow`` statements and the unconditional
    ``Deny`` on ``*`` that can cancel them, with each question asked of them remembered.

    The escalation check asks about two dozen actions; each answer is one pass over the
    statements, so a policy with many statements costs time linear in its size."""

    __slots__ = ("allows", "denies", "answers")

    def __init__(self, grants: list[Grant]) -> None:
        self.allows = [g for g in grants if g.statement.allow]
        self.denies = [g for g in grants if g.statement.deny and not g.statement.conditions and g.statement.resource_star is not None]
        self.answers: dict[tuple[str, str | None, str | None, str | None], Hit | None] = {}

    def denied(self, action: str) -> bool:
        """Whether an unconditional ``Deny`` on every resource covers ``action``."""
        return any(g.statement.matches_action(action) for g in self.denies)


def _grants(grants: list[Grant] | Grants) -> Grants:
    return grants if isinstance(grants, Grants) else Grants(grants)


def allowed(grants: list[Grant] | Grants, action: str, own_arn: str | None = None, passes_to: str | None = None,
            target: str | None = None) -> Hit | None:
    """The first grant allowing ``action`` (wildcards count) where the path needs it, or ``None``.

    With ``target``, the grant must cover that one ARN (and, but for ``iam:PassRole``, carry no
    ``Condition``) instead of any resource of the action's kind."""
    split = _grants(grants)
    key = (action, own_arn, passes_to, target)
    if key in split.answers:
        return split.answers[key]
    hit = _first_allowing(split, action, own_arn, passes_to, target)
    split.answers[key] = hit
    return hit


def _first_allowing(split: Grants, action: str, own_arn: str | None, passes_to: str | None, target: str | None) -> Hit | None:
    if split.denied(action):
        return None
    for grant in split.allows:
        stmt = grant.statement
        value = stmt.matches_action(action)
        if value is None:
            continue
        if target is not None:
            if (action != _PASS_ROLE and stmt.conditions) or not covers_arn(stmt, target):
                continue
        elif not _reaches(stmt, action, own_arn):
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


def escalations(grants: list[Grant], own_arn: str | None = None) -> list[tuple[Method, list[Hit]]]:
    """Every escalation method the grants allow, with the hits that enable it.

    ``own_arn`` is the principal's role ARN when the template names it (``RoleName``)."""
    if _is_admin(grants):
        return []  # already an administrator: IAM001 reports that
    split = Grants(grants)
    found = []
    for method in METHODS:
        hits: list[Hit] = []
        if method.passes_to:
            passrole = allowed(split, _PASS_ROLE, passes_to=method.passes_to)
            if passrole is None:
                continue
            hits.append(passrole)
        for slot in method.slots:
            hit = next((h for a in slot if (h := allowed(split, a, own_arn)) is not None), None)
            if hit is None:
                break
            hits.append(hit)
        else:
            found.append((method, hits))
    done = {m.passes_to for m, _ in found}
    for method in METHODS:
        if method.passes_to and method.passes_to not in done:
            path = _through_created_role(split, method, own_arn)
            if path is not None:
                found.append(path)
    return found


_CREATED_FIX = ("require a permissions boundary when it creates roles (an `iam:PermissionsBoundary` condition on `iam:CreateRole`) "
                "or drop `iam:AttachRolePolicy`/`iam:PutRolePolicy` on the roles it may pass")


def _through_created_role(grants: Grants, method: Method, own_arn: str | None) -> tuple[Method, list[Hit]] | None:
    """The path through a role the principal creates: ``iam:CreateRole`` and ``iam:AttachRolePolicy``
    (or ``PutRolePolicy``) on a role name it may also pass (``role/${ProjectName}-*``), then the method."""
    assert method.passes_to is not None
    samples: list[str] = []
    for grant in grants.allows:  # the first ten sample role ARNs are all that is tried
        if len(samples) >= 10:
            break
        if grant.statement.matches_action(_PASS_ROLE):
            samples.extend(role_samples(grant.statement))
    for target in samples[:10]:
        # Each answer is a pass over the statements: the ones shared by every method first.
        create = allowed(grants, "iam:CreateRole", target=target)
        if create is None:
            continue
        empower = allowed(grants, "iam:AttachRolePolicy", target=target) or allowed(grants, "iam:PutRolePolicy", target=target)
        if empower is None:
            continue
        passrole = allowed(grants, _PASS_ROLE, passes_to=method.passes_to, target=target)
        if passrole is None:
            continue
        hits = [create, empower, passrole]
        for slot in method.slots:
            hit = next((h for a in slot if (h := allowed(grants, a, own_arn)) is not None), None)
            if hit is None:
                return None
            hits.append(hit)
        does = method.does.replace("as any role", "as a role it creates with any policy")
        return Method((("iam:CreateRole",), ("iam:AttachRolePolicy", "iam:PutRolePolicy"), *method.slots), method.passes_to, does, _CREATED_FIX), hits
    return None


def _shown(hit: Hit) -> str:
    granted = hit.value.text or ""
    if hit.grant.statement.action is None:
        return f"`{hit.action}` (via `NotAction`)"
    if granted.lower() == hit.action.lower():
        return f"`{hit.action}`"
    return f"`{hit.action}` (via `{granted}`)"


def _message(subject: str, found: list[tuple[Method, list[Hit]]]) -> tuple[str, str, tuple[tuple[Node, str], ...]]:
    """A short message (one clause per path), the first path's fix, and where each action is granted."""
    paths = []
    related: list[tuple[Node, str]] = []
    seen: set[int] = set()
    for method, hits in found[:3]:
        paths.append(" + ".join(f"`{h.action}`" for h in hits) + (" let" if len(hits) > 1 else " lets") + f" it {method.does}")
    for _method, hits in found:
        for hit in hits:
            if id(hit.value.node) in seen:
                continue
            seen.add(id(hit.value.node))
            scope = " on every role" if hit.action == _PASS_ROLE and covers_any(hit.grant.statement, "role") else ""
            related.append((hit.value.node, f"{_shown(hit)}{scope} is granted here ({hit.grant.label})"))
    more = f" (and {len(found) - 3} more paths)" if len(found) > 3 else ""
    message = f"{subject} can escalate to any permission: " + "; ".join(paths) + more
    return message, found[0][0].fix, tuple(related)


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

    Resources and conditions count exactly as in IAM004: ``iam:PassRole`` counts only on every
    role (``*``, ``NotResource``, or a pattern covering any role name such as
    ``arn:aws:iam::*:role/*``; not ``role/cfn-*`` and not ``arn:aws:s3:::codepipeline*``) and
    when its ``iam:PassedToService`` condition, if any, allows the service of the path. The
    IAM write actions count only without a ``Condition`` and on any resource of their kind
    (any role, user, group or policy) or, for the role actions, on the role itself when its
    ``RoleName`` is known: a role whose ARN is outside ``Resource`` cannot attach a policy to
    itself. One more path needs no "any role": ``iam:CreateRole`` plus ``iam:AttachRolePolicy``
    or ``iam:PutRolePolicy`` on a role name the principal may also pass (``role/${Project}-*``),
    plus a service action above: it creates a role, gives it any policy and runs code as it
    (a permissions-boundary condition on ``iam:CreateRole`` stops it). The message names each path in one clause; where each action is granted is given
    as related locations (SARIF ``relatedLocations``, JSON ``related``). A principal
    that already has ``Action: "*"`` on ``Resource: "*"`` is reported by IAM001 instead.

    Why: a pipeline role that can pass any role to a build project it creates can run its own
    commands as the most privileged role in the account. Whoever controls the source
    repository, a build dependency or the pipeline definition then controls the account.

    Failing::

        Resources:
          PipelineRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Service: codepipeline.amazonaws.com}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: pipeline
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action: ["codebuild:*", "iam:PassRole"]
                        Resource: "*"

    Fixed::

        Resources:
          PipelineRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Service: codepipeline.amazonaws.com}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: pipeline
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
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
            message, fix, related = _message("a principal with this policy", found)
            yield Report(first, message, fix=fix, anchor="|".join(m.slots[0][0] for m, _ in found), related=related)
        return
    for principal in principals(doc):
        found = escalations(principal.grants, _own_arn(doc, principal))
        if not found:
            continue
        alone = principal.kind == "policy"
        subject = f"a principal given policy `{principal.logical_id}`" if alone else f"{principal.kind} `{principal.logical_id}`"
        message, fix, related = _message(subject, found)
        yield Report(principal.key, message, fix=fix, anchor=principal.logical_id + "|" + "|".join(m.slots[0][0] for m, _ in found),
                     related=related)


def _own_arn(doc: Document, principal: Principal) -> str | None:
    """The role's ARN when the template gives it a literal ``RoleName`` (with a made-up account)."""
    if principal.kind != "role":
        return None
    resources = doc.root.get("Resources") if isinstance(doc.root, Mapping) else None
    declared = resources.get(principal.logical_id) if isinstance(resources, Mapping) else None
    props = declared.get("Properties") if isinstance(declared, Mapping) else None
    name = props.get("RoleName") if isinstance(props, Mapping) else None
    path = props.get("Path") if isinstance(props, Mapping) else None
    if not (isinstance(name, Scalar) and isinstance(name.value, str)):
        return None
    prefix = path.value if isinstance(path, Scalar) and isinstance(path.value, str) and path.value.startswith("/") else "/"
    return f"arn:aws:iam::123456789012:role{prefix}{name.value}"
