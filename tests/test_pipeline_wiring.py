"""Artifact wiring (CP201-CP204) and variables (CP301-CP305), on both pipeline formats."""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples


def _at(path: str, code: str) -> list[tuple[int, int]]:
    return [(line, col) for _, line, col in triples(lint(fixture("pipeline", path), select=[code]), code)]


CASES = [
    ("artifacts_fail.yaml", "CP201", [(66, 25), (77, 25), (93, 25)]),
    ("artifacts_fail.json", "CP201", [(96, 25), (114, 25), (143, 25)]),
    ("artifacts_fail.yaml", "CP202", [(79, 25)]),
    ("artifacts_fail.json", "CP202", [(119, 25)]),
    ("artifacts_fail.yaml", "CP203", [(54, 25)]),
    ("artifacts_fail.json", "CP203", [(78, 25)]),
    ("artifacts_fail.yaml", "CP204", [(104, 25)]),
    ("artifacts_fail.json", "CP204", [(161, 25)]),
    ("variables_fail.yaml", "CP301", [(53, 39), (68, 39), (84, 37), (97, 33), (107, 33)]),
    ("variables_fail.json", "CP301", [(74, 39), (99, 39), (125, 37), (145, 33), (159, 33)]),
    ("variables_fail.yaml", "CP302", [(53, 39)]),
    ("variables_fail.json", "CP302", [(74, 39)]),
    ("variables_fail.yaml", "CP303", [(84, 37)]),
    ("variables_fail.json", "CP303", [(125, 37)]),
    ("variables_fail.yaml", "CP304", [(84, 37)]),
    ("variables_fail.json", "CP304", [(125, 37)]),
    ("variables_fail.yaml", "CP305", [(36, 26), (65, 26), (79, 26)]),
    ("variables_fail.json", "CP305", [(47, 26), (96, 26), (120, 26)]),
]


@pytest.mark.parametrize("path, code, expected", CASES, ids=[f"{c[1]}-{c[0]}" for c in CASES])
def test_rule_reports_exact_positions(path: str, code: str, expected: list[tuple[int, int]]) -> None:
    assert _at(path, code) == expected


@pytest.mark.parametrize("path", ["artifacts_fail.yaml", "artifacts_fail.json"])
def test_consumer_written_before_its_producer_but_running_later_is_fine(path: str) -> None:
    """`Test` (runOrder 2) is written above `Compile` (runOrder 1), which produces its input."""
    findings = lint(fixture("pipeline", path), select=["CP201"])
    assert not [f for f in findings if "action `Test`" in f.message]


@pytest.mark.parametrize("path", ["artifacts_fail.yaml", "artifacts_fail.json"])
def test_consumer_running_in_parallel_with_its_producer_is_reported(path: str) -> None:
    findings = [f for f in lint(fixture("pipeline", path), select=["CP201"]) if "action `Lint`" in f.message]
    assert len(findings) == 1
    message = findings[0].message
    # names the producer and both run orders
    assert "`Compile`" in message and "unOrder 1" in message and "in parallel" in message
    assert findings[0].fix is not None and ": 2`" in findings[0].fix


def test_producer_in_a_later_stage_is_named() -> None:
    findings = [f for f in lint(fixture("pipeline", "artifacts_fail.yaml"), select=["CP201"]) if "`Docs`" in f.message]
    assert "`Bundle` (stage `Package`, RunOrder 1)" in findings[0].message
    assert "(stage `Build`, RunOrder 3)" in findings[0].message


def test_typo_gets_a_suggestion() -> None:
    findings = [f for f in lint(fixture("pipeline", "artifacts_fail.json"), select=["CP201"]) if "BuildOuput" in f.message]
    assert "did you mean `BuildOutput`" in findings[0].message


def test_variable_read_before_its_producer_runs_names_both_run_orders() -> None:
    findings = [f for f in lint(fixture("pipeline", "variables_fail.yaml"), select=["CP301"]) if "`Audit`" in f.message]
    assert "RunOrder 1" in findings[0].message and "`Notify` (stage `Deploy`, RunOrder 2)" in findings[0].message


def test_reserved_variables_namespace_is_only_a_warning(tmp_path) -> None:
    text = open(fixture("pipeline", "pass.yaml")).read().replace("Namespace: BuildVariables", "Namespace: variables")
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    findings = lint(str(path), select=["CP305"])
    assert [(str(f.severity), f.line) for f in findings] == [("warning", 120)]
