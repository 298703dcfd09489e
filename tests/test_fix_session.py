"""The fix loop and its verification, driven by a small stand-in linter."""

from __future__ import annotations

from pipelint.findings import Finding, Severity
from pipelint.fixes.edit import Edit, Fix
from pipelint.fixes.session import Linted, fix_text, totals


def _finding(code: str, line: int, col: int, end: int, fix: Fix | None, anchor: str = "") -> Finding:
    finding = Finding(code, "n", Severity.WARNING, "m", "f", line, col, line, end, edit=fix, anchor=anchor)
    finding.fingerprint = f"{code}:{line}:{col}:{anchor}"
    return finding


def linter(rules: dict[str, tuple[str, str]], kind: str = "buildspec"):
    """Each rule code → (word, replacement): a finding at every occurrence of the word, fixed by
    the replacement. A text containing `BROKEN` does not load (PL002)."""
    calls = []

    def lint(text: str) -> Linted:
        calls.append(text)
        findings = []
        if "BROKEN" in text:
            return Linted(kind, [_finding("PL002", 1, 1, 2, None)])
        for number, line in enumerate(text.split("\n"), start=1):
            for code, (word, new) in rules.items():
                at = line.find(word)
                while at >= 0:
                    fix = Fix([Edit(number, at + 1, number, at + 1 + len(word), new)], True, f"{word}->{new}") if new is not None else None
                    findings.append(_finding(code, number, at + 1, at + 1 + len(word), fix, anchor=word))
                    at = line.find(word, at + 1)
        return Linted(kind, findings)

    lint.calls = calls  # type: ignore[attr-defined]
    return lint


def test_overlapping_fixes_take_two_rounds():
    # "abc" → "X" and "bcd" → "Y" overlap in "abcd"; the second appears again only if "bcd" survives
    lint = linter({"R1": ("ab", "Z"), "R2": ("bc", "Q")})
    out = fix_text("abc\n", lint, unsafe=False)
    assert out.text == "Zc\n" and not out.refused


def test_a_fix_revealing_another_is_followed_in_the_next_round():
    lint = linter({"R1": ("aa", "b"), "R2": ("bb", "c")})
    out = fix_text("aab\n", lint, unsafe=False)
    assert out.text == "c\n" and [f.code for f in out.fixed] == ["R1", "R2"]


def test_a_fix_that_breaks_loading_is_refused():
    lint = linter({"R1": ("bad", "BROKEN")})
    out = fix_text("bad\n", lint, unsafe=False)
    assert out.text == "bad\n" and "would not load" in out.refused


def test_a_fix_that_adds_a_finding_is_left_out_and_the_others_kept():
    lint = linter({"R1": ("one", "two"), "R2": ("two", None), "R3": ("tri", "ok")})
    out = fix_text("one\ntri\n", lint, unsafe=False)
    assert out.text == "one\nok\n"
    assert [f.code for f in out.fixed] == ["R3"] and "would add an R2 finding" in out.notes[0]


def test_a_fix_that_leaves_its_finding_is_refused():
    lint = linter({"R1": ("xx", "xxx")})
    out = fix_text("xx\n", lint, unsafe=False)
    assert out.text == "xx\n" and out.refused


def test_kind_must_stay_the_same():
    kinds = iter(["buildspec", "appspec"])
    base = linter({"R1": ("a", "b")})

    def lint(text: str) -> Linted:
        found = base(text)
        return Linted(next(kinds, "appspec"), found.findings)

    out = fix_text("a\n", lint, unsafe=False)
    assert out.text == "a\n" and "no longer read as a buildspec" in out.refused


def test_rounds_are_bounded_and_what_they_fixed_is_kept():
    lint = linter({"R1": ("a", "b"), "R2": ("b", "c")})
    text = "a" * 1 + "\n"
    out = fix_text(text, lint, unsafe=False)
    assert out.text == "c\n"
    endless = linter({"R1": ("a", "aa")})  # a fix that never removes its finding
    out = fix_text("a\n", endless, unsafe=False)
    assert out.text == "a\n" and out.refused
    assert len(endless.calls) <= 10 + 2  # the rounds, the first lint, and one try alone  # type: ignore[attr-defined]


def test_unsafe_fixes_only_with_the_option():
    lint = linter({})
    unsafe = _finding("R9", 1, 1, 2, Fix([Edit(1, 1, 1, 2, "b")], False, "t"))
    first = Linted("buildspec", [unsafe])
    out = fix_text("a\n", lambda text: Linted("buildspec", [] if text == "b\n" else [unsafe]), unsafe=False, first=first)
    assert out.text == "a\n" and not out.fixed
    out = fix_text("a\n", lambda text: Linted("buildspec", [] if text == "b\n" else [unsafe]), unsafe=True, first=first)
    assert out.text == "b\n"
    assert lint("x").findings == []


def test_totals_count_the_findings_the_cap_left_out():
    listed = [_finding("BS120", n, 1, 2, None) for n in range(1, 4)]
    omitted = _finding("BS120", 9, 1, 2, None, anchor="BS120:omitted")
    omitted.message = "1,900 more BS120 findings in this file not listed (at most 100 per rule and file); this is the first of them"
    assert totals([*listed, omitted])["BS120"] == 1903


def _reading_linter(hidden_code: str = "H1"):
    """`bda:` is a misspelt key (R1 renames it to `ok:`); the lines indented below `ok:` are read,
    and each `hid` on them is a `hidden_code` finding; `hid` elsewhere is not looked at."""

    def lint(text: str) -> Linted:
        findings = []
        reading = False
        for number, line in enumerate(text.split("\n"), start=1):
            if line.startswith("bda:"):
                findings.append(_finding("R1", number, 1, 4, Fix([Edit(number, 1, number, 4, "ok")], True, "rename")))
            reading = line.startswith("ok:") or (reading and line.startswith(" "))
            at = line.find("hid")
            if at >= 0 and (reading and not line.startswith("ok:") or line.startswith("ok: hid")):
                findings.append(_finding(hidden_code, number, at + 1, at + 4, None, anchor=str(number)))
        return Linted("buildspec", findings)

    return lint


def test_findings_in_content_a_fix_made_readable_do_not_refuse_it():
    out = fix_text("top: 1\nbda:\n  - hid\n  - hid\nend: 2\n", _reading_linter(), unsafe=False)
    assert not out.refused and out.text == "top: 1\nok:\n  - hid\n  - hid\nend: 2\n"
    assert [f.code for f in out.remaining] == ["H1", "H1"]


def test_a_new_finding_on_the_edited_line_or_of_the_fixed_rule_still_refuses():
    on_line = fix_text("bda: hid\n", _reading_linter(), unsafe=False)
    assert on_line.text == "bda: hid\n" and "would add an H1 finding (at 1:5" in on_line.refused
    same_rule = fix_text("bda:\n  - hid\n", _reading_linter("R1"), unsafe=False)
    assert same_rule.text == "bda:\n  - hid\n" and "would add an R1 finding" in same_rule.refused
