"""A secret in an inline buildspec written inside a quoted string never reaches any output.

An inline buildspec in a quoted string (CloudFormation YAML ``BuildSpec: "…"``, a JSON
template, Terraform ``buildspec = "…"``) cannot be mapped back to the file character by
character, so each of its nodes carries the position of the key that holds the string. Masking
the raw text of a secret's node range then masked the key, and the secret, written in the file
with an escape (``\\u0059`` and friends), was shown in full by code frames, SARIF snippets and
HTML excerpts. The engine now finds the secret's escaped spelling after the node and masks
that. Every case plants a secret with one escape form, in one carrier, and checks every output
format, ``--diff`` and the language server's diagnostics.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelint.cli import FORMATS, main
from pipelint.textutil import escaped_spellings

SECRET = "Rt5ZWq8Pl3Zx7Cv"  # the escaped character is the `Z` at index 3
WITH_SLASH = "Rt5Z/Wq8Pl3Zx7Cv"
WITH_DOLLAR = "Rt5Z${Wq8Pl3Zx7Cv"
WITH_EMOJI = "Rt5\U0001f600Wq8Pl3Zx7Cv"


def _quote(text: str) -> str:
    """``text`` as the body of a double-quoted JSON, YAML or HCL string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _buildspec(value: str) -> str:
    return f'version: 0.2\nenv:\n  variables:\n    TOKEN: "{value}"\nphases:\n  build:\n    commands:\n      - echo hi\n'


# Escape forms. "inner": the escape is in the buildspec's own double-quoted YAML value (so the
# file holds it escaped twice); "outer": in the string of the template or .tf that holds it.
# (name, level, secret, spelling, carriers)
FORMS = [
    ("u-lower-hex", "outer", SECRET, "Rt5\\u005aWq8Pl3Zx7Cv", ("yaml", "json", "tf")),
    ("u-upper-hex", "outer", SECRET, "Rt5\\u005AWq8Pl3Zx7C\\u0076", ("yaml", "json", "tf")),
    ("U-eight-digits", "outer", SECRET, "Rt5\\U0000005aWq8Pl3Zx7Cv", ("yaml", "tf")),
    ("x-two-digits", "outer", SECRET, "Rt5\\x5AWq8Pl3Zx7Cv", ("yaml",)),
    ("solidus", "outer", WITH_SLASH, "Rt5Z\\/Wq8Pl3Zx7Cv", ("json",)),
    ("surrogate-pair", "outer", WITH_EMOJI, "Rt5\\ud83d\\uDE00Wq8Pl3Zx7Cv", ("json",)),
    ("line-continuation", "outer", SECRET, "Rt5ZWq8\\\n      Pl3Zx7Cv", ("yaml",)),
    ("hcl-dollar-brace", "outer", WITH_DOLLAR, "Rt5Z$${Wq8Pl3Zx7Cv", ("tf",)),
    ("hcl-literal-interpolation", "outer", SECRET, 'Rt5${"Z"}Wq8Pl3Zx7Cv', ("tf",)),
    ("inner-u", "inner", SECRET, "Rt5\\u005aWq8Pl3Zx7Cv", ("yaml", "json", "tf")),
    ("inner-U", "inner", SECRET, "Rt5\\U0000005AWq8Pl3Zx7Cv", ("yaml", "json", "tf")),
    ("inner-x", "inner", SECRET, "Rt5\\x5aWq8Pl3Zx7Cv", ("yaml", "json", "tf")),
    ("inner-line-continuation", "inner", SECRET, "Rt5ZWq8\\\n      Pl3Zx7Cv", ("yaml", "json", "tf")),
]

PROJECT_YAML = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fixable:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/x
      Artifacts: {Type: NO_ARTIFACTS}
      Environment: {ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0, Type: LINUX_CONTAINER}
      Source:
        Type: NO_SOURCE
        BuildSpec: |
          version: 0.2
          phases:
            build:
              commands:
                - echo result: done
  Project:
    Type: AWS::CodeBuild::Project
    Properties: {Source: {Type: NO_SOURCE, BuildSpec: "@SPEC@"},
      ServiceRole: "arn:aws:iam::111111111111:role/x", Artifacts: {Type: NO_ARTIFACTS},
      Environment: {ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0, Type: LINUX_CONTAINER}}
"""

PROJECT_JSON = """{"AWSTemplateFormatVersion": "2010-09-09",
 "Resources": {"P": {"Type": "AWS::CodeBuild::Project", "Properties": {
   "ServiceRole": "arn:aws:iam::111111111111:role/x",
   "Artifacts": {"Type": "NO_ARTIFACTS"},
   "Environment": {"ComputeType": "BUILD_GENERAL1_SMALL", "Image": "aws/codebuild/standard:7.0", "Type": "LINUX_CONTAINER"},
   "Source": {"Type": "NO_SOURCE", "BuildSpec": "@SPEC@"}}}}}
"""

PROJECT_TF = """resource "aws_codebuild_project" "p" {
  name         = "p"
  service_role = "arn:aws:iam::111111111111:role/x"
  artifacts { type = "NO_ARTIFACTS" }
  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"
  }
  source {
    type      = "NO_SOURCE"
    buildspec = "@SPEC@"
  }
}
"""

CARRIERS = {"yaml": ("template.yml", PROJECT_YAML), "json": ("template.json", PROJECT_JSON), "tf": ("main.tf", PROJECT_TF)}


def _file(carrier: str, level: str, spelling: str) -> tuple[str, str]:
    """(file name, file text) of ``carrier`` holding a buildspec whose secret is ``spelling``."""
    name, shell = CARRIERS[carrier]
    if level == "inner":
        body = _quote(_buildspec(spelling))
    else:
        body = _quote(_buildspec("@S@")).replace("@S@", spelling)
    if carrier == "tf" and level == "inner":
        body = body.replace("${", "$${")
    return name, shell.replace("@SPEC@", body)


CASES = [(f"{carrier}-{name}", carrier, level, secret, spelling)
         for name, level, secret, spelling, carriers in FORMS for carrier in carriers]


def _pieces(text: str, size: int = 7) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1)}


def _leaks(output: str, secret: str, spelling: str) -> list[str]:
    """Every 7-character piece of the secret, or of its written form, found in ``output``
    (a JSON report writes a backslash as two: both forms are looked for)."""
    pieces = _pieces(secret) | {p for line in spelling.splitlines() for p in _pieces(line.strip()) if not p.isspace()}
    pieces |= {json.dumps(p)[1:-1] for p in pieces}
    return sorted(p for p in pieces if p in output)


def _check(cwd: Path, *args: str) -> str:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "-j", "1", *args])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback (most recent call last)" not in result.output
    return result.output


@pytest.mark.parametrize(("case", "carrier", "level", "secret", "spelling"), CASES, ids=[c[0] for c in CASES])
def test_escaped_secret_in_a_quoted_inline_buildspec_never_reaches_output(tmp_path, case, carrier, level, secret, spelling):
    name, text = _file(carrier, level, spelling)
    (tmp_path / name).write_text(text)
    findings = json.loads(_check(tmp_path, "--format", "json", name))["findings"]
    assert "SEC001" in {f["code"] for f in findings}, case  # found: masking is what keeps it out
    for fmt in FORMATS:
        output = _check(tmp_path, "--format", fmt, name)
        assert not _leaks(output, secret, spelling), (case, fmt, _leaks(output, secret, spelling))


@pytest.mark.parametrize("carrier", ["yaml", "json", "tf"])
def test_code_frame_masks_the_secret_not_the_key(tmp_path, carrier):
    name, text = _file(carrier, "inner", "Rt5\\u005aWq8Pl3Zx7Cv")
    (tmp_path / name).write_text(text)
    output = _check(tmp_path, "--format", "text", "--select", "SEC001", name)
    frame = [line for line in output.splitlines() if " | " in line and "TOKEN" in line]
    key = {"yaml": "BuildSpec", "json": "BuildSpec", "tf": "buildspec"}[carrier]
    assert frame and all(key in line and "Rt5\\…(" in line for line in frame), output


@pytest.mark.parametrize(("case", "carrier", "level", "secret", "spelling"),
                         [c for c in CASES if c[1] == "yaml"], ids=[c[0] for c in CASES if c[1] == "yaml"])
def test_diff_context_masks_the_escaped_secret(tmp_path, case, carrier, level, secret, spelling):
    name, text = _file(carrier, level, spelling)
    (tmp_path / name).write_text(text)
    output = _check(tmp_path, "--diff", name)
    assert "+                - 'echo result: done'" in output  # the fix of the other project is shown
    assert "BuildSpec" in output  # with the quoted buildspec in its context
    assert not _leaks(output, secret, spelling), (case, _leaks(output, secret, spelling))


@pytest.mark.parametrize(("case", "carrier", "level", "secret", "spelling"), CASES, ids=[c[0] for c in CASES])
def test_language_server_diagnostics_mask_the_escaped_secret(tmp_path, monkeypatch, case, carrier, level, secret, spelling):
    from pipelint.lsp.diagnostics import to_diagnostic
    from pipelint.lsp.session import Session, path_to_uri

    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("PIPELINT_NO_CACHE", "1")
    monkeypatch.chdir(root)
    name, text = _file(carrier, level, spelling)
    (root / name).write_text(text)
    session = Session(isolated=True)
    uri = path_to_uri(str(root / name))
    session.open(uri, text)
    findings = session.findings_for(uri)
    assert "SEC001" in {f.code for f in findings}, case
    doc = session.documents[uri]
    shown = [repr(to_diagnostic(f, uri, doc.positions, "utf-16", doc.registry)) for f in findings]
    assert not _leaks("\n".join(shown), secret, spelling), case


@pytest.mark.parametrize(("text", "secret", "expected"), [
    ('k = "a\\\\u0059bcdefgh"', "aYbcdefgh", ["a\\\\u0059bcdefgh"]),  # escaped twice
    ('k: "aYb\\x43DEFGH"', "aYbCDEFGH", ["aYb\\x43DEFGH"]),
    ('k: "a\\U0001F600bcdefgh"', "a\U0001f600bcdefgh", ["a\\U0001F600bcdefgh"]),
    ('k: "a\\uD83D\\uDE00bcdefgh"', "a\ud83d\ude00bcdefgh", ["a\\uD83D\\uDE00bcdefgh"]),  # as two code points
    ('k = "a$${bcdefgh"', "a${bcdefgh", ["a$${bcdefgh"]),
    ('k = "a${ "Y" }bcdefgh"', "aYbcdefgh", ['a${ "Y" }bcdefgh']),
    ('k = "a$${bcdefgh"', "a${bcdefgh", ["a$${bcdefgh"]),  # `$${` is a literal `${`, not an interpolation
    ("k: 'it''s-a-secret'", "it's-a-secret", ["it''s-a-secret"]),
    ('k: "plainsecret"', "plainsecret", []),  # written as it is: the value masks it
    ('k: "other\\u0041"', "plainsecret", []),
])
def test_escaped_spellings(text, secret, expected):
    assert escaped_spellings([text], secret, 1, 1) == expected


def test_escaped_spellings_across_an_escaped_line_break():
    lines = ['k: "abcd\\u0045fg\\', '      hijklmn"']
    assert escaped_spellings(lines, "abcdEfghijklmn", 1, 1) == ["abcd\\u0045fg\\", "hijklmn"]


def test_escaped_spellings_cost_is_bounded_on_a_huge_line():
    line = "k: " + "\\u0041" * 400_000  # 2.8 MB of escapes on one line
    assert escaped_spellings([line], "ZZZZZZZZ", 1, 1) == []


@pytest.mark.parametrize("carrier", ["yaml", "json", "tf"])
def test_a_secret_written_as_it_is_masks_the_secret_and_shows_the_key(tmp_path, carrier):
    name, text = _file(carrier, "inner", SECRET)
    (tmp_path / name).write_text(text)
    output = _check(tmp_path, "--format", "text", "--select", "SEC001", name)
    frame = [line for line in output.splitlines() if " | " in line and "TOKEN" in line]
    key = {"yaml": "BuildSpec", "json": "BuildSpec", "tf": "buildspec"}[carrier]
    assert frame and all(key in line and "Rt5…(15 chars)" in line for line in frame), output
    assert not _leaks(output, SECRET, SECRET)


REFERENCED_TF = PROJECT_TF.replace('"@SPEC@"', "local.spec").replace(
    'resource "aws_codebuild_project"', 'locals {\n  spec = "@SPEC@"\n}\nresource "aws_codebuild_project"', 1)


def test_a_buildspec_referenced_from_locals_masks_its_escaped_secret_where_it_is_written(tmp_path):
    """``buildspec = local.spec``: the nodes carry the reference's position and the secret is
    written on another line; every excerpt of that line is masked and the reference shown."""
    from pipelint.engine.runner import run
    from pipelint.reporters import excerpt

    text = REFERENCED_TF.replace("@SPEC@", _quote(_buildspec("Rt5\\u005aWq8Pl3Zx7Cv")))
    (tmp_path / "main.tf").write_text(text)
    result = run([str(tmp_path / "main.tf")], isolated=True, jobs=1)
    assert [f.line for f in result.findings if f.code == "SEC001"] == [15]
    rows = excerpt(result, str(tmp_path / "main.tf"), 1, 20)
    # Line 2 holds the secret: a run keeps only the lines near findings (engine/kept_lines.py),
    # so it is either not kept at all or kept masked; never shown in full.
    assert rows[1][1] == "" or "Rt5\\…(" in rows[1][1]
    assert not _leaks(rows[1][1], SECRET, "Rt5\\\\u005aWq8Pl3Zx7Cv")
    assert rows[14][1] == "    buildspec = local.spec"  # the reference is not taken for the secret
    for fmt in FORMATS:
        assert not _leaks(_check(tmp_path, "--format", fmt, "main.tf"), SECRET, "Rt5\\\\u005aWq8Pl3Zx7Cv"), fmt


def test_many_escaped_secrets_in_one_file_unescape_it_once(tmp_path, monkeypatch):
    """A file with hundreds of inline buildspecs, each with an escaped secret: the whole-file
    search undoes the file's escapes once, not once per secret."""
    from pipelint import textutil
    from pipelint.engine.runner import run

    built = []
    real = textutil._Unescaped.__init__

    def counting(self, raw):
        built.append(len(raw))
        real(self, raw)

    monkeypatch.setattr(textutil._Unescaped, "__init__", counting)
    locals_ = "\n".join(f'  spec{i} = "' + _quote(_buildspec(f"Rt{i:03d}\\u005aWq8Pl3Zx7Cv")) + '"' for i in range(300))
    projects = "\n".join(PROJECT_TF.replace('"p"', f'"p{i}"').replace('"@SPEC@"', f"local.spec{i}") for i in range(300))
    (tmp_path / "main.tf").write_text("locals {\n" + locals_ + "\n}\n" + projects)
    result = run([str(tmp_path / "main.tf")], isolated=True, jobs=1)
    assert sum(f.code == "SEC001" for f in result.findings) == 101  # 100 shown, one "more" finding
    text_size = len((tmp_path / "main.tf").read_text())
    assert sum(size for size in built if size >= text_size // 2) <= 3 * text_size  # ≤ one file's worth per level
    secrets = result.sources[str(tmp_path / "main.tf")].secrets
    assert all(f"Rt{i:03d}\\\\u005aWq8Pl3Zx7Cv" in secrets for i in range(300))


def test_secrets_the_file_does_not_spell_cost_a_bounded_number_of_far_searches(monkeypatch):
    """Secrets whose spelling is not near their node are looked for in the full window at most
    MAX_FAR_SEARCHES times per file: many of them on one huge line stay cheap."""
    from pipelint import textutil
    from pipelint.load.nodes import Source

    sizes = []
    real = textutil._Unescaped.__init__

    def counting(self, raw):
        sizes.append(len(raw))
        real(self, raw)

    monkeypatch.setattr(textutil._Unescaped, "__init__", counting)
    source = Source("t.json", '{"k": "' + "\\n" * (textutil.MAX_WHOLE_FILE_SEARCH // 2 + 1) + '"}', "json")
    for number in range(200):
        textutil.record_secret(source, f"Secret{number:04d}xyz", (1, 2, 1, 5))
    far = [size for size in sizes if size > textutil.NEAR_SPELLING_WINDOW]
    assert len(far) <= textutil.MAX_FAR_SEARCHES * textutil.MAX_ESCAPE_LEVELS
