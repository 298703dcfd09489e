"""EC2/on-premises lifecycle hooks (AS2xx) and the hook-order note (AS210) for every platform."""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples
from pipelint.extract import extract
from pipelint.load import load_text
from pipelint.rules.appspec.ec2_hooks import ec2_hook_location_missing, ec2_unknown_lifecycle_event

HOOK_RULES = ["AS001", "AS201", "AS202", "AS203", "AS204", "AS205", "AS206", "AS207", "AS208", "AS210"]


def test_hooks_yaml() -> None:
    findings = lint(fixture("appspec", "ec2_hooks_bad"), select=HOOK_RULES)
    assert triples(findings, "AS") == [
        ("AS001", 22, 7),  # runAs
        ("AS001", 23, 7),  # commands next to a location
        ("AS201", 9, 3),  # AfterInstal
        ("AS201", 13, 3),  # an ECS event
        ("AS202", 11, 3),  # Install
        ("AS203", 16, 7),  # plain string
        ("AS204", 17, 7),  # run:
        ("AS204", 18, 7),  # locaton:
        ("AS204", 19, 7),  # only a timeout
        ("AS204", 20, 16),  # empty location
        ("AS204", 34, 9),  # location is a list
        ("AS205", 6, 16),  # 0
        ("AS205", 8, 16),  # 5m
        ("AS205", 32, 16),  # true
        ("AS206", 29, 16),  # 3000 + 900
        ("AS208", 25, 3),  # ApplicationStop
        ("AS210", 15, 3),  # BeforeInstall after ApplicationStart
    ]
    by_pos = {(f.code, f.line): f for f in findings}
    assert "did you mean `AfterInstall`?" in by_pos[("AS201", 9)].message
    assert "Amazon ECS event" in by_pos[("AS201", 13)].message
    assert "no location value" in by_pos[("AS204", 17)].message and "script" in by_pos[("AS204", 17)].message
    assert "rename it to `location`" in by_pos[("AS204", 18)].message
    assert "an invalid timeout value was provided for a script" in by_pos[("AS205", 8)].message
    # the agent ignores unknown keys and goes on: a warning, even for a misspelling (issue 12)
    assert by_pos[("AS001", 22)].severity.name.lower() == "warning"
    assert by_pos[("AS001", 23)].severity.name.lower() == "warning"
    order = by_pos[("AS210", 15)]
    assert order.severity.name.lower() == "note"
    assert "ApplicationStop → BeforeInstall → ApplicationStart → ValidateService" in order.message


def test_hooks_json() -> None:
    findings = lint(fixture("appspec", "ec2_hooks_bad_json"), select=HOOK_RULES)
    assert triples(findings, "AS") == [
        ("AS201", 8, 5),  # applicationstart: event names are case-sensitive
        ("AS202", 7, 5),  # DownloadBundle
        ("AS203", 6, 23),
        ("AS204", 6, 46),
        ("AS205", 5, 72),  # -5
        ("AS206", 6, 57),  # 4000 in one script
        ("AS210", 6, 5),
    ]


@pytest.mark.parametrize("name", ["ec2_good", "ec2_good_json"])
def test_passing(name: str) -> None:
    rules = [r for r in HOOK_RULES if not (name == "ec2_good" and r == "AS208")]
    assert triples(lint(fixture("appspec", name), select=rules), "AS") == []


def test_hook_order_other_platforms() -> None:
    assert triples(lint(fixture("appspec", "lambda_bad"), select=["AS210"]), "AS") == [("AS210", 16, 5)]
    for name in ("ecs_good", "ecs_good_json", "lambda_good", "ecs_bad"):
        assert triples(lint(fixture("appspec", name), select=["AS210"]), "AS") == []


def _doc(text: str):  # noqa: ANN202 - a test helper
    result = load_text(text, "appspec.yml")
    docs, _ = extract(result, "appspec")
    return docs[0]


def test_custom_events_option() -> None:
    doc = _doc("version: 0.0\nos: linux\nhooks:\n  MyCheck:\n    - run: x\n")
    assert [r.node.line for r in ec2_unknown_lifecycle_event.check(doc, {})] == [4]
    assert list(ec2_unknown_lifecycle_event.check(doc, {"custom-events": ["MyCheck"]})) == []
    # A custom event's scripts are then checked like any other.
    assert [r.node.line for r in ec2_hook_location_missing.check(doc, {"custom-events": ["MyCheck"]})] == [5]
