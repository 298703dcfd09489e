"""Write a file so that readers see either the old content or the whole new content.

Reports and baselines are written to a temporary file in the target's folder, flushed to disk,
then renamed over the target (``os.replace`` is atomic on POSIX and Windows). An unwritable
folder, a full disk, an interrupted run or a crash while formatting leaves any previous file as
it was and removes the temporary file. Missing parent folders are created first (as ruff does).

* :func:`atomic_open`: a text stream to write into (what the reporters use);
* :func:`atomic_path`: a temporary path for code that insists on opening the file itself.

Both raise :class:`OSError` (with the target's path in ``filename``) when the file cannot be
written; the command line turns that into a one-line error and exit status 2.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


def _prepare(path: str) -> tuple[int, str]:
    """Create the target's parent folders; return a new temporary file's descriptor and path."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(21, "is a directory", path)
    os.makedirs(folder, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    return fd, temp


def _mode_for(path: str) -> int:
    """The permissions the finished file gets: the old file's, else the usual ones for a new file."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _finish(temp: str, path: str) -> None:
    os.chmod(temp, _mode_for(path))
    os.replace(temp, path)


def _discard(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass


@contextmanager
def atomic_open(path: str, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text stream whose content replaces ``path`` only when the ``with`` block ends normally.

    Characters the encoding cannot represent (a lone surrogate from a hostile file) are written
    as backslash escapes rather than failing the whole report.
    """
    fd, temp = _prepare(path)
    try:
        with os.fdopen(fd, "w", encoding=encoding, errors="backslashreplace", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _finish(temp, path)
    except BaseException:
        _discard(temp)
        raise


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """A temporary path next to ``path``; whatever is written there replaces ``path`` when the
    ``with`` block ends normally, and is removed otherwise."""
    fd, temp = _prepare(path)
    os.close(fd)
    try:
        yield temp
        _finish(temp, path)
    except BaseException:
        _discard(temp)
        raise


def write_in_place(path: str, data: bytes) -> None:
    """Overwrite the file ``path`` with ``data`` in place, as ruff and most editors do: the file
    keeps its inode, so its hard links, owner, group, permissions and extended attributes stay.
    Not atomic (a crash mid-write can leave it partly written), so it is used only where a
    rename would change what the file is (see :mod:`pipelint.fixes.files`). A symbolic link is
    refused (``OSError``), never followed."""
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
