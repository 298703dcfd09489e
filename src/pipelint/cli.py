"""The ``pipelint`` command line (design.md, "Interfaces").

Exit status: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage, path or
config error; 3 internal error (a rule or reporter crashed; other results are still reported);
128 + the signal number (130, 143) when SIGINT or SIGTERM stops the run.
The status never depends on ``--format``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from . import __version__

FORMATS = ("text", "json", "sarif", "github", "junit", "html")
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
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--select", multiple=True, help="Only these rules (codes, names or prefixes; comma-separated or repeated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, names or prefixes).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), help="Lowest severity that fails the run [default: warning].")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: nearest .pipelint.toml or pyproject.toml).")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False), help="Load plugin rules from this folder.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record the current findings as the baseline in this file.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Parallel worker processes [default: CPUs, at most 8].")
@click.option("--color/--no-color", default=None, help="Colour the text output [default: when stdout is a terminal; honours NO_COLOR, FORCE_COLOR].")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule.")
@click.option("--max-file-size", type=click.IntRange(1), help="Skip files larger than this many bytes [default: 5 MB].")
@click.option("--quiet", "-q", is_flag=True, help="Text output: findings only, no code frames or summary.")
@click.option("--no-unrecognised", "skip_unrecognised", is_flag=True, help="Skip named files that are not a kind pipelint reads, instead of reporting them (for pre-commit).")
def check(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
          config_path: str | None, isolated: bool, rules_dir: tuple[str, ...], baseline: str | None, write_baseline: str | None,
          jobs: int | None, color: bool | None, statistics: bool, max_file_size: int | None, quiet: bool, skip_unrecognised: bool) -> None:
    """Lint PATHS (files or directories; default: the current directory)."""
    from .config import ConfigError
    from .discover import PathError
    from .engine.runner import build_settings, run

    targets = list(paths) or ["."]
    try:
        settings = build_settings(
            config_path=config_path, paths=targets, select=_split(select), ignore=_split(ignore), fail_on=fail_on,
            rules_dirs=list(rules_dir), jobs=jobs, max_file_size=max_file_size, isolated=isolated,
            report_unrecognised=not skip_unrecognised,
        )
        progress = _progress_printer() if fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI") else None
        result = run(targets, settings=settings, jobs=jobs, progress=progress)
    except (ConfigError, PathError) as error:
        click.echo(f"pipelint: error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    for notice in result.notices:
        click.echo(f"pipelint: {notice}", err=True)
    if write_baseline:
        from .baseline import write_baseline as write

        write(write_baseline, result.findings)
        click.echo(f"pipelint: wrote {len(result.findings)} finding(s) to baseline {write_baseline}", err=True)
    if baseline:
        from .baseline import BaselineError, apply_baseline

        try:
            apply_baseline(baseline, result)
        except BaselineError as error:
            click.echo(f"pipelint: error: {error}", err=True)
            sys.exit(EXIT_USAGE)
    stream = open(output, "w", encoding="utf-8", newline="\n") if output else sys.stdout
    internal = result.internal_error
    try:
        from .reporters import render

        render(fmt, result, stream, color=_use_color(color, stream) if not output else bool(color), quiet=quiet, statistics=statistics)
    except Exception as error:  # a reporter crash: report it, keep the exit status meaningful
        click.echo(f"pipelint: internal error in the {fmt} reporter: {type(error).__name__}: {error}", err=True)
        internal = True
    finally:
        if output:
            stream.close()
    if statistics and fmt != "text":
        from .reporters.text import render_statistics

        render_statistics(result, sys.stderr)
    if internal:
        sys.exit(EXIT_INTERNAL)
    sys.exit(exit_status(result, settings.config.fail_on))


def exit_status(result: Any, fail_on: str) -> int:
    """0 or 1 by the findings at or above ``fail_on`` (``never``: always 0)."""
    from .findings import Severity

    if fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_CLEAN


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
                click.echo(f"{item.code}  {item.name:<40} {item.severity!s:<8} {item.summary}")
            return
        if fmt == "json":
            import json

            click.echo(json.dumps(_rule_dict(found), indent=2))
        else:
            click.echo(f"{found.code} {found.name} ({found.severity}; {', '.join(found.kinds) or 'all files'})\n")
            click.echo(found.doc)
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([_rule_dict(r) for r in registry.sorted()], indent=2))
    elif fmt == "markdown":
        from .docs import rules_markdown

        click.echo(rules_markdown(registry), nl=False)
    else:
        for item in registry.sorted():
            click.echo(f"{item.code:<7} {item.name:<42} {item.severity!s:<8} {item.summary}")


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
