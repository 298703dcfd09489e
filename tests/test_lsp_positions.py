"""The language server's line model, fix edits and file confinement, in process: positions
follow each loader's line breaks (libyaml's for YAML, ``\\n`` only for JSON and Terraform) while
the LSP counts ``\\n``, ``\\r\\n`` and ``\\r`` only; fix edits are minimal, secret-free, in the
document's line ending and validated; the cross-file rules never read through a link out of the
project (tests/test_lsp_protocol.py drives the real server over stdio)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from pipelint.fixes.edit import Edit, Fix
from pipelint.lsp.actions import code_actions, fix_action, minimal_edits
from pipelint.lsp.diagnostics import to_diagnostic
from pipelint.lsp.positions import UTF8, UTF16, LineModel, apply_change, split_lines
from pipelint.lsp.session import Session, path_to_uri

BUILDSPEC = "version: 0.2\n# note{sep}# more\nphases:\n  build:\n    commands:\n      - echo one: done\n"
TERRAFORM = ('# note{sep}# more\nresource "aws_codebuild_project" "p" {{\n  name = "p"\n  environment {{\n'
             '    privileged_mode = true\n  }}\n}}\n')
SEPARATORS = {"nel": "\x85", "ls": "\u2028", "ps": "\u2029", "cr": "\r", "ff": "\x0c", "vt": "\x0b", "crlf": "\r\n"}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("PIPELINT_NO_CACHE", "1")
    monkeypatch.chdir(root)
    return root


def editor_line(text: str, marker: str) -> int:
    """The 0-based line the editor shows ``marker`` on (the LSP's line breaks, worked out here
    independently of the server's code)."""
    return next(i for i, line in enumerate(re.split("\r\n|\r|\n", text)) if marker in line)


def open_document(session: Session, root: Path, name: str, text: str):  # noqa: ANN201
    uri = path_to_uri(str(root / name))
    session.open(uri, text)
    return session.documents[uri], session.findings_for(uri)


# ------------------------------------------------------------------------------------------
# Line model


def test_lsp_lines_end_at_lf_crlf_and_lone_cr_only() -> None:
    assert split_lines("a\rb\r\nc\nd\x0ce\u2028f\x85g") == ["a", "b", "c", "d\x0ce\u2028f\x85g"]
    model = LineModel("a\rb\u2028c\n", "yaml")
    assert model.own_lines == ["a", "b", "c", ""]  # libyaml also breaks at a lone CR and U+2028
    assert model.to_lsp(3, 1) == (1, 2)  # `c`: the editor's line 1, after `b` and the separator
    assert model.from_lsp(1, 2) == (3, 1)
    assert LineModel("a\rb\u2028c\n", "lf").to_lsp(1, 5) == (1, 2)  # JSON/Terraform: one line up to `\n`


@pytest.mark.parametrize("name", sorted(SEPARATORS))
def test_yaml_findings_land_on_the_editors_line(repo: Path, name: str) -> None:
    text = BUILDSPEC.format(sep=SEPARATORS[name])
    doc, findings = open_document(Session(isolated=True), repo, "buildspec.yml", text)
    if name in ("ff", "vt"):  # YAML does not allow these characters: a syntax error at the character
        [finding] = findings
        diagnostic = to_diagnostic(finding, doc.uri, doc.positions, UTF16, doc.registry)
        assert (finding.code, diagnostic.range.start.line, diagnostic.range.start.character) == ("PL002", 1, 6)
        return
    [finding] = findings
    diagnostic = to_diagnostic(finding, doc.uri, doc.positions, UTF16, doc.registry)
    line = editor_line(text, "echo one")
    assert (finding.code, diagnostic.range.start.line, diagnostic.range.start.character) == ("BS120", line, 8)
    assert doc.positions.from_lsp(line, 8) == (finding.line, finding.col)  # hover and code actions find it


@pytest.mark.parametrize("name", sorted(SEPARATORS))
def test_terraform_findings_land_on_the_editors_line(repo: Path, name: str) -> None:
    text = TERRAFORM.format(sep=SEPARATORS[name])
    doc, findings = open_document(Session(isolated=True), repo, "main.tf", text)
    [finding] = [f for f in findings if f.code == "CB008"]
    diagnostic = to_diagnostic(finding, doc.uri, doc.positions, UTF16, doc.registry)
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (editor_line(text, "privileged_mode"), 22)


def test_incremental_changes_use_the_lsp_line_breaks() -> None:
    text = "a\u2028b\nc\rd\x0ce\n"
    assert apply_change(text, (1, 0), (1, 0), "X") == "a\u2028b\nXc\rd\x0ce\n"  # str.splitlines would insert before `b`
    assert apply_change(text, (2, 0), (2, 1), "Y") == "a\u2028b\nc\rY\x0ce\n"
    assert apply_change("é😀\n", (0, 3), (0, 3), "!") == "é😀!\n"  # UTF-16: the emoji counts two
    assert apply_change("é😀\n", (0, 2), (0, 2), "!", UTF8) == "é!😀\n"


# ------------------------------------------------------------------------------------------
# Fix edits


SECRET = "ghp_" + "Zq8Lm3Np7Rt2Vx6Bc1Df5Hj9Kk4Ws0Ye8Ua2Io7"
SPAN = f"version: 0.2\nphases:\n  build:\n    commands:\n      - echo one: done\n      - export GITHUB_TOKEN={SECRET}\n      - echo two: done\n"


def test_fix_all_sends_one_edit_per_change_and_never_the_lines_between(repo: Path) -> None:
    session = Session(isolated=True)
    doc, findings = open_document(session, repo, "buildspec.yml", SPAN)
    assert doc.secrets  # the token is a known secret of the file
    actions = code_actions(doc, findings, findings, UTF16, None, lambda text: session.lint_text(doc, text))
    actions += code_actions(doc, findings, findings, UTF16, ["source.fixAll"], lambda text: session.lint_text(doc, text))
    combined = [a for a in actions if a.title.startswith(("Fix all BS120", "Fix all safe"))]
    assert len(combined) == 2
    for action in combined:
        edits = action.edit.changes[doc.uri]
        assert [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text) for e in edits] == [
            (4, 8, 4, 22, "'echo one: done'"), (6, 8, 6, 22, "'echo two: done'")]
        assert not any(SECRET in e.new_text for e in edits)


def test_an_edit_that_would_carry_a_secret_is_not_sent(repo: Path) -> None:
    doc, _findings = open_document(Session(isolated=True), repo, "buildspec.yml", SPAN)
    moved = SPAN.replace("      - echo one: done\n", "").replace("echo two: done\n", "echo two: done\n      - 'echo one: done'\n")
    assert minimal_edits(doc, moved, UTF16) is not None  # nothing secret in the changed lines
    carried = SPAN + f"      - export GITHUB_TOKEN={SECRET}\n"  # the added line holds the file's secret
    assert minimal_edits(doc, carried, UTF16) is None
    shaped = SPAN + "      - echo AKIA" + "ABCDEFGHIJKLMNOP\n"  # looks like an access key id, not a known secret
    assert minimal_edits(doc, shaped, UTF16) is None


def test_a_single_fix_takes_the_documents_line_ending(repo: Path) -> None:
    text = "version: 0.2\r\nphases:\r\n  build:\r\n    runtime-versions:\r\n      python: 3.12\r\n    commands:\r\n      - echo ok\r\n"
    doc, findings = open_document(Session(isolated=True), repo, "buildspec.yml", text)
    [finding] = findings
    action = fix_action(doc, finding, UTF16, to_diagnostic(finding, doc.uri, doc.positions, UTF16, doc.registry))
    assert action is not None and finding.code == "BS104"
    [insert, delete] = action.edit.changes[doc.uri]
    assert insert.new_text == "  install:\r\n    runtime-versions:\r\n      python: 3.12\r\n"
    assert (delete.range.start.line, delete.range.end.line, delete.new_text) == (3, 5, "")


@pytest.mark.parametrize("edits", [
    [Edit(1, 1, 1, 1, "\ud800")],  # a lone surrogate: not even sendable as JSON
    [Edit(1, 1, 1, 1, "A" * 5_000_000)],  # 5 MB of new text
    [Edit(3, 10**6, 2, 1, "Z")],  # reversed, past the line's end
    [Edit(-5, -5, 10**9, 10**9, "Y")],  # outside the text
    [Edit(0, 0, 0, 0, "X")],  # line 0
    [Edit(1, 1, 1, 5, "a"), Edit(1, 3, 1, 8, "b")],  # overlapping edits
])
def test_a_malformed_fix_is_not_offered(repo: Path, edits: list[Edit]) -> None:
    doc, findings = open_document(Session(isolated=True), repo, "buildspec.yml", SPAN.replace(f"      - export GITHUB_TOKEN={SECRET}\n", ""))
    finding = findings[0]
    diagnostic = to_diagnostic(finding, doc.uri, doc.positions, UTF16, doc.registry)
    assert fix_action(doc, finding, UTF16, diagnostic) is not None  # the rule's own fix is offered
    bad = copy.copy(finding)
    bad.edit = Fix(edits, True, "bad")
    assert fix_action(doc, bad, UTF16, diagnostic) is None


# ------------------------------------------------------------------------------------------
# Confinement


TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Name: app-build
      Source:
        Type: CODEPIPELINE
        BuildSpec: link/buildspec.yml
      Artifacts: {Type: CODEPIPELINE}
      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: "aws/codebuild/standard:7.0"}
      ServiceRole: arn:aws:iam::111111111111:role/build
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::111111111111:role/pipeline
      ArtifactStore: {Type: S3, Location: bucket}
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
              Configuration: {S3Bucket: bucket, S3ObjectKey: src.zip}
              OutputArtifacts: [{Name: Src}]
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
              Configuration: {ProjectName: !Ref Build}
              InputArtifacts: [{Name: Src}]
"""


def test_cross_file_rules_never_read_a_buildspec_through_a_link_out_of_the_project(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelint.lsp.session as module

    outside = repo.parent / "outside"
    outside.mkdir()
    (outside / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo $IMAGE_TAG\n")
    (repo / "link").symlink_to(outside, target_is_directory=True)
    read: list[str] = []
    original = module.FileEntry

    def recording(path: str, *args: object, **kwargs: object) -> object:
        read.append(path)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "FileEntry", recording)
    session = Session(isolated=True)
    uri = path_to_uri(str(repo / "template.yml"))
    session.open(uri, TEMPLATE)
    assert session.depends[str(repo / "template.yml")] == set()
    assert not any("outside" in path or "link" in path for path in read)
    (repo / "link").unlink()
    (repo / "link").mkdir()
    (repo / "link" / "buildspec.yml").write_text((outside / "buildspec.yml").read_text())
    session.save(uri, TEMPLATE)
    assert session.depends[str(repo / "template.yml")] == {str(repo / "link" / "buildspec.yml")}  # a real folder is read


def test_rules_read_the_line_their_position_names_after_a_separator(repo: Path) -> None:
    """Source.lines numbers lines as the loader does (Terraform: ``\\n`` only), so a rule quoting
    the text at a position (BS120) quotes the command, not the line above it."""
    text = ('# note\u2028 more\nresource "aws_codebuild_project" "p" {\n  name = "p"\n  source {\n    type = "CODEPIPELINE"\n'
            '    buildspec = <<-EOT\n      version: 0.2\n      phases:\n        build:\n          commands:\n'
            '            - echo one: done\n    EOT\n  }\n}\n')
    doc, findings = open_document(Session(isolated=True), repo, "main.tf", text)
    [finding] = findings
    assert (finding.code, finding.line, finding.col) == ("BS120", 11, 15)
    assert "`echo one: done`" in finding.message
    diagnostic = to_diagnostic(finding, doc.uri, doc.positions, UTF16, doc.registry)
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (editor_line(text, "echo one"), 14)


def test_code_frames_show_the_numbered_line_for_every_separator() -> None:
    from pipelint.load.nodes import Source

    text = "a\rb\x0cc\u2028d\x85e\n"
    assert Source("x.yml", text, "yaml").lines == ["a", "b\x0cc", "d", "e"]
    assert Source("x.json", text, "json").lines == ["a\rb\x0cc\u2028d\x85e"]
    assert Source("x.tf", "a\r\nb\n", "hcl").lines == ["a", "b"]
