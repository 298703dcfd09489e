"""Which settings apply to which file, and where each file's project root is.

Configuration is hierarchical, as in ruff: every file is linted with the nearest
``.pipelint.toml`` (or ``pyproject.toml`` with ``[tool.pipelint]``) at or above its folder,
up to the top of its git work tree, whatever order the paths were named in. ``--config`` (one
file for everything) and ``--isolated`` (no file) turn the search off.

Cross-file rules resolve paths (a CodeBuild project's ``BuildSpec``, an action's artifacts)
against a project root per linted path: the folder of the config file that applies, else the
enclosing git work tree, else the path itself (its folder, for a file). So ``pipelint check ..``
from a subfolder and ``pipelint check /abs/repo`` from elsewhere find the same files.

Files are grouped by (config file, root); each group is one run of the engine, and the
results are merged. The exit status honours each group's own ``fail-on``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..config import find_config
from ..discover import FileEntry, discover, display_path, git_top, passed_over
from ..findings import Finding, Severity
from .runner import RunResult, Settings, build_settings, run


class Group:
    """Files linted with one config file and one project root."""

    def __init__(self, config_path: str | None, root: str, settings: Settings) -> None:
        self.config_path = config_path
        self.root = root
        self.settings = settings
        self.entries: list[FileEntry] = []


class Plan:
    """The groups of a run, the paths named, and what discovery skipped."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str | None, str], Group] = {}
        self.by_target: dict[str, list[FileEntry]] = {}
        self.skipped: list[tuple[str, str]] = []

    def skip(self, path: str, reason: str) -> None:
        """Record a path discovery did not lint, and why."""
        self.skipped.append((path, reason))

    def default_fail_on(self) -> str:
        """The ``fail-on`` of the first group's config (``warning`` with none): what reporters
        that mark failures themselves (JUnit) follow when ``--fail-on`` was not given."""
        for group in self.groups.values():
            return group.settings.config.fail_on
        return "warning"


def root_for(path: str, config_path: str | None) -> str:
    """The project root of a linted path: its config file's folder, else its git work tree,
    else the path itself (a file's folder)."""
    if config_path is not None:
        return os.path.dirname(os.path.abspath(config_path))
    absolute = os.path.abspath(path)
    folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    return git_top(folder) or folder


class _Finder:
    """Nearest config file per folder, looked up once per folder."""

    def __init__(self, fixed: str | None, isolated: bool) -> None:
        self.fixed = fixed
        self.isolated = isolated
        self._cache: dict[str, str | None] = {}

    def __call__(self, path: str) -> str | None:
        if self.fixed is not None:
            return os.path.abspath(self.fixed)
        if self.isolated:
            return None
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        if folder not in self._cache:
            found = find_config(folder)
            self._cache[folder] = os.path.abspath(found) if found else None
        return self._cache[folder]


def make_plan(
    targets: list[str],
    *,
    config_path: str | None = None,
    isolated: bool = False,
    force_exclude: bool = False,
    follow_symlinks: bool = False,
    **options: Any,
) -> Plan:
    """Discover the files of ``targets`` and group them by the settings that apply to each.

    ``options`` go to :func:`~pipelint.engine.runner.build_settings` for every group (they
    override every config file). Raises ``ConfigError`` and ``PathError`` as the engine does.
    """
    plan = Plan()
    nearest = _Finder(config_path, isolated)
    settings_of: dict[str | None, Settings] = {}
    seen: set[str] = set()

    def settings_for(path: str | None) -> Settings:
        if path not in settings_of:
            built = build_settings(config_path=path, isolated=path is None, paths=targets, **options)
            built.config.follow_symlinks = follow_symlinks
            settings_of[path] = built
        return settings_of[path]

    owners: dict[str, str | None] = {}
    for target in targets:
        owner = owners[target] = nearest(target)
        config = settings_for(owner).config
        plan.by_target[target] = discover([target], config.exclude, force_exclude=force_exclude, follow_symlinks=follow_symlinks,
                                          exclude_root=config.root if config.path else None, on_skip=plan.skip)
    once: set[int] | None = None
    if follow_symlinks:  # a file named once directly and once through a link is linted once
        from ..discover import each_file_once

        once = {id(entry) for entry in each_file_once([e for found in plan.by_target.values() for e in found])}
    for target in targets:
        owner = owners[target]
        target_root: str | None = None  # the root of files with no config file: the same for all of the target's
        for entry in plan.by_target[target]:
            absolute = os.path.abspath(entry.path)
            if absolute in seen or (once is not None and id(entry) not in once):
                continue
            seen.add(absolute)
            own = nearest(entry.path)
            if own != owner:  # a nested config file closer to this file than the target's
                other = settings_for(own).config
                from ..discover import _excluded

                if (not entry.explicit or force_exclude) and other.exclude and _excluded(
                        entry.display, other.exclude, other.root if other.path else None, entry.path):
                    continue
            if own is None:
                target_root = target_root or root_for(target, None)
                root = target_root
            else:
                root = os.path.dirname(own)
            key = (own, root)
            group = plan.groups.get(key)
            if group is None:
                group = plan.groups[key] = Group(own, root, _rooted(settings_for(own), root))
            group.entries.append(entry)
    return plan


def plan_for_entries(read: Callable[[int], list[FileEntry]], name: str, *, config_path: str | None = None, isolated: bool = False,
                     force_exclude: bool = False, **options: Any) -> Plan:
    """A plan for files that are not discovered (standard input saved to a temporary file): one
    group, with the config and project root that would apply to a file called ``name``; ``read``
    is given the group's size limit and returns the entries. With ``force_exclude``, a ``name``
    that the config's ``exclude`` matches lints nothing (and nothing is read), as the same file
    named on the command line would not (editors pass both options)."""
    plan = Plan()
    owner = _Finder(config_path, isolated)(name)
    settings = build_settings(config_path=owner, isolated=owner is None, paths=[name], **options)
    config = settings.config
    entries: list[FileEntry] = []
    excluded = False
    if force_exclude and config.exclude:
        from ..discover import EXCLUDED, _excluded

        excluded = _excluded(display_path(name), config.exclude, config.root if config.path else None, name)
        if excluded:
            plan.skip(name, EXCLUDED + " (--force-exclude)")
    if not excluded:
        entries = read(settings.limits.max_bytes)
    root = root_for(name, owner)
    group = plan.groups[(owner, root)] = Group(owner, root, _rooted(settings, root))
    group.entries.extend(entries)
    plan.by_target[name] = list(entries)
    return plan


def _rooted(settings: Settings, root: str) -> Settings:
    """``settings`` with its project root set to ``root`` (a copy when it differs)."""
    if os.path.abspath(settings.config.root) == root:
        return settings
    import copy

    clone = copy.copy(settings)
    clone.config = copy.copy(settings.config)
    clone.config.root = root
    return clone


def run_plan(plan: Plan, jobs: int | None = None, progress: Any = None) -> RunResult:
    """Run every group and merge the results (findings in the engine's order)."""
    results = [run([], settings=group.settings, jobs=jobs, progress=progress, entries=group.entries) for group in plan.groups.values()]
    if not results:
        from .notices import drain

        merged = RunResult(findings=[], registry=build_settings(isolated=True).registry, notices=drain())
    elif len(results) == 1:
        merged = results[0]
    else:
        findings = sorted((f for r in results for f in r.findings), key=Finding.sort_key)
        notices: list[str] = []
        for result in results:
            notices.extend(n for n in result.notices if n not in notices)
        merged = RunResult(
            findings=findings,
            registry=_union([r.registry for r in results]),
            files=sum(r.files for r in results),
            suppressed=sum(r.suppressed for r in results),
            internal_error=any(r.internal_error for r in results),
            sources={k: v for r in results for k, v in r.sources.items()},
            notices=notices,
            file_kinds={k: v for r in results for k, v in r.file_kinds.items()},
        )
    merged.notices = [*skip_notices(plan), *merged.notices, *empty_notices(plan, merged)]
    return merged


def _union(registries: list[Any]) -> Any:
    first = registries[0]
    if all(r is first for r in registries):
        return first
    from .registry import Registry

    union = Registry()
    for registry in registries:
        for found in registry.rules:
            if found.code not in union.by_code and found.name not in union.by_name:
                union.add(found)
    return union


def failing(plan: Plan, result: RunResult, fail_on: str | None) -> bool:
    """Whether the run fails: a finding at or above its own file's ``fail-on`` (the command
    line's ``--fail-on`` wins everywhere)."""
    group_of: dict[str, Group] = {e.display: g for g in plan.groups.values() for e in g.entries}
    only = next(iter(plan.groups.values())) if len(plan.groups) == 1 else None
    for finding in result.findings:
        group = group_of.get(finding.path, only)
        level = fail_on or (group.settings.config.fail_on if group else "warning")
        if level != "never" and finding.severity >= Severity.parse(level):
            return True
    return False


def skip_notices(plan: Plan) -> list[str]:
    """stderr lines for what discovery did not read: every unreadable folder, and one line
    for symbolic links and special files (named, the first few)."""
    lines = [f"warning: {display_path(path)}: {reason}" for path, reason in plan.skipped if reason.startswith("folder cannot be read")]
    others = [(p, r) for p, r in plan.skipped if not r.startswith("folder cannot be read") and not passed_over(r)]
    if others:
        shown = "; ".join(f"{display_path(p)} ({r.split(',')[0].split(' (')[0]})" for p, r in others[:5])
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        lines.append(f"skipped {len(others)} path(s) that are not regular files inside the linted folder: {shown}{more}"
                     + (" (pass --follow-symlinks to lint links that stay inside it)" if any("not followed" in r for _, r in others) else ""))
    return lines


def empty_notices(plan: Plan, result: RunResult) -> list[str]:
    """A warning naming the paths that held nothing to lint, so a wrong CI path stays visible
    (the exit status is unchanged): every folder without a file pipelint reads, and, when the
    whole run linted nothing, every path named. A named file among others is not judged on
    its own: pre-commit names every changed YAML and JSON file, most of them no concern of
    pipelint's; and with ``--no-unrecognised`` (the hook's option) named files are never judged,
    since pre-commit splits a run into batches and a batch may hold no file pipelint reads."""
    def linted(entries: list[FileEntry]) -> bool:
        return any(e.display in result.file_kinds or any(f.path == e.display for f in result.findings) for e in entries)

    named_only = not any(os.path.isdir(t) for t in plan.by_target)
    if named_only and plan.groups and not any(g.settings.report_unrecognised for g in plan.groups.values()):
        return []  # --no-unrecognised: named files that are no concern of pipelint's are skipped on purpose
    if not result.file_kinds and not result.findings:
        empty = list(plan.by_target)
    else:
        empty = [t for t, entries in plan.by_target.items() if os.path.isdir(t) and not linted(entries)]
    if not empty:
        return []
    return [f"warning: nothing to lint in {', '.join(empty)}: no {KINDS_READ} found (check the path, `exclude`, "
            "or map files with `kinds`)"]


# What pipelint reads, for the notices about files it did not read.
KINDS_READ = "buildspec, appspec, CloudFormation template, CodePipeline definition, IAM policy or Terraform file (`.tf`, `.tf.json`)"


def unrecognised_message(display: str, text: str) -> str:
    """The ``PL014`` message for a named file of no kind pipelint reads; for Terraform text in a
    file not named ``.tf`` (standard input above all), how to have it read as Terraform."""
    from ..terraform import looks_like_terraform

    if looks_like_terraform(text):
        how = ("name standard input with `--stdin-filename main.tf`" if display == "<stdin>"
               else "rename it to end in `.tf`, or map it to `terraform` with the `kinds` config key")
        return f"looks like Terraform, which is read only from `.tf` and `.tf.json` files; not linted ({how})"
    return f"not a {KINDS_READ}; not linted (map it with the `kinds` config key)"


def show_settings(path: str, *, config_path: str | None = None, isolated: bool = False, **options: Any) -> str:
    """What applies to ``path`` and why: the config file (and how it was found), the project
    root, and the effective settings."""
    nearest = _Finder(config_path, isolated)
    owner = nearest(path)
    if config_path is not None:
        why = "named with --config"
    elif isolated:
        why = "none: --isolated"
    elif owner is None:
        why = "none found at or above the file's folder (up to its git work tree); defaults apply"
    else:
        why = "the nearest config file at or above the file's folder"
    settings = build_settings(config_path=owner, isolated=owner is None, paths=[path], **options)
    config = settings.config
    root = root_for(path, owner)
    from ..discover import _excluded

    shown = display_path(path)
    excluded = bool(config.exclude) and _excluded(shown, config.exclude, config.root if config.path else None, path)
    active = {r.code for r in settings.active}
    ignores = [glob for glob in config.per_file_ignores if _glob_hit(shown, glob)]
    lines = [
        f"file: {shown}",
        f"config file: {owner or '(none)'}  [{why}]",
        f"project root: {root}",
        f"excluded: {'yes (when walking; named files too with --force-exclude)' if excluded else 'no'}",
        f"fail-on: {config.fail_on}",
        f"rules: {len(active)} of {len(settings.registry.rules)} active",
        f"select: {', '.join(config.select) or '(all, except opt-in rules)'}",
        f"extend-select: {', '.join(config.extend_select) or '(none)'}",
        f"ignore: {', '.join(config.ignore) or '(none)'}",
        f"per-file-ignores matching this file: {', '.join(f'{g} = {config.per_file_ignores[g]}' for g in ignores) or '(none)'}",
        f"severity overrides: {', '.join(f'{k} = {v}' for k, v in config.severity.items()) or '(none)'}",
        f"kinds: {', '.join(f'{k} = {v}' for k, v in config.kinds.items()) or '(by name and content)'}",
        f"rule-options: {', '.join(f'{k} = {v}' for k, v in config.rule_options.items()) or '(none)'}",
        f"bundle-root: {config.bundle_root or '(the AppSpec folder)'}",
        f"max-file-size: {config.max_file_size}; max-depth: {config.max_depth}; jobs: {config.jobs or 'auto'}",
        f"plugin folders loaded: {', '.join(config.rules_dir) or '(none)'}",
    ]
    if config.ignored_rules_dir:
        lines.append(f"plugin folders ignored (untrusted; --trust-config-plugins to load): {', '.join(config.ignored_rules_dir)}")
    return "\n".join(lines) + "\n"


def _glob_hit(path: str, glob: str) -> bool:
    import fnmatch

    return fnmatch.fnmatch(path, glob)
