#!/usr/bin/env python3
"""The long fuzzing run over hostile inputs (issue 13).

    python -m tests.fuzz.run --inputs 100000 --seed 1 --jobs 2 --time-limit 2 --out fuzz-out

Input ``i`` is generated from ``(seed, i)`` by :mod:`tests.fuzz.hostile` (real corpus files
mutated, generated documents, and one class per attack: huge integers, sexagesimals, lone
surrogates, control characters, planted secrets behind escapes, pathological IAM wildcards,
hostile ``on-failure`` patterns, quadratic probes, random bytes) and checked by
:func:`tests.fuzz.check.problems`: no exception, no PL001, valid positions, at most
``--time-limit`` seconds of CPU time per file, and (for planted secrets, surrogates and control
characters, and every 20th input) every output format well-formed, with no planted secret and
no raw control character. The run never stops at a failure: each one is counted by class and
kind, and its input saved under ``--out`` with a line in ``failures.jsonl``; progress goes to
stdout. Reproduce one with ``--seed S --only I``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from typing import Any

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fuzz.check import make_settings, problems  # noqa: E402
from fuzz.hostile import CLASSES, corpus_files, sample  # noqa: E402

_SETTINGS: Any = None
RENDERED_CLASSES = ("secret", "surrogate", "control")


def check_range(seed: int, first: int, last: int, limit: float, out: str | None, only_class: str | None) -> dict[str, Any]:
    """Check inputs ``first``..``last - 1``; return counts and failures (in a worker process)."""
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = make_settings()
    counts: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    slowest = (0.0, -1, "")
    for index in range(first, last):
        cls, item = sample(seed, index, only_class)
        counts[cls] += 1
        started = time.process_time()
        found = problems(item.name, item.data, _SETTINGS, item.secrets, limit, render_all=cls in RENDERED_CLASSES or index % 20 == 0)
        spent = time.process_time() - started
        if spent > slowest[0]:
            slowest = (spent, index, cls)
        for kind, detail in dict(found).items():  # one failure per kind and input
            record = {"index": index, "class": cls, "kind": kind, "detail": detail, "name": item.name, "note": item.note, "bytes": len(item.data)}
            if out:
                saved = os.path.join(out, "inputs", f"{index:07}-{cls}-{kind}.bin")
                os.makedirs(os.path.dirname(saved), exist_ok=True)
                with open(saved, "wb") as handle:
                    handle.write(item.data)
                record["saved"] = saved
            failures.append(record)
    return {"counts": dict(counts), "failures": failures, "slowest": slowest,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer; exit 1 if any property failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", "--examples", type=int, default=100_000, help="how many inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="first input index (to resume a run)")
    parser.add_argument("--only", type=int, help="check just this input index (reproduce a failure)")
    parser.add_argument("--class", dest="only_class", choices=sorted(CLASSES), help="generate only this class")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--time-limit", type=float, default=2.0, help="CPU seconds per file")
    parser.add_argument("--chunk", type=int, default=200, help="inputs per work unit")
    parser.add_argument("--out", help="folder for failures.jsonl and the failing inputs")
    args = parser.parse_args(argv)
    if args.only is not None:
        args.start, args.inputs, args.jobs = args.only, 1, 1
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    end = args.start + args.inputs
    ranges = [(first, min(first + args.chunk, end)) for first in range(args.start, end, args.chunk)]
    print(f"fuzz: seed {args.seed}, inputs {args.start}..{end - 1}, {args.jobs} job(s), {args.time_limit} s CPU per file, "
          f"corpus files {len(corpus_files())}", flush=True)
    started = time.time()
    totals: Counter[str] = Counter()
    by_kind: Counter[tuple[str, str]] = Counter()
    done = 0
    maxrss = 0
    slowest = (0.0, -1, "")
    log = open(os.path.join(args.out, "failures.jsonl"), "a", encoding="utf-8") if args.out else None

    def absorb(report: dict[str, Any], first: int, last: int) -> None:
        nonlocal done, maxrss, slowest
        done += last - first
        totals.update(report["counts"])
        maxrss = max(maxrss, report["maxrss_mb"])
        slowest = max(slowest, tuple(report["slowest"]))  # type: ignore[assignment]
        for failure in report["failures"]:
            by_kind[(failure["class"], failure["kind"])] += 1
            if log:
                log.write(json.dumps(failure, ensure_ascii=True) + "\n")
                log.flush()
            if by_kind[(failure["class"], failure["kind"])] <= 3:
                print(f"  FAIL #{failure['index']} [{failure['class']}{'/' + failure['note'] if failure['note'] else ''}] {failure['kind']}: {failure['detail'][:160]!r}", flush=True)
        if done % 5000 < last - first or done == args.inputs:
            print(f"{done} inputs, {time.time() - started:.0f} s, failures {sum(by_kind.values())}, max RSS {maxrss} MB, "
                  f"slowest {slowest[0]:.2f} s CPU (#{slowest[1]} {slowest[2]})", flush=True)

    if args.jobs <= 1:
        for first, last in ranges:
            absorb(check_range(args.seed, first, last, args.time_limit, args.out, args.only_class), first, last)
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [(pool.submit(check_range, args.seed, first, last, args.time_limit, args.out, args.only_class), first, last)
                       for first, last in ranges]
            for future, first, last in futures:
                absorb(future.result(), first, last)
    if log:
        log.close()
    print(f"checked {done} inputs in {time.time() - started:.0f} s; by class: {dict(sorted(totals.items()))}", flush=True)
    if by_kind:
        print("failures by class and kind:", flush=True)
        for (cls, kind), count in sorted(by_kind.items()):
            print(f"  {cls:13} {kind:20} {count}", flush=True)
        return 1
    print("no failure", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
