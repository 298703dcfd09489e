"""The ``pipelint`` command line (docs/architecture.md, stage 1).

Exit status: 0 nothing at or above ``--fail-on`` (always with ``--exit-zero``, and once
``--write-baseline`` has written its file); 1 findings at or above it; 2 usage, path or config
error, or a report/baseline file (or a file ``--fix`` must rewrite) that cannot be written; 3 internal error (a rule or reporter
crashed; other results are still reported); 128 + the signal number (130, 143) when SIGINT or
SIGTERM stops the run. The status never depends on ``--format``, and a reader that closes the
pipe early does not change it. No option ends in a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from . import __version__
from .check_command import EXIT_USAGE, FAIL_ON, FORMATS, run_check

__all__ = ["FORMATS", "main", "run"]


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
@click.option("--fail-on", type=click.Choice(FAIL_ON), help="Lowest severity that fails the run [default: warning].")
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
@click.option("--fix", is_flag=True, help="Apply safe automatic fixes to the files (keeps comments and formatting), then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes that change behaviour; alone, show them as available.")
@click.option("--diff", is_flag=True, help="Print the changes --fix would make as a unified diff and write nothing; exit 1 if there are any.")
@click.option("--show-fixes", is_flag=True, help="With --fix, list the fixed findings of each file.")
def check(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
          config_path: str | None, isolated: bool, rules_dir: tuple[str, ...], baseline: str | None, write_baseline: str | None,
          jobs: int | None, color: bool | None, statistics: bool, max_file_size: int | None, quiet: bool, skip_unrecognised: bool,
          force_exclude: bool, follow_symlinks: bool, trust_config_plugins: bool, show_settings_for: str | None,
          exit_zero: bool, stdin_filename: str | None, verbose: bool, no_cache: bool, cache_dir: str | None,
          fix: bool, unsafe_fixes: bool, diff: bool, show_fixes: bool) -> None:
    """Lint PATHS (files or directories; default: the current directory; `-` reads standard input).

    Each file is linted with the nearest config file at or above it (see `--show-settings`)."""
    run_check(**locals())  # every option, by name


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

            fixable = f"; fix: {found.fixable}" if found.fixable else ""
            click.echo(f"{found.code} {found.name} ({found.severity}; {', '.join(found.kinds) or 'all files'}{fixable})\n")
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
            fixable = f"fix:{item.fixable}" if item.fixable else ""
            click.echo(f"{item.code:<7} {item.name:<42} {item.severity!s:<8} {fixable:<16} {summary_text(item.summary)}")


def _rule_dict(found: Any) -> dict[str, Any]:
    return {
        "code": found.code, "name": found.name, "severity": str(found.severity), "kinds": list(found.kinds),
        "scope": found.scope, "summary": found.summary, "doc": found.doc, "tags": list(found.tags),
        "security_severity": found.security_severity, "fixable": found.fixable,
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


@main.command()
@click.option("--trust-config-plugins", is_flag=True, help="Load plugin rules named by `rules-dir` in the linted repository's config (runs its code).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file for every document (default: the nearest .pipelint.toml or pyproject.toml).")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
def lsp(trust_config_plugins: bool, config_path: str | None, isolated: bool) -> None:
    """Run the language server on standard input and output (see docs/editors.md).

    Diagnostics as you type, fixes and suppressions as code actions, rule documentation on hover;
    the same settings as `pipelint check` (and the same trust rules for plugins)."""
    try:
        from .lsp.server import serve
    except ImportError as error:  # pygls missing from this environment
        click.echo(f"pipelint: error: the language server needs pygls ({error}); pip install 'pygls>=2.1'", err=True)
        sys.exit(EXIT_USAGE)
    serve(trust_config_plugins, config_path, isolated)


if __name__ == "__main__":  # pragma: no cover
    main()


def run() -> None:
    """The ``pipelint`` command, as :func:`pipelint.launch.run` (kept for callers of this name)."""
    from .launch import run as launch

    launch()
