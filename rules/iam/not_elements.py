"""IAM005: ``Allow`` combined with ``NotAction``, ``NotResource`` or ``NotPrincipal``."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule
from pipelint.models.policy import policy_of

from ._util import where

_MEANING = {
    "NotAction": ("every action except the listed ones, including actions AWS adds later",
                  "list the allowed actions in `Action` instead"),
    "NotResource": ("the actions on every resource except the listed ones, including resources created later",
                    "list the allowed resources in `Resource` instead"),
    "NotPrincipal": ("every principal except the listed ones, anonymous users included",
                     "name the allowed principals in `Principal` instead"),
}


@rule("IAM005", "allow-with-not-element", severity="warning", kinds=("policy",), security_severity=6.5)
def allow_with_not_element(doc: Document, config: dict) -> Iterator[Report]:
    """An ``Allow`` statement uses ``NotAction``, ``NotResource`` or ``NotPrincipal``.

    Why: ``Allow`` with a ``Not…`` element is an allow-list written as a deny-list. It grants
    everything not named, including actions, resources and principals that appear later, which
    no reviewer can see in the policy. AWS recommends these elements only with ``Deny``.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    NotAction: iam:*
                    Resource: "*"

    Fixed::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: ["s3:GetObject", "s3:PutObject"]
                    Resource: !Sub arn:aws:s3:::${ArtifactBucket}/*

    """
    for stmt in policy_of(doc).statements:
        if not stmt.allow:
            continue
        for element in (stmt.not_action, stmt.not_resource, stmt.not_principal):
            if element is None:
                continue
            name = element.key.text
            meaning, instead = _MEANING[name]
            yield Report(
                element.key,
                f"{where(doc)} combines `Effect: Allow` with `{name}`, which grants {meaning}; {instead}, "
                f"or keep `{name}` only in a `Deny` statement",
                fix=instead,
            )
