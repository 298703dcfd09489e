#!/usr/bin/env python3
"""Cold start of two pipelint installs, measured in turns (A, B, A, B, ...).

Usage::

    python bench/cold_ab.py A/bin/pipelint B/bin/pipelint [--repeat 41] [FILE]

Each run is a fresh process linting one small buildspec (default: ``examples/good/buildspec.yml``)
with ``check --isolated --no-color --fail-on never --ignore BS901``. Both commands run once
untimed first (file cache), then ``--repeat`` turns of one A run and one B run. The script prints
each side's median and min–max wall time and CPU time (user + system), the medians of the per-turn
differences, and the load average before and after, so a loaded machine shows. Nothing is asserted; it only prints.

To compare a change with ``main``, install each with ``pip install DIR`` (a regular install, not
editable: an editable install adds an import hook to every start-up) into its own virtualenv.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``command`` (output discarded).

    On a loaded machine the wall time includes waiting for a core; the CPU time does not, so it
    shows a change more steadily (caches shared with other work still slow it somewhat).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    cpu: list[list[float]] = [[], []]
    for _ in range(args.repeat):
        for command, series, cpu_series in zip(commands, times, cpu):
            wall, used = timed(command)
            series.append(wall)
            cpu_series.append(used)
    for label, path, wall_series, cpu_series in (("A", args.a, times[0], cpu[0]), ("B", args.b, times[1], cpu[1])):
        print(f"{label} {path}: wall {describe(wall_series)}; CPU {describe(cpu_series)}")
    deltas = [b - a for a, b in zip(*times)]
    cpu_deltas = [b - a for a, b in zip(*cpu)]
    print(f"B - A per turn: wall median {statistics.median(deltas) * 1000:+.1f} ms, CPU median "
          f"{statistics.median(cpu_deltas) * 1000:+.1f} ms over {args.repeat} turns")
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
