"""Stopping a run on SIGINT or SIGTERM: the exit status, and no worker left behind.

The command line runs inside :func:`exit_on_signals`: the first SIGINT or SIGTERM raises
:class:`Interrupted`, a ``SystemExit`` whose code is 128 + the signal number (130 for Ctrl-C,
143 for ``kill``), as shells report a process killed by a signal. It unwinds through the
engine, which kills and reaps its worker processes on the way out (``engine.parallel``), and
through the command, which then writes no report. Workers themselves ask Linux to kill them
when their parent dies (:func:`die_with_parent`), so not even ``kill -9`` of the main process
leaves one running.

Code that embeds pipelint and calls the engine directly keeps Python's usual behaviour
(``KeyboardInterrupt``); the engine's clean-up runs for any exception.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Interrupted(SystemExit):
    """The run was stopped by a signal; ``code`` is 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    # Later signals are ignored while the first one unwinds (and kills the workers): a second
    # Ctrl-C must not interrupt the clean-up.
    for other in _SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


@contextmanager
def exit_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only;
    handlers installed by someone else are left alone). The previous handlers come back
    afterwards."""
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    previous = {}
    for signum in _SIGNALS:
        current = signal.getsignal(signum)
        if current is defaults[signum]:
            try:
                signal.signal(signum, _stop)
            except ValueError:  # not the main thread: Python delivers signals there only
                break
            previous[signum] = current
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def prepare_to_fork() -> None:
    """Import what a worker needs to call :func:`die_with_parent`, once, before forking."""
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: F401 - imported once here, not in every child


def die_with_parent(parent: int) -> None:
    """In a freshly forked worker: die by SIGKILL when ``parent`` dies (Linux ``prctl``), take
    the default action for SIGINT and SIGTERM, and exit at once if the parent is already gone."""
    for signum in _SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the pipe and the parent check remain
            pass
    if os.getppid() != parent:
        os._exit(1)


def parent_alive(parent: int) -> bool:
    """Whether the process that forked this worker is still its parent."""
    return os.getppid() == parent


def kill_children(pids: list[int], reap: bool = True) -> None:
    """SIGKILL each worker and reap it (ignoring those already gone); ``reap=False`` leaves
    the reaping to whoever started them (``multiprocessing``)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in pids if reap else ():
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
