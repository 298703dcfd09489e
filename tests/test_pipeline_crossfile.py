"""Cross-file pipeline checks (CP401-CP405): pipelines against their CodeBuild projects and buildspecs.

Each repository fixture holds a CloudFormation template (projects + pipeline), the same pipeline
as a CLI file naming the projects by `Name`, and buildspec files. The repository root is the
working directory of the run, so the tests run from inside the fixture folder.
"""

from __future__ import annotations

import os

import pytest

from helpers import fixture, lint, triples
from pipelint.engine.project import Project
from pipelint.extract import extract
from pipelint.load import load_file
from pipelint.load.problems import Limits
from pipelint.models.pipeline import pipeline_of

FAIL = fixture("pipeline", "repo_fail")
PASS = fixture("pipeline", "repo_pass")


def _by_file(folder: str, monkeypatch: pytest.MonkeyPatch, codes: list[str]) -> dict[str, list[tuple[str, int, int]]]:
    monkeypatch.chdir(folder)
    findings = lint(".", select=codes)
    result: dict[str, list[tuple[str, int, int]]] = {}
    for name in ("template.yaml", "pipeline.json"):
        result[name] = triples([f for f in findings if f.path == name], "CP4")
    return result


EXPECTED = {
    "template.yaml": [("CP401", 102, 30), ("CP402", 117, 25), ("CP403", 155, 37), ("CP404", 158, 21), ("CP405", 169, 21)],
    "pipeline.json": [("CP401", 45, 30), ("CP402", 72, 25), ("CP403", 140, 37), ("CP404", 149, 21), ("CP405", 167, 21)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cross_file_findings_in_both_formats(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _by_file(FAIL, monkeypatch, ["CP4"])[name] == EXPECTED[name]


def test_clean_repository_has_no_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PASS)
    assert triples(lint(".", select=["CP"]), "CP") == []


def test_messages_name_the_other_file_and_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FAIL)
    messages = {f.code: f.message for f in lint(".", select=["CP4"]) if f.path == "pipeline.json"}
    assert "ci/buildspec-build.yml" in messages["CP401"] and "template.yaml:13" in messages["CP401"]
    assert "did you mean `ci/buildspec_build.yml`" in messages["CP401"]
    assert "template.yaml:36" in messages["CP402"]
    assert "template.yaml:27" in messages["CP403"] and "`IMAGE_TAG`" in messages["CP403"]
    assert "ci/buildspec_build.yml:8" in messages["CP404"] and "imagedefinitions.json" in messages["CP404"]
    assert "template.yaml:68" in messages["CP405"]


def test_missing_buildspec_in_another_repository_is_not_reported(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Run from a folder that is not the pipeline's source: the folder `ci/` does not exist there."""
    monkeypatch.chdir(tmp_path)
    findings = lint(os.path.join(FAIL, "template.yaml"), select=["CP401", "CP404"])
    assert triples(findings, "CP4") == []


def test_pass_fixture_resolves_every_buildspec(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clean repository is not vacuous: every CodeBuild action's buildspec is found."""
    from pipelint.rules.pipeline._crossfile import buildspec_of, codebuild_project

    monkeypatch.chdir(PASS)
    docs = []
    for name, kind in (("template.yaml", "template"), ("pipeline.json", "pipeline")):
        docs.extend(extract(load_file(name, name, Limits()), kind, Limits())[0])
    project = Project(docs, PASS)
    resolved = {}
    for doc in project.documents("pipeline"):
        for action in pipeline_of(doc).actions:
            if action.provider == "CodeBuild":
                target = codebuild_project(project, doc, action)
                spec = buildspec_of(project, target) if target else None
                resolved[(doc.flavor, action.name)] = spec.doc.path if spec and spec.doc else None
    assert resolved == {
        ("cfn", "Image"): "buildspec.yml", ("cfn", "Package"): "ci/bundle.yml", ("cfn", "Split"): "template.yaml",
        ("cli", "Image"): "buildspec.yml", ("cli", "Package"): "ci/bundle.yml", ("cli", "Split"): "template.yaml",
    }


def test_globs_and_paths() -> None:
    from pipelint.rules.pipeline._crossfile import ArtifactSection, may_contain, single_top_folder

    assert may_contain(ArtifactSection(None, ["**/*"]), "imagedefinitions.json")
    assert may_contain(ArtifactSection(None, ["./imagedefinitions.json"]), "imagedefinitions.json")
    assert may_contain(ArtifactSection(None, ["out/**/*"], discard_paths=True), "imagedefinitions.json")
    assert not may_contain(ArtifactSection(None, ["out/**/*"]), "imagedefinitions.json")
    assert may_contain(ArtifactSection(None, ["*.json"]), "imagedefinitions.json")
    assert not may_contain(ArtifactSection(None, ["dist/*"]), "appspec.yml")
    assert may_contain(ArtifactSection(None, ["$OUT/*"]), "appspec.yml")
    assert may_contain(ArtifactSection(None, [], files_known=False), "appspec.yml")
    assert single_top_folder(ArtifactSection(None, ["bundle/a", "bundle/b/*"])) == "bundle"
    assert single_top_folder(ArtifactSection(None, ["bundle/a", "other/b"])) is None


_TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Source:
        Type: CODEPIPELINE
{spec}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/pipeline
      ArtifactStore: {{Type: S3, Location: app-artifacts}}
      Stages:
        - Name: Source
          Actions:
            - Name: App
              ActionTypeId: {{Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}}
              Configuration: {{RepositoryName: app, BranchName: main}}
              OutputArtifacts: [{{Name: AppSource}}]
        - Name: Build
          Actions:
            - Name: Compile
              ActionTypeId: {{Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}}
              Configuration:
                ProjectName: !Ref Build
              InputArtifacts: [{{Name: AppSource}}]
"""


@pytest.mark.parametrize(
    "spec, files, expected",
    [
        ("        BuildSpec: buildspec.yaml", ["buildspec.yml"], [("CP401", 26, 30)]),  # a near miss at the root
        ("        BuildSpec: other.yml", ["buildspec.yml"], []),  # nothing similar: maybe another repository
        ("", [], []),  # the default buildspec.yml is absent: not solid evidence
        ("        BuildSpec: arn:aws:s3:::bucket/buildspec.yml", [], []),
        ("        BuildSpec: !Sub ${Folder}/buildspec.yml", [], []),
    ],
)
def test_missing_buildspec_only_on_solid_evidence(tmp_path, monkeypatch, spec, files, expected) -> None:
    (tmp_path / "template.yaml").write_text(_TEMPLATE.format(spec=spec))
    for name in files:
        (tmp_path / name).write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    monkeypatch.chdir(tmp_path)
    assert triples(lint("template.yaml", select=["CP401"]), "CP4") == expected


# ------------------------------------------------------------------------------------------------
# Running the cross-file rules file by file (`rule(shared=...)`) must find what one joint run finds.


def _documents(path: str, kind: str) -> list:
    return extract(load_file(path, path, Limits()), kind, Limits())[0]


def test_only_lookups_by_literal_name_are_shared(tmp_path) -> None:
    """A pipeline naming a project literally and a template declaring a named project are shared;
    a template whose pipeline uses `!Ref` and whose projects have no literal `Name` is not."""
    from pipelint.rules.pipeline._crossfile import needs_other_files

    assert any(needs_other_files(d) for d in _documents(os.path.join(FAIL, "pipeline.json"), "pipeline"))
    template_docs = _documents(os.path.join(FAIL, "template.yaml"), "template")
    assert [d.kind for d in template_docs if needs_other_files(d)] == ["template"]  # its named projects
    unnamed = tmp_path / "template.yaml"
    unnamed.write_text(_without_names(os.path.join(FAIL, "template.yaml")))
    docs = _documents(str(unnamed), "template")
    assert {d.kind for d in docs} >= {"template", "pipeline"}
    assert not any(needs_other_files(d) for d in docs)


def _without_names(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    # The projects' `Name: app-…` lines (6 spaces in); keep line numbers with a comment instead.
    return "".join("      # no name\n" if line.startswith("      Name: app-") else line for line in lines)


def test_file_by_file_project_rules_match_a_joint_run(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository of shared and unshared pipeline files (enough for parallel runs): 1, 2 and 3
    processes report exactly what a run that keeps every document together reports."""
    import shutil

    from pipelint.engine.runner import EVERYTHING, Settings, build_settings, run

    shutil.copytree(os.path.join(FAIL, "ci"), tmp_path / "ci")
    shutil.copy(os.path.join(FAIL, "pipeline.json"), tmp_path / "pipeline.json")
    shutil.copy(os.path.join(FAIL, "template.yaml"), tmp_path / "template.yaml")
    for number in range(12):
        (tmp_path / f"unnamed_{number:02}.yaml").write_text(_without_names(os.path.join(FAIL, "template.yaml")))
    for number in range(6):
        (tmp_path / "ci" / f"extra_{number}.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    monkeypatch.chdir(tmp_path)

    def findings(jobs: int) -> list[tuple[str, str, int, int, str]]:
        settings = build_settings(paths=["."], select=["CP4"], isolated=True)
        return sorted((f.code, f.path, f.line, f.col, f.message) for f in run(["."], settings=settings, jobs=jobs).findings)

    split = {jobs: findings(jobs) for jobs in (1, 2, 3)}
    monkeypatch.setattr(Settings, "share_keys", lambda self, docs: frozenset((EVERYTHING,)))  # one joint run of every file
    joint = findings(1)
    assert {path for _, path, *_ in joint} == {"template.yaml", "pipeline.json", *(f"unnamed_{n:02}.yaml" for n in range(12))}
    assert len(joint) == 14 * 5
    assert split[1] == joint
    assert split[2] == joint
    assert split[3] == joint
