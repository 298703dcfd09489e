"""Every fixable rule: its failing fixture, fixed with `--fix --unsafe-fixes`, equals the stored
expected file byte for byte, and the expected file has no finding of that rule left."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from helpers import FIXTURES, lint
from pipelint.cli import main
from pipelint.engine.registry import load_rules

FIXES = os.path.join(FIXTURES, "fixes")
# What each fixture is linted as: the file name that gives it its kind.
NAMES = {"BS": "buildspec.yml", "AS": "appspec.yml", "CP": "template.yaml", "inline": "template.yaml"}
CASES = sorted(name for name in os.listdir(FIXES) if not name.startswith("_"))


def _name(case: str) -> str:
    return NAMES.get(case, NAMES.get(case[:2], ""))


def _fixed(tmp_path, case: str, *options: str) -> tuple[str, bytes]:
    folder = tmp_path / case
    folder.mkdir()
    target = folder / _name(case)
    shutil.copyfile(os.path.join(FIXES, case, "input.yml"), target)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", "--isolated", "--fix", *options, f"{case}/{_name(case)}"])
    finally:
        os.chdir(old)
    return result.output, target.read_bytes()


def test_every_fixable_rule_has_a_fixture():
    declared = {r.code for r in load_rules([]).rules if r.fixable}
    assert declared == {case for case in CASES if case != "inline"}


@pytest.mark.parametrize("case", CASES)
def test_fixture_fixed_equals_expected(tmp_path, case):
    with open(os.path.join(FIXES, case, "expected.yml"), "rb") as handle:
        expected = handle.read()
    output, fixed = _fixed(tmp_path, case, "--unsafe-fixes")
    assert fixed == expected, output
    assert "(0 remaining)" in output or case == "inline", output


@pytest.mark.parametrize("case", [c for c in CASES if c != "inline"])
def test_input_has_a_fixable_finding_of_its_rule_and_expected_has_none(tmp_path, case):
    for part, wanted in (("input.yml", True), ("expected.yml", False)):
        path = tmp_path / part / _name(case)
        path.parent.mkdir()
        shutil.copyfile(os.path.join(FIXES, case, part), path)
        found = [f for f in lint(str(path)) if f.code == case]
        assert bool(found) is wanted, (case, part, found)
        if wanted:
            assert all(f.edit is not None for f in found), found
            rule = load_rules([]).get(case)
            assert rule is not None
            kinds = {"safe" if f.edit.safe else "unsafe" for f in found}
            assert kinds <= set(rule.fixable.split("/")), (case, kinds, rule.fixable)
            assert f"Fix: {'safe' if 'safe' in kinds else 'unsafe'}" in rule.doc, "the docstring says what the fix does"


def test_unsafe_fixes_need_the_option(tmp_path):
    for case in ("BS104", "BS302", "CP107"):
        output, fixed = _fixed(tmp_path, case)
        with open(os.path.join(FIXES, case, "input.yml"), "rb") as handle:
            assert fixed == handle.read(), case
        assert "Fixed 0 findings" in output


def test_inline_buildspec_fixes_map_through_the_block_indentation(tmp_path):
    output, fixed = _fixed(tmp_path, "inline", "--unsafe-fixes")
    text = fixed.decode()
    assert "            install:\n              runtime-versions:\n                python: \"3.10\"\n" in text
    assert "                - 'echo Region: ${AWS::Region}'\n" in text
    assert "Fixed 3 findings (0 remaining)" in output


def test_docs_fixes_lists_every_fixable_rule_with_its_kind():
    with open(os.path.join(os.path.dirname(FIXTURES), "..", "docs", "fixes.md"), encoding="utf-8") as handle:
        table = handle.read().split("## Fixable rules", 1)[1].split("\n## ", 1)[0]
    listed = {}
    for row in table.splitlines():
        cells = [cell.strip() for cell in row.split("|")]
        if len(cells) > 3 and cells[1][:2] in ("BS", "AS", "CP"):
            listed[cells[1].split()[0]] = cells[2]
    declared = {r.code: r.fixable for r in load_rules([]).rules if r.fixable}
    assert listed == declared
