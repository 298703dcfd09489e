"""The committed rule index is fresh, and a stale one is ignored (never wrong, only slower)."""

from __future__ import annotations

import json

from pipelint.engine import rule_index
from pipelint.engine.registry import load_rules


def test_committed_index_is_fresh():
    assert rule_index.main([]) == 0, "run: python -m pipelint.engine.rule_index --write"


def test_index_and_full_import_agree():
    lazy = load_rules(use_entry_points=False)
    full = load_rules(use_entry_points=False, full=True)
    assert [(r.code, r.name, r.severity, r.kinds, r.doc) for r in lazy.sorted()] == [
        (r.code, r.name, r.severity, r.kinds, r.doc) for r in full.sorted()
    ]


def test_stale_index_is_ignored(tmp_path, monkeypatch):
    with open(rule_index.INDEX_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    data["files"]["buildspec/__init__.py"] = -1
    stale = tmp_path / "rule_index.json"
    stale.write_text(json.dumps(data))
    monkeypatch.setattr(rule_index, "INDEX_PATH", str(stale))
    assert rule_index.load_index() is None


def test_index_whose_documentation_file_changed_is_ignored(tmp_path, monkeypatch):
    """The index records the size of rule_docs.json: a documentation file regenerated without
    its index (or the other way round) makes the registry import the rule modules instead."""
    docs = tmp_path / "rule_docs.json"
    docs.write_text(open(rule_index.DOCS_PATH, encoding="utf-8").read() + " ", encoding="utf-8")
    monkeypatch.setattr(rule_index, "DOCS_PATH", str(docs))
    assert rule_index.load_index() is None
    docs.unlink()
    assert rule_index.load_index() is None


def test_documentation_is_read_only_when_asked_for(monkeypatch):
    """Linting with indexed rules never opens rule_docs.json; the first `doc` reads it once,
    and every rule's doc is its docstring."""
    import builtins

    monkeypatch.setattr(rule_index, "_docs", None)
    opened: list[str] = []
    real_open = builtins.open

    def spying_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spying_open)
    rules = rule_index.load_index()
    assert rules is not None
    assert rule_index.DOCS_PATH not in opened
    by_code = {r.code: r for r in rules}
    assert by_code["BS101"].doc.strip() and rule_index.DOCS_PATH in opened
    assert opened.count(rule_index.DOCS_PATH) == 1
    assert all(isinstance(r.doc, str) for r in rules)
    assert opened.count(rule_index.DOCS_PATH) == 1


def test_fingerprint_matches_a_plain_walk():
    """The scandir walk of the cold path finds the same files and sizes as os.walk."""
    import os

    root = rule_index.rules_root()
    expected = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                expected[os.path.relpath(path, root).replace(os.sep, "/")] = os.path.getsize(path)
    assert rule_index.fingerprint_files(root) == expected
    assert len(expected) > 50
