"""IAM001–IAM003: wildcards that grant more than a CI/CD principal needs."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule
from pipelint.models.policy import Statement, Value, policy_of

from . import _actions
from ._util import (
    clip,
    is_kms_key_policy,
    is_stack_role,
    least_privilege,
    literal_actions,
    plural,
    resource_condition,
    resource_shape,
    where,
)


@rule("IAM001", "action-wildcard", severity="warning", kinds=("policy",), flavors=("identity", "resource"),
      security_severity=9.0)
def action_wildcard(doc: Document, config: dict) -> Iterator[Report]:
    """An ``Allow`` statement grants ``Action: "*"``, every action of every AWS service.

    Why: with ``Resource: "*"`` this is full administrator access; even on one resource it
    includes deleting it and rewriting its policy. A build or deploy role that runs third-party
    code (build tools, dependencies, test suites) with such a role hands the whole account to
    whoever compromises one dependency.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: "*"
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
                "list only the actions this principal calls, scoped to the ARNs it works on "
                "(IAM Access Analyzer can generate that list from its CloudTrail activity)",
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

    One finding per statement, at its first service wildcard; the statement's other service
    wildcards are named in the message and listed as related locations (SARIF
    ``relatedLocations``, JSON ``related``), each with the ARN shape to scope it to. A
    CloudFormation execution role (trusted only by ``cloudformation.amazonaws.com``) is told to
    list the actions of the resource types its stacks declare instead of CI/CD examples.

    A service none of whose actions accepts a resource ARN (per the bundled Service
    Authorization Reference table: Lake Formation, Compute Optimizer, Inspector Classic…) cannot
    be scoped by ``Resource``. The Service Authorization Reference, of its Resource types column:
    "If there is no value for this column, you must specify all resources ("*") in the Resource
    element of your policy statement" (e.g.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    Its ``<service>:*`` is told to list only the actions it calls and keep ``Resource: "*"``.
    That is a warning when the service has permissions-management actions (``lakeformation:*``
    includes ``GrantPermissions`` and ``PutDataLakeSettings``, so the role can grant itself data
    access), and a note otherwise: the wildcard then adds only more actions of the same kind, and
    listing them is the whole fix.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: ["s3:*", "codebuild:*", "kms:*"]
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
        found = service_wildcards(stmt)
        if not found:
            continue
        first, service = found[0]
        text, service = clip(first.text), clip(service)
        stack_role = is_stack_role(doc)
        if len(found) == 1 and arnless_service(service):
            # Nothing to scope: `Resource` must stay "*" for this service; only the actions can shrink.
            message = (f"{where(doc)} allows `{text}` on `Resource: \"*\"`: every {service} action{_extent(service)}; "
                       f"no {service} action accepts a resource ARN, so `Resource` must stay `*`: list only the actions it calls")
            fix = f"replace `{text}` with the specific {service} actions (keep `Resource: \"*\"`)"
            severity = "warning" if _permission_actions(service) else "note"
            yield Report(first.node, message, fix=fix, anchor=(first.text or "").lower(), severity=severity)
            continue
        if len(found) == 1:
            hint = STACK_ROLE_HINT if stack_role else least_privilege(service)
            message = (f"{where(doc)} allows `{text}` on `Resource: \"*\"`: every {service} action{_extent(service)} "
                       f"on every {service} resource in the account; {hint}")
            fix = f"replace `{text}` with the specific {service} actions and scope `Resource` to their ARNs"
        else:
            others = [clip(v.text) for v, _ in found[1:]]
            shown = ", ".join(f"`{o}`" for o in others[:4]) + (f" and {len(others) - 4} more" if len(others) > 4 else "")
            message = (f"{where(doc)} allows `{text}` and {shown} on `Resource: \"*\"`: every action of "
                       f"{plural(len(found), 'service')} on every resource in the account; list only the actions it calls and scope them to their ARNs")
            fix = "replace each `<service>:*` with the specific actions and scope `Resource` to their ARNs"
        related = tuple((v.node, f"`{clip(v.text)}`: every {clip(svc)} action{_extent(svc)}" + _related_scope(svc, stack_role))
                        for v, svc in found[1:])
        yield Report(first.node, message, fix=fix, anchor=",".join(sorted((v.text or "").lower() for v, _ in found)), related=related)


def _related_scope(service: str, stack_role: bool) -> str:
    """The scoping advice of one more service wildcard of a statement, for its related location."""
    if arnless_service(service):
        return f"; no {clip(service)} action accepts a resource ARN: list the actions, `Resource` stays `*`"
    return "" if stack_role else f"; scope to {resource_shape(service)}"


def arnless_service(service: str) -> bool:
    """Whether the bundled table knows the service and none of its actions accepts a resource
    ARN (Lake Formation: every action takes only ``Resource: "*"``)."""
    actions = _actions.table().get(service.lower(), {})
    return bool(actions) and not any(arn for _, arn in actions.values())


def _permission_actions(service: str) -> int:
    """How many of the service's actions are at the permissions-management access level."""
    return sum(1 for level, _ in _actions.table().get(service.lower(), {}).values() if level == "P")


STACK_ROLE_HINT = ("this CloudFormation execution role needs the create, update and delete actions of the resource types "
                   "its stacks declare, on the ARNs those stacks name")


def service_wildcards(stmt: Statement) -> list[tuple[Value, str]]:
    """The statement's ``<service>:*`` action values, with their service prefix."""
    found = []
    for value in literal_actions(stmt):
        service, sep, name = (value.text or "").partition(":")
        if sep and name == "*" and "*" not in service and "?" not in service:
            found.append((value, service))
    return found


def _extent(service: str) -> str:
    """`` (412 actions, 30 of them permissions-management)`` for a known service, else empty."""
    actions = _actions.table().get(service.lower(), {})
    if not actions:
        return ""
    permissions = sum(1 for level, _ in actions.values() if level == "P")
    return f" ({plural(len(actions), 'action')}" + (f", {permissions} of them permissions-management" if permissions else "") + ")"


@rule("IAM003", "resource-wildcard", severity="note", kinds=("policy",), flavors=("identity",),
      security_severity=4.0)
def resource_wildcard(doc: Document, config: dict) -> Iterator[Report]:
    """An ``Allow`` statement uses ``Resource: "*"`` for actions that can be limited to specific ARNs.

    Why: ``Resource: "*"`` applies the actions to every matching resource in the account, now
    and in the future. The bundled IAM action table (from the AWS Service Authorization
    Reference) says which actions accept resource ARNs; only those are listed. Actions that
    work only with ``"*"`` (``ecr:GetAuthorizationToken``, ``codebuild:ListProjects``…), service
    wildcards (IAM002) and ``iam:PassRole`` (IAM004) are left to their own checks.

    Only statements a reviewer would change are reported: one note per statement, naming the
    actions that write, manage permissions or tags, or read data (``s3:GetObject``,
    ``secretsmanager:GetSecretValue``, ``ssm:GetParameter*``, ``kms:Decrypt``…). Not reported:
    statements IAM001 or IAM002 already report (same fix), metadata reads (``Describe*``,
    ``List*``), the log-writing trio ``logs:CreateLogGroup``/``CreateLogStream``/``PutLogEvents``
    (they only add log lines), and the network-interface actions that the CodeBuild User Guide's
    own VPC policy grants on ``"*"`` ("Allow CodeBuild access to AWS services required to create
    a VPC network interface": ``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface``).

    Also not reported: a statement whose ``Condition`` already limits the resources, so ``"*"``
    is not every resource: ``aws:ResourceTag/<key>``, ``<service>:ResourceTag/<key>``,
    ``aws:ResourceAccount``, ``aws:ResourceOrgID`` or ``aws:ResourceOrgPaths`` under
    ``StringEquals``/``StringEqualsIgnoreCase``/``StringLike``/``ArnEquals``/``ArnLike`` (or their
    ``ForAnyValue:`` form) with a concrete value (attribute-based access control, which finds
    roles in other accounts by tag, as ``sam pipeline init``'s template does). These keys
    describe the resource of the request (IAM User Guide, "AWS global condition context keys",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
    and a key absent from the request makes such an operator false. A ``…IfExists`` or ``Null``
    operator, a negated operator, ``ForAllValues:`` (true when the key is absent) or a value of
    only ``*`` does not narrow, and the statement is still reported.

    The example ARN is the one of the resource type each action acts on, per the Service
    Authorization Reference (bundled as ``iam_arns.json``: the first required resource type of the
    action, else its only one): ``ecs:RegisterTaskDefinition`` gets
    ``arn:aws:ecs:<region>:<account>:task-definition/<family>:*``, not the ECS service ARN, and
    ``ec2:CreateNetworkInterfacePermission`` a network-interface ARN
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    The service's usual example (``project/<project>`` for CodeBuild) is kept when it is an ARN
    of that same type; S3 actions get the object or the bucket ARN.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
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
                    Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
                    Resource: !GetAtt BuildProject.Arn

    """
    if is_kms_key_policy(doc):
        return
    for stmt in policy_of(doc).statements:
        star = stmt.resource_star
        if not stmt.allow or star is None or service_wildcards(stmt) or any(v.is_star for v in stmt.actions):
            continue  # IAM001/IAM002 already ask to scope this statement
        if resource_condition(stmt) is not None:
            continue  # a resource tag, account or organization condition already limits "*"
        named: list[str] = []
        covered_all: list[str] = []
        for value in literal_actions(stmt):
            text = value.text or ""
            service, sep, name = text.partition(":")
            if not sep or name == "*" or "*" in service or "${" in text:
                continue
            covered = [a for a in _actions.expand(text) if a.lower() != "iam:passrole"]  # IAM004's job
            scoped = [a for a in covered if _actions.restrictable(a)]
            actionable = [a for a in scoped if _actionable(a)]
            # A pattern (`s3:Get*`) counts when most of the actions it covers accept ARNs.
            if actionable and (len(scoped) * 2 > len(covered) if "*" in name or "?" in name else True):
                named.append(_actions.spell(text) if "*" not in text else clip(text))
                covered_all.extend(actionable)
        if not named:
            continue
        shown = ", ".join(f"`{a}`" for a in named[:4]) + (f" and {len(named) - 4} more" if len(named) > 4 else "")
        yield Report(
            star.node,
            f"{where(doc)} applies {shown} to `Resource: \"*\"`, but {'these actions accept' if len(named) > 1 else 'this action accepts'} "
            f"resource ARNs; name the resources instead, e.g. {resource_hint(covered_all)}"
            + (" (the ARNs of the resources its stacks create)" if is_stack_role(doc) else ""),
            fix="replace `*` with the ARNs of the resources these actions touch (`!GetAtt X.Arn`, `!Sub arn:...`)",
            anchor=",".join(sorted(a.lower() for a in named)),
        )


# Reads of data (not metadata): worth scoping like writes.
_DATA_READS = frozenset(a.lower() for a in (
    "s3:GetObject", "s3:GetObjectVersion", "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
    "ssm:GetParametersByPath", "kms:Decrypt", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
    "sqs:ReceiveMessage", "codecommit:GitPull", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
))
# Writes that AWS's own guides grant on "*" or that only add log lines.
_ROUTINE = frozenset(a.lower() for a in (
    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
    "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
))


def _actionable(action: str) -> bool:
    """Whether scoping this ``Resource: "*"`` action is worth a reviewer's time."""
    lowered = action.lower()
    if lowered in _ROUTINE:
        return False
    entry = _actions.lookup(action)
    return bool(entry and (entry[0] in ("W", "P", "T") or lowered in _DATA_READS))


def resource_hint(actions: list[str]) -> str:
    """ARN shapes for the given actions, at most three.

    Each action gets the shape of the resource type it acts on: S3 object actions the object
    ARN and bucket actions the bucket ARN; otherwise the service's usual example
    (:func:`resource_shape`) when it names that resource type, else the ARN format the Service
    Authorization Reference gives for the action's resource type (``ecs:RegisterTaskDefinition``
    acts on a task definition, not on the ECS service the service's example names)."""
    shapes: list[str] = []
    for action in actions:
        service, _, name = action.partition(":")
        shape = _ACTION_SHAPES.get(action.lower()) or _SERVICE_SHAPES.get(service.lower())
        if shape:
            pass
        elif service.lower() == "s3":
            shape = S3_OBJECT if _s3_object_action(name) else S3_BUCKET
        elif service.lower() == "iam":
            shape = _iam_shape(name)
        else:
            shape = _typed_shape(action, resource_shape(service))
        if shape not in shapes:
            shapes.append(shape)
    return "; ".join(shapes[:3])


def _typed_shape(action: str, usual: str) -> str:
    """``usual`` (the service's example) if it is an ARN of the action's own resource type, else
    that type's ARN format from the bundled table; ``usual`` when the table does not say."""
    arn = _actions.resource_arn(action)
    if arn is None:
        return usual
    # The part before the first name: `arn:aws:ecs:<region>:<account>:task-definition/`.
    marked = arn.replace("<region>", "\0r").replace("<account>", "\0a")
    kind = marked.split("<", 1)[0].replace("\0r", "<region>").replace("\0a", "<account>")
    if kind in usual:
        return usual
    return f"`{arn}`"


# Where the IAM002 hint of a service (which names the actions a CI/CD role needs) does not fit
# a single action's resource type.
_SERVICE_SHAPES: dict[str, str] = {}


def _iam_shape(name: str) -> str:
    """The IAM ARN shape an ``iam:`` action works on, judged by the noun in its name."""
    lowered = name.lower()
    for noun in ("role", "user", "group", "policy", "instanceprofile", "samlprovider", "oidcprovider"):
        if lowered.endswith(noun) or lowered.endswith(noun + "s") or f"{noun}policy" in lowered or (noun == "policy" and "policyversion" in lowered):
            kind = {"instanceprofile": "instance-profile", "samlprovider": "saml-provider", "oidcprovider": "oidc-provider"}.get(noun, noun)
            return f"`arn:aws:iam::<account>:{kind}/<name>`"
    return "the ARNs of the IAM roles, users or policies it changes"
# Task definitions: every registration makes a new revision, so the example covers them all.
_ACTION_SHAPES = {
    "ecs:runtask": "`arn:aws:ecs:<region>:<account>:task-definition/<family>:*`",
    "ecs:starttask": "`arn:aws:ecs:<region>:<account>:task-definition/<family>:*`",
    "ecs:registertaskdefinition": "`arn:aws:ecs:<region>:<account>:task-definition/<family>:*`",
}
S3_OBJECT = "`arn:aws:s3:::<bucket>/*` for object actions"
S3_BUCKET = "`arn:aws:s3:::<bucket>` for bucket actions"


def _s3_object_action(name: str) -> bool:
    """Whether an S3 action works on objects (``arn:…:<bucket>/<key>``) rather than on the bucket."""
    lowered = name.lower()
    return "object" in lowered or "multipartupload" in lowered or lowered in ("listmultipartuploadparts", "restoreobject")
