"""Where `--fix` may read and write, and fixes it must refuse: links out of the tree, read-only
files, hard links, the same file reached twice, malformed plugin fixes; and what it reports
(`--show-fixes` positions in the file as written, line endings of exported edits, fix hints)."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest
from test_fix_cli import pipelint

from helpers import FIXTURES

BAD_PLUGIN = os.path.join(FIXTURES, "fixes", "_badfix")
QUOTE_ME = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo result: done\n"
QUOTED = QUOTE_ME.replace("- echo result: done", "- 'echo result: done'")


def _tree(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    return repo, outside


def test_a_linked_folder_leading_out_of_the_tree_is_neither_read_nor_written(tmp_path):
    repo, outside = _tree(tmp_path)
    (outside / "buildspec.yml").write_text(QUOTE_ME)
    os.symlink("../outside", repo / "linkdir")
    proc = pipelint(repo, "--fix", "linkdir/buildspec.yml")
    assert (outside / "buildspec.yml").read_text() == QUOTE_ME
    assert "linkdir/buildspec.yml: not fixed: a folder in its path is a symbolic link that leads outside" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.returncode == 1
    diff = pipelint(repo, "--diff", "linkdir/buildspec.yml")
    assert diff.stdout == "" and "not fixed: a folder in its path" in diff.stderr


def test_a_linked_folder_inside_the_tree_is_fixed(tmp_path):
    repo, _ = _tree(tmp_path)
    (repo / "real").mkdir()
    (repo / "real" / "buildspec.yml").write_text(QUOTE_ME)
    os.symlink("real", repo / "alias")
    proc = pipelint(repo, "--fix", "alias/buildspec.yml")
    assert proc.returncode == 0, proc.stderr
    assert (repo / "real" / "buildspec.yml").read_text() == QUOTED


def test_a_file_that_is_a_link_is_not_written_through_even_when_followed(tmp_path):
    repo, _ = _tree(tmp_path)
    (repo / "sub").mkdir()
    (repo / "sub" / "buildspec.yml").write_text(QUOTE_ME)
    os.symlink("sub/buildspec.yml", repo / "link.yml")
    proc = pipelint(repo, "--fix", "--follow-symlinks", "link.yml")
    assert (repo / "sub" / "buildspec.yml").read_text() == QUOTE_ME and os.path.islink(repo / "link.yml")
    assert "link.yml: not fixed: it is a symbolic link; --fix does not write through links" in proc.stderr


def test_the_same_file_reached_twice_is_fixed_once_without_a_false_change_warning(tmp_path):
    repo, _ = _tree(tmp_path)
    (repo / "sub").mkdir()
    (repo / "sub" / "buildspec.yml").write_text(QUOTE_ME)
    os.symlink("sub", repo / "alias")
    proc = pipelint(repo, "--fix", "sub", "alias")
    assert proc.returncode == 0, proc.stderr
    assert "changed while it was being fixed" not in proc.stderr and "not fixed" not in proc.stderr
    assert (repo / "sub" / "buildspec.yml").read_text() == QUOTED and "Fixed 1 finding" in proc.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text(QUOTE_ME)
    path.chmod(0o444)
    proc = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert path.read_text() == QUOTE_ME and oct(path.stat().st_mode & 0o777) == "0o444"
    assert "buildspec.yml: not fixed: cannot write it: permission denied: the file is read-only" in proc.stderr
    assert proc.returncode == 2  # a file --fix could not write fails the run (tests/test_fp_load.py)


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_a_hard_linked_file_is_written_in_place_keeping_its_links_and_mode(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text(QUOTE_ME)
    path.chmod(0o640)
    os.link(path, tmp_path / "other.yml")
    inode = path.stat().st_ino
    proc = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert proc.returncode == 0, proc.stderr
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert (tmp_path / "other.yml").read_text() == QUOTED and oct(path.stat().st_mode & 0o777) == "0o640"


def test_a_single_file_is_still_replaced_atomically_with_its_mode(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text(QUOTE_ME)
    path.chmod(0o600)
    pipelint(tmp_path, "--fix", "buildspec.yml")
    assert path.read_text() == QUOTED and oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["buildspec.yml"]  # no temporary file left


def test_malformed_plugin_fixes_are_left_out_with_a_notice_and_the_others_apply(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text(QUOTE_ME)
    other = tmp_path / "b" / "buildspec.yml"
    other.parent.mkdir()
    other.write_text(QUOTE_ME)
    proc = pipelint(tmp_path, "--fix", "--rules-dir", BAD_PLUGIN, "--select", "XB,BS", "buildspec.yml", "b/buildspec.yml")
    assert proc.returncode == 1 and "internal error" not in proc.stderr, proc.stderr
    assert path.read_text() == QUOTED and other.read_text() == QUOTED
    for why in ("its new text is not valid Unicode", "the edit 3:5-2:1 is not a valid range", "its edits overlap"):
        assert f"rule XB101 offered a fix that cannot be applied ({why}); the fix was left out" in proc.stderr
    path.write_text(QUOTE_ME)
    diff = pipelint(tmp_path, "--diff", "--rules-dir", BAD_PLUGIN, "--select", "XB,BS", "buildspec.yml")
    assert diff.returncode == 1 and "+      - 'echo result: done'" in diff.stdout
    assert "rule XB101 offered a fix that cannot be applied (its edits overlap)" in diff.stderr
    report = json.loads(pipelint(tmp_path, "-f", "json", "--rules-dir", BAD_PLUGIN, "--select", "XB", "buildspec.yml").stdout)
    assert [f["edit"] for f in report["findings"]] == [None, None, None]


def test_show_fixes_gives_positions_in_the_file_as_written_in_file_order(tmp_path):
    template = (
        "Resources:\n  P:\n    Type: AWS::CodeBuild::Project\n    Properties:\n      Source:\n"
        "        Type: NO_SOURCE\n        BuildSpec: !Sub |\n          version: 0.2\n          phases:\n"
        "            bulid:\n              commands:\n                - echo ${AWS::Region}: done\n"
        "              runtime-versions:\n                python: 3.10\n"
    )
    (tmp_path / "t.template.yml").write_text(template)
    proc = pipelint(tmp_path, "--fix", "--unsafe-fixes", "--show-fixes", "--select", "BS", "t.template.yml")
    listed = proc.stdout.split("t.template.yml:\n", 1)[1].split("Fixed ", 1)[0].splitlines()
    assert [line.split(" ")[2:4] for line in listed] == [["10:13", "BS105"], ["12:19", "BS120"], ["13:15", "BS104"], ["14:25", "BS303"]]


def test_exported_edits_use_the_line_ending_of_a_crlf_file(tmp_path):
    text = "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      python: 3.12\n    commands:\n      - make\n"
    (tmp_path / "buildspec.yml").write_bytes(text.replace("\n", "\r\n").encode())
    report = json.loads(pipelint(tmp_path, "-f", "json", "--select", "BS104", "buildspec.yml").stdout)
    inserted = [e["text"] for f in report["findings"] for e in f["edit"]["edits"] if e["text"]]
    assert inserted and all("\r\n" in t and "\n" not in t.replace("\r\n", "") for t in inserted)
    sarif = json.loads(pipelint(tmp_path, "-f", "sarif", "--select", "BS104", "buildspec.yml").stdout)
    replaced = [r["insertedContent"]["text"] for res in sarif["runs"][0]["results"] for fix in res["fixes"]
                for change in fix["artifactChanges"] for r in change["replacements"] if r.get("insertedContent", {}).get("text")]
    assert replaced == inserted


def test_a_fixable_finding_always_shows_its_fix_as_hint(tmp_path):
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\nartifact:\n  files: [a]\n")
    text = pipelint(tmp_path, "--select", "BS001", "buildspec.yml").stdout
    assert "buildspec.yml:6:1: BS001" in text and "  fix: Rename the key to `artifacts`\n" in text
    finding = json.loads(pipelint(tmp_path, "-f", "json", "--select", "BS001", "buildspec.yml").stdout)["findings"][0]
    assert finding["fix"] == "Rename the key to `artifacts`" and finding["edit"]["title"] == finding["fix"]


def test_rdjson_carries_each_edit_as_a_suggestion_in_utf8_byte_columns(tmp_path):
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo é: done\n      - make\n")
    document = json.loads(pipelint(tmp_path, "-f", "rdjson", "--select", "BS120", "buildspec.yml").stdout)
    (diagnostic,) = document["diagnostics"]
    assert diagnostic["suggestions"] == [
        {"range": {"start": {"line": 5, "column": 9}, "end": {"line": 5, "column": 22}}, "text": "'echo é: done'"}]
    assert diagnostic["location"]["range"]["end"] == {"line": 5, "column": 22}
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    clean = json.loads(pipelint(tmp_path, "-f", "rdjson", "buildspec.yml").stdout)
    assert all("suggestions" not in d for d in clean["diagnostics"])


@pytest.mark.skipif(shutil.which("shellcheck") is None and not os.path.exists(os.path.join(os.path.dirname(sys.executable), "shellcheck")),
                    reason="needs shellcheck for BS901")
def test_renaming_a_phase_is_kept_although_its_commands_now_get_shell_findings(tmp_path):
    text = "version: 0.2\nphases:\n  bulid:\n    commands:\n      - echo `ls`\n      - make\n"
    path = tmp_path / "buildspec.yml"
    path.write_text(text)
    proc = pipelint(tmp_path, "--fix", "buildspec.yml")
    assert path.read_text() == text.replace("bulid:", "build:"), proc.stderr
    assert "not fixed" not in proc.stderr and "buildspec.yml:5:" in proc.stdout and "BS901" in proc.stdout
