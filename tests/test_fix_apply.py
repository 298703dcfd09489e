"""Applying edits to text: exact positions, untouched bytes, CRLF, overlaps, refusals."""

from __future__ import annotations

from pipelint.findings import Finding, Severity
from pipelint.fixes.apply import LineIndex, apply_fixes, unmappable_breaks
from pipelint.fixes.edit import Edit, Fix


def _finding(*edits: Edit, safe: bool = True, code: str = "BS303", suppressed: bool = False) -> Finding:
    first = edits[0]
    finding = Finding(code, "n", Severity.WARNING, "m", "f.yml", first.line, first.col, first.end_line, first.end_col,
                      edit=Fix(list(edits), safe, "t"))
    finding.suppressed = suppressed
    return finding


def test_replaces_exactly_the_range_and_keeps_everything_else():
    text = "a: 1  # keep\n\nb: 3.10 # also\n"
    out = apply_fixes(text, [_finding(Edit(3, 4, 3, 8, '"3.10"'))], unsafe=False)
    assert out.text == 'a: 1  # keep\n\nb: "3.10" # also\n'
    assert len(out.applied) == 1 and not out.deferred and not out.invalid


def test_crlf_is_kept_and_new_lines_take_the_file_ending():
    text = "a:\r\n  b: 1\r\nc: 2\r\n"
    out = apply_fixes(text, [_finding(Edit(2, 6, 2, 7, "x"), Edit(3, 1, 3, 1, "d:\n  e: 1\n"))], unsafe=False)
    assert out.text == "a:\r\n  b: x\r\nd:\r\n  e: 1\r\nc: 2\r\n"


def test_columns_count_code_points_and_may_not_pass_the_line_end():
    text = "é: 3.10\nx: y\r\n"
    assert apply_fixes(text, [_finding(Edit(1, 4, 1, 8, '"3.10"'))], unsafe=False).text == 'é: "3.10"\nx: y\r\n'
    out = apply_fixes(text, [_finding(Edit(2, 4, 2, 6, "zz"))], unsafe=False)  # would eat the \r
    assert out.text == text and out.invalid and "outside" in out.invalid[0][1]
    assert LineIndex(text).offset(2, 5) == len("é: 3.10\n") + 4
    assert LineIndex(text).offset(9, 1) is None


def test_overlapping_fixes_wait_for_the_next_round():
    text = "k: abcdef\n"
    first = _finding(Edit(1, 4, 1, 7, "X"))
    second = _finding(Edit(1, 6, 1, 9, "Y"))
    third = _finding(Edit(1, 9, 1, 10, "Z"))  # touches the first one's end only: no overlap
    out = apply_fixes(text, [second, third, first], unsafe=False)
    assert out.text == "k: XdeZ\n"
    assert out.applied == [first, third] and out.deferred == [second]


def test_two_insertions_at_one_place_conflict_but_an_identical_fix_counts_as_applied():
    text = "k: v\n"
    a, b = _finding(Edit(1, 1, 1, 1, "x")), _finding(Edit(1, 1, 1, 1, "y"))
    out = apply_fixes(text, [a, b], unsafe=False)
    assert out.text == "xk: v\n" and out.deferred == [b]
    same = _finding(Edit(1, 1, 1, 1, "x"), code="BS120")
    out = apply_fixes(text, [a, same], unsafe=False)
    assert out.text == "xk: v\n" and out.applied == [a, same]


def test_unsafe_suppressed_and_fixless_findings_are_left_alone():
    text = "k: v\n"
    risky = _finding(Edit(1, 4, 1, 5, "w"), safe=False)
    hidden = _finding(Edit(1, 1, 1, 2, "K"), suppressed=True)
    plain = Finding("BS101", "n", Severity.ERROR, "m", "f.yml", 1, 1, 1, 2)
    assert apply_fixes(text, [risky, hidden, plain], unsafe=False).text == text
    assert apply_fixes(text, [risky, hidden, plain], unsafe=True).text == "k: w\n"


def test_a_fix_applies_all_its_edits_or_none():
    text = "a: 1\nb: 2\n"
    out = apply_fixes(text, [_finding(Edit(1, 4, 1, 5, "9"), Edit(7, 1, 7, 2, "9"))], unsafe=False)
    assert out.text == text and out.invalid


def test_text_with_line_breaks_yaml_counts_differently_is_not_edited():
    for text in ("a: 1\rb: 2\n", "a: 1\u2028b: 2\n", "a: 1\x85\n"):
        assert unmappable_breaks(text)
        out = apply_fixes(text, [_finding(Edit(1, 4, 1, 5, "9"))], unsafe=False)
        assert out.text == text and out.refused
    assert unmappable_breaks("a: 1\r\nb: 2\r\n") == ""


def test_whole_line_deletion_and_end_of_text():
    text = "a: 1\nb: 2\nc: 3"
    out = apply_fixes(text, [_finding(Edit(2, 1, 3, 1, "")), _finding(Edit(3, 5, 3, 5, "\n"))], unsafe=True)
    assert out.text == "a: 1\nc: 3\n"
