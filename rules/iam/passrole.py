"""IAM004: ``iam:PassRole`` on every role, or without saying which service may receive it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipelint.api import Document, Mapping, Report, Scalar, Sequence, intrinsic, rule
from pipelint.load.nodes import intrinsic_arg
from pipelint.models.policy import Statement, Value, action_matches, policy_of

from . import _actions
from ._util import clip, covers_any, trusted_services, where


def passrole_values(stmt: Statement) -> list[Value]:
    """``Action`` values naming ``iam:PassRole`` explicitly or by a partial wildcard (``iam:Pass*``).

    ``*`` and ``iam:*`` are reported by IAM001/IAM002 and are not repeated here.
    """
    found = []
    for value in stmt.actions:
        text = value.text or ""
        if value.form not in ("literal", "sub") or text in ("*",) or text.lower() == "iam:*":
            continue
        if action_matches(text, "iam:PassRole"):
            found.append(value)
    return found


@rule("IAM004", "pass-role-unrestricted", severity="warning", kinds=("policy",), flavors=("identity",),
      security_severity=8.0)
def pass_role_unrestricted(doc: Document, config: dict) -> Iterator[Report]:
    """``iam:PassRole`` is allowed on ``Resource: "*"``, or without an ``iam:PassedToService`` condition.

    Why: passing a role hands its permissions to a service. A pipeline or build role that may
    pass *any* role can give a CodeBuild project, a Lambda function or a CloudFormation stack
    the most privileged role in the account, then run code as it: this is the classic CI/CD
    privilege escalation. Name the roles it passes and the service that receives them.
    A statement already limited to named role ARNs but without ``iam:PassedToService`` is
    reported as a note. "Every role" means ``*``, ``NotResource`` or a pattern covering any
    role name (``arn:aws:iam::*:role/*``); a name prefix (``role/cfn-*``) or a non-role ARN
    is scoped. The suggested ``iam:PassedToService`` value comes from the trust policy of the
    roles named in ``Resource`` (a CloudFormation deploy role trusts
    ``cloudformation.amazonaws.com``, an ECS task role ``ecs-tasks.amazonaws.com``), else from
    the role-taking actions the same policy grants (``lambda:CreateFunction`` → ``lambda``);
    IAM010 uses the same resource test, so the two rules never disagree.

    When ``iam:PassRole`` shares its statement with other actions (``cloudformation:*``,
    ``iam:CreateRole``…), the message and fix start with "move ``iam:PassRole`` into its own
    statement": a statement's ``Resource`` and ``Condition`` apply to all of its actions, so
    scoping ``Resource`` to role ARNs would stop ``cloudformation:CreateStack`` from reaching its
    stacks, and an ``iam:PassedToService`` condition would deny the other actions outright, since
    that key is present only in a request that passes a role. AWS: "If the key that you specify
    in a policy condition is not present in the request context, the values do not match and
    the condition is false" (IAM User Guide, "IAM JSON policy elements: Condition operators",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    A statement whose only action is ``iam:PassRole`` is told to scope it in place.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: iam:PassRole
                    Resource: "*"

    Fixed::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: iam:PassRole
                    Resource: !GetAtt CodeBuildServiceRole.Arn
                    Condition:
                      StringEquals:
                        iam:PassedToService: codebuild.amazonaws.com

    """
    policy = policy_of(doc)
    for stmt in policy.statements:
        if not stmt.allow:
            continue
        values = passrole_values(stmt)
        if not values:
            continue
        has_service = "iam:passedtoservice" in stmt.condition_keys()
        value = values[0]
        other = other_action(stmt)
        split = (f"move `iam:PassRole` into its own statement first (`Resource` and `Condition` apply to the whole statement "
                 f"and would also restrict {other}), then " if other else "")
        split_fix = "move `iam:PassRole` into its own statement, " if other else ""
        if covers_any(stmt, "role"):
            services = receivers(doc, stmt) if not has_service else []
            target = "its `Resource`" if other else "`Resource`"
            if has_service:
                advice = f"{split}set {target} to the ARNs of the roles it must pass (e.g. `!GetAtt <Role>.Arn`)"
                fix = split_fix + "scope `Resource` to the passed roles' ARNs"
            else:
                advice = (f"{split}set {target} to the ARNs of the roles it must pass (e.g. `!GetAtt <Role>.Arn`) and add "
                          f"`Condition: {{StringEquals: {{iam:PassedToService: {_shown(services)}}}}}`")
                fix = split_fix + ("with `Resource` set to the passed roles' ARNs and an `iam:PassedToService` condition" if other else
                                   "scope `Resource` to the passed roles' ARNs and add an `iam:PassedToService` condition")
            condition = "" if has_service else " and without an `iam:PassedToService` condition"
            yield Report(
                value.node,
                f"{where(doc)} allows `{clip(value.text)}` on every role{condition}: it can hand any role, including an administrator role, "
                f"to a service and run code as it; {advice}",
                fix=fix,
            )
        elif not has_service and names_roles(stmt):
            services = receivers(doc, stmt)
            yield Report(
                value.node,
                f"{where(doc)} allows `{clip(value.text)}` without an `iam:PassedToService` condition, so the roles can be passed to any service; "
                f"{split}add `Condition: {{StringEquals: {{iam:PassedToService: {_shown(services)}}}}}`"
                + ("" if services else " for the service that receives them"),
                fix=split_fix + ("with an `iam:PassedToService` condition" if other else "add an `iam:PassedToService` condition"),
                severity="note",
            )


def other_action(stmt: Statement) -> str | None:
    """The first ``Action`` value of the statement that covers more than ``iam:PassRole``
    (``iam:CreateRole``, ``cloudformation:*``, an intrinsic whose value is unknown), quoted for
    a message, or ``None`` when every action of the statement is ``iam:PassRole`` itself (or ``iam:Pass*``).

    Such a statement cannot be narrowed for ``iam:PassRole`` in place: its ``Resource`` and
    ``Condition`` would narrow the other actions too."""
    for value in stmt.actions:
        text = value.text if value.form in ("literal", "sub") else None
        if not text or not _only_passrole(text):
            return f"`{clip(text)}`" if text else "its other actions"
    return None


def _only_passrole(text: str) -> bool:
    """Whether an action value covers ``iam:PassRole`` and no other known action."""
    if not action_matches(text, "iam:PassRole"):
        return False
    return [a.lower() for a in _actions.expand(text)] == ["iam:passrole"]


def names_roles(stmt: Statement) -> bool:
    """Whether ``Resource`` can name an IAM role at all (``arn:aws:s3:::codepipeline*`` cannot:
    ``iam:PassRole`` on it grants nothing, and IAM010 does not count it either)."""
    for value in stmt.resources:
        if value.form not in ("literal", "sub") or not value.text:
            return True
        parts = value.text.split(":")
        if len(parts) < 3 or "${" in parts[2] or action_matches(parts[2], "iam"):
            return True
    return False


def _shown(services: list[str]) -> str:
    if not services:
        return "<service>.amazonaws.com"
    return services[0] if len(services) == 1 else "[" + ", ".join(services) + "]"


# Actions that hand a passed role to a service, and the service principal that receives it
# (the value `iam:PassedToService` is compared with; ECS task roles go to `ecs-tasks`).
_PASSING_ACTIONS: tuple[tuple[str, str], ...] = (
    ("cloudformation:CreateStack", "cloudformation.amazonaws.com"),
    ("cloudformation:UpdateStack", "cloudformation.amazonaws.com"),
    ("cloudformation:CreateChangeSet", "cloudformation.amazonaws.com"),
    ("codebuild:CreateProject", "codebuild.amazonaws.com"),
    ("codebuild:UpdateProject", "codebuild.amazonaws.com"),
    ("lambda:CreateFunction", "lambda.amazonaws.com"),
    ("lambda:UpdateFunctionConfiguration", "lambda.amazonaws.com"),
    ("ecs:RegisterTaskDefinition", "ecs-tasks.amazonaws.com"),
    ("ecs:RunTask", "ecs-tasks.amazonaws.com"),
    ("ec2:RunInstances", "ec2.amazonaws.com"),
    ("states:CreateStateMachine", "states.amazonaws.com"),
    ("codepipeline:CreatePipeline", "codepipeline.amazonaws.com"),
    ("codepipeline:UpdatePipeline", "codepipeline.amazonaws.com"),
)
_ROLE_ARN_SUB = re.compile(r"^\$\{([A-Za-z0-9]+)\.Arn\}$")


def receivers(doc: Document, stmt: Statement) -> list[str]:
    """The services the passed roles go to: the trust of the roles named in ``Resource``, else
    the services whose role-taking actions the same policy grants (``cloudformation:CreateStack``
    → ``cloudformation.amazonaws.com``); empty when neither says.

    Both lookups are computed once per document (the trust of each named role, and the
    policy's role-taking services), so a policy with many ``iam:PassRole`` statements costs
    time linear in its size, not in statements × statements."""
    found: list[str] = []
    trusts = _role_trusts(doc)
    if trusts is not None:
        for value in stmt.resources:
            logical = _role_target(value)
            for service in trusts(logical) if logical else ():
                if service not in found:
                    found.append(service)
    if found:
        return found
    return list(policy_receivers(doc))


def _role_trusts(doc: Document) -> Callable[[str], list[str]] | None:
    """A lookup of the trusted services of a role of the parent template by logical id (each
    role's trust policy is read once per document), or ``None`` outside a template."""
    def build() -> Callable[[str], list[str]] | None:
        parent = doc.parent
        template = parent.root if parent is not None else None
        resources = template.get("Resources") if isinstance(template, Mapping) else None
        if not isinstance(resources, Mapping):
            return None
        known: dict[str, list[str]] = {}

        # The lookup is kept on `doc`: it must not refer to `doc` itself, or the document and
        # its tree would form a cycle that outlives the run (the cycle collector is off).
        def trusts(logical: str) -> list[str]:
            services = known.get(logical)
            if services is None:
                services = known[logical] = trusted_services(resources.get(logical), parent)
            return services
        return trusts
    lookup: Callable[[str], list[str]] | None = doc.cached("iam004-role-trusts", build)
    return lookup


def policy_receivers(doc: Document) -> tuple[str, ...]:
    """The services whose role-taking actions the policy grants, in :data:`_PASSING_ACTIONS`
    order (computed once per document: one pass over the statements per role-taking action).

    Only an explicitly named action (or a partial wildcard such as ``cloudformation:Create*``)
    counts: a ``<service>:*`` or ``*`` says nothing about intent."""
    def build() -> tuple[str, ...]:
        statements = [s for s in policy_of(doc).statements if s.allow and s.action is not None]
        found: list[str] = []
        for action, service in _PASSING_ACTIONS:
            if service in found:
                continue
            for other in statements:
                hit = other.matches_action(action)
                if hit is not None and hit.text and not hit.text.endswith(":*") and hit.text != "*":
                    found.append(service)
                    break
        return tuple(found)
    services: tuple[str, ...] = doc.cached("iam004-policy-receivers", build)
    return services


def _role_target(value: Value) -> str | None:
    """The logical id a ``Resource`` value takes a role ARN from (``!GetAtt X.Arn``, ``!Sub ${X.Arn}``)."""
    node = value.node
    if intrinsic(node) == "Fn::GetAtt":
        arg = intrinsic_arg(node)
        if isinstance(arg, Sequence) and len(arg.items) == 2 and all(isinstance(i, Scalar) for i in arg.items):
            first, second = arg.items
            return first.text if isinstance(first, Scalar) and isinstance(second, Scalar) and second.text == "Arn" else None
        if isinstance(arg, Scalar) and arg.text.endswith(".Arn"):
            return arg.text[:-4]
        return None
    if value.form == "sub" and value.text:
        match = _ROLE_ARN_SUB.match(value.text)
        return match.group(1) if match else None
    return None
