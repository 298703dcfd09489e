"""Pipelines with thousands of actions or stages lint in linear time.

CP201, CP301 and CP302 used to scan every action of the pipeline for every input artifact or
variable reference (9.8 s for one stage of 5,000 chained actions). The inputs below are big
enough that the quadratic versions took minutes; the tests assert findings and operation
counts, never times.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import lint, triples
from pipelint.models import pipeline as model

HEAD = """Resources:
  P:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/x
      ArtifactStore: {Type: S3, Location: bucket}
      Stages:
        - Name: S
          Actions:
            - {Name: Src, ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: '1'}, Configuration: {S3Bucket: b, S3ObjectKey: k}, OutputArtifacts: [{Name: o0}], Namespace: N0}
"""
HEAD_LINES = HEAD.count("\n")
BUILD = "ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1'}"


def _write(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "template.yaml"
    path.write_text(HEAD + "".join(lines))
    return str(path)


@pytest.fixture
def key_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count reads of ``ArtifactRef.key`` (the name every artifact match compares)."""
    counter = [0]
    original = model.ArtifactRef.key

    def counted(self: model.ArtifactRef) -> str | None:
        counter[0] += 1
        return original.fget(self)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(model.ArtifactRef, "key", property(counted))
    return counter


def test_one_stage_of_chained_actions(tmp_path: Path, key_reads: list[int]) -> None:
    count = 6000
    lines = ["        - Name: B\n          Actions:\n"]
    for i in range(count):
        lines.append(f"            - {{Name: A{i}, RunOrder: {i + 1}, {BUILD}, Configuration: {{ProjectName: p}}, "
                     f"InputArtifacts: [{{Name: o{i}}}], OutputArtifacts: [{{Name: o{i + 1}}}]}}\n")
    # the last action reads the output of an action with a higher runOrder in the same stage
    lines.append(f"            - {{Name: Late, RunOrder: 3, {BUILD}, Configuration: {{ProjectName: p}}, "
                 f"InputArtifacts: [{{Name: o{count - 1}}}]}}\n")
    findings = lint(_write(tmp_path, lines), select=["CP201"])
    late_line = HEAD_LINES + 2 + count + 1
    assert [(code, line) for code, line, _ in triples(findings)] == [("CP201", late_line)]
    assert findings[0].fix == "give the producer a lower runOrder than the consumer, or move the consumer to a later stage"
    assert "a higher runOrder, so it runs afterwards" in findings[0].message
    actions = count + 2
    assert key_reads[0] < 10 * actions  # a few reads per artifact, not one per pair of actions


def test_thousands_of_stages_with_namespaces(tmp_path: Path) -> None:
    count = 3500
    lines = []
    for i in range(1, count):
        ref = "#{N0.ETag} #{N0.Nope}" if i == 1 else f"#{{N{i - 1}.x}}"
        lines.append(f"        - Name: S{i}\n          Actions:\n")
        lines.append(f"            - {{Name: A, {BUILD}, Configuration: {{ProjectName: p, EnvironmentVariables: "
                     f"'[{{\"name\":\"X\",\"value\":\"{ref}\"}}]'}}, Namespace: N{i}, "
                     f"InputArtifacts: [{{Name: o{i - 1}}}], OutputArtifacts: [{{Name: o{i}}}]}}\n")
    # one more stage reading a namespace declared only in a later stage
    lines.append(f"        - Name: Early\n          Actions:\n            - {{Name: E, {BUILD}, Configuration: "
                 f"{{ProjectName: p, EnvironmentVariables: '[{{\"name\":\"X\",\"value\":\"#{{Late.x}}\"}}]'}}, "
                 f"InputArtifacts: [{{Name: o0}}]}}\n")
    lines.append(f"        - Name: Last\n          Actions:\n            - {{Name: L, {BUILD}, Configuration: "
                 f"{{ProjectName: p}}, Namespace: Late, InputArtifacts: [{{Name: o0}}]}}\n")
    findings = lint(_write(tmp_path, lines), select=["CP201", "CP301", "CP302"])
    early_line = HEAD_LINES + 3 * (count - 1) + 3
    first_line = HEAD_LINES + 3
    assert [(code, line) for code, line, _ in triples(findings)] == [("CP301", early_line), ("CP302", first_line)]
    cp302 = next(f for f in findings if f.code == "CP302")
    assert "outputs no variable `Nope`" in cp302.message


def test_one_namespace_declared_by_thousands_of_later_actions(tmp_path: Path) -> None:
    count = 3000
    lines = ["        - Name: R\n          Actions:\n"]
    for i in range(count):
        lines.append(f"            - {{Name: R{i}, {BUILD}, Configuration: {{ProjectName: p, EnvironmentVariables: "
                     f"'[{{\"name\":\"X\",\"value\":\"#{{D.x}}\"}}]'}}, InputArtifacts: [{{Name: o0}}]}}\n")
    lines.append("        - Name: D\n          Actions:\n")
    for i in range(count):
        lines.append(f"            - {{Name: D{i}, {BUILD}, Configuration: {{ProjectName: p}}, Namespace: D, "
                     f"InputArtifacts: [{{Name: o0}}], OutputArtifacts: [{{Name: d{i}}}]}}\n")
    findings = lint(_write(tmp_path, lines), select=["CP301", "CP302"])
    cp301 = [f for f in findings if f.code == "CP301"]
    assert len(cp301) == 101  # 100 listed, then one finding counting the rest
    assert f"{count - 100:,} more CP301 findings" in cp301[-1].message
    assert "reads namespace `D` of action `D0`" in cp301[0].message
    assert cp301[0].line == HEAD_LINES + 3
    assert not [f for f in findings if f.code == "CP302"]  # D is declared more than once: no single producer


def test_one_artifact_produced_by_thousands_of_later_actions(tmp_path: Path, key_reads: list[int]) -> None:
    count = 3000
    lines = ["        - Name: R\n          Actions:\n"]
    for i in range(count):
        lines.append(f"            - {{Name: R{i}, {BUILD}, Configuration: {{ProjectName: p}}, InputArtifacts: [{{Name: X}}]}}\n")
    lines.append("        - Name: D\n          Actions:\n")
    for i in range(count):
        lines.append(f"            - {{Name: D{i}, {BUILD}, Configuration: {{ProjectName: p}}, "
                     f"InputArtifacts: [{{Name: o0}}], OutputArtifacts: [{{Name: X}}]}}\n")
    findings = lint(_write(tmp_path, lines), select=["CP201"])
    assert len(findings) == 101
    assert f"{count - 100:,} more CP201 findings" in findings[-1].message
    assert "is produced by action `D0`" in findings[0].message
    assert findings[0].line == HEAD_LINES + 3
    assert key_reads[0] < 10 * (2 * count + 1)


def test_producer_index_answers_like_a_scan(tmp_path: Path) -> None:
    """The index gives the same answers as checking every producer with ``runs_before``."""
    from pipelint.extract import extract
    from pipelint.load import load_file
    from pipelint.load.problems import Limits

    stages = [["1", "2", "2"], ["!Ref R", "1"], ["3", "1", "2"], ["1"]]
    lines = []
    for s, orders in enumerate(stages):
        lines.append(f"        - Name: B{s}\n          Actions:\n")
        for a, order in enumerate(orders):
            lines.append(f"            - {{Name: A{s}{a}, RunOrder: {order}, {BUILD}, Namespace: N{(s + a) % 2}, "
                         f"OutputArtifacts: [{{Name: X{a % 3}}}]}}\n")
    path = _write(tmp_path, lines)
    docs, _ = extract(load_file(path, path, Limits()), "template", Limits())
    pipeline = model.pipeline_of(next(d for d in docs if d.kind == "pipeline"))
    namespaces, artifacts = pipeline.namespace_index(), pipeline.artifact_index()
    checked = 0
    for consumer in pipeline.actions:
        for name in ("N0", "N1", "N2", "X0", "X1", "X2", "X3"):
            index = namespaces if name.startswith("N") else artifacts
            producers = ([a for a in pipeline.actions if a.namespace == name] if index is namespaces
                         else [a for a, _ in pipeline.producers(name)])
            found = index.lookup(name, consumer, consumer.conds)
            assert found.count == len(producers)
            assert (found.first[0] if found.first else None) is (producers[0] if producers else None)
            verdicts = [False if p is consumer else p.runs_before(consumer) for p in producers]
            assert found.may_run_before == any(v is None or v for v in verdicts), (consumer.label, name)
            checked += bool(producers)
    assert checked > 40


def test_thousands_of_inputs_nothing_produces(tmp_path: Path) -> None:
    """Each unknown input is compared with every output for a "did you mean" hint: within a budget."""
    count = 6000
    lines = ["        - Name: B\n          Actions:\n"]
    for i in range(count):
        wanted = "Artefact" if i == 0 else f"m{i}"
        lines.append(f"            - {{Name: A{i}, {BUILD}, Configuration: {{ProjectName: p}}, "
                     f"InputArtifacts: [{{Name: {wanted}}}], OutputArtifacts: [{{Name: {'Artifact' if i == 1 else f'o{i + 1}'}}}]}}\n")
    findings = lint(_write(tmp_path, lines), select=["CP201", "CP203"])
    cp201 = [f for f in findings if f.code == "CP201"]
    assert len(cp201) == 101
    assert f"{count - 100:,} more CP201 findings" in cp201[-1].message
    assert cp201[0].line == HEAD_LINES + 3
    assert "is not the output of any action; did you mean `Artifact`?" in cp201[0].message
    assert cp201[0].fix == "write `Artifact`"
    # CP203: the Source output nobody reads, and `Artifact`, one letter from the unknown input `Artefact`
    assert [(f.line, f.message.split(";")[1]) for f in findings if f.code == "CP203"] == [
        (HEAD_LINES, " the source is fetched for nothing, or the action that should build it lost its input"),
        (HEAD_LINES + 4, " an input names `Artefact`, which no action produces: is one of them misspelt?"),
    ]


def test_hints_stop_at_the_budget() -> None:
    from pipelint.rules.pipeline._util import Hints

    hints = Hints(["alpha", "beta", "gamma"], budget=7)
    assert hints("alpah") == "alpha"
    assert hints("gamma2") == "gamma"
    assert hints("alpah") == "alpha"  # remembered, costs nothing
    assert hints("betta") is None  # 3 + 3 spent, 3 more would pass the budget of 7


DEPLOY = "ActionTypeId: {Category: Deploy, Owner: AWS, Provider: S3, Version: '1'}, Configuration: {BucketName: b, Extract: 'true'}"


@pytest.mark.parametrize("approved", [True, False])
def test_thousands_of_production_deploys(tmp_path: Path, approved: bool) -> None:
    count = 6000
    approval = ("            - {Name: Ok, RunOrder: 1, ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, "
                "Version: '1'}}\n")
    lines = ["        - Name: Prod\n          Actions:\n", approval if approved else ""]
    for i in range(count):
        lines.append(f"            - {{Name: D{i}, RunOrder: 2, {DEPLOY}, InputArtifacts: [{{Name: o0}}]}}\n")
    findings = lint(_write(tmp_path, lines), select=["CD001"])
    assert [(f.code, f.line) for f in findings] == ([] if approved else [("CD001", HEAD_LINES + 3)])


def test_gates_answer_like_a_scan(tmp_path: Path) -> None:
    """CD001's precomputed gates agree with checking every other action with ``runs_before``."""
    from pipelint.extract import extract
    from pipelint.load import load_file
    from pipelint.load.problems import Limits
    from pipelint.rules.codebuild.deployment import _Gates

    kinds = {"A": "ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: '1'}",
             "U": "ActionTypeId: {Category: !Ref C, Owner: AWS, Provider: Manual, Version: '1'}",
             "D": DEPLOY}
    stages = [["D1", "A2", "D2"], ["D!Ref R", "D1"], ["U3", "D2", "D4"], ["D1", "A1"], ["D5"]]
    lines = []
    for s, actions in enumerate(stages):
        lines.append(f"        - Name: P{s}\n          Actions:\n")
        for a, spec in enumerate(actions):
            lines.append(f"            - {{Name: X{s}{a}, RunOrder: {spec[1:]}, {kinds[spec[0]]}}}\n")
    path = _write(tmp_path, lines)
    docs, _ = extract(load_file(path, path, Limits()), "template", Limits())
    pipeline = model.pipeline_of(next(d for d in docs if d.kind == "pipeline"))
    gates = _Gates(pipeline.actions)
    answers = []
    for action in pipeline.actions:
        expected = False
        for other in pipeline.actions:
            if other is action:
                continue
            before = other.runs_before(action)
            if other.category is None or before is None:
                expected = expected or before is not False
            elif other.category == "Approval" and before:
                expected = True
        assert gates.gated(action) == expected, action.label
        answers.append(expected)
    assert True in answers and False in answers
