"""CB013–CB014: an untrusted pull request project shares a cache or a role with a trusted one.

Both compare the CodeBuild projects of one template: a project that builds pull requests from
anyone (the groups CB003/CB004 report: no actor allow-list, no comment approval) and a project
that builds no pull requests at all (a release, deploy or pipeline project). Two values are the
same when they are the same literal, name the same resource of the template (``!Ref R``,
``!GetAtt R.Arn``), or are the same intrinsic expression written twice; a value chosen by
``Fn::If`` is never compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, Scalar, intrinsic, rule
from pipelint.models.codebuild import PULL_REQUEST_EVENTS, UNKNOWN, Project, mapping_options, projects_of, text_of

from ._role import _target
from .triggers import _untrusted_pr_groups


def _same_key(node: Node | None) -> str | None:
    """A key equal for two values that are certainly the same, ``None`` when unknown."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        text = text_of(node)
        return f"literal:{text.strip().rstrip('/')}" if isinstance(text, str) and text.strip() else None
    name = intrinsic(node)
    if name is None or name == "Fn::If" or not isinstance(node, Mapping):
        return None
    target = _target(node) if name in ("Ref", "Fn::GetAtt") else None
    if target is not None:
        return f"resource:{target}"
    try:
        return "expression:" + json.dumps(node.to_python(), sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        return None


def _builds_pull_requests(project: Project) -> bool:
    """Whether the project may build pull requests (unknown counts as "may")."""
    webhook = project.webhook()
    if webhook is False or webhook is None:
        return False
    if webhook is UNKNOWN or not project.groups:
        return True  # no filter groups: which events build is not stated
    if not project.webhook_source():
        kinds = [text_of(s.get("Type")) for s in mapping_options(project.props.get("Source"))]
        return not kinds or any(not isinstance(k, str) for k in kinds)
    for group in project.groups:
        events = group.events()
        if events is UNKNOWN or events & PULL_REQUEST_EVENTS:
            return True
    return False


def _split(doc: Document) -> tuple[list[Project], list[Project]]:
    """``(untrusted pull request projects, projects that build no pull request)``."""
    untrusted, trusted = [], []
    for project in projects_of(doc):
        if _untrusted_pr_groups(project) and project.comment_approval() is False:
            untrusted.append(project)
        elif not _builds_pull_requests(project):
            trusted.append(project)
    return untrusted, trusted


def _cache_location(project: Project) -> tuple[Node, str] | None:
    """The S3 cache ``Location`` node and its key, for a cache known to be S3."""
    cache = project.props.get("Cache")
    if not isinstance(cache, Mapping) or intrinsic(cache) is not None:
        return None
    kind = text_of(cache.get("Type"))
    location = cache.get("Location")
    key = _same_key(location)
    if not isinstance(kind, str) or kind.strip().upper() != "S3" or location is None or key is None:
        return None
    return location, key


@rule("CB013", "shared-cache-with-untrusted-builds", severity="warning", kinds=("template",), security_severity=6.8)
def shared_cache_with_untrusted_builds(doc: Document, config: dict) -> Iterator[Report]:
    """A project that builds anyone's pull requests shares its S3 cache with a project that does not.

    Reported at the pull request project's ``Cache.Location`` when another project of the same
    template, one that builds no pull requests, has ``Cache: {Type: S3}`` with the same
    ``Location``.

    Why: cache poisoning. A pull request build writes the cache (dependencies, compiled
    artifacts, tool binaries) and the release build restores and runs it, with the release
    project's role and secrets. Give untrusted builds their own cache location, or none.

    Failing::

        Resources:
          PullRequests:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Cache: {Type: S3, Location: acme-ci-cache/app}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - {Type: EVENT, Pattern: PULL_REQUEST_CREATED}
          Release:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Cache: {Type: S3, Location: acme-ci-cache/app}

    Fixed::

        Resources:
          PullRequests:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Cache: {Type: S3, Location: acme-ci-cache/app-pull-requests}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - {Type: EVENT, Pattern: PULL_REQUEST_CREATED}
          Release:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Cache: {Type: S3, Location: acme-ci-cache/app}

    AWS: CodeBuild User Guide, "Use webhooks with AWS CodeBuild", best practices (a separate
    project for untrusted builds); "Amazon S3 caching" (an S3 cache is restored at the start of
    a build and saved at its end).
    """
    untrusted, trusted = _split(doc)
    shared: dict[str, str] = {}
    for project in trusted:
        found = _cache_location(project)
        if found is not None:
            shared.setdefault(found[1], project.logical_id)
    for project in untrusted:
        found = _cache_location(project)
        if found is None or found[1] not in shared:
            continue
        yield Report(found[0], f"CodeBuild project `{project.logical_id}` builds pull requests from anyone and shares its S3 cache "
                               f"with `{shared[found[1]]}`, which builds no pull requests: a pull request can poison what that "
                               "build restores and runs; give the pull request project its own cache location",
                     fix="use a separate `Cache.Location` for untrusted builds")


@rule("CB014", "shared-role-with-untrusted-builds", severity="warning", kinds=("template",), security_severity=7.1)
def shared_role_with_untrusted_builds(doc: Document, config: dict) -> Iterator[Report]:
    """A project that builds anyone's pull requests uses the same service role as a project that does not.

    Reported at the pull request project's ``ServiceRole`` when another project of the same
    template, one that builds no pull requests (a release or deploy project), names the same
    role.

    Why: whatever the release project may do (push images, write buckets, deploy stacks), every
    pull request build may do too. AWS's advice is one project for untrusted tests, with a role
    that cannot write, and another for deployment.

    Failing::

        Resources:
          PullRequests:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt DeployRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - {Type: EVENT, Pattern: PULL_REQUEST_CREATED}
          Release:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt DeployRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    Fixed::

        Resources:
          PullRequests:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt PullRequestTestRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - {Type: EVENT, Pattern: PULL_REQUEST_CREATED}
          Release:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt DeployRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    AWS: CodeBuild User Guide, "Use webhooks with AWS CodeBuild", best practices ("Scope down
    the permissions for your build IAM role": a test project without write access to your
    resources and a deployment project with it).
    """
    untrusted, trusted = _split(doc)
    roles: dict[str, str] = {}
    for project in trusted:
        key = _same_key(project.props.get("ServiceRole"))
        if key is not None:
            roles.setdefault(key, project.logical_id)
    for project in untrusted:
        node = project.props.get("ServiceRole")
        key = _same_key(node)
        if node is None or key is None or key not in roles:
            continue
        yield Report(node, f"CodeBuild project `{project.logical_id}` builds pull requests from anyone with the same service role as "
                           f"`{roles[key]}`, which builds no pull requests: every pull request gets that project's permissions; "
                           "give the pull request project its own role without write access",
                     fix="use a separate, read-only service role for untrusted builds")
