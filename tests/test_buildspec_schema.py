"""``BS001`` (buildspec-schema) and ``schemas/buildspec.schema.json`` itself."""

from __future__ import annotations

import glob
import os

import pytest

from helpers import FIXTURES, fixture, lint, triples
from pipelint.engine.validator import unsupported_keywords
from pipelint.load import load_file
from pipelint.schemas import compiled, load_schema

FAIL = fixture("buildspec", "bs001", "buildspec-fail.yml")
PASS = fixture("buildspec", "bs001", "buildspec-pass.yml")


def test_schema_findings_exact() -> None:
    findings = lint(FAIL, select=["BS001"])
    assert triples(findings, "BS") == [("BS001", 2, 1), ("BS001", 5, 14), ("BS001", 12, 5), ("BS001", 20, 3)]
    messages = [f.message for f in sorted(findings, key=lambda f: f.line)]
    assert "did you mean `artifacts`?" in messages[0]
    assert "did you mean `commands`?" in messages[2]


def test_schema_rule_leaves_owned_nodes_to_their_rules() -> None:
    """The raw schema flags the phase name, shell, on-failure, command and format too; only the
    dedicated rules report them, so no position is reported twice."""
    root = load_file(FAIL).roots[0]
    raw = {(node.line, node.col) for node, _ in compiled("buildspec").errors(root)}
    owned = {(6, 10), (7, 26), (9, 3), (14, 17), (18, 9), (22, 18), (24, 11)}
    assert owned <= raw
    findings = [f for f in lint(FAIL, select=["BS"]) if not f.code.startswith("BS9")]
    positions = [(f.line, f.col) for f in findings]
    assert len(positions) == len(set(positions)), sorted((f.line, f.col, f.code) for f in findings)
    assert {(f.line, f.col) for f in findings if f.code != "BS001"} == owned | {(15, 5)}


def test_missing_version_is_reported_once() -> None:
    assert triples(lint(fixture("buildspec", "bs101", "buildspec-fail.yml"), select=["BS"]), "BS") == [("BS101", 2, 1)]


def test_passing_fixture() -> None:
    assert [f for f in lint(PASS, select=["BS"]) if not f.code.startswith("BS9")] == []


def test_schema_uses_only_supported_keywords() -> None:
    assert unsupported_keywords(load_schema("buildspec")) == set()


def test_schema_is_valid_2020_12() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema("buildspec")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


BUILDSPECS = sorted(glob.glob(os.path.join(FIXTURES, "buildspec", "**", "buildspec*.yml"), recursive=True))


@pytest.mark.parametrize("path", BUILDSPECS, ids=[os.path.relpath(p, FIXTURES) for p in BUILDSPECS])
def test_fast_validator_agrees_with_jsonschema(path: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    result = load_file(path)
    if not result.roots:
        pytest.skip("empty document")
    root = result.roots[0]
    reference = jsonschema.Draft202012Validator(load_schema("buildspec"))
    assert bool(compiled("buildspec").errors(root)) == (not reference.is_valid(root.to_python())), path
