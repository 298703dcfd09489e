"""``aws_codebuild_project`` → ``AWS::CodeBuild::Project``; ``aws_codebuild_webhook`` → its
project's ``Triggers``.

The buildspec may be a heredoc or a string (linted as an inline buildspec, positions inside a
heredoc exact), or ``file("…")``/``templatefile("…", …)`` naming a file of the module's folder
inside the linted tree: its content is the project's inline buildspec for the cross-file rules
(the file itself is linted where it lies). Attribute names follow the AWS provider's
documentation of ``aws_codebuild_project`` and ``aws_codebuild_webhook``.
"""

from __future__ import annotations

import os

from ..load.nodes import Mapping, Node, Scalar
from . import FILE_BUILDSPEC, translator
from .context import ModuleContext, Resource
from .model import Attribute, Block
from .shapes import Custom, Many, One, Shape, translate_body

# CodeBuild takes an inline buildspec of at most 25,600 characters (CreateProject `buildspec`);
# a larger file is not read.
MAX_BUILDSPEC_BYTES = 256 * 1024


def buildspec_value(attribute: Attribute, ctx: ModuleContext) -> Node | None:
    """A project's ``buildspec``: inline text (a heredoc, a string, or the content of a file the
    module reads with ``file()``/``templatefile()``), or unknown.

    Terraform reads the file when it applies and sends its content to CodeBuild, so the project's
    buildspec is inline (not read from the source at build time): it is the file's text, at the
    place of the call, tagged :data:`~pipelint.terraform.FILE_BUILDSPEC` so that the buildspec
    rules do not lint it a second time (the file is linted where it lies)."""
    expr = attribute.expr
    if expr.kind == "call" and expr.name in ("file", "templatefile") and expr.items:
        located = ctx.module_file(expr.items[0])
        text = _read_text(located) if located is not None else None
        if text is None or not _loads(text, expr.name == "templatefile"):
            return ctx.unknown(expr)
        return Scalar(text, expr.text, FILE_BUILDSPEC, '"', ctx.source, expr.span.line, expr.span.col, expr.span.end_line, expr.span.end_col)
    value = ctx.node(expr)
    if expr.kind == "template" and not isinstance(value, Scalar):
        # Interpolated text: what CodeBuild receives is known only after Terraform renders it.
        # When the text as written is not even YAML (`%{ for … }` directives, `${indent(…)}`
        # lines), its parse errors would be about text CodeBuild never sees: unknown.
        text = expr.value if isinstance(expr.value, str) else ""
        if not _loads(text, True):
            return ctx.unknown(expr)
    return value


def _loads(text: str, template: bool) -> bool:
    """Whether a buildspec text loads as YAML (with ``template``: and has no ``%{…}``
    directive, whose output is unknown)."""
    if template and "%{" in text:
        return False
    from ..load import load_text

    result = load_text(text, "buildspec.yml", fmt="yaml")
    return not result.fatal and not any(p.code == "PL002" for p in result.problems)


def _read_text(path: str, limit: int = MAX_BUILDSPEC_BYTES) -> str | None:
    """A buildspec file's text (UTF-8, at most ``limit`` bytes), or ``None``."""
    try:
        if os.path.getsize(path) > limit:
            return None
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


_SOURCE: Shape = {
    "type": "Type",
    "location": "Location",
    "buildspec": Custom("BuildSpec", buildspec_value),
    "git_clone_depth": "GitCloneDepth",
    "insecure_ssl": "InsecureSsl",
    "report_build_status": "ReportBuildStatus",
    "source_identifier": "SourceIdentifier",
    "git_submodules_config": One("GitSubmodulesConfig", {"fetch_submodules": "FetchSubmodules"}),
    "build_status_config": One("BuildStatusConfig", {"context": "Context", "target_url": "TargetUrl"}),
    "auth": One("Auth", {"type": "Type", "resource": "Resource"}),
}
_ARTIFACTS: Shape = {
    "type": "Type",
    "location": "Location",
    "name": "Name",
    "namespace_type": "NamespaceType",
    "packaging": "Packaging",
    "path": "Path",
    "encryption_disabled": "EncryptionDisabled",
    "override_artifact_name": "OverrideArtifactName",
    "artifact_identifier": "ArtifactIdentifier",
    "bucket_owner_access": "BucketOwnerAccess",
}
_ENVIRONMENT: Shape = {
    "compute_type": "ComputeType",
    "image": "Image",
    "type": "Type",
    "image_pull_credentials_type": "ImagePullCredentialsType",
    "privileged_mode": "PrivilegedMode",
    "certificate": "Certificate",
    "environment_variable": Many("EnvironmentVariables", {"name": "Name", "value": "Value", "type": "Type"}),
    "registry_credential": One("RegistryCredential", {"credential": "Credential", "credential_provider": "CredentialProvider"}),
}
_LOGS: Shape = {
    "cloudwatch_logs": One("CloudWatchLogs", {"status": "Status", "group_name": "GroupName", "stream_name": "StreamName"}),
    "s3_logs": One("S3Logs", {"status": "Status", "location": "Location", "encryption_disabled": "EncryptionDisabled"}),
}
PROJECT: Shape = {
    "name": "Name",
    "description": "Description",
    "service_role": "ServiceRole",
    "badge_enabled": "BadgeEnabled",
    "build_timeout": "TimeoutInMinutes",
    "queued_timeout": "QueuedTimeoutInMinutes",
    "concurrent_build_limit": "ConcurrentBuildLimit",
    "encryption_key": "EncryptionKey",
    "project_visibility": "Visibility",
    "resource_access_role": "ResourceAccessRole",
    "source_version": "SourceVersion",
    "environment": One("Environment", _ENVIRONMENT),
    "source": One("Source", _SOURCE),
    "secondary_sources": Many("SecondarySources", _SOURCE),
    "secondary_source_version": Many("SecondarySourceVersions", {"source_identifier": "SourceIdentifier", "source_version": "SourceVersion"}),
    "artifacts": One("Artifacts", _ARTIFACTS),
    "secondary_artifacts": Many("SecondaryArtifacts", _ARTIFACTS),
    "cache": One("Cache", {"type": "Type", "location": "Location", "modes": "Modes"}),
    "logs_config": One("LogsConfig", _LOGS),
    "vpc_config": One("VpcConfig", {"vpc_id": "VpcId", "subnets": "Subnets", "security_group_ids": "SecurityGroupIds"}),
    "file_system_locations": Many("FileSystemLocations", {"identifier": "Identifier", "location": "Location", "mount_options": "MountOptions",
                                                          "mount_point": "MountPoint", "type": "Type"}),
    "build_batch_config": One("BuildBatchConfig", {
        "service_role": "ServiceRole", "combine_artifacts": "CombineArtifacts", "timeout_in_mins": "TimeoutInMins",
        "restrictions": One("Restrictions", {"compute_types_allowed": "ComputeTypesAllowed", "maximum_builds_allowed": "MaximumBuildsAllowed"}),
    }),
}
FILTER: Shape = {"type": "Type", "pattern": "Pattern", "exclude_matched_pattern": "ExcludeMatchedPattern"}
WEBHOOK: Shape = {
    "build_type": "BuildType",
    "scope_configuration": One("ScopeConfiguration", {"name": "Name", "scope": "Scope", "domain": "Domain"}),
    "pull_request_build_policy": One("PullRequestBuildPolicy", {"requires_comment_approval": "RequiresCommentApproval",
                                                                "approver_roles": "ApproverRoles"}),
}


@translator("aws_codebuild_project")
def codebuild_project(block: Block, ctx: ModuleContext) -> list[Resource]:
    """An ``aws_codebuild_project`` as an ``AWS::CodeBuild::Project``."""
    resource = ctx.new_resource(block, "AWS::CodeBuild::Project")
    for key, value in translate_body(block.body, PROJECT, ctx):
        resource.set(key, value)
    return [resource]


@translator("aws_codebuild_webhook", phase=1)
def codebuild_webhook(block: Block, ctx: ModuleContext) -> list[Resource]:
    """An ``aws_codebuild_webhook`` becomes its project's ``Triggers`` (``Webhook: true``,
    ``FilterGroups``, ``BuildType``): a project of the same file, or of another file of the
    module (borrowed, see :mod:`.borrow`); a webhook of a project declared nowhere pipelint
    reads (another module) is not translated."""
    name_attr = block.body.attr("project_name")
    if name_attr is None:
        return []
    target = ctx.node(name_attr.expr)
    project = _project_named(target, ctx)
    if project is None:
        return []  # a project declared in no file pipelint reads (another module)
    pairs: list[tuple[Scalar, Node]] = [(ctx.key("Webhook", block.type_span, "aws_codebuild_webhook"), ctx.scalar(True, block.type_span, "true"))]
    pairs.extend(translate_body(block.body, WEBHOOK, ctx))
    groups: list[Node] = []
    first = None
    for group in block.body.blocks:
        if group.type == "filter_group":
            first = first or group
            filters: list[Node] = [ctx.mapping(translate_body(f.body, FILTER, ctx), f.span) for f in group.body.blocks_of("filter")]
            filters += [_unknown(ctx, f) for f in group.body.dynamic_of("filter")]
            groups.append(ctx.sequence(filters, group.span))
        elif group.type == "dynamic" and group.labels[:1] == ["filter_group"]:
            first = first or group
            groups.append(_unknown(ctx, group))
    if first is not None:
        pairs.append((ctx.key("FilterGroups", first.type_span, "filter_group"), ctx.sequence(groups, first.span)))
    project.set(ctx.key("Triggers", block.type_span, "aws_codebuild_webhook"), ctx.mapping(pairs, block.span))
    return []


def _project_named(target: Node | None, ctx: ModuleContext) -> Resource | None:
    """The project of this file a webhook's ``project_name`` names (by reference or literal)."""
    if isinstance(target, Mapping) and len(target.pairs) == 1:
        key, value = target.pairs[0]
        if isinstance(key, Scalar) and key.value == "Ref" and isinstance(value, Scalar):
            found = ctx.resources.get(str(value.value))
            return found if found is not None and found.cfn_type == "AWS::CodeBuild::Project" else None
    if isinstance(target, Scalar) and isinstance(target.value, str):
        matches = [r for r in ctx.resources.values() if r.cfn_type == "AWS::CodeBuild::Project"
                   and isinstance(r.get("Name"), Scalar) and r.get("Name").value == target.value]  # type: ignore[union-attr]
        return matches[0] if len(matches) == 1 else None
    return None


def _unknown(ctx: ModuleContext, block: Block) -> Mapping:
    return ctx.mapping([(ctx.key("Fn::ImportValue", block.type_span), ctx.scalar(f"dynamic {block.labels[:1]}", block.type_span))], block.span)

