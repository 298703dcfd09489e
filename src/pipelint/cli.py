"""The ``pipelint`` command line (docs/architecture.md, stage 1).

Exit status: 0 nothing at or above ``--fail-on`` (always with ``--exit-zero``, and once
``--write-baseline`` has written its file); 1 findings at or above it; 2 usage, path or config
error, or a report/baseline file that cannot be written; 3 internal error (a rule or reporter
crashed; other results are still reported); 128 + the signal number (130, 143) when SIGINT or
SIGTERM stops the run. The status never depends on ``--format``, and a reader that closes the
pipe early does not change it. No option ends in a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from . import __version__

FORMATS = ("text", "json", "sarif", "github", "junit", "html", "gitlab", "checkstyle", "rdjson")
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="pipelint")
def main() -> None:
    """Lint AWS CI/CD files: buildspecs, appspecs, CodePipeline definitions, IAM policies, secrets."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "--output-format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format (--output-format is an alias).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout (missing folders are created; the file is replaced atomically).")
@click.option("--select", multiple=True, help="Only these rules (codes, names or prefixes; comma-separated or repeated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, names or prefixes).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), help="Lowest severity that fails the run [default: warning].")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: nearest .pipelint.toml or pyproject.toml).")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False), help="Load plugin rules from this folder.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record the current findings as the baseline in this file, then exit 0.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Parallel worker processes [default: CPUs, at most 8].")
@click.option("--color/--no-color", default=None, help="Colour the text output [default: when stdout is a terminal; honours NO_COLOR, FORCE_COLOR].")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule.")
@click.option("--max-file-size", type=click.IntRange(1), help="Skip files larger than this many bytes [default: 5 MB].")
@click.option("--quiet", "-q", is_flag=True, help="Text output: findings only, no code frames or summary.")
@click.option("--no-unrecognised", "skip_unrecognised", is_flag=True, help="Skip named files that are not a kind pipelint reads, instead of reporting them (for pre-commit).")
@click.option("--force-exclude", is_flag=True, help="Apply `exclude` to files named on the command line too (for pre-commit, which names every file).")
@click.option("--follow-symlinks", is_flag=True, help="Lint symbolic links to files (only those whose target stays inside the linted folder).")
@click.option("--trust-config-plugins", is_flag=True, help="Load plugin rules named by `rules-dir` in the linted repository's config (runs its code).")
@click.option("--show-settings", "show_settings_for", type=click.Path(), metavar="FILE", help="Print the settings that apply to FILE, and which config file they come from; lint nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (same as --fail-on never).")
@click.option("--stdin-filename", metavar="PATH", help="With PATH `-`: the name of the file read from standard input (it decides the kind and names the findings).")
@click.option("--verbose", "-v", is_flag=True, help="List on stderr each file found, its kind, or why it was not linted.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache of shellcheck's results (also: PIPELINT_NO_CACHE=1).")
@click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR", help="Cache folder [default: PIPELINT_CACHE_DIR, else the user cache folder, e.g. ~/.cache/pipelint].")
def check(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
          config_path: str | None, isolated: bool, rules_dir: tuple[str, ...], baseline: str | None, write_baseline: str | None,
          jobs: int | None, color: bool | None, statistics: bool, max_file_size: int | None, quiet: bool, skip_unrecognised: bool,
          force_exclude: bool, follow_symlinks: bool, trust_config_plugins: bool, show_settings_for: str | None,
          exit_zero: bool, stdin_filename: str | None, verbose: bool, no_cache: bool, cache_dir: str | None) -> None:
    """Lint PATHS (files or directories; default: the current directory; `-` reads standard input).

    Each file is linted with the nearest config file at or above it (see `--show-settings`)."""
    common: dict[str, Any] = dict(
        select=_split(select), ignore=_split(ignore), fail_on="never" if exit_zero else fail_on, rules_dirs=list(rules_dir),
        jobs=jobs, max_file_size=max_file_size, report_unrecognised=not skip_unrecognised,
        trust_config_plugins=True if trust_config_plugins else None, cache_dir=cache_dir, no_cache=no_cache,
    )
    request = CheckRequest(
        targets=list(paths) or ["."], fmt=fmt, output=output, config_path=config_path, isolated=isolated, baseline=baseline,
        write_baseline=write_baseline, color=color, statistics=statistics, quiet=quiet, force_exclude=force_exclude,
        follow_symlinks=follow_symlinks, show_settings_for=show_settings_for, stdin_filename=stdin_filename, verbose=verbose,
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


def _error(text: str) -> None:
    """One line on stderr, escaped (it may quote a path or value from the linted files)."""
    from .reporters.safe import clean

    click.echo(f"pipelint: {clean(text)}", err=True)


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
    temp_dir = None
    try:
        if request.show_settings_for is not None:
            if not os.path.lexists(request.show_settings_for):
                raise PathError(f"{request.show_settings_for}: no such file or directory")
            click.echo(show_settings(request.show_settings_for, config_path=request.config_path, isolated=request.isolated, **common), nl=False)
            from .engine.notices import drain

            for notice in drain():
                _error(notice)
            return
        if reading_stdin:
            from .engine.runner import build_settings

            probe = build_settings(config_path=request.config_path, isolated=request.isolated, paths=[request.stdin_filename or "."], **common)
            temp_dir, entries = _stdin_entry(request.stdin_filename, probe.limits.max_bytes)
            plan = plan_for_entries(entries, request.stdin_filename or ".", config_path=request.config_path, isolated=request.isolated,
                                    force_exclude=request.force_exclude, **common)
        else:
            plan = make_plan(targets, config_path=request.config_path, isolated=request.isolated, force_exclude=request.force_exclude,
                             follow_symlinks=request.follow_symlinks, **common)
        progress = _progress_printer() if request.fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI") else None
        result = run_plan(plan, jobs=common["jobs"], progress=progress)
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
    try:
        internal = _report(request.fmt, result, request.output, request.color, options) or internal
    except OSError as error:
        if request.output is None:  # stdout is closed or failing: nowhere left to report
            sys.exit(EXIT_INTERNAL)
        _write_error("report", request.output, error)
        sys.exit(EXIT_USAGE)
    if request.statistics and request.fmt != "text":
        from .reporters.text import render_statistics

        render_statistics(result, sys.stderr)
    if internal:
        sys.exit(EXIT_INTERNAL)
    if request.write_baseline:
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if failing(plan, result, common["fail_on"]) else EXIT_CLEAN)


def _report(fmt: str, result: Any, output: str | None, color: bool | None, options: dict[str, Any]) -> bool:
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
    stream = sys.stdout
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

    from .discover import FileEntry, display_path

    data = sys.stdin.buffer.read(max_bytes + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    temp_dir = tempfile.TemporaryDirectory(prefix="pipelint-stdin-")
    shown = display_path(name) if name else "<stdin>"
    temp = os.path.join(temp_dir.name, os.path.basename(name) if name else "stdin")
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


@main.command()
@click.argument("ident", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False), help="Also list plugin rules from this folder.")
def rules(ident: str | None, fmt: str, rules_dir: tuple[str, ...]) -> None:
    """List all rules, or print the documentation of one rule (by code or name)."""
    from .docs import summary_text
    from .engine.registry import RuleLoadError, load_rules

    try:
        registry = load_rules(list(rules_dir))
    except RuleLoadError as error:
        click.echo(f"pipelint: error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if ident:
        found = registry.get(ident)
        if found is None:
            matches = registry.resolve(ident)
            if not matches:
                click.echo(f"pipelint: error: unknown rule {ident!r}", err=True)
                sys.exit(EXIT_USAGE)
            for item in matches:
                click.echo(f"{item.code}  {item.name:<40} {item.severity!s:<8} {summary_text(item.summary)}")
            return
        if fmt == "json":
            import json

            click.echo(json.dumps(_rule_dict(found), indent=2))
        else:
            from .docs import doc_text

            click.echo(f"{found.code} {found.name} ({found.severity}; {', '.join(found.kinds) or 'all files'})\n")
            click.echo(doc_text(found.doc))
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([_rule_dict(r) for r in registry.sorted()], indent=2))
    elif fmt == "markdown":
        from .docs import rules_markdown

        click.echo(rules_markdown(registry), nl=False)
    else:
        for item in registry.sorted():
            click.echo(f"{item.code:<7} {item.name:<42} {item.severity!s:<8} {summary_text(item.summary)}")


def _rule_dict(found: Any) -> dict[str, Any]:
    return {
        "code": found.code, "name": found.name, "severity": str(found.severity), "kinds": list(found.kinds),
        "scope": found.scope, "summary": found.summary, "doc": found.doc, "tags": list(found.tags),
        "security_severity": found.security_severity,
    }


@main.command()
@click.argument("kind", required=False)
@click.option("--path", "show_path", is_flag=True, help="Print the schema file's path instead of its content.")
def schema(kind: str | None, show_path: bool) -> None:
    """Print the JSON Schema of a document KIND (for editors), or list the kinds."""
    from .schemas import SchemaNotFound, list_schemas, schema_path

    if not kind:
        for name in list_schemas():
            click.echo(name)
        return
    try:
        path = schema_path(kind)
    except SchemaNotFound as error:
        click.echo(f"pipelint: error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if show_path:
        click.echo(path)
    else:
        with open(path, encoding="utf-8") as handle:
            click.echo(handle.read(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()


def run() -> None:
    """The ``pipelint`` command: :func:`main`, then a quick exit.

    Once the report is written and flushed, the process ends with ``os._exit``: tearing the
    interpreter down (freeing every node of every file read) takes longer than linting a small
    repository, and nothing is left to do. Code that embeds pipelint (and the tests) calls
    :func:`main` and gets the usual ``SystemExit``.

    The cycle collector is off for the whole command, as it is inside every lint run
    (:mod:`pipelint.engine.collector`): with it on, formatting the report would walk every
    node kept for the project rules once more.
    """
    import gc

    from .engine.interrupt import exit_on_signals

    gc.disable()
    try:
        with exit_on_signals():  # SIGINT/SIGTERM: exit 128 + signal, workers killed, no report
            main()
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
