"""The policy model: statements, located values, intrinsic functions, action matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelint.load import load_text
from pipelint.models.policy import action_matches, parse_policy, values_of


def _root(text: str, name: str = "policy.yaml"):
    result = load_text(text, name)
    assert not result.fatal, result.problems
    return result.roots[0]


def test_statements_and_located_values():
    policy = parse_policy(_root(
        "Version: '2012-10-17'\n"
        "Statement:\n"
        "  - Sid: One\n"
        "    Effect: Allow\n"
        "    Action: [\"s3:GetObject\", \"s3:PutObject\"]\n"
        "    Resource: !Sub arn:aws:s3:::${Bucket}/*\n"
        "    Condition:\n"
        "      StringEquals:\n"
        "        aws:SourceAccount: '123456789012'\n"
    ))
    assert policy.version is not None and policy.version.text == "2012-10-17"
    [stmt] = policy.statements
    assert stmt.sid == "One" and stmt.allow and not stmt.deny
    assert [v.text for v in stmt.actions] == ["s3:GetObject", "s3:PutObject"]
    assert (stmt.actions[1].node.line, stmt.actions[1].node.col) == (5, 30)
    [resource] = stmt.resources
    assert resource.form == "sub" and resource.has_wildcard and not resource.is_star
    assert resource.shape() == "arn:aws:s3:::x/*"
    assert stmt.condition_keys() == {"aws:sourceaccount"}


def test_single_statement_mapping_and_fn_if_statements():
    policy = parse_policy(_root(
        "Statement:\n"
        "  - !If\n"
        "    - Prod\n"
        "    - {Effect: Allow, Action: 'sqs:SendMessage', Resource: '*'}\n"
        "    - !Ref AWS::NoValue\n"
        "  - Effect: Deny\n"
        "    Action: '*'\n"
        "    Resource: '*'\n"
    ))
    assert [s.effect_text for s in policy.statements] == ["Allow", "Deny"]
    single = parse_policy(_root("Statement: {Effect: Allow, Action: '*', Resource: '*'}\n"))
    assert len(single.statements) == 1 and single.statements[0].resource_star is not None


def test_intrinsic_values():
    root = _root(
        "a: !If [Cond, '*', !Ref Other]\n"
        "b: !Ref 'AWS::NoValue'\n"
        "c: !GetAtt Role.Arn\n"
        "d: !Join ['', ['arn:aws:s3:::', !Ref Bucket, '/*']]\n"
        "e: {Not: intrinsic}\n"
    )
    a = values_of(root.get("a"))
    assert [v.form for v in a] == ["literal", "dynamic"] and a[0].is_star
    assert values_of(root.get("b")) == []
    [c] = values_of(root.get("c"))
    assert c.form == "dynamic" and not c.is_star and not c.has_wildcard
    [d] = values_of(root.get("d"))
    assert d.form == "sub" and d.text == "arn:aws:s3:::${?}/*" and d.has_wildcard
    [e] = values_of(root.get("e"))
    assert e.form == "invalid"


def test_principals():
    policy = parse_policy(_root(
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Principal: '*'\n"
        "    Action: s3:GetObject\n"
        "    Resource: '*'\n"
        "  - Effect: Allow\n"
        "    Principal:\n"
        "      AWS: ['arn:aws:iam::123456789012:root', 210987654321]\n"
        "      Service: codebuild.amazonaws.com\n"
        "    Action: sts:AssumeRole\n"
    ))
    first, second = policy.statements
    assert [(p.type, p.value.text) for p in first.principal.principals] == [("*", "*")]
    assert [(p.type, p.value.text) for p in second.principal.principals] == [
        ("AWS", "arn:aws:iam::123456789012:root"), ("AWS", "210987654321"), ("Service", "codebuild.amazonaws.com")]


@pytest.mark.parametrize(("pattern", "action", "expected"), [
    ("*", "iam:PassRole", True),
    ("iam:*", "iam:PassRole", True),
    ("IAM:pass*", "iam:PassRole", True),
    ("iam:Pass?ole", "iam:PassRole", True),
    ("iam:Get*", "iam:PassRole", False),
    ("s3:*", "s3x:Get", False),
    ("iam:[P]assRole", "iam:PassRole", False),
])
def test_action_matches(pattern, action, expected):
    assert action_matches(pattern, action) is expected


def test_not_action_matches_everything_else():
    [stmt] = parse_policy(_root("Statement: [{Effect: Allow, NotAction: 'iam:*', Resource: '*'}]\n")).statements
    assert stmt.matches_action("s3:GetObject") is not None
    assert stmt.matches_action("iam:PassRole") is None


@pytest.mark.parametrize("text", [
    "Statement: 5\n",
    "Statement: [1, [2], null]\n",
    "Statement: [{Effect: [Allow], Action: {a: b}, Resource: [[x]], Principal: [x], Condition: 3}]\n",
    "Statement: [{Effect: Allow, Action: !Ref X, Resource: !Select [0, [a]], Principal: !If [C, '*', {AWS: !Ref A}]}]\n",
    "Version: [1]\n",
])
def test_odd_input_never_raises(text):
    policy = parse_policy(_root(text))
    for stmt in policy.statements:
        stmt.matches_action("s3:GetObject")
        stmt.condition_keys()
        _ = stmt.resource_star


@given(
    pattern=st.text(alphabet="ab*?:Sx", max_size=10),
    action=st.text(alphabet="abAB:Sxs", max_size=10),
)
@settings(max_examples=3000, deadline=None)
def test_action_matching_agrees_with_a_glob_regex(pattern, action):
    # `*`-only patterns are matched without regexes; the answer must be the regex's.
    import re

    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    expected = pattern == "*" or re.fullmatch(regex, action, re.IGNORECASE | re.DOTALL) is not None
    assert action_matches(pattern, action) is expected
