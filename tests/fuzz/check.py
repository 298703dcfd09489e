"""The fuzzing properties: linting any input raises nothing, reports no internal error, gives
valid positions, stays within a CPU-time limit, and every output format is well-formed and
shows neither a planted secret nor a raw control character from the input."""

from __future__ import annotations

import io
import json
import os
import signal
import tempfile
from typing import Any

from pipelint.engine.runner import RunResult, Settings, build_settings, run

FORMATS = ("text", "json", "sarif", "github", "junit", "html")
# Raw terminal controls that must never reach a text or github report (ESC, BEL, C1 CSI).
_CONTROLS = ("\x1b", "\x07", "\x9b")


def make_settings() -> Settings:
    """Every built-in rule (shellcheck excluded: it is an external process, fuzzed separately)."""
    return build_settings(paths=["."], isolated=True, ignore=["BS901"])


class TimeLimit(BaseException):
    """Linting one input used more CPU time than allowed (a ``BaseException``, so that no
    ``except Exception`` in the engine turns it into a finding)."""


def _expire(signum: int, frame: Any) -> None:
    raise TimeLimit()


def lint_with_limit(path: str, settings: Settings, limit: float | None) -> RunResult:
    """Lint ``path`` in this process; raise :class:`TimeLimit` past ``limit`` seconds of CPU
    time (or ten times that of wall-clock time, for blocking)."""
    if not limit:
        return run([path], settings=settings, jobs=1)
    previous = (signal.signal(signal.SIGPROF, _expire), signal.signal(signal.SIGALRM, _expire))
    signal.setitimer(signal.ITIMER_PROF, limit)
    signal.setitimer(signal.ITIMER_REAL, limit * 10)
    try:
        return run([path], settings=settings, jobs=1)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])


def write_sample(folder: str, name: str, data: bytes) -> str:
    """Write ``data`` under ``folder`` as ``name`` (which may hold folders and odd characters)."""
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def problems(name: str, data: bytes, settings: Settings, secrets: list[str] | None = None, limit: float | None = 2.0,
             render_all: bool = False) -> list[tuple[str, str]]:
    """Everything wrong with linting ``data`` as ``name``: ``(kind, detail)`` pairs, empty when
    every property holds. Kinds: crash, internal-error, position, hang, reporter-crash,
    unencodable-output, bad-json, bad-xml, secret-leak, control-leak."""
    found: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = write_sample(folder, name, data)
        except (OSError, ValueError) as error:  # a name this file system refuses: not our bug
            return [] if "surrogate" in str(error) or isinstance(error, ValueError) else [("crash", f"write: {error}")]
        try:
            result = lint_with_limit(path, settings, limit)
        except TimeLimit:
            return [("hang", f"over {limit} s of CPU time")]
        except Exception as error:  # noqa: BLE001 - the property is that nothing escapes
            return [("crash", f"{type(error).__name__}: {str(error)[:300]}")]
        lines = data.count(b"\n") + 1
        for finding in result.findings:
            if finding.code == "PL001":
                found.append(("internal-error", finding.message[:300]))
            if not (1 <= finding.line <= finding.end_line and finding.col >= 1 and finding.end_col >= 1):
                found.append(("position", repr((finding.code, finding.line, finding.col, finding.end_line, finding.end_col))))
            elif finding.path == path and finding.line > max(lines, 1) + 1:
                found.append(("position", f"{finding.code} at line {finding.line} of a {lines}-line file"))
        if render_all or secrets:
            found.extend(_output_problems(result, secrets or [], _planted_controls(name, data)))
    return found


def _planted_controls(name: str, data: bytes) -> bool:
    text = name + data.decode("utf-8", "replace")
    return any(c in text for c in _CONTROLS) or "\\u001b" in text or "\\x1b" in text or "\\e" in text or "\\a" in text or "\\x07" in text


def _output_problems(result: RunResult, secrets: list[str], controls: bool) -> list[tuple[str, str]]:
    from pipelint.reporters import render

    found: list[tuple[str, str]] = []
    needles = [s for s in secrets if s] + [s[4:16] for s in secrets if len(s) >= 20]
    for fmt in FORMATS:
        stream = io.StringIO()
        try:
            render(fmt, result, stream, color=False, quiet=False, statistics=False)
        except Exception as error:  # noqa: BLE001
            found.append(("reporter-crash", f"{fmt}: {type(error).__name__}: {str(error)[:200]}"))
            continue
        text = stream.getvalue()
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            found.append(("unencodable-output", f"{fmt}: {error.reason} at {error.start}"))
        for needle in needles:
            if needle in text:
                found.append(("secret-leak", f"{fmt}: planted secret {needle[:4]}… shown"))
                break
        if fmt in ("json", "sarif"):
            try:
                json.loads(text)
            except ValueError as error:
                found.append(("bad-json", f"{fmt}: {error}"))
        elif fmt == "junit":
            import xml.etree.ElementTree as ElementTree

            try:
                ElementTree.fromstring(text.encode("utf-8", "surrogatepass"))
            except ElementTree.ParseError as error:
                found.append(("bad-xml", f"junit: {error}"))
        elif fmt in ("text", "github") and controls:
            leaked = sorted({repr(c) for c in _CONTROLS if c in text})
            if leaked:
                found.append(("control-leak", f"{fmt}: raw {', '.join(leaked)}"))
            if fmt == "github" and any(line.startswith("::error file=FORGED") for line in text.splitlines()):
                found.append(("control-leak", "github: a forged workflow command"))
    return found


def check_one(name: str, data: bytes, settings: Settings) -> None:
    """Lint ``data`` as a file called ``name``; assert the core property (for Hypothesis)."""
    found = problems(name, data, settings, limit=None)
    assert not found, f"{found}\ninput {name}: {data[:300]!r}"
