"""Linting many files in several processes (``--jobs N``) with the same result as one process.

Where ``fork`` exists, the main process is one of the workers: it forks ``N - 1`` children,
and all of them take files from one shared queue. Project rules (the cross-file checks) run on
each file in whichever process linted it; only files that share keys (see
``Settings.share_keys`` and :mod:`pipelint.engine.joint`) are checked again together, in the
main process, after every file is linted. Documents cannot cheaply cross process boundaries
(pickling a tree costs about as much as parsing it again), so the queue holds the files that
may hold pipelines or CodeBuild projects last; the children take from the front and the main
process from the back, keeping the documents of the shared files it lints (within
``joint.KEEP_BYTES``); the joint runs read the others again. Children send their results when
they are done. A child that dies is not fatal: the main process lints whatever it did not
report.

Elsewhere (Windows, macOS: no ``memfd``), a process pool lints every file, and the joint runs
read the shared files again.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..discover import FileEntry
    from .runner import FileResult, Settings

# A `pipeline:` key (CLI definitions); the resource types are found with plain substring search,
# which is ten times faster than one regular expression with alternatives.
_PIPELINE_KEY = re.compile(rb"pipeline[\"']?\s*:")


def feeds_project_rules(entry: FileEntry, limit: int) -> bool:
    """Whether a file may hold a pipeline or CodeBuild project (cheap byte search)."""
    from ..load import read_limited

    try:
        data = read_limited(entry.path, limit)
    except OSError:
        return False
    return b"AWS::CodePipeline::Pipeline" in data or b"AWS::CodeBuild::Project" in data or _PIPELINE_KEY.search(data) is not None


def lint_in_parallel(entries: list[FileEntry], settings: Settings, workers: int, progress: Any) -> list[FileResult]:
    """Lint ``entries`` in ``workers`` processes; results in the order of ``entries``.

    The results of shared files the main process linted carry their documents (within
    ``joint.KEEP_BYTES``).
    """
    if hasattr(os, "fork") and hasattr(os, "memfd_create"):
        return _with_fork(entries, settings, workers, progress)
    return _with_pool(entries, settings, workers, progress)


class _Queue:
    """The shared queue of file positions: two counters in shared memory, under a lock.

    Children take positions from the front, the main process from the back. The counters live
    in an anonymous shared file (``memfd``) mapped by every process; ``lockf`` on that file is
    the lock (POSIX record locks belong to a process, so the kernel drops a dead child's lock).
    ``multiprocessing`` would do the same but costs ~35 ms to import, a tenth of a corpus run.
    """

    def __init__(self, size: int) -> None:
        import fcntl
        import mmap

        self._fcntl = fcntl
        self.fd = os.memfd_create("pipelint-queue")
        os.ftruncate(self.fd, 16)
        self._memory = mmap.mmap(self.fd, 16)
        self._set(0, 0)
        self._set(1, size)

    def _get(self, slot: int) -> int:
        return int.from_bytes(self._memory[slot * 8:slot * 8 + 8], "little")

    def _set(self, slot: int, value: int) -> None:
        self._memory[slot * 8:slot * 8 + 8] = value.to_bytes(8, "little")

    def __enter__(self) -> _Queue:
        self._fcntl.lockf(self.fd, self._fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        self._fcntl.lockf(self.fd, self._fcntl.LOCK_UN)

    @property
    def front(self) -> int:
        """The next position a child takes (call with the lock held)."""
        return self._get(0)

    @property
    def back(self) -> int:
        """One after the last position still free (call with the lock held)."""
        return self._get(1)

    def take_front(self) -> int | None:
        """A position for a child, or None when the queue is empty (call with the lock held)."""
        front = self._get(0)
        if front >= self._get(1):
            return None
        self._set(0, front + 1)
        return front

    def take_back(self) -> int | None:
        """A position for the main process, or None when the queue is empty (lock held)."""
        back = self._get(1)
        if self._get(0) >= back:
            return None
        self._set(1, back - 1)
        return back - 1

    def close(self) -> None:
        """Release the shared memory."""
        self._memory.close()
        os.close(self.fd)


def _with_fork(entries: list[FileEntry], settings: Settings, workers: int, progress: Any) -> list[FileResult]:
    from .interrupt import kill_children, prepare_to_fork

    marked = [feeds_project_rules(entry, settings.limits.max_bytes) for entry in entries]
    order = [i for i, m in enumerate(marked) if not m] + [i for i, m in enumerate(marked) if m]
    queue = _Queue(len(order))
    children: list[tuple[int, int]] = []
    unreaped: list[int] = []
    prepare_to_fork()
    try:
        parent = os.getpid()
        for _ in range(workers - 1):
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the caller
                status = 1
                try:
                    from .interrupt import die_with_parent

                    die_with_parent(parent)
                    os.close(reader)
                    _child(entries, order, queue, writer, settings, parent)
                    status = 0
                finally:
                    os._exit(status)
            unreaped.append(pid)
            os.close(writer)
            children.append((pid, reader))
        return _lint_with_children(entries, order, queue, children, unreaped, settings, progress)
    except BaseException:
        # Interrupted (SIGINT/SIGTERM become `interrupt.Interrupted` in the command line) or
        # failed: no worker may outlive the run.
        kill_children(unreaped)
        raise
    finally:
        for _pid, reader in children:
            try:
                os.close(reader)
            except OSError:  # closed already
                pass
        queue.close()


def _lint_with_children(entries: list[FileEntry], order: list[int], queue: _Queue, children: list[tuple[int, int]], unreaped: list[int],
                        settings: Settings, progress: Any) -> list[FileResult]:
    """The main process's part of a forked run: lint from the back of the queue, then collect
    the children's results (``unreaped`` loses each child as it is reaped)."""
    import pickle

    from .joint import KeepBudget
    from .runner import lint_entry

    budget = KeepBudget()
    results: list[FileResult | None] = [None] * len(entries)
    while True:
        with queue:
            position = queue.take_back()
            claimed = queue.front + len(order) - queue.back
        if position is None:
            break
        index = order[position]
        file_result = lint_entry(entries[index], settings, keep=True)
        budget.admit(file_result)
        results[index] = file_result
        if progress:
            progress(claimed, len(entries))

    for pid, reader in children:
        # Read the child's results as they arrive (pickle reads the stream in frames), not
        # the whole pickle into memory first.
        try:
            with os.fdopen(reader, "rb", closefd=False) as stream:
                for index, file_result in pickle.load(stream):
                    results[index] = file_result
        except Exception:  # the child died before reporting all: its files are linted below
            while os.read(reader, 1 << 16):  # whatever is left, so that a live child can finish
                pass
        os.waitpid(pid, 0)
        unreaped.remove(pid)
    final: list[FileResult] = []
    for index, reported in enumerate(results):
        if reported is None:
            reported = lint_entry(entries[index], settings, keep=True)
            budget.admit(reported)
        final.append(reported)
    if progress:
        progress(len(entries), len(entries))
    return final


def _child(entries: list[FileEntry], order: list[int], queue: _Queue, writer: int, settings: Settings, parent: int) -> None:
    """A forked worker: lint files from the front of the queue, then send every result at
    once. It stops when its parent is gone."""
    import pickle

    from .interrupt import parent_alive
    from .runner import lint_entry

    produced: list[tuple[int, FileResult]] = []
    while parent_alive(parent):
        with queue:
            position = queue.take_front()
        if position is None:
            break
        index = order[position]
        produced.append((index, lint_entry(entries[index], settings)))
    with os.fdopen(writer, "wb") as stream:
        pickle.dump(produced, stream, protocol=pickle.HIGHEST_PROTOCOL)


def _with_pool(entries: list[FileEntry], settings: Settings, workers: int, progress: Any) -> list[FileResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .runner import lint_entry

    chunk = max(1, len(entries) // (workers * 8))
    results: list[FileResult] = []
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_pool_worker, initargs=(settings, os.getpid())) as pool:
        futures = [pool.submit(_lint_chunk, entries[first:first + chunk]) for first in range(0, len(entries), chunk)]
        try:
            for future in futures:
                for file_result in future.result():
                    results.append(file_result)
                    if progress:
                        progress(len(results), len(entries))
        except BrokenProcessPool:  # a worker died: lint the rest here
            pass
        except BaseException:  # interrupted: no worker may outlive the run
            from .interrupt import kill_children

            # The pool's manager thread sees the workers die, fails the pending futures and
            # stops; nothing cancels them meanwhile (that races with it).
            kill_children([process.pid for process in list(getattr(pool, "_processes", {}).values()) if process.pid], reap=False)
            pool.shutdown(wait=True)
            raise
    for entry in entries[len(results):]:
        results.append(lint_entry(entry, settings))
    return results


def _lint_chunk(entries: list[FileEntry]) -> list[FileResult]:
    """Lint some files in a pool worker (with the settings its initializer received)."""
    from .runner import lint_entry

    return [lint_entry(entry) for entry in entries]


def _pool_worker(settings: Settings, parent: int) -> None:
    """Set up a pool worker: it dies with its parent, and lints with the run's settings."""
    from .interrupt import die_with_parent
    from .runner import set_worker_settings

    die_with_parent(parent)
    set_worker_settings(settings)
