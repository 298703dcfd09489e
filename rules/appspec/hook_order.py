"""AS210: hooks listed in another order than the one CodeDeploy runs them in."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Report, Scalar, rule
from pipelint.models.appspec import EVENTS, PREVIOUS_REVISION_EVENTS, appspec_of


def _keys(doc: Document) -> list[Scalar]:
    spec = appspec_of(doc)
    if spec is None:
        return []
    if spec.flavor == "ec2":
        return [key for key, _ in spec.ec2_hooks()]
    return [key for key, _, _ in spec.function_hooks()]


@rule("AS210", "hook-order", severity="note", kinds=("appspec",))
def hook_order(doc: Document, config: dict) -> Iterator[Report]:
    """Lifecycle hooks are listed in a different order from the one CodeDeploy runs them in.

    CodeDeploy runs lifecycle events in a fixed order whatever their order in the file
    (EC2/on-premises: ``ApplicationStop`` → ``BeforeInstall`` → ``AfterInstall`` →
    ``ApplicationStart`` → ``ValidateService``, with the traffic events around them; ECS:
    ``BeforeInstall`` → ``AfterInstall`` → ``AfterAllowTestTraffic`` → ``BeforeAllowTraffic`` →
    ``AfterAllowTraffic``; Lambda: ``BeforeAllowTraffic`` → ``AfterAllowTraffic``). Readers take
    the file order for the run order, so listing hooks out of order invites mistakes such as a
    "stop" script placed after "start".

    Failing::

        hooks:
          ApplicationStart:
            - location: scripts/start.sh
          BeforeInstall:
            - location: scripts/prepare.sh

    Fixed::

        hooks:
          BeforeInstall:
            - location: scripts/prepare.sh
          ApplicationStart:
            - location: scripts/start.sh
    """
    spec = appspec_of(doc)
    if spec is None or spec.flavor not in EVENTS:
        return
    runnable, _, order = EVENTS[spec.flavor]
    keys = [key for key in _keys(doc) if key.text in runnable]
    names: list[str] = []
    for key in keys:
        if key.text not in names:
            names.append(key.text)
    canonical = sorted(names, key=order.index)
    if names == canonical:
        return
    # ApplicationStop and the block-traffic hooks out of place are AS208's, with the reason that matters.
    checked = [key for key in keys if not (spec.flavor == "ec2" and key.text in PREVIOUS_REVISION_EVENTS)]
    previous = None
    for key in checked:
        if previous is not None and order.index(key.text) < order.index(previous.text):
            arrow = " → ".join(canonical)
            yield Report(key, f"`{key.text}` is listed after `{previous.text}`, but CodeDeploy runs it before; these hooks run "
                         f"in the order {arrow} whatever the file says; list them in that order",
                         fix=f"reorder the hooks: {', '.join(canonical)}")
            return
        previous = key
