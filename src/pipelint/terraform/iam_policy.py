"""A Terraform policy expression → the positioned policy tree the IAM rules read.

Terraform users write a policy document in three ways, each read here without evaluating
anything:

* ``jsonencode({ Version = "2012-10-17", Statement = [...] })``: the HCL object becomes the
  policy mapping, every key and value at its place in the ``.tf`` file;
* JSON text in a heredoc (``<<EOF``, ``<<-EOT``) or a quoted string: the heredoc's lines are
  lines of the file, so the JSON is read from the file's own lines and every node keeps its
  exact line and column; a string's ``${…}`` interpolation makes the value a ``Fn::Sub``-like
  template (known text around unknown parts), ``%{…}`` directives make it unknown, and the
  escapes ``$${``/``%%{`` are read as Terraform reads them. JSON that is only valid after
  interpolation (``"Action": ${jsonencode(var.actions)}``) is unknown, never reported. A quoted
  string is left to the template loader's embedded-JSON path (positions at the attribute);
* ``data.aws_iam_policy_document.NAME.json`` (also ``[0]`` and ``minified_json``) of a data
  source in the same file: its ``statement`` blocks (``sid``, ``effect`` — ``Allow`` when
  omitted —, ``actions``, ``not_actions``, ``resources``, ``not_resources``, ``principals`` and
  ``not_principals`` ``{type, identifiers}``, ``condition`` ``{test, variable, values}``) are
  translated as the provider renders them: principals of one type and conditions of one test
  are merged, a lone ``type = "*"`` is ``Principal: "*"``, an empty ``sid`` is omitted.
  ``source_policy_documents`` and ``override_policy_documents`` are merged (statements with
  the same ``sid`` replaced) when every document they list is itself resolvable here.

Unknown stays unknown: ``var.*``, ``local.*`` that is not a literal policy, other ``data.*``,
``file()``/``templatefile()`` and any other function give the unknown intrinsic-shaped node of
:meth:`ModuleContext.unknown`, so no policy document is extracted and no rule guesses. In a
policy document, a ``dynamic "statement"`` adds statements nobody can see (they are left
out); a statement whose principals or conditions are partly unknown (a ``dynamic`` block, a
``type``/``test``/``variable`` that is not a literal) is left out too, since a rule would
otherwise take "no condition" for a fact; a ``source``/``override`` list that is not fully
resolvable makes the whole document unknown.
"""

from __future__ import annotations

import re

from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic, walk
from .context import ModuleContext
from .model import Attribute, Block, Expr, Span

# How many policy documents deep `source_policy_documents`/locals are followed (cycles stop too).
MAX_DEPTH = 8
# More statements than this in one rendered document: unknown (IAM's size quotas allow far fewer).
MAX_STATEMENTS = 1000
_DOCUMENT_ATTRIBUTES = ("json", "minified_json")
_MEMO = "_pipelint_iam_documents"
_BLOCKS = "_pipelint_iam_document_blocks"
# An interpolation (`${`) or a directive (`%{`) not escaped by doubling the sign.
_INTERPOLATION = re.compile(r"(?<![$%])[$%]\{")
_DIRECTIVE = re.compile(r"(?<!%)%\{")


def bare(expr: Expr) -> Expr:
    """The expression inside a template that is one interpolation and nothing else
    (``"${aws_iam_role.build.id}"``, Terraform 0.11 style): the same value as the reference."""
    parts = expr.parts or []
    if expr.kind == "template" and len(parts) == 1 and isinstance(parts[0], Expr):
        return parts[0]
    return expr


def policy_node(expr: Expr | None, ctx: ModuleContext, depth: int = 0, seen: frozenset[str] = frozenset()) -> Node | None:
    """The positioned policy tree an expression stands for, or an unknown node (see the module)."""
    if expr is None:
        return None
    expr = bare(expr)
    if depth > MAX_DEPTH:
        return ctx.unknown(expr)
    if expr.kind == "call" and expr.name == "jsonencode" and len(expr.items or ()) == 1:
        written = bare((expr.items or [])[0])
        argument = _local_object(written, ctx)
        if argument is written:
            return ctx.node(argument)
        # Read at every use, within the file's budget of expanded locals.
        tree = ctx.budgeted_local(("jsonencode", id(argument)), lambda: ctx.node(argument))
        return tree if tree is not None else ctx.unknown(expr)
    if expr.kind in ("literal", "template") and expr.style.startswith("<<"):
        tree = heredoc_json(expr, ctx)
        if tree is not None:
            return tree
        return ctx.node(expr) if expr.kind == "literal" else ctx.unknown(expr)
    if expr.kind == "reference":
        parts = expr.parts or []
        if parts[:2] == ["data", "aws_iam_policy_document"]:
            document = referenced_document(expr, ctx, depth, seen)
            return document if document is not None else ctx.unknown(expr)
        if len(parts) == 2 and parts[0] == "local" and isinstance(parts[1], str):
            target = ctx.locals.get(parts[1])
            if target is not None and (target.kind != "reference" or target.parts != parts):
                # Read at every use, within the file's budget of expanded locals.
                tree = ctx.budgeted_local(("policy", parts[1]), lambda: policy_node(target, ctx, depth + 1, seen))
                return tree if tree is not None else ctx.unknown(expr)
    return ctx.node(expr)


def _local_object(expr: Expr, ctx: ModuleContext) -> Expr:
    """For ``jsonencode(local.policy)``: the object written in the local (read where it is
    written, its unknown parts unknown), rather than the whole local made unknown by one of them."""
    parts = expr.parts or []
    for _ in range(MAX_DEPTH):
        if expr.kind != "reference" or len(parts) != 2 or parts[0] != "local" or not isinstance(parts[1], str):
            break
        target = ctx.locals.get(parts[1])
        if target is None:
            break
        expr = bare(target)
        parts = expr.parts or []
    return expr


# ---------------------------------------------------------------------------------------------
# JSON in a heredoc


def heredoc_json(expr: Expr, ctx: ModuleContext) -> Mapping | None:
    """The policy mapping of a heredoc holding JSON, positioned exactly in the file; ``None`` when
    the text is not a JSON object (for a template: unknown; for a literal: the caller lets the
    embedded-JSON loader report the syntax error)."""
    from ..load import load_text

    lines = ctx.source.lines
    first, last = expr.span.line, expr.span.end_line - 1  # content: the lines between the markers
    if not 0 <= first < last <= len(lines):
        return None
    text = "\n".join(lines[first:last])
    if not text.lstrip().startswith("{"):
        return None
    loaded = load_text(text, ctx.source.path, fmt="json")
    roots = [r for r in loaded.roots if isinstance(r, Mapping)]
    if loaded.fatal or loaded.problems or len(roots) != 1:
        return None
    template = expr.kind == "template"
    root = roots[0]
    for node in walk(root):
        node.source = ctx.source
        node.line += first
        node.end_line += first
    finished = _finish(root, ctx, template)
    return finished if isinstance(finished, Mapping) and intrinsic(finished) is None else None


def _finish(node: Node, ctx: ModuleContext, template: bool, depth: int = 0) -> Node:
    """Read a heredoc JSON tree's strings as Terraform does: ``$${``/``%%{`` escapes, and (in a
    template) ``${…}`` parts as a ``Fn::Sub`` text, ``%{…}`` directives as unknown."""
    if depth > 200:
        return node
    if isinstance(node, Mapping):
        node.pairs = [(_finish(k, ctx, False, depth + 1), _finish(v, ctx, template, depth + 1)) for k, v in node.pairs]
        node._index = None
        return node
    if isinstance(node, Sequence):
        node.items = [_finish(item, ctx, template, depth + 1) for item in node.items]
        return node
    if not (isinstance(node, Scalar) and isinstance(node.value, str)):
        return node
    value = node.value
    if template and _INTERPOLATION.search(value):
        span = Span(node.line, node.col, node.end_line, node.end_col)
        if _DIRECTIVE.search(value):
            return ctx.mapping([(ctx.key("Fn::ImportValue", span), node)], span)
        node.value = value.replace("$${", "${").replace("%%{", "%{")
        return ctx.mapping([(ctx.key("Fn::Sub", span), node)], span)
    if "$${" in value or "%%{" in value:
        node.value = value.replace("$${", "${").replace("%%{", "%{")
    return node


# ---------------------------------------------------------------------------------------------
# data "aws_iam_policy_document"


def referenced_document(expr: Expr, ctx: ModuleContext, depth: int, seen: frozenset[str]) -> Mapping | None:
    """The policy of ``data.aws_iam_policy_document.NAME[.N].json`` declared in this file, or ``None``."""
    parts = list(expr.parts or [])[2:]
    if not parts or not isinstance(parts[0], str):
        return None
    name, rest = parts[0], parts[1:]
    if rest and isinstance(rest[0], int):
        rest = rest[1:]
    if len(rest) != 1 or rest[0] not in _DOCUMENT_ATTRIBUTES or name in seen:
        return None
    memo = _documents(ctx)
    if name in memo:
        return memo[name]
    block = _document_blocks(ctx).get(name)
    document = policy_document(block, ctx, depth + 1, seen | {name}) if block is not None else None
    memo[name] = document
    return document


def _document_blocks(ctx: ModuleContext) -> dict[str, Block]:
    """The file's ``aws_iam_policy_document`` data blocks by name (indexed once per file)."""
    index: dict[str, Block] | None = getattr(ctx, _BLOCKS, None)
    if index is None:
        index = {}
        for block in ctx.body.blocks:
            if block.type == "data" and len(block.labels) == 2 and block.labels[0] == "aws_iam_policy_document":
                index.setdefault(block.labels[1], block)
        setattr(ctx, _BLOCKS, index)
    return index


def _documents(ctx: ModuleContext) -> dict[str, Mapping | None]:
    """The policy documents of this file translated so far, by name: each is translated once,
    however many documents list it (a chain of documents each listing the next many times
    would otherwise cost exponential time)."""
    memo: dict[str, Mapping | None] | None = getattr(ctx, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(ctx, _MEMO, memo)
    return memo


def policy_document(block: Block, ctx: ModuleContext, depth: int = 0, seen: frozenset[str] = frozenset()) -> Mapping | None:
    """The policy an ``aws_iam_policy_document`` data block renders, or ``None`` when unknown."""
    body = block.body
    sources = _listed_documents(body.attr("source_policy_documents"), ctx, depth, seen)
    overrides = _listed_documents(body.attr("override_policy_documents"), ctx, depth, seen)
    if sources is None or overrides is None:
        return None
    statements: list[Node] = []
    for document in sources:
        statements.extend(_statements_of(document))
    inherited = _sid_index(statements)
    for statement_block in body.blocks_of("statement"):
        statement = _statement(statement_block, ctx)
        if statement is not None:
            _put_statement(statements, statement, inherited)
    every = _sid_index(statements)
    for document in overrides:
        for override in _statements_of(document):
            if isinstance(override, Mapping):
                _put_statement(statements, override, every, remember=True)
    if len(statements) > MAX_STATEMENTS:
        return None  # far over IAM's policy size quota: not a policy AWS would accept or we can judge
    name_span = block.label_spans[-1] if block.label_spans else block.type_span
    pairs: list[tuple[Scalar, Node]] = []
    version = body.attr("version")
    if version is not None:
        pairs.append((ctx.key("Version", version.name_span, version.name), _node(ctx, version.expr)))
    else:
        pairs.append((ctx.key("Version", name_span), ctx.scalar("2012-10-17", name_span)))
    policy_id = body.attr("policy_id")
    if policy_id is not None:
        pairs.append((ctx.key("Id", policy_id.name_span, policy_id.name), _node(ctx, policy_id.expr)))
    pairs.append((ctx.key("Statement", name_span), ctx.sequence(statements, block.body.span)))
    return ctx.mapping(pairs, block.span)


def _node(ctx: ModuleContext, expr: Expr) -> Node:
    node = ctx.node(expr)
    return node if node is not None else ctx.unknown(expr)


def _listed_documents(attr: Attribute | None, ctx: ModuleContext, depth: int, seen: frozenset[str]) -> list[Mapping] | None:
    """The policies a ``source``/``override_policy_documents`` list names; ``None`` if any is unknown."""
    if attr is None:
        return []
    if attr.expr.kind != "tuple":
        return None
    out: list[Mapping] = []
    for item in attr.expr.items or ():
        tree = policy_node(item, ctx, depth + 1, seen)
        if not isinstance(tree, Mapping) or intrinsic(tree) is not None:
            return None
        statements = tree.get("Statement")
        listed = statements.items if isinstance(statements, Sequence) else [statements] if statements is not None else []
        if any(not isinstance(s, Mapping) or intrinsic(s) is not None for s in listed):
            return None  # a statement known only at apply time could replace any other
        out.append(tree)
    return out


def _statements_of(document: Mapping) -> list[Node]:
    statements = document.get("Statement")
    if isinstance(statements, Sequence):
        return list(statements.items)
    return [statements] if isinstance(statements, Mapping) else []


def _sid(statement: Node) -> str | None:
    sid = statement.get("Sid") if isinstance(statement, Mapping) else None
    return sid.value if isinstance(sid, Scalar) and isinstance(sid.value, str) and sid.value else None


def _sid_index(statements: list[Node]) -> dict[str, int]:
    """Where the first statement with each non-empty ``Sid`` is."""
    index: dict[str, int] = {}
    for position, statement in enumerate(statements):
        sid = _sid(statement)
        if sid is not None and sid not in index:
            index[sid] = position
    return index


def _put_statement(statements: list[Node], statement: Mapping, replaceable: dict[str, int], remember: bool = False) -> None:
    """Add a statement, replacing the one ``replaceable`` lists under the same ``Sid`` (the
    provider's merge; a ``Sid`` repeated within one document's own statements is kept twice,
    as the provider refuses it and IAM008 reports it). With ``remember``, an added statement
    can be replaced in turn (a later override document)."""
    sid = _sid(statement)
    if sid is not None and sid in replaceable:
        statements[replaceable[sid]] = statement
        return
    statements.append(statement)
    if remember and sid is not None:
        replaceable[sid] = len(statements) - 1


_ELEMENTS = (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource"))


def _statement(block: Block, ctx: ModuleContext) -> Mapping | None:
    """One ``statement`` block as a policy statement, or ``None`` when part of it is unknown."""
    body = block.body
    if any(body.dynamic_of(kind) for kind in ("principals", "not_principals", "condition")):
        return None
    pairs: list[tuple[Scalar, Node]] = []
    sid = body.attr("sid")
    if sid is not None:
        node = _node(ctx, sid.expr)
        if not (isinstance(node, Scalar) and node.value in ("", None)):
            pairs.append((ctx.key("Sid", sid.name_span, sid.name), node))
    effect = body.attr("effect")
    if effect is not None:
        pairs.append((ctx.key("Effect", effect.name_span, effect.name), _node(ctx, effect.expr)))
    else:
        pairs.append((ctx.key("Effect", block.type_span, block.type), ctx.scalar("Allow", block.type_span, block.type)))
    for name, cfn in _ELEMENTS:
        attr = body.attr(name)
        if attr is not None:
            pairs.append((ctx.key(cfn, attr.name_span, name), _node(ctx, attr.expr)))
    for name, cfn in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = body.blocks_of(name)
        if blocks:
            principal = _principals(blocks, ctx)
            if principal is None:
                return None
            pairs.append((ctx.key(cfn, blocks[0].type_span, name), principal))
    conditions = body.blocks_of("condition")
    if conditions:
        condition = _conditions(conditions, ctx)
        if condition is None:
            return None
        pairs.append((ctx.key("Condition", conditions[0].type_span, "condition"), condition))
    return ctx.mapping(pairs, block.span)


def _items(node: Node) -> list[Node]:
    return list(node.items) if isinstance(node, Sequence) else [node]


def _principals(blocks: list[Block], ctx: ModuleContext) -> Node | None:
    """``principals`` blocks → ``{type: [identifiers]}`` (one key per type), or ``"*"`` for a lone
    ``type = "*"``; ``None`` when a type is not a literal or identifiers are missing."""
    groups: dict[str, tuple[Scalar, list[Node], Span]] = {}
    for block in blocks:
        type_attr = block.body.attr("type")
        identifiers = block.body.attr("identifiers")
        kind = ctx.text(type_attr.expr) if type_attr is not None else None
        if kind is None or identifiers is None or type_attr is None:
            return None
        if kind not in groups:
            groups[kind] = (ctx.key(kind, type_attr.expr.span, type_attr.expr.text), [], identifiers.expr.span)
        groups[kind][1].extend(_items(_node(ctx, identifiers.expr)))
    if list(groups) == ["*"]:
        items = groups["*"][1]
        if len(items) == 1 and isinstance(items[0], Scalar) and items[0].value == "*":
            return items[0]
    pairs: list[tuple[Scalar, Node]] = [(key, ctx.sequence(items, span)) for key, items, span in groups.values()]
    return ctx.mapping(pairs, blocks[0].span)


def _conditions(blocks: list[Block], ctx: ModuleContext) -> Mapping | None:
    """``condition`` blocks → ``{test: {variable: values}}`` (values of a repeated pair merged)."""
    tests: dict[str, tuple[Scalar, dict[str, tuple[Scalar, list[Node], Span]]]] = {}
    for block in blocks:
        test_attr, variable_attr, values_attr = (block.body.attr(n) for n in ("test", "variable", "values"))
        if test_attr is None or variable_attr is None or values_attr is None:
            return None
        test, variable = ctx.text(test_attr.expr), ctx.text(variable_attr.expr)
        if test is None or variable is None:
            return None
        if test not in tests:
            tests[test] = (ctx.key(test, test_attr.expr.span, test_attr.expr.text), {})
        variables = tests[test][1]
        if variable not in variables:
            variables[variable] = (ctx.key(variable, variable_attr.expr.span, variable_attr.expr.text), [], values_attr.expr.span)
        variables[variable][1].extend(_items(_node(ctx, values_attr.expr)))
    pairs: list[tuple[Scalar, Node]] = []
    for key, variables in tests.values():
        inner: list[tuple[Scalar, Node]] = [(vkey, ctx.sequence(values, span)) for vkey, values, span in variables.values()]
        pairs.append((key, ctx.mapping(inner, Span(key.line, key.col, key.end_line, key.end_col))))
    return ctx.mapping(pairs, blocks[0].span)
