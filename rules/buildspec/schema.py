"""``BS001``: the buildspec's shape against ``schemas/buildspec.schema.json``.

The schema also serves editors, so it keeps checks that dedicated rules make more precisely
(phase names, ``version``, ``on-failure``, ``env.shell``, yes/no flags, report formats, …).
This rule drops the schema's errors on the nodes those rules own, so each problem is reported
once, by the rule with the better message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Fix, Mapping, Node, Report, Scalar, Sequence, rule, walk
from pipelint.fixes.build import rename_key, unambiguous_name
from pipelint.models import buildspec as bs
from pipelint.textutil import lazy_regex

from .flags import _all_flags


def _claimed(doc: Document) -> set[int]:
    """Ids of the nodes whose schema errors a dedicated ``BS`` rule reports instead."""
    top = bs.root(doc)
    if top is None:
        return set()
    claimed: list[Node | None] = [top.get("version"), top.key_node("runtime-versions"), top.key_node("reports")]
    env = bs.mapping(top.get("env"))
    if env is not None:
        claimed += [env.get("shell"), env.get("git-credential-helper"), env.key_node("runtime-versions")]
    for name, key, body in bs.phases(doc):
        body_map = bs.mapping(body)
        if name not in bs.PHASES:
            claimed.append(key)
        elif isinstance(body, Scalar) and body.value is None:
            claimed.append(body)
        if body_map is not None:
            claimed += [body_map.key_node("runtime-versions"), body_map.get("on-failure")]
    for command in bs.commands(doc):
        claimed.append(command.node)
    for _where, _key, value in _all_flags(doc):
        claimed.append(value)
    artifacts = bs.mapping(top.get("artifacts"))
    if artifacts is not None:
        claimed.append(top.key_node("artifacts"))
        secondary = bs.mapping(artifacts.get("secondary-artifacts"))
        for key, _value in secondary.items() if secondary is not None else ():
            claimed.append(key)
    reports = bs.mapping(top.get("reports"))
    for _key, group in reports.items() if reports is not None else ():
        claimed.append(bs.child(group, "file-format"))
    cache = bs.mapping(top.get("cache"))
    if cache is not None:
        claimed += [cache.get("action"), cache.get("paths")]
        paths = cache.get("paths")
        if isinstance(paths, Sequence):
            claimed += paths.items
    return {id(node) for node in claimed if node is not None}


def _about_missing_version(node: Node, message: str, doc: Document) -> bool:
    top = bs.root(doc)
    first = top.pairs[0][0] if top is not None and top.pairs else None
    return node is first and "missing required key" in message and "`version`" in message


_SUGGESTED = lazy_regex(r"^unknown key `[^`\n]*` under .*; did you mean `([a-z0-9_-]{1,40})`\?$", re.S)


def _rename_fix(doc: Document, node: Node, message: str) -> Fix | None:
    """Rename an unknown key to the schema's suggestion when the two can only mean one thing:
    they differ only in case, ``-`` or ``_`` (``Artifacts`` → ``artifacts``), or by a slip of a
    character or two (``variable`` → ``variables``: at least 85% alike); never into a key the
    mapping already has."""
    match = _SUGGESTED.match(message)
    if match is None or not isinstance(node, Scalar):
        return None
    best = match.group(1)
    if unambiguous_name(node.text, [best], cutoff=0.85) != best:
        return None
    parent = doc.cached("fix:key-parents", lambda: _key_parents(doc.root)).get(id(node))
    return rename_key(node, best, parent, f"Rename the key to `{best}`") if parent is not None else None


def _key_parents(root: Node) -> dict[int, Mapping]:
    """Every key node's mapping, by the key's id (built once per document: a file may have
    thousands of unknown keys)."""
    return {id(key): item for item in walk(root) if isinstance(item, Mapping) for key, _value in item.pairs}


@rule("BS001", "buildspec-schema", severity="error", kinds=("buildspec",), fixable="safe")
def buildspec_schema(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The buildspec does not match the buildspec structure: unknown keys, wrong value types.

    Why: CodeBuild rejects a buildspec with a value of the wrong type (``YAML_FILE_ERROR``)
    before any command runs (an error), and ignores a key it does not know, losing its setting (a
    warning). The message names the key and, for a misspelt key, the closest valid one. The schema is ``schemas/buildspec.schema.json``
    (``pipelint schema buildspec``), which editors can use too.

    AWS behaviour: a value of the wrong type fails the build in DOWNLOAD_SOURCE: CodeBuild logs
    "Phase complete: DOWNLOAD_SOURCE State: FAILED" then "Phase context status code: YAML_FILE_ERROR
    Message: …" (e.g. "Expected Commands[2] to be of string type: found subkeys instead at line
    40"), an error. An unknown key is only logged ("Found possible syntax errors in buildspec: In
    the section BUILD The following keys cannot be identified: env") and the build goes on without
    it, so unknown keys are warnings. Source: observed in
    aws-solutions-library-samples/guidance-for-claude-code-with-amazon-bedrock#518 (type) and
    aws/aws-toolkit-vscode#4008 (unknown keys); AWS CodeBuild User Guide, "Build specification
    reference for CodeBuild" (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html).

    Failing::

        version: 0.2
        phases:
          build:
            command:
              - make

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make

    Fix: safe, for an unknown key whose suggested name is unmistakable (it differs only in case,
    ``-`` or ``_``, or by a character or two) and not already present: renames the key.
    """
    if bs.root(doc) is None:
        return
    from pipelint.schemas import compiled

    claimed = _claimed(doc)
    for node, message in compiled("buildspec", allow_intrinsics=True).errors(doc.root):
        if id(node) in claimed or _about_missing_version(node, message, doc):
            continue
        severity = "warning" if message.startswith("unknown key") else None
        edit = _rename_fix(doc, node, message) if severity else None
        yield Report(node, message, severity=severity, edit=edit)
