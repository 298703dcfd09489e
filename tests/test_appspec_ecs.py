"""Amazon ECS AppSpec rules (AS002, AS102, AS4xx)."""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples

ECS_RULES = ["AS002", "AS102", "AS401", "AS402", "AS403", "AS404", "AS405", "AS406"]


def test_ecs_yaml() -> None:
    findings = lint(fixture("appspec", "ecs_bad"), select=ECS_RULES)
    assert triples(findings, "AS") == [
        ("AS002", 9, 26),  # PlatformVersion 1.4 is a number
        ("AS002", 10, 9),  # Environment: unknown key
        ("AS002", 14, 29),  # AssignPublicIp: YES
        ("AS102", 1, 10),  # version 1
        ("AS401", 4, 13),  # Type AWS::ECS::TaskSet
        ("AS402", 6, 25),  # empty TaskDefinition
        ("AS402", 7, 9),  # no ContainerName
        ("AS402", 8, 26),  # ContainerPort: http
        ("AS404", 12, 11),  # no SecurityGroups
        ("AS405", 15, 9),  # no weight above 0
        ("AS405", 19, 19),  # a second Base
        ("AS406", 22, 5),  # ApplicationStart is an EC2 event
        ("AS406", 23, 5),  # Install is reserved
        ("AS406", 24, 5),  # BeforeInstal
        ("AS406", 25, 19),  # not a function name
        ("AS406", 27, 7),  # a script list
        ("AS406", 28, 5),  # empty
        ("AS406", 29, 5),  # a bare event name
    ]
    by_pos = {(f.code, f.line): f for f in findings}
    assert by_pos[("AS002", 10)].severity.name.lower() == "warning"
    assert by_pos[("AS102", 1)].severity.name.lower() == "warning"
    assert "EC2/on-premises deployments" in by_pos[("AS406", 22)].message
    assert "did you mean `BeforeInstall`?" in by_pos[("AS406", 24)].message


def test_ecs_json() -> None:
    findings = lint(fixture("appspec", "ecs_bad_json"), select=ECS_RULES)
    assert triples(findings, "AS") == [
        ("AS002", 8, 29),  # Fn::ImportValue
        ("AS002", 10, 36),  # Subnets directly under NetworkConfiguration
        ("AS403", 9, 73),  # "8080"
        ("AS404", 10, 11),  # no AwsvpcConfiguration
        ("AS406", 15, 12),  # Hooks as a mapping
    ]
    assert "does not evaluate CloudFormation functions" in findings[0].message
    assert '`"Hooks": [{"AfterAllowTraffic": "Validate"}]`' in findings[-1].message  # JSON advice for a JSON file


def test_resources() -> None:
    assert triples(lint(fixture("appspec", "ecs_resources_bad"), select=ECS_RULES), "AS") == [("AS401", 3, 5), ("AS401", 5, 5)]
    assert triples(lint(fixture("appspec", "ecs_resources_mapping"), select=ECS_RULES), "AS") == [("AS401", 3, 3)]
    assert triples(lint(fixture("appspec", "ecs_no_resources"), select=ECS_RULES), "AS") == [
        ("AS401", 4, 23),  # TargetService is a string
        ("AS401", 4, 44),  # a second resource name
        ("AS406", 6, 12),  # Hooks is a string
    ]


@pytest.mark.parametrize("name", ["ecs_good", "ecs_good_json", "ecs_good_lower"])
def test_passing(name: str) -> None:
    """Includes the `<TASK_DEFINITION>` placeholder, a quoted "0.0", lower-case keys and ARNs."""
    assert triples(lint(fixture("appspec", name), select=["AS"]), "AS") == []
