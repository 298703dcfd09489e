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


# --------------------------------------------------------------------------------------------
# Nothing outside the linted tree (issue 13) and the first contact (issue 14)

import os  # noqa: E402
import sys  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from pipelint.cli import main  # noqa: E402

SECRET_LINE = "root:x:0:0:outside-the-tree:/root:/bin/bash"


def _cli(args, cwd, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cwd / ".no-user-config"))
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["check", "--no-color", *args])


def _outside_file(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET_LINE + "\n")
    return outside / "passwd"


def test_file_symlinks_are_not_followed_walking_or_named(tmp_path, monkeypatch):
    target = _outside_file(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "appspec.yml").symlink_to(target)
    for args in (["."], ["appspec.yml"], ["--follow-symlinks", "."], ["--format", "json", "."]):
        result = _cli(args, repo, monkeypatch)
        assert "outside-the-tree" not in result.output, args
        assert "root:x" not in result.output, args
    walked = _cli(["."], repo, monkeypatch)
    assert "symbolic link" in walked.stderr and "appspec.yml" in walked.stderr


def test_follow_symlinks_follows_links_inside_the_tree_only(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "real").mkdir(parents=True)
    (repo / "real" / "spec.txt").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n  build:\n    commands: [x]\n")
    (repo / "buildspec.yml").symlink_to(repo / "real" / "spec.txt")
    assert discover([str(repo)]) == []
    followed = discover([str(repo)], follow_symlinks=True)
    assert [e.display.rsplit("/", 1)[-1] for e in followed] == ["buildspec.yml"]
    outside = _outside_file(tmp_path)
    (repo / "appspec.yml").symlink_to(outside)
    skipped = []
    followed = discover([str(repo)], follow_symlinks=True, on_skip=lambda path, why: skipped.append((os.path.basename(path), why)))
    assert [e.display.rsplit("/", 1)[-1] for e in followed] == ["buildspec.yml"]
    assert skipped == [("appspec.yml", "symbolic link to a path outside the linted folder; refused")]


def test_a_fifo_found_by_walking_is_skipped_not_read(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "appspec.yml")
    (tmp_path / "buildspec.yml").write_text(GOOD)
    code = "import sys; from pipelint.cli import main; sys.argv = ['pipelint', 'check', '--no-color', '.']; main()"
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg")))
    except subprocess.TimeoutExpired:
        pytest.fail("the run blocked on a FIFO named appspec.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "appspec.yml (not a regular file)" in done.stderr


def test_unreadable_folders_are_reported(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "buildspec.yml").write_text(GOOD)
    (tmp_path / "buildspec.yml").write_text(GOOD)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "locked":  # root reads everything: simulate EACCES
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = _cli(["."], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert "warning: locked: folder cannot be read (Permission denied)" in result.stderr


def test_git_runs_without_the_scanned_repositorys_fsmonitor(tmp_path, monkeypatch):
    if subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    marker = tmp_path / "fsmonitor-ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\necho\n")
    hook.chmod(0o755)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "appspec.yml").write_text("version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/start.sh\n")
    (repo / "scripts").mkdir()
    (repo / "scripts" / "start.sh").write_text("#!/bin/sh\n")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "core.fsmonitor", str(hook)], check=True)
    result = _cli(["."], repo, monkeypatch)  # check-ignore while walking, ls-files for AS303's file modes
    assert result.exit_code in (0, 1), result.output
    assert not marker.exists()


def test_force_exclude_applies_exclude_to_named_files(tmp_path, monkeypatch):
    (tmp_path / "generated").mkdir()
    broken = "version: 0.2\nphases:\n  build:\n    commands: [make]\n  build:\n    commands: [x]\n"
    (tmp_path / "generated" / "buildspec.yml").write_text(broken)
    (tmp_path / ".pipelint.toml").write_text('exclude = ["generated/**"]\n')
    named = "generated/buildspec.yml"
    assert _cli([named], tmp_path, monkeypatch).exit_code == 1  # named files are linted (ruff's default)
    forced = _cli(["--force-exclude", named], tmp_path, monkeypatch)
    assert forced.exit_code == 0 and "PL003" not in forced.output
    # from another folder too: the globs are relative to the config file's folder
    (tmp_path / "sub").mkdir()
    assert _cli(["--force-exclude", "../" + named], tmp_path / "sub", monkeypatch).exit_code == 0


def test_a_folder_with_nothing_to_lint_is_a_warning(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "buildspec.yml").write_text(GOOD)
    result = _cli(["empty", "docs", "ci"], tmp_path, monkeypatch)
    assert result.exit_code == 0  # the exit status is unchanged
    assert "warning: nothing to lint in empty, docs:" in result.stderr
    assert "ci" not in result.stderr.split("nothing to lint in")[1].split(":")[0]
    assert "nothing to lint" not in _cli(["ci"], tmp_path, monkeypatch).stderr
    # a run that lints nothing at all names every path, named files included...
    alone = _cli(["docs", "docs/mkdocs.yml"], tmp_path, monkeypatch)
    assert "warning: nothing to lint in docs, docs/mkdocs.yml:" in alone.stderr
    # ...but with --no-unrecognised (pre-commit, which splits its files into batches) a batch of
    # named files that are no concern of pipelint's is skipped on purpose, without a word
    alone = _cli(["--no-unrecognised", "docs/mkdocs.yml"], tmp_path, monkeypatch)
    assert alone.exit_code == 0 and "nothing to lint" not in alone.stderr
    mixed = _cli(["--no-unrecognised", "docs/mkdocs.yml", "ci/buildspec.yml"], tmp_path, monkeypatch)
    assert "nothing to lint" not in mixed.stderr


def test_a_named_fifo_is_a_path_error_not_a_hang(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "appspec.yml")
    with pytest.raises(PathError, match="not a regular file"):
        discover([str(tmp_path / "appspec.yml")])


def test_a_file_reached_through_links_is_linted_once_by_its_own_name(tmp_path, monkeypatch):
    """`--follow-symlinks` with a link to a file that is also linted under its own name (or
    two links to one file): one entry, one set of findings, reported under the real name."""
    repo = tmp_path / "repo"
    (repo / "ci").mkdir(parents=True)
    (repo / "ci" / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n  build:\n    commands: [x]\n")
    (repo / "buildspec.yml").symlink_to(repo / "ci" / "buildspec.yml")
    (repo / "ci" / "buildspec.yaml").symlink_to("buildspec.yml")
    only_links = tmp_path / "links"
    only_links.mkdir()
    (only_links / "a").mkdir()
    (only_links / "a" / "spec.txt").write_text("version: 0.2\nphases: {build: {commands: [make]}}\n")
    (only_links / "buildspec.yml").symlink_to(only_links / "a" / "spec.txt")
    (only_links / "buildspec.yaml").symlink_to(only_links / "a" / "spec.txt")
    followed = discover([str(repo)], follow_symlinks=True)
    assert [os.path.relpath(e.path, repo) for e in followed] == [os.path.join("ci", "buildspec.yml")]
    assert [os.path.basename(e.path) for e in discover([str(only_links)], follow_symlinks=True)] == ["buildspec.yaml"]
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--follow-symlinks", "--ignore", "BS901", "--format", "json", "."])
    import json

    findings = json.loads(result.output)["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in findings if f["code"] == "PL001"] == [] and findings
    assert {f["path"] for f in findings} == {"ci/buildspec.yml"}
    named = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--follow-symlinks", "--ignore", "BS901", "--format", "json",
                                      "buildspec.yml", "ci/buildspec.yml"])
    assert json.loads(named.output)["findings"] == findings  # both names given: still once, by its own name


def test_skip_notice_suggests_follow_symlinks_only_when_it_was_not_given(tmp_path, monkeypatch):
    """A link refused because it leaves the linted folder is reported without advice to pass
    an option the user already gave; a link skipped for want of the option gets that advice."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "buildspec.yml").symlink_to(tmp_path / "b" / "buildspec.yml")
    monkeypatch.chdir(tmp_path)
    given = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--ignore", "BS901", "--follow-symlinks", "a", "b"])
    refused = [line for line in given.output.splitlines() if "outside the linted folder" in line]
    assert refused and "pass --follow-symlinks" not in refused[0]
    missing = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--ignore", "BS901", "a", "b"])
    assert any("pass --follow-symlinks" in line for line in missing.output.splitlines())
