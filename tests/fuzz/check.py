"""The fuzzing property: linting any input raises nothing and yields only valid findings."""

from __future__ import annotations

import os
import tempfile

from pipelint.engine.runner import Settings, build_settings, run


def make_settings() -> Settings:
    """Every built-in rule (shellcheck excluded: it is an external process, fuzzed separately)."""
    return build_settings(paths=["."], isolated=True, ignore=["BS901"])


def check_one(name: str, data: bytes, settings: Settings) -> None:
    """Lint ``data`` as a file called ``name``; assert the property."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        result = run([path], settings=settings, jobs=1)
        lines = data.count(b"\n") + 1
        for finding in result.findings:
            assert finding.code != "PL001", f"{finding.message}\ninput {name}: {data[:300]!r}"
            assert 1 <= finding.line <= finding.end_line, finding
            assert finding.col >= 1 and finding.end_col >= 1, finding
            if finding.path == result.findings[0].path:
                assert finding.line <= max(lines, 1) + 1, (finding, lines)
