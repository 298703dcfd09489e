"""SEC001: secrets in a buildspec's ``env.variables``."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, rule

from ._structural import buildspec_env_hits, to_report


@rule("SEC001", "buildspec-env-secret", severity="warning", kinds=("buildspec",), security_severity=8.5)
def buildspec_env_secret(doc: Document, config: dict) -> Iterator[Report]:
    """A buildspec ``env.variables`` entry holds a secret in plain text.

    A value is a secret when its name says so (``PASSWORD``, ``TOKEN``, ``SECRET``, ``API_KEY``,
    ``ACCESS_KEY``, ``CREDENTIAL``…, but not ``…_NAME``, ``…_ARN``, ``…_PATH``, ``…_ID``) and the
    value looks like one, or when the value has a known credential shape (an AWS access key, a
    GitHub, npm or Slack token) whatever the name. References (``$VAR``, ``{{resolve:…}}``) and
    placeholders are not reported. The finding shows only a redacted prefix of the value.

    Why: ``env.variables`` are plain text in the repository, in the build project's
    configuration and in every build's environment listing. AWS strongly discourages
    storing sensitive values there; CodeBuild reads secrets for you at build time from
    Secrets Manager (``env.secrets-manager``) or Parameter Store (``env.parameter-store``).

    Failing::

        env:
          variables:
            DOCKERHUB_PASSWORD: hunter2-Zq9
            GITHUB_TOKEN: ghp_************************************

    Fixed::

        env:
          secrets-manager:
            DOCKERHUB_PASSWORD: ci/dockerhub:password
          parameter-store:
            GITHUB_TOKEN: /ci/github-token
    """
    for hit in buildspec_env_hits(doc):
        yield to_report(hit)
