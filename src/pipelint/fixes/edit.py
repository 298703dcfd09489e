"""The fix data model: an :class:`Edit` replaces one range of a file's text, a :class:`Fix` is
the edits that together repair one finding, marked safe or unsafe.

Positions are 1-based, like a :class:`~pipelint.findings.Finding`'s, and count Unicode code
points within the line; the end is exclusive (the column after the last replaced character).
An insertion has an empty range (``line == end_line`` and ``col == end_col``); a deletion has an
empty ``text``. Edits are always in the coordinates of the file the finding is in: a rule builds
them from node positions, which the loader already maps into the outer file for an inline
buildspec written as a literal block scalar (see :func:`edit_allowed` for where that is not so).

A fix is **safe** when the file's meaning is unchanged except for the defect (quoting a number
YAML misreads), **unsafe** when it changes what the build or deployment does (moving a block,
deleting an entry, changing a number); ``--fix`` applies only safe fixes, ``--unsafe-fixes``
both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..records import ValueRecord

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.rule import Document, Report, Rule


class Edit(ValueRecord):
    """Replace the text from ``(line, col)`` up to (not including) ``(end_line, end_col)`` by ``text``."""

    __slots__ = ("line", "col", "end_line", "end_col", "text")

    line: int
    col: int
    end_line: int
    end_col: int
    text: str

    def __init__(self, line: int, col: int, end_line: int, end_col: int, text: str) -> None:
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.text = text

    @property
    def start(self) -> tuple[int, int]:
        """``(line, col)`` of the first replaced character."""
        return (self.line, self.col)

    @property
    def end(self) -> tuple[int, int]:
        """``(end_line, end_col)``, just after the last replaced character."""
        return (self.end_line, self.end_col)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an edit (docs/output.md)."""
        return {"line": self.line, "column": self.col, "end_line": self.end_line, "end_column": self.end_col, "text": self.text}


class Fix(ValueRecord):
    """The edits that repair one finding, whether applying them is safe, and a short title
    saying what they do (``Quote the version as "3.10"``)."""

    __slots__ = ("edits", "safe", "title")

    edits: tuple[Edit, ...]
    safe: bool
    title: str

    def __init__(self, edits: tuple[Edit, ...] | list[Edit], safe: bool, title: str) -> None:
        self.edits = tuple(sorted(edits, key=lambda e: (e.start, e.end)))
        self.safe = safe
        self.title = title

    @property
    def applicability(self) -> str:
        """``"safe"`` or ``"unsafe"``."""
        return "safe" if self.safe else "unsafe"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a fix (docs/output.md)."""
        return {"title": self.title, "applicability": self.applicability, "edits": [e.to_dict() for e in self.edits]}

    def touches_secret(self, secrets: set[str] | frozenset[str]) -> bool:
        """Whether any edit's new text contains one of ``secrets`` (such a fix is never shown)."""
        return any(secret and secret in edit.text for edit in self.edits for secret in secrets)


def fix_hint(finding: Any) -> str | None:
    """The fix hint a report shows for ``finding``: the rule's own, else its automatic fix's
    title (a fixable finding always says how it is fixed)."""
    hint = getattr(finding, "fix", None)
    if hint:
        return str(hint)
    edit = getattr(finding, "edit", None)
    return str(edit.title) if edit is not None and edit.title else None


def edit_allowed(fix: Fix, found: Rule, doc: Document | None, report: Report) -> Fix | None:
    """``fix`` if the engine may attach it to the finding, else ``None``.

    No fix of a kind the rule does not declare (``fixable="safe"`` offers no unsafe fix), for
    a secret detector (``SEC`` rules), a report about a secret (its edits would
    carry the value) or a fix whose new text looks like it holds one, nor for a document embedded in a string whose positions the loader could
    not map exactly: an inline buildspec written quoted, folded (``>``), with an explicit
    indentation indicator or inside a JSON template, and a JSON policy string. There every node
    carries the position of the key that holds the string, and an edit would land in the wrong
    place. Fixes are written as YAML or JSON text, so a file of another format gets none.
    """
    if found.code.startswith("SEC") or report.secret or not fix.edits:
        return None
    if fix.applicability not in found.fixable.split("/"):  # `pipelint rules` must tell the truth
        return None
    source = report.node.source or (doc.source if doc is not None else None)
    if source is None or source.fmt not in ("yaml", "json"):  # edits are written as YAML/JSON text
        return None
    from ..textutil import secret_like_spans

    if any(secret_like_spans(edit.text) for edit in fix.edits):  # a fix never writes out a secret
        return None
    if doc is not None and (doc.context.get("embedded") or doc.flavor == "inline") and not exactly_mapped(doc):
        return None
    problem = fix_problem(fix)
    if problem:
        from ..engine.notices import notify

        notify(f"rule {found.code} offered a fix that cannot be applied ({problem}); the fix was left out")
        return None
    text = (doc.source.text if doc is not None else None) or source.text
    return in_line_ending(fix, newline_of(text))


# A fix's new text is written into a file of at most max-file-size; more is a rule's mistake.
MAX_EDIT_TEXT = 1 << 20


def fix_problem(fix: Fix) -> str:
    """Why ``fix`` is not a well-formed fix, or ``""``: every edit's range starts at line and
    column 1 or later and does not end before it starts, its text can be written as UTF-8 (no
    lone surrogate) and is at most :data:`MAX_EDIT_TEXT` characters, and the fix's edits do not
    overlap one another. Whether the range lies in the file is checked when it is applied."""
    total = 0
    for edit in fix.edits:
        if edit.line < 1 or edit.col < 1 or (edit.end_line, edit.end_col) < (edit.line, edit.col):
            return f"the edit {edit.line}:{edit.col}-{edit.end_line}:{edit.end_col} is not a valid range"
        total += len(edit.text)
        if total > MAX_EDIT_TEXT:
            return "its new text is too long"
        try:
            edit.text.encode("utf-8")
        except UnicodeEncodeError:
            return "its new text is not valid Unicode"
    for first, second in zip(fix.edits, fix.edits[1:]):  # sorted by start
        if second.start < first.end or (second.start == first.start):
            return "its edits overlap"
    return ""


def newline_of(text: str) -> str:
    """The file's line ending: ``"\\r\\n"`` when its first line ends so, else ``"\\n"``."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def in_line_ending(fix: Fix, newline: str) -> Fix:
    """``fix`` with the line breaks of its new text written as ``newline`` (rules write
    ``\\n``), so every consumer (``--fix``, the JSON and SARIF edits, the language server's code
    actions) inserts the file's own line ending."""
    if newline == "\n" or not any("\n" in edit.text for edit in fix.edits):
        return fix
    edits = [Edit(e.line, e.col, e.end_line, e.end_col, e.text.replace("\r\n", "\n").replace("\n", newline)) for e in fix.edits]
    return Fix(edits, fix.safe, fix.title)


def exactly_mapped(doc: Document) -> bool:
    """Whether an inline buildspec's node positions are exact positions in its template: it is
    a literal block scalar (``BuildSpec: |``, also under ``!Sub``) without an explicit
    indentation indicator, in a YAML template."""
    if doc.kind != "buildspec" or doc.flavor != "inline" or doc.source.fmt != "yaml":
        return False
    from ..extract.embedded import string_of
    from ..load.nodes import Mapping

    project = doc.context.get("project")
    source = project.get("Source") if isinstance(project, Mapping) else None
    scalar = string_of(source.get("BuildSpec")) if isinstance(source, Mapping) else None
    if scalar is None or scalar.style != "|":
        return False
    lines = doc.source.lines
    if not 1 <= scalar.line <= len(lines):
        return False
    # The scalar starts at its tag or anchor, if any (`!Sub |`, `&spec |`), then the indicator.
    tokens = lines[scalar.line - 1][scalar.col - 1:].split(" #", 1)[0].split()
    return bool(tokens) and tokens[-1] in ("|", "|-", "|+") and all(t[:1] in ("!", "&") for t in tokens[:-1])
