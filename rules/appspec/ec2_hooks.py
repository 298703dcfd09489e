"""AS201–AS208: EC2/on-premises lifecycle hooks (event names, script entries, timeouts)."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, Scalar, did_you_mean, rule
from pipelint.fixes.build import rename_key, unambiguous_name
from pipelint.load.scalars import clip_number, number_of_text
from pipelint.models.appspec import (
    AGENT,
    EC2_EVENTS,
    EC2_RESERVED,
    ECS_EVENTS,
    PREVIOUS_REVISION_EVENTS,
    appspec_of,
    ec2_script_entries,
    is_empty,
    show,
)

_MAX_EVENT_SECONDS = 3600
_HUGE_SECONDS = 1e15  # timeouts at or above this are shown by their text, never summed exactly
_INSTEAD_OF_RESERVED = {
    "Start": "ApplicationStart",
    "DownloadBundle": "BeforeInstall",
    "Install": "BeforeInstall` or `AfterInstall",
    "BlockTraffic": "BeforeBlockTraffic` or `AfterBlockTraffic",
    "AllowTraffic": "BeforeAllowTraffic` or `AfterAllowTraffic",
    "End": "ValidateService",
}


def _custom_events(config: dict) -> list[str]:
    names = config.get("custom-events") if isinstance(config, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []


def known_scripts(doc: Document, config: dict) -> Iterator[tuple[Scalar, Node]]:
    """``(event key, script entry)`` for every entry of an event the agent runs."""
    spec = appspec_of(doc)
    if spec is None:
        return
    allowed = set(EC2_EVENTS) | set(_custom_events(config))
    for key, value in spec.ec2_hooks():
        if key.text in allowed:
            for entry in ec2_script_entries(value):
                yield key, entry


@rule("AS201", "ec2-unknown-lifecycle-event", severity="warning", kinds=("appspec",), flavors=("ec2",), fixable="safe")
def ec2_unknown_lifecycle_event(doc: Document, config: dict) -> Iterator[Report]:
    """A ``hooks`` key is not an EC2/on-premises lifecycle event, so its scripts never run.

    The agent runs the scripts of the events it knows (``ApplicationStop``, ``BeforeInstall``,
    ``AfterInstall``, ``ApplicationStart``, ``ValidateService`` and the four traffic events) and
    silently ignores every other key: a misspelt event deploys successfully without running its
    script. Names are case-sensitive. Custom events used with ``codedeploy-local --events`` can be
    allowed with the rule option ``custom-events = ["MyEvent"]``.

    AWS behaviour: the agent runs the scripts under `hooks[<event>]` for the events CodeDeploy sends
    and never looks at other keys, so the deployment succeeds and the misnamed event's scripts never
    run. A warning. Source: aws/aws-codedeploy-agent
    lib/instance_agent/plugins/codedeploy/hook_executor.rb (execute).

    Failing::

        hooks:
          AfterInstal:
            - location: scripts/configure.sh

    Fixed::

        hooks:
          AfterInstall:
            - location: scripts/configure.sh

    Fix: safe, for a misspelling with exactly one close event name (``AfterInstal`` →
    ``AfterInstall``, ``afterinstall`` → ``AfterInstall``) that ``hooks`` does not have yet;
    renames the key. An Amazon ECS event has no EC2 equivalent and is not renamed.
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    custom = _custom_events(config)
    hooks = spec.root.get("hooks")
    for key, _ in spec.ec2_hooks():
        name = key.text
        if name in EC2_EVENTS or name in EC2_RESERVED or name in custom:
            continue
        if name in ECS_EVENTS:
            why = f"`{name}` is an Amazon ECS event, not an EC2/on-premises one"
        else:
            why = f"`{name}` is not an EC2/on-premises lifecycle event"
        best = did_you_mean(name, EC2_EVENTS)
        hint = f"; did you mean `{best}`?" if best else f"; use one of {', '.join(EC2_EVENTS)}"
        exact = unambiguous_name(name, EC2_EVENTS) if name not in ECS_EVENTS and hooks is not None else None
        edit = rename_key(key, exact, hooks, f"Rename the event to `{exact}`") if exact is not None and hooks is not None else None
        yield Report(key, f"{why}; the agent silently ignores it, so its scripts never run{hint}",
                     fix=f"rename it to `{best}`" if best else "use a lifecycle event name", edit=edit)


@rule("AS202", "ec2-reserved-lifecycle-event", severity="warning", kinds=("appspec",), flavors=("ec2",))
def ec2_reserved_lifecycle_event(doc: Document, config: dict) -> Iterator[Report]:
    """``hooks`` names an event that CodeDeploy runs itself and that cannot run scripts.

    ``Start``, ``DownloadBundle``, ``Install``, ``BlockTraffic``, ``AllowTraffic`` and ``End`` are
    performed by CodeDeploy; scripts listed under them never run. Put them under the hook
    before or after the event.

    AWS behaviour: CodeDeploy performs these events itself and never asks the agent to run scripts
    for them; the deployment succeeds without running the listed scripts. A warning. Source:
    aws/aws-codedeploy-agent hook_executor.rb; AWS CodeDeploy User Guide, "CodeDeploy AppSpec file
    reference" (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html),
    'AppSpec "hooks" section' (events that cannot be scripted).

    Failing::

        hooks:
          Install:
            - location: scripts/install.sh

    Fixed::

        hooks:
          AfterInstall:
            - location: scripts/install.sh
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    for key, _ in spec.ec2_hooks():
        if key.text in EC2_RESERVED:
            instead = _INSTEAD_OF_RESERVED[key.text]
            yield Report(key, f"`{key.text}` is a reserved lifecycle event that CodeDeploy performs itself; it cannot run "
                         f"scripts, so these never run; use `{instead}`", fix=f"use `{instead}`")


@rule("AS203", "ec2-hook-entry-not-mapping", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_hook_entry_not_mapping(doc: Document, config: dict) -> Iterator[Report]:
    """A hook script is written as a plain string instead of a ``location:`` mapping.

    Each script of an event is a mapping with ``location`` (and optionally ``timeout`` and
    ``runas``). A bare ``- scripts/start.sh`` makes the agent crash while reading the AppSpec
    (a Ruby ``NoMethodError``), and the deployment fails with that internal error rather than a
    clear message.

    AWS behaviour: `parse_hooks` calls `script.has_key?` on each entry; on a string that raises
    NoMethodError, so the deployment fails at its first lifecycle event with an internal Ruby error
    instead of an AppSpec message. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_hooks).

    Failing::

        hooks:
          ApplicationStart:
            - scripts/start.sh

    Fixed::

        hooks:
          ApplicationStart:
            - location: scripts/start.sh
    """
    for key, entry in known_scripts(doc, config):
        if isinstance(entry, Scalar) and not is_empty(entry):
            yield Report(entry, f"a script in `{key.text}` is a plain string; the agent expects a mapping and crashes on it "
                         f"(NoMethodError), failing the deployment; write `- location: {entry.text}`",
                         fix=f"write `- location: {entry.text}`")
        elif not isinstance(entry, Mapping) and not is_empty(entry):
            yield Report(entry, f"a script in `{key.text}` is {show(entry)}; write a mapping such as `- location: scripts/x.sh`",
                         fix="write `- location: <script>`")


@rule("AS204", "ec2-hook-location-missing", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_hook_location_missing(doc: Document, config: dict) -> Iterator[Report]:
    """A hook script has no ``location``.

    ``location`` is the path of the script in the revision bundle. Without it the agent fails the
    deployment with "…specifies a script with no location value". Hooks run only script files:
    keys such as ``run:`` or ``commands:`` are not AppSpec keys.

    AWS behaviour: `parse_hooks` raises AppSpecValidationException "The deployment failed because
    the application specification file specifies a script with no location value. Specify the
    location in the hooks section of the AppSpec file". Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_hooks).

    Failing::

        hooks:
          ApplicationStart:
            - run: systemctl start myapp

    Fixed (the command is now in ``scripts/start.sh``)::

        hooks:
          ApplicationStart:
            - location: scripts/start.sh
    """
    agent = f'{AGENT} "…specifies a script with no location value. Specify the location in the hooks section"'
    for key, entry in known_scripts(doc, config):
        if not isinstance(entry, Mapping):
            continue
        value = entry.get("location")
        if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip():
            continue
        if value is not None and not is_empty(value):
            yield Report(value, f"`location` of a script in `{key.text}` must be a path, not {show(value)}; {agent}",
                         fix="write the script's path")
            continue
        if value is not None:
            yield Report(value, f"`location` of a script in `{key.text}` is empty; {agent}; write the script's path relative to the "
                         "bundle root", fix="write the script's path")
            continue
        stray = next((k for k, _ in entry.items() if did_you_mean(k.text, ["location"], cutoff=0.7)), None)
        commands = next((k for k, _ in entry.items() if k.text.lower() in ("run", "command", "commands", "script", "cmd")), None)
        if stray is not None:
            yield Report(stray, f"`{stray.text}` is not a hook key (the agent ignores it), so this script in `{key.text}` has no "
                         f"`location`; {agent}; rename it to `location`", fix=f"rename `{stray.text}` to `location`")
        elif commands is not None:
            yield Report(commands, f"`{commands.text}` is not a hook key: CodeDeploy hooks run only script files, so this "
                         f"`{key.text}` entry has no `location`; {agent}; put the commands into a script in the bundle and "
                         "write `- location: scripts/<name>.sh`", fix="move the commands into a script and name it in `location`")
        else:
            target = entry.pairs[0][0] if entry.pairs else entry
            yield Report(target, f"this script in `{key.text}` has no `location`; {agent}; add `location:` with the script's path "
                         "relative to the bundle root", fix="add `location`")


@rule("AS205", "ec2-hook-timeout-invalid", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_hook_timeout_invalid(doc: Document, config: dict) -> Iterator[Report]:
    """A hook script's ``timeout`` must be a positive number of seconds.

    The agent fails the deployment with "an invalid timeout value was provided for a script" for
    zero, negative or non-numeric values such as ``5m``. Leave ``timeout`` out for the default
    (3600 seconds).

    AWS behaviour: the agent's ScriptInfo raises "an invalid timeout value was provided for a
    script" when the AppSpec is parsed. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/script_info.rb.

    Failing::

        version: 0.0
        os: linux
        hooks:
          ApplicationStart:
            - location: scripts/start.sh
              timeout: 5m

    Fixed::

        version: 0.0
        os: linux
        hooks:
          ApplicationStart:
            - location: scripts/start.sh
              timeout: 300
    """
    for key, entry in known_scripts(doc, config):
        node = entry.get("timeout") if isinstance(entry, Mapping) else None
        if not isinstance(node, Scalar) or node.value is None:
            if node is not None and not isinstance(node, Scalar):
                yield Report(node, f"`timeout` of a script in `{key.text}` must be a number of seconds, not {show(node)}",
                             fix="write a number such as `300`")
            continue
        value = node.value
        if isinstance(value, bool):
            ok = False
        elif isinstance(value, (int, float)):
            ok = value > 0
        else:
            number = number_of_text(str(value))
            ok = number is not None and number > 0
        if not ok:
            yield Report(node, f'`timeout` {show(node)} of a script in `{key.text}` is not a positive number of seconds; {AGENT} '
                         '"an invalid timeout value was provided for a script"; write whole seconds such as `300`, or leave '
                         "it out for the default of 3600", fix="write seconds, e.g. `300`")


@rule("AS206", "ec2-hook-timeout-total", severity="warning", kinds=("appspec",), flavors=("ec2",))
def ec2_hook_timeout_total(doc: Document, config: dict) -> Iterator[Report]:
    """The scripts of one lifecycle event have timeouts adding up to more than 3600 seconds.

    CodeDeploy allows one lifecycle event at most one hour (3600 seconds) in total for all its
    scripts; a longer ``timeout`` does not give a script more time. Only explicit timeouts are
    added up.

    AWS behaviour: the agent applies each script's own `timeout` and does not add them up, and
    CodeDeploy does not reject the AppSpec; the 3600-second limit applies while the event runs, so
    the deployment fails only if the scripts really run longer than an hour. A warning. Source:
    aws/aws-codedeploy-agent hook_executor.rb (wait_thr.join(script.timeout)); AWS CodeDeploy User
    Guide, "Quotas for CodeDeploy" (3600 seconds for all scripts of one lifecycle event).

    Failing::

        version: 0.0
        os: linux
        hooks:
          BeforeInstall:
            - location: scripts/backup.sh
              timeout: 3000
            - location: scripts/migrate.sh
              timeout: 1200

    Fixed (or move work to another event)::

        version: 0.0
        os: linux
        hooks:
          BeforeInstall:
            - location: scripts/backup.sh
              timeout: 2400
            - location: scripts/migrate.sh
              timeout: 1200
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    allowed = set(EC2_EVENTS) | set(_custom_events(config))
    for key, value in spec.ec2_hooks():
        if key.text not in allowed:
            continue
        total: float = 0
        for entry in ec2_script_entries(value):
            node = entry.get("timeout") if isinstance(entry, Mapping) else None
            if not isinstance(node, Scalar) or isinstance(node.value, bool):
                continue
            seconds = _timeout_seconds(node)
            if seconds <= 0:
                continue
            total += seconds
            if total > _MAX_EVENT_SECONDS:
                single = total == seconds
                if single:
                    what = f"this timeout is {clip_number(node.raw or str(node.value))} seconds"
                elif total < _HUGE_SECONDS:
                    what = f"the `{key.text}` timeouts add up to {total:g} seconds here"
                else:
                    what = f"the `{key.text}` timeouts add up to far more than {_MAX_EVENT_SECONDS} seconds here"
                yield Report(node, f"{what}, but CodeDeploy allows one lifecycle event at most 3600 seconds for all its scripts; "
                             f"lower the timeouts of `{key.text}` to a total of 3600 or less", fix="keep the event's total at 3600 s or less")
                break


def _timeout_seconds(node: Scalar) -> float:
    """A script's ``timeout`` in seconds for adding up (0 if it is not a number), at most
    :data:`_HUGE_SECONDS`: a 1,000-digit integer would overflow a float sum."""
    value = node.value
    number = value if isinstance(value, (int, float)) else number_of_text(str(value))
    if number is None or number != number:  # not a number, or NaN
        return 0.0
    return float(max(min(number, _HUGE_SECONDS), -1.0))


@rule("AS207", "ec2-runas-on-windows", severity="warning", kinds=("appspec",), flavors=("ec2",))
def ec2_runas_on_windows(doc: Document, config: dict) -> Iterator[Report]:
    """``runas`` is set on a Windows AppSpec, where it has no effect.

    ``runas`` selects the Linux user that runs a script (through ``su``); the Windows agent does
    not switch users, so the script runs as the agent's own account whatever ``runas`` says.

    Failing::

        version: 0.0
        os: windows
        hooks:
          AfterInstall:
            - location: scripts\\configure.ps1
              runas: Administrator

    Fixed::

        version: 0.0
        os: windows
        hooks:
          AfterInstall:
            - location: scripts\\configure.ps1
    """
    spec = appspec_of(doc)
    if spec is None or spec.os != "windows":
        return
    for key, entry in known_scripts(doc, config):
        runas = entry.key_node("runas") if isinstance(entry, Mapping) else None
        if runas is not None:
            yield Report(runas, f"`runas` of a script in `{key.text}` has no effect on Windows: the agent runs the script as its own "
                         "account; remove `runas`", fix="remove `runas`")


@rule("AS208", "ec2-previous-revision-hook", severity="note", kinds=("appspec",), flavors=("ec2",))
def ec2_previous_revision_hook(doc: Document, config: dict) -> Iterator[Report]:
    """``ApplicationStop`` (or a block-traffic hook) is listed after hooks of the new revision, as if it ran later.

    ``ApplicationStop``, ``BeforeBlockTraffic`` and ``AfterBlockTraffic`` happen before the new
    revision is downloaded, so the agent runs the scripts (and reads the AppSpec) of the last
    revision successfully deployed to the instance. A change to these hooks takes effect one
    deployment later, and they do not run at all on the first deployment to an instance.

    Most AppSpecs list ``ApplicationStop`` first and need no reminder of this, so the note is
    given only where the file suggests another reading: the hook is listed after a hook of the
    new revision (``BeforeInstall``, ``AfterInstall``, ``ApplicationStart``, …), as if it ran
    after them or from this bundle. Listing it first makes the run order visible (AS210 leaves
    these hooks to this rule).

    Failing::

        version: 0.0
        os: linux
        hooks:
          ApplicationStart:
            - location: scripts/start.sh
          ApplicationStop:
            - location: scripts/stop.sh

    Fixed::

        version: 0.0
        os: linux
        hooks:
          ApplicationStop:
            - location: scripts/stop.sh   # from the previous revision; also stops what the next one installs
          ApplicationStart:
            - location: scripts/start.sh
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    seen_new: str | None = None
    for key, value in spec.ec2_hooks():
        if key.text not in PREVIOUS_REVISION_EVENTS:
            if key.text in EC2_EVENTS and seen_new is None:
                seen_new = key.text
            continue
        if seen_new is not None and ec2_script_entries(value):
            yield Report(key, f"`{key.text}` is listed after `{seen_new}` but runs before it, and it runs the scripts of the last "
                         "successfully deployed revision, not this bundle's: a change here takes effect one deployment later, "
                         "and it does not run on an instance's first deployment; list it first",
                         fix=f"move `{key.text}` to the top of `hooks`")
