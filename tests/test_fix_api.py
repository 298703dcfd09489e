"""The fix API: a rule's `Report(edit=Fix(...))` reaches `Finding.edit`, survives worker
processes, is written in JSON, and is dropped where the engine cannot place it safely."""

from __future__ import annotations

import json
import os
import pickle

from helpers import FIXTURES, lint
from pipelint.engine.runner import build_settings, run
from pipelint.findings import Finding, Severity
from pipelint.fixes.edit import Edit, Fix

PLUGIN = os.path.join(FIXTURES, "fixes", "_plugin")


def _fixes(path: str, select: str = "XF101") -> list[Finding]:
    return lint(str(path), select=[select], rules_dirs=[PLUGIN])


def test_edit_reaches_the_finding_with_file_positions(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands: [make]\n")
    [finding] = _fixes(path)
    assert finding.edit == Fix([Edit(2, 9, 2, 13, '"1.10"')], True, "Quote `1.10`")
    data = finding.to_dict()["edit"]
    assert data == {"title": "Quote `1.10`", "applicability": "safe",
                    "edits": [{"line": 2, "column": 9, "end_line": 2, "end_column": 13, "text": '"1.10"'}]}


def test_finding_without_fix_has_null_edit_in_json(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nmarker: '1.10'\nphases:\n  build:\n    commands: [make]\n")
    assert _fixes(path) == []
    finding = Finding("BS101", "missing-version", Severity.ERROR, "m", "p", 1, 1, 1, 2)
    assert finding.to_dict()["edit"] is None


def test_edit_survives_pickling_and_parallel_workers(tmp_path):
    for index in range(20):
        (tmp_path / f"b{index:02}.buildspec.yml").write_text(f"version: 0.2\nmarker: 1.{index}\nphases:\n  build:\n    commands: [make]\n")
    paths = [str(tmp_path)]
    settings = build_settings(paths=paths, select=["XF101"], isolated=True, rules_dirs=[PLUGIN])
    serial = run(paths, settings=settings, jobs=1).findings
    pooled = run(paths, settings=settings, jobs=2).findings
    assert len(serial) == 20 and all(f.edit is not None for f in serial)
    assert [f.edit for f in pooled] == [f.edit for f in serial]
    assert pickle.loads(pickle.dumps(serial[0])).edit == serial[0].edit


def test_rule_that_does_not_declare_fixable_gets_no_edit(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands: [make]\n")
    [finding] = _fixes(path, "XF102")
    assert finding.edit is None


def test_report_about_a_secret_gets_no_edit(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands: [make]\n")
    [finding] = _fixes(path, "XF103")
    assert finding.edit is None
    assert "1.10" not in json.dumps(finding.to_dict())


_TEMPLATE = """\
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Source:
        Type: CODEPIPELINE
        BuildSpec: {header}
          version: 0.2
          marker: 1.10
          phases:
            build:
              commands:
                - make
"""


def test_inline_literal_block_edits_are_template_positions(tmp_path):
    for header in ("|", "!Sub |", "|-"):
        path = tmp_path / "template.yaml"
        path.write_text(_TEMPLATE.format(header=header))
        [finding] = _fixes(path)
        assert finding.edit is not None and finding.edit.edits == (Edit(9, 19, 9, 23, '"1.10"'),), header


def test_inline_buildspec_without_exact_positions_gets_no_edit(tmp_path):
    # folded, or with an explicit indentation indicator: positions cannot be mapped exactly
    for header in (">", "|2"):
        path = tmp_path / "template.yaml"
        path.write_text(_TEMPLATE.format(header=header))
        found = _fixes(path)
        assert found and all(f.edit is None for f in found), header
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text('Resources:\n  Build:\n    Type: AWS::CodeBuild::Project\n    Properties:\n      Source:\n'
                      '        BuildSpec: "version: 0.2\\nmarker: 1.10\\nphases:\\n  build:\\n    commands: [make]\\n"\n')
    found = _fixes(quoted)
    assert found and all(f.edit is None for f in found)
    as_json = tmp_path / "template.json"
    as_json.write_text(json.dumps({"Resources": {"Build": {"Type": "AWS::CodeBuild::Project", "Properties": {
        "Source": {"BuildSpec": "version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands: [make]\n"}}}}}))
    found = _fixes(as_json)
    assert found and all(f.edit is None for f in found)


def test_fix_sorts_its_edits_and_names_its_applicability():
    fix = Fix([Edit(3, 1, 3, 2, "b"), Edit(1, 1, 1, 2, "a")], False, "t")
    assert [e.line for e in fix.edits] == [1, 3]
    assert fix.applicability == "unsafe"
    assert fix.touches_secret({"zz"}) is False and fix.touches_secret({"b"}) is True


def test_a_fix_must_be_of_a_kind_the_rule_declares(tmp_path):
    from pipelint.engine.rule import Report, Rule
    from pipelint.findings import Severity
    from pipelint.fixes.edit import edit_allowed
    from pipelint.load import load_text

    root = load_text("marker: 1.10\n", "buildspec.yml").roots[0]
    node = root.get("marker")
    safe = Fix([Edit(1, 9, 1, 13, '"1.10"')], True, "t")
    unsafe = Fix([Edit(1, 9, 1, 13, '"1.10"')], False, "t")

    def declared(fixable: str) -> Rule:
        return Rule("XF109", "x", Severity.WARNING, ("buildspec",), "s", "d", lambda doc, config: (), fixable=fixable)

    report = Report(node, "m")
    assert edit_allowed(safe, declared("safe"), None, report) is safe
    assert edit_allowed(unsafe, declared("safe"), None, report) is None
    assert edit_allowed(unsafe, declared("unsafe"), None, report) is unsafe
    assert edit_allowed(safe, declared("safe/unsafe"), None, report) is safe
    assert edit_allowed(safe, declared(""), None, report) is None
