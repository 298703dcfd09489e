"""The webhook pattern reader behind CB001/CB002/CB005: anchoring, literals, and hostile input."""

from __future__ import annotations

import pytest

from pipelint.rules.codebuild import _regex
from pipelint.rules.codebuild._regex import MAX_LENGTH, anchored_fix, parse, simple_alternatives, unanchored


def _missing(pattern: str) -> list[tuple[str, str]] | None:
    found = unanchored(pattern)
    return None if found is None else [(p.text, p.describe()) for p in found]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("123456|789012", [("123456", "neither `^` nor `$`"), ("789012", "neither `^` nor `$`")]),
    ("^123456|789012$", [("^123456", "no `$`"), ("789012$", "no `^`")]),
    ("^(123|456$)", [("^(123|456$)", "no `$`")]),
    ("^refs/heads/main", [("^refs/heads/main", "no `$`")]),
    ("refs/heads/main$", [("refs/heads/main$", "no `^`")]),
    ("[|]abc", [("[|]abc", "neither `^` nor `$`")]),  # the | inside a class is no alternation
    ("^a\\$", [("^a\\$", "no `$`")]),  # an escaped $ is a literal
    ("^(a)?$|^b", [("^b", "no `$`")]),
    ("(^a)?b$", [("(^a)?b$", "no `^`")]),  # an optional group does not anchor
    ("", [("", "neither `^` nor `$`")]),
])
def test_unanchored_alternatives(pattern, expected):
    assert _missing(pattern) == expected


@pytest.mark.parametrize("pattern", [
    "^(123456|789012)$", "^(?:123456|789012)$", "^refs/heads/.*", "^refs/tags/v.+", ".*-release$", "\\A(?i)(a|b)\\z",
    "^(?<name>a|b)$", "^(?P<n>a)$", "^a(?=b)$", "(?i)^main$", "^[^]|]$", "^(a|b)*$", "^(a|b)+$", "^a{2,3}$",
    "^\\Qa|b\\E$", "^\\|x$", "^\\x41\\u0042\\101$", "^\\p{Alpha}+$", "(?#note)^a$", "^(?>a|b)$", "\\b^x$",
])
def test_anchored_patterns(pattern):
    assert _missing(pattern) == []


@pytest.mark.parametrize("pattern", ["(a", "a)", "[abc", "*a", "^(?<a$", "\\", "a|+", "(" * (_regex.MAX_DEPTH + 2) + ")" * (_regex.MAX_DEPTH + 2)])
def test_unreadable_patterns_are_unknown(pattern):
    assert unanchored(pattern) is None


def test_long_patterns_are_not_read():
    assert unanchored("a" * (MAX_LENGTH + 1)) is None
    assert unanchored("^" + "a" * (MAX_LENGTH - 2) + "$") == []


def test_parse_is_linear():
    """One piece per run of literal text and one alternative per `|`: no backtracking, no copies."""
    pattern = "|".join(["ab"] * 1000)
    alternatives = parse(pattern)
    assert alternatives is not None and len(alternatives) == 1000
    assert [p.text for alt in alternatives for p in alt.pieces] == ["ab"] * 1000
    quantified = parse("^abc+$")
    assert quantified is not None
    assert [(p.kind, p.text, p.low, p.high) for p in quantified[0].pieces] == [
        ("bol", "", 1, 1), ("lit", "ab", 1, 1), ("lit", "c", 1, None), ("eol", "", 1, 1)]
    nested = parse("(" * _regex.MAX_DEPTH + "a" + ")" * _regex.MAX_DEPTH)
    assert nested is not None and len(nested) == 1


@pytest.mark.parametrize(("pattern", "fixed"), [
    ("123456|789012", "^(123456|789012)$"),
    ("^123456|789012$", "^(123456|789012)$"),
    ("refs/heads/main", "^refs/heads/main$"),
    ("^refs/heads/main", "^refs/heads/main$"),
    ("^a\\$", "^a\\$$"),
])
def test_anchored_fix(pattern, fixed):
    assert anchored_fix(pattern) == fixed
    assert _missing(fixed) == []


def test_no_fix_is_offered_when_a_rewrite_cannot_pin():
    assert anchored_fix("a\\Qb") is None  # an unterminated \Q quotes the `$` a rewrite would add


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("^buildspec\\.yml$", "buildspec.yml", True),
    ("^buildspec.yml$", "buildspec.yml", True),
    ("buildspec.yml", "ci/buildspec.yml", True),
    ("^buildspec.yml", "ci/buildspec.yml", False),
    ("^docs/|README", "buildspec.yml", False),
    ("^buildspec\\.yml$", "buildspec.yaml", False),
    ("yml$", "buildspec.yml", True),
])
def test_simple_alternatives_match_like_a_search(pattern, path, matches):
    simple = simple_alternatives(pattern)
    assert simple is not None
    assert any(alt.matches(path) for alt in simple) is matches


@pytest.mark.parametrize("pattern", ["README.md$|infrastructure.*", "[a-z]+\\.yml", "(a|b)", "\\d"])
def test_complex_patterns_are_not_simple(pattern):
    assert simple_alternatives(pattern) is None


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = st.sampled_from(list("ab1|^$.*+?()[]{}\\,-:=!<>iQEAzbP"))


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_reader_never_raises_and_its_fix_is_anchored(pattern):
    found = unanchored(pattern)
    assert found is None or all(p.start or p.end for p in found)
    if found:
        fixed = anchored_fix(pattern)
        assert fixed is None or unanchored(fixed) == [], (pattern, fixed)
    simple = simple_alternatives(pattern)
    assert simple is None or all(isinstance(alt.matches("buildspec.yml"), bool) for alt in simple)


def test_ref_folders_are_deliberate_prefixes():
    from pipelint.rules.codebuild._regex import has_open_folder

    assert unanchored("^refs/heads/release/", folders=True) == []
    assert [p.text for p in unanchored("refs/heads/main|^refs/heads/release/", folders=True) or []] == ["refs/heads/main"]
    assert [p.text for p in unanchored("refs/heads/release/", folders=True) or []] == ["refs/heads/release/"]  # no ^
    assert has_open_folder("a|^refs/heads/release/") and not has_open_folder("^refs/heads/release/$")


@pytest.mark.parametrize("pattern", ["^?.}-?", "{0}>a", "a|{2}b", "^*x"])
def test_rewrites_never_quantify_the_added_anchor(pattern):
    fixed = anchored_fix(pattern)
    assert fixed is None or unanchored(fixed) == [], fixed


def test_unterminated_code_point_is_unreadable():
    assert unanchored(",z]\\x{") is None
