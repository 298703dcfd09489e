"""AS501–AS504: the function resource of an AWS Lambda AppSpec."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Fix, Mapping, Node, Report, Scalar, Sequence, rule
from pipelint.fixes.build import plain_scalar_text, replace_node
from pipelint.load.scalars import clip_number, number_of_text
from pipelint.models.appspec import appspec_of, field, is_empty, show, shown
from pipelint.rules.general._format import by_format
from pipelint.rules.general._format import pair as format_pair

_PROPERTIES = ("Name", "Alias", "CurrentVersion", "TargetVersion")
_VERSIONS = ("CurrentVersion", "TargetVersion")


def function_properties(doc: Document) -> Mapping | None:
    """The ``Properties`` of the single well-formed function resource, if there is one."""
    spec = appspec_of(doc)
    resources = field(spec.root, "Resources") if spec else None
    if resources is None or not isinstance(resources[1], Sequence) or len(resources[1].items) != 1:
        return None
    entry = resources[1].items[0]
    if not isinstance(entry, Mapping) or len(entry.pairs) != 1:
        return None
    props = field(entry.pairs[0][1], "Properties")
    return props[1] if props and isinstance(props[1], Mapping) else None


@rule("AS501", "lambda-function-resource", severity="error", kinds=("appspec",), flavors=("lambda",))
def lambda_function_resource(doc: Document, config: dict) -> Iterator[Report]:
    """A Lambda AppSpec's ``Resources`` must list one ``AWS::Lambda::Function`` with ``Name``, ``Alias``, ``CurrentVersion`` and ``TargetVersion``.

    A Lambda deployment shifts one alias of one function from the current to the target
    version. ``Resources`` is a list with a single entry, keyed by a name of your choice, whose
    ``Type`` is ``AWS::Lambda::Function`` and whose ``Properties`` give all four values (the
    documentation also shows the keys in lower case; both spellings are accepted).

    AWS behaviour: CodeDeploy fails the Lambda deployment before traffic shifts (error code
    INVALID_REVISION, or InvalidRevisionException from CreateDeployment for inline AppSpec content).
    Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec
    "resources" section (AWS Lambda deployments)'.

    Failing::

        Resources:
          - MyFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                TargetVersion: "2"

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
    spec = appspec_of(doc)
    if spec is None:
        return
    pair = field(spec.root, "Resources")
    if pair is None:
        first = spec.root.pairs[0][0] if spec.root.pairs else spec.root
        yield Report(first, "the AWS Lambda AppSpec has no `Resources`; add the function to deploy: `Resources: [{MyFunction: "
                     "{Type: AWS::Lambda::Function, Properties: {Name, Alias, CurrentVersion, TargetVersion}}}]`",
                     fix="add `Resources`")
        return
    key, resources = pair
    if isinstance(resources, Mapping):
        yield Report(resources, f"`{key.text}` must be a list: " + by_format(resources, "put a dash before the function's logical name (`- MyFunction:`)",
                                                                    f'write `"{key.text}": [{{"MyFunction": {{...}}}}]`'),
                     fix="make `Resources` a list")
        return
    if not isinstance(resources, Sequence) or not resources.items:
        what = "empty" if isinstance(resources, Sequence) or is_empty(resources) else f"{show(resources)}"
        yield Report(key, f"`{key.text}` must be a list with the one function to deploy, but it is {what}", fix="list the function")
        return
    for extra in resources.items[1:]:
        yield Report(extra, f"`{key.text}` has {len(resources.items)} entries, but a Lambda deployment updates one function; deploy "
                     "each function with its own AppSpec", fix="keep one function")
    entry = resources.items[0]
    if not isinstance(entry, Mapping) or len(entry.pairs) != 1:
        yield Report(entry, "the function entry must be a single-entry map from a logical name to the function "
                     + by_format(entry, "(`MyFunction: {Type: AWS::Lambda::Function, Properties: {...}}`); check the indentation",
                                  '(`{"MyFunction": {"Type": "AWS::Lambda::Function", "Properties": {...}}}`)'), fix="fix the entry")
        return
    name, body = entry.pairs[0]
    if not isinstance(body, Mapping):
        yield Report(body if isinstance(body, Scalar) and body.value is not None else name,
                     f"the function `{shown(name)}` must be a mapping with `Type` and `Properties`, not {show(body)}; check the indentation",
                     fix="indent `Type` and `Properties` under the name")
        return
    type_pair = field(body, "Type")
    if type_pair is None:
        yield Report(name, f"the function `{shown(name)}` has no `Type`; add `{format_pair(name, 'Type', 'AWS::Lambda::Function')}`", fix="add `Type`")
    elif not (isinstance(type_pair[1], Scalar) and type_pair[1].value == "AWS::Lambda::Function"):
        yield Report(type_pair[1], f"`Type` is {show(type_pair[1])}; a Lambda AppSpec deploys `AWS::Lambda::Function`",
                     fix=f"write `{format_pair(type_pair[1], 'Type', 'AWS::Lambda::Function')}`")
    props_pair = field(body, "Properties")
    if props_pair is None:
        yield Report(name, f"the function `{shown(name)}` has no `Properties`; add `Name`, `Alias`, `CurrentVersion` and "
                     "`TargetVersion`", fix="add `Properties`")
        return
    props_key, props = props_pair
    if not isinstance(props, Mapping):
        yield Report(props_key, f"`Properties` must be a mapping with `Name`, `Alias`, `CurrentVersion` and `TargetVersion`, not {show(props)}",
                     fix="write the properties as a mapping")
        return
    for wanted in _PROPERTIES:
        found = field(props, wanted)
        if found is None:
            yield Report(props_key, f"`Properties` has no `{wanted}`; a Lambda deployment needs `Name`, `Alias`, `CurrentVersion` "
                         "and `TargetVersion`", fix=f"add `{wanted}`")
        elif is_empty(found[1]):
            yield Report(found[1] if isinstance(found[1], Scalar) and found[1].raw else found[0],
                         f"`{found[0].text}` is empty; write the function's {_describe(wanted)}", fix=f"fill in `{wanted}`")
        elif not isinstance(found[1], Scalar):
            yield Report(found[1], f"`{found[0].text}` must be a single value, not {show(found[1])}", fix=f"write one value for `{wanted}`")


def _describe(name: str) -> str:
    return {"Name": "name", "Alias": "alias", "CurrentVersion": "current version, e.g. \"1\"", "TargetVersion": "target version, e.g. \"2\""}[name]


def _versions(doc: Document) -> list[tuple[Scalar, Scalar]]:
    props = function_properties(doc)
    found: list[tuple[Scalar, Scalar]] = []
    for wanted in _VERSIONS:
        pair = field(props, wanted)
        if pair is not None and isinstance(pair[1], Scalar) and not is_empty(pair[1]):
            found.append((pair[0], pair[1]))
    return found


def _version_number(node: Node) -> int | None:
    """The published version number a scalar names, else ``None`` (also for a number of more
    than 1,000 digits: Lambda's versions are counters, never that long)."""
    if isinstance(node, Scalar) and not isinstance(node.value, bool):
        value = node.value
        number = value if isinstance(value, int) else number_of_text(value) if isinstance(value, str) else None
        if isinstance(number, int) and number > 0:
            return number
    return None


@rule("AS502", "lambda-version-invalid", severity="error", kinds=("appspec",), flavors=("lambda",))
def lambda_version_invalid(doc: Document, config: dict) -> Iterator[Report]:
    """``CurrentVersion`` and ``TargetVersion`` must be published version numbers such as ``"1"``.

    CodeDeploy moves the alias from one published version to another; ``$LATEST``, an alias
    name, ``0`` or ``1.0`` are not published versions.

    AWS behaviour: Lambda refuses to point the alias at a version that is not a published version
    number, so the deployment fails with INVALID_LAMBDA_CONFIGURATION / INVALID_REVISION before
    traffic shifts. Source: AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'AppSpec
    "resources" section (AWS Lambda deployments)'; AWS Lambda API Reference, UpdateAlias
    (FunctionVersion).

    Failing::

        version: 0.0
        Resources:
          - myFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: $LATEST
                TargetVersion: "1.0"

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

    Fix: safe. Quotes the version's digits as written (``1`` → ``"1"``), in YAML and JSON alike.
    """
    for key, value in _versions(doc):
        if _version_number(value) is None:
            yield Report(value, f"`{key.text}` is {show(value)}, not a published version number; write the version number "
                         f"as a string such as \"1\" (publish a version first; `$LATEST` and aliases cannot be used)",
                         fix="write a version number such as \"1\"")


def _quote_version(value: Scalar) -> Fix | None:
    """``1`` → ``"1"``: the digits as written, for a plain number without leading zeros (quoted
    the same way in YAML and JSON)."""
    written = plain_scalar_text(value)
    if written is None or not written.isdigit() or written != str(value.value):
        return None
    return replace_node(value, f'"{written}"', f'Quote the version as "{clip_number(written)}"')


@rule("AS503", "lambda-version-not-string", severity="warning", kinds=("appspec",), flavors=("lambda",), fixable="safe")
def lambda_version_not_string(doc: Document, config: dict) -> Iterator[Report]:
    """``CurrentVersion`` and ``TargetVersion`` are written as numbers; the AppSpec reference gives them as strings.

    The documented type of both versions is a string (``"1"``). Whether CodeDeploy also accepts
    a YAML or JSON number is not documented, so quote them.

    Failing::

        version: 0.0
        Resources:
          - myFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: 1
                TargetVersion: "2"

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

    Fix: safe. Quotes the version's digits as written (``1`` → ``"1"``), in YAML and JSON alike.
    """
    for key, value in _versions(doc):
        if isinstance(value.value, int) and not isinstance(value.value, bool) and value.value > 0:
            number = clip_number(value.raw)
            quoted = f"`{key.text}: \"{number}\"`" if number == value.raw else "the same digits in quotes"
            yield Report(value, f"`{key.text}` is the number {number}; the AppSpec reference types versions as strings: write "
                         f"{quoted}", fix=f"write \"{number}\"" if number == value.raw else "quote the number", edit=_quote_version(value))


@rule("AS504", "lambda-same-version", severity="warning", kinds=("appspec",), flavors=("lambda",))
def lambda_same_version(doc: Document, config: dict) -> Iterator[Report]:
    """``CurrentVersion`` and ``TargetVersion`` are the same, so the deployment shifts no traffic.

    A Lambda deployment moves the alias from ``CurrentVersion`` to ``TargetVersion``; with equal
    versions it changes nothing, which usually means the build step did not fill in the new
    version.

    Failing::

        version: 0.0
        Resources:
          - myFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: "1"
                TargetVersion: "1"

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
    """
    found = _versions(doc)
    if len(found) == 2:
        current, target = (_version_number(v) for _, v in found)
        if current is not None and current == target:
            yield Report(found[1][1], f"`{found[1][0].text}` equals `{found[0][0].text}` ({clip_number(str(current))}), so the alias keeps pointing "
                         "at the same version and no traffic shifts; set the target to the newly published version",
                         fix="set the new version as the target")
