"""CP001: CLI pipeline files against schemas/pipeline.schema.json, without double reports."""

from __future__ import annotations

from helpers import fixture, lint, triples


def test_schema_problems_in_a_cli_file() -> None:
    findings = lint(fixture("pipeline", "schema_fail.json"), select=["CP001"])
    assert triples(findings, "CP001") == [("CP001", 19, 26), ("CP001", 25, 39), ("CP001", 50, 13)]
    unknown = [f for f in findings if f.line == 50][0]
    assert "did you mean `inputArtifacts`" in unknown.message


def test_problems_with_a_dedicated_rule_are_reported_once() -> None:
    """runOrder 0 (CP107), the artifact name with a dot (CP106), category `deploy` (CP110)."""
    findings = lint(fixture("pipeline", "schema_fail.json"), select=["CP"])
    lines = [f.line for f in findings if f.code in ("CP001", "CP106", "CP107", "CP110")]
    assert sorted(lines) == sorted(set(lines))
    assert {f.code for f in findings if f.line in (21, 29, 41)} >= {"CP107", "CP106", "CP110"}


def test_clean_cli_files_match_the_schema() -> None:
    for name in ("pass.json", "regions_metadata.json", "v2_untyped.json"):
        assert triples(lint(fixture("pipeline", name), select=["CP001"]), "CP001") == [], name


def test_cloudformation_pipelines_are_not_schema_checked() -> None:
    """A template's pipeline is PascalCase: its shape is cfn-lint's job, not CP001's."""
    assert triples(lint(fixture("pipeline", "pass.yaml"), select=["CP001"]), "CP001") == []


def test_schema_is_valid_json_schema() -> None:
    import jsonschema

    from pipelint.schemas import load_schema

    jsonschema.Draft202012Validator.check_schema(load_schema("pipeline"))
