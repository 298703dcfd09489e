"""AS103, AS104: the EC2/on-premises ``os`` and ``file_exists_behavior`` values."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, Scalar, did_you_mean, rule
from pipelint.models.appspec import AGENT, appspec_of, show, shown

_LINUX_NAMES = ("ubuntu", "amazonlinux", "amazon-linux", "amazon linux", "al2", "al2023", "centos", "rhel", "redhat",
                "debian", "suse", "fedora", "unix")
_BEHAVIORS = ("DISALLOW", "OVERWRITE", "RETAIN")


@rule("AS103", "ec2-os", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_os(doc: Document, config: dict) -> Iterator[Report]:
    """An EC2/on-premises AppSpec must say ``os: linux`` or ``os: windows``.

    The agent accepts exactly these two lower-case values, and only the one matching the
    instance it runs on; anything else, or no ``os`` at all, fails the deployment with "the
    application specification file specifies an unsupported operating system". Use ``linux``
    for every Linux distribution (Amazon Linux, Ubuntu, RHEL…).

    AWS behaviour: the agent raises AppSpecValidationException "…specifies an unsupported operating
    system (…). Specify either "linux" or "windows" in the os section of the AppSpec file"; each
    platform's agent accepts only its own value. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_os); lib/instance_agent/platform/{linux,windows}_util.rb.

    Failing::

        version: 0.0
        os: ubuntu

    Fixed::

        version: 0.0
        os: linux
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    root = spec.root
    value = root.get("os")
    unsupported = '"the application specification file specifies an unsupported operating system ({}). Specify either "linux" or "windows" in the os section"'
    if value is None:
        first = root.pairs[0][0] if root.pairs else root
        yield Report(first, f"the AppSpec has no `os`; {AGENT} {unsupported.format('')}; add `os: linux` or `os: windows`",
                     fix="add `os: linux` or `os: windows`")
        return
    text = value.value if isinstance(value, Scalar) and isinstance(value.value, str) else None
    if text in ("linux", "windows"):
        return
    hint = ""
    if text is not None:
        lowered = text.strip().lower()
        if lowered in _LINUX_NAMES or "linux" in lowered:
            hint = "; use `linux` for every Linux distribution"
        elif lowered.startswith("win"):
            hint = "; write `windows`"
        else:
            best = did_you_mean(text, ["linux", "windows"])
            hint = f"; did you mean `{best}`?" if best else ""
    yield Report(value, f"`os` is {show(value)}, which the agent does not support: {AGENT} {unsupported.format(shown(value))}{hint}",
                 fix="write `os: linux` or `os: windows`")


@rule("AS104", "ec2-file-exists-behavior", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_file_exists_behavior(doc: Document, config: dict) -> Iterator[Report]:
    """``file_exists_behavior`` must be ``DISALLOW``, ``OVERWRITE`` or ``RETAIN``, in capitals.

    The agent compares the value case-sensitively and fails the deployment with "an invalid
    file_exists_behavior value … was entered" for anything else, including ``overwrite``.

    AWS behaviour: the agent raises "an invalid file_exists_behavior value (…) was entered in the
    application specification file" at parse time; values are compared case-sensitively. Source:
    aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (agent 1.8.1); AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html),
    'file_exists_behavior'.

    Failing::

        file_exists_behavior: overwrite

    Fixed::

        file_exists_behavior: OVERWRITE
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    value = spec.root.get("file_exists_behavior")
    if value is None or (isinstance(value, Scalar) and value.value is None):
        return
    if isinstance(value, Scalar) and value.value in _BEHAVIORS:
        return
    text = value.value if isinstance(value, Scalar) and isinstance(value.value, str) else ""
    best = did_you_mean(text, _BEHAVIORS) if text else None
    if best and best.lower() == text.strip().lower():
        instead = f"the value is case-sensitive: write `{best}`"
    else:
        instead = "write one of DISALLOW, OVERWRITE, RETAIN" + (f" (did you mean `{best}`?)" if best else "")
    yield Report(
        value,
        f'`file_exists_behavior` is {show(value)}; {AGENT} "an invalid file_exists_behavior value ({shown(value)}) was entered"; '
        f"{instead}",
        fix=instead,
    )
