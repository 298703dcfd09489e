"""The ``--fix``, ``--unsafe-fixes``, ``--diff`` and ``--show-fixes`` options of ``pipelint check``.

:func:`fix_plan` fixes, in memory, every linted file that has a fix to apply (safe ones; with
``unsafe``, all), leaving out suppressed and baselined findings; the command line then writes
the files (or prints their diffs). The texts in these messages come from :mod:`.session`.
"""

from __future__ import annotations

from typing import Any

from ..records import ValueRecord
from .apply import wanted
from .session import FileFix


class FixedFile(ValueRecord):
    """One file ``--fix`` looked at: its entry, display path, outcome and known secrets."""

    __slots__ = ("entry", "path", "outcome", "secrets", "root")

    entry: Any
    path: str
    outcome: FileFix
    secrets: set[str]
    root: str | None

    def __init__(self, entry: Any, path: str, outcome: FileFix, secrets: set[str], root: str | None = None) -> None:
        self.entry = entry
        self.path = path
        self.outcome = outcome
        self.secrets = secrets
        self.root = root


def baselined_fingerprints(path: str | None) -> set[str]:
    """The fingerprints a baseline file records (``BaselineError`` if it cannot be read)."""
    if not path:
        return set()
    from ..baseline import read_baseline

    return set(read_baseline(path))


def fix_plan(plan: Any, result: Any, unsafe: bool, baselined: set[str]) -> list[FixedFile]:
    """Fix every file of the plan that has a fix to apply; nothing is written. A file reached
    twice (through a linked folder, or a link with ``--follow-symlinks``) is fixed once: by its
    first path that is not a link."""
    import os

    from .files import confinement_root, fix_entry

    wanted_paths = {f.path for f in result.findings if wanted(f, unsafe) and f.fingerprint not in baselined}
    targets = {id(entry): target for target, entries in getattr(plan, "by_target", {}).items() for entry in entries}
    entries = [(group, entry) for group in plan.groups.values() for entry in group.entries if entry.display in wanted_paths]
    entries.sort(key=lambda item: (os.path.islink(item[1].path), item[1].display))
    done: list[FixedFile] = []
    seen: set[str] = set()
    for group, entry in entries:
        real = os.path.realpath(entry.path)
        if real in seen:
            continue
        seen.add(real)
        target = targets.get(id(entry))
        root = confinement_root(entry.path, target) if target is not None else None
        source = result.sources.get(entry.display)
        secrets = set(source.secrets) if source is not None else set()
        done.append(FixedFile(entry, entry.display, fix_entry(entry, group.settings, unsafe, baselined, root), secrets, root))
    done.sort(key=lambda item: item.path)
    return done


def count_fixed(files: list[FixedFile]) -> int:
    """How many findings the changed files had fixed."""
    return sum(len(item.outcome.fixed) for item in files if item.outcome.changed)


def show_fixes(files: list[FixedFile]) -> str:
    """``--show-fixes``: per file, each fixed finding (where it was in the file as written, in
    file order), its code and its fix's title."""
    from ..reporters.safe import clean

    lines = []
    for item in files:
        if not item.outcome.changed:
            continue
        lines.append(f"{clean(item.path)}:")
        where = item.outcome.where if len(item.outcome.where) == len(item.outcome.fixed) else [(f.line, f.col) for f in item.outcome.fixed]
        for (line, col), finding in sorted(zip(where, item.outcome.fixed), key=lambda pair: (pair[0], pair[1].code)):
            title = finding.edit.title if finding.edit is not None else ""
            lines.append(f"  {line}:{col} {finding.code} {clean(title)}")
    if not lines:
        return "No findings were fixed.\n"
    return "Fixed findings:\n" + "\n".join(lines) + "\n"


def refusals(files: list[FixedFile]) -> list[str]:
    """One line per file that had fixes but was left untouched, and per fix left out of a file
    that was fixed, saying why."""
    from ..reporters.safe import clean

    lines = []
    for item in files:
        if item.outcome.refused:
            lines.append(f"{clean(item.path)}: {item.outcome.refused}")
        lines.extend(f"{clean(item.path)}: {note}" for note in item.outcome.notes)
    return lines


def unwritten(files: list[FixedFile]) -> list[FixedFile]:
    """The files whose fixed text could not be written (read-only, permission denied, …)."""
    return [item for item in files if item.outcome.unwritten]


def summary(fixed: int, remaining: int, not_written: int = 0) -> str:
    """The line after a ``--fix`` run: ``Fixed 3 findings (1 remaining).``, and how many files
    could not be written when some could not: ``…; 1 file could not be written (see above).``"""
    line = f"Fixed {fixed} finding{'s' if fixed != 1 else ''} ({remaining} remaining)"
    if not_written:
        line += f"; {not_written} file{'s' if not_written != 1 else ''} could not be written (see the lines above)"
    return line + "."


def available_hint(findings: list[Any], unsafe: bool) -> str:
    """Without ``--fix``: how many findings it would fix, and how many more ``--unsafe-fixes``
    adds (with ``--unsafe-fixes`` they count as fixable); ``""`` when none have a fix."""
    safe = sum(1 for f in findings if f.edit is not None and f.edit.safe)
    risky = sum(1 for f in findings if f.edit is not None and not f.edit.safe)
    if unsafe:
        safe, risky = safe + risky, 0
    if not safe and not risky:
        return ""
    parts = []
    if safe:
        option = "`--fix --unsafe-fixes`" if unsafe else "`--fix`"
        parts.append(f"{safe} finding{'s' if safe != 1 else ''} can be fixed with {option}")
    if risky:
        lead = f"{risky} more with" if safe else f"{risky} finding{'s' if risky != 1 else ''} can be fixed with"
        parts.append(f"{lead} `--fix --unsafe-fixes` (changes behaviour; review them first)")
    return "; ".join(parts) + "."
