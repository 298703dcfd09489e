"""AppSpec kind detection, templates named like AppSpecs (AS010), the schema rules (AS001–AS003) and robustness."""

from __future__ import annotations

import itertools
import os

import pytest

import pipelint.extract as extract_module
from helpers import FIXTURES, fixture, lint, triples
from pipelint.engine.registry import load_rules
from pipelint.extract import extract
from pipelint.load import load_text
from pipelint.models.appspec import detect_flavor


@pytest.mark.parametrize("name, line, col", [("template_sam", 1, 1), ("template_cfn_json", 2, 3)])
def test_template_named_appspec(name: str, line: int, col: int) -> None:
    """One clear finding, and no other appspec rule reads the template."""
    findings = lint(fixture("appspec", name))
    assert triples(findings) == [("AS010", line, col)]
    assert "CloudFormation/SAM template" in findings[0].message


@pytest.mark.parametrize(
    "text, path, flavor",
    [
        ("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n", "appspec.yml", "ec2"),
        ("version: 0.0\nhooks:\n  AfterInstall:\n    - location: a.sh\n", "appspec.yml", "ec2"),
        ("version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n", "appspec.yaml", "ecs"),
        ('{"version": 0.0, "Resources": [{"TargetService": {"Properties": {}}}]}', "appspec.json", "ecs"),
        ("version: 0.0\nresources:\n  - TargetService: {}\n", "appspec.yml", "ecs"),
        ("version: 0.0\nResources:\n  TargetService:\n    Type: AWS::ECS::Service\n", "appspec.yml", "ecs"),
        ('{"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function"}}]}', "appspec.json", "lambda"),
        ("version: 0.0\nresources:\n  - fn:\n      type: AWS::Lambda::Function\n", "appspec.yaml", "lambda"),
        ("version: 0.0\nResources:\n  - svc: {}\nHooks:\n  - AfterAllowTestTraffic: Check\n", "appspec.yml", "ecs"),
        ("version: 0.0\nos: linux\nresources:\n  LoadBalancerInfo: {}\n", "appspec.yml", "ec2"),
    ],
)
def test_detect_flavor(text: str, path: str, flavor: str) -> None:
    root = load_text(text, path).roots[0]
    assert detect_flavor(root) == flavor


def test_stray_resources_in_ec2_appspec(monkeypatch: pytest.MonkeyPatch) -> None:
    """An EC2 AppSpec with a stray `resources` key is not linted as Lambda."""
    path = fixture("appspec", "ec2_stray_resources")
    # With the extractor's flavor (Lambda today) no Lambda rule misfires on it ...
    assert triples(lint(path, select=["AS"]), "AS") in ([], [("AS001", 6, 1)])
    # ... and with the AppSpec model's detection it is an EC2 AppSpec with one ignored key.
    monkeypatch.setattr(extract_module, "appspec_flavor", detect_flavor)
    findings = lint(path, select=["AS"])
    assert triples(findings, "AS") == [("AS001", 6, 1)]
    assert findings[0].severity.name.lower() == "warning" and "belongs to Amazon ECS and AWS Lambda" in findings[0].message


def _fixture_files() -> list[str]:
    found: list[str] = []
    for folder, _, files in os.walk(os.path.join(FIXTURES, "appspec")):
        found.extend(os.path.join(folder, f) for f in files if f.lower().startswith("appspec."))
    return sorted(found)


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: os.path.relpath(p, FIXTURES))
def test_schema_rules_do_not_repeat_dedicated_rules(path: str) -> None:
    findings = lint(path, select=["AS"])
    schema = {(f.line, f.col) for f in findings if f.code in ("AS001", "AS002", "AS003")}
    others = {(f.line, f.col) for f in findings if f.code not in ("AS001", "AS002", "AS003")}
    assert not schema & others
    assert not [f for f in findings if f.code == "PL001"]


_VALUES = ["~", "1", "x", "[]", "{}", "[1, [2]]", "{a: {b: c}}", "[{location: 1}]", "true", "0755", '"0.0"']
_SHAPES = {
    "ec2": "version: 0.0\nos: linux\nfiles: [{source: /, destination: /a}]\npermissions: [{object: /a, mode: 755, acls: "
           "['u:a:r'], context: {type: t, range: s0}}]\nhooks:\n  ApplicationStart: [{location: a.sh, timeout: 5}]\n",
    "ecs": "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        "
           "TaskDefinition: x\n        LoadBalancerInfo: {ContainerName: c, ContainerPort: 80}\n        NetworkConfiguration: "
           "{AwsvpcConfiguration: {Subnets: [s]}}\n        CapacityProviderStrategy: [{CapacityProvider: p, Base: 1}]\n"
           "Hooks:\n  - BeforeInstall: f\n",
    "lambda": "version: 0.0\nResources:\n  - f:\n      Type: AWS::Lambda::Function\n      Properties: {Name: n, Alias: a, "
              "CurrentVersion: '1', TargetVersion: '2'}\nHooks:\n  - BeforeAllowTraffic: f\n",
}


def _variants() -> list[tuple[str, str]]:
    """Every leaf and section of each shape replaced by values of every node type."""
    cases = []
    for flavor, text in _SHAPES.items():
        lines = text.splitlines()
        for index, line in enumerate(lines):
            if ":" not in line:
                continue
            key = line.split(":", 1)[0]
            for value in _VALUES:
                changed = lines[:index] + [f"{key}: {value}"] + lines[index + 1:]
                cases.append((flavor, "\n".join(changed) + "\n"))
    return cases


def test_rules_never_raise_on_odd_input(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    registry = load_rules([])
    rules = [r for r in registry.rules if r.code.startswith("AS") and r.scope == "document"]
    (tmp_path / "scripts").mkdir()
    checked = 0
    for _, text in _variants():
        path = tmp_path / "appspec.yml"
        path.write_text(text)
        result = load_text(text, str(path))
        if result.fatal:
            continue
        for flavor in _SHAPES:  # every platform's rules on every shape, whatever the values became
            docs, _ = extract(result, "appspec")
            for doc, found in itertools.product(docs, rules):
                doc.flavor = flavor
                for config in ({}, {"bundle-root": "."}, {"custom-events": ["X"]}):
                    if found.applies_to(doc):
                        list(found.check(doc, config) or ())
                        checked += 1
    assert checked > 1000
