"""Every ``BS`` document rule against its failing and passing fixtures (exact positions)."""

from __future__ import annotations

import glob
import os
import re

import pytest

from helpers import FIXTURES, fixture, lint, triples

# (code, failing fixture, exact (code, line, column) of every finding it must produce)
FAILING = [
    ("BS101", "bs101/buildspec-fail.yml", [("BS101", 2, 1)]),
    ("BS102", "bs102/buildspec-fail.yml", [("BS102", 1, 10)]),
    ("BS102", "bs102/buildspec-fail-appspec.yml", [("BS102", 1, 10)]),
    ("BS103", "bs103/buildspec-fail.yml", [("BS103", 8, 9)]),
    ("BS103", "bs103/buildspec-fail-variable.yml", [("BS103", 6, 9)]),
    ("BS104", "bs104/buildspec-fail.yml", [("BS104", 7, 5)]),
    ("BS105", "bs105/buildspec-fail.yml", [("BS105", 3, 3), ("BS105", 6, 3), ("BS105", 9, 3)]),
    ("BS106", "bs106/buildspec-fail.yml", [("BS106", 1, 1)]),
    ("BS107", "bs107/buildspec-fail.yml", [("BS107", 4, 17), ("BS107", 8, 17), ("BS107", 12, 17)]),
    ("BS108", "bs108/buildspec-fail.yml", [("BS108", 3, 3), ("BS108", 5, 3), ("BS108", 6, 3)]),
    ("BS109", "bs109/buildspec-fail.yml", [("BS109", 4, 5), ("BS109", 7, 5), ("BS109", 8, 5)]),
    ("BS110", "bs110/buildspec-fail.yml", [("BS110", 4, 5), ("BS110", 7, 5)]),
    ("BS111", "bs111/buildspec-fail.yml", [("BS111", 2, 1), ("BS111", 7, 5)]),
    ("BS112", "bs112/buildspec-fail.yml", [("BS112", 2, 1)]),
    ("BS112", "bs112/buildspec-fail-01.yml", [("BS112", 2, 1)]),
    ("BS113", "bs113/buildspec-fail.yml", [("BS113", 4, 13), ("BS113", 5, 11), ("BS113", 9, 9)]),
    ("BS120", "bs120/buildspec-fail.yml", [("BS120", 5, 9), ("BS120", 8, 9)]),
    ("BS121", "bs121/buildspec-fail.yml", [("BS121", 5, 9), ("BS121", 6, 9), ("BS121", 7, 9), ("BS121", 8, 8)]),
    ("BS122", "bs122/buildspec-fail.yml", [("BS122", 5, 9)]),
    ("BS201", "bs201/buildspec-fail.yml", [("BS201", 4, 5), ("BS201", 6, 5)]),
    ("BS202", "bs202/buildspec-fail.yml", [("BS202", 4, 7)]),
    ("BS203", "bs203/buildspec-fail.yml", [("BS203", 6, 7), ("BS203", 8, 7)]),
    ("BS204", "bs204/buildspec-fail.yml", [("BS204", 4, 18), ("BS204", 5, 14), ("BS204", 6, 12), ("BS204", 7, 12), ("BS204", 8, 5)]),
    ("BS205", "bs205/buildspec-fail.yml", [("BS205", 4, 14), ("BS205", 5, 14), ("BS205", 6, 14), ("BS205", 7, 5)]),
    ("BS206", "bs206/buildspec-fail.yml", [("BS206", 3, 10)]),
    ("BS207", "bs207/buildspec-fail.yml", [("BS207", 3, 26)]),
    ("BS301", "bs301/buildspec-fail.yml", [("BS301", 5, 7), ("BS301", 6, 7), ("BS301", 7, 7), ("BS301", 8, 7)]),
    ("BS302", "bs302/buildspec-fail.yml", [("BS302", 5, 15), ("BS302", 6, 15), ("BS302", 7, 13), ("BS302", 8, 12)]),
    ("BS303", "bs303/buildspec-fail.yml", [("BS303", 5, 15), ("BS303", 6, 15)]),
    ("BS304", "bs304/buildspec-fail.yml", [("BS304", 6, 13)]),
    ("BS401", "bs401/buildspec-fail.yml", [("BS401", 6, 1)]),
    ("BS401", "bs401/buildspec-fail-empty.yml", [("BS401", 7, 3)]),
    ("BS402", "bs402/buildspec-fail.yml", [("BS402", 10, 5), ("BS402", 13, 7)]),
    ("BS403", "bs403/buildspec-fail.yml", [("BS403", 3, 9), ("BS403", 11, 20), ("BS403", 15, 18)]),
    ("BS410", "bs410/buildspec-fail.yml", [("BS410", 9, 18), ("BS410", 12, 18)]),
    ("BS411", "bs411/buildspec-fail.yml", [("BS411", 12, 3)]),
    ("BS420", "bs420/buildspec-fail.yml", [("BS420", 8, 7), ("BS420", 9, 7), ("BS420", 10, 3), ("BS420", 12, 11)]),
    ("BS420", "bs420/buildspec-fail-string.yml", [("BS420", 7, 10)]),
    ("BS421", "bs421/buildspec-fail.yml", [("BS421", 8, 7), ("BS421", 9, 7)]),
    ("BS430", "bs430/buildspec-fail.yml", [("BS430", 5, 3)]),
    ("BS431", "bs431/buildspec-fail.yml", [("BS431", 7, 11), ("BS431", 11, 11)]),
    ("BS432", "bs432/buildspec-fail.yml", [("BS432", 9, 19), ("BS432", 11, 19)]),
    ("BS433", "bs433/buildspec-fail.yml", [("BS433", 6, 19)]),
]

# Severity of each finding where a rule reports some findings below its default.
SEVERITIES = {
    ("BS107", "bs107/buildspec-fail.yml"): ["error", "warning", "warning"],
    ("BS121", "bs121/buildspec-fail.yml"): ["error", "warning", "warning", "note"],
    ("BS205", "bs205/buildspec-fail.yml"): ["warning", "warning", "warning", "error"],
    ("BS301", "bs301/buildspec-fail.yml"): ["error", "error", "warning", "error"],
    ("BS401", "bs401/buildspec-fail-empty.yml"): ["warning"],
    ("BS402", "bs402/buildspec-fail.yml"): ["error", "warning"],
}

# Words each failing fixture's messages must contain, in finding order (the actionable part).
MESSAGES = {
    ("BS105", "bs105/buildspec-fail.yml"): ["did you mean `build`", "did you mean `pre_build`", "top-level key"],
    ("BS104", "bs104/buildspec-fail.yml"): ["move it under `phases.install`"],
    ("BS120", "bs120/buildspec-fail.yml"): ["- 'echo Status: done'", "- 'curl -H \"Content-Type: application/json\" $HOOK'"],
    ("BS203", "bs203/buildspec-fail.yml"): ["`IMAGE_TAG`", "did you mean `STAGE`"],
    ("BS301", "bs301/buildspec-fail.yml"): ["did you mean `nodejs`", "did you mean `python`", "older", "`kotlin`"],
    ("BS303", "bs303/buildspec-fail.yml"): ['python: "3.10"', 'golang: "1.20"'],
    ("BS206", "bs206/buildspec-fail.yml"): ["did you mean `bash`"],
    ("BS431", "bs431/buildspec-fail.yml"): ["did you mean `build`", "`package`"],
    ("BS432", "bs432/buildspec-fail.yml"): ["a → b → c → a", "d → d"],
}


def _options(path: str) -> dict:
    """A fixture folder's ``.pipelint.toml`` (rule options such as ``image``), if it has one."""
    config = os.path.join(os.path.dirname(fixture("buildspec", path)), ".pipelint.toml")
    return {"config_path": config} if os.path.isfile(config) else {}


def _selected(code: str, path: str) -> list:
    findings = lint(fixture("buildspec", path), select=[code], **_options(path))
    crashes = [f for f in findings if f.code == "PL001"]
    assert not crashes, crashes[0].message
    return [f for f in findings if f.code == code]


@pytest.mark.parametrize(("code", "path", "expected"), FAILING, ids=[f"{c}-{p}" for c, p, _ in FAILING])
def test_failing_fixture(code: str, path: str, expected: list[tuple[str, int, int]]) -> None:
    findings = _selected(code, path)
    assert triples(findings, code) == sorted(expected)
    ordered = sorted(findings, key=lambda f: (f.line, f.col))
    if (code, path) in SEVERITIES:
        assert [str(f.severity) for f in ordered] == SEVERITIES[(code, path)]
    if (code, path) in MESSAGES:
        for finding, words in zip(ordered, MESSAGES[(code, path)], strict=True):
            assert words in finding.message


def _passing() -> list[tuple[str, str]]:
    found = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "buildspec", "bs[0-9]*", "buildspec-pass.yml"))):
        code = os.path.basename(os.path.dirname(path)).upper()
        found.append((code, os.path.relpath(path, os.path.join(FIXTURES, "buildspec"))))
    return found


PASSING = _passing()


def test_every_rule_has_fixtures() -> None:
    from pipelint.engine.registry import load_rules

    codes = {r.code for r in load_rules().rules if r.code.startswith("BS") and r.code != "BS901"}
    failing = {code for code, _, _ in FAILING}
    passing = {code for code, _ in PASSING}
    documented = codes - {"BS001", "BS305", "BS306"}  # these three are covered in other test modules
    assert documented <= failing, sorted(documented - failing)
    assert documented <= passing, sorted(documented - passing)


@pytest.mark.parametrize(("code", "path"), PASSING, ids=[c for c, _ in PASSING])
def test_passing_fixture_is_clean(code: str, path: str) -> None:
    assert _selected(code, path) == []
    # A passing fixture is clean for every buildspec rule, not only its own (shellcheck aside).
    others = [f for f in lint(fixture("buildspec", path), select=["BS"], **_options(path)) if not f.code.startswith("BS9")]
    assert [(f.code, f.line, f.col, f.message) for f in others] == []


def test_rule_docs_follow_the_standard() -> None:
    from pipelint.engine.registry import load_rules

    for found in load_rules().rules:
        if not found.code.startswith("BS") or found.code == "BS901":
            continue
        assert re.search(r"^Failing[^\n]*::$", found.doc, re.M), found.code
        assert re.search(r"^Fixed[^\n]*:", found.doc, re.M), found.code
        assert found.kinds == ("buildspec",), found.code
        assert found.summary.endswith("."), found.code


def test_bs432_follows_a_chain_longer_than_the_recursion_limit(tmp_path) -> None:
    """A build-graph of 5,000 tasks, each depending on the next and the last on the first: one
    cycle, reported once on the last task's dependency, without exceeding the recursion limit."""
    count = 5000
    lines = ["version: 0.2", "batch:", "  build-graph:"]
    for number in range(count):
        lines += [f"    - identifier: t{number}", f"      depend-on: [t{(number + 1) % count}]"]
    path = tmp_path / "buildspec.yml"
    path.write_text("\n".join(lines) + "\n")
    findings = [f for f in lint(str(path), select=["BS432", "PL001"]) if f.code in ("BS432", "PL001")]
    assert triples(findings) == [("BS432", 5 + 2 * (count - 1), 19)]
    assert findings[0].message.startswith("dependency cycle in build-graph: t0 → t1 → t2 → ")
