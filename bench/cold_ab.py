#!/usr/bin/env python3
"""Cold start of two pipelint installs, measured in turns (A, B, A, B, ...).

Usage::

    python bench/cold_ab.py A/bin/pipelint B/bin/pipelint [--repeat 41] [FILE]

Each run is a fresh process linting one small buildspec (default: ``examples/good/buildspec.yml``)
with ``check --isolated --no-color --fail-on never --ignore BS901``. Both commands run once
untimed first (file cache), then ``--repeat`` turns of one A run and one B run. The script prints
each side's median and min–max wall time, the median of the per-turn differences, and the load
average before and after, so a loaded machine shows. Nothing is asserted; it only prints.

To compare a change with ``main``, install each with ``pip install DIR`` (a regular install, not
editable: an editable install adds an import hook to every start-up) into its own virtualenv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, or ``n/a`` where the platform has none."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def timed(command: list[str]) -> float:
    """Wall seconds of one run of ``command`` (output discarded)."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    return time.perf_counter() - start


def describe(times: list[float]) -> str:
    """``median ms (min–max)``."""
    return f"{statistics.median(times) * 1000:.1f} ms ({min(times) * 1000:.1f}–{max(times) * 1000:.1f})"


def main() -> int:
    """Measure A and B in turns and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="pipelint executable A (for example main's install)")
    parser.add_argument("b", help="pipelint executable B (for example the change's install)")
    parser.add_argument("file", nargs="?", default=os.path.join(REPO, "examples", "good", "buildspec.yml"))
    parser.add_argument("--repeat", type=int, default=41)
    args = parser.parse_args()
    tail = ["check", "--isolated", "--no-color", "--fail-on", "never", args.file, "--ignore", "BS901"]
    commands = [[args.a, *tail], [args.b, *tail]]
    print(f"load average before: {load_average()}")
    for command in commands:
        timed(command)
    times: list[list[float]] = [[], []]
    for _ in range(args.repeat):
        for command, series in zip(commands, times):
            series.append(timed(command))
    print(f"A {args.a}: {describe(times[0])}")
    print(f"B {args.b}: {describe(times[1])}")
    deltas = [b - a for a, b in zip(*times)]
    print(f"B - A per turn: median {statistics.median(deltas) * 1000:+.1f} ms over {args.repeat} turns")
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
