"""PL003's wording: a repeated key with the same value is a harmless repeat, one with another
value loses data; both name the first key's line. Telling them apart costs a bounded number of
node comparisons per file."""

from __future__ import annotations

import pytest

from pipelint.load import load_text
from pipelint.load.problems import MAX_DUPLICATE_COMPARISONS, same_value


def _pl003(text: str, path: str) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.message) for p in load_text(text, path).problems if p.code == "PL003"]


def test_yaml_same_and_different_values() -> None:
    text = (
        "version: 0.2\nphases:\n  build:\n    commands: [make]\n  build:\n    commands:\n      - make\n"
        "  post_build:\n    commands: [a]\n  post_build:\n    commands: [b]\n"
    )
    assert _pl003(text, "buildspec.yml") == [
        (5, 3, "duplicate key `build` (same value as line 3): AWS keeps one; remove the repeat"),
        (10, 3, "duplicate key `post_build` with a different value than on line 8: AWS keeps only this last value "
                "and silently drops the one on line 8; merge the two or remove one"),
    ]
    fixes = [p.fix for p in load_text(text, "buildspec.yml").problems]
    assert fixes == ["remove the repeated key", "remove or rename one of the two keys"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("{A: 1, B: x}", "{B: x, A: 1}", True),  # key order does not matter
        ("1", '"1"', False),  # a number and a string
        ("1", "1.0", False),
        ("[a, b]", "[b, a]", False),
        ("!Ref Bucket", "!Ref Bucket", True),
        ("!Ref Bucket", "!Sub Bucket", False),
        ("&x [a, {b: c}]", "*x", True),
        ("", "~", True),
    ],
)
def test_yaml_values_compared(first: str, second: str, same: bool) -> None:
    [(line, col, message)] = _pl003(f"a: {first}\nb: 0\na: {second}\n", "x.yml")
    assert (line, col) == (3, 1)
    assert ("(same value as line 1)" in message) is same
    assert ("different value than on line 1" in message) is not same


def test_json_same_and_different_values() -> None:
    text = '{\n  "a": {"x": [1, 2]},\n  "b": 1,\n  "a": {"x": [1, 2]},\n  "b": "1"\n}'
    assert _pl003(text, "x.json") == [
        (4, 3, "duplicate key `a` (same value as line 2): AWS keeps one; remove the repeat"),
        (5, 3, "duplicate key `b` with a different value than on line 3: AWS keeps only this last value "
               "and silently drops the one on line 3; merge the two or remove one"),
    ]


def test_a_file_that_turns_out_unreadable_keeps_the_neutral_wording() -> None:
    for text, path in (("a: 1\na: 1\nb: [\n", "x.yml"), ('{"a": 1, "a": 1, "b": [', "x.json")):
        [(_, _, message)] = _pl003(text, path)
        assert message == "duplicate key `a` (also on line 1): AWS keeps only one of the two values; merge them or remove one"


def test_comparisons_are_bounded_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # Within the loader's limits a file cannot make the comparisons exceed a few million (each
    # listed repeat compares at most its values' nodes); the per-file budget caps them far lower.
    # Shrunk here so that 20 repeats of a 1,900-item list exhaust it after three.
    from pipelint.load import problems

    assert MAX_DUPLICATE_COMPARISONS == 200_000
    monkeypatch.setattr(problems, "MAX_DUPLICATE_COMPARISONS", 3 * 1_901 + 10)
    items = "[" + ", ".join(["x"] * 1_900) + "]"
    text = "".join(f"k{n}: {items}\nk{n}: {items}\n" for n in range(20))
    messages = [m for _, _, m in _pl003(text, "x.yml")]
    assert len(messages) == 20
    assert ["same value" in m for m in messages] == [True] * 3 + [False] * 17
    assert all("(also on line" in m for m in messages[3:])


def test_same_value_counts_its_work() -> None:
    root = load_text("a: [1, 2, {x: y}]\nb: [1, 2, {x: y}]\n", "x.yml").roots[0]
    budget = [100]
    assert same_value(root.get("a"), root.get("b"), budget) is True
    assert budget[0] == 100 - 6  # the lists, three items, the mappings' one pair and its value
    assert same_value(root.get("a"), root.get("b"), [3]) is None


def test_the_fingerprint_ignores_the_named_line(tmp_path) -> None:
    # The message names the first key's line; the fingerprint (and so a baseline) must not.
    from helpers import lint

    path = tmp_path / "buildspec.yml"
    prints = []
    for prefix in ("", "# a comment\n\n"):
        path.write_text(prefix + "version: 0.2\nphases:\n  build:\n    commands: [make]\n  build:\n    commands: [make]\n")
        [finding] = [f for f in lint(str(path), select=["PL003"])]
        prints.append((finding.line, finding.message, finding.fingerprint))
    assert prints[0][0] + 2 == prints[1][0] and prints[0][1] != prints[1][1]
    assert prints[0][2] == prints[1][2]
