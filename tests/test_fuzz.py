"""Property-based fuzzing of the whole pipeline (a short run; see tests/fuzz/run.py for the long one)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from fuzz.check import check_one, make_settings
from fuzz.strategies import files

SETTINGS = make_settings()
EXAMPLES = int(os.environ.get("PIPELINT_FUZZ_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(files())
def test_no_input_crashes_the_linter(sample):
    name, data = sample
    check_one(name, data, SETTINGS)
