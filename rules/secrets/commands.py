"""SEC008: literal secrets on command lines, in buildspecs and in appspec hook scripts."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, redact, rule

from ._commands import find_in_text
from ._hooks import hook_scripts
from ._locate import node_at
from ._structural import buildspec_command_hits, to_report


@rule("SEC008", "secret-in-command", severity="warning", kinds=("buildspec", "appspec"), security_severity=8.0)
def secret_in_command(doc: Document, config: dict) -> Iterator[Report]:
    """A command passes a literal secret: ``docker login -p``, ``aws configure set``, ``curl -u``….

    Checked in buildspec ``commands``/``finally`` and in the hook scripts an appspec names (read
    from the bundle, never run): ``docker login -p/--password <literal>``, ``aws configure set
    aws_secret_access_key|aws_access_key_id <literal>``, ``export AWS_SECRET_ACCESS_KEY=<literal>``,
    ``//registry/:_authToken=<literal>`` written to ``.npmrc``, ``curl -u user:<literal>``,
    ``Authorization: Bearer <literal>`` and ``https://user:<token>@host``. Values that are
    references (``$TOKEN``, ``${TOKEN}``, ``$(aws ecr get-login-password)``) are fine. A command
    that YAML read as a mapping because of an unquoted ``: `` (BS120) is scanned as written.

    Why: the secret is committed with the file and printed in build and deployment logs
    (``docker login -p`` even warns about it). Read it from a variable CodeBuild fills from
    Secrets Manager, and hand it to the tool on standard input where the tool allows.

    Failing::

        phases:
          pre_build:
            commands:
              - docker login -u ci -p hunter2-Zq9
              - echo "//registry.npmjs.org/:_authToken=npm_************************************" > .npmrc

    Fixed::

        env:
          secrets-manager:
            DOCKERHUB_TOKEN: ci/dockerhub:token
            NPM_TOKEN: ci/npm:token
        phases:
          pre_build:
            commands:
              - echo "$DOCKERHUB_TOKEN" | docker login -u ci --password-stdin
              - echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > .npmrc
    """
    if doc.kind == "buildspec":
        for hit in buildspec_command_hits(doc):
            yield to_report(hit)
        return
    for script in hook_scripts(doc):
        source = script.source
        for found in find_in_text(source.text):
            node = node_at(source, found.start, found.end, found.value, ("hooks", script.location.value))
            if found.pattern.kind.startswith("aws-"):
                advice = ("remove the literal key: give the instance profile (or the on-premises instance's IAM role) the permissions, "
                          "and deactivate the exposed key")
            else:
                advice = ("read the secret at deploy time instead, e.g. "
                          "`aws secretsmanager get-secret-value --secret-id <id> --query SecretString --output text`, "
                          "and hand it to the tool on standard input where it allows (`docker login --password-stdin`)")
            yield Report(
                node,
                f"hook script `{script.location.value}` passes {found.describe()} ({redact(found.value)}); the script ships in every "
                f"revision bundle and its output lands in deployment logs; {advice}",
                fix="delete the key and rely on the instance's IAM role" if found.pattern.kind.startswith("aws-")
                else "read the secret at deploy time from Secrets Manager instead of writing it in the script",
                secret=found.value,
            )
