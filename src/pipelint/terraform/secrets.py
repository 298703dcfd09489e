"""Terraform resources that hold credentials → their CloudFormation twins, for the SEC rules.

* ``aws_codebuild_source_credential`` → ``AWS::CodeBuild::SourceCredential`` (``token`` →
  ``Token``): SEC004 reports a literal token;
* ``aws_codepipeline_webhook`` → ``AWS::CodePipeline::Webhook``
  (``authentication_configuration.secret_token`` → ``SecretToken``): SEC005 reports a literal
  secret.

A token from ``var.*``, ``data.*`` or any other expression is unknown and not reported
(Terraform's ``sensitive`` has no CloudFormation ``NoEcho`` counterpart to check). CodeBuild
environment variables and pipeline ``OAuthToken`` configuration are translated with their
projects and pipelines (``codebuild.py``, ``pipeline.py``), and every ``.tf`` file's text is
scanned for credential shapes by SEC009 like any other file.
"""

from __future__ import annotations

from . import translator
from .context import ModuleContext, Resource
from .model import Block
from .shapes import Many, One, Shape, translate_body

_SOURCE_CREDENTIAL: Shape = {
    "auth_type": "AuthType",
    "server_type": "ServerType",
    "token": "Token",
    "user_name": "Username",
}
_WEBHOOK: Shape = {
    "name": "Name",
    "authentication": "Authentication",
    "target_action": "TargetAction",
    "target_pipeline": "TargetPipeline",
    "authentication_configuration": One("AuthenticationConfiguration", {"secret_token": "SecretToken", "allowed_ip_range": "AllowedIPRange"}),
    "filter": Many("Filters", {"json_path": "JsonPath", "match_equals": "MatchEquals"}),
}


@translator("aws_codebuild_source_credential")
def source_credential(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_codebuild_source_credential`` → ``AWS::CodeBuild::SourceCredential``."""
    res = ctx.new_resource(block, "AWS::CodeBuild::SourceCredential")
    for key, value in translate_body(block.body, _SOURCE_CREDENTIAL, ctx):
        res.set(key, value)
    return [res]


@translator("aws_codepipeline_webhook")
def codepipeline_webhook(block: Block, ctx: ModuleContext) -> list[Resource]:
    """``aws_codepipeline_webhook`` → ``AWS::CodePipeline::Webhook``."""
    res = ctx.new_resource(block, "AWS::CodePipeline::Webhook")
    for key, value in translate_body(block.body, _WEBHOOK, ctx):
        res.set(key, value)
    return [res]
