#!/usr/bin/env python3
"""The long fuzzing run: ``python tests/fuzz/run.py --examples 100000 [--seed N]``.

Generates inputs with the same strategies as ``tests/test_fuzz.py`` and checks the same
property (no exception escapes, no internal-error finding, every position valid). Prints the
number of inputs checked and the first failure, if any, with the input that caused it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from fuzz.check import check_one, make_settings  # noqa: E402
from fuzz.strategies import files  # noqa: E402


def main() -> int:
    """Run the fuzzer."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    lint_settings = make_settings()
    count = 0
    started = time.time()

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(files())
    def property_holds(sample: tuple[str, bytes]) -> None:
        nonlocal count
        count += 1
        check_one(sample[0], sample[1], lint_settings)
        if count % 5000 == 0:
            print(f"{count} inputs, {time.time() - started:.0f} s", flush=True)

    property_holds()
    print(f"checked {count} inputs in {time.time() - started:.0f} s with no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
