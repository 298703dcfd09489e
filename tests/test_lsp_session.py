"""The language server's engine side, in process: positions, settings, trust, reloading,
robustness, cross-file runs and suppression edits (tests/test_lsp_server.py drives the real
server over stdio)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelint.lsp.positions import UTF8, UTF16, UTF32, LineModel, split_lines
from pipelint.lsp.session import Session, path_to_uri

FIXTURES = Path(__file__).parent / "fixtures" / "lsp"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with the cross-file fixture, the test plugin rules and no user config."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "workspace", root)
    (root / ".git").mkdir()
    (root / "lint-rules").mkdir()
    shutil.copy(FIXTURES / "lsp_rules.py", root / "lint-rules" / "lsp_rules.py")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("PIPELINT_NO_CACHE", "1")
    monkeypatch.chdir(root)
    return root


def codes(findings: list) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.col) for f in findings]


# ------------------------------------------------------------------------------------------
# Positions


def test_positions_count_utf16_code_units_for_non_ascii() -> None:
    text = 'a: "é😀" # x\r\nb: 1\n'
    lines = split_lines(text)
    model = LineModel(text)
    # `#` is the 10th code point of the line; before it: `a: "é😀" ` = 8 code points, 9 UTF-16 units, 12 UTF-8 bytes
    assert model.to_lsp(1, 9, UTF16) == (0, 9)
    assert model.to_lsp(1, 9, UTF8) == (0, 12)
    assert model.to_lsp(1, 9, UTF32) == (0, 8)
    assert model.from_lsp(0, 9, UTF16) == (1, 9)
    assert model.from_lsp(0, 12, UTF8) == (1, 9)
    assert model.from_lsp(0, 8, UTF8) == (1, 6)  # inside the emoji's bytes: the emoji itself
    assert lines[0].endswith("x")  # the \r is not part of the line
    assert model.to_lsp(2, 99, UTF16) == (1, 4)  # a column past the end is the line's end
    assert model.to_lsp(9, 1, UTF16) == (2, 0)  # a line past the end is the text's end


# ------------------------------------------------------------------------------------------
# Linting the editor's text with the CLI's settings


def test_lints_the_editor_text_not_the_file_on_disk(workspace: Path) -> None:
    path = workspace / "buildspec.yml"
    path.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\n")
    session = Session(isolated=True)
    uri = path_to_uri(str(path))
    session.open(uri, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\n    runtime-versions:\n      python: 3.12\n")
    assert ("BS104", 6, 5) in codes(session.findings_for(uri))
    session.change(uri, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\n", 2)
    assert session.findings_for(uri) == []


def test_nearest_config_applies_and_reloads_when_it_changes(workspace: Path) -> None:
    (workspace / "sub").mkdir()
    config = workspace / "sub" / ".pipelint.toml"
    config.write_text('ignore = ["BS104"]\n')
    uri = path_to_uri(str(workspace / "sub" / "buildspec.yml"))
    text = "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      python: 3.12\n    commands:\n      - echo ok\n"
    session = Session()
    session.open(uri, text)
    assert session.findings_for(uri) == []
    config.write_text('ignore = []\nfail-on = "error"\n')  # a different size: the stamp changes
    session.change(uri, text, 2)
    assert ("BS104", 4, 5) in codes(session.findings_for(uri))


def test_config_option_applies_one_file_to_every_document(workspace: Path, tmp_path: Path) -> None:
    (workspace / ".pipelint.toml").write_text('ignore = ["BS104"]\n')  # nearest, but --config wins
    fixed = tmp_path / "team.toml"
    fixed.write_text('severity = {BS104 = "error"}\n')
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    text = "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      python: 3.12\n    commands:\n      - echo ok\n"
    session = Session(config_path=str(fixed))
    session.open(uri, text)
    (finding,) = [f for f in session.findings_for(uri) if f.code == "BS104"]
    assert str(finding.severity) == "error"
    nearest = Session()
    nearest.open(uri, text)
    assert not [f for f in nearest.findings_for(uri) if f.code == "BS104"]


def test_invalid_config_is_logged_and_the_file_left_unlinted(workspace: Path) -> None:
    (workspace / ".pipelint.toml").write_text("select = [\n")
    logged: list[str] = []
    session = Session(log=logged.append)
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    session.open(uri, "version: 0.2\nphases:\n  build:\n    runtime-versions: {python: 3.12}\n")
    assert session.findings_for(uri) == []
    assert any("invalid TOML" in line for line in logged)


def test_repository_plugins_need_the_users_trust(workspace: Path) -> None:
    (workspace / ".pipelint.toml").write_text('rules-dir = ["lint-rules"]\n')
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    text = "version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands:\n      - echo ok\n"
    logged: list[str] = []
    untrusted = Session(log=logged.append)
    untrusted.open(uri, text)
    assert not any(f.code.startswith("LSX") for f in untrusted.findings_for(uri))
    assert any("not loading plugin rules" in line for line in logged)
    trusted = Session(trust_config_plugins=True)
    trusted.open(uri, text)
    assert ("LSX001", 2, 9) in codes(trusted.findings_for(uri))


def test_user_config_trust_is_honoured(workspace: Path) -> None:
    (workspace / ".pipelint.toml").write_text('rules-dir = ["lint-rules"]\n')
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "pipelint"
    user.mkdir(parents=True)
    (user / "config.toml").write_text(f'trusted-paths = ["{workspace}"]\n')
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    session = Session()
    session.open(uri, "version: 0.2\nmarker: 1.10\nphases:\n  build:\n    commands:\n      - echo ok\n")
    assert ("LSX001", 2, 9) in codes(session.findings_for(uri))


def test_excluded_files_are_not_linted(workspace: Path) -> None:
    (workspace / ".pipelint.toml").write_text('exclude = ["vendor/*"]\n')
    uri = path_to_uri(str(workspace / "vendor" / "buildspec.yml"))
    session = Session()
    session.open(uri, "version: 0.2\nphases:\n  build:\n    runtime-versions: {python: 3.12}\n")
    assert session.findings_for(uri) == []


def test_files_of_no_known_kind_are_quiet(workspace: Path) -> None:
    uri = path_to_uri(str(workspace / "docker-compose.yml"))
    session = Session(isolated=True)
    session.open(uri, "services:\n  web:\n    image: nginx\n")
    assert session.findings_for(uri) == []
    session.change(uri, "services: [\n  web\n", 2)  # broken, but no concern of pipelint's: not even parsed
    assert session.findings_for(uri) == []
    session.change(uri, "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: [\n", 3)  # a template's mark: parsed, and the syntax error shown
    assert [f.code for f in session.findings_for(uri)] == ["PL002"]


# ------------------------------------------------------------------------------------------
# Robustness


def test_huge_binary_broken_and_crashing_inputs_become_findings(workspace: Path) -> None:
    (workspace / ".pipelint.toml").write_text('rules-dir = ["lint-rules"]\nmax-file-size = 1000\n')
    session = Session(trust_config_plugins=True)
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    session.open(uri, "version: 0.2\n" + "# padding\n" * 200)
    assert codes(session.findings_for(uri)) == [("PL007", 1, 1)]
    session.change(uri, "version: 0.2\x00\n", 2)
    assert codes(session.findings_for(uri)) == [("PL005", 1, 1)]
    session.change(uri, "version: 0.2\nphases: [\n", 3)
    assert [f.code for f in session.findings_for(uri)] == ["PL002"]
    session.change(uri, "version: 0.2\nboom: 1\nmarker: 1.10\nphases:\n  build:\n    commands:\n      - echo ok\n", 4)
    found = codes(session.findings_for(uri))
    assert ("PL001", 1, 1) in found and ("LSX001", 3, 9) in found  # the crash is contained, other rules ran
    assert "LSX003" in next(f.message for f in session.findings_for(uri) if f.code == "PL001")


def test_secrets_are_masked_in_findings(workspace: Path) -> None:
    session = Session(isolated=True)
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    secret = "AKIA" + "QWERTYUIOPASDFGH"
    session.open(uri, f"version: 0.2\nenv:\n  variables:\n    AWS_ACCESS_KEY_ID: {secret}\nphases:\n  build:\n    commands:\n      - echo ok\n")
    findings = session.findings_for(uri)
    assert any(f.code.startswith("SEC") for f in findings)
    assert all(secret not in f.message for f in findings)
    assert secret in session.documents[uri].secrets


# ------------------------------------------------------------------------------------------
# Cross-file rules


def test_saving_a_buildspec_reruns_the_pipeline_that_reads_it(workspace: Path) -> None:
    session = Session(isolated=True)
    template = path_to_uri(str(workspace / "template.yaml"))
    session.open(template, (workspace / "template.yaml").read_text())
    assert codes(session.findings_for(template)) == [("CP403", 46, 37)]
    assert session.depends[str(workspace / "template.yaml")] == {str(workspace / "ci" / "buildspec.yml")}
    spec = workspace / "ci" / "buildspec.yml"
    fixed = spec.read_text().replace("- OTHER", "- OTHER\n    - IMAGE_TAG")
    spec.write_text(fixed)
    changed = session.save(path_to_uri(str(spec)), fixed)
    assert template in changed
    assert session.findings_for(template) == []


def test_a_project_named_literally_in_another_open_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pipeline.json names its CodeBuild project `app-build`, declared in projects.yaml: with both
    open, the pipeline's rules see the project and its buildspec; saving the template (or that
    buildspec) re-runs them."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "named", root)
    (root / ".git").mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.chdir(root)
    session = Session(isolated=True)
    projects, pipeline = path_to_uri(str(root / "projects.yaml")), path_to_uri(str(root / "pipeline.json"))
    session.open(projects, (root / "projects.yaml").read_text())
    session.open(pipeline, (root / "pipeline.json").read_text())
    assert codes(session.findings_for(pipeline)) == [("CP403", 17, 91)]
    assert session.depends[str(root / "pipeline.json")] == {str(root / "ci" / "buildspec.yml")}
    assert session.supports[str(root / "pipeline.json")] == {str(root / "projects.yaml")}
    text = (root / "projects.yaml").read_text().replace("ci/buildspec.yml", "ci/buildspec-tag.yml")
    changed = session.save(projects, text)
    assert pipeline in changed
    assert session.findings_for(pipeline) == []
    assert session.depends[str(root / "pipeline.json")] == {str(root / "ci" / "buildspec-tag.yml")}
    tagged = root / "ci" / "buildspec-tag.yml"
    tagged.write_text(tagged.read_text().replace("- IMAGE_TAG", "- OTHER_TAG"))
    session.save(path_to_uri(str(tagged)), tagged.read_text())
    assert codes(session.findings_for(pipeline)) == [("CP403", 17, 91)]


def test_typing_does_not_run_project_rules(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelint.lsp.session as module

    session = Session(isolated=True)
    template = path_to_uri(str(workspace / "template.yaml"))
    text = (workspace / "template.yaml").read_text()
    session.open(template, text)
    runs: list[int] = []
    original = module.Session._project_run
    monkeypatch.setattr(module.Session, "_project_run", lambda self, origin: runs.append(1) or original(self, origin))
    session.change(template, text + "\n", 2)
    assert runs == []
    assert codes(session.findings_for(template)) == [("CP403", 46, 37)]  # kept from the last open/save
    session.save(template, text + "\n")
    assert runs == [1]


# ------------------------------------------------------------------------------------------
# Suppression comments


def _document(session: Session, uri: str):
    return session.documents[uri]


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("version: 0.2\nphases:\n  build:\n    runtime-versions:\n      python: 3.12\n    commands:\n      - echo ok\n", 4,
     "    runtime-versions:  # pipelint: disable=BS104"),
    ("version: 0.2\nphases:\n  build:\n    runtime-versions:  # pipelint: disable=BS901\n      python: 3.12\n    commands:\n      - echo ok\n", 4,
     "    runtime-versions:  # pipelint: disable=BS901,BS104"),
])
def test_disable_comment_goes_at_the_end_of_the_line(workspace: Path, text: str, line: int, expected: str) -> None:
    from pipelint.lsp.actions import disable_edit

    session = Session(isolated=True)
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    session.open(uri, text)
    finding = next(f for f in session.findings_for(uri) if f.code == "BS104")
    edit = disable_edit(_document(session, uri), finding, UTF16)
    assert edit is not None
    lines = text.split("\n")
    target = lines[line - 1]
    assert edit.range.start.line == line - 1
    at = edit.range.start.character
    assert target[:at] + edit.new_text + target[at:] == expected
    session.change(uri, "\n".join(lines[: line - 1] + [expected] + lines[line:]), 2)
    assert not any(f.code == "BS104" for f in session.findings_for(uri))


def test_suppression_text_inside_a_string_is_not_edited(workspace: Path) -> None:
    """`# pipelint: disable=...` inside a quoted command is text, not a comment: a new comment goes
    at the end of the line instead of changing the string."""
    from pipelint.lsp.actions import disable_edit

    session = Session(isolated=True)
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    text = ('version: 0.2\nphases:\n  build:\n    runtime-versions: {python: 3.12, note: "# pipelint: disable=BS901"}\n'
            "    commands:\n      - echo ok\n")
    session.open(uri, text)
    finding = next(f for f in session.findings_for(uri) if f.code == "BS104")
    edit = disable_edit(_document(session, uri), finding, UTF16)
    assert edit is not None and edit.new_text == "  # pipelint: disable=BS104"
    assert edit.range.start.character == len(text.split("\n")[3])


def test_no_disable_comment_inside_a_block_scalar_or_in_json(workspace: Path) -> None:
    from pipelint.lsp.actions import comment_fits, disable_edit

    session = Session(isolated=True)
    uri = path_to_uri(str(workspace / "buildspec.yml"))
    session.open(uri, "version: 0.2\nphases:\n  build:\n    commands:\n      - |\n        echo a\n        echo b\n      - 'x\n        y'\n")
    doc = _document(session, uri)
    assert comment_fits(doc, 5)  # the block scalar's header takes a comment
    assert not comment_fits(doc, 6) and not comment_fits(doc, 7)  # inside it a `#` is text
    assert not comment_fits(doc, 8) and comment_fits(doc, 9)  # a quoted scalar continuing past line 8
    json_uri = path_to_uri(str(workspace / "policy.json"))
    session.open(json_uri, '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')
    findings = session.findings_for(json_uri)
    assert findings and all(disable_edit(_document(session, json_uri), f, UTF16) is None for f in findings)


# ------------------------------------------------------------------------------------------
# The cold path


@pytest.mark.parametrize("argv", [["check", "--isolated"], ["check", "--isolated", "--format", "json", "--exit-zero"], ["rules", "BS104"]])
def test_pipelint_commands_do_not_import_the_language_server(tmp_path: Path, argv: list[str]) -> None:
    """The fast `check` path, and click's path for other command lines, leave pygls alone."""
    spec = tmp_path / "buildspec.yml"
    spec.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\n")
    probe = (
        "import sys\n"
        "import pipelint.launch as launch\n"
        "try:\n"
        "    launch._dispatch(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs') or m.startswith('pipelint.lsp')))\n"
        "assert 'pipelint.engine.runner' in sys.modules or sys.argv[1] == 'rules'\n"
    )
    args = [*argv, str(spec)] if argv[0] == "check" else argv
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "LOADED []"


def test_untitled_documents_are_linted_with_the_defaults(workspace: Path) -> None:
    session = Session()
    uri = "untitled:Untitled-1"
    session.open(uri, "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      python: 3.12\n    commands:\n      - echo ok\n")
    assert ("BS104", 4, 5) in codes(session.findings_for(uri))


def test_the_server_keeps_stdout_for_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    """While serving, `print` (from a plugin rule, say) goes to stderr; only pygls writes to the
    real stdout."""
    import io

    from pipelint.lsp import server as module

    seen: dict[str, object] = {}
    real = io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr(sys, "stdout", real)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO()))

    def start_io(self: object, stdin: object, stdout: object) -> None:
        seen["protocol"] = stdout
        seen["print"] = sys.stdout

    monkeypatch.setattr(module.PipelintServer, "start_io", start_io)
    module.serve()
    assert seen["protocol"] is real.buffer
    assert seen["print"] is sys.stderr
