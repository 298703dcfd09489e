"""Code actions for the findings under the cursor.

* **Fix: <title>**: the finding's fix (``Finding.edit``, :mod:`pipelint.fixes`) as a workspace
  edit, its ranges converted from 1-based code points to the client's position encoding. A safe
  fix is the preferred action; an unsafe one (it changes behaviour) says so in its title and is
  never preferred.
* **Fix all <CODE> in file**: the safe fixes of that rule in the file, applied and verified by
  :func:`pipelint.fixes.session.fix_text` (the code ``pipelint check --fix`` runs: in rounds, the
  result linted again, kept only if it loads, the fixed findings are gone and none appeared),
  sent as one edit per changed region (unchanged lines between two fixes are never resent). Working that out lints the text a few times, so when
  the client can resolve an action's edit later (``codeAction/resolve``) it is computed only
  when the user picks the action.
* ``source.fixAll.pipelint`` (asked for by kind, e.g. VS Code's ``editor.codeActionsOnSave``):
  every safe fix of the file, verified the same way.
* **Disable <CODE> for this line**: a ``# pipelint: disable=CODE`` comment
  (:mod:`pipelint.engine.suppressions`) at the end of the finding's line, or the code added to
  the line's existing comment. Only where a comment can go without changing the file's meaning:
  YAML files, on a line whose end is not inside a multi-line string or block scalar (a ``#``
  there would become part of the value). JSON has no comments, so JSON files get no such action
  (use ``per-file-ignores`` in the config), and neither do Terraform files for now (a line may
  end inside a heredoc). A fix whose text would carry a secret the file holds
  is not offered (every output masks secrets; an edit cannot).

Every edit is checked before it is offered: a single fix must apply to the text as ``--fix``
would apply it (positions inside the text, edits not overlapping, no line separators the
positions could be misread at), its new text must be valid Unicode of a sane size, and it takes
the document's line ending (a CRLF file stays CRLF). No edit is sent whose new text holds a
secret the file is known to hold or anything that looks like a secret.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from ..findings import Finding
from .diagnostics import lsp_range, shown_text, to_diagnostic
from .session import Document

FIX_ALL_KIND = "source.fixAll.pipelint"
MAX_FIX_TEXT = 256 * 1024  # characters of new text one offered fix may insert
_DISABLE = re.compile(r"#\s*pipelint:\s*disable\s*=\s*([A-Za-z0-9_,\- ]+)")


def code_actions(doc: Document, wanted: list[Finding], every: list[Finding], encoding: str,
                 only: list[str] | None = None, lint: Any = None, lazy: bool = False) -> list[types.CodeAction]:
    """The code actions for the findings ``wanted`` (those the request's range touches) of a
    document whose findings are ``every``; ``only``: the kinds the client asked for; ``lint``:
    lints a text as this document (for fix-all); ``lazy``: the client resolves edits later, so
    fix-all actions are sent without theirs (see :func:`resolve_fix_all`)."""
    actions: list[types.CodeAction] = []
    if only is not None and any(FIX_ALL_KIND == kind or FIX_ALL_KIND.startswith(kind + ".") for kind in only):
        whole = fix_file_action(doc, every, encoding, lint)
        if whole is not None:
            actions.append(whole)
    if only is not None and not any(kind in ("", "quickfix") for kind in only):
        return actions
    fix_all_done: set[str] = set()
    for finding in wanted:
        diagnostic = to_diagnostic(finding, doc.uri, doc.positions, encoding, doc.registry)
        single = fix_action(doc, finding, encoding, diagnostic)
        if single is not None:
            actions.append(single)
        if finding.code not in fix_all_done:
            fix_all_done.add(finding.code)
            combined = fix_all_action(doc, finding.code, every, encoding, lint, lazy)
            if combined is not None:
                actions.append(combined)
    disabled: set[tuple[str, int]] = set()
    for finding in wanted:
        if (finding.code, finding.line) in disabled:
            continue
        disabled.add((finding.code, finding.line))
        edit = disable_edit(doc, finding, encoding)
        if edit is not None:
            actions.append(types.CodeAction(
                title=f"Disable {finding.code} for this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_diagnostic(finding, doc.uri, doc.positions, encoding, doc.registry)],
                edit=_workspace_edit(doc, [edit]),
            ))
    return actions


def _fix_of(finding: Finding) -> Any:
    """The finding's fix (``Finding.edit``), if it has one."""
    return finding.edit


def _carries_secret(fix: Any, secrets: set[str]) -> bool:
    return any(secret and secret in edit.text for edit in fix.edits for secret in secrets)


def shows_secret(text: str, secrets: set[str]) -> bool:
    """Whether an edit's new text holds a secret the file is known to hold, or looks like one
    (:func:`pipelint.textutil.secret_like_spans`, the check fixes themselves pass)."""
    from ..textutil import secret_like_spans

    return any(secret and secret in text for secret in secrets) or bool(secret_like_spans(text))


def valid_text(text: str) -> bool:
    """Whether a fix's new text can be sent: encodable (no lone surrogate) and of a sane size."""
    if len(text) > MAX_FIX_TEXT:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def applicable(doc: Document, finding: Finding) -> bool:
    """Whether the finding's fix applies to the document's text as ``pipelint check --fix``
    would apply it: every edit inside the text, none reversed or overlapping another, a text
    whose positions map exactly (:func:`pipelint.fixes.apply.apply_fixes`), valid new text."""
    from ..fixes.apply import apply_fixes

    fix = _fix_of(finding)
    if fix is None or not fix.edits or not all(valid_text(e.text) for e in fix.edits):
        return False
    try:
        outcome = apply_fixes(doc.text, [finding], True)
    except Exception:  # a malformed fix from a plugin: not offered
        return False
    return outcome.applied == [finding] and not outcome.invalid and not outcome.refused


def fix_action(doc: Document, finding: Finding, encoding: str, diagnostic: types.Diagnostic) -> types.CodeAction | None:
    """"Fix: <title>" for a finding with a fix."""
    fix = _fix_of(finding)
    if fix is None or not fix.edits or _carries_secret(fix, doc.secrets) or not applicable(doc, finding):
        return None
    from ..fixes.apply import newline_of
    from ..textutil import mask_secrets

    newline = newline_of(doc.text)
    texts = [e.text.replace("\r\n", "\n").replace("\n", newline) if newline != "\n" else e.text for e in fix.edits]
    if any(shows_secret(text, doc.secrets) for text in texts):
        return None
    title = shown_text(mask_secrets(f"Fix: {fix.title}", doc.secrets) if doc.secrets else f"Fix: {fix.title}")
    if not fix.safe:
        title += " (unsafe: changes behaviour)"
    edits = [types.TextEdit(range=lsp_range(doc.positions, e.line, e.col, e.end_line, e.end_col, encoding), new_text=text)
             for e, text in zip(fix.edits, texts)]
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=bool(fix.safe),
        edit=_workspace_edit(doc, edits),
    )


def fix_all_action(doc: Document, code: str, every: list[Finding], encoding: str, lint: Any = None,
                   lazy: bool = False) -> types.CodeAction | None:
    """"Fix all <CODE> in file", when at least two findings of that rule in the file have a safe
    fix. ``lint(text)`` lints a text as this document (``(kind, findings)``); with ``lazy`` the
    action carries what :func:`resolve_fix_all` needs instead of its edit."""
    candidates = [f for f in every if f.code == code and f.path == doc.display and _fix_of(f) is not None]
    safe = [f for f in candidates if _fix_of(f).safe and not _carries_secret(_fix_of(f), doc.secrets)]
    if len(safe) < 2 or lint is None:
        return None
    action = types.CodeAction(title=f"Fix all {code} in file ({len(safe)} safe fixes)", kind=types.CodeActionKind.QuickFix,
                              data={"uri": doc.uri, "version": doc.version, "code": code})
    if lazy:
        return action
    return resolve_fix_all(action, doc, encoding, lint)


def resolve_fix_all(action: types.CodeAction, doc: Document, encoding: str, lint: Any) -> types.CodeAction | None:
    """The fix-all ``action`` with its edit: the rule's safe fixes applied and verified (``None``
    when they cannot be: the text stays as it is)."""
    code = action.data.get("code") if isinstance(action.data, dict) else None
    if not isinstance(code, str):
        return None
    fixed = fixed_text(doc.text, code, lint)
    if fixed is None or fixed == doc.text:
        return None
    edits = minimal_edits(doc, fixed, encoding)
    if edits is None:
        return None
    action.edit = _workspace_edit(doc, edits)
    return action


def fix_file_action(doc: Document, every: list[Finding], encoding: str, lint: Any) -> types.CodeAction | None:
    """``source.fixAll.pipelint``: every safe fix of the file, verified (for fix-on-save)."""
    if lint is None or not any(f.edit is not None and f.edit.safe for f in every if f.path == doc.display):
        return None
    fixed = fixed_text(doc.text, None, lint)
    if fixed is None or fixed == doc.text:
        return None
    edits = minimal_edits(doc, fixed, encoding)
    if edits is None:
        return None
    return types.CodeAction(title="Fix all safe pipelint fixes", kind=FIX_ALL_KIND, edit=_workspace_edit(doc, edits))


def fixed_text(text: str, code: str | None, lint: Any) -> str | None:
    """``text`` with the safe fixes of rule ``code`` (``None``: of every rule) applied and verified
    (the result loads, the fixed findings are gone, no other finding appeared), or ``None`` when
    that fails."""
    import copy

    from ..fixes.session import Linted, fix_text

    def only_this_rule(current: str) -> Any:
        kind, findings = lint(current)
        kept = []
        for finding in findings:
            if code is not None and finding.code != code and finding.edit is not None:
                finding = copy.copy(finding)
                finding.edit = None
            kept.append(finding)
        return Linted(kind, kept)

    result = fix_text(text, only_this_rule, False)
    return result.text if result.changed else None


def changed_regions(old: str, new: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)``: the regions of ``old`` (character offsets) that differ from
    ``new``, each with its replacement, in order and disjoint. Lines are compared first (the
    lines both texts share at their start and end are skipped without a diff), then each changed
    run of lines is narrowed to the characters that differ."""
    from difflib import SequenceMatcher

    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    base_a = sum(len(line) for line in a[:head])
    base_b = sum(len(line) for line in b[:head])
    offsets_a, offsets_b = _offsets(middle_a, base_a), _offsets(middle_b, base_b)
    regions: list[tuple[int, int, str]] = []
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = offsets_a[i1], offsets_a[i2]
        new_start, new_end = offsets_b[j1], offsets_b[j2]
        while start < end and new_start < new_end and old[start] == new[new_start]:
            start, new_start = start + 1, new_start + 1
        while start < end and new_start < new_end and old[end - 1] == new[new_end - 1]:
            end, new_end = end - 1, new_end - 1
        regions.append((start, end, new[new_start:new_end]))
    return regions


def _offsets(lines: list[str], base: int) -> list[int]:
    """The offset of each line's start, and of the end of the last one."""
    out = [base]
    for line in lines:
        out.append(out[-1] + len(line))
    return out


def minimal_edits(doc: Document, new_text: str, encoding: str) -> list[types.TextEdit] | None:
    """The edits that turn the document's text into ``new_text``, one per changed region (so the
    editor keeps the cursor and folds of untouched lines, and no unchanged text is resent), or
    ``None`` when one of them would carry a secret of the file or anything that looks like one."""
    edits: list[types.TextEdit] = []
    positions = doc.positions
    for start, end, text in changed_regions(doc.text, new_text):
        if shows_secret(text, doc.secrets):
            return None
        first, last = positions.lsp_position(start, encoding), positions.lsp_position(end, encoding)
        edits.append(types.TextEdit(range=types.Range(start=types.Position(line=first[0], character=first[1]),
                                                      end=types.Position(line=last[0], character=last[1])), new_text=text))
    return edits


def disable_edit(doc: Document, finding: Finding, encoding: str) -> types.TextEdit | None:
    """The edit that silences ``finding`` on its line with a suppression comment, or ``None``
    where no comment can go there (see the module docstring)."""
    from ..load import detect_format

    if finding.code == "PL001" or doc.kind is None or not 1 <= finding.line <= len(doc.lines):
        return None
    name = (doc.path or doc.display).lower()
    if doc.kind == "terraform" or name.endswith((".tf", ".tf.json")):
        return None  # HCL takes `#` comments, but whether a line ends inside a heredoc is not checked here
    if detect_format(doc.path or doc.display, doc.text) != "yaml":
        return None  # JSON has no comments
    line_text = doc.lines[finding.line - 1]
    roots = _yaml_roots(doc)
    if roots is None:
        return None  # the file does not parse: where a comment may go is not known
    existing = _DISABLE.search(line_text)
    if existing is not None and not _in_scalar(roots, finding.line, existing.start() + 1):
        codes = existing.group(1).rstrip()
        if any(part.strip().upper() in (finding.code, "ALL") or part.strip().lower() == finding.name for part in codes.split(",")):
            return None
        at = existing.start(1) + len(codes)
        position = _lsp_position(doc, finding.line, at + 1, encoding)
        return types.TextEdit(range=types.Range(start=position, end=position), new_text=f",{finding.code}")
    if not comment_fits(doc, finding.line):
        return None
    end = _lsp_position(doc, finding.line, len(line_text) + 1, encoding)
    gap = " " if line_text.endswith((" ", "\t")) else "  "
    if not line_text.strip():
        gap = ""
    return types.TextEdit(range=types.Range(start=end, end=end), new_text=f"{gap}# pipelint: disable={finding.code}")


def _lsp_position(doc: Document, line: int, col: int, encoding: str) -> types.Position:
    """The LSP position of pipelint's 1-based ``(line, col)`` in the document."""
    at = doc.positions.to_lsp(line, col, encoding)
    return types.Position(line=at[0], character=at[1])


_PARSED: dict[str, Any] = {}


def _yaml_roots(doc: Document) -> list[Any] | None:
    """The document's YAML trees (``None`` when it does not parse); the last text's are kept."""
    from ..load import load_text

    key = doc.display + "\0" + doc.text
    if key not in _PARSED:
        _PARSED.clear()
        result = load_text(doc.text, doc.display)
        _PARSED[key] = None if result.fatal else list(result.roots)
    roots: list[Any] | None = _PARSED[key]
    return roots


def _scalars(roots: list[Any]) -> Any:
    from ..load.nodes import Scalar, walk

    for root in roots:
        for node in walk(root):
            if isinstance(node, Scalar):
                yield node


def _in_scalar(roots: list[Any], line: int, col: int) -> bool:
    """Whether the 1-based ``(line, col)`` lies inside a scalar (a key or value), not in a comment."""
    for node in _scalars(roots):
        if node.line <= line <= node.end_line:
            start = node.col if node.line == line else 1
            end = node.end_col if node.end_line == line else float("inf")
            if start <= col < end:
                return True
    return False


def comment_fits(doc: Document, line: int) -> bool:
    """Whether a ``#`` comment appended to ``line`` is a YAML comment: the file parses, and no
    scalar continues past the end of that line, and the line is not inside a block scalar."""
    roots = _yaml_roots(doc)
    if roots is None:
        return False
    for node in _scalars(roots):
        if node.end_line == node.line:
            continue
        if node.style in ("|", ">"):
            if node.line < line and (line < node.end_line or (line == node.end_line and node.end_col > 1)):
                return False
        elif node.line <= line < node.end_line:
            return False
    return True


def _workspace_edit(doc: Document, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    """Edits of one document (``changes``, which every client supports)."""
    return types.WorkspaceEdit(changes={doc.uri: list(edits)})
