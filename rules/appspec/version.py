"""AS101, AS102: the AppSpec ``version``."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Fix, Node, Report, Scalar, rule
from pipelint.fixes.build import replace_node, single_line
from pipelint.models.appspec import AGENT, appspec_of, show, shown
from pipelint.rules.general._format import pair


def _is_zero_number(node: Node | None) -> bool:
    return isinstance(node, Scalar) and not isinstance(node.value, bool) and isinstance(node.value, (int, float)) and node.value == 0


def _unquote(value: Scalar) -> Fix | None:
    """``"0.0"`` → ``0.0`` for a quoted one-line version (YAML or JSON: both read it as the number)."""
    if value.style not in ("'", '"', "json") or value.tag is not None or not single_line(value):
        return None
    return replace_node(value, "0.0", "Write the version as the number 0.0")


def _invalid(value: str) -> str:
    return f'"an invalid version value ({value}) was entered in the application specification file"'


@rule("AS101", "ec2-version", severity="error", kinds=("appspec",), flavors=("ec2",), fixable="safe")
def ec2_version(doc: Document, config: dict) -> Iterator[Report]:
    """An EC2/on-premises AppSpec must start with an unquoted ``version: 0.0``.

    The agent compares ``version`` with the number ``0.0``. A missing version, any other value,
    and also the quoted string ``"0.0"`` fail the deployment with "an invalid version value … was
    entered in the application specification file". The AppSpec reference says to write the
    version as a string, but the agent only accepts the YAML number: write it without quotes.

    AWS behaviour: the agent raises AppSpecValidationException "The deployment failed because an
    invalid version value (…) was entered in the application specification file. Make sure your
    AppSpec file specifies "0.0" as the version"; it compares with the YAML number
    (`[0.0].include?(version)`), so the string "0.0" fails too. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_version); awsdocs/aws-codedeploy-user-guide#20.

    Failing::

        version: "0.0"
        os: linux

    Fixed::

        version: 0.0
        os: linux

    Fix: safe, for a quoted ``"0.0"`` or ``"0"``: writes the number ``0.0`` in its place.
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    root = spec.root
    key = root.key_node("version")
    value = root.get("version")
    if key is None or value is None:
        first = root.pairs[0][0] if root.pairs else root
        yield Report(first, f"the AppSpec has no `version`; {AGENT} {_invalid('')}; add `version: 0.0` (unquoted) as the first line",
                     fix="add `version: 0.0`")
        return
    if _is_zero_number(value):
        return
    if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip() in ("0.0", "0"):
        yield Report(
            value,
            f'`version` is the string "{value.value}", but the agent compares it with the number 0.0, so {AGENT} '
            f"{_invalid(value.value)}; write it without quotes: `version: 0.0`",
            fix="remove the quotes: `version: 0.0`",
            edit=_unquote(value),
        )
        return
    yield Report(value, f"`version` is {show(value)}, but the only AppSpec version is 0.0; {AGENT} {_invalid(shown(value))}; "
                 "write `version: 0.0`", fix="write `version: 0.0`")


@rule("AS102", "appspec-version", severity="warning", kinds=("appspec",), flavors=("ecs", "lambda"))
def appspec_version(doc: Document, config: dict) -> Iterator[Report]:
    """An Amazon ECS or AWS Lambda AppSpec should have ``version: 0.0``.

    The AppSpec reference names ``0.0`` as the only valid version for every compute platform and
    marks it required. How strictly CodeDeploy enforces this for ECS and Lambda deployments is not
    documented (files with ``version: 1`` are common), so this is a warning. For these platforms
    the quoted string ``"0.0"`` is fine.

    Failing::

        version: 1
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
                LoadBalancerInfo:
                  ContainerName: web
                  ContainerPort: 80

    Fixed::

        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
                LoadBalancerInfo:
                  ContainerName: web
                  ContainerPort: 80
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    root = spec.root
    value = root.get("version")
    if value is None:
        first = root.pairs[0][0] if root.pairs else root
        wanted = _version_pair(first)
        yield Report(first, f"the {spec.platform} AppSpec has no `version`; the AppSpec reference requires `{wanted}`",
                     fix=f"add `{wanted}`")
        return
    if _is_zero_number(value):
        return
    if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip() in ("0.0", "0"):
        return
    wanted = _version_pair(value)
    yield Report(value, f"`version` is {show(value)}, but the AppSpec reference allows only 0.0; write `{wanted}`",
                 fix=f"write `{wanted}`")


def _version_pair(node: Node) -> str:
    """``version: 0.0`` as the file's format writes it (JSON: ``"version": 0.0``)."""
    return pair(node, "version", 0.0)
