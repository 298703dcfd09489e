"""AS406, AS505: ``Hooks`` of Amazon ECS and AWS Lambda AppSpecs (lifecycle events mapped to Lambda functions)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, did_you_mean, rule
from pipelint.models.appspec import EVENTS, PLATFORM_NAMES, appspec_of, field, is_empty, show, shown
from pipelint.rules.general._format import by_format, placeholder

# The event placeholder of the AppSpec templates in the CodeDeploy User Guide ("Replace LifeCycleEvent with …").
_TEMPLATE_PLACEHOLDERS = ("LifeCycleEvent", "LifecycleEvent")

_FUNCTION = re.compile(
    r"^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?$"
)


def _check(doc: Document) -> Iterator[Report]:
    spec = appspec_of(doc)
    if spec is None:
        return
    events, reserved, _ = EVENTS[spec.flavor]
    platform = spec.platform
    pair = field(spec.root, "Hooks")
    if pair is None:
        return
    key, hooks = pair
    if isinstance(hooks, Mapping):
        first = next(iter(hooks.items()), None)
        event, function = (first[0].text, shown(first[1])) if first and isinstance(first[1], Scalar) else (events[0], "MyHookFunction")
        yield Report(hooks, f"`{key.text}` of an {platform} AppSpec must be a list of single-entry maps, one per event: write "
                     + by_format(hooks, f"`- {event}: {function}` (with a dash)", f'`"{key.text}": [{{"{event}": "{function}"}}]`'),
                     fix="make each hook a list item")
        return
    if not isinstance(hooks, Sequence):
        if not is_empty(hooks):
            yield Report(hooks, f"`{key.text}` must be a list such as "
                         + by_format(hooks, f"`- {events[0]}: MyHookFunction`", f'`[{{"{events[0]}": "MyHookFunction"}}]`') + f", not {show(hooks)}",
                         fix="write the hooks as a list")
        return
    allowed = ", ".join(events)
    for item in hooks.items:
        if not isinstance(item, Mapping):
            if not is_empty(item):
                named = item.text if isinstance(item, Scalar) and item.text in events else events[0]
                yield Report(item, "each hook must be a single-entry map "
                             + by_format(item, f"`{named}: MyHookFunction`", f'`{{"{named}": "MyHookFunction"}}`') + f", not {show(item)}",
                             fix=by_format(item, "write `- <Event>: <function>`", 'write `{"<Event>": "<function>"}`'))
            continue
        for name, value in item.items():
            event = name.text
            if event in reserved:
                yield Report(name, f"`{event}` is a lifecycle event CodeDeploy performs itself in an {platform} deployment; it "
                             f"cannot have a hook; use one of {allowed}", fix=f"use one of {allowed}")
                continue
            if event not in events:
                elsewhere = [PLATFORM_NAMES[f] for f, (names, extra, _) in EVENTS.items() if f != spec.flavor and (event in names or event in extra)]
                if elsewhere:
                    why = (f"`{event}` is a lifecycle event of {' and '.join(elsewhere)} deployments, not of {platform} ones; "
                           f"{platform} hooks are Lambda functions at {allowed}")
                    if "EC2/on-premises" in elsewhere and spec.flavor == "ecs":
                        why += " (an ECS deployment runs no scripts on instances)"
                elif event in _TEMPLATE_PLACEHOLDERS or placeholder(event):
                    yield Report(name, f"`{event}` is the placeholder of an AppSpec template, not an event: replace it with "
                                 f"{allowed.replace(', ', ' or ')} (or delete this hook)", fix="replace the placeholder with an event")
                    continue
                else:
                    best = did_you_mean(event, events)
                    why = f"`{event}` is not an {platform} lifecycle event" + (f"; did you mean `{best}`?" if best else f"; use one of {allowed}")
                yield Report(name, why, fix=f"use one of {allowed}")
                continue
            yield from _function(event, value, name)


def _function(event: str, value: Node, key: Scalar) -> Iterator[Report]:
    if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip():
        if not _FUNCTION.match(value.value.strip()):
            yield Report(value, f"the `{event}` hook {show(value)} is not a Lambda function name or ARN; write the name (letters, "
                         "digits, `-`, `_`) or the ARN `arn:aws:lambda:REGION:ACCOUNT:function:NAME` of the function CodeDeploy "
                         "invokes", fix="write the function name or ARN")
        return
    if isinstance(value, Sequence) and any(isinstance(i, Mapping) and "location" in i for i in value.items):
        yield Report(value, f"the `{event}` hook lists scripts, but hooks of this AppSpec are Lambda functions: write "
                     + by_format(value, f"`- {event}: MyHookFunction`", f'`{{"{event}": "MyHookFunction"}}`'), fix="name a Lambda function")
        return
    if is_empty(value):
        yield Report(key, f"the `{event}` hook is empty; write the name or ARN of the Lambda function to invoke: "
                     f"`{event}: MyHookFunction`", fix="name a Lambda function")
        return
    yield Report(value, f"the `{event}` hook must be the name or ARN of a Lambda function, not {show(value)}; write "
                 f"`{event}: MyHookFunction`", fix="name a Lambda function")


@rule("AS406", "ecs-hooks", severity="error", kinds=("appspec",), flavors=("ecs",))
def ecs_hooks(doc: Document, config: dict) -> Iterator[Report]:
    """ECS hooks are Lambda functions at ``BeforeInstall``, ``AfterInstall``, ``AfterAllowTestTraffic``, ``BeforeAllowTraffic`` or ``AfterAllowTraffic``.

    ``Hooks`` is a list of single-entry maps from a lifecycle event to the name or ARN of a Lambda
    function, which must report back with ``PutLifecycleEventHookExecutionStatus`` within an hour.
    ``Install``, ``AllowTestTraffic`` and ``AllowTraffic`` are performed by CodeDeploy and take
    no hook; EC2/on-premises events such as ``ApplicationStart`` and script lists do not exist in
    an ECS deployment.

    AWS behaviour: CodeDeploy fails the ECS deployment before any task set is created (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content):
    hooks are read by the service, and an event name it does not have cannot be scheduled; the exact
    message is not recorded. Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec "hooks"
    section for an Amazon ECS deployment'.

    Failing::

        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
                LoadBalancerInfo:
                  ContainerName: web
                  ContainerPort: 80
        Hooks:
          - ApplicationStart:
              - location: scripts/check.sh

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
        Hooks:
          - AfterAllowTestTraffic: CheckReplacementTasks
    """
    yield from _check(doc)


@rule("AS505", "lambda-hooks", severity="error", kinds=("appspec",), flavors=("lambda",))
def lambda_hooks(doc: Document, config: dict) -> Iterator[Report]:
    """Lambda-deployment hooks are Lambda functions at ``BeforeAllowTraffic`` or ``AfterAllowTraffic``.

    ``Hooks`` is a list of single-entry maps from a lifecycle event to the name or ARN of a
    validation function, which must report back with ``PutLifecycleEventHookExecutionStatus``
    within an hour. ``Start``, ``AllowTraffic`` and ``End`` are performed by CodeDeploy; other
    events do not exist in a Lambda deployment.

    AWS behaviour: CodeDeploy fails the Lambda deployment before traffic shifts (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content):
    only BeforeAllowTraffic and AfterAllowTraffic can run hooks; the exact message is not recorded.
    Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec "hooks"
    section for an AWS Lambda deployment'.

    Failing::

        version: 0.0
        Resources:
          - myFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: "1"
                TargetVersion: "2"
        Hooks:
          - LifeCycleEvent: ""

    Fixed::

        version: 0.0
        Resources:
          - myFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: "1"
                TargetVersion: "2"
        Hooks:
          - BeforeAllowTraffic: ValidateBeforeTrafficShift
    """
    yield from _check(doc)
