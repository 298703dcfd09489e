"""`pipelint lsp` driven over stdio as a subprocess by an LSP client (pytest-lsp): initialize,
diagnostics on open/change/save with exact UTF-16 ranges, code actions applied to the text, hover,
config reload, cross-file rules on save, a crashing rule, shutdown and exit. One server for the
module (its workspace is a temporary git work tree with the test plugin rules, trusted with
``--trust-config-plugins``)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp.client import LanguageClient, client_capabilities, make_test_lsp_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIXTURES = Path(__file__).parent / "fixtures" / "lsp"


class Server:
    """The client, its workspace, and what the server asked of the client."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.registrations: list[types.RegistrationParams] = []
        self.versions: dict[str, int] = {}

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    async def settle(self, uri: str | None = None) -> None:
        """Wait until the server handled every notification sent so far (a request is answered
        after them, and their diagnostics are published before its answer); a request about
        ``uri`` also lints that document's latest text at once (linting while typing is debounced)."""
        await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri or self.uri("nothing-open.yml")), position=types.Position(line=0, character=0)))

    async def open(self, name: str, text: str) -> list[types.Diagnostic]:
        uri = self.uri(name)
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
        await self.settle()
        return list(self.client.diagnostics.get(uri, []))

    async def change(self, name: str, text: str) -> list[types.Diagnostic]:
        uri = self.uri(name)
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        await self.settle(uri)
        return list(self.client.diagnostics.get(uri, []))

    async def actions(self, name: str, line: int) -> list[types.CodeAction]:
        found = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri(name)),
            range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=200)),
            context=types.CodeActionContext(diagnostics=[])))
        return [a for a in found or [] if isinstance(a, types.CodeAction)]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    base = tmp_path_factory.mktemp("lsp")
    root = base / "repo"
    shutil.copytree(FIXTURES / "workspace", root)
    (root / ".git").mkdir()
    (root / "lint-rules").mkdir()
    shutil.copy(FIXTURES / "lsp_rules.py", root / "lint-rules" / "lsp_rules.py")
    (root / ".pipelint.toml").write_text('rules-dir = ["lint-rules"]\n')
    client = make_test_lsp_client()
    state = Server(client, root)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        state.registrations.append(params)

    env = {"PATH": "/usr/bin:/bin", "HOME": str(base), "XDG_CONFIG_HOME": str(base / "user-config"), "PIPELINT_NO_CACHE": "1"}
    await client.start_io(sys.executable, "-m", "pipelint", "lsp", "--trust-config-plugins", cwd=str(root), env=env)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="repo")]))
    state.capabilities = result.capabilities  # type: ignore[attr-defined]
    yield state
    await client.shutdown_session()


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits (UTF-16 positions) applied, last first."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line]
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


def spans(diagnostics: list[types.Diagnostic], prefix: str = "") -> list[tuple[Any, int, int, int, int]]:
    return sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                  for d in diagnostics if str(d.code).startswith(prefix))


MARKERS = 'version: 0.2\nnote: {emoji: "😀", marker: 1.10}\nmarker: 2.5\nextra: 1\nphases:\n  build:\n    commands:\n      - echo ok\n'


async def test_initialize_advertises_the_features(server: Server) -> None:
    caps = server.capabilities  # type: ignore[attr-defined]
    assert caps.hover_provider and caps.code_action_provider
    sync = caps.text_document_sync
    assert sync.open_close and sync.change == types.TextDocumentSyncKind.Incremental and sync.save
    await server.settle()  # the registration follows `initialized`
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for p in server.registrations for r in p.registrations)


async def test_open_publishes_exact_utf16_ranges(server: Server) -> None:
    diagnostics = await server.open("buildspec.yml", MARKERS)
    # line 2: `note: {emoji: "😀", marker: 1.10}`: `1.10` is columns 28-31 (code points, 1-based), so
    # characters 27-31 counted in code points but 28-32 in UTF-16 units (the emoji before it counts two)
    assert spans(diagnostics, "LSX") == [("LSX001", 1, 28, 1, 32), ("LSX001", 2, 8, 2, 11), ("LSX002", 3, 7, 3, 8)]
    first = next(d for d in diagnostics if d.code == "LSX001")
    assert first.source == "pipelint" and first.severity == types.DiagnosticSeverity.Warning
    assert first.message == "quote the marker"
    assert first.code_description is None  # a plugin rule has no page in docs/rules.md


async def test_change_relints_the_text(server: Server) -> None:
    diagnostics = await server.change("buildspec.yml", MARKERS.replace("marker: 2.5", 'marker: "2.5"'))
    assert spans(diagnostics, "LSX001") == [("LSX001", 1, 28, 1, 32)]
    diagnostics = await server.change("buildspec.yml", MARKERS)
    assert len(spans(diagnostics, "LSX001")) == 2


async def test_incremental_change_in_utf16_units(server: Server) -> None:
    uri = server.uri("buildspec.yml")
    server.versions[uri] += 1
    # replace `1.10` after the emoji (UTF-16 characters 28-32 of line 1) with `"1.10"`
    server.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=server.versions[uri]),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=1, character=28), end=types.Position(line=1, character=32)), text='"1.10"')]))
    await server.settle(uri)
    assert spans(list(server.client.diagnostics[uri]), "LSX001") == [("LSX001", 2, 8, 2, 11)]
    await server.change("buildspec.yml", MARKERS)


async def test_builtin_rule_diagnostic_links_its_documentation(server: Server) -> None:
    text = "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      python: 3.12\n    commands:\n      - echo ok\n"
    diagnostics = await server.open("sub/buildspec.yml", text)
    (bs104,) = [d for d in diagnostics if d.code == "BS104"]
    assert (bs104.range.start.line, bs104.range.start.character) == (3, 4)
    assert bs104.code_description is not None and bs104.code_description.href.endswith("docs/rules.md#bs104")
    assert "Fix:" in bs104.message


async def test_related_locations_become_related_information(server: Server) -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"}\n  ]\n}\n'
    diagnostics = await server.open("policy.json", text)
    (iam002,) = [d for d in diagnostics if d.code == "IAM002"]
    assert (iam002.range.start.line, iam002.range.start.character, iam002.range.end.character) == (3, 35, 41)
    assert iam002.related_information is not None
    (related,) = iam002.related_information
    assert related.location.uri == server.uri("policy.json")
    assert (related.location.range.start.line, related.location.range.start.character, related.location.range.end.character) == (3, 43, 50)
    assert related.message.startswith("`ec2:*`: every ec2 action")
    assert not [a for a in await server.actions("policy.json", 3) if a.title.startswith("Disable")]  # JSON has no comments


async def test_secrets_are_masked_in_diagnostics_and_actions(server: Server) -> None:
    secret = "AKIA" + "QWERTYUIOPASDFGH"
    text = f"version: 0.2\nenv:\n  variables:\n    AWS_ACCESS_KEY_ID: {secret}\nphases:\n  build:\n    commands:\n      - echo ok\n"
    diagnostics = await server.open("secret/buildspec.yml", text)
    assert any(str(d.code).startswith("SEC") for d in diagnostics)
    shown = [d.message for d in diagnostics] + [r.message for d in diagnostics for r in d.related_information or []]
    shown += [a.title for a in await server.actions("secret/buildspec.yml", 3)]
    assert shown and not any(secret in text_shown or secret[4:] in text_shown for text_shown in shown)


async def test_fix_actions_apply_to_the_expected_text(server: Server) -> None:
    uri = server.uri("buildspec.yml")
    actions = await server.actions("buildspec.yml", 1)
    titles = [a.title for a in actions]
    assert "Fix: Quote `1.10`" in titles and "Disable LSX001 for this line" in titles
    fix = next(a for a in actions if a.title == "Fix: Quote `1.10`")
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    assert apply(MARKERS, edits_of(fix, uri)).split("\n")[1] == 'note: {emoji: "😀", marker: "1.10"}'
    disable = next(a for a in actions if a.title == "Disable LSX001 for this line")
    assert apply(MARKERS, edits_of(disable, uri)).split("\n")[1] == 'note: {emoji: "😀", marker: 1.10}  # pipelint: disable=LSX001'
    unsafe = next(a for a in (await server.actions("buildspec.yml", 3)) if a.title.startswith("Fix: Clear"))
    assert unsafe.title == "Fix: Clear `extra` (unsafe: changes behaviour)" and not unsafe.is_preferred
    assert apply(MARKERS, edits_of(unsafe, uri)).split("\n")[3] == "extra: null"


async def test_builtin_fix_quotes_a_version(server: Server) -> None:
    text = "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      python: 3.10\n  build:\n    commands:\n      - echo ok\n"
    diagnostics = await server.open("fixme/buildspec.yml", text)
    assert spans(diagnostics, "BS303") == [("BS303", 4, 14, 4, 18)]
    (fix,) = [a for a in await server.actions("fixme/buildspec.yml", 4) if a.title.startswith("Fix:")]
    assert fix.title == 'Fix: Quote the version as "3.10"' and fix.is_preferred
    fixed = apply(text, edits_of(fix, server.uri("fixme/buildspec.yml")))
    assert fixed.split("\n")[4] == '      python: "3.10"'
    assert spans(await server.change("fixme/buildspec.yml", fixed), "BS303") == []


async def test_disable_comment_silences_the_finding(server: Server) -> None:
    text = MARKERS.replace("marker: 2.5", "marker: 2.5  # pipelint: disable=LSX001")
    assert spans(await server.change("buildspec.yml", text), "LSX001") == [("LSX001", 1, 28, 1, 32)]
    await server.change("buildspec.yml", MARKERS)


async def test_fix_all_of_a_rule(server: Server) -> None:
    actions = await server.actions("buildspec.yml", 2)
    lazy = next(a for a in actions if a.title.startswith("Fix all LSX001"))
    assert lazy.edit is None  # VS Code resolves edits: the verified fix is worked out when picked
    fix_all = await server.client.code_action_resolve_async(lazy)
    fixed = apply(MARKERS, edits_of(fix_all, server.uri("buildspec.yml")))
    assert fixed == MARKERS.replace("marker: 1.10", 'marker: "1.10"').replace("marker: 2.5", 'marker: "2.5"')


async def test_fix_all_on_save_kind(server: Server) -> None:
    found = await server.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=server.uri("buildspec.yml")),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"])))
    assert found is not None and [a.title for a in found] == ["Fix all safe pipelint fixes"]
    (action,) = found
    assert isinstance(action, types.CodeAction) and action.kind == "source.fixAll.pipelint"
    fixed = apply(MARKERS, edits_of(action, server.uri("buildspec.yml")))
    assert fixed == MARKERS.replace("marker: 1.10", 'marker: "1.10"').replace("marker: 2.5", 'marker: "2.5"')  # the unsafe fix is left


async def test_hover_shows_the_rule_documentation(server: Server) -> None:
    hover = await server.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=server.uri("sub/buildspec.yml")), position=types.Position(line=3, character=8)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**BS104** `runtime-versions-outside-install` (warning)")
    assert "```yaml" in hover.contents.value  # the failing and fixed examples, fenced
    nothing = await server.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=server.uri("sub/buildspec.yml")), position=types.Position(line=0, character=0)))
    assert nothing is None


async def test_config_change_reloads(server: Server) -> None:
    uri = server.uri("sub/buildspec.yml")
    assert any(d.code == "BS104" for d in server.client.diagnostics[uri])
    config = server.root / "sub" / ".pipelint.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text('ignore = ["BS104"]\n')
    server.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]))
    await server.settle()
    assert not any(d.code == "BS104" for d in server.client.diagnostics[uri])
    config.unlink()
    server.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Deleted)]))
    await server.settle()
    assert any(d.code == "BS104" for d in server.client.diagnostics[uri])


async def test_an_invalid_config_is_shown_to_the_user(server: Server) -> None:
    config = server.root / "bad" / ".pipelint.toml"
    config.parent.mkdir()
    config.write_text("select = [\n")
    diagnostics = await server.open("bad/buildspec.yml", "version: 0.2\nphases:\n  build:\n    runtime-versions: {python: 3.12}\n")
    assert diagnostics == []
    assert any("invalid TOML" in m.message and "bad/buildspec.yml" in m.message for m in server.client.messages)
    assert any("invalid TOML" in m.message for m in server.client.log_messages)


async def test_save_of_a_buildspec_reruns_the_pipeline_rules(server: Server) -> None:
    template = server.uri("template.yaml")
    diagnostics = await server.open("template.yaml", (server.root / "template.yaml").read_text())
    assert spans(diagnostics, "CP") == [("CP403", 45, 36, 45, 76)]
    spec = server.root / "ci" / "buildspec.yml"
    text = spec.read_text().replace("- OTHER", "- OTHER\n    - IMAGE_TAG")
    await server.open("ci/buildspec.yml", spec.read_text())
    spec.write_text(text)
    await server.change("ci/buildspec.yml", text)
    assert spans(server.client.diagnostics[template], "CP") == [("CP403", 45, 36, 45, 76)]  # not on a keystroke
    server.client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=server.uri("ci/buildspec.yml"))))
    await server.settle()
    assert spans(server.client.diagnostics[template], "CP") == []


async def test_a_crashing_rule_is_a_diagnostic_and_the_server_goes_on(server: Server) -> None:
    diagnostics = await server.change("buildspec.yml", "boom: 1\n" + MARKERS)
    crash = [d for d in diagnostics if d.code == "PL001"]
    assert len(crash) == 1 and "LSX003" in crash[0].message
    assert len(spans(diagnostics, "LSX001")) == 2
    diagnostics = await server.change("buildspec.yml", "version: 0.2\nphases: [\n")
    assert [d.code for d in diagnostics] == ["PL002"]
    diagnostics = await server.change("buildspec.yml", "\x00\x01binary")
    assert [d.code for d in diagnostics] == ["PL005"]


async def test_close_clears_the_diagnostics(server: Server) -> None:
    uri = server.uri("sub/buildspec.yml")
    server.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await server.settle()
    assert list(server.client.diagnostics[uri]) == []


@pytest.mark.asyncio(loop_scope="function")
async def test_utf8_positions_when_negotiated_then_shutdown_and_exit(tmp_path: Path) -> None:
    """A client that offers only UTF-8 positions gets byte offsets; shutdown then exit ends the
    process with status 0."""
    client = make_test_lsp_client()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "user-config"), "PIPELINT_NO_CACHE": "1"}
    (tmp_path / ".git").mkdir()
    await client.start_io(sys.executable, "-m", "pipelint", "lsp", "--isolated", cwd=str(tmp_path), env=env)
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8]))
    result = await client.initialize_session(types.InitializeParams(capabilities=capabilities, root_uri=tmp_path.as_uri()))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    uri = (tmp_path / "buildspec.yml").as_uri()
    text = 'version: 0.2\nphases:\n  install:\n    runtime-versions: {note: "é😀", python: 3.10, golang: 1.20}\n  build:\n    commands:\n      - echo ok\n'
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    bs303 = [d for d in client.diagnostics[uri] if d.code == "BS303"]
    # `3.10` is columns 44-47 of the line (code points, 1-based); before it `é` takes 2 bytes and the emoji 4
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in bs303] == [(3, 47, 51), (3, 61, 65)]
    # a client that cannot resolve edits gets the fix-all action with its edit at once
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=bs303[0].range, context=types.CodeActionContext(diagnostics=[])))
    fix_all = next(a for a in found or [] if isinstance(a, types.CodeAction) and a.title.startswith("Fix all BS303"))
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    (edit,) = fix_all.edit.changes[uri]
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (47, 65, '"3.10", golang: "1.20"')
    process = client._server
    assert process is not None and process.returncode is None
    await client.shutdown_session()  # shutdown, exit, and wait for the process
    assert process.returncode == 0
