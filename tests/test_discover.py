"""Discovery: walking, skipping, .gitignore, classification by name and content."""

from __future__ import annotations

import subprocess

import pytest

from helpers import lint, triples
from pipelint.discover import PathError, discover
from pipelint.extract.classify import kind_by_content, kind_by_name
from pipelint.load import load_text

GOOD = "version: 0.2\nphases:\n  build:\n    commands: [make]\n"


def _names(entries):
    return sorted(e.display.rsplit("/", 1)[-1] if "/" in e.display else e.display for e in entries)


def test_walk_skips_vcs_dependencies_and_virtualenvs(tmp_path):
    for folder in (".git", "node_modules", "venv_like", "src"):
        (tmp_path / folder).mkdir()
    (tmp_path / "venv_like" / "pyvenv.cfg").write_text("home = /usr\n")
    for folder in (".git", "node_modules", "venv_like", "src"):
        (tmp_path / folder / "buildspec.yml").write_text(GOOD)
    (tmp_path / "src" / "notes.txt").write_text("x")
    entries = discover([str(tmp_path)])
    assert [e.display.endswith("src/buildspec.yml") for e in entries] == [True]


def test_gitignore_is_honoured_inside_a_git_work_tree(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "buildspec.yml").write_text(GOOD)
    (tmp_path / "buildspec.yml").write_text(GOOD)
    entries = discover([str(tmp_path)])
    assert len(entries) == 1 and not entries[0].display.endswith("generated/buildspec.yml")


def test_git_is_only_asked_inside_a_work_tree(tmp_path, monkeypatch):
    """Outside a work tree no git process is started; a subfolder of one (or GIT_DIR) still asks."""
    from pipelint import discover as discovery

    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "repo" / "sub" / "buildspec.yml").write_text(GOOD)
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    if discovery.git_top(str(tmp_path)) is not None:
        pytest.skip("the temporary folder lies inside a git work tree")
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a) or subprocess.CompletedProcess(a, 1, b"", b""))
    discover([str(tmp_path / "repo" / "sub")])
    assert calls == []
    (tmp_path / "repo" / ".git").mkdir()
    discover([str(tmp_path / "repo" / "sub")])
    assert len(calls) == 1
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    assert discovery._maybe_in_work_tree(str(tmp_path))


def test_symlink_loop_does_not_trap_the_walk(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "a" / "buildspec.yml").write_text(GOOD)
    entries = discover([str(tmp_path)])
    assert len(entries) == 1


def test_missing_path_is_a_path_error(tmp_path):
    with pytest.raises(PathError):
        discover([str(tmp_path / "nope")])


@pytest.mark.parametrize(
    "name,kind",
    [("buildspec.yml", "buildspec"), ("buildspec-prod.yaml", "buildspec"), ("ci/buildspec_test.yml", "buildspec"),
     ("appspec.yml", "appspec"), ("appspec.yaml", "appspec"), ("appspec.json", "appspec"), ("template.yml", None)],
)
def test_classification_by_name(name, kind):
    assert kind_by_name(name) == kind


def test_config_globs_map_files_to_kinds():
    assert kind_by_name("ci/build.yml", {"ci/*.yml": "buildspec"}) == "buildspec"


@pytest.mark.parametrize(
    "text,kind",
    [
        ("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", "template"),
        ("Resources:\n  P:\n    Type: AWS::CodePipeline::Pipeline\n", "template"),
        ('{"pipeline": {"name": "p", "stages": []}}', "pipeline"),
        ('{"Version": "2012-10-17", "Statement": []}', "policy"),
        ("version: 0.2\nphases:\n  build: {}\n", "buildspec"),
        ("version: 0.0\nos: linux\nhooks: {}\n", "appspec"),
        ("services:\n  web:\n    image: nginx\n", None),
    ],
)
def test_classification_by_content(text, kind):
    assert kind_by_content(load_text(text, "x.json" if text.startswith("{") else "x.yml").roots[0]) == kind


def test_walked_unrecognised_files_are_skipped_but_named_ones_reported(tmp_path):
    other = tmp_path / "docker-compose.yml"
    other.write_text("services:\n  web:\n    image: nginx\n")
    assert lint(str(tmp_path)) == []
    assert triples(lint(str(other))) == [("PL014", 1, 1)]
    assert lint(str(other), report_unrecognised=False) == []


def test_broken_template_found_by_walking_is_reported(tmp_path):
    (tmp_path / "pipeline.yml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::CodePipeline::Pipeline\n   Properties: {}\n")
    assert [f.code for f in lint(str(tmp_path))] == ["PL002"]
