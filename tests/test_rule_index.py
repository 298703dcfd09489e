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
