"""Nothing outside the linted tree is read, or revealed (issue 13): references from linted files
(a CodeBuild project's BuildSpec, an AppSpec's hook scripts and files) and config paths are
resolved to real paths and refused when they leave the repository."""

from __future__ import annotations

import json
import os
import shutil

from click.testing import CliRunner

from helpers import lint, triples
from pipelint.cli import main

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
MARKER = "outside-marker-7f3a"


def _cli(args, cwd, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cwd / ".no-user-config"))
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["check", "--no-color", *args])


def _pipeline_repo(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(os.path.join(FIXTURES, "pipeline", "repo_fail"), repo)
    (repo / ".pipelint.toml").write_text("")
    outside = tmp_path / "outside"
    outside.mkdir()
    spec = (repo / "ci" / "buildspec_build.yml").read_text().replace("docker build -t app .", f"echo {MARKER}")
    (outside / "buildspec_build.yml").write_text(spec)
    os.remove(repo / "ci" / "buildspec_build.yml")
    return repo, outside


def _messages(result):
    return [f["message"] + " " + (f.get("fix") or "") for f in json.loads(result.stdout)["findings"]]


def test_buildspec_path_outside_the_repository_is_not_loaded_or_quoted(tmp_path, monkeypatch):
    repo, _ = _pipeline_repo(tmp_path)
    template = repo / "template.yaml"
    template.write_text(template.read_text().replace("BuildSpec: ci/buildspec_build.yml", "BuildSpec: ../outside/buildspec_build.yml"))
    result = _cli(["--format", "json", "--select", "CP4", "."], repo, monkeypatch)
    assert MARKER not in result.output
    assert not [m for m in _messages(result) if "outside/" in m], _messages(result)
    assert "not reading" in result.stderr and "outside the project root" in result.stderr


def test_buildspec_symlinked_out_of_the_repository_is_not_loaded(tmp_path, monkeypatch):
    repo, outside = _pipeline_repo(tmp_path)
    (repo / "ci" / "buildspec_build.yml").symlink_to(outside / "buildspec_build.yml")
    result = _cli(["--format", "json", "--select", "CP4", "."], repo, monkeypatch)
    assert MARKER not in result.output
    assert not [m for m in _messages(result) if "buildspec_build.yml:" in m]  # CP404 would quote the file's line


APPSPEC = """version: 0.0
os: linux
files:
  - source: ../outside/app
    destination: /srv/app
hooks:
  ApplicationStart:
    - location: ../outside/start.sh
  ValidateService:
    - location: scripts/check.sh
"""


def _bundle(tmp_path):
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / ".pipelint.toml").write_text("")
    (repo / "appspec.yml").write_text(APPSPEC)
    (repo / "index.html").write_text("<p>app</p>\n")
    return repo


def _bundle_findings(repo):
    return sorted((f.code, f.line, f.col, f.message) for f in lint(str(repo / "appspec.yml"), select=["AS3"]))


def test_dotdot_in_bundle_paths_reveals_nothing_about_outside_files(tmp_path):
    found = {}
    for case in ("absent", "present"):
        repo = _bundle(tmp_path / case)
        (repo / "scripts" / "check.sh").write_text("#!/bin/sh\n")
        (repo / "scripts" / "check.sh").chmod(0o755)
        if case == "present":
            outside = tmp_path / case / "outside"
            (outside / "app").mkdir(parents=True)
            (outside / "start.sh").write_text("#!/bin/sh\n")
            (outside / "start.sh").chmod(0o644)  # would be AS303 "not executable" if its mode were read
        found[case] = [(code, line, col, message.replace(case, "CASE")) for code, line, col, message in _bundle_findings(repo)]
    assert found["present"] == found["absent"]
    assert [(code, line, col) for code, line, col, _ in found["present"]] == [("AS301", 8, 17), ("AS302", 4, 13)]


def test_symlinked_hook_script_is_not_inside_the_bundle(tmp_path):
    repo = _bundle(tmp_path)
    (repo / "appspec.yml").write_text(APPSPEC.replace("../outside/start.sh", "scripts/start.sh").replace("../outside/app", "index.html"))
    (repo / "scripts" / "check.sh").write_text("#!/bin/sh\n")
    (repo / "scripts" / "check.sh").chmod(0o755)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "start.sh").write_text("#!/bin/sh\n")
    (outside / "start.sh").chmod(0o755)
    (repo / "scripts" / "start.sh").symlink_to(outside / "start.sh")
    assert triples(lint(str(repo / "appspec.yml"), select=["AS3"])) == [("AS301", 8, 17)]


def test_bundle_root_outside_the_repository_is_refused(tmp_path, monkeypatch):
    repo = _bundle(tmp_path)
    (repo / ".pipelint.toml").write_text('bundle-root = "../outside"\n')
    (tmp_path / "outside").mkdir()
    result = _cli(["appspec.yml"], repo, monkeypatch)
    assert "bundle-root = '../outside'" in result.stderr and "refused" in result.stderr
    assert "AS30" not in result.stdout


def test_secret_scan_of_hook_scripts_does_not_follow_links_out_of_the_bundle(tmp_path):
    repo = _bundle(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "start.sh").write_text("#!/bin/sh\ncurl -u admin:Sup3rS3cretPassw0rd https://example.com\n")
    (repo / "scripts" / "start.sh").symlink_to(outside / "start.sh")
    (repo / "appspec.yml").write_text("version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n")
    findings = lint(str(repo / "appspec.yml"), select=["SEC"])
    assert [f for f in findings if "start.sh" in f.path] == []


def test_secret_scan_of_hook_scripts_stays_inside_the_repository_whatever_bundle_root_says(tmp_path, monkeypatch):
    repo = _bundle(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "start.sh").write_text("#!/bin/sh\ncurl -u admin:Sup3rS3cretPassw0rd https://example.com\n")
    (repo / ".pipelint.toml").write_text('bundle-root = "../outside"\n')
    (repo / "appspec.yml").write_text("version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n")
    result = _cli(["--select", "SEC", "appspec.yml"], repo, monkeypatch)
    assert "start.sh" not in result.stdout and "Sup3" not in result.stdout
