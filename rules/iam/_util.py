"""Helpers shared by the IAM rules: where a policy came from and least-privilege suggestions."""

from __future__ import annotations

import re

from pipelint.api import Document, Mapping, Node, Scalar, Sequence, intrinsic
from pipelint.load.nodes import intrinsic_arg
from pipelint.models.policy import Statement, Value, arn_matches, parse_policy, policy_at

# Per service: (the actions a CI/CD role usually needs, the resource ARN shape to scope them to).
LEAST_PRIVILEGE: dict[str, tuple[str, str]] = {
    "s3": ("`s3:GetObject`, `s3:GetObjectVersion`, `s3:PutObject` (plus `s3:GetBucketLocation`, `s3:ListBucket` on the bucket itself)",
           "`arn:aws:s3:::<artifact-bucket>/*`"),
    "codebuild": ("`codebuild:StartBuild`, `codebuild:BatchGetBuilds`", "`arn:aws:codebuild:<region>:<account>:project/<project>`"),
    "codedeploy": ("`codedeploy:CreateDeployment`, `codedeploy:GetDeployment`, `codedeploy:GetDeploymentConfig`, "
                   "`codedeploy:GetApplication`, `codedeploy:GetApplicationRevision`, `codedeploy:RegisterApplicationRevision`",
                   "`arn:aws:codedeploy:<region>:<account>:deploymentgroup:<application>/<group>` (and the application and deployment-config ARNs)"),
    "kms": ("`kms:Decrypt`, `kms:GenerateDataKey*`, `kms:DescribeKey`", "the artifact key's ARN (`arn:aws:kms:<region>:<account>:key/<key-id>`)"),
    "cloudwatch": ("`cloudwatch:PutMetricData` (it only works with `Resource: \"*\"`: limit it with a `cloudwatch:namespace` condition) "
                   "and, if it manages alarms, `cloudwatch:PutMetricAlarm`, `cloudwatch:DescribeAlarms`",
                   "the alarm ARNs (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`)"),
    "logs": ("`logs:CreateLogGroup`, `logs:CreateLogStream`, `logs:PutLogEvents`", "`arn:aws:logs:<region>:<account>:log-group:/aws/codebuild/<project>:*`"),
    "iam": ("`iam:PassRole` only", "the ARNs of the roles it must pass, with an `iam:PassedToService` condition"),
    "ecr": ("`ecr:BatchCheckLayerAvailability`, `ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`, `ecr:CompleteLayerUpload`, `ecr:PutImage` "
            "(and `ecr:GetAuthorizationToken`, which needs `Resource: \"*\"`)", "`arn:aws:ecr:<region>:<account>:repository/<repository>`"),
    "cloudformation": ("`cloudformation:DescribeStacks`, `cloudformation:CreateChangeSet`, `cloudformation:DescribeChangeSet`, "
                       "`cloudformation:ExecuteChangeSet`, `cloudformation:DeleteChangeSet`",
                       "`arn:aws:cloudformation:<region>:<account>:stack/<stack-name>/*`"),
    "lambda": ("`lambda:InvokeFunction`, `lambda:UpdateFunctionCode`, `lambda:GetFunction`", "`arn:aws:lambda:<region>:<account>:function:<name>`"),
    "sns": ("`sns:Publish`", "`arn:aws:sns:<region>:<account>:<topic>`"),
    "sqs": ("`sqs:SendMessage`, `sqs:ReceiveMessage`, `sqs:DeleteMessage`", "`arn:aws:sqs:<region>:<account>:<queue>`"),
    "ssm": ("`ssm:GetParameter`, `ssm:GetParameters`", "`arn:aws:ssm:<region>:<account>:parameter/<path>/*`"),
    "secretsmanager": ("`secretsmanager:GetSecretValue`", "`arn:aws:secretsmanager:<region>:<account>:secret:<name>-*`"),
    "codepipeline": ("`codepipeline:StartPipelineExecution`, `codepipeline:GetPipelineState`, `codepipeline:GetPipelineExecution`",
                     "`arn:aws:codepipeline:<region>:<account>:<pipeline>`"),
    "codecommit": ("`codecommit:GitPull`, `codecommit:GetBranch`, `codecommit:GetCommit`, `codecommit:UploadArchive`, "
                   "`codecommit:GetUploadArchiveStatus`, `codecommit:CancelUploadArchive`", "`arn:aws:codecommit:<region>:<account>:<repository>`"),
    "codestar-connections": ("`codestar-connections:UseConnection`", "the connection ARN"),
    "codeconnections": ("`codeconnections:UseConnection`", "the connection ARN"),
    "ecs": ("`ecs:DescribeServices`, `ecs:UpdateService`, `ecs:DescribeTaskDefinition`, `ecs:RegisterTaskDefinition`",
            "`arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`"),
    "dynamodb": ("`dynamodb:GetItem`, `dynamodb:PutItem`, `dynamodb:Query`", "`arn:aws:dynamodb:<region>:<account>:table/<table>`"),
    "sts": ("`sts:AssumeRole`", "the ARN of the role to assume"),
    "ec2": ("the `ec2:Describe*` actions it reads (which need `Resource: \"*\"`) and only the mutating actions it calls",
            "instance, subnet or security-group ARNs, or an `aws:ResourceTag/...` condition"),
    "elasticbeanstalk": ("the `elasticbeanstalk:` actions the deploy calls", "`arn:aws:elasticbeanstalk:<region>:<account>:environment/<app>/<env>`"),
}


def least_privilege(service: str) -> str:
    """A sentence fragment naming the least-privilege shape for one service's actions."""
    hint = LEAST_PRIVILEGE.get(service.lower())
    if hint is None:
        return f"list only the `{service}:` actions this principal calls and scope them to the ARNs it works on"
    actions, resource = hint
    return f"list only the actions it calls, e.g. {actions}, on {resource}"


def resource_shape(service: str) -> str:
    """The ARN shape to scope one service's actions to, for messages."""
    hint = LEAST_PRIVILEGE.get(service.lower())
    return hint[1] if hint else f"the ARNs of the {service} resources it uses"


_KIND_LABELS = {
    "AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group", "AWS::IAM::Policy": "policy",
    "AWS::IAM::ManagedPolicy": "managed policy", "AWS::S3::BucketPolicy": "bucket policy", "AWS::SNS::TopicPolicy": "topic policy",
    "AWS::SQS::QueuePolicy": "queue policy", "AWS::KMS::Key": "key", "AWS::ECR::Repository": "ECR repository",
}


def where(doc: Document) -> str:
    """``role `PipelineRole` policy `Deploy``` or ``this policy``, for messages."""
    ctx = doc.context or {}
    logical = ctx.get("logical_id")
    if not logical:
        return "this policy"
    rtype = str(ctx.get("resource_type") or "")
    kind = _KIND_LABELS.get(rtype) or (rtype.rsplit("::", 1)[-1].lower() if rtype else "resource")
    name = ctx.get("policy_name")
    label = f"{kind} `{clip(str(logical))}`"
    if name:
        label += f" (inline policy `{clip(str(name))}`)"
    elif rtype == "AWS::IAM::Role" and doc.flavor == "trust":
        label += " (trust policy)"
    return label


def resource_is_implicit(doc: Document) -> bool:
    """Whether the policy is attached to the one resource it governs and has no ``Resource``
    element (an ECR repository policy: the repository is the resource)."""
    return str((doc.context or {}).get("resource_type") or "") == "AWS::ECR::Repository"


def is_kms_key_policy(doc: Document) -> bool:
    """Whether the document is a KMS key policy (there ``Resource: "*"`` means "this key")."""
    return str((doc.context or {}).get("resource_type") or "") == "AWS::KMS::Key"


def literal_actions(stmt: Statement) -> list[Value]:
    """``Action`` values whose text is known (literal, or a ``Fn::Sub`` template)."""
    return [v for v in stmt.actions if v.form in ("literal", "sub") and v.text]


_ROOT = re.compile(r"^arn:[^:]+:iam::(?:\d{12}|x|\*):root$")
_ACCOUNT = re.compile(r"^(?:\d{12}|x)$")


def is_account_root(value: Value) -> bool:
    """Whether a principal value names a whole account (``arn:…:iam::123456789012:root`` or the id)."""
    if value.form == "dynamic":
        node = value.node
        return getattr(node, "to_python", lambda: None)() == {"Ref": "AWS::AccountId"}
    shape = value.shape()
    if shape is None:
        return False
    return bool(_ROOT.match(shape) or (_ACCOUNT.match(shape) and (value.form == "literal" or value.text == "${AWS::AccountId}")))


def clip(text: str | None, limit: int = 80) -> str:
    """File text for a message, cut to ``limit`` characters (``…`` marks the cut): a hostile
    file must not make one message megabytes long."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plural(count: int, word: str) -> str:
    """``1 action`` / ``3 actions``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


# Probe ARNs standing for "an arbitrary principal or policy of the account": a Resource pattern
# that covers both covers any of them (a name prefix such as `role/codebuild-*` does not).
_PROBES: dict[str, tuple[str, str]] = {
    kind: (f"arn:aws:iam::123456789012:{kind}/zq9-pipelint-probe", f"arn:aws:iam::123456789012:{kind}/service-{kind}/Admin-{kind}")
    for kind in ("role", "user", "group", "policy")
}
_PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::Region": "us-east-1", "AWS::URLSuffix": "amazonaws.com"}
_ANY_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def _concrete(value: Value) -> str | None:
    """A Resource value's text with pseudo parameters filled in and other ``${…}`` as a fixed name."""
    if value.form not in ("literal", "sub") or value.text is None:
        return None
    if value.form == "literal":
        return value.text
    return _ANY_PLACEHOLDER.sub(lambda m: _PSEUDO.get(m.group(1), "\0specific\0"), value.text)


def covers_arn(stmt: Statement, arn: str) -> bool:
    """Whether the statement's ``Resource`` (or ``NotResource``) covers one concrete ARN."""
    if stmt.not_resource is not None:
        return not any(c is not None and arn_matches(c, arn) for c in map(_concrete, stmt.not_resource.values))
    return any(c is not None and arn_matches(_any_account(c), arn) for c in map(_concrete, stmt.resources))


def role_samples(stmt: Statement, limit: int = 5) -> list[str]:
    """One concrete role ARN inside each wildcard role pattern of ``Resource``
    (``role/${ProjectName}-*`` → ``role/<project>-zq9``): a role the principal could create there."""
    out: list[str] = []
    for value in stmt.resources:
        text = _concrete(value)
        if text is None or ":role/" not in text or not ("*" in text or "?" in text):
            continue
        sample = _any_account(text).replace("*", "zq9").replace("?", "z")
        if sample not in out:
            out.append(sample)
        if len(out) >= limit:
            break
    return out


def covers_any(stmt: Statement, kind: str, own_arn: str | None = None) -> bool:
    """Whether the statement's resources cover any ``kind`` (role, user, group, policy) of the account.

    ``*``, ``arn:aws:iam::*:role/*`` and ``NotResource`` (everything but a list) do; a name
    prefix (``role/codebuild-*``), an S3 pattern (``arn:aws:s3:::codepipeline*``) or a named
    ARN do not. ``own_arn``, when known, counts as covered too (the principal acting on itself).
    """
    probes = _PROBES[kind]
    if stmt.not_resource is not None:
        excluded = [c for c in map(_concrete, stmt.not_resource.values) if c is not None]
        return not any(all(arn_matches(c, p) for p in probes) for c in excluded)
    for value in stmt.resources:
        text = _concrete(value)
        if text is None:
            continue
        if all(arn_matches(text, p) for p in probes) or (own_arn is not None and arn_matches(_any_account(text), own_arn)):
            return True
    return False


def _any_account(arn: str) -> str:
    """An ARN pattern with a literal account id replaced by the probe account (the template's own)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and _ACCOUNT.match(parts[4]):
        parts[4] = "123456789012"
    return ":".join(parts)


def trusted_services(role: Node | None, template: Document | None = None) -> list[str]:
    """The ``Service`` principals an ``AWS::IAM::Role``'s trust policy allows to assume it
    (``template``: the document holding the role, whose model of that policy is used)."""
    if not isinstance(role, Mapping):
        return []
    rtype = role.get("Type")
    props = role.get("Properties")
    if not (isinstance(rtype, Scalar) and rtype.text == "AWS::IAM::Role" and isinstance(props, Mapping)):
        return []
    trust = props.get("AssumeRolePolicyDocument")
    if not isinstance(trust, Mapping):
        return []
    services: list[str] = []
    for stmt in (policy_at(template, trust) if template is not None else parse_policy(trust)).statements:
        if not stmt.allow or stmt.principal is None:
            continue
        for item in stmt.principal.principals:
            if item.type == "Service" and item.value.literal and item.value.text and item.value.text not in services:
                services.append(item.value.text)
    return services


def principal_services(doc: Document) -> list[str]:
    """The services trusted by the role(s) a template policy applies to: the role holding an
    inline policy, or the roles an ``AWS::IAM::Policy``/``ManagedPolicy`` names by ``!Ref``."""
    ctx = doc.context or {}
    resources = doc.parent.root.get("Resources") if doc.parent is not None and isinstance(doc.parent.root, Mapping) else None
    if not isinstance(resources, Mapping):
        return []
    rtype = ctx.get("resource_type")
    if rtype == "AWS::IAM::Role":
        return trusted_services(resources.get(str(ctx.get("logical_id"))), doc.parent)
    resource = ctx.get("resource")
    props = resource.get("Properties") if isinstance(resource, Mapping) else None
    found: list[str] = []
    roles = props.get("Roles") if isinstance(props, Mapping) else None
    for item in roles.items if isinstance(roles, Sequence) else ():
        arg = intrinsic_arg(item) if intrinsic(item) == "Ref" else None
        if isinstance(arg, Scalar):
            for service in trusted_services(resources.get(arg.text), doc.parent):
                if service not in found:
                    found.append(service)
    return found


def is_stack_role(doc: Document) -> bool:
    """Whether the policy belongs to a CloudFormation execution role (trusted only by CloudFormation):
    it needs whatever the stacks it deploys create, not a CI/CD role's few actions."""
    services = principal_services(doc)
    return bool(services) and all(s == "cloudformation.amazonaws.com" for s in services)


# Condition keys that describe the resource a request acts on (IAM User Guide, "AWS global
# condition context keys", resource properties; a service's own `<service>:ResourceTag/<key>`).
_RESOURCE_KEYS = ("aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths")
# Operators that fail when the key is absent and compare with the given values. `…IfExists`,
# `Null`, the negated operators and `ForAllValues:` (true for an absent key) do not narrow.
_NARROWING_OPERATORS = frozenset(("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"))


def _is_resource_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in _RESOURCE_KEYS:
        return True
    prefix, sep, rest = lowered.partition(":")
    return bool(sep and prefix and rest.startswith("resourcetag/") and len(rest) > len("resourcetag/"))


def resource_condition(stmt: Statement) -> Scalar | None:
    """The key of a ``Condition`` entry that limits which resources the statement applies to
    (``StringEquals: {aws:ResourceTag/Role: deploy}``, ``aws:ResourceAccount``,
    ``aws:ResourceOrgID``/``aws:ResourceOrgPaths``, ``<service>:ResourceTag/<key>``), or ``None``.

    It counts only when the operator fails for a request without the key and every value is
    concrete: a value that is only ``*``/``?`` wildcards matches any resource that has the key."""
    for entry in stmt.conditions:
        operator = entry.operator.lower()
        if operator.startswith("foranyvalue:"):
            operator = operator[len("foranyvalue:"):]
        if operator not in _NARROWING_OPERATORS or not _is_resource_key(entry.key):
            continue
        values = entry.values()
        if values and all(_concrete_condition_value(v) for v in values):
            return entry.key_node
    return None


def _concrete_condition_value(value: Value) -> bool:
    """Whether a condition value names something (an intrinsic counts: it is filled in with a
    parameter or resource attribute); an empty string or a pure wildcard does not."""
    if value.form == "dynamic":
        return True
    if value.form not in ("literal", "sub") or value.text is None:
        return False
    return value.text.strip("*?") != ""
