"""Fix files on disk: read one linted file, fix its text (:mod:`.session`) by linting candidate
texts exactly as the file itself is linted, and write the result atomically.

A candidate text is linted from a private temporary copy under the file's own name and display
path, with the file's own settings, so kind, configuration, suppression comments,
``per-file-ignores`` and the baseline apply as they do to the file. Only UTF-8 files are fixed
(a byte-order mark is kept); a symbolic link is written through to its target, which discovery
has already confined to the linted tree.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from .session import FileFix, Linted, fix_text

_BOM = "\ufeff"


def read_text(path: str, max_bytes: int) -> tuple[str, str] | str:
    """``(byte-order mark or "", text)`` of a UTF-8 file, or why it cannot be fixed."""
    from ..load import read_limited

    try:
        data = read_limited(path, max_bytes + 1)
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"
    if len(data) > max_bytes:
        return "it is larger than max-file-size"
    bom = ""
    if data.startswith(b"\xef\xbb\xbf"):
        bom, data = _BOM, data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "only UTF-8 files are fixed (this one is UTF-16)"
    try:
        return bom, data.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not valid UTF-8"


def fix_entry(entry: Any, settings: Any, unsafe: bool, baselined: set[str] | None = None) -> FileFix:
    """Fix the file of a discovered ``entry`` in memory (nothing is written)."""
    from ..discover import FileEntry
    from ..engine.runner import _apply_path_ignores, lint_entry

    read = read_text(entry.path, settings.limits.max_bytes)
    if isinstance(read, str):
        return FileFix("", "", [], f"not fixed: {read}")
    bom, text = read
    with tempfile.TemporaryDirectory(prefix="pipelint-fix-") as folder:
        temp = os.path.join(folder, os.path.basename(entry.path) or "file")
        copy = FileEntry(temp, entry.display, entry.explicit)

        def lint(candidate: str) -> Linted:
            with open(temp, "wb") as handle:
                handle.write((bom + candidate).encode("utf-8"))
            result = lint_entry(copy, settings, keep=False)
            findings = [*result.findings, *(f for f in result.project_findings if f.path == entry.display)]
            for finding in findings:
                if not finding.fingerprint:
                    finding.fingerprint = finding.compute_fingerprint()
            return Linted(result.kind, _apply_path_ignores(findings, settings), baselined)

        return fix_text(text, lint, unsafe)


def write_fixed(entry: Any, fixed: FileFix) -> None:
    """Replace the file with its fixed text, atomically (``OSError`` if it cannot be written)."""
    from ..atomic import atomic_path

    target = os.path.realpath(entry.path) if os.path.islink(entry.path) else entry.path
    read = read_text(target, 1 << 62)
    if isinstance(read, str) or read[1] != fixed.original:
        raise OSError(0, "the file changed while it was being fixed", entry.display)
    with atomic_path(target) as temp:
        with open(temp, "wb") as handle:
            handle.write((read[0] + fixed.text).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
