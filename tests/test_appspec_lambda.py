"""AWS Lambda AppSpec rules (AS003, AS102, AS5xx)."""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples

LAMBDA_RULES = ["AS003", "AS102", "AS501", "AS502", "AS503", "AS504", "AS505"]


def test_lambda_yaml() -> None:
    findings = lint(fixture("appspec", "lambda_bad"), select=LAMBDA_RULES)
    assert triples(findings, "AS") == [
        ("AS003", 10, 9),  # Description
        ("AS102", 1, 10),
        ("AS501", 7, 9),  # empty Alias
        ("AS502", 8, 25),  # $LATEST
        ("AS503", 9, 24),  # unquoted 2
        ("AS505", 12, 5),  # LifeCycleEvent placeholder
        ("AS505", 13, 5),  # BeforeInstall belongs to EC2 and ECS
        ("AS505", 14, 5),  # AllowTraffic is reserved
    ]
    assert "EC2/on-premises and Amazon ECS deployments" in next(f for f in findings if f.line == 13).message


def test_lambda_json() -> None:
    findings = lint(fixture("appspec", "lambda_bad_json"), select=LAMBDA_RULES)
    assert triples(findings, "AS") == [
        ("AS501", 7, 9),  # no Alias
        ("AS504", 10, 28),  # 7 → 7
        ("AS505", 16, 28),  # a list instead of a function
        ("AS505", 17, 6),  # ValidateService
    ]


def test_resources() -> None:
    findings = lint(fixture("appspec", "lambda_resources_bad"), select=LAMBDA_RULES)
    assert triples(findings, "AS") == [("AS501", 3, 5), ("AS501", 5, 5)]


@pytest.mark.parametrize("name", ["lambda_good", "lambda_good_json", "lambda_good_lower"])
def test_passing(name: str) -> None:
    assert triples(lint(fixture("appspec", name), select=["AS"]), "AS") == []
