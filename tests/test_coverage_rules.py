"""Issue 15, part 2: the rules for defects peers' test suites and real files showed pipelint missed.

Each rule has a failing and a passing CloudFormation template in YAML and JSON (and a CLI JSON
pipeline where the shape exists); findings are compared by exact code, line and column.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from helpers import fixture, lint

# fixture stem -> codes selected -> (YAML findings, JSON findings): (code, line, column, severity)
CASES: dict[str, tuple[list[str], list[tuple[str, int, int, str]], list[tuple[str, int, int, str]]]] = {
    "cp106_null": (["CP106"], [("CP106", 17, 16, "error")], [("CP106", 47, 21, "error")]),
    "cp109": (["CP109"],
              [("CP109", 20, 11, "error"), ("CP109", 27, 11, "warning"), ("CP109", 39, 11, "error")],
              [("CP109", 63, 13, "error"), ("CP109", 85, 13, "warning"), ("CP109", 124, 13, "error")]),
    "cp115": (["CP115"],
              [("CP115", 14, 91, "error"), ("CP115", 20, 89, "error"), ("CP115", 24, 90, "error")],
              [("CP115", 32, 30, "error"), ("CP115", 55, 30, "error"), ("CP115", 72, 30, "error")]),
    "cp116": (["CP116"],
              [("CP116", 25, 17, "error"), ("CP116", 26, 17, "error"), ("CP116", 33, 17, "error")],
              [("CP116", 56, 19, "error"), ("CP116", 61, 19, "error"), ("CP116", 73, 19, "error")]),
    "cp117": (["CP117"],
              [("CP117", 19, 39, "warning"), ("CP117", 20, 32, "warning"), ("CP117", 27, 29, "warning"), ("CP117", 29, 31, "warning"),
               ("CP117", 37, 77, "warning")],
              [("CP117", 38, 43, "warning"), ("CP117", 39, 36, "warning"), ("CP117", 61, 33, "warning"), ("CP117", 63, 35, "warning"),
               ("CP117", 89, 32, "warning")]),
    "cp205": (["CP205"], [("CP205", 24, 49, "error"), ("CP205", 30, 38, "error")],
              [("CP205", 71, 25, "error"), ("CP205", 98, 25, "error")]),
    "cp406_cp407": (["CP406", "CP407"],
                    [("CP406", 8, 15, "note"), ("CP406", 20, 25, "note"), ("CP407", 50, 37, "error")],
                    [("CP406", 9, 19, "note"), ("CP406", 14, 19, "note"), ("CP407", 100, 41, "error")]),
    "tpl001": (["TPL001"],
               [("TPL001", 6, 14, "warning"), ("TPL001", 11, 17, "warning"), ("TPL001", 21, 30, "warning"),
                ("TPL001", 24, 11, "warning"), ("TPL001", 30, 39, "warning")],
               [("TPL001", 7, 18, "warning"), ("TPL001", 14, 21, "warning"), ("TPL001", 29, 30, "warning"),
                ("TPL001", 37, 11, "warning"), ("TPL001", 48, 22, "warning")]),
}
CLI_CASES = {
    "cp117_cli": (["CP117"], [("CP117", 10, 98, "warning"), ("CP117", 15, 65, "warning")]),
    "tpl001_cli": (["TPL001"], [("TPL001", 4, 16, "warning"), ("TPL001", 5, 49, "warning")]),
}


def _found(path: str, codes: list[str]) -> list[tuple[str, int, int, str]]:
    return sorted((f.code, f.line, f.col, str(f.severity)) for f in lint(path, select=codes) if f.code in codes)


def _path(stem: str, kind: str, ext: str) -> str:
    return fixture("pipeline", "coverage", f"{stem}_{kind}.{ext}")


@pytest.mark.parametrize("stem", sorted(CASES))
@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_failing_template(stem: str, ext: str) -> None:
    codes, yaml_expected, json_expected = CASES[stem]
    assert _found(_path(stem, "fail", ext), codes) == sorted(yaml_expected if ext == "yaml" else json_expected)


@pytest.mark.parametrize("stem", sorted(CASES))
@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_passing_template(stem: str, ext: str) -> None:
    assert _found(_path(stem, "pass", ext), CASES[stem][0]) == []


@pytest.mark.parametrize("stem", sorted(CLI_CASES))
def test_cli_pipeline(stem: str) -> None:
    codes, expected = CLI_CASES[stem]
    assert _found(_path(stem, "fail", "json"), codes) == sorted(expected)
    assert _found(_path(stem, "pass", "json"), codes) == []


def test_error_rules_say_what_aws_does() -> None:
    from pipelint.engine.registry import load_rules

    rules = {r.code: r for r in load_rules(use_entry_points=False).rules}
    for code in ("CP109", "CP115", "CP116", "CP205", "CP407"):
        assert str(rules[code].severity) == "error", code
        assert "AWS behaviour:" in rules[code].doc and "Source:" in rules[code].doc, code
    for code in ("CP117", "TPL001"):
        assert str(rules[code].severity) == "warning", code
    assert str(rules["CP406"].severity) == "note"


def test_enum_fixes_name_the_documented_value() -> None:
    fixes = sorted(f.fix or "" for f in lint(_path("cp117", "fail", "yaml"), select=["CP117"]))
    assert fixes == ["write `CAPABILITY_AUTO_EXPAND`", "write `CODE_ZIP`", "write `CREATE_UPDATE`",
                     "write `bucket-owner-full-control`", "write one of true, false"]


def test_empty_stage_names_the_condition_values() -> None:
    found = {f.line: f for f in lint(_path("cp109", "fail", "yaml"), select=["CP109"])}
    assert "when `IsProd` is false" in found[20].message
    assert "when `HasTests` is false and `IsProd` is false" in found[27].message


def test_negated_condition_is_the_same_condition() -> None:
    """`IsNotProd: !Not [!Condition IsProd]`: one of the two actions is always there."""
    assert _found(_path("cp109", "pass", "yaml"), ["CP109"]) == []


def _many_conditions(tmp_path: Any, conditions: int, actions: int, stages: int, both: bool = False) -> str:
    """A template whose stages hold ``actions`` actions, each under ``!If [C<i>, …, AWS::NoValue]``
    (``both``: every other one under the condition's false branch, so no stage is ever empty)."""
    def action(i: int) -> dict[str, Any]:
        body = {"Name": f"A{i}", "ActionTypeId": {"Category": "Approval", "Owner": "AWS", "Provider": "Manual", "Version": "1"}}
        branches = [{"Ref": "AWS::NoValue"}, body] if both and i % 2 else [body, {"Ref": "AWS::NoValue"}]
        return {"Fn::If": [f"C{(i // 2 if both else i) % conditions}", *branches]}

    template = {"Conditions": {f"C{i}": {"Fn::Equals": [{"Ref": "AWS::Region"}, f"r{i}"]} for i in range(conditions)},
                "Resources": {"Pipeline": {"Type": "AWS::CodePipeline::Pipeline", "Properties": {
                    "RoleArn": "arn:aws:iam::111111111111:role/p", "ArtifactStore": {"Type": "S3", "Location": "b"},
                    "Stages": [{"Name": f"Gate{n}", "Actions": [action(i) for i in range(actions)]} for n in range(stages)]}}}}
    path = os.path.join(str(tmp_path), "many.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(template, handle)
    return path


def _spent(monkeypatch: Any) -> list[int]:
    from pipelint.rules.pipeline import conditions

    spent: list[int] = []
    original = conditions._empty_combination

    def counting(stage: Any, negations: Any, budget: Any) -> Any:
        before = budget.left
        result = original(stage, negations, budget)
        spent.append(before - budget.left)
        return result

    monkeypatch.setattr(conditions, "_empty_combination", counting)
    return spent


def test_likeliest_combination_comes_first(tmp_path: Any, monkeypatch: Any) -> None:
    """12 conditions (4,096 combinations): the all-false combination is tried first, so each stage
    costs one pass over its actions."""
    spent = _spent(monkeypatch)
    found = [f for f in lint(_many_conditions(tmp_path, 12, 600, 5), select=["CP109"]) if f.code == "CP109"]
    assert len(found) == 5 and all(str(f.severity) == "warning" for f in found)  # twelve conditions at once
    assert spent == [600] * 5


def test_combinations_are_bounded(tmp_path: Any, monkeypatch: Any) -> None:
    """Stages that are never empty make the search try every combination: the document's budget
    stops it (4,096 combinations * 600 actions * 5 stages would be 12 million checks)."""
    from pipelint.rules.pipeline import conditions

    spent = _spent(monkeypatch)
    found = [f for f in lint(_many_conditions(tmp_path, 12, 600, 5, both=True), select=["CP109"]) if f.code == "CP109"]
    assert found == []
    assert sum(spent) <= conditions.BUDGET + 600


def test_too_many_conditions_are_not_enumerated(tmp_path: Any, monkeypatch: Any) -> None:
    """More than MAX_CONDITIONS conditions in one stage: no enumeration at all, no finding."""
    spent = _spent(monkeypatch)
    assert [f for f in lint(_many_conditions(tmp_path, 40, 200, 1), select=["CP109"]) if f.code == "CP109"] == []
    assert spent == [0]


def test_placeholder_words_stay_linear(tmp_path: Any) -> None:
    """A 2 MB value of `_YOUR` repeated: a regex that backtracked from every `YOUR_` would be
    quadratic; the word scan reads each character once."""
    path = os.path.join(str(tmp_path), "template.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "_YOUR" * 400_000 + "a"}}}}, handle)
    assert [f for f in lint(path, select=["TPL001"]) if f.code == "TPL001"] == []


CORPUS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "corpus")


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="the shared corpus (../shared/corpus) is absent")
def test_corpus_findings_are_the_reviewed_ones() -> None:
    """Every finding of the new rules on the real files was read: the three keys nested in
    `ActionTypeId` (cfn-pipeline/006), projects with their own source run by pipelines (notes),
    and documentation placeholders in two pipeline files and one create-project file."""
    codes = ["CP109", "CP205", "CP115", "CP116", "CP117", "CP406", "CP407", "TPL001"]
    counts: dict[str, int] = {}
    for finding in lint(CORPUS, select=codes):
        if finding.code in codes:
            counts[finding.code] = counts.get(finding.code, 0) + 1
    assert counts == {"CP116": 3, "CP406": 18, "TPL001": 3}
