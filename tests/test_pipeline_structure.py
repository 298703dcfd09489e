"""Pipeline structure rules (CP101-CP131): each rule on a CloudFormation template and a CLI file.

Every failing fixture exists in both formats; the same rule must report the same problems in
both, at the exact node. `pass.yaml` / `pass.json` must yield nothing from any CP rule.
"""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples


def _at(path: str, code: str) -> list[tuple[int, int]]:
    return [(line, col) for _, line, col in triples(lint(fixture("pipeline", path), select=[code]), code)]


CASES = [
    # (fixture, code, expected positions)
    ("stages_one.yaml", "CP101", [(11, 7)]),
    ("stages_one.json", "CP101", [(9, 5)]),
    ("stages_fail.yaml", "CP102", [(27, 27)]),
    ("stages_fail.json", "CP102", [(34, 27)]),
    ("stages_fail.yaml", "CP103", [(39, 27)]),
    ("stages_fail.json", "CP103", [(56, 27)]),
    ("stages_fail.yaml", "CP104", [(69, 17)]),
    ("stages_fail.json", "CP104", [(109, 17)]),
    ("stages_fail.yaml", "CP105", [(58, 21)]),
    ("stages_fail.json", "CP105", [(89, 21)]),
    ("stages_fail.yaml", "CP108", [(82, 11)]),
    ("stages_fail.json", "CP108", [(132, 9)]),
    ("names_fail.yaml", "CP106", [(7, 13), (13, 17), (21, 26), (26, 25), (29, 21), (39, 25), (50, 25)]),
    ("names_fail.json", "CP106", [(3, 13), (11, 17), (21, 26), (28, 25), (38, 21), (51, 25), (69, 25)]),
    ("names_fail.yaml", "CP107", [(35, 25), (46, 25)]),
    ("names_fail.json", "CP107", [(45, 25), (63, 25)]),
    ("action_types_fail.yaml", "CP110", [(18, 27), (43, 27), (83, 24), (94, 27)]),
    ("action_types_fail.json", "CP110", [(18, 27), (63, 27), (137, 24), (158, 27)]),
    ("action_types_fail.yaml", "CP111", [(35, 15), (113, 15)]),
    ("action_types_fail.json", "CP111", [(44, 13), (189, 13)]),
    ("action_types_fail.yaml", "CP112", [(61, 15), (74, 32)]),
    ("action_types_fail.json", "CP112", [(93, 13), (117, 32)]),
    ("action_types_fail.yaml", "CP113", [(124, 31), (125, 40)]),
    ("action_types_fail.json", "CP113", [(206, 31), (207, 40)]),
    ("action_types_fail.yaml", "CP114", [(139, 37)]),
    ("action_types_fail.json", "CP114", [(228, 37)]),
    ("regions_fail.yaml", "CP120", [(11, 7), (66, 7)]),
    ("regions_both.json", "CP120", [(9, 5)]),
    ("regions_none.json", "CP120", [(5, 5)]),
    ("regions_fail.yaml", "CP121", [(55, 23), (112, 7)]),
    ("regions_both.json", "CP121", [(74, 23)]),
    ("regions_single.json", "CP121", [(5, 5)]),
    ("regions_metadata.json", "CP121", [(5, 5)]),
    ("regions_metadata.json", "CP122", [(23, 23)]),
    ("v2_fail.yaml", "CP130", [(9, 22), (13, 7), (16, 7), (56, 11), (63, 27)]),
    ("v2_fail.json", "CP130", [(6, 22), (11, 5), (17, 5), (88, 9), (97, 27)]),
    ("v2_untyped.yaml", "CP130", [(11, 7)]),
    ("v2_untyped.json", "CP130", [(9, 5)]),
    ("v2_fail.yaml", "CP131", [(19, 31), (22, 31), (28, 31)]),
    ("v2_fail.json", "CP131", [(21, 31), (27, 31), (39, 31)]),
]


@pytest.mark.parametrize("path, code, expected", CASES, ids=[f"{c[1]}-{c[0]}" for c in CASES])
def test_rule_reports_exact_positions(path: str, code: str, expected: list[tuple[int, int]]) -> None:
    assert _at(path, code) == expected


@pytest.mark.parametrize("path", ["pass.yaml", "pass.json"])
def test_clean_pipeline_has_no_findings(path: str) -> None:
    assert triples(lint(fixture("pipeline", path), select=["CP"]), "CP") == []


def test_every_rule_fires_in_both_formats() -> None:
    """Each rule with a CloudFormation case also has a CLI case, with as many findings."""
    counts: dict[tuple[str, str], int] = {}
    for path, code, expected in CASES:
        if path == "regions_metadata.json":  # the pipeline's Region is only known from get-pipeline metadata
            continue
        fmt = "json" if path.endswith(".json") else "yaml"
        counts[(code, fmt)] = counts.get((code, fmt), 0) + len(expected)
    for (code, fmt), count in counts.items():
        other = counts.get((code, "json" if fmt == "yaml" else "yaml"))
        assert other == count, code


def test_v2_severity_depends_on_declared_type() -> None:
    explicit = lint(fixture("pipeline", "v2_fail.yaml"), select=["CP130"])
    absent = lint(fixture("pipeline", "v2_untyped.json"), select=["CP130"])
    assert {str(f.severity) for f in explicit} == {"error"}
    assert {str(f.severity) for f in absent} == {"warning"}


def test_unknown_aws_provider_is_a_note_and_suggests_the_spelling() -> None:
    findings = [f for f in lint(fixture("pipeline", "action_types_fail.yaml"), select=["CP110"]) if f.line == 18]
    assert [str(f.severity) for f in findings] == ["note"]
    assert "CodeStarSourceConnection" in findings[0].message


def test_messages_use_the_format_key_spelling() -> None:
    cfn = lint(fixture("pipeline", "v2_fail.yaml"), select=["CP130"])
    cli = lint(fixture("pipeline", "v2_fail.json"), select=["CP130"])
    assert all("`PipelineType: V1`" in f.message for f in cfn)
    assert all("`pipelineType: V1`" in f.message for f in cli)


def test_conditions_and_intrinsics() -> None:
    """`Fn::If` branches are alternatives, not duplicates; intrinsic values are never wrong types."""
    found = triples(lint(fixture("pipeline", "conditions.yaml"), select=["CP"]), "CP")
    # only the planted problems: a typo inside one `Fn::If` branch, and a real duplicate action name
    assert found == [("CP105", 120, 21), ("CP201", 81, 27)]


def test_rule_metadata_and_documentation() -> None:
    """Every CP rule: code CP001-CP899, pipeline kind, a one-sentence summary, why, failing and fixed blocks."""
    import re

    from pipelint.engine.registry import load_rules

    rules = [r for r in load_rules().sorted() if r.code.startswith("CP")]
    assert len(rules) >= 30
    for found in rules:
        assert 1 <= int(found.code[2:]) <= 899, found.code
        assert found.kinds == ("pipeline",), found.code
        summary = found.doc.split("\n\n")[0]
        assert summary.endswith(".") and ". " not in summary, found.code
        assert "Why:" in found.doc, found.code
        for label in ("Failing::", "Fixed::"):
            assert re.search(re.escape(label) + r"\n\n {4,}\S", found.doc), (found.code, label)


def test_disputed_owner_is_only_a_warning(tmp_path) -> None:
    """The docs' table gives CodeStarSourceConnection owner ThirdParty; the action reference says AWS."""
    text = open(fixture("pipeline", "pass.json")).read().replace(
        '"owner": "AWS",\n              "provider": "CodeStarSourceConnection"',
        '"owner": "ThirdParty",\n              "provider": "CodeStarSourceConnection"')
    path = tmp_path / "pipeline.json"
    path.write_text(text)
    findings = lint(str(path), select=["CP110"])
    assert [(f.line, str(f.severity)) for f in findings] == [(48, "warning")]
    assert "`AWS`" in findings[0].message
