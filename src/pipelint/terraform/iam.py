"""Terraform IAM and resource-policy resources → the CloudFormation resources the IAM rules read.

Each translator gives the resource the CloudFormation type and properties its CloudFormation
twin would have, with the policy as a positioned tree (:mod:`.iam_policy`), so every IAM rule
applies unchanged and points into the ``.tf`` file:

=================================  ======================================================
Terraform                          CloudFormation
=================================  ======================================================
``aws_iam_role``                   ``AWS::IAM::Role``: ``name`` → ``RoleName``, ``path``,
                                   ``assume_role_policy`` → ``AssumeRolePolicyDocument``,
                                   ``inline_policy`` blocks → ``Policies``,
                                   ``managed_policy_arns`` → ``ManagedPolicyArns``
``aws_iam_user``/``_group``        ``AWS::IAM::User``/``Group`` (name and path)
``aws_iam_policy``                 ``AWS::IAM::ManagedPolicy``
``aws_iam_role_policy``,           ``AWS::IAM::Policy`` with ``Roles``/``Users``/``Groups``
``aws_iam_user_policy``,
``aws_iam_group_policy``
``aws_iam_*_policy_attachment``,   the policy ARN added to the principal's
``aws_iam_policy_attachment``      ``ManagedPolicyArns`` (phase 1, once every principal exists)
``aws_s3_bucket_policy``           ``AWS::S3::BucketPolicy``
``aws_sns_topic_policy``           ``AWS::SNS::TopicPolicy``
``aws_sqs_queue_policy``           ``AWS::SQS::QueuePolicy``
``aws_kms_key``                    ``AWS::KMS::Key`` (``policy`` → ``KeyPolicy``)
=================================  ======================================================

A principal named by reference (``role = aws_iam_role.build.name``) is the logical id
``aws_iam_role.build``; by a literal name, the principal of this file with that literal
``name``. ``aws_ecr_repository_policy`` is not translated: the IAM rules do not read ECR
repository policies in CloudFormation either (those need no ``Resource``).
"""

from __future__ import annotations

from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic
from . import translator
from .context import ModuleContext, Resource
from .iam_policy import bare, policy_node
from .model import Attribute, Block

_NAME_INDEX = "_pipelint_iam_principals_by_name"
# Principal resource types: (CloudFormation type, its name property).
_PRINCIPALS = {
    "aws_iam_role": ("AWS::IAM::Role", "RoleName"),
    "aws_iam_user": ("AWS::IAM::User", "UserName"),
    "aws_iam_group": ("AWS::IAM::Group", "GroupName"),
}


def _set(res: Resource, ctx: ModuleContext, attr: Attribute | None, cfn: str) -> None:
    """Copy one attribute's value to a property, keyed at the attribute's name."""
    if attr is not None:
        res.set(ctx.key(cfn, attr.name_span, attr.name), ctx.node(attr.expr))


def _set_policy(res: Resource, ctx: ModuleContext, attr: Attribute | None, cfn: str) -> None:
    """Set a policy property from a ``policy``-like attribute (see :func:`policy_node`)."""
    if attr is not None:
        res.set(ctx.key(cfn, attr.name_span, attr.name), policy_node(attr.expr, ctx))


def _listed(ctx: ModuleContext, attr: Attribute | None) -> Node | None:
    """A principal attribute as the one-item list CloudFormation's ``Roles``/``Users`` want."""
    if attr is None:
        return None
    node = ctx.node(bare(attr.expr))
    if node is None or isinstance(node, Sequence):
        return node
    return ctx.sequence([node], attr.expr.span)


# ---------------------------------------------------------------------------------------------
# Principals


@translator("aws_iam_role")
def iam_role(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_role`` → ``AWS::IAM::Role`` with its trust policy and inline policies."""
    res = ctx.new_resource(block, "AWS::IAM::Role")
    body = block.body
    _set(res, ctx, body.attr("name"), "RoleName")
    _set(res, ctx, body.attr("path"), "Path")
    _set_policy(res, ctx, body.attr("assume_role_policy"), "AssumeRolePolicyDocument")
    _set(res, ctx, body.attr("managed_policy_arns"), "ManagedPolicyArns")
    _set(res, ctx, body.attr("permissions_boundary"), "PermissionsBoundary")
    inline = body.blocks_of("inline_policy")
    dynamic = body.dynamic_of("inline_policy")
    if inline or dynamic:
        items: list[Node] = []
        for policy_block in inline:
            pairs: list[tuple[Scalar, Node]] = []
            name = policy_block.body.attr("name")
            policy = policy_block.body.attr("policy")
            if name is not None:
                value = ctx.node(name.expr)
                if value is not None:
                    pairs.append((ctx.key("PolicyName", name.name_span, name.name), value))
            if policy is not None:
                document = policy_node(policy.expr, ctx)
                if document is not None:
                    pairs.append((ctx.key("PolicyDocument", policy.name_span, policy.name), document))
            if pairs:
                items.append(ctx.mapping(pairs, policy_block.span))
        for generator in dynamic:
            items.append(ctx.mapping([(ctx.key("Fn::ImportValue", generator.type_span), ctx.scalar('dynamic "inline_policy"', generator.type_span))],
                                     generator.span))
        first = (inline or dynamic)[0]
        res.set(ctx.key("Policies", first.type_span, first.type), ctx.sequence(items, first.span))
    return [res]


@translator("aws_iam_user")
def iam_user(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_user`` → ``AWS::IAM::User`` (a principal policies can be attached to)."""
    res = ctx.new_resource(block, "AWS::IAM::User")
    _set(res, ctx, block.body.attr("name"), "UserName")
    _set(res, ctx, block.body.attr("path"), "Path")
    _set(res, ctx, block.body.attr("permissions_boundary"), "PermissionsBoundary")
    return [res]


@translator("aws_iam_group")
def iam_group(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_group`` → ``AWS::IAM::Group`` (a principal policies can be attached to)."""
    res = ctx.new_resource(block, "AWS::IAM::Group")
    _set(res, ctx, block.body.attr("name"), "GroupName")
    _set(res, ctx, block.body.attr("path"), "Path")
    return [res]


# ---------------------------------------------------------------------------------------------
# Identity policies


@translator("aws_iam_policy")
def iam_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_policy`` → ``AWS::IAM::ManagedPolicy``."""
    res = ctx.new_resource(block, "AWS::IAM::ManagedPolicy")
    _set(res, ctx, block.body.attr("name"), "ManagedPolicyName")
    _set(res, ctx, block.body.attr("path"), "Path")
    _set_policy(res, ctx, block.body.attr("policy"), "PolicyDocument")
    return [res]


def _inline_policy(block: Block, ctx: ModuleContext, holder: str, cfn_list: str) -> list[Resource]:
    res = ctx.new_resource(block, "AWS::IAM::Policy")
    _set(res, ctx, block.body.attr("name"), "PolicyName")
    _set_policy(res, ctx, block.body.attr("policy"), "PolicyDocument")
    attr = block.body.attr(holder)
    listed = _listed(ctx, attr)
    if attr is not None and listed is not None:
        res.set(ctx.key(cfn_list, attr.name_span, attr.name), listed)
    return [res]


@translator("aws_iam_role_policy")
def iam_role_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_role_policy`` → ``AWS::IAM::Policy`` naming the role in ``Roles``."""
    return _inline_policy(block, ctx, "role", "Roles")


@translator("aws_iam_user_policy")
def iam_user_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_user_policy`` → ``AWS::IAM::Policy`` naming the user in ``Users``."""
    return _inline_policy(block, ctx, "user", "Users")


@translator("aws_iam_group_policy")
def iam_group_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_group_policy`` → ``AWS::IAM::Policy`` naming the group in ``Groups``."""
    return _inline_policy(block, ctx, "group", "Groups")


# ---------------------------------------------------------------------------------------------
# Attachments (phase 1: every principal of the file is translated by then)


def _principal(ctx: ModuleContext, target: Node, tf_type: str) -> Resource | None:
    """The translated principal a ``role``/``user``/``group`` value names, if in this file."""
    cfn_type, name_property = _PRINCIPALS[tf_type]
    if intrinsic(target) == "Ref" and isinstance(target, Mapping):
        address = target.pairs[0][1]
        found = ctx.resources.get(address.text) if isinstance(address, Scalar) else None
        return found if found is not None and found.cfn_type == cfn_type else None
    if isinstance(target, Scalar) and isinstance(target.value, str):
        return _by_name(ctx).get((cfn_type, target.value))
    return None


def _by_name(ctx: ModuleContext) -> dict[tuple[str, str], Resource]:
    """The file's principals by (type, literal name), built once (attachments run in phase 1,
    when every principal is translated): one lookup per attachment, not one pass."""
    index: dict[tuple[str, str], Resource] | None = getattr(ctx, _NAME_INDEX, None)
    if index is None:
        index = {}
        for res in ctx.resources.values():
            for cfn_type, name_property in _PRINCIPALS.values():
                name = res.get(name_property) if res.cfn_type == cfn_type else None
                if isinstance(name, Scalar) and isinstance(name.value, str):
                    index.setdefault((cfn_type, name.value), res)
        setattr(ctx, _NAME_INDEX, index)
    return index


def _attach(ctx: ModuleContext, res: Resource, arn_attr: Attribute) -> None:
    """Add a policy ARN to a principal's ``ManagedPolicyArns`` (kept a list, unknown items kept)."""
    arn = ctx.node(bare(arn_attr.expr))
    if arn is None:
        return
    existing = res.get("ManagedPolicyArns")
    key = next((k for k, _ in res.properties if k.value == "ManagedPolicyArns"), None)
    if isinstance(existing, Sequence):
        existing.items.append(arn)
        return
    items = [existing, arn] if existing is not None else [arn]
    res.set(key or ctx.key("ManagedPolicyArns", arn_attr.name_span, arn_attr.name), ctx.sequence(items, arn_attr.expr.span))


def _attach_all(block: Block, ctx: ModuleContext, targets: tuple[tuple[str, str], ...]) -> list[Resource]:
    arn_attr = block.body.attr("policy_arn")
    if arn_attr is None:
        return []
    for attr_name, tf_type in targets:
        attr = block.body.attr(attr_name)
        if attr is None:
            continue
        node = ctx.node(bare(attr.expr))
        for target in (node.items if isinstance(node, Sequence) else [node] if node is not None else []):
            res = _principal(ctx, target, tf_type)
            if res is not None:
                _attach(ctx, res, arn_attr)
    return []


@translator("aws_iam_role_policy_attachment", phase=1)
def iam_role_policy_attachment(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_role_policy_attachment``: its ``policy_arn`` joins the role's ``ManagedPolicyArns``."""
    return _attach_all(block, ctx, (("role", "aws_iam_role"),))


@translator("aws_iam_user_policy_attachment", phase=1)
def iam_user_policy_attachment(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_user_policy_attachment``: its ``policy_arn`` joins the user's ``ManagedPolicyArns``."""
    return _attach_all(block, ctx, (("user", "aws_iam_user"),))


@translator("aws_iam_group_policy_attachment", phase=1)
def iam_group_policy_attachment(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_group_policy_attachment``: its ``policy_arn`` joins the group's ``ManagedPolicyArns``."""
    return _attach_all(block, ctx, (("group", "aws_iam_group"),))


@translator("aws_iam_policy_attachment", phase=1)
def iam_policy_attachment(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_iam_policy_attachment`` (``roles``, ``users``, ``groups`` lists)."""
    return _attach_all(block, ctx, (("roles", "aws_iam_role"), ("users", "aws_iam_user"), ("groups", "aws_iam_group")))


# ---------------------------------------------------------------------------------------------
# Resource policies


@translator("aws_s3_bucket_policy")
def s3_bucket_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_s3_bucket_policy`` → ``AWS::S3::BucketPolicy``."""
    res = ctx.new_resource(block, "AWS::S3::BucketPolicy")
    _set(res, ctx, block.body.attr("bucket"), "Bucket")
    _set_policy(res, ctx, block.body.attr("policy"), "PolicyDocument")
    return [res]


@translator("aws_sns_topic_policy")
def sns_topic_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_sns_topic_policy`` → ``AWS::SNS::TopicPolicy``."""
    res = ctx.new_resource(block, "AWS::SNS::TopicPolicy")
    arn = block.body.attr("arn")
    listed = _listed(ctx, arn)
    if arn is not None and listed is not None:
        res.set(ctx.key("Topics", arn.name_span, arn.name), listed)
    _set_policy(res, ctx, block.body.attr("policy"), "PolicyDocument")
    return [res]


@translator("aws_sqs_queue_policy")
def sqs_queue_policy(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_sqs_queue_policy`` → ``AWS::SQS::QueuePolicy``."""
    res = ctx.new_resource(block, "AWS::SQS::QueuePolicy")
    url = block.body.attr("queue_url")
    listed = _listed(ctx, url)
    if url is not None and listed is not None:
        res.set(ctx.key("Queues", url.name_span, url.name), listed)
    _set_policy(res, ctx, block.body.attr("policy"), "PolicyDocument")
    return [res]


@translator("aws_kms_key")
def kms_key(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_kms_key`` → ``AWS::KMS::Key`` with its key policy (``Resource: "*"`` is the key itself)."""
    res = ctx.new_resource(block, "AWS::KMS::Key")
    _set(res, ctx, block.body.attr("description"), "Description")
    _set(res, ctx, block.body.attr("enable_key_rotation"), "EnableKeyRotation")
    _set_policy(res, ctx, block.body.attr("policy"), "KeyPolicy")
    return [res]
