"""Terraform 0.11 syntax that Terraform 0.12 and later reject, found and read anyway.

An ``aws_codepipeline`` action's ``configuration`` is a map argument. Terraform 0.11 let a map
argument be written as a block (``configuration { Owner = "acme" }``); Terraform 0.12 and later
reject the file ("Unsupported block type: Blocks of type "configuration" are not expected here.
Did you mean to define argument "configuration"? If so, use the equals sign to assign it a
value."; Terraform's 0.12 upgrade guide, "Attributes vs. blocks"). Old modules still carry this
form. Each such block is reported as ``PL002`` at its name, worded as a Terraform error (the
file is valid HCL: Terraform's schema check rejects it, not its parser), and read as the map it
was meant to be, so that every other check of the action still runs.
"""

from __future__ import annotations

from ..load.problems import LoadProblem
from .model import Attribute, Block, Body, Expr


def configuration_blocks(body: Body) -> list[LoadProblem]:
    """Report each ``configuration`` block of an ``aws_codepipeline`` action and turn it into
    the ``configuration = { … }`` attribute it stands for (the body is changed in place)."""
    problems: list[LoadProblem] = []
    for resource in body.blocks_of("resource"):
        if resource.labels[:1] != ["aws_codepipeline"]:
            continue
        for stage in resource.body.blocks_of("stage"):
            for action in stage.body.blocks_of("action"):
                for block in action.body.blocks_of("configuration"):
                    problems.append(_problem(block))
                    if action.body.attr("configuration") is None:
                        action.body.add_attribute(_as_attribute(block))
    return problems


def _problem(block: Block) -> LoadProblem:
    span = block.type_span
    # Valid HCL: Terraform's own schema check (`terraform validate`, `plan`) rejects it, not the parser.
    return LoadProblem("PL002", "Terraform error (the HCL itself is valid): `configuration` is an argument in Terraform 0.12 "
                                "and later, not a block; `terraform validate` and `plan` reject it (\"Unsupported block type\")",
                       span.line, span.col, span.end_line, span.end_col, fix="write `configuration = {` (an equals sign before the brace)",
                       # The earlier wording ("HCL syntax error"): baselines written with it still match.
                       anchor="HCL syntax error: `configuration` is an argument in Terraform 0.12 and later, not a block; "
                              "Terraform rejects this file (\"Unsupported block type\")")


def _as_attribute(block: Block) -> Attribute:
    pairs = [(Expr("literal", attribute.name_span, attribute.name, value=attribute.name), attribute.expr)
             for attribute in block.body.attributes.values()]
    return Attribute("configuration", block.type_span, Expr("object", block.span, "{…}", pairs=pairs), block.span)
