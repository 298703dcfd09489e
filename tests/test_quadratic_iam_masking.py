"""IAM rules and secret masking stay linear on inputs a security review found quadratic.

Each input is generated here, big enough that the quadratic versions would take minutes
(IAM004 compared every ``iam:PassRole`` statement with every statement of the policy: 2,000
statements took 20 s; masking compared each occurrence with every secret sharing its first five
characters: 20,000 such secrets took 17 s). Nothing is timed: the tests assert the results and
count the work done (statement-action comparisons, secret comparisons).
"""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from helpers import lint
from pipelint import textutil
from pipelint.models.policy import Statement
from pipelint.rules.iam import escalation
from pipelint.textutil import mask_secrets

STATEMENTS = 6_000  # IAM004 before: 13 × 6,000² ≈ 470 million statement-action comparisons


@pytest.fixture
def action_checks(monkeypatch):
    """How often any rule asks a statement whether it grants an action."""
    calls = Counter[str]()
    real = Statement.matches_action

    def counting(self: Statement, action: str):
        calls[action] += 1
        return real(self, action)

    monkeypatch.setattr(Statement, "matches_action", counting)
    return calls


def _policy(tmp_path, statements: list[dict]) -> str:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1))
    return str(path)


def test_iam004_on_thousands_of_passrole_statements_is_linear(tmp_path, action_checks):
    # The security review's input, bigger, with the one role-taking action at the very end:
    # every statement's suggestion names the receiving service, found by one pass per action.
    statements = [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}] * STATEMENTS
    statements.append({"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"})
    findings = lint(_policy(tmp_path, statements), select=["IAM004", "IAM010"])
    passrole = [f for f in findings if f.code == "IAM004"]
    assert len(passrole) == 101  # 100 listed, one counting the rest (the engine's cap per rule and file)
    assert f"{STATEMENTS - 100:,} more IAM004 findings" in passrole[-1].message
    assert all("iam:PassedToService: lambda.amazonaws.com}" in f.message for f in passrole[:100])
    assert [f.code for f in findings if f.code == "IAM010"] == ["IAM010"]
    # IAM004 asks each statement once per role-taking action (13), IAM010 about two dozen
    # actions; the quadratic version asked 13 × STATEMENTS per statement.
    assert sum(action_checks.values()) < 45 * STATEMENTS
    assert max(action_checks.values()) < 5 * STATEMENTS  # one pass per question (IAM010: one per receiving service)


def test_iam004_receivers_are_computed_once_and_in_action_order(tmp_path, action_checks):
    statements = [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/deploy"}] * 2_000
    statements += [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},  # a service wildcard says nothing about intent
        {"Effect": "Allow", "Action": ["codebuild:CreateProject"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["cloudformation:Create*"], "Resource": "*"},
        {"Effect": "Deny", "Action": ["lambda:CreateFunction"], "Resource": "*"},
    ]
    findings = lint(_policy(tmp_path, statements), select=["IAM004"])
    assert len(findings) == 101 and findings[0].severity.name.lower() == "note"
    assert all("[cloudformation.amazonaws.com, codebuild.amazonaws.com]" in f.message for f in findings[:100])
    assert action_checks["iam:PassRole"] == 0  # IAM004 reads `Action` values directly
    assert max(action_checks.values()) <= len(statements)  # each role-taking action: one pass


def test_iam010_asks_each_question_once_over_many_statements(tmp_path, action_checks, monkeypatch):
    # Thousands of statements that each come close to the created-role path (PassRole and
    # CreateRole on a name prefix) but never complete it: the path is tried for ten sample
    # roles, each question being one pass over the statements, asked once.
    statements = [
        {"Effect": "Allow", "Action": ["iam:PassRole", "iam:CreateRole", "codebuild:CreateProject", "codebuild:StartBuild"],
         "Resource": f"arn:aws:iam::123456789012:role/team{n}-*"}
        for n in range(STATEMENTS)
    ]
    passes = Counter[tuple]()
    real = escalation._first_allowing

    def counting(split, action, own_arn, passes_to, target):
        passes[(action, own_arn, passes_to, target)] += 1
        return real(split, action, own_arn, passes_to, target)

    monkeypatch.setattr(escalation, "_first_allowing", counting)
    assert lint(_policy(tmp_path, statements), select=["IAM010"]) == []
    assert set(passes.values()) == {1}  # no question asked twice
    assert len(passes) < 60
    assert sum(action_checks.values()) < 60 * STATEMENTS


def test_iam010_still_finds_the_created_role_path_at_the_end_of_a_long_policy(tmp_path):
    filler = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket{n}/*"} for n in range(STATEMENTS)]
    path = [{"Effect": "Allow", "Action": ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PassRole"],
             "Resource": "arn:aws:iam::123456789012:role/proj-*"},
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}]
    findings = lint(_policy(tmp_path, filler + path), select=["IAM010"])
    assert [f.code for f in findings] == ["IAM010"]
    assert "`iam:CreateRole` + `iam:AttachRolePolicy` + `iam:PassRole` + `lambda:CreateFunction` + `lambda:InvokeFunction`" in findings[0].message


# --- secret masking ---------------------------------------------------------------------------

SHARED_PREFIX = 60_000  # before: each occurrence compared with up to 60,000 secrets (≈ 1.8 billion comparisons)


class _CountingSet(set):
    lookups = 0

    def __contains__(self, item: object) -> bool:
        type(self).lookups += 1
        return super().__contains__(item)


def test_many_secrets_sharing_their_first_characters_are_masked_in_one_pass(monkeypatch):
    # The security review's shape: `PASSWORD_n: Zx9abcdefgh0000000nQ`, every secret starting
    # with the same 11 characters. Each occurrence costs a hash look-up or two, not a comparison
    # with every secret of the same first five characters.
    secrets = {f"Zx9abcdefgh{n:08d}Q" for n in range(SHARED_PREFIX)}
    text = " ".join(f"PASSWORD_{n}: Zx9abcdefgh{n:08d}Q" for n in range(SHARED_PREFIX))
    masker = textutil._Masker(secrets)
    _CountingSet.lookups = 0
    masker.long = _CountingSet(masker.long)
    masker.medium = _CountingSet(masker.medium)
    masked = masker.apply(text)
    assert masked.count("Zx9a…(20 chars)") == SHARED_PREFIX
    assert "Zx9ab" not in masked
    assert _CountingSet.lookups == SHARED_PREFIX  # one exact look-up per occurrence
    assert mask_secrets(text, secrets) == masked  # the indexed path of the public function


def test_near_misses_of_a_shared_prefix_cost_one_look_up_each():
    secrets = {f"Zx9abcdefgh{n:08d}Q" for n in range(SHARED_PREFIX)}
    text = " ".join(f"Zx9abcdefgh{n:08d}R" for n in range(SHARED_PREFIX))  # same start, never a secret
    masker = textutil._Masker(secrets)
    _CountingSet.lookups = 0
    masker.long = _CountingSet(masker.long)
    assert masker.apply(text) == text
    assert _CountingSet.lookups == SHARED_PREFIX


def test_the_indexed_masker_masks_exactly_what_searching_each_secret_masks():
    # Nested, overlapping and adjacent secrets of every length class (under four characters,
    # four, medium, and long ones sharing their first 16 characters): the index finds the same
    # union of occurrences as searching the text for each secret in turn.
    rnd = random.Random(17)
    alphabet = "ab"
    base = "".join(rnd.choice(alphabet) for _ in range(40))
    secrets = {base[:size] for size in (3, 4, 5, 9, 15, 16, 17, 23, 40)}
    secrets |= {base[i:i + size] for i in (1, 6, 11) for size in (4, 7, 16, 20)}
    secrets |= {"".join(rnd.choice(alphabet) for _ in range(rnd.randint(5, 30))) for _ in range(60)}
    for _ in range(200):
        text = "".join(rnd.choice((base, "x", "ab", "ba", base[:17], base[6:30])) for _ in range(rnd.randint(1, 12)))
        indexed = textutil._Masker(secrets).apply(text)
        one_by_one = mask_secrets(text, sorted(secrets))  # a list: each secret searched in turn
        assert indexed == one_by_one, text


def test_a_buildspec_of_twenty_thousand_shared_prefix_passwords_is_masked_everywhere(tmp_path):
    from click.testing import CliRunner

    from pipelint.cli import main

    count = 20_000
    (tmp_path / "buildspec.yml").write_text(
        "version: 0.2\nenv:\n  variables:\n" + "".join(f"    PASSWORD_{n}: Zx9abcdefgh{n:08d}Q\n" for n in range(count))
        + "phases: {build: {commands: [a]}}\n")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--jobs", "1", "--select", "SEC", str(tmp_path)])
    assert result.output.count(": SEC001 [") == 101
    assert f"{count - 100:,} more SEC001 findings" in result.output
    assert "Zx9ab" not in result.output
    frames = [line for line in result.output.splitlines() if " | " in line and "PASSWORD_" in line]
    assert frames and all("Zx9a…(20 chars)" in line for line in frames)


# --- IAM009 on thousands of unknown actions ----------------------------------------------------


def _reference_edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance, the whole table (what `_edits` must agree with)."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            if min(i, j) == 0:
                rows[i][j] = max(i, j)
                continue
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def test_edit_distance_skipping_common_ends_agrees_with_the_full_table():
    from pipelint.rules.iam.malformed import _edits

    rnd = random.Random(23)
    for _ in range(20_000):
        a = "".join(rnd.choice("abc") for _ in range(rnd.randint(0, 9)))
        b = list(a)
        for _ in range(rnd.randint(0, 3)):
            i = rnd.randint(0, max(0, len(b) - 1))
            match rnd.randint(0, 3):
                case 0 if b:
                    b[i] = rnd.choice("abc")
                case 1:
                    b.insert(i, rnd.choice("abc"))
                case 2 if b:
                    del b[i]
                case 3 if i + 1 < len(b):
                    b[i], b[i + 1] = b[i + 1], b[i]
        expected = _reference_edits(a, "".join(b))
        for limit in (1, 2):
            assert min(_edits(a, "".join(b), limit), limit + 1) == min(expected, limit + 1), (a, b)


def test_a_wildcard_pattern_is_compared_only_with_names_sharing_its_head(monkeypatch):
    from pipelint.rules.iam import _actions

    calls = []
    real = _actions.action_matches
    monkeypatch.setattr(_actions, "action_matches", lambda p, a: calls.append(a) or real(p, a))
    ec2 = list(_actions.table()["ec2"])
    expected = [_actions.spell(f"ec2:{name}") for name in ec2 if real("describeinstance*s", name)]
    assert list(_actions._expand.__wrapped__("ec2:DescribeInstance*s")) == expected  # table order kept
    assert "ec2:DescribeInstances" in expected
    assert 0 < len(calls) == sum(1 for name in ec2 if name.startswith("describeinstance")) < len(ec2) // 10


def test_iam009_on_thousands_of_distinct_unknown_actions_keeps_its_suggestions(tmp_path):
    statements = [{"Effect": "Allow", "Action": [f"ec2:DescribeInstancez{n}", f"s3:Get{n}*"], "Resource": "*"} for n in range(3_000)]
    statements.append({"Effect": "Allow", "Action": ["s3:GetObjects", "codebuild:StartBuilds"], "Resource": "*"})
    findings = lint(_policy(tmp_path, statements), select=["IAM009"])
    assert len(findings) == 101 and f"{2 * 3_000 + 2 - 100:,} more IAM009 findings" in findings[-1].message
    from pipelint.rules.iam.malformed import close_action

    assert close_action("s3", "GetObjects") == "s3:GetObject"
    assert close_action("codebuild", "StartBuilds") == "codebuild:StartBuild"
    assert close_action("ec2", "DescribeInstancez7") == "ec2:DescribeInstances"  # two edits: still suggested


def test_iam009_suggests_for_at_most_a_bounded_number_of_names_per_document(tmp_path, monkeypatch):
    """Thousands of made-up service prefixes: each suggestion compares against every known
    prefix, so only the first HINTS_PER_DOCUMENT names of a document get one (far more than the
    100 findings of a rule that are ever shown); every name is still reported."""
    import json as _json

    from pipelint.engine.runner import run
    from pipelint.rules.iam import malformed

    calls = []
    real = malformed.did_you_mean
    monkeypatch.setattr(malformed, "did_you_mean", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    malformed._close_prefix.cache_clear()
    path = tmp_path / "policy.json"
    path.write_text(_json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": f"svc{i}x:Get", "Resource": "*"} for i in range(3000)]}))
    findings = [f for f in run([str(path)], isolated=True, select=["IAM009"]).findings if f.code == "IAM009"]
    assert len(calls) <= malformed.HINTS_PER_DOCUMENT
    assert len(findings) == 101
    assert any("2,900 more IAM009 findings" in f.message for f in findings)
