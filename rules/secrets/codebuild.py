"""SEC002, SEC004, SEC007: secrets in CodeBuild resources of a CloudFormation template."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule

from ._structural import codebuild_env_hits, source_credential_hits, source_url_hits, to_report


@rule("SEC002", "codebuild-env-secret", severity="warning", kinds=("template",), security_severity=8.5)
def codebuild_env_secret(doc: Document, config: dict) -> Iterator[Report]:
    """An ``AWS::CodeBuild::Project`` PLAINTEXT environment variable holds a secret.

    ``Type: PLAINTEXT`` is the default when ``Type`` is omitted. Reported: ``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN`` with literal values, any value with a
    known credential shape, and secret-named variables (``…PASSWORD``, ``…TOKEN``…) with
    secret-looking values. ``Name`` and ``Value`` are matched structurally, whatever their layout.

    Why: PLAINTEXT variables are stored in the project and returned by
    ``codebuild:BatchGetProjects`` and the console to everyone who can view the project (AWS
    Config ``codebuild-project-envvar-awscred-check``, Security Hub CodeBuild.2). Builds
    already receive the service role's credentials, so AWS keys are never needed; other
    secrets belong in Secrets Manager or Parameter Store.

    Failing::

        Resources:
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: CODEPIPELINE}
              Environment:
                Type: LINUX_CONTAINER
                ComputeType: BUILD_GENERAL1_SMALL
                Image: aws/codebuild/standard:7.0
                EnvironmentVariables:
                  - Name: SONAR_TOKEN
                    Value: 7f9c2ba4e88f827d61604550760585e1a2b3c4d5

    Fixed::

        Resources:
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source: {Type: CODEPIPELINE}
              Environment:
                Type: LINUX_CONTAINER
                ComputeType: BUILD_GENERAL1_SMALL
                Image: aws/codebuild/standard:7.0
                EnvironmentVariables:
                  - Name: SONAR_TOKEN
                    Type: SECRETS_MANAGER
                    Value: ci/sonar:token

    """
    for hit in codebuild_env_hits(doc):
        yield to_report(hit)


@rule("SEC004", "source-credential-token", severity="warning", kinds=("template",), security_severity=8.5)
def source_credential_token(doc: Document, config: dict) -> Iterator[Report]:
    """An ``AWS::CodeBuild::SourceCredential`` ``Token`` is a literal, or a parameter without ``NoEcho``.

    Why: the token (a GitHub or Bitbucket personal access token) gives access to your source
    repositories. As a literal it is committed with the template; from a parameter without
    ``NoEcho`` (or with a literal ``Default``) CloudFormation shows it in the console and API.
    CloudFormation's documentation says not to use plain text for this property.

    Failing::

        GitHubCredential:
          Type: AWS::CodeBuild::SourceCredential
          Properties:
            AuthType: PERSONAL_ACCESS_TOKEN
            ServerType: GITHUB
            Token: ghp_************************************

    Fixed::

            Token: '{{resolve:secretsmanager:ci/github:SecretString:token}}'
    """
    for hit in source_credential_hits(doc):
        yield to_report(hit)


@rule("SEC007", "source-url-credentials", severity="warning", kinds=("template",), security_severity=8.0)
def source_url_credentials(doc: Document, config: dict) -> Iterator[Report]:
    """A CodeBuild project's source URL embeds credentials (``https://user:token@host/repo``).

    Checked in ``Source.Location`` and every ``SecondarySources[].Location``.

    Why: the URL is stored in the project and shown to everyone who can view it; Security Hub
    control CodeBuild.1 flags exactly this. Connect the repository through a CodeStar
    connection or a ``SourceCredential`` whose token comes from Secrets Manager.

    Failing::

        Resources:
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source:
                Type: BITBUCKET
                Location: https://ci-bot:Zq9hunter2@bitbucket.org/acme/app.git
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    Fixed::

        Resources:
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Artifacts: {Type: NO_ARTIFACTS}
              Source:
                Type: BITBUCKET
                Location: https://bitbucket.org/acme/app.git
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}

    """
    for hit in source_url_hits(doc):
        yield to_report(hit)
