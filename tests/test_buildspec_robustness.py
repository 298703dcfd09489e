"""Buildspec rules never raise, whatever node type sits where they look, and never call an
intrinsic function a wrong type."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from pipelint.engine.registry import load_rules
from pipelint.engine.rule import Document
from pipelint.load import load_text

BASE: dict[str, Any] = {
    "version": 0.2,
    "run-as": "builder",
    "env": {
        "shell": "bash",
        "git-credential-helper": "yes",
        "variables": {"STAGE": "prod"},
        "parameter-store": {"HOST": "/app/host"},
        "secrets-manager": {"PASS": "prod/db:password"},
        "exported-variables": ["STAGE"],
    },
    "proxy": {"logs": "no", "upload-artifacts": "no"},
    "phases": {
        "install": {"runtime-versions": {"python": "3.12", "android": 29, "java": "openjdk8"}, "commands": ["pip install ."]},
        "build": {"on-failure": "ABORT", "run-as": "root", "commands": ["make", "echo done"], "finally": ["./cleanup.sh"]},
    },
    "reports": {"unit": {"files": ["a.xml"], "file-format": "JUNITXML", "discard-paths": "no"}},
    "artifacts": {"files": ["**/*"], "discard-paths": "no", "secondary-artifacts": {"docs": {"files": ["docs/**/*"]}}},
    "cache": {"paths": ["node_modules/**/*"], "key": "k", "fallback-keys": ["k-"], "action": "restore"},
    "batch": {
        "fast-fail": False,
        "build-graph": [{"identifier": "a", "depend-on": ["b"], "env": {"privileged-mode": True}}, {"identifier": "b"}],
        "build-list": [{"identifier": "x"}],
        "build-matrix": {"static": {"ignore-failure": False}, "dynamic": {"env": {"image": ["i"]}}},
        "build-fanout": {"parallelism": 2},
    },
}

ODD_VALUES: list[Any] = [None, "", "text", 42, 3.1, True, [], [None, 1, {"a": "b"}, ["x"]], {}, {"k": [1, {"z": None}]}, {"Ref": "Param"}, {"Fn::Sub": "x"}]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, prefix + (index,))
    return found


def _replaced(path: tuple, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


CONTEXTS: list[dict[str, Any]] = [
    {},
    {"image": 42},
    {"image": "aws/codebuild/standard:3.0"},
    {"image": "aws/codebuild/amazonlinux-x86_64-lambda-standard:python3.12"},
    {"image": "aws/codebuild/windows-base:2019-3.0"},
]

RULES = [r for r in load_rules().sorted() if r.code.startswith("BS") and r.code != "BS901"]
PATHS = _paths(BASE)


def _run(data: dict[str, Any], context: dict[str, Any]) -> list:
    text = json.dumps(data)
    result = load_text(text, "buildspec.yml")
    (root,) = result.roots
    reports = []
    for found in RULES:
        doc = Document("buildspec", root, result.source, flavor="inline" if context else "file", context=dict(context))
        reports += [(found.code, report) for report in found.check(doc, {}) or ()]
    return reports


@pytest.mark.parametrize("path", PATHS, ids=[".".join(map(str, p)) for p in PATHS])
def test_odd_values_never_raise(path: tuple) -> None:
    image_sensitive = path[:2] in (("phases", "install"), ("env", "shell")) or path[:1] == ("run-as",)
    for index, value in enumerate(ODD_VALUES):
        contexts = CONTEXTS if image_sensitive else [CONTEXTS[index % len(CONTEXTS)]]
        for context in contexts:
            _run(_replaced(path, value), context)


@pytest.mark.parametrize("path", PATHS, ids=[".".join(map(str, p)) for p in PATHS])
def test_intrinsics_are_never_called_a_wrong_type(path: tuple) -> None:
    for intrinsic in ({"Ref": "Param"}, {"Fn::Sub": "${Param}"}):
        for code, report in _run(_replaced(path, intrinsic), {}):
            node = report.node
            assert not (node.path == path and ("must be" in report.message or "not a" in report.message)), (code, report.message)


def test_odd_project_context_never_raises() -> None:
    for project in ("text", 42, None):
        _run(BASE, {"project": project, "image": None, "template": "not a document"})
    odd = load_text(json.dumps({"Environment": {"Image": {"Ref": "X"}, "EnvironmentVariables": [1, {"Name": 2}]},
                                "SecondaryArtifacts": [None, {"ArtifactIdentifier": {"Ref": "Y"}}],
                                "Artifacts": [], "Cache": {"Type": 5, "Modes": "x"}}), "t.yml").roots[0]
    _run(BASE, {"project": odd, "image": None})
