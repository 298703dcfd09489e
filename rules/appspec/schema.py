"""AS001–AS003: the AppSpec JSON Schemas (EC2/on-premises, ECS, Lambda).

Each rule validates the document against the shipped schema minus the constraints that a
dedicated rule checks with a better message (versions, ``os``, lifecycle events, required
keys, modes…), so a problem is reported once. What remains is structure: the type of every
section and every unknown key. An unknown key is ignored by CodeDeploy, so it is a warning,
unless it is a misspelling of a key CodeDeploy reads (then the setting is lost: an error).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, intrinsic, rule
from pipelint.models.appspec import EC2_EVENTS, EC2_RESERVED, appspec_of

_DELETE = object()

# Schema edits per flavor: JSON pointer into the schema → replacement (``_DELETE`` removes it).
_OWNED: dict[str, list[tuple[str, Any]]] = {
    "ec2": [
        ("properties/version", {}),  # AS101
        ("required", _DELETE),  # version AS101, os AS103
        ("properties/os", {}),  # AS103
        ("properties/file_exists_behavior", {}),  # AS104
        ("properties/hooks/additionalProperties", True),  # AS201, AS202
        ("$defs/hookScript/type", _DELETE),  # AS203
        ("$defs/hookScript/required", _DELETE),  # AS204
        ("$defs/hookScript/properties/location", {}),  # AS204
        ("$defs/hookScript/properties/timeout", {}),  # AS205
        ("$defs/fileMapping/required", _DELETE),  # AS110
        ("$defs/fileMapping/properties/source", {}),  # AS110
        ("$defs/fileMapping/properties/destination", {}),  # AS110, AS111
        ("$defs/permission/required", _DELETE),  # AS121
        ("$defs/permission/properties/object", {}),  # AS121
        ("$defs/permission/properties/mode", {}),  # AS122, AS123
        ("$defs/permission/properties/type/items", {}),  # AS124
        ("$defs/permission/properties/acls/items", {}),  # AS125
        ("$defs/permission/properties/context/required", _DELETE),  # AS126
        ("$defs/permission/properties/context/properties/type", {}),  # AS126
        ("$defs/permission/properties/context/properties/range", {}),  # AS126
    ],
    "ecs": [
        ("properties/version", {}),  # AS102
        ("required", _DELETE),  # AS102, AS401
        ("$defs/resources", {"items": {"properties": {"TargetService": {"$ref": "#/$defs/targetService"}}}}),  # AS401
        ("$defs/targetService/required", _DELETE),  # AS401
        ("$defs/targetService/type", _DELETE),  # AS401
        ("$defs/targetService/properties/Type", {}),  # AS401
        ("$defs/serviceProperties/required", _DELETE),  # AS402
        ("$defs/serviceProperties/type", _DELETE),  # AS401
        ("$defs/serviceProperties/properties/TaskDefinition/minLength", _DELETE),  # AS402
        ("$defs/serviceProperties/properties/LoadBalancerInfo/required", _DELETE),  # AS402
        ("$defs/serviceProperties/properties/LoadBalancerInfo/type", _DELETE),  # AS402
        ("$defs/serviceProperties/properties/LoadBalancerInfo/properties/ContainerName/minLength", _DELETE),  # AS402
        ("$defs/serviceProperties/properties/LoadBalancerInfo/properties/ContainerPort", {}),  # AS402, AS403
        ("$defs/serviceProperties/properties/NetworkConfiguration/required", _DELETE),  # AS404
        ("$defs/serviceProperties/properties/NetworkConfiguration/properties/AwsvpcConfiguration/required", _DELETE),  # AS404
        ("$defs/hooks", {}),  # AS406
    ],
    "lambda": [
        ("properties/version", {}),  # AS102
        ("required", _DELETE),  # AS102
        ("$defs/resources", {"items": {"additionalProperties": {"$ref": "#/$defs/function"}}}),  # AS501
        ("$defs/function/type", _DELETE),  # AS501
        ("$defs/function/properties/Type", {}),  # AS501
        ("$defs/function/properties/type", {}),  # AS501
        ("$defs/functionProperties/type", _DELETE),  # AS501
        ("$defs/functionProperties/properties/Name/minLength", _DELETE),  # AS501
        ("$defs/functionProperties/properties/name/minLength", _DELETE),  # AS501
        ("$defs/functionProperties/properties/Alias/minLength", _DELETE),  # AS501
        ("$defs/functionProperties/properties/alias/minLength", _DELETE),  # AS501
        ("$defs/functionProperties/properties/CurrentVersion", {}),  # AS502, AS503
        ("$defs/functionProperties/properties/currentversion", {}),  # AS502, AS503
        ("$defs/functionProperties/properties/TargetVersion", {}),  # AS502, AS503
        ("$defs/functionProperties/properties/targetversion", {}),  # AS502, AS503
        ("$defs/hooks", {}),  # AS505
    ],
}

# Where dedicated rules report a missing required key (they also name stray keys there):
# path shape of the entry → its required keys.
_ENTRY_REQUIRED = {("files", int): ("source", "destination"), ("permissions", int): ("object",), ("hooks", str, int): ("location",)}

_HINTS_EC2: dict[tuple[str, ...], str] = {
    ("files", "overwrite"): "`overwrite` is not an AppSpec key and the agent ignores it; to replace files that already "
    "exist, set `file_exists_behavior: OVERWRITE` at the top level",
    ("top", "Resources"): "`Resources` belongs to Amazon ECS and AWS Lambda AppSpecs; the EC2/on-premises agent ignores it, "
    "so remove it",
    ("top", "resources"): "`resources` belongs to Amazon ECS and AWS Lambda AppSpecs; the EC2/on-premises agent ignores it, "
    "so remove it",
}
_HOOK_COMMAND_KEYS = ("run", "command", "commands", "script", "scripts", "cmd")


@cache
def _validator(flavor: str) -> Any:
    """The flavor's schema without the parts dedicated rules check, compiled once."""
    from pipelint.engine.validator import Validator
    from pipelint.schemas import load_schema

    schema = copy.deepcopy(load_schema(f"appspec-{flavor}"))
    for pointer, replacement in _OWNED[flavor]:
        *parents, last = pointer.split("/")
        target: Any = schema
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            continue
        if replacement is _DELETE:
            target.pop(last, None)
        else:
            target[last] = replacement
    return Validator(schema)


def _node_at(root: Node, path: tuple) -> Node | None:
    node: Node | None = root
    for part in path:
        if isinstance(part, int) and isinstance(node, Sequence) and 0 <= part < len(node.items):
            node = node.items[part]
        elif isinstance(part, str) and isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node


def _shape(path: tuple) -> tuple:
    return tuple(part if part in ("files", "permissions", "hooks") else type(part) for part in path)


def _unknown_key(doc: Document, key: Scalar, message: str) -> Report | None:
    """The report for an unknown key, or ``None`` if a dedicated rule reports it."""
    from pipelint.textutil import did_you_mean

    root = doc.root
    name = key.text
    path = key.path
    required = _ENTRY_REQUIRED.get(_shape(path)) if doc.flavor == "ec2" else None
    if required is not None:
        entry = _node_at(root, path)
        if isinstance(entry, Mapping) and any(r not in entry for r in required):
            return None  # the missing-key rule names this key
    if doc.flavor != "ec2":
        return Report(key, f"{message}; CodeDeploy does not read it", fix="remove the key or correct its spelling", severity="warning")
    event = re.sub(r"^[^A-Za-z]+", "", name)
    if path == () and (event in EC2_EVENTS or event in EC2_RESERVED):
        stray = f" (the key is written `{name}`: remove what precedes the name)" if event != name else ""
        return Report(
            key,
            f"lifecycle event `{event}` is at the top level, where the agent ignores it, so its scripts never run{stray}; "
            "indent it under `hooks:`",
            fix="move it under `hooks:`",
            severity="warning",
        )
    hint = _HINTS_EC2.get(("top" if path == () else str(path[0]), name))
    if hint and name == "overwrite" and isinstance(root, Mapping) and root.get("file_exists_behavior") is not None:
        # The file already says what to do with existing files: the stray key only has to go.
        return Report(key, "`overwrite` is not an AppSpec key and the agent ignores it; the top-level `file_exists_behavior` "
                           "already decides what happens to files that exist, so remove it", fix="remove the key", severity="warning")
    if hint:
        fix = "replace it with top-level `file_exists_behavior: OVERWRITE`" if name == "overwrite" else "remove the key"
        return Report(key, hint, fix=fix, severity="warning")
    if len(path) == 3 and path[0] == "hooks" and name.lower() in _HOOK_COMMAND_KEYS:
        return Report(
            key,
            f"`{name}` is not a hook key and the agent ignores it: a hook runs only the script named by `location`; "
            "put these commands into that script",
            fix="move the commands into the script",
            severity="warning",
        )
    if did_you_mean(name, _known_keys(doc, path)):
        return Report(key, f"{message} The agent ignores keys it does not know, so this setting is lost", fix="correct the spelling", severity="warning")
    return Report(key, f"{message}; the agent ignores it", fix="remove the key", severity="warning")


def _known_keys(doc: Document, path: tuple) -> list[str]:
    """The keys the EC2 schema allows in the mapping at ``path`` (empty if unknown)."""
    schema = _validator("ec2").schema
    defs = schema.get("$defs", {})
    shape = _shape(path)
    if shape == ():
        node = schema
    elif shape == ("files", int):
        node = defs.get("fileMapping", {})
    elif shape == ("permissions", int):
        node = defs.get("permission", {})
    elif shape == ("hooks", str, int):
        node = defs.get("hookScript", {})
    elif shape == ("permissions", int, str) and path[2] == "context":
        node = defs.get("permission", {}).get("properties", {}).get("context", {})
    else:
        return []
    return list(node.get("properties", {}))


def _check(doc: Document, flavor: str) -> Iterator[Report]:
    if appspec_of(doc) is None:
        return
    for node, message in _validator(flavor).errors(doc.root):
        if message.startswith("unknown key `") and isinstance(node, Scalar):
            report = _unknown_key(doc, node, message)
            if report is not None:
                yield report
            continue
        function = intrinsic(node)
        if function is not None:
            where = message.split(" must be ", 1)[0]
            message = (
                f"{where} is the CloudFormation function `{function}`, but CodeDeploy does not evaluate CloudFormation "
                "functions in an AppSpec file; write the value itself, or have the build step write it into the file"
            )
        yield Report(node, message)


@rule("AS001", "appspec-ec2-schema", severity="error", kinds=("appspec",), flavors=("ec2",))
def appspec_ec2_schema(doc: Document, config: dict) -> Iterator[Report]:
    """An EC2/on-premises AppSpec has the structure the CodeDeploy agent reads.

    The agent reads ``version``, ``os``, ``files``, ``permissions``, ``hooks`` and
    ``file_exists_behavior``, each of a fixed type, and ignores every key it does not know. A
    misspelt key (``hook:``, ``Files:``, ``runAs:``) therefore loses its setting without any
    error: hooks that never run, files never copied. Unknown and misspelt keys are warnings
    (the deployment goes on without them); wrong types are errors. Other AS rules check the
    values.

    AWS behaviour: the agent's parser (`ApplicationSpecification#initialize`) reads only the six
    keys above and never looks at others, so an unknown or misspelt key is silently dropped and the
    deployment goes on (a warning). A known key with the wrong type fails the deployment at the
    lifecycle event that parses the AppSpec (the first one the agent runs, usually ApplicationStop
    or BeforeInstall) with a Ruby error such as NoMethodError (an error).

    Advice for common slips: a lifecycle event written at the top level is told to go under
    ``hooks:`` (and a key such as ``\\   AfterInstall``, with a stray character before the
    event name, is pointed out); an ``overwrite:`` key in a ``files`` entry is told to become
    the top-level ``file_exists_behavior: OVERWRITE``, or only to go when the file already has
    a top-level ``file_exists_behavior``. Source:
    aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb;
    AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html).

    Failing::

        version: 0.0
        os: linux
        file:
          - source: /
            destination: /var/www/app

    Fixed::

        version: 0.0
        os: linux
        files:
          - source: /
            destination: /var/www/app
    """
    yield from _check(doc, "ec2")


@rule("AS002", "appspec-ecs-schema", severity="error", kinds=("appspec",), flavors=("ecs",))
def appspec_ecs_schema(doc: Document, config: dict) -> Iterator[Report]:
    """An Amazon ECS AppSpec has the structure CodeDeploy reads.

    The ECS AppSpec has ``version``, ``Resources`` (one ``TargetService``) and ``Hooks``; every
    value has a fixed type (``LoadBalancerInfo`` a mapping, ``Subnets`` a list, …). Unknown keys
    are warnings; wrong types are errors. CloudFormation functions such as ``Fn::ImportValue`` are
    not evaluated in an AppSpec file. Other AS4xx rules check the values.

    AWS behaviour: CodeDeploy fails the ECS deployment before any task set is created (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content)
    when a value has the wrong type (a CloudFormation function object where a string is required);
    unknown keys are not read (warnings). Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec
    file reference" (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html),
    'AppSpec "resources" section (Amazon ECS deployments)'; CodeDeploy API model ErrorCode (botocore
    codedeploy).

    Failing::

        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition:
                  Fn::ImportValue: my-task-definition

    Fixed::

        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: <TASK_DEFINITION>
    """
    yield from _check(doc, "ecs")


@rule("AS003", "appspec-lambda-schema", severity="error", kinds=("appspec",), flavors=("lambda",))
def appspec_lambda_schema(doc: Document, config: dict) -> Iterator[Report]:
    """An AWS Lambda AppSpec has the structure CodeDeploy reads.

    The Lambda AppSpec has ``version``, ``Resources`` (one function with ``Type`` and
    ``Properties``) and ``Hooks``, capitalised or in lower case as the documentation shows.
    Unknown keys are warnings; wrong types are errors. Other AS5xx rules check the values.

    AWS behaviour: CodeDeploy fails the Lambda deployment before traffic shifts (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content)
    when a value has the wrong type; unknown keys are not read (warnings). Source: AWS CodeDeploy
    User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec
    "resources" section (AWS Lambda deployments)'; CodeDeploy API model ErrorCode.

    Failing::

        Resources:
          - MyFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                Version: "2"

    Fixed::

        Resources:
          - MyFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: "1"
                TargetVersion: "2"
    """
    yield from _check(doc, "lambda")
