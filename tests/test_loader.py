"""The loader: positions, typing, CloudFormation tags, and every kind of bad input."""

from __future__ import annotations

import resource
import time

import pytest

from helpers import lint, triples
from pipelint.load import Limits, load_file, load_text
from pipelint.load.nodes import Mapping, Sequence


def codes(result):
    return [(p.code, p.line, p.col) for p in result.problems]


def test_positions_of_keys_and_values():
    result = load_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n", "buildspec.yml")
    root = result.roots[0]
    assert isinstance(root, Mapping)
    key = root.key_node("phases")
    assert (key.line, key.col, key.end_line, key.end_col) == (2, 1, 2, 7)
    command = root.get("phases").get("build").get("commands")[0]
    assert (command.line, command.col, command.end_col) == (5, 9, 16)
    assert command.path == ("phases", "build", "commands", 0)
    assert command.source.path == "buildspec.yml"


def test_yaml_11_typing_of_plain_scalars_only():
    root = load_text("a: 0755\nb: '0755'\nc: 3.10\nd: yes\ne: ~\nf: 0x1F\ng: 1_000\nh: off\n", "x.yml").roots[0]
    values = {k.text: v.value for k, v in root.items()}
    assert values == {"a": 493, "b": "0755", "c": 3.1, "d": True, "e": None, "f": 31, "g": 1000, "h": False}
    assert root.get("a").raw == "0755"
    assert root.get("b").quoted and not root.get("a").quoted


def test_cloudformation_short_tags_load_as_long_forms():
    text = "A: !Ref Bucket\nB: !GetAtt Role.Arn\nC: !Sub 'x-${AWS::Region}'\nD: !If [Cond, a, b]\nE: !Join ['', [a, b]]\n"
    root = load_text(text, "t.yml").roots[0]
    assert root.to_python() == {
        "A": {"Ref": "Bucket"},
        "B": {"Fn::GetAtt": ["Role", "Arn"]},
        "C": {"Fn::Sub": "x-${AWS::Region}"},
        "D": {"Fn::If": ["Cond", "a", "b"]},
        "E": {"Fn::Join": ["", ["a", "b"]]},
    }
    ref = root.get("A")
    assert (ref.line, ref.col) == (1, 4)


def test_json_allows_tabs_and_escapes_with_positions():
    text = '{\n\t"a": 1,\n\t"b": [true, null, "x\\u0041"],\n\t"c": {"d": -1.5e3}\n}\n'
    result = load_text(text, "p.json")
    assert not result.problems
    root = result.roots[0]
    assert root.to_python() == {"a": 1, "b": [True, None, "xA"], "c": {"d": -1500.0}}
    b = root.get("b")
    assert isinstance(b, Sequence) and (b.line, b.col) == (3, 7)
    assert (root.key_node("c").line, root.key_node("c").col) == (4, 2)


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"a": 1,}', [("PL002", 1, 8)]),  # on the trailing comma (tests/test_fp_load.py)
        ('{"a" 1}', [("PL002", 1, 6)]),
        ('{"a": 1} x', [("PL002", 1, 10)]),
        ('{"a": "unterminated}', [("PL002", 1, 7)]),
        ("[1, 2", [("PL002", 1, 6)]),
    ],
)
def test_json_syntax_errors_have_positions(text, expected):
    assert codes(load_text(text, "x.json")) == expected


def test_yaml_syntax_error_has_position():
    result = load_text("phases:\n  build:\n    commands:\n      - echo: a: b\n", "buildspec.yml")
    assert codes(result) == [("PL002", 4, 16)]
    assert "quote" in result.problems[0].message


def test_duplicate_keys_yaml_and_json():
    assert codes(load_text("a: 1\nb: 2\na: 3\n", "x.yml")) == [("PL003", 3, 1)]
    assert codes(load_text('{"a": 1,\n "a": 2}', "x.json")) == [("PL003", 2, 2)]


def test_tab_indentation():
    assert codes(load_text("phases:\n\tbuild:\n", "buildspec.yml"))[0][0] == "PL010"


def test_empty_and_comment_only():
    assert codes(load_text("", "x.yml")) == [("PL006", 1, 1)]
    assert codes(load_text("# nothing\n", "x.yml")) == [("PL006", 1, 1)]


def test_control_character():
    result = load_text("a: b\x1bc\n", "x.yml")
    assert codes(result) == [("PL002", 1, 5)]


def test_deep_nesting_is_refused_without_recursion():
    for text, path in (("a: " + "[" * 100_000 + "]" * 100_000, "x.yml"), ("[" * 100_000 + "]" * 100_000, "x.json")):
        result = load_text(text, path)
        assert [p.code for p in result.problems] == ["PL008"]
    ok = load_text("a: " + "[" * 200 + "]" * 200, "x.yml")
    assert not ok.problems


def _billion_laughs(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i-1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_fast_and_bounded():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    result = load_text(_billion_laughs(), "x.yml")
    elapsed = time.process_time() - started
    assert [p.code for p in result.problems] == ["PL009"]
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    # Bounds are generous (shared CI machines); an expanding loader would need minutes and GBs.
    assert elapsed < 1.0
    assert grown_kib < 50 * 1024


def test_aliases_that_are_not_bombs_are_shared():
    root = load_text("x: &d {a: 1}\ny: *d\nz:\n  <<: *d\n  b: 2\n", "x.yml").roots[0]
    assert root.get("y") is root.get("x")
    assert root.get("z").to_python() == {"a": 1, "b": 2}


def test_merge_keys_only_when_plain():
    """`<<` merges only as a plain key (a repeated one is not a duplicate); quoted, it is an
    ordinary key."""
    text = "a: &a {x: 1, y: 1}\nb: &b {z: 2}\nc:\n  <<: *a\n  <<: [*b]\n  x: 3\nd:\n  '<<': *a\n  x: 4\n"
    result = load_text(text, "x.yml")
    root = result.roots[0]
    assert result.problems == []
    assert root.get("c").to_python() == {"x": 3, "y": 1, "z": 2}
    assert root.get("d").to_python() == {"<<": {"x": 1, "y": 1}, "x": 4}
    again = load_text("e:\n  '<<': 1\n  '<<': 2\n", "x.yml")
    assert [p.code for p in again.problems] == ["PL003"]


def test_not_utf8(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_bytes(b"version: 0.2\nphases: \xff\xfe\n")
    result = load_file(str(path))
    assert codes(result) == [("PL004", 2, 9)]


def test_binary(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_bytes(b"\x00\x01\x02version")
    assert [p.code for p in load_file(str(path)).problems] == ["PL005"]


def test_too_large(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_bytes(b"version: 0.2\n" + b"# padding\n" * 2000)
    assert [p.code for p in load_file(str(path), limits=Limits(max_bytes=1000)).problems] == ["PL007"]


def test_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "buildspec.yml"
    with open(path, "wb") as handle:
        handle.write(b"version: 0.2\n")
        handle.seek(50 * 1024 * 1024)
        handle.write(b"\n")
    started = time.process_time()
    result = load_file(str(path))
    assert [p.code for p in result.problems] == ["PL007"]
    assert time.process_time() - started < 1.0


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_bytes(b"\xef\xbb\xbfversion: 0.2\nphases: {}\n")
    result = load_file(str(path))
    assert not result.problems and isinstance(result.roots[0], Mapping)


def test_each_bad_input_is_a_finding_and_other_files_still_run(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "buildspec.yml").write_bytes(b"\x00binary")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "buildspec.yml").write_text("- just\n- a list\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "buildspec.yml").write_text("version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "appspec.json").write_text('{"version": 0.0,')
    findings = lint(str(tmp_path), select=["PL"])
    assert sorted((f.path.rsplit("/", 2)[-2], f.code, f.line, f.col) for f in findings) == [
        ("a", "PL005", 1, 1), ("b", "PL011", 1, 1), ("c", "PL003", 2, 1), ("d", "PL002", 1, 17)
    ]


def test_unreadable_walked_file(tmp_path):
    # File symlinks are not followed (issue 13): a dangling link is skipped, not read.
    (tmp_path / "buildspec.yml").symlink_to(tmp_path / "missing.yml")
    assert triples(lint(str(tmp_path))) == []
