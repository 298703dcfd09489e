"""Cache entries that are whole JSON with the right key but a wrong value: a miss, never a crash.

Complements tests/test_shellcheck_cache.py (hits, version changes, ``--no-cache``, truncated
and garbage files): anything in the cache folder can be edited by someone else, so every value
read back is checked before BS901 uses it, and a bad one means ShellCheck runs again.
"""

from __future__ import annotations

import json

import pytest
from test_shellcheck_cache import PATHS, cache_dir, calls, entries, results, sc_cache, wrapper  # noqa: F401

from helpers import lint

pytestmark = pytest.mark.skipif(sc_cache is None, reason="no shellcheck")

BAD_VALUES = [
    "not a list",
    [["SC2086"]],  # too short
    [[2086, "warning", "1", 1, 1, 2, ["x"]]],  # a position that is not a number
    [[2086, "fatal", 1, 1, 1, 2, ["x"]]],  # an unknown level
    [[2086, "warning", 1, 1, 1, 2, {"text": "x"}]],  # a message that is not a list of parts
    [[2086, "warning", 10 ** 9, 1, 10 ** 9, 2, ["far past the end"]]],  # a line past the script
    [[2086, "warning", -5, -1, 0, 0, ["before the start"]]],  # lines and columns before the start
    [[True, "warning", 1, 1, 1, 2, ["x"]]],  # a boolean is not a code
]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_a_well_formed_entry_with_a_bad_value_is_a_miss(cache_dir, tmp_path, monkeypatch, bad):  # noqa: F811
    log = wrapper(tmp_path, monkeypatch)
    cold = results(PATHS)
    calls(log)
    for path in entries(cache_dir):
        entry = json.load(open(path))
        if isinstance(entry.get("value"), list):  # a results entry (the version entry is a string)
            entry["value"] = bad
            json.dump(entry, open(path, "w"))
    monkeypatch.setattr(sc_cache, "_versions", {})
    found = lint(PATHS, select=["BS901"])
    assert [f.message for f in found if f.code == "PL001"] == []
    assert results(PATHS) == cold
    assert calls(log).count("--norc") >= 3  # recomputed
