#!/usr/bin/env python3
"""Peak memory of ``pipelint check`` on N copies of the corpus, per process, and files read twice.

Usage::

    python bench/memory.py [--corpus ../shared/corpus] [--copies 10] [--jobs 1 2] [--format json]
                           [--python PATH] [--repeat 3] [-- extra pipelint options]

The script copies the corpus ``--copies`` times into one temporary folder (``copy0/`` …, one
project, as a large repository would be) and runs ``pipelint check FOLDER --isolated
--ignore BS901 --format FORMAT -o FILE`` with each ``--jobs`` value, ``--repeat`` times, each
run a fresh process. It prints, per run, the peak resident set size (max RSS) of the main
process and of each worker process, exactly (from ``getrusage`` and ``wait4``, not by
sampling), the number of files the main process read a second time for the cross-file rules,
wall and CPU time, and the load average before and after. ``--python`` measures the pipelint
installed beside another interpreter (for a before/after comparison); it must be able to import
``pipelint``.

Max RSS includes the interpreter and every imported module (about 30 MiB for a run that meets
every kind of file): ``--copies 1`` shows that floor, and what grows with the number of files
is the difference. No threshold is asserted here (tests/test_memory.py guards the growth by
counting, without timing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "corpus")

# Runs inside the measured interpreter: `pipelint check` as the console script runs it (cycle
# collector off), with `os.waitpid` replaced by `os.wait4` so that each worker's max RSS is
# known, and the re-reading function wrapped to count calls (whichever version is installed).
_DRIVER = r"""
import gc, json, os, resource, sys, time
usage = {"workers": [], "rereads": 0}
_wait4 = os.wait4
def waitpid(pid, options):
    found, status, rusage = _wait4(pid, options)
    if found:
        usage["workers"].append(rusage.ru_maxrss)
    return found, status
os.waitpid = waitpid
def counting(module):
    original = module.reread_documents
    def reread(*args):
        usage["rereads"] += 1
        return original(*args)
    module.reread_documents = reread
try:
    from pipelint.engine import joint
    counting(joint)
except ImportError:
    from pipelint.engine import parallel
    counting(parallel)
from pipelint.launch import _dispatch
gc.disable()
start, cpu = time.perf_counter(), time.process_time()
status = 0
try:
    _dispatch(sys.argv[1:])
except SystemExit as stop:
    status = stop.code if isinstance(stop.code, int) else 1
self_usage = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
usage.update(main=self_usage.ru_maxrss, wall=time.perf_counter() - start, status=status,
             cpu=self_usage.ru_utime + self_usage.ru_stime + children.ru_utime + children.ru_stime)
sys.stdout.write("\n" + json.dumps(usage) + "\n")
sys.stdout.flush()
os._exit(0)
"""


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, or ``n/a``."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def make_copies(corpus: str, copies: int, folder: str) -> str:
    """``copies`` copies of ``corpus`` under ``folder/tree`` (one project); returns that folder."""
    tree = os.path.join(folder, "tree")
    for number in range(copies):
        shutil.copytree(corpus, os.path.join(tree, f"copy{number}"))
    return tree


def run_once(python: str, args: list[str]) -> dict[str, Any]:
    """One measured run of ``pipelint check args`` under ``python`` (the report goes to a file,
    so the driver's last line on stdout is its measurements)."""
    process = subprocess.run([python, "-c", _DRIVER, *args], capture_output=True, text=True, check=False)
    lines = process.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"the measured run failed: {process.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> int:
    """Measure and print a table (and optionally JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--format", default="json")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose pipelint is measured")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("extra", nargs="*", help="more pipelint options (after --)")
    args = parser.parse_args()
    results: dict[str, Any] = {"copies": args.copies, "load_before": load_average(), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="pipelint-memory-") as folder:
        tree = make_copies(args.corpus, args.copies, folder)
        files = sum(len(names) for _, _, names in os.walk(tree))
        print(f"python: {args.python}\n{args.copies} copies of {args.corpus}: {files} files in one folder\n"
              f"load average before: {results['load_before']}")
        for jobs in args.jobs:
            command = ["check", tree, "--isolated", "--ignore", "BS901", "--jobs", str(jobs), "--format", args.format,
                       "-o", os.path.join(folder, "report"), *args.extra]
            samples = [run_once(args.python, command) for _ in range(args.repeat)]
            main_mib = [s["main"] / 1024 for s in samples]
            worker_mib = [max(s["workers"], default=0) / 1024 for s in samples]
            walls = [s["wall"] for s in samples]
            cpus = [s["cpu"] for s in samples]
            row = {"main_mib": max(main_mib), "worker_mib": max(worker_mib), "rereads": samples[-1]["rereads"],
                   "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus), "status": samples[-1]["status"]}
            results["runs"][f"jobs{jobs}"] = row
            print(f"  --jobs {jobs}: peak RSS main {row['main_mib']:.1f} MiB, largest worker {row['worker_mib']:.1f} MiB; "
                  f"files read twice {row['rereads']}; wall {row['wall_s']:.2f} s, CPU {row['cpu_s']:.2f} s "
                  f"(medians of {args.repeat})")
    results["load_after"] = load_average()
    print(f"load average after: {results['load_after']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
