"""CB007–CB012: how a CodeBuild project is configured, beyond who can trigger it.

Each rule reads one property of ``AWS::CodeBuild::Project`` resources; a value the template
computes (``!Ref``, ``!Sub``, an ``Fn::If`` whose branches differ) never produces a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, intrinsic, rule
from pipelint.load.nodes import intrinsic_arg, leading_arg
from pipelint.models.codebuild import Project, arg_text, flag_of, items_of, mapping_options, options_of, projects_of, text_of
from pipelint.textutil import lazy_regex

from .triggers import _untrusted_pr_groups


@rule("CB007", "source-insecure-ssl", severity="warning", kinds=("template",), security_severity=5.9)
def source_insecure_ssl(doc: Document, config: dict) -> Iterator[Report]:
    """A CodeBuild source is fetched with TLS verification turned off (``InsecureSsl: true``).

    Checked in ``Source`` and every ``SecondarySources`` item.

    Why: with ``InsecureSsl`` CodeBuild ignores TLS certificate errors when it connects to the
    source repository (it exists for GitHub Enterprise Server with a self-signed
    certificate). Anyone on the network path can then serve different source code, which the
    build runs with the project's role. Give the build environment the server's CA certificate
    instead (``Environment.Certificate``: the S3 ARN of a PEM file).

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source:
                Type: GITHUB_ENTERPRISE
                Location: https://git.example.com/acme/app.git
                InsecureSsl: true
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source:
                Type: GITHUB_ENTERPRISE
                Location: https://git.example.com/acme/app.git
              Environment:
                Type: LINUX_CONTAINER
                ComputeType: BUILD_GENERAL1_SMALL
                Image: aws/codebuild/standard:7.0
                Certificate: arn:aws:s3:::acme-ci/ghe-ca.pem

    AWS: CloudFormation ``AWS::CodeBuild::Project Source`` (``InsecureSsl``: used with GitHub
    Enterprise only, "to ignore SSL warnings while connecting to your project source code");
    ``Environment.Certificate`` (the S3 location of a PEM-encoded certificate for the build).
    """
    for project in projects_of(doc):
        sources = mapping_options(project.props.get("Source")) + [s for s in items_of(project.props.get("SecondarySources"))
                                                                 if isinstance(s, Mapping) and intrinsic(s) is None]
        for source in sources:
            node = source.get("InsecureSsl")
            if node is not None and flag_of(node) is True:
                yield Report(node, f"CodeBuild project `{project.logical_id}` fetches its source with TLS certificate checks off "
                                   "(`InsecureSsl: true`): a network attacker can serve other code to the build; remove it and "
                                   "give the build the server's CA certificate (`Environment.Certificate`)",
                             fix="remove `InsecureSsl: true`")


@rule("CB008", "privileged-mode", severity="note", kinds=("template",), security_severity=3.5)
def privileged_mode(doc: Document, config: dict) -> Iterator[Report]:
    """A CodeBuild project runs in privileged mode (``Environment.PrivilegedMode: true``).

    A note on its own: privileged mode is what running a Docker daemon inside the build (to
    build images) needs. A warning when the same project also builds untrusted pull requests
    (the groups CB003/CB004 report): then any contributor's code gets root over the build
    host's Docker daemon, and with it whatever the build can reach.

    Why: a privileged container can escape most of the isolation a build normally has. Keep it
    for projects that build images from trusted code only, and leave it off elsewhere.

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

    Fixed (the project does not build Docker images)::

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

    The note is left out when the project's inline buildspec (``Source.BuildSpec`` text, or the
    text of an ``!Sub``) visibly needs the Docker daemon: a command line (not a comment) runs
    ``docker build``/``buildx``/``push``/``compose``/``run``, ``docker-compose`` or
    ``sam build … --use-container``. The warning (privileged and untrusted pull requests) is
    reported whatever the buildspec runs. A buildspec kept in a file is not read for this.

    AWS: CloudFormation ``AWS::CodeBuild::Project Environment`` (``PrivilegedMode``: "Enables
    running the Docker daemon inside a Docker container. Set to true only if the build project
    is used to build Docker images"); Security Hub control CodeBuild.5 ("CodeBuild project
    environments should not have privileged mode enabled"); AWS SAM CLI reference, ``sam build
    --use-container`` (builds inside a Docker container).
    """
    for project in projects_of(doc):
        nodes = project.privileged_nodes()
        if not nodes:
            continue
        untrusted = bool(_untrusted_pr_groups(project)) and project.comment_approval() is False
        if not untrusted and _inline_buildspec_runs_docker(project):
            continue  # the note asks what the inline buildspec already shows: it builds or runs containers
        for node in nodes:
            if untrusted:
                yield Report(node, f"CodeBuild project `{project.logical_id}` runs in privileged mode and builds pull requests from "
                                   "anyone (see CB003/CB004): their code gets root over the build's Docker daemon; require comment "
                                   "approval, or build pull requests in a separate unprivileged project",
                             fix="build untrusted pull requests in a project without `PrivilegedMode`", severity="warning")
            else:
                yield Report(node, f"CodeBuild project `{project.logical_id}` runs in privileged mode; keep it only if the project "
                                   "builds Docker images, and only from trusted code",
                             fix="remove `PrivilegedMode: true` unless the build runs Docker")


def _image_text(node: Node | None) -> str | None:
    """The image name, or for ``!Sub`` its text when the part after the last ``/`` is literal."""
    text = text_of(node)
    if isinstance(text, str):
        return text
    if intrinsic(node) == "Fn::Sub":
        sub = arg_text(intrinsic_arg(node))
        if sub is not None and "${" not in sub.rsplit("/", 1)[-1]:
            return sub
    return None


def mutable_tag(image: str) -> str | None:
    """``latest`` or ``no tag`` if a custom image name is mutable; ``None`` if pinned or curated."""
    image = image.strip()
    if not image or image.startswith("aws/codebuild/") or "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "no tag"
    return "latest" if last.rsplit(":", 1)[1] == "latest" else None


_AWS_PUBLIC_NAMESPACES = ("public.ecr.aws/sam/", "public.ecr.aws/lambda/", "public.ecr.aws/aws-cli/")


def _own_or_aws_registry(image: str) -> bool:
    """Whether the image lives in a private Amazon ECR registry or an AWS-published public one."""
    host = image.split("/", 1)[0] if "/" in image else ""
    private = ".dkr.ecr." in host and (host.endswith((".amazonaws.com", ".amazonaws.com.cn")) or "${" in host)
    return private or image.startswith(_AWS_PUBLIC_NAMESPACES)


# A command that needs the Docker daemon, hence privileged mode: `docker build|buildx|push|compose|run`
# or `docker-compose`. Searched line by line (each search is linear in its line).
_DOCKER_COMMAND = lazy_regex(r"\bdocker(?:-compose\b|\s+(?:build|buildx|push|compose|run)\b)")
_SAM_BUILD = lazy_regex(r"\bsam\s+build\b")


def _inline_buildspec_runs_docker(project: Project) -> bool:
    """Whether the project's inline buildspec has a (non-comment) line that needs the Docker
    daemon: a ``docker`` build/push/compose/run command or ``sam build --use-container``."""
    for source in mapping_options(project.props.get("Source")):
        spec = source.get("BuildSpec")
        text = text_of(spec)
        if not isinstance(text, str) and intrinsic(spec) == "Fn::Sub":
            arg = intrinsic_arg(spec)
            text = arg_text(leading_arg(arg))
        if not isinstance(text, str) or "\n" not in text.strip():
            continue  # a path to a buildspec file, or computed
        for line in text.splitlines():
            command = line.strip().removeprefix("- ").strip()
            if not command or command.startswith("#"):
                continue
            if _DOCKER_COMMAND.search(command) or ("--use-container" in command and _SAM_BUILD.search(command)):
                return True
    return False


@rule("CB009", "mutable-build-image", severity="note", kinds=("template",), security_severity=4.0)
def mutable_build_image(doc: Document, config: dict) -> Iterator[Report]:
    """A custom build image is named by a mutable tag (``:latest`` or no tag) instead of a digest.

    CodeBuild's curated images (``aws/codebuild/…``) and images pinned by digest
    (``repo@sha256:…``) are not reported, nor are other tags. A note for an image in a private
    Amazon ECR registry (``….dkr.ecr.….amazonaws.com``) or one AWS publishes on Amazon ECR
    Public (``public.ecr.aws/sam/…``, ``/lambda/…``, ``/aws-cli/…``); a warning for any other
    registry (Docker Hub, other public images), where someone else decides what ``latest`` is.

    Why: the image is the build's toolchain. A mutable tag means a build can silently start
    running a different image, whether after a routine update, a registry compromise or a
    typo-squatted name, with the project's role and secrets.

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
                Image: node:latest

    Fixed::

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
                Image: public.ecr.aws/docker/library/node@sha256:4b5f0a9e3c1d2b7a8e6f5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180

    AWS: CodeBuild User Guide, "Docker images provided by CodeBuild" and "Docker in custom
    image sample"; CloudFormation ``Environment.Image`` (an image is named by digest as
    ``<registry>/<repository>@<digest>``).
    """
    for project in projects_of(doc):
        for env in project.environments():
            node = env.get("Image")
            image = _image_text(node)
            if node is None or image is None:
                continue
            tag = mutable_tag(image)
            if tag is None:
                continue
            trusted = _own_or_aws_registry(image)
            what = "tag `latest`" if tag == "latest" else "no tag (so `latest`)"
            yield Report(node, f"CodeBuild project `{project.logical_id}` builds with image `{image}` by {what}: each build may run a "
                               "different image; pin it by digest (`repository@sha256:…`) or a versioned tag you control",
                         fix="pin the image by digest", severity=None if trusted else "warning")


@rule("CB010", "encryption-disabled", severity="note", kinds=("template",), security_severity=2.5)
def encryption_disabled(doc: Document, config: dict) -> Iterator[Report]:
    """Build artifacts or S3 build logs are written without CodeBuild's KMS encryption (``EncryptionDisabled: true``).

    Checked in ``Artifacts``, every ``SecondaryArtifacts`` item and ``LogsConfig.S3Logs`` (when
    ``Status: ENABLED``). ``EncryptionDisabled`` does not leave the objects unencrypted: since
    5 January 2023 S3 encrypts every new object with SSE-S3 at least. It turns off CodeBuild's
    own encryption with the project's KMS key (``EncryptionKey``, else the ``aws/s3`` managed
    key), so reading the objects needs only ``s3:GetObject``, no ``kms:Decrypt``. A note: the
    data's sensitivity is yours to judge.

    Not reported for artifacts written to a bucket the template declares with
    ``WebsiteConfiguration`` (referenced from ``Artifacts.Location`` by ``!Ref``, ``!Sub`` or its
    literal ``BucketName``): S3 website endpoints cannot serve SSE-KMS objects, so that
    ``EncryptionDisabled`` is needed. A bucket that is only a parameter, or whose name merely
    contains ``website`` or ``static``, is still reported: a name says nothing solid about the
    bucket, and the message says when to keep the setting.

    Why: with it, anyone who can read the bucket reads the artifacts and logs, without any
    permission on the KMS key that would otherwise guard them.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts:
                Type: S3
                Location: acme-build-artifacts
                EncryptionDisabled: true
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts:
                Type: S3
                Location: acme-build-artifacts
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    Not reported (the artifacts are the site of a website bucket)::

        Resources:
          Site:
            Type: AWS::S3::Bucket
            Properties:
              WebsiteConfiguration: {IndexDocument: index.html}
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: S3, Location: !Ref Site, EncryptionDisabled: true}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    AWS: CloudFormation ``AWS::CodeBuild::Project Artifacts`` and ``S3LogsConfig``
    (``EncryptionDisabled``) and ``EncryptionKey`` (default: the ``aws/s3`` managed key); S3 User
    Guide, "Protecting data with server-side encryption" (SSE-S3 on all new objects since
    5 January 2023); AWS Knowledge Center, "S3 website endpoint as CloudFront origin: 403"
    (objects served by a website endpoint can't be encrypted with AWS KMS); checkov CKV_AWS_78
    checks the artifacts case.
    """
    websites: set[str] | None = None
    for project in projects_of(doc):
        artifacts = mapping_options(project.props.get("Artifacts")) + [a for a in items_of(project.props.get("SecondaryArtifacts"))
                                                                       if isinstance(a, Mapping) and intrinsic(a) is None]
        for artifact in artifacts:
            node = artifact.get("EncryptionDisabled")
            kind = text_of(artifact.get("Type"))
            if node is not None and flag_of(node) is True and not (isinstance(kind, str) and kind.upper() in ("NO_ARTIFACTS", "CODEPIPELINE")):
                if websites is None:
                    websites = _website_buckets(doc)
                if websites and _names_any(artifact.get("Location"), websites):
                    continue  # a website endpoint cannot serve SSE-KMS objects: the setting is needed
                yield Report(node, f"CodeBuild project `{project.logical_id}` writes its build artifacts without CodeBuild's KMS "
                                   "encryption (S3 still applies SSE-S3), so reading them needs no `kms:Decrypt`; remove "
                                   "`EncryptionDisabled: true` unless an S3 website endpoint serves them (it cannot serve SSE-KMS objects)",
                             fix="remove `EncryptionDisabled: true`, unless an S3 website endpoint serves the bucket")
        for logs in mapping_options(project.props.get("LogsConfig")):
            for s3 in mapping_options(logs.get("S3Logs")):
                status = text_of(s3.get("Status"))
                node = s3.get("EncryptionDisabled")
                if node is not None and flag_of(node) is True and isinstance(status, str) and status.upper() == "ENABLED":
                    yield Report(node, f"CodeBuild project `{project.logical_id}` writes its S3 build logs without CodeBuild's KMS "
                                       "encryption (S3 still applies SSE-S3), so reading them needs no `kms:Decrypt`; build logs "
                                       "often contain internal names and output of commands; remove `EncryptionDisabled: true`",
                                 fix="remove `EncryptionDisabled: true`")


def _website_buckets(doc: Document) -> set[str]:
    """Logical ids and literal ``BucketName``s of the template's ``AWS::S3::Bucket`` resources
    that have a ``WebsiteConfiguration``."""
    root = doc.root
    resources = root.get("Resources") if isinstance(root, Mapping) else None
    found: set[str] = set()
    if not isinstance(resources, Mapping):
        return found
    for key, resource in resources.items():
        if not isinstance(resource, Mapping) or text_of(resource.get("Type")) != "AWS::S3::Bucket":
            continue
        props = resource.get("Properties")
        if isinstance(props, Mapping) and props.get("WebsiteConfiguration") is not None:
            found.add(key.text)
            name = text_of(props.get("BucketName"))
            if isinstance(name, str):
                found.add(name)
    return found


_SUB_NAME = lazy_regex(r"\$\{([A-Za-z0-9]{1,255})(?:\.[A-Za-z0-9]{1,255})?\}")


def _names_any(location: Node | None, names: set[str]) -> bool:
    """Whether an artifacts ``Location`` names one of ``names``: a literal bucket name or
    ``arn:aws:s3:::name``, ``!Ref Name``, ``!GetAtt Name.Arn``, or ``${Name}`` in a ``!Sub``."""
    for option in options_of(location):
        if option is None:
            continue
        literal = text_of(option)
        if isinstance(literal, str):
            if literal.removeprefix("arn:aws:s3:::").strip("/") in names:
                return True
            continue
        name = intrinsic(option)
        arg = intrinsic_arg(option)
        if name == "Ref" and arg_text(arg) in names:
            return True
        if name == "Fn::GetAtt":
            first = leading_arg(arg)
            text = arg_text(first)
            if text is not None and text.split(".", 1)[0] in names:
                return True
        if name == "Fn::Sub":
            template = leading_arg(arg)
            text = arg_text(template)
            if text is not None and any(m.group(1) in names for m in _SUB_NAME.finditer(text[:4096])):
                return True
    return False


@rule("CB011", "build-logs-disabled", severity="note", kinds=("template",), security_severity=3.5)
def build_logs_disabled(doc: Document, config: dict) -> Iterator[Report]:
    """A CodeBuild project keeps no build logs: CloudWatch Logs disabled and no S3 logs.

    Reported when ``LogsConfig.CloudWatchLogs.Status`` is ``DISABLED`` and ``LogsConfig.S3Logs``
    is absent or ``DISABLED``. CloudWatch logging is on by default, so only a template that turns
    it off is reported.

    Why: the build log is the record of what a build ran and printed. Without it there is
    nothing to investigate when a build misbehaves or is abused.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              LogsConfig:
                CloudWatchLogs:
                  Status: DISABLED

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
              LogsConfig:
                CloudWatchLogs:
                  Status: ENABLED
                  GroupName: /codebuild/app

    AWS: CloudFormation ``AWS::CodeBuild::Project LogsConfig``, ``CloudWatchLogsConfig``,
    ``S3LogsConfig`` (``Status: ENABLED | DISABLED``); checkov CKV_AWS_314 (Terraform) checks
    the same.
    """
    for project in projects_of(doc):
        for logs in mapping_options(project.props.get("LogsConfig")):
            cloudwatch = mapping_options(logs.get("CloudWatchLogs"))
            if len(cloudwatch) != 1:
                continue
            status_node = cloudwatch[0].get("Status")
            status = text_of(status_node)
            if status_node is None or not isinstance(status, str) or status.upper() != "DISABLED":
                continue
            if not _s3_disabled(logs.get("S3Logs")):
                continue
            yield Report(status_node, f"CodeBuild project `{project.logical_id}` keeps no build logs (CloudWatch Logs disabled, "
                                      "no S3 logs): nothing records what its builds ran; enable one of them",
                         fix="set `CloudWatchLogs.Status: ENABLED` or enable `S3Logs`")


def _s3_disabled(node: Node | None) -> bool:
    """Whether ``S3Logs`` is known to be absent or ``Status: DISABLED`` in every branch."""
    for option in options_of(node):
        if option is None:
            continue
        if not isinstance(option, Mapping) or intrinsic(option) is not None:
            return False
        status = text_of(option.get("Status"))
        if not isinstance(status, str) or status.strip().upper() != "DISABLED":
            return False
    return True


def _public(project: Project) -> Node | None:
    node = project.props.get("Visibility")
    text = text_of(node)
    return node if isinstance(text, str) and text.strip().upper() == "PUBLIC_READ" else None


@rule("CB012", "public-project-with-secrets", severity="warning", kinds=("template",), security_severity=6.5)
def public_project_with_secrets(doc: Document, config: dict) -> Iterator[Report]:
    """A public CodeBuild project (``Visibility: PUBLIC_READ``) has secrets in its environment.

    Reported when the project has ``SECRETS_MANAGER`` or ``PARAMETER_STORE`` environment
    variables (PLAINTEXT secrets are SEC002's).

    Why: a public project shows every build's logs and artifacts to anyone on the internet,
    including builds run while it was private. A secret that a build prints, in any form,
    and anything derived from it end up public. AWS's guidance for public projects: keep
    secrets out of the build, restrict who can trigger it, and review every pull request.

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
                EnvironmentVariables:
                  - Name: NPM_TOKEN
                    Type: SECRETS_MANAGER
                    Value: ci/npm:token
              Visibility: PUBLIC_READ
              ResourceAccessRole: !GetAtt PublicLogsRole.Arn

    Fixed (publish from a separate, private project)::

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
                EnvironmentVariables:
                  - Name: NPM_TOKEN
                    Type: SECRETS_MANAGER
                    Value: ci/npm:token
              Visibility: PRIVATE

    AWS: CodeBuild User Guide, "Public build projects"; API reference
    ``UpdateProjectVisibility`` ("All build logs and artifacts are available to the public").
    """
    for project in projects_of(doc):
        node = _public(project)
        secrets = project.secret_variables()
        if node is None or not secrets:
            continue
        names = ", ".join(f"`{name}`" for name, _ in secrets[:3])
        yield Report(node, f"CodeBuild project `{project.logical_id}` is public (`PUBLIC_READ`) and its builds receive secrets "
                           f"({names}): anything a build prints, logs or packages is visible to anyone; make the project "
                           "`PRIVATE` or move the secrets to a separate private project",
                     fix="set `Visibility: PRIVATE`")
