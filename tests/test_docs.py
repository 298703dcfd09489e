"""docs/rules.md is generated from the rules' docstrings and must not be stale."""

from __future__ import annotations

import os

from pipelint.docs import rules_markdown
from pipelint.engine.registry import load_rules

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_rules_reference_is_fresh():
    with open(os.path.join(REPO, "docs", "rules.md"), encoding="utf-8") as handle:
        current = handle.read()
    expected = rules_markdown(load_rules(use_entry_points=False))
    assert current == expected, "docs/rules.md is stale: run `pipelint rules --format markdown > docs/rules.md`"


def test_every_rule_documents_a_failing_and_a_fixed_example():
    for found in load_rules(use_entry_points=False).rules:
        if found.scope == "loader" or found.code.startswith("PL"):
            continue
        text = found.doc.lower()
        assert "failing" in text and "fixed" in text, f"{found.code} lacks a failing/fixed example"
