"""AS401–AS405: the ``Resources`` of an Amazon ECS AppSpec (the target service and its properties)."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Fix, Mapping, Node, Report, Scalar, Sequence, did_you_mean, rule
from pipelint.fixes.build import replace_node, single_line
from pipelint.load.scalars import number_of_text
from pipelint.models.appspec import appspec_of, field, is_empty, items_of, show
from pipelint.rules.general._format import by_format
from pipelint.rules.general._format import pair as format_pair

_EXAMPLE = "`Resources: [{TargetService: {Type: AWS::ECS::Service, Properties: {TaskDefinition: <TASK_DEFINITION>, ...}}}]`"
_EXAMPLE_JSON = '`"Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": "<TASK_DEFINITION>", ...}}}]`'


def service_properties(doc: Document) -> Mapping | None:
    """The ``Properties`` of the single well-formed ``TargetService``, if there is one."""
    spec = appspec_of(doc)
    if spec is None:
        return None
    resources = field(spec.root, "Resources")
    items = items_of(resources[1]) if resources else []
    if len(items) != 1 or not isinstance(items[0], Mapping):
        return None
    service = items[0].get("TargetService")
    props = field(service, "Properties")
    return props[1] if props and isinstance(props[1], Mapping) else None


@rule("AS401", "ecs-target-service", severity="error", kinds=("appspec",), flavors=("ecs",))
def ecs_target_service(doc: Document, config: dict) -> Iterator[Report]:
    """An ECS AppSpec's ``Resources`` must be a list with exactly one ``TargetService`` of type ``AWS::ECS::Service``.

    CodeDeploy deploys one ECS service per deployment, named by the deployment group; the AppSpec
    describes it as the single entry ``TargetService`` with ``Type: AWS::ECS::Service`` and
    ``Properties``. A mapping instead of a list, a second entry, another name or type, or missing
    ``Properties`` make CodeDeploy reject the AppSpec.

    AWS behaviour: CodeDeploy fails the ECS deployment before any task set is created (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content).
    Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec
    "resources" section (Amazon ECS deployments)'; CodeDeploy API model ErrorCode.

    Failing::

        version: 0.0
        Resources:
          TargetService:
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
    pair = field(root, "Resources")
    if pair is None:
        first = root.pairs[0][0] if root.pairs else root
        yield Report(first, f"the Amazon ECS AppSpec has no `Resources`; CodeDeploy needs the service to deploy: {by_format(first, _EXAMPLE, _EXAMPLE_JSON)}",
                     fix="add `Resources` with one `TargetService`")
        return
    key, resources = pair
    if isinstance(resources, Mapping):
        yield Report(resources, f"`{key.text}` must be a list: write "
                     + by_format(resources, f"`- TargetService:` (with a dash) under `{key.text}`", f'`"{key.text}": [{{"TargetService": {{...}}}}]`'),
                     fix="make `Resources` a list")
        return
    if not isinstance(resources, Sequence) or not resources.items:
        what = "empty" if isinstance(resources, Sequence) or is_empty(resources) else f"{show(resources)}"
        yield Report(key, f"`{key.text}` must be a list with one `TargetService` entry, but it is {what}: {by_format(key, _EXAMPLE, _EXAMPLE_JSON)}",
                     fix="add one `TargetService` entry")
        return
    for extra in resources.items[1:]:
        yield Report(extra, f"`{key.text}` has {len(resources.items)} entries, but an ECS deployment targets exactly one service: "
                     "keep only the `TargetService` entry", fix="remove the extra entry")
    entry = resources.items[0]
    if not isinstance(entry, Mapping):
        yield Report(entry, f"the `{key.text}` entry must be a mapping "
                     + by_format(entry, "`TargetService: {...}`", '`{"TargetService": {...}}`') + f", not {show(entry)}",
                     fix=by_format(entry, "write `- TargetService:`", 'write `{"TargetService": {...}}`'))
        return
    for name, _ in entry.items():
        if name.text != "TargetService":
            best = did_you_mean(name.text, ["TargetService"])
            yield Report(name, f"`{name.text}` is not a resource name of an ECS AppSpec; the one resource is `TargetService`"
                         + (f"; did you mean `{best}`?" if best else ""), fix="name it `TargetService`")
    service = entry.get("TargetService")
    service_key = entry.key_node("TargetService")
    if service is None or service_key is None:
        return
    if not isinstance(service, Mapping):
        yield Report(service if isinstance(service, Scalar) and service.value is not None else service_key,
                     f"`TargetService` must be a mapping with `Type` and `Properties`, not {show(service)}", fix="add `Type` and `Properties`")
        return
    type_pair = field(service, "Type")
    if type_pair is None:
        wanted = format_pair(service_key, "Type", "AWS::ECS::Service")
        yield Report(service_key, f"`TargetService` has no `Type`; add `{wanted}`", fix=f"add `{wanted}`")
    elif not (isinstance(type_pair[1], Scalar) and type_pair[1].value == "AWS::ECS::Service"):
        yield Report(type_pair[1], f"`TargetService` `Type` is {show(type_pair[1])}; an ECS AppSpec deploys `AWS::ECS::Service`",
                     fix=f"write `{format_pair(type_pair[1], 'Type', 'AWS::ECS::Service')}`")
    props = field(service, "Properties")
    if props is None:
        yield Report(service_key, "`TargetService` has no `Properties`; add `Properties` with `TaskDefinition` and `LoadBalancerInfo`",
                     fix="add `Properties`")
    elif not isinstance(props[1], Mapping):
        yield Report(props[1] if isinstance(props[1], Scalar) and props[1].value is not None else props[0],
                     f"`Properties` must be a mapping with `TaskDefinition` and `LoadBalancerInfo`, not {show(props[1])}",
                     fix="write the properties as a mapping")


def _port(node: Node) -> int | float | None:
    """The port number a scalar gives (``inf`` for thousands of digits: out of range), else ``None``."""
    if isinstance(node, Scalar) and not isinstance(node.value, bool):
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str):
            return number_of_text(node.value)
    return None


@rule("AS402", "ecs-service-properties", severity="error", kinds=("appspec",), flavors=("ecs",))
def ecs_service_properties(doc: Document, config: dict) -> Iterator[Report]:
    """The target service needs ``TaskDefinition`` and ``LoadBalancerInfo`` with ``ContainerName`` and a numeric ``ContainerPort``.

    CodeDeploy starts the replacement task set from ``TaskDefinition`` (an ARN, or the
    ``<TASK_DEFINITION>`` placeholder that CodePipeline's ECS blue/green action fills in) and
    routes the load balancer to ``ContainerName`` on ``ContainerPort``, a port number from 1 to
    65535. Without them the deployment cannot start.

    AWS behaviour: CodeDeploy fails the ECS deployment before any task set is created (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content);
    the exact message is not recorded. Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec file
    reference" (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html),
    'AppSpec "resources" section (Amazon ECS deployments)', which marks TaskDefinition,
    ContainerName and ContainerPort required.

    Failing::

        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
                LoadBalancerInfo:
                  ContainerName: web
                  ContainerPort: http

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
    props = service_properties(doc)
    if props is None:
        return
    anchor = props.pairs[0][0] if props.pairs else props
    task = props.get("TaskDefinition")
    if task is None:
        yield Report(anchor, "the target service has no `TaskDefinition`; add `" + format_pair(anchor, "TaskDefinition", "<TASK_DEFINITION>") + "` (CodePipeline "
                     "fills it in) or the task definition ARN", fix="add `TaskDefinition`")
    elif is_empty(task):
        yield Report(task, "`TaskDefinition` is empty; write the task definition ARN or the `<TASK_DEFINITION>` placeholder",
                     fix="write `<TASK_DEFINITION>`")
    info = props.get("LoadBalancerInfo")
    if info is None:
        yield Report(anchor, "the target service has no `LoadBalancerInfo`; add `LoadBalancerInfo` with `ContainerName` and "
                     "`ContainerPort` of the container the load balancer routes to", fix="add `LoadBalancerInfo`")
        return
    if not isinstance(info, Mapping):
        yield Report(info if isinstance(info, (Scalar, Sequence)) else props.key_node("LoadBalancerInfo") or info,
                     f"`LoadBalancerInfo` must be a mapping with `ContainerName` and `ContainerPort`, not {show(info)}",
                     fix="write `ContainerName:` and `ContainerPort:` under it")
        return
    info_key = props.key_node("LoadBalancerInfo") or info
    name = info.get("ContainerName")
    if name is None:
        yield Report(info_key, "`LoadBalancerInfo` has no `ContainerName`; add the name of the container (from the task "
                     "definition) that receives traffic", fix="add `ContainerName`")
    elif is_empty(name):
        yield Report(name, "`ContainerName` is empty; write the container's name from the task definition", fix="fill in `ContainerName`")
    port = info.get("ContainerPort")
    if port is None:
        yield Report(info_key, "`LoadBalancerInfo` has no `ContainerPort`; add the container port that receives traffic, e.g. "
                     f"`{format_pair(info_key, 'ContainerPort', 80)}`", fix="add `ContainerPort`")
    elif isinstance(port, Scalar):
        number = _port(port)
        if number is None or not 1 <= number <= 65535:
            yield Report(port, f"`ContainerPort` is {show(port)}; it must be the container's port number (1–65535), e.g. `80`",
                         fix="write the port number")


def _unquote_port(port: Scalar) -> Fix | None:
    """``"8080"`` → ``8080`` for a quoted one-line port of plain digits (no leading zero)."""
    if port.style not in ("'", '"', "json") or port.tag is not None or not single_line(port):
        return None
    text = port.value if isinstance(port.value, str) else ""
    if not text.isdigit() or not text.isascii() or str(int(text)) != text:
        return None
    return replace_node(port, text, f"Write the port as the number {text}")


@rule("AS403", "ecs-container-port-quoted", severity="note", kinds=("appspec",), flavors=("ecs",), fixable="safe")
def ecs_container_port_quoted(doc: Document, config: dict) -> Iterator[Report]:
    """``ContainerPort`` is written as a quoted string; the AppSpec reference gives it as a number.

    Quoted ports are common and appear to work, but the documented type of ``ContainerPort`` is a
    number, unlike every other value of the ECS AppSpec. Write it without quotes.

    Failing::

        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
                LoadBalancerInfo:
                  ContainerName: web
                  ContainerPort: "8080"

    Fixed::

        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
                LoadBalancerInfo:
                  ContainerName: web
                  ContainerPort: 8080

    Fix: safe. Removes the quotes around a port of plain digits (``"8080"`` → ``8080``).
    """
    props = service_properties(doc)
    info = props.get("LoadBalancerInfo") if props is not None else None
    port = info.get("ContainerPort") if isinstance(info, Mapping) else None
    number = _port(port) if isinstance(port, Scalar) and isinstance(port.value, str) else None
    if isinstance(port, Scalar) and isinstance(number, int) and 1 <= number <= 65535:
        yield Report(port, f"`ContainerPort` is the string {show(port)}; the AppSpec reference types it as a number: write "
                     f"`{format_pair(port, 'ContainerPort', number)}`", fix=f"write `{format_pair(port, 'ContainerPort', number)}`",
                     edit=_unquote_port(port))


@rule("AS404", "ecs-network-configuration", severity="error", kinds=("appspec",), flavors=("ecs",))
def ecs_network_configuration(doc: Document, config: dict) -> Iterator[Report]:
    """``NetworkConfiguration`` must give ``Subnets``, ``SecurityGroups`` and ``AssignPublicIp`` together, or be left out.

    The ``AwsvpcConfiguration`` of an ECS AppSpec is all or nothing: CodeDeploy rejects a
    partial one. Leave ``NetworkConfiguration`` out to keep the service's current network
    settings.

    AWS behaviour: CodeDeploy fails the ECS deployment before any task set is created (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content);
    the AppSpec reference requires the three settings together. Source: AWS CodeDeploy User Guide,
    "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec
    "resources" section (Amazon ECS deployments)', networkConfiguration.

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
                NetworkConfiguration:
                  AwsvpcConfiguration:
                    Subnets: [subnet-0a1b2c3d]

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
                NetworkConfiguration:
                  AwsvpcConfiguration:
                    Subnets: [subnet-0a1b2c3d]
                    SecurityGroups: [sg-0a1b2c3d]
                    AssignPublicIp: DISABLED
    """
    props = service_properties(doc)
    if props is None:
        return
    network = props.get("NetworkConfiguration")
    network_key = props.key_node("NetworkConfiguration")
    if not isinstance(network, Mapping) or network_key is None:
        return
    awsvpc = network.get("AwsvpcConfiguration")
    awsvpc_key = network.key_node("AwsvpcConfiguration")
    if awsvpc is None or awsvpc_key is None:
        yield Report(network_key, "`NetworkConfiguration` has no `AwsvpcConfiguration`; add it with `Subnets`, `SecurityGroups` "
                     "and `AssignPublicIp`, or remove `NetworkConfiguration`", fix="add `AwsvpcConfiguration`")
        return
    if not isinstance(awsvpc, Mapping):
        return
    missing = [name for name in ("Subnets", "SecurityGroups", "AssignPublicIp") if name not in awsvpc]
    if missing:
        names = ", ".join(f"`{m}`" for m in missing)
        yield Report(awsvpc_key, f"`AwsvpcConfiguration` lacks {names}; CodeDeploy needs `Subnets`, `SecurityGroups` and "
                     f"`AssignPublicIp` together (`{format_pair(awsvpc_key, 'AssignPublicIp', 'ENABLED')}` or `DISABLED`)", fix=f"add {names}")


def _number(node: Node | None) -> float | None:
    """A scalar's numeric value as a float, else ``None``; integers beyond ±1e300 are clamped
    there (``float()`` of a 400-digit integer raises)."""
    if isinstance(node, Scalar) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(max(min(node.value, 1e300), -1e300))
    return None


@rule("AS405", "ecs-capacity-provider-strategy", severity="error", kinds=("appspec",), flavors=("ecs",))
def ecs_capacity_provider_strategy(doc: Document, config: dict) -> Iterator[Report]:
    """In ``CapacityProviderStrategy`` only one provider may have a ``Base``, and at least one ``Weight`` must be above 0.

    ``Base`` is the minimum number of tasks placed on one provider; ECS accepts it on a single
    provider of the strategy. ``Weight`` (default 0) shares the remaining tasks; with every
    weight 0 no task can be placed.

    AWS behaviour: ECS refuses the strategy when CodeDeploy creates the replacement task set
    (InvalidParameterException), so the deployment fails with ECS_UPDATE_ERROR. Source: Amazon ECS
    API Reference, "CapacityProviderStrategyItem" (only one provider may define base; weight default
    0).

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
                CapacityProviderStrategy:
                  - CapacityProvider: FARGATE
                    Base: 1
                  - CapacityProvider: FARGATE_SPOT
                    Base: 1

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
                CapacityProviderStrategy:
                  - CapacityProvider: FARGATE
                    Base: 1
                    Weight: 1
                  - CapacityProvider: FARGATE_SPOT
                    Weight: 3
    """
    props = service_properties(doc)
    strategy = props.get("CapacityProviderStrategy") if props is not None else None
    key = props.key_node("CapacityProviderStrategy") if props is not None else None
    entries = [item for item in items_of(strategy) if isinstance(item, Mapping)]
    if not entries or key is None:
        return
    with_base = [entry for entry in entries if (_number(entry.get("Base")) or 0) > 0]
    for entry in with_base[1:]:
        base = entry.get("Base")
        assert base is not None
        yield Report(base, f"more than one capacity provider sets `Base` (the first on line {with_base[0].line}); only one "
                     "provider of a strategy may have a base: remove this `Base`", fix="keep `Base` on one provider")
    weights = [_number(entry.get("Weight")) for entry in entries]
    if all(w is not None and w <= 0 or (w is None and "Weight" not in e) for w, e in zip(weights, entries)):
        yield Report(key, "no provider in `CapacityProviderStrategy` has a `Weight` above 0 (the default is 0), so no task can be "
                     f"placed; give at least one provider `{format_pair(key, 'Weight', 1)}`", fix=f"add `{format_pair(key, 'Weight', 1)}` to a provider")
