"""Hostile input to the loader: bounded work, bounded findings, no exception.

No timing is asserted: each input is large enough that the quadratic code it guards against
would take minutes (the sizes that took seconds or minutes before are given beside each test).
"""

from __future__ import annotations

from helpers import lint
from pipelint.extract.classify import kind_by_text
from pipelint.load import load_text
from pipelint.load.problems import MAX_DUPLICATE_KEY_REPORTS, Limits
from pipelint.load.scalars import MAX_INT_DIGITS, int_of_text, resolve_plain


def test_long_sexagesimal_keeps_its_text():
    # 1.5 MB of `1:59:59:…` took 98 s (a quadratic conversion to an ever larger int).
    text = "1" + ":59" * 500_000
    assert resolve_plain(text) == text
    root = load_text("a: " + text + "\n", "x.yml").roots[0]
    assert root.get("a").value == text
    assert resolve_plain("190:20:30") == 685230
    assert resolve_plain("-1:30") == -90
    assert resolve_plain("1" + ":59" * 500_000 + ".5") == float("inf")


def test_integers_past_the_digit_limit_keep_their_text():
    for literal in ("9" * 5000, "-" + "1" * 5000, "0x" + "f" * 5000, "0b" + "1" * 20000, "0" + "7" * 5000):
        result = load_text(f"a: {literal}\nb: [{literal}]\n", "x.yml")
        assert result.problems == []
        root = result.roots[0]
        assert root.get("a").value == literal
        assert root.get("b").items[0].value == literal
    assert resolve_plain("9" * MAX_INT_DIGITS) == int("9" * MAX_INT_DIGITS)
    json = load_text('{"a": ' + "9" * 5000 + ', "b": -' + "9" * 5000 + ', "c": 12, "d": 1e99999}', "x.json")
    assert json.problems == []
    values = json.roots[0].to_python()
    assert values == {"a": "9" * 5000, "b": "-" + "9" * 5000, "c": 12, "d": float("inf")}
    assert json.roots[0].get("a").style == ""  # a number, not a JSON string


def test_int_of_text_is_bounded():
    assert int_of_text(" 42 ") == 42
    assert int_of_text("-7") == -7
    assert int_of_text("9" * 5000) is None
    assert int_of_text("4x") is None
    assert int_of_text("٣") is None  # a non-ASCII digit


def test_unparseable_open_bracket_is_classified_in_linear_time(tmp_path):
    # `Resources: [` and 80 KB of newlines took 12.6 s; 500 KB would take minutes if quadratic.
    text = "Resources: [" + "\n" * 500_000
    assert kind_by_text(text) is None
    assert kind_by_text("Resources:\n  A:\n    Type: AWS::S3::Bucket\n  [") == "template"
    assert kind_by_text('{"pipeline": {"name": "p", "stages": [') == "pipeline"
    assert kind_by_text("pipeline: " * 2000) is None  # was a rescan of the rest from each one
    (tmp_path / "template.yml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [" + "\n" * 300_000)
    assert [(f.code, f.line) for f in lint(str(tmp_path))] == [("PL002", 300_002)]


def test_duplicate_keys_are_listed_up_to_a_cap_then_counted():
    # 900k duplicate keys gave 900k findings (20 s, 960 MB).
    count = 5_000
    text = "a: 0\n" + "a: 1\n" * count
    problems = load_text(text, "x.yml").problems
    assert len(problems) == MAX_DUPLICATE_KEY_REPORTS + 1
    assert all(p.code == "PL003" for p in problems)
    assert [p.line for p in problems[:3]] == [2, 3, 4]
    last = problems[-1]
    assert (last.line, last.col) == (MAX_DUPLICATE_KEY_REPORTS + 2, 1)
    assert f"{count - MAX_DUPLICATE_KEY_REPORTS:,} more duplicate keys" in last.message
    json = load_text("{" + ", ".join(['"a": 1'] * (count + 1)) + "}", "x.json").problems
    assert len(json) == MAX_DUPLICATE_KEY_REPORTS + 1
    assert f"{count - MAX_DUPLICATE_KEY_REPORTS:,} more duplicate keys" in json[-1].message


def test_duplicate_key_cap_reaches_the_findings(tmp_path):
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n" + "x: 1\n" * 3_000)
    findings = [f for f in lint(str(tmp_path)) if f.code == "PL003"]
    assert len(findings) == MAX_DUPLICATE_KEY_REPORTS + 1
    assert "2,899 more duplicate keys" in findings[-1].message


def test_a_file_of_millions_of_values_is_refused_after_bounded_work(tmp_path):
    # 5 MB holding 2.44M scalars took 49 s and 1.5 GB.
    limit = Limits().max_nodes
    for text, path in (("commands: [" + "a," * 2_440_000 + "a]\n", "x.yml"), ("[" + "1," * 2_440_000 + "1]", "x.json")):
        result = load_text(text, path)
        assert result.fatal and result.roots == []
        assert [p.code for p in result.problems] == ["PL007"]
        assert f"{limit:,} values" in result.problems[0].message
    small = Limits(max_nodes=1_000)
    assert not load_text("commands: [" + "a," * 996 + "a]\n", "x.yml", limits=small).problems  # 1,000 values
    assert [p.code for p in load_text("commands: [" + "a," * 997 + "a]\n", "x.yml", limits=small).problems] == ["PL007"]
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n" + "      - a\n" * 400_000)
    # Nine values come before the first command (line 5), so the limit is passed on this line:
    assert [(f.code, f.line) for f in lint(str(tmp_path))] == [("PL007", limit - 4)]


def test_nodes_share_their_parents_path():
    """A node stores its parent's path tuple (shared) and its own part, not a full path."""
    root = load_text("a:\n  b: [x, y, {c: d}]\n", "x.yml").roots[0]
    items = root.get("a").get("b").items
    assert [item.path for item in items] == [("a", "b", 0), ("a", "b", 1), ("a", "b", 2)]
    assert items[0]._base is items[1]._base is root.get("a").get("b").path
    assert items[2].get("c").path == ("a", "b", 2, "c")
    assert not hasattr(items[0], "__dict__")


def test_shared_paths_survive_pickling_and_copying():
    """Parallel workers pickle results: a path must read the same on the other side."""
    import copy
    import pickle

    root = load_text("a:\n  b: [x, {c: d}]\n", "x.yml").roots[0]
    for clone in (pickle.loads(pickle.dumps(root)), copy.deepcopy(root)):
        assert clone.key_node("a").path == ()
        assert clone.get("a").get("b").items[1].get("c").path == ("a", "b", 1, "c")
        assert clone.get("a").get("b").items[0].path == ("a", "b", 0)
