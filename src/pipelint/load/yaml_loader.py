"""YAML into the positioned tree, straight from libyaml's event stream.

ruamel.yaml's C parser (``ruamel.yaml.clib``) produces events with marks; this module builds
:mod:`pipelint.load.nodes` from them with an explicit stack, so that:

* nothing is constructed from tags (no Python objects from the file, ever);
* nesting depth is checked as it grows, and a 100,000-deep file cannot blow the C stack;
* aliases reuse their anchor's node and their expanded size is counted, so an alias bomb is
  stopped after a bounded amount of work;
* duplicate keys are reported with the position of the second key;
* CloudFormation short tags become their long forms (``!Ref x`` → ``{"Ref": "x"}``);
* a file the bundled (pre-0.2.5) libyaml rejects is read once more with the colons inside flow
  plain scalars (``[sts:AssumeRole]``) swapped for placeholders (:mod:`.flow_plain`), so valid
  YAML loads with its positions, and a syntax error is reported only if that fails too;
* a file of more than ``Limits.max_nodes`` values is refused, and duplicate keys are listed up
  to a cap (:class:`.problems.DuplicateKeys`).

The round-trip loader (about ten times slower) is never used on this path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .nodes import _NO_PART, Mapping, Node, NodePath, PathPart, Scalar, Sequence, Source
from .problems import DuplicateKeys, Limits, LoadAbort, LoadProblem, too_many_nodes
from .scalars import resolve_plain, resolve_tagged

# CloudFormation short-form tags and the long-form keys they stand for.
_CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!Base64": "Fn::Base64",
    "!Cidr": "Fn::Cidr",
    "!FindInMap": "Fn::FindInMap",
    "!GetAtt": "Fn::GetAtt",
    "!GetAZs": "Fn::GetAZs",
    "!ImportValue": "Fn::ImportValue",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!Sub": "Fn::Sub",
    "!Transform": "Fn::Transform",
    "!And": "Fn::And",
    "!Equals": "Fn::Equals",
    "!If": "Fn::If",
    "!Not": "Fn::Not",
    "!Or": "Fn::Or",
    "!Length": "Fn::Length",
    "!ToJsonString": "Fn::ToJsonString",
    "!ForEach": "Fn::ForEach",
}

_STR_TAG = "tag:yaml.org,2002:str"


class _Frame:
    """A collection under construction."""

    __slots__ = ("is_map", "items", "tag", "anchor", "line", "col", "path", "weight", "chars", "pending_key", "seen", "merges")

    def __init__(self, is_map: bool, tag: str | None, anchor: str | None, line: int, col: int, path: NodePath) -> None:
        self.is_map = is_map
        self.items: list[Any] = []
        self.tag = tag
        self.anchor = anchor
        self.line = line
        self.col = col
        self.path = path
        self.weight = 1
        self.chars = 0  # characters of the scalars in the subtree, aliases expanded
        self.pending_key: Node | None = None
        self.seen: dict[str, int] = {}  # a mapping's key texts → index of their first pair in `items`
        self.merges = False  # a plain `<<` key was seen: apply YAML merge keys at the end


def _wrap_tag(node: Node, tag: str, source: Source) -> Node:
    """Expand a CloudFormation short tag around an already-built node."""
    key_text = _CFN_TAGS[tag]
    value: Node = node
    path = node.path
    if tag == "!GetAtt" and isinstance(node, Scalar) and isinstance(node.value, str) and "." in node.value:
        logical, _, attribute = node.value.partition(".")
        inner = path + ("Fn::GetAtt",)
        value = Sequence(
            [
                Scalar(logical, logical, None, node.style, source, node.line, node.col, node.end_line, node.end_col, inner, 0),
                Scalar(attribute, attribute, None, node.style, source, node.line, node.col, node.end_line, node.end_col, inner, 1),
            ],
            None, source, node.line, node.col, node.end_line, node.end_col, inner,
        )
    else:
        _reroot(node, path, key_text)
    key = Scalar(key_text, tag, None, "", source, node.line, node.col, node.line, node.col + len(tag), path)
    return Mapping([(key, value)], None, source, node.line, node.col, node.end_line, node.end_col, path)


def _reroot(node: Node, path: NodePath, part: PathPart) -> None:
    """Move a subtree from ``path`` to ``path + (part,)`` (used when a tag wraps a node).

    Every descendant's shared parent path gets the new part inserted at the same place; each
    distinct parent path is rebuilt once, so siblings keep sharing one tuple.
    """
    cut = len(path)
    moved = path + (part,)
    rebuilt: dict[int, NodePath] = {}
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if current is node:
            current.path = moved
        else:
            base = current._base
            new = rebuilt.get(id(base))
            if new is None:
                new = rebuilt[id(base)] = moved + base[cut:]
            current._base = new
        if isinstance(current, Mapping):
            for key, value in current.pairs:
                stack.append(key)
                stack.append(value)
        elif isinstance(current, Sequence):
            stack.extend(current.items)


def load_yaml(text: str, source: Source, limits: Limits, problems: list[LoadProblem], base_path: NodePath = ()) -> list[Node]:
    """Parse ``text`` into one root node per YAML document.

    Problems that still leave a usable tree (duplicate keys) are appended to ``problems``;
    fatal ones (syntax errors, depth, alias bombs) raise :class:`LoadAbort`.
    """
    from .ruamel_import import c_parser_class

    CParser = c_parser_class()  # first: it imports ruamel.yaml without the package's __init__
    from ruamel.yaml.error import MarkedYAMLError

    found: list[LoadProblem] = []
    try:
        roots = _parse(CParser(text), text, source, limits, found, base_path)
    except LoadAbort:
        problems.extend(found)  # duplicate keys seen before the file turned out unreadable
        raise
    except MarkedYAMLError as error:
        # The bundled libyaml predates 0.2.5 and rejects `[sts:AssumeRole]`: read the text again
        # with the colons inside flow plain scalars swapped for placeholders (same positions).
        from .flow_plain import RestoringParser, relax

        relaxed = relax(text)
        if relaxed is None:
            problems.extend(found)
            raise LoadAbort(_syntax_problem(error, source)) from None
        found = []
        try:
            roots = _parse(RestoringParser(CParser(relaxed.text), relaxed), text, source, limits, found, base_path)
        except LoadAbort:
            problems.extend(found)
            raise
        except MarkedYAMLError as again:
            problems.extend(found)
            raise LoadAbort(_syntax_problem(again, source, relaxed.restore)) from None
    problems.extend(found)
    return roots


def _parse(parser: Any, text: str, source: Source, limits: Limits, problems: list[LoadProblem], base_path: NodePath) -> list[Node]:
    """Build the trees from ``parser``'s events; syntax errors are left to the caller."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    roots: list[Node] = []
    try:
        _build(parser, source, limits, problems, roots, base_path)
    except MarkedYAMLError:
        raise
    except ReaderError as error:
        offset = getattr(error, "position", 0) or 0
        before = text[:offset]
        line = before.count("\n") + 1
        col = offset - (before.rfind("\n") + 1) + 1
        char = getattr(error, "character", "")
        if isinstance(char, str) and char:
            code = f"#x{ord(char):02x}"
        elif isinstance(char, int):
            code = f"#x{char:02x}"
        else:
            code = str(char)
        raise LoadAbort(
            LoadProblem("PL002", f"YAML syntax error: control character {code} is not allowed in YAML", line, col, line, col + 1, fix="delete the control character")
        ) from None
    except YAMLError as error:
        raise LoadAbort(LoadProblem("PL002", f"YAML syntax error: {str(error).splitlines()[0]}")) from None
    except RecursionError:
        raise LoadAbort(LoadProblem("PL008", f"nesting is deeper than the parser can follow (limit {limits.max_depth})")) from None
    finally:
        try:
            parser.dispose()
        except Exception:  # pragma: no cover - best effort cleanup
            pass
    return roots


def _syntax_problem(error: Any, source: Source, restore: Callable[[str], str] = str) -> LoadProblem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    problem = restore((getattr(error, "problem", None) or str(error)).strip())
    context = restore((getattr(error, "context", None) or "").strip())
    lines = source.lines
    text_line = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = text_line[: len(text_line) - len(text_line.lstrip(" \t"))]
    if "\t" in indent or ("cannot start any token" in problem and text_line[col - 1 : col] == "\t"):
        return LoadProblem(
            "PL010",
            "tab character used for indentation; YAML allows only spaces (CodeBuild fails with YAML_FILE_ERROR)",
            line,
            1,
            line,
            len(indent) + 1 if indent else col + 1,
            fix="indent with spaces",
        )
    from .syntax_hints import explain_yaml_error

    context_mark = getattr(error, "context_mark", None)
    context_line = context_mark.line + 1 if context_mark is not None and "simple key" in context else None
    hint = explain_yaml_error(lines, problem, line, col, context_line, lambda candidate: parses_past(candidate, line, col))
    if hint is not None:
        return hint
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    if "mapping values are not allowed" in problem:
        message += "; quote a value that contains ': '"
    return LoadProblem("PL002", message, line, col, line, col + 1)


def parses_past(text: str, line: int, col: int) -> bool:
    """Whether ``text`` reads, as :func:`load_yaml` reads it (the C parser, then once more with
    the colons of flow plain scalars relaxed), past ``line``/``col`` (1-based) with no syntax error.

    Used to check a suggested fix for a syntax error at that place: the text with the fix applied
    must get past it. Reading stops at the first event that starts after the place (or at the
    end of the stream), or at an error, which counts as past the place when it lies after it
    (where the parser gave up; for an unfinished key or flow collection, where that starts: an
    unclosed ``[`` the fix wrote fails at the end of the file, but it went wrong there). At most two
    reads of the text up to about there; no tree is built, and nothing else (no hint, no second
    fix) is tried on the result.
    """
    from .ruamel_import import c_parser_class

    parser_class = c_parser_class()
    if _reads_past(parser_class(text), line, col):
        return True
    from .flow_plain import relax

    relaxed = relax(text)
    return relaxed is not None and _reads_past(parser_class(relaxed.text), line, col)


def _reads_past(parser: Any, line: int, col: int) -> bool:
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import StreamEndEvent

    place = (line - 1, col - 1)
    try:
        while True:
            event = parser.get_event()
            if event.__class__ is StreamEndEvent:
                return True
            mark = event.start_mark
            if (mark.line, mark.column) > place:
                return True
    except YAMLError as error:
        at = getattr(error, "problem_mark", None)
        context = getattr(error, "context", None) or ""
        if "simple key" in context or "flow" in context:  # the key or bracket where it went wrong
            at = getattr(error, "context_mark", None) or at
        return at is not None and (at.line, at.column) > place
    finally:
        try:
            parser.dispose()
        except Exception:  # pragma: no cover - best effort cleanup
            pass


# Characters that aliases may add to a file in any case, and per character of the file.
ALIAS_CHAR_FLOOR = 1 << 20
ALIAS_CHAR_MULTIPLE = 2


def alias_char_budget(text_length: int) -> int:
    """How many scalar characters the aliases of a file of ``text_length`` characters may add.

    Each alias hands its anchor's text to every rule once more, so a large value behind many
    aliases (a 4 MB string, 400 aliases) makes rules scan gigabytes. Real files reuse anchors of
    a few KB a few dozen times; this allows that, and at most a few times the file's own size.
    """
    return max(ALIAS_CHAR_FLOOR, ALIAS_CHAR_MULTIPLE * text_length)



def _build(parser: Any, source: Source, limits: Limits, problems: list[LoadProblem], roots: list[Node], base_path: NodePath) -> None:
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Node, int, int]] = {}
    written = 0
    expanded = 0
    aliased_chars = 0
    char_budget = alias_char_budget(len(source.text))
    budget = limits.max_expanded_nodes
    max_depth = limits.max_depth
    max_nodes = limits.max_nodes
    # Scalars take a fast path (no checks) while fewer nodes than this have been expanded. Open
    # collections are written before they are expanded, so `written <= expanded + max_depth`:
    # `attach` (which checks both limits) sees every node from well before either is passed.
    fast_limit = max(0, min(budget, max_nodes - max_depth))
    duplicates = DuplicateKeys(problems)
    get_event = parser.get_event

    def attach(node: Node, weight: int, subtree: int, chars: int) -> None:
        """Hang ``node`` on its parent; ``weight`` new expanded nodes, ``subtree`` its full size,
        ``chars`` the characters of its scalars."""
        nonlocal expanded
        if written > max_nodes:
            raise too_many_nodes(max_nodes, node.line, node.col)
        expanded += weight
        if expanded > budget and expanded > 20 * written:
            raise LoadAbort(
                LoadProblem(
                    "PL009",
                    f"aliases expand to more than {budget} nodes (an alias bomb); refusing to expand",
                    node.line, node.col, node.end_line, node.end_col,
                )
            )
        if not stack:
            roots.append(node)
            return
        frame = stack[-1]
        frame.weight += subtree
        frame.chars += chars
        if frame.is_map:
            if frame.pending_key is None:
                frame.pending_key = node
                if isinstance(node, Scalar):
                    key_text = node.text
                    merge = node.raw == "<<" and node.style == ""
                    if key_text not in frame.seen:
                        frame.seen[key_text] = len(frame.items)
                    elif not merge:
                        duplicates.add(key_text, node.line, node.col, node.end_line, node.end_col, frame.items, frame.seen[key_text])
                    frame.merges = frame.merges or merge
            else:
                key = frame.pending_key
                frame.pending_key = None
                frame.items.append((key, node))
        else:
            frame.items.append(node)

    def child_path() -> NodePath:
        if not stack:
            return base_path
        frame = stack[-1]
        if frame.is_map:
            if frame.pending_key is None:
                return frame.path  # a key: same path as its mapping
            key = frame.pending_key
            return frame.path + ((key.text if isinstance(key, Scalar) else "?"),)
        return frame.path + (len(frame.items),)

    from ruamel.yaml.events import (
        AliasEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    while True:
        event = get_event()
        cls = event.__class__
        if cls is ScalarEvent:
            # The common case, with `child_path` and `attach` written out (a third faster).
            written += 1
            start, end = event.start_mark, event.end_mark
            raw = event.value
            tag = event.ctag  # the C parser's tag string; `.tag` is a property around it
            if tag is not None and tag.__class__ is not str:
                tag = str(tag)
            style = event.style or ""
            if tag is None or tag == "!":
                value: Any = resolve_plain(raw) if style == "" and event.implicit[0] else raw
                node_tag = None
            elif tag.startswith("tag:yaml.org,2002:"):
                value = resolve_tagged(tag, raw)
                node_tag = tag
            else:
                value = raw
                node_tag = tag
            # The node's path is its parent's (shared) plus its own index or key, joined only
            # when asked for; a line number is one shared int when the scalar ends on its line.
            start_line = start.line
            end_line = end.line
            line = start_line + 1
            node: Node
            if stack:
                frame = stack[-1]
                if not frame.is_map:
                    part: Any = len(frame.items)
                elif frame.pending_key is None:
                    part = _NO_PART
                else:
                    key = frame.pending_key
                    part = key.text if key.__class__ is Scalar else "?"
                node = Scalar(value, raw, node_tag, style, source, line, start.column + 1, line if end_line == start_line else end_line + 1, end.column + 1, frame.path, part)
            else:
                frame = None
                node = Scalar(value, raw, node_tag, style, source, line, start.column + 1, line if end_line == start_line else end_line + 1, end.column + 1, base_path)
            if tag in _CFN_TAGS:
                node = _wrap_tag(node, tag, source)
            if event.anchor:
                anchors[event.anchor] = (node, 1, len(raw))
            if frame is None or expanded >= fast_limit or node.__class__ is not Scalar:
                attach(node, 1, 1, len(raw))
            else:
                expanded += 1
                frame.weight += 1
                frame.chars += len(raw)
                if not frame.is_map:
                    frame.items.append(node)
                elif frame.pending_key is not None:
                    frame.items.append((frame.pending_key, node))
                    frame.pending_key = None
                else:
                    frame.pending_key = node
                    key_text = node.text
                    seen = frame.seen
                    if raw == "<<" and style == "":
                        frame.merges = True
                        if key_text not in seen:
                            seen[key_text] = len(frame.items)
                    elif key_text not in seen:
                        seen[key_text] = len(frame.items)
                    else:
                        duplicates.add(key_text, node.line, node.col, node.end_line, node.end_col, frame.items, seen[key_text])
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            written += 1
            if written > max_nodes:
                raise too_many_nodes(max_nodes, event.start_mark.line + 1, event.start_mark.column + 1)
            if len(stack) >= max_depth:
                mark = event.start_mark
                raise LoadAbort(
                    LoadProblem(
                        "PL008",
                        f"nesting is deeper than {max_depth} levels; no AWS file needs this (raise `max-depth` in the config if it is intended)",
                        mark.line + 1, mark.column + 1,
                    )
                )
            mark = event.start_mark
            tag = event.ctag
            if tag is not None and tag.__class__ is not str:
                tag = str(tag)
            stack.append(_Frame(cls is MappingStartEvent, tag, event.anchor, mark.line + 1, mark.column + 1, child_path()))
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            end = event.end_mark
            if frame.is_map:
                pairs = _merge(frame.items) if frame.merges else frame.items
                node = Mapping(pairs, frame.tag if frame.tag not in (None, "!") else None, source, frame.line, frame.col, end.line + 1, end.column + 1, frame.path)
            else:
                node = Sequence(frame.items, frame.tag if frame.tag not in (None, "!") else None, source, frame.line, frame.col, end.line + 1, end.column + 1, frame.path)
            if frame.tag in _CFN_TAGS:
                node = _wrap_tag(node, frame.tag, source)
            if frame.anchor:
                anchors[frame.anchor] = (node, frame.weight, frame.chars)
            # The children were counted into `expanded` as they came; the collection adds itself
            # there, and its whole subtree to its parent's size (which an anchor may reuse).
            attach(node, 1, frame.weight, frame.chars)
        elif cls is AliasEvent:
            target = anchors.get(event.anchor)
            if target is None:
                mark = event.start_mark
                raise LoadAbort(LoadProblem("PL002", f"YAML syntax error: alias *{event.anchor} names no anchor", mark.line + 1, mark.column + 1))
            node, weight, chars = target
            aliased_chars += chars
            if aliased_chars > char_budget:
                mark = event.start_mark
                raise LoadAbort(
                    LoadProblem(
                        "PL009",
                        f"aliases repeat more than {char_budget:,} characters of text (an alias bomb); refusing to expand",
                        mark.line + 1, mark.column + 1, event.end_mark.line + 1, event.end_mark.column + 1,
                    )
                )
            attach(node, weight, weight, chars)
        elif cls is StreamEndEvent:
            duplicates.close()
            break
        # StreamStart, DocumentStart, DocumentEnd: nothing to do


def _merge(items: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
    """Apply YAML 1.1 merge keys (``<<: *defaults``): explicit keys override merged ones."""
    merged: list[tuple[Node, Node]] = []
    own: list[tuple[Node, Node]] = []
    for key, value in items:
        if isinstance(key, Scalar) and key.raw == "<<" and key.style == "":
            sources = value.items if isinstance(value, Sequence) else [value]
            for src in sources:
                if isinstance(src, Mapping):
                    merged.extend(src.pairs)
        else:
            own.append((key, value))
    return merged + own
