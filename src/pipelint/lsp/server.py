"""The protocol side of ``pipelint lsp``: pygls wiring over :class:`~pipelint.lsp.session.Session`.

Handled: ``initialize`` (position encoding negotiated by pygls: UTF-16 unless the client offers
UTF-8 or UTF-32), ``textDocument/didOpen``/``didChange``/``didSave``/``didClose`` (diagnostics
published for every open document whose findings changed), ``textDocument/codeAction``,
``textDocument/hover``, ``workspace/didChangeWatchedFiles`` (config files; registered
dynamically when the client allows it), ``shutdown`` and ``exit``.

Documents: the session keeps each open document's text; pygls' own copy is not used (it splits
lines as ``str.splitlines`` does, at form feeds, NEL, U+2028 and more, where the LSP and the
editor do not). Incremental changes are applied with the LSP's line breaks
(:func:`~pipelint.lsp.positions.apply_change`). ``didSave`` of a document that is not open is
ignored: nothing is ever read from disk for it.

Linting while typing is debounced: a ``didChange`` only records the text, and the document is
linted ``LINT_DELAY`` seconds after the last change (superseded versions are never linted). A
request about a document (hover, code actions) lints its latest text first if it is pending, so
it never waits behind stale lints and never answers from findings of an older text.

Robustness: every handler is guarded. A request whose parameters do not match the protocol gets
an ``InvalidParams`` error reply; pygls' own log records (tracebacks included) go to the client's
log as one line each, never to stderr. Whatever goes wrong (a file that cannot be read, a rule
that raises: the engine already makes that a ``PL001`` diagnostic) is logged to the client with
``window/logMessage``, masked and clipped, and the server goes on. Nothing but the protocol is
written to stdout: ``sys.stdout`` is pointed at stderr while the server runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from .actions import FIX_ALL_KIND
from .session import Session

F = TypeVar("F", bound=Callable[..., Any])

CONFIG_GLOBS = ("**/.pipelint.toml", "**/pyproject.toml")
LINT_DELAY = 0.3  # seconds without a change before a changed document is linted


class _Ignored:
    """What a message that could not be read becomes (answered already, if it was a request)."""

    jsonrpc = None


_IGNORED = _Ignored()


class PipelintProtocol(LanguageServerProtocol):
    """pygls' protocol, except that it keeps no copy of the documents (the session does) and
    answers a request it cannot read with ``InvalidParams`` instead of dropping it."""

    _server: PipelintServer

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler only."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler only."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        """Hand the notification to the server's handler only."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        """The typed message of ``data``; a request whose parameters do not fit its method is
        answered with ``InvalidParams`` (a notification is dropped), and logged in one line."""
        try:
            return super().structure_message(data)
        except Exception:
            from pygls.exceptions import JsonRpcInvalidParams

            named = data.get("method")
            method = named if isinstance(named, str) else "?"
            msg_id = data.get("id")
            if "method" in data and isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool):
                try:
                    self._send_response(msg_id, error=JsonRpcInvalidParams(f"invalid parameters for {method[:80]}").to_response_error())
                except Exception:
                    pass
            self._server.log(f"error: ignored a {method[:80]!r} message whose parameters do not match the protocol")
            return _IGNORED

    def handle_message(self, message: Any) -> None:
        """Handle a message (one that could not be read was dealt with already)."""
        if message is _IGNORED:
            return
        super().handle_message(message)


class _ClientLogHandler(logging.Handler):
    """pygls' log records, as one line each in the client's log (never a traceback on stderr)."""

    def __init__(self, server: PipelintServer) -> None:
        super().__init__(logging.WARNING)
        self.server = server
        self.busy = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.busy, "on", False):
            return  # logging about sending the log message itself
        self.busy.on = True
        try:
            first = record.getMessage().split("\n", 1)[0][:200]
            self.server.log(f"{'error' if record.levelno >= logging.ERROR else 'warning'}: pygls: {first}")
        except Exception:
            pass
        finally:
            self.busy.on = False


class PipelintServer(LanguageServer):
    """A pygls server holding one :class:`Session`."""

    def __init__(self, session_options: dict[str, Any]) -> None:
        super().__init__("pipelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=PipelintProtocol)
        self.session = Session(log=self.log, alert=self.alert, **session_options)
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls' report of a failed handler: one line in the client's log."""
        self.log(f"error: {type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}")

    def schedule_lint(self, uri: str) -> None:
        """Lint the document ``LINT_DELAY`` seconds from now, unless it changes again before."""
        self.cancel_lint(uri)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (driven directly): lint now
            self.publish(self.session.flush(uri))
            return
        self._timers[uri] = loop.call_later(LINT_DELAY, self._lint_due, uri)

    def cancel_lint(self, uri: str) -> None:
        """Forget a scheduled lint of the document."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def flush(self, uri: str) -> None:
        """Lint the document now if its text changed since its last lint (before a request about it)."""
        self.cancel_lint(uri)
        self.publish(self.session.flush(uri))

    def _lint_due(self, uri: str) -> None:
        self._timers.pop(uri, None)
        try:
            self.publish(self.session.flush(uri))
        except Exception as error:
            self.log(f"error: internal error in lint: {type(error).__name__}: {str(error)[:200]}")

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
            if doc.pending:
                continue  # published once its latest text is linted
            diagnostics = [to_diagnostic(f, uri, doc.positions, self.encoding, doc.registry) for f in self.session.findings_for(uri)]
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
        from .positions import apply_change

        uri = params.text_document.uri
        doc = ls.session.documents.get(uri)
        if doc is None:
            return  # not opened: nothing to apply the change to
        text = doc.text
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start, end = change.range.start, change.range.end
                text = apply_change(text, (start.line, start.character), (end.line, end.character), change.text, ls.encoding)
            else:
                text = change.text
        ls.session.edit(uri, text, params.text_document.version)
        ls.schedule_lint(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @guarded
    def did_save(ls: PipelintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in ls.session.documents:
            return  # never read a document the editor did not open (it may be any file, a FIFO, a device)
        ls.cancel_lint(uri)
        ls.publish(ls.session.save(uri, params.text))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: PipelintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.cancel_lint(params.text_document.uri)
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

        doc = ls.session.documents.get(params.text_document.uri)
        if doc is None:
            return None
        ls.flush(doc.uri)
        every = ls.session.findings_for(doc.uri)
        start = doc.positions.from_lsp(params.range.start.line, params.range.start.character, ls.encoding)
        end = doc.positions.from_lsp(params.range.end.line, params.range.end.character, ls.encoding)
        wanted = [f for f in every if (f.line, f.col) <= end and start <= (f.end_line, f.end_col)]
        only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only is not None else None
        return code_actions(doc, wanted, every, ls.encoding, only, lambda text: ls.session.lint_text(doc, text), ls.resolves_edits) or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    @guarded
    def code_action_resolve(ls: PipelintServer, action: types.CodeAction) -> types.CodeAction:
        from .actions import resolve_fix_all

        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.session.documents.get(str(data.get("uri")))
        if doc is not None:
            ls.flush(doc.uri)
        if doc is None or action.edit is not None or data.get("version") != doc.version:
            return action  # nothing to add, or the text changed since: no edit rather than a wrong one
        return resolve_fix_all(action, doc, ls.encoding, lambda text: ls.session.lint_text(doc, text)) or action

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(ls: PipelintServer, params: types.HoverParams) -> types.Hover | None:
        from .diagnostics import lsp_range
        from .hover import covering, rule_markdown

        doc = ls.session.documents.get(params.text_document.uri)
        if doc is None:
            return None
        ls.flush(doc.uri)
        line, col = doc.positions.from_lsp(params.position.line, params.position.character, ls.encoding)
        hits = covering(ls.session.findings_for(doc.uri), line, col)
        text = rule_markdown(doc.registry, hits)
        if text is None:
            return None
        first = hits[0]
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=lsp_range(doc.positions, first.line, first.col, first.end_line, first.end_col, ls.encoding))

    return server


def serve(trust_config_plugins: bool = False, config_path: str | None = None, isolated: bool = False) -> None:
    """Run the server over stdin/stdout until the client sends ``exit``."""
    import gc

    gc.enable()  # a long-lived process: the CLI's collector policy is for one run
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the protocol on stdout
    server = make_server(True if trust_config_plugins else None, config_path, isolated)
    pygls_log = logging.getLogger("pygls")
    pygls_log.addHandler(_ClientLogHandler(server))
    pygls_log.propagate = False  # never Python's last-resort handler on stderr
    server.start_io(sys.stdin.buffer, protocol_out)
