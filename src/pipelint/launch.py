"""The ``pipelint`` executable (and ``python -m pipelint``): parse, run, exit quickly.

A common `pipelint check` command line (:func:`pipelint.fast_argv.parse_check`) runs without
importing click; every other command line goes to the click application in
:mod:`pipelint.cli`, which stays the definition of the interface (help, errors, every option).
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    """The ``pipelint`` command: parse the command line, run it, then exit quickly.

    Once the report is written and flushed, the process ends with ``os._exit``: tearing the
    interpreter down (freeing every node of every file read) takes longer than linting a small
    repository, and nothing is left to do. Code that embeds pipelint (and the tests) calls
    :func:`pipelint.cli.main` and gets the usual ``SystemExit``.

    The cycle collector is off for the whole command, as it is inside every lint run
    (:mod:`pipelint.engine.collector`): with it on, formatting the report would walk every
    node kept for the project rules once more.
    """
    import gc

    from .engine.interrupt import exit_on_signals

    gc.disable()
    try:
        with exit_on_signals():  # SIGINT/SIGTERM: exit 128 + signal, workers killed, no report
            _dispatch(sys.argv[1:])
        status = 0
    except SystemExit as stop:
        if isinstance(stop.code, int) or stop.code is None:
            status = stop.code or 0
        else:  # sys.exit("message"): Python would print it and exit with 1
            print(stop.code, file=sys.stderr)
            status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`pipelint … | head`) or stream
            pass
    os._exit(status)


def _dispatch(argv: list[str]) -> None:
    """Run ``argv`` as click's standalone mode would; always ends in ``SystemExit``."""
    from .fast_argv import parse_check

    params = parse_check(argv, os.environ)
    if params is None:
        from .cli import main

        main()
        return
    from .check_command import echo, run_check

    # What click's standalone mode does around a command, for the exceptions that can leave it.
    try:
        run_check(**params)
    except (EOFError, KeyboardInterrupt):
        echo("", err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as error:
        import errno

        if error.errno != errno.EPIPE:
            raise
        sys.exit(1)
    sys.exit(0)
