"""YAML 1.1 typing of plain scalars, the way AWS's YAML parsers read them.

CodeBuild and the CodeDeploy agent follow YAML 1.1: ``yes``/``no``/``on``/``off`` are booleans,
``0755`` is an octal integer, ``3.10`` is the float 3.1. Only *plain* (unquoted, untagged)
scalars are typed; quoted and block scalars stay strings.

Numbers are bounded: an integer whose value would need more than :data:`MAX_INT_DIGITS` decimal
digits (in any notation: decimal, hex, octal, binary or base 60) keeps its text as its value.
No AWS field takes such a number, Python refuses to print one (``int`` ↔ ``str`` conversion is
limited to 4,300 digits), and converting a long base-60 literal digit by digit is quadratic.
Resolution is therefore linear in the scalar's length and never raises.
"""

from __future__ import annotations

import re
from typing import Any

from ..textutil import lazy_regex

_BOOLS = {
    "yes": True, "Yes": True, "YES": True, "true": True, "True": True, "TRUE": True,
    "on": True, "On": True, "ON": True,
    "no": False, "No": False, "NO": False, "false": False, "False": False, "FALSE": False,
    "off": False, "Off": False, "OFF": False,
}
_NULLS = {"", "~", "null", "Null", "NULL"}
# The base-60 digit groups repeat possessively (`++`): a plain repeat of a group makes `re` keep
# a backtracking entry per group, about 85 bytes per character of a long `1:5:5:…` scalar. The
# match is the same: a group ends only before a `:`, the end, or the `.` of a float.
_INT = re.compile(
    r"""[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|[1-9][0-9_]*(?::[0-5]?[0-9])++)\Z"""
)
_FLOAT = re.compile(
    r"""(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])++\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))\Z""",
    re.X,
)
_NUMBER_START = set("0123456789-+.")
_BASE60_PART = lazy_regex(r"[^:]+")
_INFINITY = float("inf")
MAX_INT_DIGITS = 1000
# Bits per digit of each notation, to bound a literal's size before converting it.
_BITS_PER_DIGIT = {2: 1.0, 8: 3.0, 10: 3.33, 16: 4.0, 60: 5.91}
_MAX_BITS = MAX_INT_DIGITS * 3.33


class _TooLarge(ValueError):
    """An integer literal beyond :data:`MAX_INT_DIGITS` digits."""


def _bounded_int(digits: str, base: int) -> int:
    if len(digits) * _BITS_PER_DIGIT[base] > _MAX_BITS + 8:
        raise _TooLarge(digits[:20])
    return int(digits, base)


def _to_int(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-").replace("_", "")
    if body.startswith("0b"):
        return sign * _bounded_int(body[2:], 2)
    if body.startswith("0x"):
        return sign * _bounded_int(body[2:], 16)
    if ":" in body:
        # Each base-60 digit adds about 5.9 bits; the first part is an ordinary decimal number.
        # (Counted before splitting, so a 5 MB literal is never cut into a million strings.)
        if body.index(":") * 3.33 + body.count(":") * 5.91 > _MAX_BITS + 8:
            raise _TooLarge(body[:20])
        total = 0
        for part in body.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if len(body) > 1 and body.startswith("0"):
        return sign * _bounded_int(body, 8)
    return sign * _bounded_int(body, 10)


def _to_float(text: str) -> float:
    body = text.replace("_", "")
    lowered = body.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if body.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    if ":" in body:
        sign = -1.0 if body.startswith("-") else 1.0
        total = 0.0
        # One part at a time (no list of a million parts); floats saturate at infinity, where
        # the rest cannot change the value. Linear, never raises.
        for part in _BASE60_PART.finditer(body.lstrip("+-")):
            total = total * 60 + float(part.group())
            if total == _INFINITY:
                break
        return sign * total
    return float(body)


def resolve_plain(text: str) -> Any:
    """The YAML 1.1 value of a plain scalar's text."""
    if text in _NULLS:
        return None
    boolean = _BOOLS.get(text)
    if boolean is not None:
        return boolean
    if text[0] in _NUMBER_START:
        if _INT.match(text):
            try:
                return _to_int(text)
            except ValueError:
                return text
        if _FLOAT.match(text):
            try:
                return _to_float(text)
            except ValueError:
                return text
    return text


def resolve_tagged(tag: str, text: str) -> Any:
    """The value of a scalar with an explicit core tag (``!!str``, ``!!int``, …)."""
    short = tag.rsplit(":", 1)[-1]
    if short == "str":
        return text
    if short in ("int", "float", "bool", "null"):
        value = resolve_plain(text)
        return value
    return text


def int_of_text(text: str) -> int | None:
    """The integer a decimal string spells (``" 42 "`` → 42), or ``None``: not digits, or more
    than :data:`MAX_INT_DIGITS` of them (where ``int()`` would raise past 4,300). For rules that
    read numbers written as strings."""
    body = text.strip()
    digits = body[1:] if body[:1] in "+-" else body
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_INT_DIGITS:
        return None
    return int(body)


def number_of_text(text: str) -> int | float | None:
    """The number a decimal string spells, for rules that compare it with a range: an integer
    (``" 42 "`` → 42); ``±inf`` when it has more than :data:`MAX_INT_DIGITS` digits (out of every
    range, and never converted, so nothing raises); ``None`` when it is not a decimal integer."""
    body = text.strip()
    digits = body[1:] if body[:1] in "+-" else body
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) > MAX_INT_DIGITS:
        return float("-inf") if body[:1] == "-" else float("inf")
    return int(body)


def clip_number(text: str, keep: int = 12) -> str:
    """A number's text short enough for a message: ``123456789012…(5,000 digits)`` past
    ``keep`` + 8 characters, else the text itself."""
    body = text.strip()
    if len(body) <= keep + 8:
        return body
    unit = "digits" if body.lstrip("+-").isdigit() else "characters"
    return f"{body[:keep]}…({len(body):,} {unit})"
