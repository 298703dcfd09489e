"""IAM001–IAM003: wildcards that grant more than a CI/CD principal needs."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule
from pipelint.models.policy import policy_of

from . import _actions
from ._util import is_kms_key_policy, least_privilege, literal_actions, plural, resource_shape, where


@rule("IAM001", "action-wildcard", severity="warning", kinds=("policy",), flavors=("identity", "resource"),
      security_severity=9.0)
def action_wildcard(doc: Document, config: dict) -> Iterator[Report]:
    """An ``Allow`` statement grants ``Action: "*"``, every action of every AWS service.

    Why: with ``Resource: "*"`` this is full administrator access; even on one resource it
    includes deleting it and rewriting its policy. A build or deploy role that runs third-party
    code (build tools, dependencies, test suites) with such a role hands the whole account to
    whoever compromises one dependency.

    Failing::

        - Effect: Allow
          Action: "*"
          Resource: "*"

    Fixed::

        - Effect: Allow
          Action:
            - codebuild:StartBuild
            - codebuild:BatchGetBuilds
          Resource: !GetAtt BuildProject.Arn
    """
    for stmt in policy_of(doc).statements:
        if not stmt.allow:
            continue
        for value in stmt.actions:
            if not value.is_star:
                continue
            scope = "on every resource, which is full administrator access" if stmt.resource_star else "on its resources"
            yield Report(
                value.node,
                f"{where(doc)} allows `Action: \"*\"` (every action of every service) {scope}; "
                "list only the actions this principal calls, e.g. `codebuild:StartBuild` and `codebuild:BatchGetBuilds`, "
                "scoped to the ARNs it works on",
                fix="replace `*` with the specific actions the role needs",
            )


@rule("IAM002", "service-wildcard", severity="warning", kinds=("policy",), flavors=("identity",),
      security_severity=7.5)
def service_wildcard(doc: Document, config: dict) -> Iterator[Report]:
    """An ``Allow`` statement grants every action of a service (``s3:*``, ``kms:*``, ``iam:*``…) on ``Resource: "*"``.

    Why: ``s3:*`` on ``*`` lets the role read, overwrite and delete every bucket in the account
    and rewrite their bucket policies; ``kms:*`` lets it change key policies and schedule key
    deletion; ``iam:*`` is a path to administrator. CI/CD roles need a handful of actions on a
    few named resources (the artifact bucket and key, one project, one deployment group).

    Failing::

        - Effect: Allow
          Action: ["s3:*", "codebuild:*", "kms:*"]
          Resource: "*"

    Fixed::

        - Effect: Allow
          Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
          Resource: !Sub arn:aws:s3:::${ArtifactBucket}/*
        - Effect: Allow
          Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
          Resource: !GetAtt BuildProject.Arn
        - Effect: Allow
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"]
          Resource: !GetAtt ArtifactKey.Arn
    """
    if is_kms_key_policy(doc):
        return
    for stmt in policy_of(doc).statements:
        if not stmt.allow or stmt.resource_star is None:
            continue
        for value in literal_actions(stmt):
            text = value.text or ""
            service, sep, name = text.partition(":")
            if not sep or name != "*" or "*" in service:
                continue
            count = len(_actions.table().get(service.lower(), {}))
            permissions = sum(1 for level, _ in _actions.table().get(service.lower(), {}).values() if level == "P")
            extent = f" ({plural(count, 'action')}" + (f", {permissions} of them permissions-management" if permissions else "") + ")" if count else ""
            yield Report(
                value.node,
                f"{where(doc)} allows `{text}` on `Resource: \"*\"`: every {service} action{extent} on every {service} resource in the account; "
                f"{least_privilege(service)}",
                fix=f"replace `{text}` with the specific {service} actions and scope `Resource` to their ARNs",
            )


@rule("IAM003", "resource-wildcard", severity="note", kinds=("policy",), flavors=("identity",),
      security_severity=4.0)
def resource_wildcard(doc: Document, config: dict) -> Iterator[Report]:
    """An ``Allow`` statement uses ``Resource: "*"`` for actions that can be limited to specific ARNs.

    Why: ``Resource: "*"`` applies the actions to every matching resource in the account, now
    and in the future. The bundled IAM action table (from the AWS Service Authorization
    Reference) says which actions accept resource ARNs; only those are listed. Actions that
    work only with ``"*"`` (``ecr:GetAuthorizationToken``, ``codebuild:ListProjects``…), service
    wildcards (IAM002) and ``iam:PassRole`` (IAM004) are left to their own checks.

    Failing::

        - Effect: Allow
          Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
          Resource: "*"

    Fixed::

        - Effect: Allow
          Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
          Resource: !GetAtt BuildProject.Arn
    """
    if is_kms_key_policy(doc):
        return
    for stmt in policy_of(doc).statements:
        star = stmt.resource_star
        if not stmt.allow or star is None:
            continue
        named: list[str] = []
        services: list[str] = []
        for value in literal_actions(stmt):
            text = value.text or ""
            service, sep, name = text.partition(":")
            if not sep or name == "*" or "*" in service or "${" in text:
                continue
            covered = [a for a in _actions.expand(text) if a.lower() != "iam:passrole"]  # IAM004's job
            scoped = sum(1 for a in covered if _actions.restrictable(a))
            # A pattern (`s3:Get*`) counts when most of the actions it covers accept ARNs.
            if scoped and (scoped * 2 > len(covered) if "*" in name or "?" in name else True):
                named.append(_actions.spell(text) if "*" not in text else text)
                if service.lower() not in services:
                    services.append(service.lower())
        if not named:
            continue
        shown = ", ".join(f"`{a}`" for a in named[:6]) + (f" and {len(named) - 6} more" if len(named) > 6 else "")
        hint = "; ".join(resource_shape(s) for s in services[:3])
        yield Report(
            star.node,
            f"{where(doc)} applies {shown} to `Resource: \"*\"`, but {'these actions accept' if len(named) > 1 else 'this action accepts'} "
            f"resource ARNs; name the resources instead, e.g. {hint}",
            fix="replace `*` with the ARNs of the resources these actions touch (`!GetAtt X.Arn`, `!Sub arn:...`)",
            anchor=",".join(sorted(a.lower() for a in named)),
        )
