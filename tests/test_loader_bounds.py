"""Loader bounds on hostile input: large values behind aliases, long base-60 numbers,
placeholders for the flow-plain re-read, deep JSON policies. Counts and findings, never times."""

from __future__ import annotations

from pipelint.load import load_text
from pipelint.load.yaml_loader import ALIAS_CHAR_FLOOR, alias_char_budget

_WORDS = "Zx9a1B2c3D4e5 "


def _aliased_value(repeats: int, aliases: int) -> str:
    value = _WORDS * repeats
    uses = "".join(f"    B{i}: *a\n" for i in range(aliases))
    return f"version: 0.2\nenv:\n  variables:\n    A: &a '{value}'\n{uses}phases:\n  build:\n    commands: [echo]\n"


def test_large_value_behind_many_aliases_is_an_alias_bomb():
    """420 KB behind 500 aliases is 210 MB for the rules to scan: PL009 at the alias that
    passes the character budget, though the expanded node count is tiny."""
    text = _aliased_value(30_000, 500)
    result = load_text(text, "buildspec.yml")
    assert [p.code for p in result.problems] == ["PL009"]
    problem = result.problems[0]
    per_alias = len(_WORDS) * 30_000
    first_over = alias_char_budget(len(text)) // per_alias + 1  # the alias that passes the budget
    assert (problem.line, problem.col) == (4 + first_over, 9)
    assert "characters" in problem.message


def test_large_value_behind_aliases_in_a_collection_is_counted():
    """Characters count through collections: a list of aliases, itself aliased."""
    value = "x" * 200_000
    text = f"a: &a '{value}'\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    result = load_text(text, "x.yml")
    assert [p.code for p in result.problems] == ["PL009"]
    assert result.problems[0].line == 3


def test_large_value_reused_a_little_loads():
    """A value as large as the file may be repeated twice; a few KB may be reused many times."""
    assert load_text(_aliased_value(100_000, 2), "buildspec.yml").problems == []
    small = load_text(_aliased_value(300, 60), "buildspec.yml")  # 4 KB, 60 times
    assert small.problems == []
    root = small.roots[0]
    variables = root.get("env").get("variables")
    assert variables.get("B59") is variables.get("A")


def test_merge_keys_of_a_large_mapping_load():
    body = "".join(f"  k{i}: {'v' * 100}\n" for i in range(2_000))  # about 220 KB
    uses = "".join(f"m{i}:\n  <<: *base\n  extra: {i}\n" for i in range(4))
    result = load_text(f"base: &base\n{body}{uses}", "x.yml")
    assert result.problems == []
    assert result.roots[0].get("m3").get("k1999").value == "v" * 100


def test_alias_char_budget_grows_with_the_file():
    assert alias_char_budget(10) == ALIAS_CHAR_FLOOR
    assert alias_char_budget(4_000_000) == 8_000_000


def _peak_bytes(function, *args):
    import tracemalloc

    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_long_base60_literals_resolve_in_bounded_memory():
    """A 2 MB `1:5:5:…` literal: the old regex kept ~85 bytes per character for backtracking
    (170 MB) and the conversion split it into a million strings."""
    from pipelint.load.scalars import resolve_plain

    integer = "1" + ":5" * 1_000_000
    real = integer + ".5"
    assert resolve_plain(integer) == integer  # too large: keeps its text
    assert resolve_plain(real) == float("inf")
    assert _peak_bytes(resolve_plain, integer) < 5 * len(integer)
    assert _peak_bytes(resolve_plain, real) < 5 * len(real)
    # Leading zero groups keep a long literal small: every group still counts.
    assert resolve_plain("0" + ":0" * 100_000 + ":1:30.5") == 90.5


def test_base60_values_are_unchanged():
    from pipelint.load.scalars import resolve_plain

    assert [resolve_plain(t) for t in ("1:30", "190:20:30", "-1:30", "1:30.5", "1:60", "1:5:")] == [
        90, 685230, -90, 90.5, "1:60", "1:5:"
    ]


def test_long_base60_file_loads():
    text = "version: 0.2\nenv:\n  variables:\n    A: 1" + ":5" * 500_000 + ".5\n    B: [a:b]\n"
    result = load_text(text, "buildspec.yml")
    assert result.problems == []
    variables = result.roots[0].get("env").get("variables")
    assert variables.get("A").value == float("inf")
    assert variables.get("B").to_python() == ["a:b"]


_ALL_BMP_PRIVATE_USE = "".join(map(chr, range(0xE000, 0xF900)))


def test_flow_plain_placeholders_when_every_bmp_private_use_character_is_taken():
    """The re-read takes supplementary private-use placeholders; positions stay exact."""
    text = f"# {_ALL_BMP_PRIVATE_USE}\nAction: [sts:AssumeRole, s3:Get?x, b]\n"
    result = load_text(text, "x.yml")
    assert result.problems == []
    actions = result.roots[0].get("Action")
    assert actions.to_python() == ["sts:AssumeRole", "s3:Get?x", "b"]
    last = actions[2]
    assert (last.line, last.col, last.end_col) == (2, 36, 37)


def test_flow_plain_placeholders_are_not_spelled_as_escapes():
    r"""`"iam\uE000PassRole"` decodes to a private-use character, which must stay what it is
    (not become `iam:PassRole`) when the file is re-read for `[sts:AssumeRole]`."""
    escapes = '"iam\\uE000PassRole", "s3\\U0000e001x", "a\\xE2", "b\\ue003ABCD"'
    result = load_text(f"a: [sts:AssumeRole]\nb: [{escapes}]\n", "x.yml")
    assert result.problems == []
    root = result.roots[0]
    assert root.get("a").to_python() == ["sts:AssumeRole"]
    assert root.get("b").to_python() == ["iam\ue000PassRole", "s3\ue001x", "a\xe2", "b\ue003ABCD"]


def test_flow_plain_placeholders_are_not_spelled_in_tags():
    result = load_text("a: [sts:AssumeRole]\nb: !<tag:x%EE%80%80y> v\n", "x.yml")
    assert result.problems == []
    b = result.roots[0].get("b")
    assert b.tag == "tag:x\ue000y"
    assert result.roots[0].get("a").to_python() == ["sts:AssumeRole"]


def test_flow_plain_placeholders_can_run_out_only_with_every_private_use_character():
    from pipelint.load.flow_plain import _placeholders

    assert _placeholders(_ALL_BMP_PRIVATE_USE, 3) == ["\U000f0000", "\U000f0001", "\U000f0002"]
    escaped = "".join(f"\\U{code:08x}" for code in range(0xF0000, 0xF0002))
    assert _placeholders(_ALL_BMP_PRIVATE_USE + escaped, 1) == ["\U000f0002"]


def _deep_policy(depth: int) -> str:
    sid = "[" * depth + "]" * depth
    return '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Sid":' + sid + "}]}"


def test_deep_json_policy_reports_nesting_like_a_template(tmp_path):
    """A policy found by walking (not named like one) that is too deep to load is reported as
    PL008, as a template is, instead of being skipped as nothing to lint."""
    from helpers import lint, triples

    (tmp_path / "policy.json").write_text(_deep_policy(300))
    (tmp_path / "shallow.json").write_text(_deep_policy(3))
    template = '{"Resources": {"R": {"Type": "AWS::S3::Bucket", "Metadata": ' + "[" * 300 + "]" * 300 + "}}}"
    (tmp_path / "template.json").write_text(template)
    findings = lint(str(tmp_path))
    assert [(f.path.rsplit("/", 1)[-1], f.code, f.line) for f in findings if f.code.startswith("PL")] == [
        ("policy.json", "PL008", 1),
        ("template.json", "PL008", 1),
    ]
    assert triples([f for f in findings if f.path.endswith("policy.json")]) == [("PL008", 1, 343)]


def test_policy_is_recognised_from_text_only_with_its_keys():
    from pipelint.extract.classify import kind_by_text

    assert kind_by_text('{"Statement": [{"Effect": "Allow", [') == "policy"
    assert kind_by_text("Version: '2012-10-17'\nStatement:\n  - [") == "policy"
    assert kind_by_text('{"MyStatement": 1, "Effect": [') is None
    assert kind_by_text('{"Statement": [') is None
