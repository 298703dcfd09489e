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
    return text


def reword(finding: Any) -> None:
    """Rewrite an IAM or SEC finding's message and fix for a Terraform file (in place)."""
    code = str(finding.code)
    if not code.startswith(("IAM", "SEC")):
        return
    finding.message = _text(finding.message, code)
    if finding.fix:
        finding.fix = _text(finding.fix, code)
