"""Terraform fixtures: each rule family fails and passes with exact positions; a Terraform
pipeline and its CloudFormation twin give the same rule codes; cross-file and .tf.json."""

from __future__ import annotations

import os
import shutil

import pytest

from helpers import fixture, lint, triples


def _tf(name: str) -> str:
    return fixture("terraform", name)


@pytest.mark.parametrize(("name", "expected"), [
    ("cp_fail.tf", [("CP110", 31, 25), ("CP201", 43, 26), ("CP203", 19, 27)]),
    ("cb_fail.tf", [("CB004", 28, 17), ("CB005", 13, 3), ("CB008", 10, 23), ("CD002", 33, 44)]),
    ("sec_fail.tf", [("SEC002", 13, 16)]),
    ("bs_fail.tf", [("BS104", 16, 1), ("BS105", 19, 3)]),
])
def test_failing_fixture(name, expected):
    assert triples(lint(_tf(name))) == sorted(expected)


@pytest.mark.parametrize("name", ["cp_pass.tf", "cb_pass.tf", "sec_pass.tf", "bs_pass.tf", "bs_interpolated_pass.tf"])
def test_passing_fixture(name):
    assert triples(lint(_tf(name))) == []


def test_terraform_pipeline_and_its_cloudformation_twin_give_the_same_codes():
    terraform = sorted(f.code for f in lint(_tf("twin/pipeline.tf")))
    cloudformation = sorted(f.code for f in lint(_tf("twin/pipeline.yaml")))
    assert terraform == cloudformation
    assert {"CB008", "SEC002", "BS105", "CP110", "CP201", "CP203", "CD002"} <= set(terraform)


def test_pipeline_follows_a_project_of_another_file_to_its_file_buildspec():
    assert triples(lint(_tf("crossfile"))) == [("CP403", 56, 23)]
    # The message names the file that holds the project's buildspec, not the pipeline's file.
    [finding] = lint(_tf("crossfile"))
    assert "crossfile/codebuild.tf:13)" in finding.message.replace("\\", "/")


def test_pipeline_named_alone_reads_its_project_in_another_file_of_the_module():
    # pre-commit names only the changed files: the finding must not depend on which are named.
    assert triples(lint(_tf("crossfile/pipeline.tf")), "CP") == [("CP403", 56, 23)]


def _findings_as_cli(path: str, jobs: int = 1) -> list:
    """Lint as the command line does: the project root is the git work tree or the path."""
    from pipelint.engine.plan import make_plan, run_plan

    return run_plan(make_plan([path], isolated=True), jobs=jobs).findings


def _run_as_cli(path: str, jobs: int = 1) -> list[tuple[str, int, int]]:
    return triples(_findings_as_cli(path, jobs))


def test_file_buildspec_outside_the_linted_tree_is_not_read(tmp_path):
    module = tmp_path / "repo" / "infra"
    module.mkdir(parents=True)
    for name in ("pipeline.tf", "codebuild.tf", "buildspec.yml"):
        shutil.copy(_tf(f"crossfile/{name}"), module / name)
    assert _run_as_cli(str(module)) == [("CP403", 56, 23)]  # inside: read
    os.replace(module / "buildspec.yml", tmp_path / "buildspec.yml")
    text = (module / "codebuild.tf").read_text().replace('"${path.module}/buildspec.yml"', '"${path.module}/../../buildspec.yml"')
    (module / "codebuild.tf").write_text(text)
    assert _run_as_cli(str(module)) == []  # outside the linted folder: unknown, never read


def test_tf_json_is_read_with_the_json_loader_and_positions():
    found = lint(_tf("json"))
    assert triples(found) == [("BS105", 19, 11), ("CB008", 11, 30), ("SEC002", 13, 47)]
    fixes = {f.code: f.fix for f in found}
    assert fixes["CB008"] == 'remove `"privileged_mode": true` unless the build runs Docker'


def test_messages_name_terraform_attributes_and_fixes_are_hcl():
    found = {f.code: f for f in lint(_tf("cb_fail.tf"))}
    assert found["CB008"].fix == "build untrusted pull requests in a project without `privileged_mode`"
    assert "`pull_request_build_policy { requires_comment_approval = \"ALL_PULL_REQUESTS\" }`" in found["CB004"].message
    assert "`auto_rollback_configuration`" in found["CD002"].message
    assert found["CD002"].fix is None  # a multi-attribute block has no one-line HCL form: no wrong hint
    bs = {f.code: f for f in lint(_tf("bs_fail.tf"))}
    assert "phases.install" in bs["BS104"].message  # inside the heredoc, buildspec words stay


def test_select_and_discovery(tmp_path):
    shutil.copy(_tf("cb_fail.tf"), tmp_path / "main.tf")
    assert {f.code for f in lint(str(tmp_path), select=["CD"])} == {"CD002"}
    os.mkdir(tmp_path / ".terraform")
    shutil.copy(_tf("cb_fail.tf"), tmp_path / ".terraform" / "cached.tf")
    assert {f.path for f in lint(str(tmp_path))} == {str(tmp_path / "main.tf")}



def test_cross_file_lookup_is_the_same_in_parallel_runs(tmp_path):
    shutil.copytree(_tf("crossfile"), tmp_path / "infra")
    for index in range(16):  # enough files for the run to be split between processes
        shutil.copy(_tf("cp_pass.tf"), tmp_path / "infra" / f"copy{index}.tf")
    serial = _run_as_cli(str(tmp_path), jobs=1)
    assert serial == [("CP403", 56, 23)]
    assert _run_as_cli(str(tmp_path), jobs=2) == serial


def test_file_buildspec_is_inline_for_codebuild_and_linted_once(tmp_path):
    module = tmp_path / "infra"
    module.mkdir()
    (module / "buildspec.yml").write_text("version: 0.2\nphases:\n  buld:\n    commands:\n      - make\n")
    project = open(_tf("cb_fail.tf")).read().replace(
        '    location = "https://github.com/example/app.git"\n',
        '    location  = "https://github.com/example/app.git"\n    buildspec = file("${path.module}/buildspec.yml")\n')
    (module / "main.tf").write_text(project)
    found = _findings_as_cli(str(module))
    # Terraform sends the file's content to CodeBuild: the pull request cannot rewrite it (no
    # CB005), and the file's own finding is reported once, where it lies.
    assert "CB005" not in {f.code for f in found}
    assert [(os.path.basename(f.path), f.line, f.col) for f in found if f.code == "BS105"] == [("buildspec.yml", 3, 3)]


def test_crlf_files_give_the_same_findings(tmp_path):
    for name in ("bs_fail.tf", "twin/pipeline.tf"):
        crlf = tmp_path / os.path.basename(name)
        crlf.write_bytes(open(_tf(name), "rb").read().replace(b"\n", b"\r\n"))
        assert triples(lint(str(crlf))) == triples(lint(_tf(name)))
