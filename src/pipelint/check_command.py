"""The work of `pipelint check`, without the command-line parsing (that is :mod:`pipelint.cli`).

This module imports nothing heavy, so that :mod:`pipelint.launch` can run the common case of
`pipelint check` without importing click (about a third of a cold start); :func:`echo` writes lines as click
did when this code lived in the click command, importing click only for text it must style or
re-encode.
Exit statuses are those documented in :mod:`pipelint.cli`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

FORMATS = ("text", "json", "sarif", "github", "junit", "html", "gitlab", "checkstyle", "rdjson")
FAIL_ON = ("error", "warning", "note", "never")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _split(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def _use_color(flag: bool | None, stream: Any) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def echo(text: str, nl: bool = True, err: bool = False) -> None:
    """Write ``text`` on stdout (or stderr) as ``click.echo`` would.

    A plain line is written and flushed directly: importing click for it costs about a quarter of
    a cold start, and a one-file run that only prints a notice (BS901 without shellcheck) paid
    that. Text holding an escape sequence (click strips styles when the stream is not a
    terminal), or that the stream cannot encode (click replaces it), goes through click.
    """
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # pythonw, or a closed descriptor: click.echo writes nothing either
        return
    if "\x1b" not in text:
        try:
            stream.write(text + "\n" if nl else text)
        except UnicodeEncodeError:  # encoded before anything is written, so nothing was
            pass
        else:
            stream.flush()
            return
    import click

    click.echo(text, nl=nl, err=err)


def run_check(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
              config_path: str | None, isolated: bool, rules_dir: tuple[str, ...], baseline: str | None, write_baseline: str | None,
              jobs: int | None, color: bool | None, statistics: bool, max_file_size: int | None, quiet: bool, skip_unrecognised: bool,
              force_exclude: bool, follow_symlinks: bool, trust_config_plugins: bool, show_settings_for: str | None,
              exit_zero: bool, stdin_filename: str | None, verbose: bool, no_cache: bool = False, cache_dir: str | None = None,
              fix: bool = False, unsafe_fixes: bool = False, diff: bool = False, show_fixes: bool = False) -> None:
    """`pipelint check` with its options already parsed (the parameters of :func:`pipelint.cli.check`).

    Ends with ``sys.exit`` and the documented status, except after ``--show-settings`` (returns).
    """
    common: dict[str, Any] = dict(
        select=_split(select), ignore=_split(ignore), fail_on="never" if exit_zero else fail_on, rules_dirs=list(rules_dir),
        jobs=jobs, max_file_size=max_file_size, report_unrecognised=not skip_unrecognised,
        trust_config_plugins=True if trust_config_plugins else None, cache_dir=cache_dir, no_cache=no_cache,
    )
    request = CheckRequest(
        targets=list(paths) or ["."], fmt=fmt, output=output, config_path=config_path, isolated=isolated, baseline=baseline,
        write_baseline=write_baseline, color=color, statistics=statistics, quiet=quiet, force_exclude=force_exclude,
        follow_symlinks=follow_symlinks, show_settings_for=show_settings_for, stdin_filename=stdin_filename, verbose=verbose,
        fix=fix, unsafe_fixes=unsafe_fixes, diff=diff, show_fixes=show_fixes,
    )
    try:
        _check(request, common)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as error:  # never a traceback: say what broke, exit "internal error"
        _error(f"internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_INTERNAL)


class CheckRequest:
    """What `pipelint check` was asked to do, apart from the options every group's settings take."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    targets: list[str]
    fmt: str
    output: str | None
    config_path: str | None
    isolated: bool
    baseline: str | None
    write_baseline: str | None
    color: bool | None
    statistics: bool
    quiet: bool
    force_exclude: bool
    follow_symlinks: bool
    show_settings_for: str | None
    stdin_filename: str | None
    verbose: bool
    fix: bool
    unsafe_fixes: bool
    diff: bool
    show_fixes: bool


def _error(text: str) -> None:
    """One line on stderr, escaped (it may quote a path or value from the linted files)."""
    from .reporters.safe import clean

    echo(f"pipelint: {clean(text)}", err=True)


def _write_error(what: str, path: str, error: OSError) -> None:
    _error(f"error: cannot write {what} {path}: {error.strerror or error}")


def _check(request: CheckRequest, common: dict[str, Any]) -> None:
    from .config import ConfigError
    from .discover import PathError
    from .engine.plan import failing, make_plan, plan_for_entries, run_plan, show_settings

    targets = request.targets
    if "-" in targets and len(targets) > 1:
        _error("error: `-` (standard input) cannot be combined with other paths")
        sys.exit(EXIT_USAGE)
    reading_stdin = targets == ["-"]
    if request.stdin_filename and not reading_stdin:
        _error("error: --stdin-filename needs `-` as the path")
        sys.exit(EXIT_USAGE)
    if request.show_fixes and not request.fix:
        _error("error: --show-fixes needs --fix")
        sys.exit(EXIT_USAGE)
    if request.fix and request.diff:
        _error("error: --diff shows what --fix would do; use one of them")
        sys.exit(EXIT_USAGE)
    if (request.fix or request.diff) and request.write_baseline:
        _error("error: --fix and --diff cannot be combined with --write-baseline")
        sys.exit(EXIT_USAGE)
    temp_dir = None
    fixed_files: list[Any] = []
    try:
        if request.show_settings_for is not None:
            if not os.path.lexists(request.show_settings_for):
                raise PathError(f"{request.show_settings_for}: no such file or directory")
            echo(show_settings(request.show_settings_for, config_path=request.config_path, isolated=request.isolated, **common), nl=False)
            from .engine.notices import drain

            for notice in drain():
                _error(notice)
            return
        if reading_stdin:
            kept: list[Any] = []

            def read_stdin(max_bytes: int) -> list[Any]:
                folder, entries = _stdin_entry(request.stdin_filename, max_bytes)
                kept.append(folder)
                return entries

            try:
                plan = plan_for_entries(read_stdin, request.stdin_filename or ".", config_path=request.config_path,
                                        isolated=request.isolated, force_exclude=request.force_exclude, **common)
            finally:
                temp_dir = kept[0] if kept else None
        else:
            plan = make_plan(targets, config_path=request.config_path, isolated=request.isolated, force_exclude=request.force_exclude,
                             follow_symlinks=request.follow_symlinks, **common)
        progress = _progress_printer() if request.fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI") else None
        result = run_plan(plan, jobs=common["jobs"], progress=progress)
        if request.fix or request.diff:
            fixed_files, result = _fix(request, plan, result, reading_stdin, common["jobs"])
    except (ConfigError, PathError) as error:
        _error(f"error: {error}")
        sys.exit(EXIT_USAGE)
    finally:
        if temp_dir is not None:
            temp_dir.cleanup()
    for notice in result.notices:
        _error(notice)
    if request.verbose:
        groups = list(plan.groups.values())
        max_bytes = groups[0].settings.limits.max_bytes if groups else 5 * 1024 * 1024
        _list_files([e for g in groups for e in g.entries], result, max_bytes, plan.skipped)
    if request.write_baseline:
        from .atomic import atomic_path
        from .baseline import write_baseline as write

        try:
            with atomic_path(request.write_baseline) as temp:
                write(temp, result.findings)
        except OSError as error:
            _write_error("baseline", request.write_baseline, error)
            sys.exit(EXIT_USAGE)
        _error(f"wrote {len(result.findings)} finding(s) to baseline {request.write_baseline}")
    if request.baseline:
        from .baseline import BaselineError, apply_baseline

        try:
            apply_baseline(request.baseline, result)
        except BaselineError as error:
            _error(f"error: {error}")
            sys.exit(EXIT_USAGE)
    internal = result.internal_error
    fail_on = common["fail_on"] or plan.default_fail_on()
    options = {"quiet": request.quiet, "statistics": request.statistics, "fail_on": fail_on}
    # With --fix on standard input the fixed text goes to stdout, so the report goes to stderr.
    report_stream = sys.stderr if request.fix and reading_stdin else None
    try:
        internal = _report(request.fmt, result, request.output, request.color, options, report_stream) or internal
    except OSError as error:
        if request.output is None:  # stdout is closed or failing: nowhere left to report
            sys.exit(EXIT_INTERNAL)
        _write_error("report", request.output, error)
        sys.exit(EXIT_USAGE)
    if request.statistics and request.fmt != "text":
        from .reporters.text import render_statistics

        render_statistics(result, sys.stderr)
    _fix_lines(request, fixed_files, result, report_stream)
    if internal:
        sys.exit(EXIT_INTERNAL)
    if request.fix and any(item.outcome.unwritten for item in fixed_files):
        sys.exit(EXIT_USAGE)  # a file --fix had to write could not be: like an unwritable report
    if request.write_baseline:
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if failing(plan, result, common["fail_on"]) else EXIT_CLEAN)


def _fix(request: CheckRequest, plan: Any, result: Any, reading_stdin: bool, jobs: int | None) -> tuple[list[Any], Any]:
    """``--fix``/``--diff``: fix the files in memory; for ``--diff`` print the diffs and exit,
    for ``--fix`` write the files and lint again. Returns the files looked at and the result
    to report."""
    from .baseline import BaselineError
    from .engine.plan import run_plan
    from .fixes.command import baselined_fingerprints, count_fixed, fix_plan, refusals

    try:
        baselined = baselined_fingerprints(request.baseline)
    except BaselineError as error:
        _error(f"error: {error}")
        sys.exit(EXIT_USAGE)
    files = fix_plan(plan, result, request.unsafe_fixes, baselined)
    for line in refusals(files):
        _error(line)
    changed = [item for item in files if item.outcome.changed]
    if request.diff:
        from .fixes.diff import unified_diff

        for notice in result.notices:  # the report, which prints them otherwise, is not written
            _error(notice)

        try:
            for item in changed:
                sys.stdout.write(unified_diff(item.path, item.outcome.original, item.outcome.text, item.secrets))
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        count = count_fixed(files)
        if count:
            _error(f"would fix {count} finding{'s' if count != 1 else ''} in {len(changed)} file{'s' if len(changed) != 1 else ''}")
        else:
            _error("no fixes to apply")
        sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    from .fixes.files import write_fixed

    for item in changed:
        try:
            write_fixed(item.entry, item.outcome, item.root)
        except OSError as error:
            _error(f"{item.path}: not fixed: cannot write it: {error.strerror or error}")
            item.outcome.text = item.outcome.original
    if reading_stdin:
        _write_stdin_result(plan)
    if any(item.outcome.changed for item in files):
        result = run_plan(plan, jobs=jobs)
    return files, result


def _write_stdin_result(plan: Any) -> None:
    """``--fix`` on standard input: its saved copy (fixed, or as it came) to stdout, byte for
    byte (line endings and byte-order mark included)."""
    data = b""
    for group in plan.groups.values():
        for entry in group.entries:
            with open(entry.path, "rb") as handle:
                data = handle.read()
    try:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8", "replace"))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _fix_lines(request: CheckRequest, files: list[Any], result: Any, stream: Any) -> None:
    """After the report: ``--show-fixes``, the ``--fix`` summary, or the hint that fixes exist."""
    if not request.fix and not any(f.edit is not None for f in result.findings):
        return
    from .fixes.command import available_hint, count_fixed, show_fixes, summary, unwritten

    text_out = request.fmt == "text" and not request.output and stream is None
    target = sys.stdout if text_out and not request.quiet else sys.stderr
    try:
        if request.fix:
            if request.show_fixes:
                target.write(show_fixes(files))
            target.write(summary(count_fixed(files), len(result.findings), len(unwritten(files))) + "\n")
        elif text_out and not request.quiet:
            hint = available_hint(result.findings, request.unsafe_fixes)
            if hint:
                target.write(hint + "\n")
        target.flush()
    except BrokenPipeError:
        _silence_stdout()


def _report(fmt: str, result: Any, output: str | None, color: bool | None, options: dict[str, Any], stream: Any = None) -> bool:
    """Write the report to ``output`` (atomically) or stdout; return whether the reporter crashed.

    A crashed reporter leaves a previous ``output`` file untouched. A reader that closes the pipe
    early (``pipelint check | head``) ends the report quietly. ``OSError`` means the file could
    not be written.
    """
    from .reporters import render

    if output:
        from .atomic import atomic_open

        try:
            with atomic_open(output) as stream:
                render(fmt, result, stream, color=bool(color), **options)
        except OSError:
            raise
        except Exception as error:  # a reporter crash: report it, keep the exit status meaningful
            _error(f"internal error in the {fmt} reporter: {type(error).__name__}: {error}; {output} was left as it was")
            return True
        return False
    stream = stream or sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="backslashreplace")  # a lone surrogate must not end the report
        except (ValueError, OSError):
            pass
    try:
        render(fmt, result, stream, color=_use_color(color, stream), **options)
        stream.flush()
    except BrokenPipeError:
        _silence_stdout()
    except Exception as error:
        _error(f"internal error in the {fmt} reporter: {type(error).__name__}: {error}")
        return True
    return False


def _silence_stdout() -> None:
    """The reader went away: send whatever is still buffered for stdout nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _stdin_entry(name: str | None, max_bytes: int) -> tuple[Any, list[Any]]:
    """Standard input saved to a private temporary file, as the one entry to lint under ``name``."""
    import tempfile

    from .discover import FileEntry, PathError, display_path

    base = os.path.basename(name) if name else "stdin"
    if base in ("", ".", "..") or len(os.fsencode(base)) > 200:
        raise PathError(f"--stdin-filename {name!r} must name a file (a name of at most 200 bytes, not a folder)")
    data = sys.stdin.buffer.read(max_bytes + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    temp_dir = tempfile.TemporaryDirectory(prefix="pipelint-stdin-")
    shown = display_path(name) if name else "<stdin>"
    temp = os.path.join(temp_dir.name, base)
    with open(temp, "wb") as handle:
        handle.write(data)
    return temp_dir, [FileEntry(temp, shown, True)]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1


def _list_files(entries: list[Any], result: Any, max_bytes: int, skipped: list[tuple[str, str]]) -> None:
    """``-v``: what discovery passed over and why, then each file found, with its kind or why it
    was not linted."""
    from .discover import display_path

    for path, reason in skipped:
        shown = display_path(path) + ("/" if path.endswith(os.sep) else "")
        _error(f"skipped {shown}: {reason}")
    flagged = {f.path: f.code for f in result.findings if f.code in ("PL007", "PL013", "PL014")}
    for entry in entries:
        kind = result.file_kinds.get(entry.display)
        if kind:
            _error(f"linted {entry.display} as {kind}")
        elif entry.display in flagged:
            _error(f"not linted {entry.display}: see its {flagged[entry.display]} finding")
        elif entry.explicit:
            _error(f"not linted {entry.display}: not a kind pipelint reads")
        elif _size(entry.path) > max_bytes:
            _error(f"skipped {entry.display}: larger than max-file-size ({max_bytes} bytes)")
        else:
            _error(f"skipped {entry.display}: found by walking, but neither its name nor its content is a kind pipelint reads")
    _error(f"{len(entries)} file{'s' if len(entries) != 1 else ''} found, {result.files} linted")


def _progress_printer() -> Any:
    def show(done: int, total: int) -> None:
        if total >= 50:
            sys.stderr.write(f"\r\033[Klinting {done}/{total} files")
            if done == total:
                sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    return show
