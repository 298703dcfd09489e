"""Resources of the other files of a module that a file's resources need, read-only.

Terraform treats a folder as one module, and the usual layout splits related resources:
``codebuild.tf`` + ``webhook.tf``, ``roles.tf`` + ``policies.tf``, ``pipeline.tf`` +
``codebuild.tf``. A file being linted borrows, from the other ``.tf`` files of its folder:

* the resources its own resources reference (a webhook's project, a policy's role, a
  pipeline's projects), and
* the resources of the types in :data:`REFERRERS` that reference its own resources (the
  webhooks of its projects, the policies and attachments of its roles).

Borrowed resources are translated with their own file as source, so their nodes point into
that file; a finding on such a node is dropped from this file's report (the file that holds the
node reports it when it is linted, see :func:`pipelint.terraform.lint_documents`). A borrowed
project loses its ``Name`` property, so that lookups of a project by name across the files of
a run still find one project. Reading is bounded (:data:`MAX_BORROW_BYTES` per folder, each
file parsed once per folder and kept while its size and modification time are unchanged).
"""

from __future__ import annotations

import os

from ..load.nodes import Source
from ..load.problems import Limits
from .model import Block, Body, Expr

# Resource types a file borrows when it references them.
REFERENCED = frozenset({"aws_codebuild_project", "aws_iam_role", "aws_iam_user", "aws_iam_group"})
# Resource types a file borrows when they reference one of its resources.
REFERRERS = frozenset({
    "aws_codebuild_webhook", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy",
    "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
})
# Other files of a folder read whole for borrowing, in bytes, at most.
MAX_BORROW_BYTES = 2_000_000
# Expressions visited per block when collecting its references.
MAX_VISITS = 20_000
# folder → file name → ((mtime, size), source, body or None)
_BODIES: dict[str, dict[str, tuple[tuple[int, int], Source | None, Body | None]]] = {}


def references(block: Block) -> set[str]:
    """The resource addresses (``TYPE.NAME``) a block's expressions reference."""
    found: set[str] = set()
    visits = 0
    bodies = [block.body]
    exprs: list[Expr] = []
    while bodies or exprs:
        if bodies:
            body = bodies.pop()
            exprs.extend(attribute.expr for attribute in body.attributes.values())
            bodies.extend(inner.body for inner in body.blocks)
            continue
        expr = exprs.pop()
        visits += 1
        if visits > MAX_VISITS:
            break
        if expr.kind == "reference" and expr.parts and len(expr.parts) >= 2 and all(isinstance(p, str) for p in expr.parts[:2]):
            found.add(f"{expr.parts[0]}.{expr.parts[1]}")
        exprs.extend(expr.items or ())
        for key, value in expr.pairs or ():
            exprs.extend((key, value))
        exprs.extend(part for part in expr.parts or () if isinstance(part, Expr))
    return found


def sibling_bodies(module_dir: str, own: str, display_dir: str, limits: Limits, names: list[str]) -> list[tuple[Source, Body]]:
    """The parsed bodies of the folder's other Terraform files ``names`` (bounded, cached);
    ``display_dir``: the folder as the linted file's own path shows it."""
    from .load import parse_body

    key = module_dir + "\0" + display_dir
    if _BODIES and next(iter(_BODIES)) != key:
        _BODIES.clear()  # one folder at a time: files are linted folder by folder
    cache = _BODIES.setdefault(key, {})
    budget = MAX_BORROW_BYTES
    out: list[tuple[Source, Body]] = []
    for name in names:
        path = os.path.join(module_dir, name)
        if os.path.abspath(path) == own or os.path.islink(path):
            continue
        try:
            info = os.stat(path)
        except OSError:
            continue
        if info.st_size > min(budget, limits.max_bytes):
            continue
        budget -= info.st_size
        signature = (info.st_mtime_ns, info.st_size)
        cached = cache.get(name)
        if cached is None or cached[0] != signature:
            cached = cache[name] = (signature, *_parse(path, os.path.join(display_dir, name), info.st_size, limits, parse_body))
        if cached[1] is not None and cached[2] is not None:
            out.append((cached[1], cached[2]))
    return out


def _parse(path: str, display: str, size: int, limits: Limits, parse_body: object) -> tuple[Source | None, Body | None]:
    try:
        with open(path, "rb") as handle:
            text = handle.read(size + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    fmt = "json" if display.lower().endswith(".json") else "hcl"
    source = Source(display, text, fmt)
    body, problems = parse_body(text, source, limits)  # type: ignore[operator]
    if body is None or any(p.code in ("PL002", "PL007") for p in problems):
        return None, None
    return source, body


def worth_borrowing(own: Body, declared_elsewhere: set[str]) -> bool:
    """Whether the file may borrow anything: it declares a resource others may reference, or
    references one the other files declare."""
    for block in own.blocks:
        if block.type != "resource" or len(block.labels) != 2:
            continue
        if block.labels[0] in REFERENCED or references(block) & declared_elsewhere:
            return True
    return False


def borrowed_blocks(own: Body, siblings: list[tuple[Source, Body]]) -> list[tuple[Source, Body, Block]]:
    """The sibling resource blocks the file borrows (see the module docstring), each with its
    file's source and body."""
    own_addresses: set[str] = set()
    wanted: set[str] = set()
    for block in own.blocks:
        if block.type == "resource" and len(block.labels) == 2:
            own_addresses.add(".".join(block.labels))
    for block in own.blocks:
        if block.type == "resource" and len(block.labels) == 2:
            wanted.update(a for a in references(block) if a.split(".", 1)[0] in REFERENCED and a not in own_addresses)
    out: list[tuple[Source, Body, Block]] = []
    for source, body in siblings:
        for block in body.blocks:
            if block.type != "resource" or len(block.labels) != 2:
                continue
            address = ".".join(block.labels)
            if address in own_addresses:
                continue
            if address in wanted or (block.labels[0] in REFERRERS and references(block) & own_addresses):
                out.append((source, body, block))
    return out
