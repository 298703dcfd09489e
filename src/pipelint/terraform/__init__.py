"""Terraform (``.tf``, ``.tf.json``) as input: translated to the CloudFormation-shaped tree.

A Terraform file is parsed (:mod:`.hcl` with tree-sitter, or the JSON loader for ``.tf.json``)
into a syntax model (:mod:`.model`), and each supported ``resource`` block is translated into a
CloudFormation resource of a synthetic ``template`` document whose every node is positioned in
the ``.tf`` file. All template rules, the pipelines, inline buildspecs and policies extracted from
it, and the cross-file rules then apply unchanged. Nothing is evaluated and ``terraform`` is
never run. This package's ``__init__`` imports nothing heavy: the parser is imported only when a
Terraform file is linted.

Translator interface (for modules adding resource types, e.g. ``iam.py``)::

    from pipelint.terraform import translator
    from pipelint.terraform.context import ModuleContext, Resource
    from pipelint.terraform.model import Block

    @translator("aws_iam_role")                 # phase=0: resources; phase=1: runs after all
    def iam_role(block: Block, ctx: ModuleContext) -> list[Resource]:   # phase-0 translators
        res = ctx.new_resource(block, "AWS::IAM::Role")   # logical id = "aws_iam_role.NAME"
        attr = block.body.attr("assume_role_policy")      # Attribute: .name, .name_span, .expr
        if attr is not None:
            res.set(ctx.key("AssumeRolePolicyDocument", attr.name_span), ctx.node(attr.expr))
        return [res]

* ``block``: the ``resource "TYPE" "NAME" { … }`` block; ``block.body.attr(name)``,
  ``block.body.blocks_of(type)``, ``block.body.dynamic_of(type)``; positions are ``Span``s.
* ``ctx.node(expr)``: the positioned node an expression stands for: literals, objects, lists;
  unknown values as ``{"Ref": "var.x"}``, ``{"Fn::Sub": "…${…}…"}``, ``{"Fn::ImportValue": "f(…)"}``;
  ``aws_x.n.name``/``.id`` of a resource of the same file as ``{"Ref": "aws_x.n"}``, ``.arn`` as
  ``{"Fn::GetAtt": ["aws_x.n", "Arn"]}``. ``ctx.text(expr)``/``ctx.literal(expr)``: the literal
  value or ``None``. A call's expression has ``kind == "call"``, ``name`` (``jsonencode``) and
  its arguments in ``items``. ``ctx.key(cfn_name, span)``, ``ctx.mapping(pairs, span)``,
  ``ctx.sequence(items, span)``, ``ctx.scalar(value, span)`` build nodes;
  ``ctx.module_file(expr)`` resolves a ``file()`` path inside the linted tree (or ``None``);
  ``ctx.resources`` holds what earlier translators returned (phase 1 may add properties).
* Register a module by adding its name to :data:`TRANSLATOR_MODULES` (missing ones are skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TERRAFORM_SUFFIXES = (".tf", ".tf.json")
# Modules of this package that register translators, imported when a Terraform file is linted.
TRANSLATOR_MODULES = ("codebuild", "pipeline", "codedeploy", "iam", "secrets")

# The tag of a project's buildspec read from a file by `file()`/`templatefile()`.
FILE_BUILDSPEC = "tag:pipelint.terraform:file-buildspec"
# The tag of an action's `run_order` written as 0 or below: the AWS provider sends no RunOrder
# then, so CodePipeline uses 1 (the node holds 1; its text is what the file says).
UNSET_RUN_ORDER = "tag:pipelint.terraform:unset-run-order"

# resource type → (phase, translator function)
TRANSLATORS: dict[str, tuple[int, Callable[..., Any]]] = {}


def looks_like_terraform(text: str) -> bool:
    """Whether a text that is no other kind reads like Terraform: a line (among the first 200)
    opening a ``resource``/``data``/``module``/``provider``/``variable``/``terraform`` block."""
    import re

    head = "\n".join(text.splitlines()[:200])
    return re.search(r'^[ \t]*(?:resource|data|module|provider|variable|output|terraform|locals)[ \t]*(?:"[^"\n]{0,200}"[ \t]*){0,2}\{',
                     head, re.MULTILINE) is not None


def is_terraform_path(path: str) -> bool:
    """Whether a file's name makes it a Terraform file (``.tf`` or ``.tf.json``)."""
    return path.lower().endswith(TERRAFORM_SUFFIXES)


def linted_elsewhere(doc: Any) -> bool:
    """Whether a document is a project's buildspec that Terraform reads from a file of the
    repository: the buildspec rules lint that file where it lies, not again here."""
    if doc.kind != "buildspec":
        return False
    project = doc.context.get("project")
    source = project.get("Source") if project is not None and hasattr(project, "get") else None
    spec = source.get("BuildSpec") if source is not None and hasattr(source, "get") else None
    return getattr(spec, "tag", None) == FILE_BUILDSPEC


def lint_documents(docs: list[Any], run: Callable[[list[Any]], list[Any]]) -> list[Any]:
    """Run the document rules (``run``) on a Terraform file's documents: not on buildspecs
    linted where their file lies (:func:`linted_elsewhere`), without the findings in another file
    (on a resource borrowed from it, reported when that file is linted), and without the findings on a value
    of an interpolated buildspec that holds ``${…}`` (``version: ${var.v}``, ``python:
    ${var.py}``): Terraform renders it at apply time, so the value the rule judged is unknown."""
    own = [doc for doc in docs if not linted_elsewhere(doc)]
    findings = run(own)
    # Nodes of resources borrowed from other files of the module (see .borrow) are reported
    # by the file that holds them, when it is linted: not here.
    path = docs[0].source.path if docs and getattr(docs[0], "source", None) is not None else None
    if path is not None:
        findings = [f for f in findings if f.path == path or f.code.startswith("PL")]
    spans = _interpolated_spans(own)
    if not spans:
        return findings
    return [f for f in findings if not any((s[0], s[1]) <= (f.line, f.col) < (s[2], s[3]) for s in spans if f.path == s[4])]


def _interpolated_spans(docs: list[Any]) -> list[tuple[int, int, int, int, str]]:
    """The spans of the scalars holding ``${…}`` in the buildspecs written as templates (not
    a literal ``${X}`` written ``$${X}``: see :mod:`.interpolation`)."""
    from ..load.nodes import Mapping, Scalar, intrinsic, walk
    from .interpolation import holds_interpolation, interpolation_keys

    spans: list[tuple[int, int, int, int, str]] = []
    for doc in docs:
        if doc.kind != "buildspec":
            continue
        project = doc.context.get("project")
        source = project.get("Source") if project is not None and hasattr(project, "get") else None
        spec = source.get("BuildSpec") if source is not None and hasattr(source, "get") else None
        if intrinsic(spec) != "Fn::Sub":
            continue
        template = spec.pairs[0][1] if isinstance(spec, Mapping) else None
        keys = interpolation_keys(template.raw) if isinstance(template, Scalar) and isinstance(template.raw, str) else frozenset({""})
        for node in walk(doc.root):
            if isinstance(node, Scalar) and isinstance(node.value, str) and holds_interpolation(node.value, keys) and node.source is not None:
                spans.append((node.line, node.col, node.end_line, max(node.end_col, node.col + 1), node.source.path))
    return spans


def translator(resource_type: str, phase: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the translator of a Terraform resource type (see the module docstring)."""
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        TRANSLATORS[resource_type] = (phase, function)
        return function

    return register


def load_translators() -> dict[str, tuple[int, Callable[..., Any]]]:
    """Import every translator module that exists and return the registry."""
    import importlib
    import importlib.util

    for name in TRANSLATOR_MODULES:
        qualified = f"{__name__}.{name}"
        if importlib.util.find_spec(qualified) is not None:
            importlib.import_module(qualified)
    return TRANSLATORS
