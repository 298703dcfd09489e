"""A Terraform file → a :class:`~pipelint.load.LoadResult` holding the synthetic template.

The template's ``Resources`` hold one CloudFormation-shaped resource per translated Terraform
resource (logical id: the Terraform address, ``aws_codebuild_project.build``); its keys and
values carry positions in the ``.tf`` file, and its logical paths are CloudFormation paths
(``Resources/…/Properties/…``) so fingerprints work as for templates.

The other ``.tf`` files of the same folder (the module) are parsed too, but only to learn the
literal names of the resources they declare (so a pipeline in ``pipeline.tf`` naming
``aws_codebuild_project.build.name`` of ``codebuild.tf`` finds it by name); they are linted as
files of their own. At most :data:`MAX_SIBLINGS` of them are read, each of at most
:data:`MAX_SIBLING_BYTES`, never through a symbolic link.
"""

from __future__ import annotations

import os

from ..load import LoadResult, _decode, load_bytes, load_text
from ..load.nodes import Mapping, Node, Scalar, Sequence, Source
from ..load.problems import Limits, LoadProblem
from . import load_translators
from .context import ModuleContext, ModuleIndex, Resource
from .model import Block, Body, Span

MAX_SIBLINGS = 64
# Siblings larger than this are not read for the index (a resource there is then unknown).
MAX_SIBLING_BYTES = 1_000_000
# folder → file name → ((mtime, size), address → literal name)
_INDEX_CACHE: dict[str, dict[str, tuple[tuple[int, int], dict[str, str]]]] = {}


def parse_body(text: str, source: Source, limits: Limits, outline: bool = False) -> tuple[Body | None, list[LoadProblem]]:
    """The top-level body of a Terraform file's text, and its problems (``None``: did not load);
    with ``outline``, only what other files of the module need (see :func:`.hcl.parse_hcl`)."""
    if source.fmt == "json":
        from .jsonmodel import file_body

        loaded = load_text(text, source.path, fmt="json", limits=limits)
        if loaded.fatal or not loaded.roots:
            return None, loaded.problems
        for root in loaded.roots:
            _rehome(root, source)
        return file_body(loaded.roots[0]), loaded.problems
    from .hcl import parse_hcl

    return parse_hcl(text, limits.max_nodes, outline)


def _rehome(root: Node, source: Source) -> None:
    from ..load.nodes import walk

    for node in walk(root):
        node.source = source


def load_terraform_bytes(data: bytes, display: str, path: str | None, limits: Limits | None = None, root: str | None = None) -> LoadResult:
    """:func:`load_terraform` for a file's bytes (at most ``max_bytes + 1`` of them): too large,
    binary and non-UTF-8 files are problems, as for every file."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes or (b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return load_bytes(data, display, limits)  # the same PL007/PL005 finding as any file
    text, problem = _decode(data)
    if text is None:
        assert problem is not None
        return LoadResult(Source(display, "", "hcl"), problems=[problem], fatal=True)
    return load_terraform(text, display, path, limits, root)


def load_terraform(text: str, display: str, path: str | None, limits: Limits | None = None, root: str | None = None) -> LoadResult:
    """Load a Terraform file's text into a result whose one root is the synthetic template.

    ``path``: where the file is on disk (its folder is the module; ``None`` for text without a
    file); ``root``: the linted tree, outside which no file is read.
    """
    limits = limits or Limits()
    fmt = "json" if display.lower().endswith(".json") else "hcl"
    source = Source(display, text, fmt)
    result = LoadResult(source)
    if not text.strip():
        result.problems.append(LoadProblem("PL006", "file is empty", 1, 1, fix="add the module's content or delete the file"))
        result.fatal = True
        return result
    body, problems = parse_body(text, source, limits)
    result.problems.extend(problems)
    if body is None or any(p.code in ("PL002", "PL007") for p in problems):
        # Terraform rejects a file with a syntax error; what error recovery made of the rest is
        # a guess, so no rule reads it (the text rules, secret scanning, still do).
        result.fatal = True
        return result
    from .legacy import configuration_blocks

    # Terraform 0.11 forms: reported, and read as meant (the rest of the file is exact).
    result.problems.extend(configuration_blocks(body))
    module_dir = os.path.dirname(os.path.abspath(path)) if path else None
    index = module_index(module_dir, os.path.abspath(path), limits) if module_dir and path else ModuleIndex()
    context = ModuleContext(source, body, module_dir, root, index)
    if module_dir and path and index.files:
        from .borrow import borrowed_blocks, sibling_bodies, worth_borrowing

        if worth_borrowing(body, index.addresses):
            siblings = sibling_bodies(module_dir, os.path.abspath(path), os.path.dirname(display), limits, index.files)
            context.borrowed = [(ModuleContext(s, b, module_dir, root, index), block) for s, b, block in borrowed_blocks(body, siblings)]
    result.roots = [template_root(context)]
    return result


def translate(context: ModuleContext) -> list[Resource]:
    """Run the translators over the file's resource blocks and the blocks it borrows from the
    other files of its module (:mod:`.borrow`), phase 0, then phase 1. A borrowed block is
    translated in its own file's context (its nodes point there), sharing the resources."""
    translators = load_translators()
    pairs: list[tuple[Block, ModuleContext]] = [(block, context) for block in context.body.blocks]
    for other, block in context.borrowed:
        other.resources = context.resources
        other.blocks.update(context.blocks)
        context.blocks[".".join(block.labels)] = block
        pairs.append((block, other))
    for other, _block in context.borrowed:
        other.blocks.update(context.blocks)
    ordered: list[Resource] = []
    for phase in (0, 1):
        for block, owner in pairs:
            if block.type != "resource" or len(block.labels) != 2:
                continue
            found = translators.get(block.labels[0])
            if found is None or found[0] != phase:
                continue
            for resource in found[1](block, owner) or ():
                if owner is not context:
                    resource.extra["borrowed"] = True
                    resource.extra["owner"] = owner
                context.resources[resource.logical_id] = resource
                ordered.append(resource)
    for resource in ordered:
        if resource.extra.get("borrowed") and resource.cfn_type == "AWS::CodeBuild::Project":
            # One project per name across the run's files: the file declaring it keeps `Name`.
            resource.properties = [(k, v) for k, v in resource.properties if k.value != "Name"]
    return ordered


def template_root(context: ModuleContext) -> Mapping:
    """The synthetic template: ``{"Resources": {logical id: {"Type": …, "Properties": …}}}``."""
    resources = translate(context)
    body = context.body
    pairs: list[tuple[Scalar, Node]] = []
    for resource in resources:
        block = resource.block
        owner: ModuleContext = resource.extra.get("owner", context)  # a borrowed resource's own file
        name_span = block.label_spans[1] if len(block.label_spans) > 1 else block.type_span
        type_span = block.label_spans[0] if block.label_spans else block.type_span
        props = owner.mapping(resource.properties, block.body.span)
        entry = owner.mapping([
            (owner.key("Type", block.type_span, block.type), owner.scalar(resource.cfn_type, type_span, block.labels[0] if block.labels else "")),
            (owner.key("Properties", block.body.span, "{"), props),
        ], block.span)
        pairs.append((owner.key(resource.logical_id, name_span), entry))
    for resource in resources:
        # A borrowed resource's owner shares `context.resources`, which holds the resource: a
        # reference cycle that would keep both files' models alive for the rest of the run (the
        # cycle collector is off). The owner is only needed above.
        resource.extra.pop("owner", None)
    start = Span(1, 1, 1, 2)
    resources_node = context.mapping(pairs, body.span)
    root = context.mapping([(context.key("Resources", start, ""), resources_node)], body.span)
    _assign_paths(root)
    return root


def _assign_paths(root: Node) -> None:
    """Give every node its CloudFormation logical path (shared nodes keep the last one)."""
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    seen = 0
    while stack and seen < 2_000_000:
        node, path = stack.pop()
        seen += 1
        node.path = path
        if isinstance(node, Mapping):
            for key, value in node.pairs:
                key.path = path
                part = key.text if isinstance(key, Scalar) else "?"
                stack.append((value, path + (part,)))
        elif isinstance(node, Sequence):
            for index, item in enumerate(node.items):
                stack.append((item, path + (index,)))


def module_index(module_dir: str, own: str, limits: Limits) -> ModuleIndex:
    """What the other ``.tf``/``.tf.json`` files of the folder declare (each file's part cached
    while its size and modification time are unchanged; the file being linted is not re-read)."""
    try:
        entries = sorted(
            (e for e in os.scandir(module_dir)
             if e.name.lower().endswith((".tf", ".tf.json")) and e.is_file(follow_symlinks=False)),
            key=lambda e: e.name,
        )[:MAX_SIBLINGS]
    except OSError:
        return ModuleIndex()
    if _INDEX_CACHE and next(iter(_INDEX_CACHE)) != module_dir:
        _INDEX_CACHE.clear()  # one folder at a time: files are linted folder by folder
    cache = _INDEX_CACHE.setdefault(module_dir, {})
    index = ModuleIndex()
    for entry in entries:
        if os.path.abspath(entry.path) == own:
            continue  # its own resources are resolved from the file itself
        try:
            info = entry.stat()
        except OSError:
            continue
        signature = (info.st_mtime_ns, info.st_size)
        cached = cache.get(entry.name)
        if cached is None or cached[0] != signature:
            cached = cache[entry.name] = (signature, _declared_names(entry.path, entry.name, info.st_size, limits))
        index.files.append(entry.name)
        for address, name in cached[1].items():
            index.addresses.add(address)
            if name:
                index.names[address] = name
    return index


def _declared_names(path: str, name: str, size: int, limits: Limits) -> dict[str, str]:
    """The resource addresses a file declares, with their literal ``name`` (or ``""``)."""
    if size > min(limits.max_bytes, MAX_SIBLING_BYTES):
        return {}
    try:
        with open(path, "rb") as handle:
            text = handle.read(limits.max_bytes + 1).decode("utf-8", "replace")
    except OSError:
        return {}
    fmt = "json" if name.lower().endswith(".json") else "hcl"
    source = Source(path, text, fmt)
    body, _ = parse_body(text, source, limits, outline=True)
    if body is None:
        return {}
    context = ModuleContext(source, body, None, None)
    return {address: context.text(block.body.expr("name")) or "" for address, block in context.blocks.items()}
