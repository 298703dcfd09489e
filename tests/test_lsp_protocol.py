"""`pipelint lsp` over stdio, speaking raw JSON-RPC (what an arbitrary client may send): a save
of a document that was never opened reads nothing, a request with invalid parameters gets an
``InvalidParams`` reply and nothing lands on stderr, changes typed quickly are linted once, and
an incremental change next to a Unicode line separator lands where the editor meant it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

WAIT = 60.0  # seconds before a missing reply counts as never answered


class RawClient:
    """A minimal LSP client: writes framed JSON-RPC messages, collects every message read."""

    def __init__(self, root: Path) -> None:
        env = dict(os.environ, XDG_CONFIG_HOME=str(root.parent / "user-config"), PIPELINT_NO_CACHE="1")
        self.process = subprocess.Popen([sys.executable, "-m", "pipelint", "lsp"], cwd=root, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.root = root
        self.messages: list[dict[str, Any]] = []
        self.stderr = b""
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                header = out.readline()
                if not header:
                    return
                if not header.strip():
                    break
                name, _, value = header.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.append(json.loads(out.read(length)))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def reply(self, msg_id: int) -> dict[str, Any] | None:
        return self.wait(lambda m: m.get("id") == msg_id and "method" not in m)

    def wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            for message in list(self.messages):
                if wanted(message):
                    return message
            time.sleep(0.02)
        return None

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def published(self, uri: str) -> list[dict[str, Any]]:
        return [m["params"] for m in self.messages if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]

    def hover(self, uri: str, line: int = 0, character: int = 0) -> dict[str, Any] | None:
        return self.reply(self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}))

    def open(self, name: str, text: str, language: str = "yaml") -> str:
        uri = self.uri(name)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}})
        return uri

    def close(self) -> int:
        answered = self.reply(self.request("shutdown", None))
        assert answered is not None
        self.notify("exit", None)
        try:
            return self.process.wait(WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RawClient]:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    started = RawClient(root)
    assert started.reply(started.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})) is not None
    started.notify("initialized", {})
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


def test_saving_a_document_that_was_never_opened_reads_nothing(client: RawClient) -> None:
    fifo = client.root / "fifo.yml"
    os.mkfifo(fifo)  # opening it for reading would block the server for ever
    (client.root / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - echo one: done\n")
    for uri in (fifo.as_uri(), client.uri("buildspec.yml"), Path("/dev/zero").as_uri()):
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert client.hover(client.uri("other.yml")) is not None  # the server is not stuck
    assert [m for m in client.messages if m.get("method") == "textDocument/publishDiagnostics"] == []
    assert client.close() == 0


def test_a_request_with_invalid_parameters_gets_an_error_reply(client: RawClient) -> None:
    uri = client.open("buildspec.yml", "version: 0.2\n")
    bad_range = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "context": {"diagnostics": []},
                                                            "range": {"start": {"line": -5, "character": 0}, "end": {"line": 0, "character": 0}}})
    no_position = client.request("textDocument/hover", {"textDocument": {"uri": uri}})
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri}})  # a notification: nothing to answer
    for msg_id in (bad_range, no_position):
        answer = client.reply(msg_id)
        assert answer is not None and answer["error"]["code"] == -32602
    answer = client.hover(uri)
    assert answer is not None and "BS106" in answer["result"]["contents"]["value"]
    assert client.close() == 0
    assert client.stderr == b""  # no traceback (pygls' records go to the client's log, one line each)
    logged = [m["params"]["message"] for m in client.messages if m.get("method") == "window/logMessage"]
    assert any("textDocument/hover" in line and "do not match" in line for line in logged)
    assert not any("Traceback" in line for line in logged)


def test_changes_typed_quickly_are_linted_once(client: RawClient) -> None:
    text = "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join(f"      - echo {i}: done\n" for i in range(300))
    uri = client.open("buildspec.yml", text)
    assert client.hover(uri) is not None
    before = len(client.published(uri))
    for version in range(2, 12):
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": text + f"# {version}\n"}]})
    assert client.hover(uri, 4, 8) is not None  # answered after one lint of the latest text, not ten
    after = client.published(uri)[before:]
    assert 1 <= len(after) < 4 and after[-1]["version"] == 11
    assert after[-1]["diagnostics"] == client.published(uri)[before - 1]["diagnostics"]  # the same findings
    assert client.close() == 0


def test_an_incremental_change_after_a_unicode_line_separator(client: RawClient) -> None:
    text = "version: 0.2\n# note\u2028# more\nphases:\n  build:\n    commands:\n      - echo one\n"
    uri = client.open("buildspec.yml", text)
    assert client.hover(uri) is not None
    assert client.published(uri)[-1]["diagnostics"] == []
    # the editor appends `: done` to its line 5 (`      - echo one`); U+2028 is no line break for it
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 5, "character": 16}, "end": {"line": 5, "character": 16}}, "text": ": done"}]})
    assert client.hover(uri, 5, 8) is not None
    [diagnostic] = client.published(uri)[-1]["diagnostics"]
    assert diagnostic["code"] == "BS120" and "echo one: done" in diagnostic["message"]
    assert diagnostic["range"]["start"] == {"line": 5, "character": 8}
    assert client.close() == 0
