"""SEC003, SEC005, SEC006: secrets in CodePipeline definitions and webhooks."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule

from ._structural import oauth_token_hits, pipeline_env_hits, to_report, webhook_hits


@rule("SEC003", "github-oauth-token", severity="warning", kinds=("pipeline",), security_severity=8.5)
def github_oauth_token(doc: Document, config: dict) -> Iterator[Report]:
    """A GitHub (version 1) source action's ``OAuthToken`` is a literal, or a parameter without ``NoEcho``.

    In a template, a ``!Ref`` to a parameter is reported when the parameter lacks
    ``NoEcho: true`` or has a literal ``Default``; in an ``aws codepipeline`` JSON file only a
    literal is reported (``get-pipeline`` masks the token as ``****``, which is fine).

    The advice depends on the file. In a template: a ``{{resolve:secretsmanager:…}}`` dynamic
    reference, or better a CodeStar connection. In an ``aws codepipeline create-pipeline`` /
    ``update-pipeline`` JSON file nothing resolves dynamic references, ``!Ref`` or ``${…}``: the
    CLI sends the text as it is, so a ``{{resolve:…}}`` string would reach GitHub as the token.
    There the advice is a CodeStar connection, or filling the token in at deploy time (from
    Secrets Manager) without committing it. In Terraform, a ``sensitive`` variable or
    ``data.aws_secretsmanager_secret_version`` (see the Terraform wording).

    Why: the token acts as you on GitHub. A literal is committed with the file; a parameter
    without ``NoEcho`` is shown by the CloudFormation console and API. AWS no longer recommends
    the OAuth-based GitHub action at all: a CodeStar connection needs no token in the pipeline.

    Failing::

        Configuration:
          Owner: acme
          Repo: app
          Branch: main
          OAuthToken: ghp_************************************

    Fixed::

        ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: "1"}
        Configuration:
          ConnectionArn: !Ref GitHubConnection
          FullRepositoryId: acme/app
          BranchName: main

    AWS: CloudFormation User Guide, "Get values stored in other services using dynamic
    references" (dynamic references are resolved by CloudFormation, in templates only);
    CodePipeline User Guide, "GitHub (via OAuth app) connections" (not recommended) and
    "CodeStarSourceConnection for Bitbucket Cloud, GitHub, … actions" (``ConnectionArn``).
    """
    for hit in oauth_token_hits(doc):
        yield to_report(hit)


@rule("SEC005", "webhook-secret-token", severity="warning", kinds=("template",), security_severity=7.5)
def webhook_secret_token(doc: Document, config: dict) -> Iterator[Report]:
    """An ``AWS::CodePipeline::Webhook`` ``SecretToken`` is a literal, or a parameter without ``NoEcho``.

    Why: the token authenticates the webhook's callers; whoever knows it can start the
    pipeline with forged events. A literal is committed with the template, and a parameter
    without ``NoEcho`` is shown by CloudFormation. A ``{{resolve:ssm:…}}`` reference reads a
    plain ``String`` parameter, stored unencrypted and readable by anyone allowed
    ``ssm:GetParameter``: as exposed as a literal (``ssm-secure`` and ``secretsmanager``
    references are fine). Generate a unique token per webhook and keep it in Secrets Manager.

    Failing::

        Resources:
          Webhook:
            Type: AWS::CodePipeline::Webhook
            Properties:
              Authentication: GITHUB_HMAC
              AuthenticationConfiguration:
                SecretToken: 7f9c2ba4e88f827d61604550760585
              Filters: [{JsonPath: $.ref, MatchEquals: "refs/heads/{Branch}"}]
              TargetPipeline: !Ref Pipeline
              TargetAction: Source
              TargetPipelineVersion: 1

    Fixed::

        Resources:
          Webhook:
            Type: AWS::CodePipeline::Webhook
            Properties:
              Authentication: GITHUB_HMAC
              AuthenticationConfiguration:
                SecretToken: '{{resolve:secretsmanager:ci/webhook:SecretString:token}}'
              Filters: [{JsonPath: $.ref, MatchEquals: "refs/heads/{Branch}"}]
              TargetPipeline: !Ref Pipeline
              TargetAction: Source
              TargetPipelineVersion: 1

    """
    for hit in webhook_hits(doc):
        yield to_report(hit)


@rule("SEC006", "pipeline-env-secret", severity="warning", kinds=("pipeline",), security_severity=8.0)
def pipeline_env_secret(doc: Document, config: dict) -> Iterator[Report]:
    """A pipeline action passes a secret as a PLAINTEXT environment variable.

    Checked: an action's ``EnvironmentVariables`` (``Type`` PLAINTEXT or omitted) and the
    CodeBuild action's ``Configuration.EnvironmentVariables`` JSON string (entries with
    ``"type": "PLAINTEXT"``, the default).

    Why: the pipeline definition is stored and shown in plain text to everyone who can read
    the pipeline (``codepipeline:GetPipeline``), and it is committed with the file. Use
    ``SECRETS_MANAGER`` (or ``PARAMETER_STORE`` for CodeBuild) so the value is read at run time.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: !GetAtt PipelineRole.Arn
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration:
                        ProjectName: !Ref Build
                        EnvironmentVariables: '[{"name":"API_TOKEN","value":"7f9c2ba4e88f827d616045","type":"PLAINTEXT"}]'
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: !GetAtt PipelineRole.Arn
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration:
                        ProjectName: !Ref Build
                        EnvironmentVariables: '[{"name":"API_TOKEN","value":"ci/api:token","type":"SECRETS_MANAGER"}]'
                      InputArtifacts: [{Name: Src}]

    """
    for hit in pipeline_env_hits(doc):
        yield to_report(hit)
