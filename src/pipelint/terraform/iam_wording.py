"""IAM and SEC findings in Terraform files: advice Terraform can follow.

The IAM and SEC rules phrase their advice for CloudFormation: ``!GetAtt Role.Arn``, ``!Sub
arn:…``, ``{{resolve:secretsmanager:…}}``. In a ``.tf`` file those are wrong (Terraform passes a
``{{resolve:…}}`` string to AWS as it is). Each such phrase is replaced here by its Terraform
counterpart; a policy element written as YAML (``Condition: {StringEquals: {…}}``) becomes the
JSON form, which is valid in heredoc JSON and in a ``jsonencode`` object alike. Nothing else in
the message changes; :func:`reword` is applied before the general Terraform wording.
"""

from __future__ import annotations

import re
from typing import Any

_RESOLVE = "read it with a dynamic reference such as `'{{resolve:secretsmanager:my/secret:SecretString:token}}'`"
_APPLY_TIME = ("pass it in at apply time (a `sensitive` variable, or `data.aws_secretsmanager_secret_version`) instead of writing it "
               "in the file (Terraform keeps it in the state: keep the state encrypted)")
_SOURCE_CREDENTIAL = ("store the token in Secrets Manager and set `auth_type = \"SECRETS_MANAGER\"` with the secret's ARN as `token` "
                      "(or connect the repository with `auth_type = \"CODECONNECTIONS\"`)")
# Literal replacements, in order: (CloudFormation phrase, Terraform phrase).
_PHRASES: tuple[tuple[str, str], ...] = (
    ("`!GetAtt <Role>.Arn`", "`aws_iam_role.<name>.arn`"),
    ("(`!GetAtt X.Arn`, `!Sub arn:...`)", "(`aws_<type>.<name>.arn`, `\"arn:...\"`)"),
    ("`AWS: !Sub arn:aws:iam::${AWS::AccountId}:role/<role>`", "`\"AWS\": \"arn:aws:iam::<account>:role/<role>\"`"),
    ("`AWS: !Sub arn:aws:iam::<account>:role/<role>`", "`\"AWS\": \"arn:aws:iam::<account>:role/<role>\"`"),
    ("write it with `!Sub`", "interpolate with a single `$` (`$${` is Terraform's escape for a literal `${`)"),
    ("prefix the value with `!Sub`", "write `${…}` instead of `$${…}`"),
    ("`{{resolve:secretsmanager:…}}` in templates", "a `sensitive` variable or `data.aws_secretsmanager_secret_version` in Terraform"),
)
_CONDITION = re.compile(r"`Condition: \{(\w+): \{([\w:./-]+): ([^`{}]+)\}\}`")
_OPERATOR = re.compile(r"`(String\w+|Arn\w+|Bool): \{([\w:./-]+): ([^`{}]+)\}`")
_LABEL = re.compile(r"(`[a-z0-9_]+\.[A-Za-z0-9_-]+)\.Token`")


def _principals(kind: str, identifier: str, block: str = "principals") -> str:
    """A ``principals`` block of ``aws_iam_policy_document`` in one line."""
    return f'`{block} {{ type = "{kind}" identifiers = ["{identifier}"] }}`'


def _json_value(text: str) -> str:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return "[" + ", ".join(f'"{item.strip()}"' for item in text[1:-1].split(",")) + "]"
    return f'"{text}"'


def _condition(match: re.Match[str]) -> str:
    return f'`"Condition": {{"{match.group(1)}": {{"{match.group(2)}": {_json_value(match.group(3))}}}}}`'


def _operator(match: re.Match[str]) -> str:
    return f'`"{match.group(1)}": {{"{match.group(2)}": {_json_value(match.group(3))}}}`'


def _text(text: str, code: str) -> str:
    if _RESOLVE in text:
        text = text.replace(_RESOLVE, _SOURCE_CREDENTIAL if code == "SEC004" else _APPLY_TIME)
    for cloudformation, terraform in _PHRASES:
        if cloudformation in text:
            text = text.replace(cloudformation, terraform)
    if "`Condition: {" in text:
        text = _CONDITION.sub(_condition, text)
    if ": {" in text:
        text = _OPERATOR.sub(_operator, text)
    if code == "SEC004":
        text = _LABEL.sub(r"\1.token`", text)
    elif code == "SEC005":
        text = text.replace("`SecretToken`", "`authentication_configuration.secret_token`")
    elif code == "SEC006":  # an action's `configuration` map keeps CodePipeline's key names
        text = text.replace("`Configuration.EnvironmentVariables`", "`configuration.EnvironmentVariables`")
        text = text.replace("with the secret's name as `Value`", "with the secret's name as `value`")
    elif code == "SEC002":
        text = text.replace("(`Type` is omitted", "(`type` is omitted")
    elif code == "SEC003":
        text = text.replace("(`Provider: CodeStarSourceConnection` with a `ConnectionArn`)",
                            "(`provider = \"CodeStarSourceConnection\"` with a `ConnectionArn` in `configuration`)")
    if "`AWS::CodeBuild::SourceCredential`" in text:
        text = text.replace("`AWS::CodeBuild::SourceCredential`", "`aws_codebuild_source_credential`")
    return text


def reword(finding: Any, document_form: bool = False) -> None:
    """Rewrite an IAM or SEC finding's message and fix for a Terraform file (in place).

    ``document_form``: the finding points into a ``data "aws_iam_policy_document"``, whose
    statements are written as ``actions``/``resources``/``condition { … }``, not as JSON."""
    code = str(finding.code)
    if not code.startswith(("IAM", "SEC")):
        return
    rewrite = _document_text if document_form else _text
    finding.message = rewrite(finding.message, code)
    if finding.fix:
        finding.fix = rewrite(finding.fix, code)


# --------------------------------------------------------------------------------------------
# data "aws_iam_policy_document": statements are blocks of snake_case attributes

# Policy element → the data source's attribute or block.
_DOCUMENT_NAMES = {"Action": "actions", "NotAction": "not_actions", "Resource": "resources", "NotResource": "not_resources",
                   "Principal": "principals", "NotPrincipal": "not_principals", "Condition": "condition", "Effect": "effect",
                   "Sid": "sid", "Version": "version", "Statement": "statement"}
_LISTS = frozenset({"actions", "not_actions", "resources", "not_resources"})
_DOCUMENT_PHRASES: tuple[tuple[str, str], ...] = (
    ("only in a `Deny` statement", "only in a statement with `effect = \"Deny\"`"),
)
_SEGMENT = re.compile(r"`([^`\n]{1,300})`")
_DOCUMENT_PAIR = re.compile(r'"?([A-Z][A-Za-z]*)"?: (.+)')
_PRINCIPAL_MAP = re.compile(r'\{"?(AWS|Service|Federated|CanonicalUser)"?: "?([^"{}]+)"?\}')


def _condition_block(test: str, variable: str, values: str) -> str:
    items = [item.strip().strip('"') for item in values.strip().strip("[]").split(",")]
    quoted = ", ".join(f'"{item}"' for item in items if item)
    return f'`condition {{ test = "{test}" variable = "{variable}" values = [{quoted}] }}`'


def _document_segment(inner: str) -> str | None:
    """One backticked segment in the data source's terms, or ``None`` to keep it."""
    if inner in _DOCUMENT_NAMES:
        return f"`{_DOCUMENT_NAMES[inner]}`"
    pair = _DOCUMENT_PAIR.fullmatch(inner)
    if pair is None:
        return None
    name, value = pair.group(1), pair.group(2).strip()
    if name == "Condition":
        inner_condition = re.fullmatch(r'\{"?(\w+)"?: \{"?([\w:./-]+)"?: ([^{}]+)\}\}', value)
        return _condition_block(inner_condition.group(1), inner_condition.group(2), inner_condition.group(3)) if inner_condition else None
    if re.fullmatch(r"String\w+|Arn\w+|Bool", name):
        operator = re.fullmatch(r'\{"?([\w:./-]+)"?: ([^{}]+)\}', value)
        return _condition_block(name, operator.group(1), operator.group(2)) if operator else None
    if name in ("Principal", "NotPrincipal"):
        block = _DOCUMENT_NAMES[name]
        if value.strip('"') == "*":
            return _principals("*", "*", block)
        mapped = _PRINCIPAL_MAP.fullmatch(value)
        return _principals(mapped.group(1), mapped.group(2).strip(), block) if mapped else None
    if name == "AWS":
        return _principals("AWS", value.strip('"'))
    attribute = _DOCUMENT_NAMES.get(name)
    if attribute is None:
        return None
    value = value if value.startswith('"') else f'"{value}"'
    return f"`{attribute} = [{value}]`" if attribute in _LISTS else f"`{attribute} = {value}`"


def _document_text(text: str, code: str) -> str:
    text = _text(text, code)
    for cloudformation, terraform in _DOCUMENT_PHRASES:
        if cloudformation in text:
            text = text.replace(cloudformation, terraform)

    def one(match: re.Match[str]) -> str:
        replaced = _document_segment(match.group(1))
        return match.group(0) if replaced is None else replaced

    return _SEGMENT.sub(one, text)


# --------------------------------------------------------------------------------------------
# SEC009 (a credential written in the file) outside inline buildspecs

# The first step for a credential kind, kept before the Terraform advice.
_REVOKE = {
    "github-token": "revoke it on GitHub",
    "github-fine-grained-token": "revoke it on GitHub",
    "npm-token": "revoke it (`npm token revoke`)",
    "slack-token": "revoke it in Slack",
    "slack-webhook": "regenerate the webhook in Slack",
    "private-key": "replace the key pair",
}
_SECRET_VALUE = ("it is the secret's own value, so the problem is the literal: it is committed with the file, and Terraform keeps "
                 "it in plain text in the state; set it through the write-only `secret_string_wo` from an ephemeral value or a "
                 "variable marked `sensitive` (Terraform 1.11 and later keep it out of the state), or generate it "
                 "(`random_password`) and keep the state encrypted")
_SECRET_VALUE_FIX = "pass the value in through the write-only `secret_string_wo` instead of writing it in the file"
_ELSEWHERE = ("it is committed with the file, and Terraform keeps it in plain text in the state; keep it in Secrets Manager and "
              "let the code that uses it read it at run time (pass the secret's ARN, not its value), or at least pass it in as a "
              "variable marked `sensitive`")
_ELSEWHERE_FIX = "keep the value in Secrets Manager and pass its ARN instead"
_HARD_CODED = " hard-coded here ("
_IN_BUILDSPEC = "read it at run time from a variable mapped under `env.secrets-manager:` (or from Secrets Manager), and rotate it"


def reword_hard_coded(finding: Any, resource_type: str | None, in_buildspec: bool) -> None:
    """SEC009 in a Terraform file, outside inline buildspecs: advice for the resource holding the
    value (the buildspec advice, ``env.secrets-manager:``, does not apply there)."""
    path = tuple(finding.node_path)
    kind = path[1] if len(path) > 1 and path[0] == "secret" else None
    if kind not in ("keyword", "command") and kind not in _REVOKE:
        return
    start = finding.message.find(_HARD_CODED)
    end = finding.message.find("); ", start + len(_HARD_CODED)) if start >= 0 else -1
    if end < 0:
        return
    if in_buildspec:
        if kind == "command":  # the build reads it from a variable CodeBuild fills from Secrets Manager
            finding.message = finding.message[: end + 3] + _IN_BUILDSPEC
        return
    secret_value = resource_type == "aws_secretsmanager_secret_version"
    advice, fix = (_SECRET_VALUE, _SECRET_VALUE_FIX) if secret_value else (_ELSEWHERE, _ELSEWHERE_FIX)
    first = _REVOKE.get(str(kind))
    finding.message = finding.message[: end + 3] + (f"{first}; " if first else "") + advice + ", and rotate it"
    finding.fix = fix
