"""IAM004: ``iam:PassRole`` on every role, or without saying which service may receive it."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule
from pipelint.models.policy import Statement, Value, action_matches, policy_of

from ._util import where


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
    reported as a note.

    Failing::

        - Effect: Allow
          Action: iam:PassRole
          Resource: "*"

    Fixed::

        - Effect: Allow
          Action: iam:PassRole
          Resource: !GetAtt CodeBuildServiceRole.Arn
          Condition:
            StringEquals:
              iam:PassedToService: codebuild.amazonaws.com
    """
    for stmt in policy_of(doc).statements:
        if not stmt.allow:
            continue
        values = passrole_values(stmt)
        if not values:
            continue
        has_service = "iam:passedtoservice" in stmt.condition_keys()
        star = stmt.resource_star
        value = values[0]
        if star is not None or stmt.not_resource is not None:
            condition = "" if has_service else " and without an `iam:PassedToService` condition"
            yield Report(
                value.node,
                f"{where(doc)} allows `{value.text}` on every role{condition}: it can hand any role, including an administrator role, "
                "to a service and run code as it; set `Resource` to the ARNs of the roles it must pass (e.g. `!GetAtt CodeBuildServiceRole.Arn`) "
                "and add `Condition: {StringEquals: {iam:PassedToService: codebuild.amazonaws.com}}` naming the receiving service",
                fix="scope `Resource` to the passed roles' ARNs and add an `iam:PassedToService` condition",
            )
        elif not has_service:
            yield Report(
                value.node,
                f"{where(doc)} allows `{value.text}` without an `iam:PassedToService` condition, so the roles can be passed to any service; "
                "add `Condition: {StringEquals: {iam:PassedToService: <service>.amazonaws.com}}` for the service that receives them",
                fix="add an `iam:PassedToService` condition",
                severity="note",
            )
