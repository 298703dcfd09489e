"""Stage 2 of the data flow: bytes on disk → a :class:`Source` and positioned trees.

:func:`load_file` never raises for bad input: encoding problems, binary files, empty or
over-large files, syntax errors, duplicate keys, excessive nesting and alias bombs all become
:class:`LoadProblem` entries with positions.
"""

from __future__ import annotations

import os

from ..records import ValueRecord
from .nodes import Mapping, Node, NodePath, Scalar, Sequence, Source, intrinsic, walk
from .problems import Limits, LoadAbort, LoadProblem

__all__ = [
    "LoadResult", "LoadProblem", "Limits", "Mapping", "Node", "Scalar", "Sequence", "Source",
    "intrinsic", "walk", "load_bytes", "load_file", "load_text", "detect_format",
]


class LoadResult(ValueRecord):
    """The outcome of loading one file: its source, document roots, and problems."""

    __slots__ = ("source", "roots", "problems", "fatal")

    source: Source
    roots: list[Node]
    problems: list[LoadProblem]
    fatal: bool

    def __init__(
        self,
        source: Source,
        roots: list[Node] | None = None,
        problems: list[LoadProblem] | None = None,
        fatal: bool = False,
    ) -> None:
        self.source = source
        self.roots = [] if roots is None else roots
        self.problems = [] if problems is None else problems
        self.fatal = fatal


def detect_format(path: str, text: str) -> str:
    """``"json"`` for ``.json`` files and for other files whose first character is ``{``/``[``."""
    lowered = path.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yml", ".yaml")):
        return "yaml"
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped[:1] in ("{", "[") and _looks_json(stripped) else "yaml"


def _looks_json(text: str) -> bool:
    # `{` can open a YAML flow mapping too; JSON keys are always double-quoted.
    rest = text[1:].lstrip()
    return rest[:1] in ('"', "}", "]", "{", "[") or text[:1] == "["


def _decode(data: bytes) -> tuple[str | None, LoadProblem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, LoadProblem(
            "PL004",
            f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); AWS reads these files as UTF-8",
            line, col, fix="re-save the file as UTF-8",
        )


def load_text(text: str, path: str, fmt: str | None = None, limits: Limits | None = None, base_path: NodePath = ()) -> LoadResult:
    """Load already-decoded text (used for files and for buildspecs embedded in templates)."""
    limits = limits or Limits()
    named_json = fmt is None and path.lower().endswith(".json")
    fmt = fmt or detect_format(path, text)
    source = Source(path, text, fmt)
    result = LoadResult(source)
    if not text.strip():
        result.problems.append(LoadProblem("PL006", "file is empty; AWS rejects an empty file", 1, 1, fix="add the document's content or delete the file"))
        result.fatal = True
        return result
    try:
        if fmt == "json":
            from .json_loader import load_json

            result.roots = load_json(text, source, limits, result.problems, base_path)
        else:
            from .yaml_loader import load_yaml

            result.roots = load_yaml(text, source, limits, result.problems, base_path)
    except LoadAbort as abort:
        problem = abort.problem
        if problem.code == "PL002":
            from .syntax_hints import conflict_marker

            marker = conflict_marker(text, problem.line)
            if marker is None and named_json:
                from .yaml_in_json import load_yaml_in_json

                as_yaml = load_yaml_in_json(text, path, limits, base_path)
                if as_yaml is not None:
                    return as_yaml
            problem = marker or problem
        result.problems.append(problem)
        result.fatal = True
        result.roots = []
    except RecursionError:
        result.problems.append(LoadProblem("PL008", "nesting is too deep to read"))
        result.fatal = True
        result.roots = []
    if not result.fatal and not any(not _is_null(r) for r in result.roots):
        result.problems.append(LoadProblem("PL006", "file holds no content (only comments or an empty document)", 1, 1))
        result.fatal = True
    return result


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.value is None and node.style == ""


def load_file(path: str, display: str | None = None, limits: Limits | None = None) -> LoadResult:
    """Read and load the file at ``path``; ``display`` is the path shown in findings.

    ``OSError`` (missing, unreadable) is left to the caller, which knows whether the path was
    named on the command line (a usage error) or found by walking (a finding).
    """
    limits = limits or Limits()
    return load_bytes(read_limited(path, limits.max_bytes + 1), display or path, limits)


def read_limited(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of the file at ``path`` (``OSError`` if it cannot be read).

    ``read(limit)`` would allocate ``limit`` bytes up front for every small file; the file's
    size bounds the first read instead, and a file that grew meanwhile is read on to ``limit``.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        first = min(size + 1, limit) if size else limit
        data = handle.read(first)
        if size and len(data) == first < limit:
            data += handle.read(limit - first)
    return data


def load_bytes(data: bytes, display: str, limits: Limits | None = None) -> LoadResult:
    """Load a file's content already read (at most ``max_bytes + 1`` bytes of it)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        source = Source(display, "", "yaml")
        return LoadResult(
            source,
            problems=[LoadProblem("PL007", f"file is larger than the {limits.max_bytes:,}-byte limit; not linted (raise `max-file-size` in the config if this is intended)", 1, 1)],
            fatal=True,
        )
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        source = Source(display, "", "yaml")
        return LoadResult(source, problems=[LoadProblem("PL005", "file is binary (it contains NUL bytes); not linted", 1, 1)], fatal=True)
    text, problem = _decode(data)
    if text is None:
        assert problem is not None
        return LoadResult(Source(display, "", "yaml"), problems=[problem], fatal=True)
    return load_text(text, display, limits=limits)
