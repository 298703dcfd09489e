"""IAM006–IAM007: resource policies open to everyone, trust policies that trust too much."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule
from pipelint.models.policy import Statement, Value, policy_of
from pipelint.textutil import lazy_regex

from ._util import is_account_root, where

# Condition keys that limit *who* can use a statement with a `*` principal.
_RESTRICTING = {
    "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
    "aws:vpcsourceip", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalorgid", "aws:principalorgpaths",
    "aws:principalaccount", "aws:principalarn", "aws:principalservicename", "aws:userid", "aws:username",
    "aws:principalisawsservice", "kms:calleraccount", "kms:viaservice", "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast", "lambda:functionarn",
}
# Condition keys that narrow a trust in a whole account to some of its principals or sessions.
_TRUST_NARROWING = {
    "aws:principalarn", "aws:userid", "aws:username", "sts:externalid", "aws:multifactorauthpresent",
    "aws:multifactorauthage", "aws:sourceidentity", "sts:sourceidentity", "aws:principalorgid", "aws:sourcearn",
    "aws:sourceaccount",
}
_GITHUB_OIDC = "token.actions.githubusercontent.com"


def _vacuous(operator: str) -> bool:
    """Whether a condition operator holds when the request lacks the key: ``ForAllValues:…``
    (true for an empty set of values) and ``…IfExists``. Such a test limits nobody who
    arrives without the key, as an anonymous caller or another account's principal does."""
    lowered = operator.lower()
    return lowered.startswith("forallvalues:") or lowered.endswith("ifexists")


def _restricted(stmt: Statement, keys: set[str]) -> bool:
    return any((e.key.lower() in keys or e.key.lower().startswith("aws:principaltag/")) and not _vacuous(e.operator)
               for e in stmt.conditions)


def _vacuous_note(stmt: Statement, keys: set[str]) -> str:
    """`` (`ForAllValues:StringEquals` on `aws:PrincipalOrgID` holds when the key is absent)``, or ``""``."""
    for entry in stmt.conditions:
        if entry.key.lower() in keys and _vacuous(entry.operator):
            return f" (`{entry.operator}` on `{entry.key}` holds when the request has no such key, so it limits nobody)"
    return ""


@rule("IAM006", "public-resource-policy", severity="warning", kinds=("policy",), flavors=("resource",),
      security_severity=9.1)
def public_resource_policy(doc: Document, config: dict) -> Iterator[Report]:
    """A resource policy allows ``Principal: "*"`` (or ``AWS: "*"``) without a condition that limits who.

    Why: ``*`` is everyone: any AWS account and, for S3, SNS and SQS, anonymous callers. An
    artifact bucket, a notification topic or a key readable or writable by anyone leaks
    build output or lets an outsider plant artifacts the pipeline then deploys. A condition
    on ``aws:SourceArn``, ``aws:SourceAccount``, ``aws:PrincipalOrgID``, ``aws:SourceVpce``
    or similar limits the grant, unless its operator is ``ForAllValues:…`` or ``…IfExists``:
    those hold when the request has no such key at all (``ForAllValues`` over an empty set is
    true), so ``ForAllValues:StringEquals`` on ``aws:PrincipalOrgID`` still admits anyone outside
    an organization. Checked in bucket, topic, queue and key policies and in ECR repository
    policies (``AWS::ECR::Repository`` ``RepositoryPolicyText``: a public repository policy lets
    anyone pull, or push, images the pipeline deploys).

    Failing::

        Resources:
          ArtifactBucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref ArtifactBucket
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: "*"
                    Action: s3:GetObject
                    Resource: !Sub arn:aws:s3:::${ArtifactBucket}/*

    Fixed::

        Resources:
          ArtifactBucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref ArtifactBucket
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS: !Sub arn:aws:iam::${AWS::AccountId}:role/deploy
                    Action: s3:GetObject
                    Resource: !Sub arn:aws:s3:::${ArtifactBucket}/*

    """
    for stmt in policy_of(doc).statements:
        if not stmt.allow or stmt.principal is None or _restricted(stmt, _RESTRICTING):
            continue
        for principal in stmt.principal.principals:
            if principal.value.is_star and principal.type in ("*", "AWS"):
                written = '`Principal: "*"`' if principal.type == "*" else '`Principal: {AWS: "*"}`'
                yield Report(
                    principal.value.node,
                    f"{where(doc)} allows {written}, that is anyone, without a condition limiting who{_vacuous_note(stmt, _RESTRICTING)}; "
                    "name the accounts or roles in "
                    "`Principal` (e.g. `AWS: !Sub arn:aws:iam::${AWS::AccountId}:role/<role>`), or add a condition such as "
                    "`aws:SourceArn`, `aws:SourceAccount` or `aws:PrincipalOrgID`",
                    fix="replace `*` with specific principals or add a restricting condition",
                )
                break


@rule("IAM007", "broad-trust-policy", severity="warning", kinds=("policy",), flavors=("trust",),
      security_severity=8.1)
def broad_trust_policy(doc: Document, config: dict) -> Iterator[Report]:
    """A role's trust policy trusts ``*``, a whole account (``…:root``), or GitHub's OIDC provider without a ``sub`` condition.

    Why: trusting ``*`` lets any AWS principal assume the role. Trusting an account's root
    lets every user and role of that account that has ``sts:AssumeRole`` permission assume it,
    so the role is only as safe as the most careless policy in that account. Trusting
    ``token.actions.githubusercontent.com`` without a condition on its ``sub`` claim lets any
    GitHub repository's workflow assume the role. Trust the specific role ARN that needs access
    (or add an ``aws:PrincipalArn`` / ``sts:ExternalId`` condition; for GitHub, a
    ``token.actions.githubusercontent.com:sub`` condition naming your repository).

    Trusting the template's *own* account (``!Sub arn:aws:iam::${AWS::AccountId}:root``,
    ``!Ref AWS::AccountId``, Terraform's ``data.aws_caller_identity.current.account_id``) is a
    note, not a warning: an account principal delegates the decision to that account's own
    identity policies, and only principals that an identity policy there allows
    ``sts:AssumeRole`` on the role can assume it (IAM User Guide, "AWS JSON policy elements:
    Principal", AWS account principals,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts).
    No outsider gains anything, but any role of the account allowed ``sts:AssumeRole`` on ``*``
    (PowerUserAccess allows every non-IAM action) can still take this role's permissions, so the
    note stays. Another account's root (``${ToolsAccount}``, a literal id) stays a warning.

    Failing::

        Resources:
          DeployRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS: !Sub arn:aws:iam::${ToolsAccount}:root
                    Action: sts:AssumeRole

    Fixed::

        Resources:
          DeployRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS: !Sub arn:aws:iam::${ToolsAccount}:role/pipeline-role
                    Action: sts:AssumeRole

    """
    for stmt in policy_of(doc).statements:
        if not stmt.allow or stmt.principal is None:
            continue
        keys = stmt.condition_keys()
        for principal in stmt.principal.principals:
            value = principal.value
            if value.is_star and principal.type in ("*", "AWS"):
                if _restricted(stmt, _RESTRICTING):
                    continue
                yield Report(
                    value.node,
                    f"{where(doc)} lets any AWS principal (`*`) assume this role; trust the specific role ARN that needs it, "
                    "e.g. `AWS: !Sub arn:aws:iam::<account>:role/<role>`, or add an `aws:PrincipalOrgID`/`aws:PrincipalArn` condition",
                    fix="replace `*` with the ARN of the role that assumes this one",
                )
            elif principal.type == "AWS" and is_account_root(value):
                if _restricted(stmt, _TRUST_NARROWING):
                    continue
                if own_account(value):
                    yield Report(
                        value.node,
                        f"{where(doc)} trusts its own account (its root), so any principal of this account whose policies allow "
                        "`sts:AssumeRole` on this role can assume it (a role allowed `sts:AssumeRole` on `*`, as PowerUserAccess "
                        "is, too); if only a few roles assume it, trust their ARNs (`arn:aws:iam::<account>:role/<role>`)",
                        fix="trust the ARNs of the roles that assume it, or check which principals may call `sts:AssumeRole` on `*`",
                        severity="note",
                    )
                    continue
                yield Report(
                    value.node,
                    f"{where(doc)} trusts a whole account (its root), so every principal there allowed `sts:AssumeRole` can assume this role; "
                    "trust the specific role instead (`arn:aws:iam::<account>:role/<role>`) or add an `aws:PrincipalArn` condition "
                    "(`sts:ExternalId` for a third party)",
                    fix="trust a role ARN, not `:root`",
                )
            elif principal.type == "Federated" and _is_github(value.text, keys):
                subs = [k for k in keys if k == f"{_GITHUB_OIDC}:sub"]
                if subs and not _github_sub_is_star(stmt):
                    continue
                yield Report(
                    value.node,
                    f"{where(doc)} trusts GitHub Actions OIDC without limiting the `{_GITHUB_OIDC}:sub` claim to your repository, "
                    "so workflows of any GitHub repository can assume this role; add "
                    f"`StringLike: {{{_GITHUB_OIDC}:sub: repo:<org>/<repo>:ref:refs/heads/main}}` "
                    f"(and `StringEquals: {{{_GITHUB_OIDC}:aud: sts.amazonaws.com}}`)",
                    fix="add a `sub` condition naming your repository and branch",
                )


_OWN_ACCOUNT_ID = r"\$\{(?:AWS::AccountId|data\.aws_caller_identity\.[A-Za-z0-9_-]{1,64}\.account_id)\}"
_OWN_ACCOUNT = lazy_regex(rf"^(?:arn:(?:aws[a-z-]{{0,16}}|\$\{{AWS::Partition\}}):iam::{_OWN_ACCOUNT_ID}:root|{_OWN_ACCOUNT_ID})$")


def own_account(value: Value) -> bool:
    """Whether an account principal is the account the template deploys to: ``${AWS::AccountId}``
    (``!Ref AWS::AccountId``, ``!Sub arn:aws:iam::${AWS::AccountId}:root``) or Terraform's
    ``data.aws_caller_identity.<name>.account_id``."""
    if value.form == "dynamic":
        return getattr(value.node, "to_python", lambda: None)() == {"Ref": "AWS::AccountId"}
    if value.form != "sub" or not value.text:
        return False
    return bool(_OWN_ACCOUNT.match(value.text))


def _is_github(text: str | None, keys: set[str]) -> bool:
    if text is not None:
        return text.endswith(_GITHUB_OIDC)
    return any(k.startswith(_GITHUB_OIDC + ":") for k in keys)


def _github_sub_is_star(stmt: Statement) -> bool:
    """Whether every ``sub`` condition value is a bare wildcard such as ``*`` or ``repo:*``."""
    values = [v.text or "" for entry in stmt.conditions if entry.key.lower() == f"{_GITHUB_OIDC}:sub" for v in entry.values()]
    return bool(values) and all(t in ("*", "repo:*", "repo:*:*") for t in values)
