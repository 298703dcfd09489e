"""A compiled JSON Schema validator over positioned trees, with messages for people.

pipelint's schemas (``schemas/*.json``) use a subset of JSON Schema 2020-12 (listed in
``SUPPORTED``). This module compiles a schema once into nested closures that validate a
:mod:`~pipelint.load.nodes` tree directly, so every error lands on the exact node (the *key*
for unknown keys), and each real problem gives one message worded for the person fixing it:
"unknown key `phase` at the top level; did you mean `phases`?", not an ``anyOf`` wall.

It exists because the ``jsonschema`` package costs over 100 ms to import, more than the whole
budget of a cold single-file run. ``jsonschema`` remains the reference: the test suite checks
every shipped schema against the 2020-12 meta-schema with it and compares both validators'
verdicts on every fixture. A schema that uses a keyword outside the subset (a plugin's) is
validated by ``jsonschema`` instead, at the cost of coarser positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic
from ..textutil import did_you_mean

SUPPORTED = {
    "$schema", "$id", "$comment", "title", "description", "$defs", "definitions", "$ref", "type", "properties",
    "additionalProperties", "patternProperties", "required", "enum", "const", "pattern", "minLength",
    "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "items", "minItems", "maxItems",
    "uniqueItems", "minProperties", "maxProperties", "propertyNames", "anyOf", "oneOf", "default", "examples",
    "markdownDescription", "deprecated", "readOnly",
}

Error = tuple[Node, str]
Check = Callable[[Node, str, "Scalar | None"], Iterator[Error]]

_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "a boolean", "null": "empty (null)",
}


def unsupported_keywords(schema: Any, found: set[str] | None = None) -> set[str]:
    """Every keyword in ``schema`` outside :data:`SUPPORTED` (property names are not keywords)."""
    found = set() if found is None else found
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key not in SUPPORTED:
                found.add(key)
            if key in ("properties", "patternProperties", "$defs", "definitions"):
                for sub in value.values():
                    unsupported_keywords(sub, found)
            elif key in ("enum", "const", "default", "examples", "required"):
                continue
            elif isinstance(value, (dict, list)):
                unsupported_keywords(value, found)
    elif isinstance(schema, list):
        for item in schema:
            unsupported_keywords(item, found)
    return found


def node_type(node: Node) -> str:
    """The JSON type of a node's value: object, array, string, integer, number, boolean, null."""
    if isinstance(node, Mapping):
        return "object"
    if isinstance(node, Sequence):
        return "array"
    value = node.value if isinstance(node, Scalar) else None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _type_ok(actual: str, expected: list[str]) -> bool:
    return actual in expected or (actual == "integer" and "number" in expected)


def describe_types(types: list[str]) -> str:
    """``"a string or a list"`` for ``["string", "array"]``."""
    names = [_TYPE_NAMES.get(t, t) for t in types if not (t == "integer" and "number" in types)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _show(node: Node) -> str:
    if isinstance(node, Scalar):
        text = node.raw if node.style == "" else node.text
        return f"`{text[:60]}`"
    return describe_types([node_type(node)])


def _where(path: str) -> str:
    return f"`{path}`" if path else "the top level"


class Validator:
    """A schema compiled for repeated validation of positioned trees."""

    def __init__(self, schema: dict[str, Any], allow_intrinsics: bool = False) -> None:
        self.schema = schema
        self.allow_intrinsics = allow_intrinsics
        self._refs: dict[str, Check] = {}
        self._root = self._compile(schema)

    def errors(self, node: Node) -> list[Error]:
        """All problems in ``node``, as ``(node, message)`` pairs in document order."""
        found = list(self._root(node, "", None))
        found.sort(key=lambda e: (e[0].line, e[0].col))
        return found

    # -- compilation -------------------------------------------------------------------------

    def _resolve(self, ref: str) -> Check:
        if ref not in self._refs:
            if not ref.startswith("#/"):
                raise ValueError(f"only local $ref is supported, not {ref!r}")
            target: Any = self.schema
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            self._refs[ref] = self._compile(target)
        return self._refs[ref]

    def _compile(self, schema: Any) -> Check:
        """A check for ``schema`` that compiles itself on first use.

        Only the parts of a schema a document actually reaches are compiled, which keeps a
        cold run over a small file from paying for the whole schema.
        """
        compiled: list[Check] = []

        def run(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if not compiled:
                compiled.append(self._compile_now(schema))
            return compiled[0](node, path, key)

        return run

    def _compile_now(self, schema: Any) -> Check:  # noqa: C901 - one branch per keyword
        if schema is True or schema == {}:
            return lambda n, p, k: iter(())
        if schema is False:
            return lambda n, p, k: iter([(k or n, f"{_where(p)} is not allowed here")])
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self._resolve(schema["$ref"]))
        types = schema.get("type")
        if types is not None:
            expected = [types] if isinstance(types, str) else list(types)
            checks.append(self._type_check(expected))
        if "enum" in schema:
            checks.append(self._enum_check(list(schema["enum"])))
        if "const" in schema:
            checks.append(self._enum_check([schema["const"]]))
        string_checks = {k: schema[k] for k in ("pattern", "minLength", "maxLength") if k in schema}
        if string_checks:
            checks.append(self._string_check(string_checks))
        number_checks = {k: schema[k] for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") if k in schema}
        if number_checks:
            checks.append(self._number_check(number_checks))
        if any(k in schema for k in ("properties", "additionalProperties", "patternProperties", "required", "minProperties", "maxProperties", "propertyNames")):
            checks.append(self._object_check(schema))
        if any(k in schema for k in ("items", "minItems", "maxItems", "uniqueItems")):
            checks.append(self._array_check(schema))
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                checks.append(self._alternatives(schema[keyword]))
        allow = self.allow_intrinsics

        def run(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if allow and intrinsic(node) is not None:
                return
            for check in checks:
                yield from check(node, path, key)

        return run

    def _type_check(self, expected: list[str]) -> Check:
        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            actual = node_type(node)
            if not _type_ok(actual, expected):
                hint = ""
                function = intrinsic(node)
                if function is not None:
                    yield (node, f"{_where(path)} must be {describe_types(expected)}, not the CloudFormation function `{function}`; "
                           "functions are only evaluated inside a CloudFormation template")
                    return
                if actual == "object" and "string" in expected and isinstance(node, Mapping) and len(node.pairs) == 1:
                    hint = "; an unquoted `: ` inside a value makes YAML read it as a mapping, so quote the whole value"
                yield (node, f"{_where(path)} must be {describe_types(expected)}, not {_TYPE_NAMES[actual]}{hint}")

        return check

    def _enum_check(self, allowed: list[Any]) -> Check:
        def same(a: Any, b: Any) -> bool:
            return a == b and type(a) is type(b) or (isinstance(a, (int, float)) and not isinstance(a, bool) and isinstance(b, (int, float)) and not isinstance(b, bool) and a == b)

        shown = ", ".join(str(a) for a in allowed if a is not None)

        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if not isinstance(node, Scalar):
                return
            if any(same(node.value, a) for a in allowed):
                return
            hint = ""
            if isinstance(node.value, str):
                best = did_you_mean(node.value, [str(a) for a in allowed])
                if best:
                    hint = f"; did you mean `{best}`?"
            yield (node, f"{_where(path)} must be one of {shown}, not {_show(node)}{hint}")

        return check

    def _string_check(self, rules: dict[str, Any]) -> Check:
        pattern = re.compile(rules["pattern"]) if "pattern" in rules else None
        low = rules.get("minLength")
        high = rules.get("maxLength")

        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if not isinstance(node, Scalar) or not isinstance(node.value, str):
                return
            text = node.value
            if low is not None and len(text) < low:
                yield (node, f"{_where(path)} must be at least {low} character{'s' if low != 1 else ''} long")
            if high is not None and len(text) > high:
                yield (node, f"{_where(path)} must be at most {high} characters long (it has {len(text)})")
            if pattern is not None and pattern.search(text) is None:
                yield (node, f"{_where(path)} {_show(node)} does not match the required pattern `{pattern.pattern}`")

        return check

    def _number_check(self, rules: dict[str, Any]) -> Check:
        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if not isinstance(node, Scalar) or isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                return
            value = node.value
            if "minimum" in rules and value < rules["minimum"]:
                yield (node, f"{_where(path)} must be at least {rules['minimum']}, not {value}")
            if "maximum" in rules and value > rules["maximum"]:
                yield (node, f"{_where(path)} must be at most {rules['maximum']}, not {value}")
            if "exclusiveMinimum" in rules and value <= rules["exclusiveMinimum"]:
                yield (node, f"{_where(path)} must be greater than {rules['exclusiveMinimum']}, not {value}")
            if "exclusiveMaximum" in rules and value >= rules["exclusiveMaximum"]:
                yield (node, f"{_where(path)} must be less than {rules['exclusiveMaximum']}, not {value}")

        return check

    def _object_check(self, schema: dict[str, Any]) -> Check:
        properties = {name: self._compile(sub) for name, sub in schema.get("properties", {}).items()}
        patterns = [(re.compile(p), self._compile(sub)) for p, sub in schema.get("patternProperties", {}).items()]
        additional = schema.get("additionalProperties", True)
        additional_check = self._compile(additional) if isinstance(additional, dict) else None
        required = list(schema.get("required", []))
        min_props = schema.get("minProperties")
        max_props = schema.get("maxProperties")
        names_check = self._compile(schema["propertyNames"]) if "propertyNames" in schema else None
        known = list(properties)

        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if not isinstance(node, Mapping):
                return
            for name_node, value in node.items():
                name = name_node.text
                child = f"{path}.{name}" if path else name
                if names_check is not None:
                    for _, message in names_check(name_node, child, name_node):
                        yield (name_node, f"key `{name}` under {_where(path)} is not allowed: {message}")
                matched = False
                if name in properties:
                    matched = True
                    yield from properties[name](value, child, name_node)
                for regex, sub in patterns:
                    if regex.search(name):
                        matched = True
                        yield from sub(value, child, name_node)
                if not matched:
                    if additional is False:
                        best = did_you_mean(name, known)
                        hint = f"; did you mean `{best}`?" if best else (f"; allowed keys are {', '.join(known)}" if 0 < len(known) <= 12 else "")
                        yield (name_node, f"unknown key `{name}` under {_where(path)}{hint}")
                    elif additional_check is not None:
                        yield from additional_check(value, child, name_node)
            missing = [r for r in required if r not in node]
            if missing:
                target: Node = key if key is not None else node
                if key is None and node.pairs:
                    target = node.pairs[0][0]
                names = ", ".join(f"`{m}`" for m in missing)
                yield (target, f"{_where(path)} is missing required key{'s' if len(missing) > 1 else ''} {names}")
            count = len(node)
            if min_props is not None and count < min_props:
                yield (key or node, f"{_where(path)} must have at least {min_props} entr{'ies' if min_props != 1 else 'y'}")
            if max_props is not None and count > max_props:
                yield (key or node, f"{_where(path)} must have at most {max_props} entries (it has {count})")

        return check

    def _array_check(self, schema: dict[str, Any]) -> Check:
        items = self._compile(schema["items"]) if isinstance(schema.get("items"), dict) else None
        low = schema.get("minItems")
        high = schema.get("maxItems")
        unique = schema.get("uniqueItems", False)

        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            if not isinstance(node, Sequence):
                return
            if items is not None:
                for index, item in enumerate(node.items):
                    yield from items(item, f"{path}[{index}]", None)
            count = len(node.items)
            if low is not None and count < low:
                yield (key or node, f"{_where(path)} must have at least {low} item{'s' if low != 1 else ''}")
            if high is not None and count > high:
                yield (key or node, f"{_where(path)} must have at most {high} items (it has {count})")
            if unique:
                seen: set[str] = set()
                for item in node.items:
                    text = repr(item.to_python())
                    if text in seen:
                        yield (item, f"{_where(path)} lists {_show(item)} more than once")
                    seen.add(text)

        return check

    def _alternatives(self, options: list[Any]) -> Check:
        compiled = [(self._branch_types(option), self._compile(option)) for option in options]
        all_types: list[str] = []
        for types, _ in compiled:
            for t in types or []:
                if t not in all_types:
                    all_types.append(t)

        def check(node: Node, path: str, key: Scalar | None) -> Iterator[Error]:
            actual = node_type(node)
            candidates = [c for types, c in compiled if types is None or _type_ok(actual, types)]
            if not candidates:
                yield (node, f"{_where(path)} must be {describe_types(all_types)}, not {_TYPE_NAMES[actual]}")
                return
            best: list[Error] | None = None
            for candidate in candidates:
                errors = list(candidate(node, path, key))
                if not errors:
                    return
                if best is None or len(errors) < len(best):
                    best = errors
            yield from best or []

        return check

    def _branch_types(self, option: Any) -> list[str] | None:
        if not isinstance(option, dict):
            return None
        if "$ref" in option and "type" not in option:
            target: Any = self.schema
            try:
                for part in option["$ref"][2:].split("/"):
                    target = target[part]
            except (KeyError, TypeError):
                return None
            return self._branch_types(target)
        types = option.get("type")
        if types is None:
            return None
        return [types] if isinstance(types, str) else list(types)
