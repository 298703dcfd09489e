"""The pipeline model: one tree from both formats, and rules that never raise on odd input."""

from __future__ import annotations

import copy
import json

import pytest

from helpers import fixture
from pipelint.engine.registry import load_rules
from pipelint.engine.rule import Document
from pipelint.load import load_text
from pipelint.load.nodes import Mapping
from pipelint.models.pipeline import build, could_equal, exclusive, pipeline_of


def _docs(path: str) -> list[Document]:
    from pipelint.extract import extract
    from pipelint.load import load_file
    from pipelint.load.problems import Limits

    kind = "pipeline" if path.endswith(".json") else "template"
    docs, _ = extract(load_file(path, path, Limits()), kind, Limits())
    return [d for d in docs if d.kind == "pipeline"]


def _summary(doc: Document) -> list:
    pipeline = pipeline_of(doc)
    return [
        (stage.name, [(a.name, a.category, a.owner, a.provider, a.run_order, a.namespace, a.region,
                       [r.name for r in a.inputs], [r.name for r in a.outputs]) for a in stage.actions])
        for stage in pipeline.stages
    ]


def test_both_formats_build_the_same_model() -> None:
    (cfn,) = _docs(fixture("pipeline", "pass.yaml"))
    (cli,) = _docs(fixture("pipeline", "pass.json"))
    assert _summary(cfn) == _summary(cli)
    for doc in (cfn, cli):
        pipeline = pipeline_of(doc)
        assert pipeline.pipeline_type == "V2" and pipeline.execution_mode == "QUEUED"
        assert [e.region for e in pipeline.artifact_stores] == ["us-east-1", "eu-west-1"]
        assert [v.name for v in pipeline.variables] == ["Environment"]
        assert [t.source_action for t in pipeline.triggers] == ["App"]


def test_model_is_built_once_per_document() -> None:
    (doc,) = _docs(fixture("pipeline", "pass.yaml"))
    assert pipeline_of(doc) is pipeline_of(doc)


def test_nodes_point_into_the_file() -> None:
    (doc,) = _docs(fixture("pipeline", "pass.yaml"))
    compile_action = [a for a in pipeline_of(doc).actions if a.name == "Compile"][0]
    assert (compile_action.name_node.line, compile_action.name_node.col) == (113, 21)
    assert compile_action.inputs[1].name_node.line == 127


def test_fn_if_items_contribute_both_branches() -> None:
    (doc,) = _docs(fixture("pipeline", "conditions.yaml"))
    pipeline = pipeline_of(doc)
    builds = [s for s in pipeline.stages if s.name == "Build"]
    assert len(builds) == 2 and exclusive(builds[0].conds, builds[1].conds)
    assert pipeline.stage_count_range() == (3, 3)
    deploys = [a for a in pipeline.actions if a.name == "Deploy"]
    assert len(deploys) == 2 and exclusive(deploys[0].conds, deploys[1].conds)
    notify = [a for a in pipeline.actions if a.name == "Notify"][0]
    assert [r.name for r in notify.inputs] == ["Built"] and notify.inputs[0].conds == (("IsProd", True),)
    assert builds[0].actions[0].run_order is None  # !Ref Order
    assert builds[1].actions[0].run_order == 1  # default


def test_sub_names_match_each_other_and_possible_literals() -> None:
    assert could_equal("${AWS::StackName}Source", "appSource")
    assert not could_equal("${AWS::StackName}Source", "Built")
    assert could_equal(None, "x") and could_equal("a", "a") and not could_equal("a", "b")


# --------------------------------------------------------------------------------------------
# Robustness: every rule on many damaged variants of the clean pipeline, in both formats.

ODD = [None, 7, "text", [], {}, [None], {"Ref": "AWS::NoValue"},
       {"Fn::If": ["C", [{}], {"Ref": "AWS::NoValue"}]}, {"Fn::Sub": "${X}"}, {"Fn::If": "bad"}]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _replace(value, path, new):
    if not path:
        return new
    copied = copy.copy(value)
    copied[path[0]] = _replace(value[path[0]], path[1:], new)
    return copied


def _variants(root: dict):
    for path in _paths(root):
        if len(path) < 2:
            continue
        for odd in ODD:
            yield _replace(root, path, odd)


@pytest.fixture(scope="module")
def document_rules():
    return [r for r in load_rules().rules if r.code.startswith("CP") and r.scope == "document"]


@pytest.mark.parametrize("flavor", ["cli", "cfn"])
def test_rules_never_raise_on_odd_input(flavor: str, document_rules) -> None:
    data = json.load(open(fixture("pipeline", "pass.json")))
    root = data["pipeline"]
    if flavor == "cfn":
        root = _pascal(root)
    count = 0
    for variant in _variants(root):
        text = json.dumps({"pipeline": variant} if flavor == "cli" else variant)
        (tree,) = load_text(text, "odd.json").roots
        assert isinstance(tree, Mapping)
        inner = tree.get("pipeline") if flavor == "cli" else tree
        doc = Document("pipeline", inner, tree.source, flavor=flavor, context={"file_root": tree} if flavor == "cli" else {})
        for found in document_rules:
            for report in found.check(doc, {}) or ():
                assert report.node is not None and report.message
        count += 1
    assert count > 1000  # every node of the pipeline, replaced by each odd value


def _pascal(value, in_config=False):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "artifactStores" and isinstance(item, dict):
                out["ArtifactStores"] = [{"Region": r, "ArtifactStore": _pascal(s)} for r, s in item.items()]
            elif in_config:
                out[key] = item
            else:
                out[key[0].upper() + key[1:]] = _pascal(item, key == "configuration")
        return out
    if isinstance(value, list):
        return [_pascal(item) for item in value]
    return value


def test_build_accepts_anything() -> None:
    (tree,) = load_text("[1, 2]", "x.json").roots
    assert build(tree, "cli").stages == []
