"""`aws codebuild` JSON files (issue 15): create-project/update-project input, batch-get-projects
output and create-webhook input are read as CodeBuild projects, so the CB and SEC rules run on
them with positions in the file."""

from __future__ import annotations

import os

import pytest

from helpers import fixture, lint

ALL = ["CB", "SEC", "TPL"]
# file stem -> (rules selected, findings in the failing file); the passing file has none of them
FAILING = {
    "create-webhook": (ALL, [("CB001", 11, 47), ("CB003", 6, 36)]),
    "create-webhook-runner": (ALL, [("CB002", 7, 76), ("CB006", 6, 35)]),
    "create-project": (ALL, [("CB007", 6, 20), ("CB008", 14, 23), ("CB009", 13, 14), ("CB010", 9, 83), ("CB011", 19, 47),
                             ("CB101", 7, 75), ("SEC002", 16, 39), ("SEC007", 5, 33)]),
    "batch-get-projects": (ALL, [("CB004", 18, 56), ("CB005", 6, 7), ("CB012", 15, 28)]),
    # the pull request project builds anyone's pull requests (CB003) in both files, on purpose
    "batch-get-projects-sharing": (["CB013", "CB014"], [("CB013", 7, 43), ("CB014", 9, 22)]),
}


def _found(path: str, select: list[str]) -> list[tuple[str, int, int]]:
    return sorted((f.code, f.line, f.col) for f in lint(path, select=select))


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_cli_json(name: str) -> None:
    select, expected = FAILING[name]
    assert _found(fixture("codebuild", "cli", f"{name}-fail.json"), select) == sorted(expected)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_passing_cli_json(name: str) -> None:
    assert _found(fixture("codebuild", "cli", f"{name}-pass.json"), FAILING[name][0]) == []


def test_positions_point_at_the_written_values() -> None:
    path = fixture("codebuild", "cli", "create-project-fail.json")
    lines = open(path, encoding="utf-8").read().splitlines()
    by_code = {f.code: f for f in lint(path, select=["CB", "SEC"])}
    assert lines[5][by_code["CB007"].col - 1:].startswith("true")
    assert lines[12][by_code["CB009"].col - 1:].startswith('"acme/builder:latest"')
    assert lines[6][by_code["CB101"].col - 1:].startswith("curl -fsSL https://get.example.com/install.sh | sh")


def test_classification() -> None:
    from pipelint.load import load_text
    from pipelint.models.codebuild_cli import is_codebuild_json

    def root(text: str):  # type: ignore[no-untyped-def]
        return load_text(text, "x.json").roots[0]

    assert is_codebuild_json(root('{"name": "p", "source": {"type": "S3"}, "environment": {"computeType": "X"}}'))
    assert is_codebuild_json(root('{"projects": [{"name": "p", "source": {}, "artifacts": {}}]}'))
    assert is_codebuild_json(root('{"projectName": "p", "filterGroups": []}'))
    assert not is_codebuild_json(root('{"name": "p", "source": {}}'))  # one part: not enough to say
    assert not is_codebuild_json(root('{"projects": []}'))


CORPUS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "corpus", "codebuild-json")


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="the shared corpus (../shared/corpus) is absent")
def test_corpus_findings_are_the_reviewed_ones() -> None:
    """The 10 real files: every finding was read (010 has `//` comments, which JSON does not allow)."""
    found = sorted((f.code, f.path.split("codebuild-json")[-1].lstrip("/\\"), f.line) for f in lint(CORPUS))
    assert found == [("CB002", "001/apillon-app-webhook-dev.json", 11), ("CB002", "003/access-webhook-stg.json", 11),
                     ("CB008", "008/create-project.json", 33), ("CB010", "004/project.json", 20),
                     ("PL002", "010/create-project.json", 4), ("TPL001", "006/create-project.json", 2)]


def test_hostile_files_lint_with_bounded_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """5,000 projects in one batch-get-projects file, and a source nested 200 levels deep."""
    import json

    projects = [{"name": f"p{i}", "source": {"type": "GITHUB", "location": "https://github.com/a/b.git", "insecureSsl": True},
                 "environment": {"type": "LINUX_CONTAINER", "computeType": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/standard:7.0"}}
                for i in range(5000)]
    many = tmp_path / "projects.json"
    many.write_text(json.dumps({"projects": projects}), encoding="utf-8")
    found = [f for f in lint(str(many), select=["CB007"]) if f.code == "CB007"]
    assert len(found) > 100 and len({(f.line, f.col) for f in found}) == len(found)  # the engine caps the output
    deep: dict = {"x": 1}
    for _ in range(200):
        deep = {"nested": deep}
    nested = tmp_path / "nested.json"
    nested.write_text(json.dumps({"name": "p", "source": {"type": "S3", "extra": deep},
                                  "environment": {"computeType": "BUILD_GENERAL1_SMALL"}}), encoding="utf-8")
    assert [f.code for f in lint(str(nested)) if f.code == "PL001"] == []
