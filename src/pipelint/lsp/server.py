"""The protocol side of ``pipelint lsp``: pygls wiring over :class:`~pipelint.lsp.session.Session`.

Handled: ``initialize`` (position encoding negotiated by pygls: UTF-16 unless the client offers
UTF-8 or UTF-32), ``textDocument/didOpen``/``didChange``/``didSave``/``didClose`` (diagnostics
published for every open document whose findings changed), ``textDocument/codeAction``,
``textDocument/hover``, ``workspace/didChangeWatchedFiles`` (config files; registered
dynamically when the client allows it), ``shutdown`` and ``exit``.

Robustness: every handler is guarded. Whatever goes wrong (a file that cannot be read, a rule
that raises: the engine already makes that a ``PL001`` diagnostic) is logged to the client with
``window/logMessage``, masked and clipped, and the server goes on. Nothing but the protocol is
written to stdout: ``sys.stdout`` is pointed at stderr while the server runs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from .actions import FIX_ALL_KIND
from .session import Session

F = TypeVar("F", bound=Callable[..., Any])

CONFIG_GLOBS = ("**/.pipelint.toml", "**/pyproject.toml")


class PipelintServer(LanguageServer):
    """A pygls server holding one :class:`Session`."""

    def __init__(self, session_options: dict[str, Any]) -> None:
        super().__init__("pipelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session(log=self.log, alert=self.alert, **session_options)

    def log(self, message: str, level: types.MessageType = types.MessageType.Warning) -> None:
        """A line in the client's log (``window/logMessage``), masked and clipped."""
        from ..textutil import mask_secret_like
        from .diagnostics import shown_text

        if message.startswith("error"):
            level = types.MessageType.Error
        try:
            self.window_log_message(types.LogMessageParams(type=level, message=shown_text(mask_secret_like(message))))
        except Exception:  # no client to tell (shutting down): nothing else may be written
            pass

    def alert(self, message: str) -> None:
        """A message the user must see (``window/showMessage``), also logged."""
        from ..textutil import mask_secret_like
        from .diagnostics import shown_text

        self.log(message)
        try:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"pipelint: {shown_text(mask_secret_like(message))}"))
        except Exception:
            pass

    @property
    def resolves_edits(self) -> bool:
        """Whether the client fills in a code action's edit through ``codeAction/resolve``."""
        try:
            support = self.client_capabilities.text_document.code_action.resolve_support  # type: ignore[union-attr]
        except AttributeError:
            return False
        return support is not None and "edit" in support.properties

    @property
    def encoding(self) -> str:
        """The negotiated position encoding (``utf-16`` unless the client chose another)."""
        try:
            chosen = self.workspace.position_encoding
        except Exception:
            return "utf-16"
        return str(getattr(chosen, "value", chosen) or "utf-16")

    def publish(self, uris: set[str]) -> None:
        """Send the diagnostics of these documents (empty for documents no longer open)."""
        from .diagnostics import to_diagnostic

        for uri in sorted(uris):
            doc = self.session.documents.get(uri)
            if doc is None:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
                continue
            diagnostics = [to_diagnostic(f, uri, doc.lines, self.encoding, doc.registry) for f in self.session.findings_for(uri)]
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, version=doc.version, diagnostics=diagnostics))


def guarded(handler: F) -> F:
    """Run a handler; anything it raises is logged to the client, never fatal."""

    @functools.wraps(handler)
    def run(server: PipelintServer, params: Any) -> Any:
        try:
            return handler(server, params)
        except Exception as error:
            import traceback

            frames = traceback.extract_tb(error.__traceback__)
            where = f" at {frames[-1].name}:{frames[-1].lineno}" if frames else ""
            server.log(f"error: internal error in {handler.__name__}: {type(error).__name__}: {str(error)[:200]}{where}")
            return None

    return run  # type: ignore[return-value]


def make_server(trust_config_plugins: bool | None = None, config_path: str | None = None, isolated: bool = False) -> PipelintServer:
    """A server with every feature registered (not started)."""
    server = PipelintServer({"trust_config_plugins": trust_config_plugins, "config_path": config_path, "isolated": isolated})

    @server.feature(types.INITIALIZED)
    @guarded
    def initialized(ls: PipelintServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace.did_change_watched_files if ls.client_capabilities.workspace else None
        if watched is not None and watched.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern=g) for g in CONFIG_GLOBS])
            ls.client_register_capability(types.RegistrationParams(registrations=[
                types.Registration(id="pipelint-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(ls: PipelintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.publish(ls.session.open(item.uri, item.text, item.version))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(ls: PipelintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source  # pygls applied the changes
        ls.publish(ls.session.change(uri, text, params.text_document.version))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @guarded
    def did_save(ls: PipelintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        text = params.text if params.text is not None else ls.workspace.get_text_document(uri).source
        ls.publish(ls.session.save(uri, text))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: PipelintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.session.close(params.text_document.uri)
        ls.publish({params.text_document.uri})

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded
    def did_change_watched_files(ls: PipelintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.session.forget_settings()
        ls.publish(ls.session.relint_all())

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
    @guarded
    def code_action(ls: PipelintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        from .actions import code_actions
        from .positions import from_lsp

        doc = ls.session.documents.get(params.text_document.uri)
        if doc is None:
            return None
        every = ls.session.findings_for(doc.uri)
        start = from_lsp(doc.lines, params.range.start.line, params.range.start.character, ls.encoding)
        end = from_lsp(doc.lines, params.range.end.line, params.range.end.character, ls.encoding)
        wanted = [f for f in every if (f.line, f.col) <= end and start <= (f.end_line, f.end_col)]
        only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only is not None else None
        return code_actions(doc, wanted, every, ls.encoding, only, lambda text: ls.session.lint_text(doc, text), ls.resolves_edits) or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    @guarded
    def code_action_resolve(ls: PipelintServer, action: types.CodeAction) -> types.CodeAction:
        from .actions import resolve_fix_all

        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.session.documents.get(str(data.get("uri")))
        if doc is None or action.edit is not None or data.get("version") != doc.version:
            return action  # nothing to add, or the text changed since: no edit rather than a wrong one
        return resolve_fix_all(action, doc, ls.encoding, lambda text: ls.session.lint_text(doc, text)) or action

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(ls: PipelintServer, params: types.HoverParams) -> types.Hover | None:
        from .diagnostics import lsp_range
        from .hover import covering, rule_markdown
        from .positions import from_lsp

        doc = ls.session.documents.get(params.text_document.uri)
        if doc is None:
            return None
        line, col = from_lsp(doc.lines, params.position.line, params.position.character, ls.encoding)
        hits = covering(ls.session.findings_for(doc.uri), line, col)
        text = rule_markdown(doc.registry, hits)
        if text is None:
            return None
        first = hits[0]
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=lsp_range(doc.lines, first.line, first.col, first.end_line, first.end_col, ls.encoding))

    return server


def serve(trust_config_plugins: bool = False, config_path: str | None = None, isolated: bool = False) -> None:
    """Run the server over stdin/stdout until the client sends ``exit``."""
    import gc

    gc.enable()  # a long-lived process: the CLI's collector policy is for one run
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the protocol on stdout
    server = make_server(True if trust_config_plugins else None, config_path, isolated)
    server.start_io(sys.stdin.buffer, protocol_out)
