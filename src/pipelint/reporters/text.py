"""The default human report: ``path:line:col: CODE [severity] message (name)`` plus a code frame."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from . import SourceLines
from .safe import ELLIPSIS, clean, offset, window

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_MAX_FRAME_LINES = 5


def _highlight(lines: list[str], path: str) -> list[str]:
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import JsonLexer, YamlLexer

    lexer = JsonLexer() if path.lower().endswith(".json") else YamlLexer()
    text = highlight("\n".join(lines) + "\n", lexer, TerminalFormatter())
    out = text.rstrip("\n").split("\n")
    return out if len(out) == len(lines) else lines


def frame(result: Any, finding: Any, color: bool, lines: SourceLines | None = None) -> list[str]:
    """The code frame of a finding: its lines with a gutter and a caret underline.

    Lines are escaped and clipped to a window around the finding's column (all lines of a frame
    to the same window, so that they stay aligned).
    """
    lines = lines or SourceLines(result)
    end_line = finding.end_line
    if finding.end_col <= 1 and end_line > finding.line:
        end_line -= 1  # a block ends where the next token starts: do not show that line
    last_line = min(end_line, finding.line + _MAX_FRAME_LINES - 1)
    rows: list[tuple[int, str]] = []
    for number in range(finding.line, last_line + 1):
        text = lines.get(finding.path, number)
        if text is None:
            break
        rows.append((number, text))
    while len(rows) > 1 and not rows[-1][1].strip():
        rows.pop()
    if not rows:
        return []
    first_text = rows[0][1]
    start = finding.col - 1
    end = finding.end_col - 1 if finding.end_line == finding.line else len(first_text)
    first, last = window(len(first_text), start, max(end, start + 1))
    width = len(str(rows[-1][0]))
    cores = [clean(text[first:last]).expandtabs(1) for _, text in rows]
    lead = ELLIPSIS if first > 0 else ""
    tails = [ELLIPSIS if last < len(text) else "" for _, text in rows]
    texts = [lead + core + tail for core, tail in zip(cores, tails)]
    highlighted = _highlight(cores, finding.path) if color else cores  # the ellipses are not code
    shown = [lead + core + tail for core, tail in zip(highlighted, tails)]
    out = []
    for (number, text), plain, display in zip(rows, texts, shown):
        gutter = f"{number:>{width}} | "
        out.append(f"{_DIM}{gutter}{_RESET}{display}" if color else f"{gutter}{display}")
        if number == finding.line:
            caret_start = offset(text, first, start)
            caret_end = offset(text, first, min(max(end, start + 1), last))
            marker = " " * caret_start + "^" * min(max(1, caret_end - caret_start), max(1, len(plain) - caret_start))
            pad = " " * width + " | "
            sev = _COLORS.get(str(finding.severity), "")
            out.append(f"{_DIM}{pad}{_RESET}{sev}{marker}{_RESET}" if color else f"{pad}{marker}")
    return out


def render(result: Any, stream: IO[str], color: bool = False, quiet: bool = False, statistics: bool = False, **_: Any) -> None:
    """Write the text report."""
    from ..fixes.edit import fix_hint

    lines = SourceLines(result)
    for finding in result.findings:
        sev = str(finding.severity)
        path, message = clean(finding.path), clean(finding.message)
        if color:
            head = f"{_BOLD}{path}:{finding.line}:{finding.col}:{_RESET} {_BOLD}{finding.code}{_RESET} {_COLORS[sev]}[{sev}]{_RESET} {message} {_DIM}({finding.name}){_RESET}"
        else:
            head = f"{path}:{finding.line}:{finding.col}: {finding.code} [{sev}] {message} ({finding.name})"
        stream.write(head + "\n")
        if not quiet:
            hint = fix_hint(finding)
            if hint:
                stream.write(f"  fix: {clean(hint)}\n")
            for text, line_no, col, _end_line, _end_col in getattr(finding, "related", ()):
                stream.write(f"    also {line_no}:{col}: {clean(text)}\n")
            for line in frame(result, finding, color, lines):
                stream.write(f"  {line}\n")
            stream.write("\n")
    if statistics:
        render_statistics(result, stream)
    if not quiet:
        stream.write(summary(result) + "\n")


def summary(result: Any) -> str:
    """Both numbers, plainly: ``Found 3 problems (1 error, 2 warnings, 0 notes) in 2 files;
    12 files linted.`` (or ``No problems found; 12 files linted.``), then suppression counts.

    The files with problems may include files that were not linted (a named file pipelint
    cannot read, ``PL013``/``PL014``), so the two numbers are stated separately.
    """
    counts = Counter(str(f.severity) for f in result.findings)
    total = len(result.findings)
    linted = f"{result.files} file{'s' if result.files != 1 else ''} linted"
    parts = [f"{counts.get('error', 0)} error{'s' if counts.get('error', 0) != 1 else ''}",
             f"{counts.get('warning', 0)} warning{'s' if counts.get('warning', 0) != 1 else ''}",
             f"{counts.get('note', 0)} note{'s' if counts.get('note', 0) != 1 else ''}"]
    with_problems = files_with_findings(result)
    if total == 0:
        text = f"No problems found; {linted}."
    else:
        text = (f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {with_problems} "
                f"file{'s' if with_problems != 1 else ''}; {linted}.")
    extra = []
    if result.suppressed:
        extra.append(f"{result.suppressed} suppressed inline or by config")
    if getattr(result, "baseline_suppressed", 0):
        extra.append(f"{result.baseline_suppressed} in the baseline")
    if getattr(result, "baseline_fixed", 0):
        extra.append(f"{result.baseline_fixed} baseline entr{'ies' if result.baseline_fixed != 1 else 'y'} now fixed")
    if extra:
        text += " (" + "; ".join(extra) + ")"
    return text


def files_with_findings(result: Any) -> int:
    """How many distinct files the run's (unsuppressed) findings are in."""
    return len({f.path for f in result.findings})


def render_statistics(result: Any, stream: IO[str]) -> None:
    """Counts per rule, most frequent first, like ``ruff --statistics``."""
    counts = Counter((f.code, f.name, str(f.severity)) for f in result.findings)
    for (code, name, sev), count in sorted(counts.items(), key=lambda item: (-item[1], item[0][0])):
        stream.write(f"{count:>6}  {code:<7} {name:<42} [{sev}]\n")
