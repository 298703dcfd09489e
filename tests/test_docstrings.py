"""clean_docstring gives what inspect.cleandoc gives (rule documentation must not change)."""

from __future__ import annotations

import inspect

import pytest

from pipelint.docstrings import clean_docstring
from pipelint.engine.registry import load_rules

CASES = [
    "",
    "\n",
    "   \n  \n",
    "One line.",
    "  One line, indented.  ",
    "First.\n\n    Indented body.\n      deeper\n    back\n",
    "\n    Starts on the second line.\n\n    More.\n    ",
    "First.\n\tTabbed body.\n\t\tdeeper\n",
    "First.\n    body\n  \n        \n    end",
    "First.\n  a\n\n    b\n   ",
    "First.\n    body\n\x0c    form feed\n",
    "First.\r\n    crlf body\r\n",
    "First.\n\u3000\u3000ideographic spaces\n\u3000\u3000again\n",
    "\n\n  \n",
    "x\n" + " " * 20 + "\n    y",
]


@pytest.mark.parametrize("doc", CASES)
def test_edge_cases_match_inspect(doc):
    assert clean_docstring(doc) == inspect.cleandoc(doc)


def test_every_rule_docstring_matches_inspect():
    registry = load_rules([], full=True)
    checked = 0
    for rule in registry.sorted():
        raw = getattr(rule.check, "__doc__", None)
        if raw:
            assert clean_docstring(raw) == inspect.cleandoc(raw), rule.code
            checked += 1
    assert checked >= 100
