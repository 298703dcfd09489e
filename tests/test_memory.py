"""Memory follows the largest file and the findings to print, not the number of files (issue 18).

No timing and no resident-set sizes here (they depend on the machine): the tests count what a
run keeps (source texts, document trees) and compare the traced heap of runs over 1 and many
copies of a small repository, in a fresh process each. ``bench/memory.py`` measures the real
peak per process on ten copies of the corpus.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS
from helpers import fixture

PASS = fixture("pipeline", "repo_pass")


def _copies(root, count: int) -> str:
    """``count`` copies of the clean pipeline repository under ``root``, each declaring and
    naming its own CodeBuild projects (so the cross-file rules group each copy's two files)."""
    for number in range(count):
        folder = root / f"copy{number:03}"
        shutil.copytree(PASS, folder)
        for name in ("template.yaml", "pipeline.json"):
            path = folder / name
            path.write_text(re.sub(r"app-(images|bundle|split)", rf"app{number}-\1", path.read_text()))
    return str(root)


_MEASURE = r"""
import gc, json, sys, tracemalloc
from pipelint.engine import joint
from pipelint.engine.runner import build_settings, run
joint.KEEP_BYTES = int(sys.argv[2])
from pipelint.load.nodes import Node, Source
settings = build_settings(paths=[sys.argv[1]], isolated=True, ignore=["BS901"])
run([sys.argv[1]], settings=settings, jobs=1)  # imports, rule tables and caches: not counted
gc.collect()
tracemalloc.start()
result = run([sys.argv[1]], settings=settings, jobs=1)
gc.collect()
current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
alive = [o for o in gc.get_objects() if isinstance(o, (Source, Node))]
print(json.dumps({"peak": peak, "current": current, "findings": len(result.findings), "files": result.files,
                  "alive": len(alive), "kept_lines": sum(len(s.lines.kept) for s in result.sources.values())}))
"""


def _measure(folder: str, keep_bytes: int) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, folder, str(keep_bytes)], capture_output=True, text=True, check=True).stdout
    measured: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return measured


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> tuple[dict[str, int], dict[str, int]]:
    """Runs over 1 and 40 copies, keeping no documents for the joint runs."""
    root = tmp_path_factory.mktemp("copies")
    return _measure(_copies(root / "one", 1), 0), _measure(_copies(root / "many", 40), 0)


def test_a_run_keeps_no_source_text_and_no_tree(measured):
    """After a run, no document tree and no loaded file's text is alive, however many files;
    reports get only the lines near findings (``pipelint.engine.kept_lines``)."""
    one, many = measured
    assert many["files"] == 40 * one["files"] == 160
    assert many["alive"] == one["alive"]  # module-level constants only; nothing per file


def test_peak_memory_does_not_grow_with_the_number_of_files(measured):
    """The traced heap of a run over 40 copies of a repository (each copy's pipeline file and
    template checked together by the cross-file rules) peaks within a few KiB per file of a run
    over one copy, when no documents are kept for the joint runs: what is left per file is its
    entry and a small record. Keeping every shared file's documents took about 60 KiB per file."""
    one, many = measured
    files = many["files"] - one["files"]
    assert many["current"] - one["current"] < files * 1536
    assert many["peak"] - one["peak"] < files * 4096, (one, many)


def test_kept_documents_stay_within_the_budget():
    """The main process keeps shared files' documents only while their text fits the budget."""
    from pipelint.engine.joint import KeepBudget
    from pipelint.engine.rule import Document
    from pipelint.engine.runner import FileResult
    from pipelint.load.nodes import Scalar, Source

    def result(size: int) -> FileResult:
        source = Source("t.yaml", "x" * size, "yaml")
        file_result = FileResult([], "template")
        file_result.documents = [Document(kind, Scalar(None, "", None, "", source, 1, 1, 1, 2), source) for kind in ("template", "pipeline")]
        return file_result

    budget = KeepBudget(1000)
    kept = [result(size) for size in (400, 500, 200, 50)]
    for file_result in kept:
        budget.admit(file_result)
    assert [len(r.documents) for r in kept] == [2, 2, 0, 2]  # one text per file, counted once


def test_files_sharing_keys_are_grouped_through_each_other():
    from pipelint.engine.joint import groups
    from pipelint.engine.runner import EVERYTHING, FileResult

    def keyed(*keys: str) -> FileResult:
        file_result = FileResult([], "pipeline")
        file_result.share_keys = frozenset(keys)
        return file_result

    results = [keyed("a"), keyed(), keyed("b"), keyed("a", "c"), keyed("c", "b"), keyed("d"), keyed(EVERYTHING), keyed(EVERYTHING)]
    assert groups(results) == [[0, 2, 3, 4], [5], [6, 7]]


def _pipelint(args: list[str], cache: str) -> bytes:
    env = dict(os.environ, PIPELINT_CACHE_DIR=cache)
    env.pop("PIPELINT_NO_CACHE", None)
    return subprocess.run([sys.executable, "-m", "pipelint", "check", "--isolated", "--fail-on", "never", *args],
                          capture_output=True, check=True, env=env).stdout


def test_reports_are_byte_identical_across_jobs_and_cache(tmp_path):
    """JSON and text reports (code frames from the kept lines) of a tree with buildspecs run
    by ShellCheck, cross-file findings in shared groups, a slice of the real corpus (when it is
    here) and many other findings: the same bytes with --jobs 1 and 2, with a cold cache, a
    warm one and --no-cache."""
    tree = tmp_path / "tree"
    shutil.copytree(fixture("pipeline", "repo_fail"), tree / "repo")  # CP401-CP405 across two files
    shutil.copytree(fixture("buildspec"), tree / "buildspec")
    _copies(tree / "copies", 6)
    if os.path.isdir(CORPUS):  # a slice of the real corpus too: pipelines, templates, buildspecs
        for kind in ("cfn-pipeline", "pipeline-json", "buildspec", "cfn-codebuild"):
            for name in sorted(os.listdir(os.path.join(CORPUS, kind)))[:8]:
                source = os.path.join(CORPUS, kind, name)
                if os.path.isdir(source):
                    shutil.copytree(source, tree / "corpus" / kind / name)
    cache = str(tmp_path / "cache")
    for fmt in ("json", "text"):
        runs = [_pipelint([*extra, "--format", fmt, str(tree)], cache)
                for extra in (["--no-cache", "--jobs", "1"], ["--jobs", "2"], ["--jobs", "1"], ["--jobs", "2"], ["--no-cache", "--jobs", "2"])]
        assert all(out == runs[0] for out in runs[1:]), fmt
    codes = {f["code"] for f in json.loads(_pipelint(["--format", "json", str(tree)], cache))["findings"]}
    assert {"CP402", "CP403", "BS901"} <= codes, codes
    assert b" | " in runs[0]  # the text report shows code frames


def test_sarif_results_are_written_as_they_are_made(tmp_path):
    """Rendering SARIF holds one result at a time, not the list of every result's dict: the
    traced peak while writing 2,000 findings stays within a small bound of writing 250 (the whole
    list cost about 2 KiB per finding)."""
    import tracemalloc

    from pipelint.engine.runner import build_settings, run
    from pipelint.reporters import sarif

    policy = "\n".join(["Version: '2012-10-17'", "Statement:"] + [f"  - {{Effect: Allow, Action: 's3:*', Resource: '*', Sid: S{i}}}" for i in range(20)])

    def peak_for(copies: int) -> int:
        folder = tmp_path / f"c{copies}"
        folder.mkdir()
        for number in range(copies):
            (folder / f"p{number}.policy.yml").write_text(policy)
        settings = build_settings(paths=[str(folder)], isolated=True)
        result = run([str(folder)], settings=settings, jobs=1)
        assert len(result.findings) >= copies * 8, len(result.findings)
        tracemalloc.start()
        try:
            sarif.render(result, _Discard())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_for(25), peak_for(200)
    assert large - small < 400_000, (small, large)


class _Discard:
    """A text stream that forgets what it is given."""

    def write(self, text: str) -> int:
        return len(text)


_CYCLES = r"""
import gc, json, sys
gc.disable()  # as the command line runs: what only the cycle collector could free stays
from pipelint.engine.runner import build_settings, run
from pipelint.engine.rule import Document
from pipelint.load.nodes import Node, Source
paths = sys.argv[1:]
result = run(paths, settings=build_settings(paths=paths, isolated=True, ignore=["BS901"]), jobs=1)
del result
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
kinds = {"Document": Document, "Node": Node, "Source": Source}
print(json.dumps({name: sum(isinstance(o, kind) for o in gc.garbage) for name, kind in kinds.items()}))
"""


def test_no_document_or_tree_is_kept_alive_by_a_reference_cycle():
    """pipelint runs with the cycle collector off, so a model cached on a document that refers
    back to the document (a closure over ``doc`` kept in ``doc.cached``) keeps the document,
    its tree and its text alive until the process ends: ten copies of the corpus grew by 10 MiB
    that way once. Every fixture and example is linted with every rule; nothing a run built may
    be left for the cycle collector."""
    here = os.path.dirname(__file__)
    paths = [os.path.join(here, "fixtures"), os.path.join(os.path.dirname(here), "examples")]
    done = subprocess.run([sys.executable, "-c", _CYCLES, *paths], capture_output=True, text=True, check=True, timeout=300)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"Document": 0, "Node": 0, "Source": 0}
