"""CB001–CB006: who can start a CodeBuild build through its webhook.

All six read ``Triggers`` of ``AWS::CodeBuild::Project`` resources whose webhook is on
(``Webhook: true``) and whose source is a repository (not ``CODEPIPELINE``, ``S3``,
``CODECOMMIT`` or ``NO_SOURCE``). Values the template computes never produce a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Node, Report, rule
from pipelint.models.codebuild import (
    PULL_REQUEST_EVENTS,
    RUNNER_EVENT,
    UNKNOWN,
    Filter,
    FilterGroup,
    Project,
    mapping_options,
    projects_of,
    text_of,
)

from ._regex import Unpinned, anchored_fix, has_open_folder, simple_alternatives, unanchored
from ._role import role_writes

_REF_TYPES = ("HEAD_REF", "BASE_REF", "REPOSITORY_NAME")
_SCOPES = {
    "GITHUB_ORGANIZATION": "every repository of GitHub organisation",
    "GITHUB_GLOBAL": "every repository of every organisation of GitHub Enterprise",
    "GITLAB_GROUP": "every project of GitLab group",
}


def _example(kind: str, problem: Unpinned) -> str:
    """A value the unanchored alternative admits by mistake, when it is plain literal text."""
    simple = simple_alternatives(problem.text)
    if not simple or len(simple) != 1 or any(c is None for c in simple[0].chars):
        return ""
    text = "".join(c for c in simple[0].chars if c is not None)
    if kind == "ACTOR_ACCOUNT_ID":
        before, after = "9", "0"
    elif kind == "REPOSITORY_NAME":
        before, after = "fork-of-", "-fork"
    else:
        before, after = "refs/heads/evil-", "-evil"
    sample = text + after if problem.end else before + text
    return f" (such as `{sample}`)"


def _unanchored_reports(doc: Document, kinds: tuple[str, ...]) -> Iterator[Report]:
    for project in projects_of(doc):
        for group in project.active_groups():
            for found in group.filters:
                if found.type not in kinds or found.allow_list is not True or not isinstance(found.pattern, str):
                    continue
                folders = found.type in ("HEAD_REF", "BASE_REF")
                problems = unanchored(found.pattern, folders=folders)
                if not problems or found.pattern_node is None:
                    continue
                offer = not (folders and has_open_folder(found.pattern))
                yield _unanchored_report(project, group, found, found.pattern_node, problems, offer_rewrite=offer)


def _show(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _unanchored_report(project: Project, group: FilterGroup, found: Filter, node: Node, problems: list[Unpinned],
                       offer_rewrite: bool = True) -> Report:
    """The report for one unanchored allow-list; ``offer_rewrite=False`` when a whole-pattern
    rewrite would also pin a deliberate ``…/`` prefix (and so break it)."""
    kind = str(found.type)
    rewrite = anchored_fix(found.pattern) if offer_rewrite else None
    advice = f"anchor every alternative: `{_show(rewrite, 120)}`" if rewrite is not None else "anchor every alternative with `^` and `$`"
    what = "actor ids" if kind == "ACTOR_ACCOUNT_ID" else "repository names" if kind == "REPOSITORY_NAME" else "refs"
    if not found.pattern.strip():
        detail = "is empty, so it matches every value"
    else:
        listed = "; ".join(f"`{_show(p.text, 40)}` has {p.describe()}" for p in problems[:3])
        detail = (f"is searched, not matched whole: {listed}, so longer {what} that contain a match also pass"
                  f"{_example(kind, problems[0])}")
    return Report(
        node,
        f"CodeBuild project `{project.logical_id}` filter group {group.index}: `{kind}` pattern `{_show(found.pattern)}` {detail}; "
        f"{advice}",
        fix=f"write `{_show(rewrite, 120)}`" if rewrite is not None else "pin every alternative with `^` and `$`",
    )


@rule("CB001", "unanchored-actor-filter", severity="warning", kinds=("template",), security_severity=8.1)
def unanchored_actor_filter(doc: Document, config: dict) -> Iterator[Report]:
    """A webhook ``ACTOR_ACCOUNT_ID`` allow-list pattern is not anchored (the "CodeBreach" class).

    CodeBuild treats every filter pattern except ``EVENT`` as a regular expression and *searches*
    the value with it. ``123456|789012`` therefore also admits the actor id ``91234567`` (it
    contains ``123456``), and ``^123456|789012$`` admits ``1234567`` and ``0789012``: the ``^``
    and ``$`` bind to one alternative each, not to the whole list. Every alternative must be
    pinned at both ends, for example ``^(123456|789012)$``. The pattern is read by a small
    linear parser (alternation at the top level and inside groups, escapes, character classes,
    lookarounds, inline flags); it is never compiled. An explicit leading or trailing ``.*``
    counts as intended. Only allow-lists are checked (``ExcludeMatchedPattern`` false or
    absent): an unanchored deny-list excludes more, never less.

    Why: the actor filter is what keeps strangers' pull requests from running code in your
    build with its service role and secrets. GitHub account ids are assigned in sequence, so an
    attacker can keep creating accounts until one gets an id that contains a trusted one. This is
    the bypass Wiz Research disclosed as "CodeBreach" (January 2026). The finding points at the
    pattern.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PUSH
                    - Type: ACTOR_ACCOUNT_ID
                      Pattern: 123456|789012

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PUSH
                    - Type: ACTOR_ACCOUNT_ID
                      Pattern: ^(123456|789012)$

    AWS: CodeBuild API reference, ``WebhookFilter`` ("a regular expression pattern"); CodeBuild
    User Guide, "Use webhooks with AWS CodeBuild", best practices ("Setup ACTOR_ACCOUNT_ID
    filters").
    """
    yield from _unanchored_reports(doc, ("ACTOR_ACCOUNT_ID",))


@rule("CB002", "unanchored-ref-filter", severity="warning", kinds=("template",), security_severity=5.3)
def unanchored_ref_filter(doc: Document, config: dict) -> Iterator[Report]:
    """A webhook ``HEAD_REF``, ``BASE_REF`` or ``REPOSITORY_NAME`` allow-list pattern is not anchored.

    As for CB001, CodeBuild searches the value with the pattern: ``refs/heads/main`` also
    matches ``refs/heads/main-evil`` and ``refs/heads/x/refs/heads/main``, and ``^refs/heads/main``
    matches ``refs/heads/mainline``. Every alternative must be pinned with ``^`` and ``$`` (an
    explicit ``.*`` at either end counts as intended, as in ``^refs/tags/v.*``, and so does a
    ref pattern pinned at the start that ends with ``/``, such as ``^refs/heads/release/``,
    which names a whole folder of branches). Only allow-lists are checked.

    Why: ref filters usually separate a release project (builds of ``main`` that deploy, with a
    powerful role) from everything else. Anyone who can push a branch or open a pull request
    from a branch named ``main-anything`` gets the release build. ``REPOSITORY_NAME`` limits
    which repositories of an organisation webhook may use the project.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PUSH
                    - Type: HEAD_REF
                      Pattern: refs/heads/main

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PUSH
                    - Type: HEAD_REF
                      Pattern: ^refs/heads/main$

    AWS: CodeBuild API reference, ``WebhookFilter`` (every type but ``EVENT`` takes "a regular
    expression pattern", example ``^refs/heads/``); CodeBuild User Guide, "GitHub webhook
    events" and "Use webhooks with AWS CodeBuild", best practices.
    """
    yield from _unanchored_reports(doc, _REF_TYPES)


def _untrusted_pr_groups(project: Project) -> list[FilterGroup]:
    """Filter groups triggered by pull requests with no actor allow-list."""
    out = []
    for group in project.active_groups():
        events = group.events()
        if events is UNKNOWN or not (events & PULL_REQUEST_EVENTS):
            continue
        if group.restricts("ACTOR_ACCOUNT_ID"):
            continue
        out.append(group)
    return out


def _aggravations(doc: Document, project: Project) -> list[str]:
    """What makes an untrusted build of this project worse, in words."""
    found = []
    if project.privileged_nodes():
        found.append("it runs in privileged mode (root on the Docker daemon)")
    secrets = project.secret_variables()
    if secrets:
        names = ", ".join(f"`{name}`" for name, _ in secrets[:3])
        found.append(f"its environment holds secrets ({names})")
    writes = role_writes(doc, project.props.get("ServiceRole"))
    if writes:
        found.append("its service role can write (" + ", ".join(f"`{w}`" for w in writes) + ")")
    return found


def _pr_reports(doc: Document, want_aggravated: bool) -> Iterator[Report]:
    for project in projects_of(doc):
        groups = _untrusted_pr_groups(project)
        if not groups or project.comment_approval() is not False:
            continue
        worse = _aggravations(doc, project)
        if bool(worse) != want_aggravated:
            continue
        for group in groups:
            events = ", ".join(sorted(group.events() & PULL_REQUEST_EVENTS))
            because = f"; worse, {'; '.join(worse)}" if worse else ""
            yield Report(
                group.event_node(),
                f"CodeBuild project `{project.logical_id}` filter group {group.index} builds pull requests ({events}) "
                f"with no `ACTOR_ACCOUNT_ID` allow-list and no comment approval: anyone who can open a pull request runs "
                f"code with the project's role{because}; add `PullRequestBuildPolicy: {{RequiresCommentApproval: "
                f"ALL_PULL_REQUESTS}}` or an anchored `ACTOR_ACCOUNT_ID` filter",
                fix="add `Triggers.PullRequestBuildPolicy.RequiresCommentApproval: ALL_PULL_REQUESTS` (or FORK_PULL_REQUESTS)",
            )


@rule("CB003", "untrusted-pull-request-build", severity="warning", kinds=("template",), security_severity=6.5)
def untrusted_pull_request_build(doc: Document, config: dict) -> Iterator[Report]:
    """Pull requests from anyone start builds: no actor allow-list and no comment approval.

    Reported for each filter group whose ``EVENT`` includes ``PULL_REQUEST_CREATED``,
    ``PULL_REQUEST_UPDATED`` or ``PULL_REQUEST_REOPENED`` and that has no ``ACTOR_ACCOUNT_ID``
    allow-list (a deny-list, ``ExcludeMatchedPattern: true``, does not count), on a project
    whose ``Triggers.PullRequestBuildPolicy.RequiresCommentApproval`` is absent or ``DISABLED``.
    When the project is privileged, has secrets in its environment, or has a service role in
    the same template that can write, CB004 reports the group instead, saying which.

    Why: the build runs the pull request's code (its tests, its scripts, usually its
    buildspec) with the project's service role. On a public repository that is anyone on
    GitHub. Comment approval makes CodeBuild wait until a collaborator with one of the
    ``ApproverRoles`` comments on the pull request. If the repository is private and every
    contributor is trusted, ignore this rule for the project.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                PullRequestBuildPolicy:
                  RequiresCommentApproval: ALL_PULL_REQUESTS
                  ApproverRoles: [GITHUB_WRITE, GITHUB_MAINTAIN, GITHUB_ADMIN]
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED

    AWS: CodeBuild User Guide, "Pull request comment approval"; "Use webhooks with AWS
    CodeBuild", best practices (actor filters, a separate low-privilege project for untrusted
    builds); CloudFormation ``AWS::CodeBuild::Project PullRequestBuildPolicy``
    (``DISABLED | ALL_PULL_REQUESTS | FORK_PULL_REQUESTS``).
    """
    yield from _pr_reports(doc, want_aggravated=False)


@rule("CB004", "untrusted-privileged-pull-request-build", severity="warning", kinds=("template",), security_severity=8.8)
def untrusted_privileged_pull_request_build(doc: Document, config: dict) -> Iterator[Report]:
    """Pull requests from anyone start builds of a privileged project, one with secrets, or one
    whose service role can write.

    The same filter groups as CB003 (pull request events, no ``ACTOR_ACCOUNT_ID`` allow-list,
    no comment approval), on a project where an outsider's code gets more than a sandbox:
    ``Environment.PrivilegedMode: true``; ``SECRETS_MANAGER`` or ``PARAMETER_STORE``
    environment variables (resolved into the build's environment, so the pull request's code
    can read them); or a service role declared in the same template whose policies allow write
    actions (routine log and report writes aside). The message says which.

    Why: here a pull request can read the build's credentials and secrets and use them to push,
    publish or deploy, which is how a CI build becomes a supply-chain compromise.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment:
                Type: LINUX_CONTAINER
                ComputeType: BUILD_GENERAL1_SMALL
                Image: aws/codebuild/standard:7.0
                PrivilegedMode: true
                EnvironmentVariables:
                  - Name: NPM_TOKEN
                    Type: SECRETS_MANAGER
                    Value: ci/npm:token
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED

    Fixed (builds wait for a maintainer's comment; better still, build pull requests in a separate project with no secrets and a read-only role)::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment:
                Type: LINUX_CONTAINER
                ComputeType: BUILD_GENERAL1_SMALL
                Image: aws/codebuild/standard:7.0
                PrivilegedMode: true
                EnvironmentVariables:
                  - Name: NPM_TOKEN
                    Type: SECRETS_MANAGER
                    Value: ci/npm:token
              Triggers:
                Webhook: true
                PullRequestBuildPolicy:
                  RequiresCommentApproval: ALL_PULL_REQUESTS
                  ApproverRoles: [GITHUB_WRITE, GITHUB_MAINTAIN, GITHUB_ADMIN]
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED

    AWS: CodeBuild User Guide, "Use webhooks with AWS CodeBuild", best practices ("Scope down
    the permissions for your build IAM role": one project for untrusted tests, another for
    deployment); "Pull request comment approval".
    """
    yield from _pr_reports(doc, want_aggravated=True)


def _repository_buildspec(project: Project) -> tuple[str, Node | None] | None:
    """``(path, BuildSpec node or None when absent)`` of a buildspec read from the repository;
    ``None`` for an inline, S3 or computed buildspec."""
    sources = mapping_options(project.props.get("Source"))
    if len(sources) != 1:
        return None
    node = sources[0].get("BuildSpec")
    text = text_of(node)
    if text is UNKNOWN:
        return None
    if text is None or not text.strip():
        return "buildspec.yml", None
    if "\n" in text.strip() or text.strip().startswith("arn:"):
        return None
    path = text.strip()
    return (path[2:] if path.startswith("./") else path), node


def _excludes_path(group: FilterGroup, path: str) -> bool:
    """Whether the group excludes changes to ``path`` (or might: unknown patterns count)."""
    if group.has_unknown_type:
        return True
    for found in group.of_type("FILE_PATH"):
        if found.exclude is False:
            continue
        if not isinstance(found.pattern, str) or found.exclude is UNKNOWN:
            return True
        simple = simple_alternatives(found.pattern)
        if simple is None or any(alt.matches(path) for alt in simple):
            return True
    return False


@rule("CB005", "pull-request-buildspec-from-repository", severity="warning", kinds=("template",), security_severity=5.0)
def pull_request_buildspec_from_repository(doc: Document, config: dict) -> Iterator[Report]:
    """Untrusted pull requests build with a buildspec read from the pull request itself.

    Reported on a project whose buildspec is a file of the repository (``Source.BuildSpec``
    absent, so ``buildspec.yml``, or a path) when a filter group builds pull requests without
    an ``ACTOR_ACCOUNT_ID`` allow-list and does not exclude changes to that file (a ``FILE_PATH``
    filter with ``ExcludeMatchedPattern: true`` whose pattern matches it). A warning when the
    project also lacks comment approval, a note when approval is required. Patterns too complex
    to evaluate without running them count as excluding the file. Without comment approval,
    CB003 or CB004 also reports the group (anyone's code runs at all); the message names that
    finding, since both are about the same filter group.

    Why: the pull request can rewrite the buildspec, so its author chooses every command the
    build runs, with the project's role and secrets. AWS recommends an inline or S3-stored
    buildspec for webhook builds, or a ``FILE_PATH`` filter that refuses changes to it.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PULL_REQUEST_CREATED

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                FilterGroups:
                  - - Type: EVENT
                      Pattern: PULL_REQUEST_CREATED
                    - Type: FILE_PATH
                      Pattern: ^buildspec\\.yml$
                      ExcludeMatchedPattern: true

    AWS: CodeBuild User Guide, "Use webhooks with AWS CodeBuild", best practices ("Setup
    FILE_PATH filters": ``^buildspec.yml$`` with ``excludeMatchedPattern``; "Use inline or
    Amazon S3 stored buildspec").
    """
    for project in projects_of(doc):
        groups = _untrusted_pr_groups(project)
        if not groups:
            continue
        found = _repository_buildspec(project)
        if found is None:
            continue
        path, node = found
        approval = project.comment_approval()
        open_groups = [g for g in groups if not _excludes_path(g, path)]
        if not open_groups:
            continue
        target = node if node is not None else project.props.key_node("Source") or project.props
        numbers = ", ".join(str(g.index) for g in open_groups)
        # Without comment approval, CB003 or CB004 reports the same groups; say so rather than
        # leave two unrelated-looking warnings on one filter group.
        same = ""
        if approval is False:
            same = f" ({'CB004' if _aggravations(doc, project) else 'CB003'} reports the missing comment approval of the same group)"
        yield Report(
            target,
            f"CodeBuild project `{project.logical_id}` builds pull requests (filter group {numbers}) with `{path}` read from the "
            f"pull request itself, and no filter excludes changes to it: the pull request's author writes the commands; "
            f"add a `FILE_PATH` filter `^{_escape(path)}$` with `ExcludeMatchedPattern: true`, or use an inline or S3 buildspec{same}",
            fix=f"add `- {{Type: FILE_PATH, Pattern: '^{_escape(path)}$', ExcludeMatchedPattern: true}}` to the group",
            severity="note" if approval is not False else None,
        )


def _escape(path: str) -> str:
    """``path`` as a regular expression matching only itself."""
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in path)


@rule("CB006", "runner-project-broad-scope", severity="warning", kinds=("template",), security_severity=7.5)
def runner_project_broad_scope(doc: Document, config: dict) -> Iterator[Report]:
    """A GitHub Actions runner project takes jobs from a whole organisation with no repository filter.

    Reported for each filter group with the ``WORKFLOW_JOB_QUEUED`` event on a project whose
    webhook has a ``ScopeConfiguration`` (an organisation, enterprise-global or GitLab group
    webhook; ``GITHUB_ORGANIZATION`` is the default scope) when the group has no
    ``REPOSITORY_NAME`` allow-list.

    Why: a runner project runs whatever workflow job asks for its label, with the project's
    service role and network access. Scoped to an organisation, every repository in it can
    send jobs, including forks' pull requests where a repository's workflows allow them and
    repositories whose maintainers you do not control. A ``REPOSITORY_NAME`` filter limits the
    runner to the repositories meant to use it.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                ScopeConfiguration:
                  Name: acme
                  Scope: GITHUB_ORGANIZATION
                FilterGroups:
                  - - Type: EVENT
                      Pattern: WORKFLOW_JOB_QUEUED

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              Triggers:
                Webhook: true
                ScopeConfiguration:
                  Name: acme
                  Scope: GITHUB_ORGANIZATION
                FilterGroups:
                  - - Type: EVENT
                      Pattern: WORKFLOW_JOB_QUEUED
                    - Type: REPOSITORY_NAME
                      Pattern: ^(app|infra)$

    AWS: CodeBuild User Guide, "GitHub global and organization webhooks" and "Self-hosted
    GitHub Actions runners in AWS CodeBuild"; API reference ``ScopeConfiguration``
    (``GITHUB_ORGANIZATION | GITHUB_GLOBAL | GITLAB_GROUP``) and ``WebhookFilter``
    (``REPOSITORY_NAME``).
    """
    for project in projects_of(doc):
        scopes = []
        for triggers in project.triggers:
            for scope in mapping_options(triggers.get("ScopeConfiguration")):
                kind = text_of(scope.get("Scope"))
                name = text_of(scope.get("Name"))
                if kind is UNKNOWN:
                    continue
                kind = "GITHUB_ORGANIZATION" if kind is None else kind.strip().upper()
                if kind in _SCOPES:
                    scopes.append((kind, name if isinstance(name, str) else None))
        if not scopes:
            continue
        kind, name = scopes[0]
        for group in project.active_groups():
            events = group.events()
            if events is UNKNOWN or RUNNER_EVENT not in events or group.restricts("REPOSITORY_NAME"):
                continue
            owner = f" `{name}`" if name and kind != "GITHUB_GLOBAL" else ""
            yield Report(
                group.event_node(),
                f"runner project `{project.logical_id}` filter group {group.index} takes `WORKFLOW_JOB_QUEUED` jobs from "
                f"{_SCOPES[kind]}{owner} (scope `{kind}`) with no `REPOSITORY_NAME` allow-list: any of them can run jobs with "
                f"the project's role; add an anchored `REPOSITORY_NAME` filter listing the repositories that may use it",
                fix="add `- {Type: REPOSITORY_NAME, Pattern: '^(repo-a|repo-b)$'}` to the group",
            )

