"""Property tests on the real-file corpus: `--fix --unsafe-fixes` on a copy never yields a file
that fails to load or gains a finding, and a second run changes nothing; and a metamorphic test:
misspell a phase of every corpus buildspec, and `--fix` restores the file byte for byte."""

from __future__ import annotations

import os
import shutil
from collections import Counter

import pytest

from conftest import CORPUS
from pipelint.engine.plan import make_plan, run_plan
from pipelint.fixes.command import fix_plan
from pipelint.fixes.files import write_fixed
from pipelint.load import load_text
from pipelint.load.nodes import Mapping

pytestmark = pytest.mark.skipif(not os.path.isdir(CORPUS), reason="the shared corpus is not here")


def _plan(root: str):
    return make_plan([root], config_path=None, isolated=True, select=[], ignore=[], fail_on=None, rules_dirs=[], jobs=1,
                     max_file_size=None, report_unrecognised=True, trust_config_plugins=None, cache_dir=None, no_cache=False)


def _fix_all(root: str, unsafe: bool = True):
    plan = _plan(root)
    before = run_plan(plan, jobs=1)
    files = fix_plan(plan, before, unsafe, set())
    for item in files:
        if item.outcome.changed:
            write_fixed(item.entry, item.outcome)
    return before, files


def _by_file(result) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for finding in result.findings:
        counts.setdefault(finding.path, Counter())[finding.code] += 1
    return counts


def _texts(root: str) -> dict[str, bytes]:
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, root)] = handle.read()
    return out


@pytest.mark.slow
def test_fix_on_the_corpus_keeps_every_file_loading_adds_no_finding_and_is_idempotent(tmp_path):
    root = str(tmp_path / "corpus")
    shutil.copytree(CORPUS, root, copy_function=shutil.copyfile)  # writable copies: --fix refuses read-only files
    original = _texts(root)
    before, files = _fix_all(root)
    changed = [item for item in files if item.outcome.changed]
    assert changed, "the corpus has fixable findings (BS001, BS302 docker entries)"
    after = run_plan(_plan(root), jobs=1)
    old, new = _by_file(before), _by_file(after)
    for path, counts in new.items():
        for code, count in counts.items():
            assert count <= old.get(path, Counter())[code], (path, code)
    load_codes = {"PL002", "PL004", "PL005", "PL006", "PL007", "PL008", "PL011"}
    for item in changed:
        assert not any(f.code in load_codes for f in item.outcome.remaining), item.path
        assert after.file_kinds.get(item.path) == before.file_kinds.get(item.path), item.path
    fixed = sum(len(item.outcome.fixed) for item in changed)
    assert len(after.findings) == len(before.findings) - fixed
    now = _texts(root)
    assert {p for p in now if now[p] != original[p]} == {os.path.relpath(os.path.abspath(i.entry.path), root) for i in changed}
    _again, second = _fix_all(root)
    assert not any(item.outcome.changed for item in second)
    assert _texts(root) == now


def _misspell_build_phase(text: str) -> tuple[str, int] | None:
    """The text with its `build` phase key renamed `bulid` (and the key's line), if it has one
    written plainly on its own."""
    result = load_text(text, "buildspec.yml")
    if result.fatal or not result.roots or not isinstance(result.roots[0], Mapping):
        return None
    phases = result.roots[0].get("phases")
    key = phases.key_node("build") if isinstance(phases, Mapping) else None
    if key is None or key.style != "" or "bulid" in phases:
        return None
    lines = text.split("\n")
    line = lines[key.line - 1]
    if line[key.col - 1:key.end_col - 1] != "build":
        return None
    lines[key.line - 1] = line[:key.col - 1] + "bulid" + line[key.end_col - 1:]
    return "\n".join(lines), key.line


@pytest.mark.slow
def test_misspelt_phase_in_every_corpus_buildspec_is_restored_byte_for_byte(tmp_path):
    root = tmp_path / "mutated"
    originals: dict[str, str] = {}
    for folder, _dirs, names in os.walk(os.path.join(CORPUS, "buildspec")):
        for name in names:
            if not name.endswith((".yml", ".yaml")):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            mutated = _misspell_build_phase(text)
            if mutated is None:
                continue
            target = root / os.path.relpath(folder, CORPUS) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(mutated[0].encode("utf-8"))
            originals[os.path.abspath(target)] = text
    plan = _plan(str(root))
    before = run_plan(plan, jobs=1)
    # the files read as buildspecs whose misspelt phase has a fix, and no other safe fix
    with_fix = {os.path.abspath(f.path) for f in before.findings if f.code == "BS105" and f.edit is not None}
    others = {os.path.abspath(f.path) for f in before.findings if f.code != "BS105" and f.edit is not None and f.edit.safe}
    candidates = with_fix - others
    assert len(candidates) >= 50, len(candidates)
    files = fix_plan(plan, before, False, set())
    for item in files:
        if item.outcome.changed:
            write_fixed(item.entry, item.outcome)
    restored = {path for path in candidates if open(path, encoding="utf-8", newline="").read() == originals[path]}
    refused = {os.path.abspath(item.entry.path): item.outcome.refused for item in files if item.outcome.refused}
    # A fix never adds a finding: where the renamed phase's commands have findings of their own
    # (ShellCheck's, BS122's: hidden while the phase was misspelt), the file is left as it was,
    # and says why.
    for path, why in refused.items():
        assert why.startswith("not fixed: the fixes would add a "), (path, why)
        assert open(path, encoding="utf-8", newline="").read() != originals[path]
    assert restored | (set(refused) & candidates) == candidates, sorted(candidates - restored - set(refused))[:5]
    assert len(restored) >= 40, (len(restored), len(refused))
