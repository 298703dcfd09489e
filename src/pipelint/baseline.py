"""Baselines: adopt pipelint on an old repository by recording today's findings.

``--write-baseline FILE`` stores each finding's fingerprint (rule, file, logical node path and
content hash: never the line number), with its code, path and message for people reading the
file. Nothing in it is derived from a secret: a secret finding's fingerprint is made of its
rule, file and node path only (a hash of the value, even salted, could be tested against a
dictionary of likely passwords), any secret inside another finding's content is replaced by a
fixed marker before hashing, and the messages keep no redacted prefix or length (``…``). Such
a baseline matches on every machine and in CI, needs no key, and can be committed. ``--baseline FILE``
then hides findings whose fingerprint is recorded, counts them, and counts recorded entries that
no longer occur ("fixed").
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from .textutil import strip_redactions

FORMAT = "pipelint-baseline"


class BaselineError(Exception):
    """The baseline file is missing or malformed (exit status 2)."""


def write_baseline(path: str, findings: list[Any]) -> None:
    """Write the fingerprints of ``findings`` to ``path``."""
    entries = [
        {"fingerprint": f.fingerprint, "code": f.code, "path": f.path, "message": strip_redactions(f.message)}
        for f in sorted(findings, key=lambda f: (f.path, f.code, f.fingerprint))
    ]
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        json.dump({"format": FORMAT, "version": 1, "findings": entries}, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


# A baseline of a very large repository is a few megabytes; anything far beyond is not one.
MAX_BASELINE_BYTES = 256 * 1024 * 1024


def _nonblocking(path: str, flags: int) -> int:
    """Open without blocking, so that a FIFO named as the baseline is refused, not waited on."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def read_baseline(path: str) -> Counter[str]:
    """The fingerprints recorded in a baseline (a multiset: one finding may occur twice)."""
    import stat

    try:
        with open(path, "rb", buffering=0, opener=_nonblocking) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise BaselineError(f"cannot read baseline {path}: not a regular file")
            raw = handle.read(MAX_BASELINE_BYTES + 1)
        if len(raw) > MAX_BASELINE_BYTES:
            raise BaselineError(f"baseline {path} is larger than {MAX_BASELINE_BYTES} bytes")
        data = json.loads(raw.decode("utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot read baseline {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise BaselineError(f"baseline {path} is not valid JSON: {error}") from None
    except RecursionError:
        raise BaselineError(f"baseline {path} is nested too deeply to be a pipelint baseline") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a pipelint baseline (write one with --write-baseline)")
    return Counter(str(entry.get("fingerprint")) for entry in data["findings"] if isinstance(entry, dict))


def apply_baseline(path: str, result: Any) -> None:
    """Drop findings recorded in the baseline from ``result``; set the suppressed/fixed counts."""
    recorded = read_baseline(path)
    remaining = Counter(recorded)
    kept = []
    hidden = 0
    for finding in result.findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            hidden += 1
        else:
            kept.append(finding)
    result.findings = kept
    result.baseline_suppressed = hidden
    result.baseline_fixed = sum(remaining.values())
    result.internal_error = any(f.code == "PL001" for f in kept)
