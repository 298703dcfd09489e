"""Fix files on disk: read one linted file, fix its text (:mod:`.session`) by linting candidate
texts exactly as the file itself is linted, and write the result atomically.

A candidate text is linted from a private temporary copy under the file's own name and display
path, with the file's own settings, so kind, configuration, suppression comments,
``per-file-ignores`` and the baseline apply as they do to the file. Only UTF-8 files are fixed
(a byte-order mark is kept).

Where a fixed file is written (:func:`refusal` says why not):

* never through a symbolic link: a file that is a link is not fixed (fix its target), as the
  command line does not lint a named link without ``--follow-symlinks``;
* never outside the tree it was named under: its real path must lie in the real path of the
  folder named on the command line, or, for a file named itself, of the working directory (when
  it was named by a path below it) or of the folder it was named in. A folder in the path that
  is a link leading elsewhere makes the file refused, for reading and for writing;
* never a read-only file (no write permission for anyone, or not writable by this user); a file
  that could not be written is named on stderr, counted in the summary, and makes the run exit
  with status 2 (as an unwritable report does), so a refusal is never silent;
* a file with one name, owned by this user, is replaced atomically (a temporary file renamed
  over it, permissions kept); a file with several hard links or another owner is overwritten in
  place, as ruff does, so its links, owner and permissions stay.
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


def confinement_root(entry_path: str, target: str, cwd: str | None = None) -> str:
    """The folder a file found under the command-line path ``target`` must stay in: ``target``
    itself when it is a folder, else the working directory when the file was named by a path
    below it, else the folder it was named in."""
    if os.path.isdir(target):
        return target
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(entry_path)
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return cwd
    return os.path.dirname(absolute)


def refusal(path: str, root: str | None) -> str:
    """Why ``--fix`` must not read or write the file at ``path`` (see the module
    documentation), ``""`` when it may."""
    from ..discover import inside

    if os.path.islink(path):
        return "it is a symbolic link; --fix does not write through links (fix the file it points to)"
    if root is not None and not inside(path, root):
        return "a folder in its path is a symbolic link that leads outside the folder it was named under"
    return ""


def read_only(path: str) -> bool:
    """Whether the file has no write permission at all, or none for this user."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not mode & 0o222 or not os.access(path, os.W_OK)


def fix_entry(entry: Any, settings: Any, unsafe: bool, baselined: set[str] | None = None, root: str | None = None) -> FileFix:
    """Fix the file of a discovered ``entry`` in memory (nothing is written); ``root`` is the
    folder it must stay in (:func:`confinement_root`)."""
    from ..discover import FileEntry
    from ..engine.runner import _apply_path_ignores, lint_entry

    refused = refusal(entry.path, root)
    if refused:
        return FileFix("", "", [], f"not fixed: {refused}")
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


def write_fixed(entry: Any, fixed: FileFix, root: str | None = None) -> None:
    """Write the file's fixed text (``OSError`` if it cannot or must not be written; see the
    module documentation). On failure the reason is kept in ``fixed.unwritten`` as well, so the
    summary and the exit status can say that a file was not written."""
    try:
        _write_fixed(entry, fixed, root)
    except OSError as error:
        fixed.unwritten = error.strerror or str(error) or type(error).__name__
        raise


def _write_fixed(entry: Any, fixed: FileFix, root: str | None) -> None:
    from ..atomic import atomic_path, write_in_place

    refused = refusal(entry.path, root)
    if refused:
        raise PermissionError(1, refused, entry.display)
    target = os.path.realpath(entry.path)  # the checked place, whatever the path's links do next
    if read_only(target):
        raise PermissionError(13, "permission denied: the file is read-only", entry.display)
    read = read_text(target, 1 << 62)
    if isinstance(read, str) or read[1] != fixed.original:
        raise OSError(0, "the file changed while it was being fixed", entry.display)
    data = (read[0] + fixed.text).encode("utf-8")
    info = os.stat(target)
    if info.st_nlink > 1 or info.st_uid != getattr(os, "geteuid", lambda: info.st_uid)():
        write_in_place(target, data)
        return
    with atomic_path(target) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
