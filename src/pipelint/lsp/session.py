"""The language server's state: open documents, the settings of each, and the findings to show.

Everything here is protocol-free (no pygls), so the benchmark and the tests can drive it
directly; :mod:`pipelint.lsp.server` maps it onto the protocol.

* **Same engine, same settings as the CLI.** A document is linted by
  :func:`pipelint.engine.runner.run`, the function ``pipelint check`` calls, with its text given
  as a :class:`~pipelint.discover.BufferEntry` (the editor's text, never the file on disk). Its
  settings come from :func:`pipelint.engine.plan.plan_for_entries`, as for ``pipelint check -
  --stdin-filename PATH``: the nearest config file at or above the file (or ``--config`` /
  ``--isolated``), its project root, ``kinds``, ``per-file-ignores``, ``exclude`` (as with
  ``--force-exclude``), severities and rule options. The kind is chosen by the engine's own
  classification, so every kind it reads (Terraform too, once the engine reads it) is linted
  with no change here.
* **Reloading.** Settings are cached per (config file, project root) together with the config
  file's and the user-level config's modification time and size; every lint checks them (a few
  ``stat`` calls) and a change rebuilds the settings. ``workspace/didChangeWatchedFiles`` drops
  the cache and re-lints every open document at once.
* **Trust.** A repository config's ``rules-dir`` is loaded only when the user trusts it, exactly
  as for the CLI: ``pipelint lsp --trust-config-plugins``, or the user-level config's
  ``trust-config-plugins`` / ``trusted-paths``. Nothing the client sends can widen that.
* **Cross-file rules** run on open and save, never on a keystroke: for a template or pipeline
  file, its project rules; for any file, the project rules of the pipelines known to read it
  (:mod:`pipelint.lsp.crossfile`). Their findings are kept per originating pipeline file and
  shown in the files they belong to.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from typing import Any

from ..discover import BufferEntry, FileEntry, display_path
from ..findings import Finding
from .positions import LineModel

# Kinds whose documents the project rules start from (the engine keeps their documents for them).
# "terraform" is the kind the engine gives `.tf` files once it reads them.
PIPELINE_KINDS = ("template", "pipeline", "terraform")


class Document:
    """An open text document: its text as the editor has it, and what linting it found."""

    def __init__(self, uri: str, path: str | None, text: str, version: int | None) -> None:
        self.uri = uri
        self.path = path  # absolute path for file: URIs, else None
        self.text = text
        self.version = version
        self.kind: str | None = None
        self.findings: list[Finding] = []  # the document's own findings (not project ones)
        self.secrets: set[str] = set()
        self.registry: Any = None
        self.pending = False  # the text changed since its last lint (the server lints it soon)
        self._positions: LineModel | None = None
        self._positions_of: tuple[str, str | None] | None = None

    @property
    def line_format(self) -> str:
        """Whose line breaks pipelint's line numbers follow in this document: ``"yaml"``
        (libyaml's) or ``"lf"`` (``\\n`` only: JSON and Terraform files)."""
        from ..load import detect_format

        name = (self.path or self.display).lower()
        if self.kind == "terraform" or name.endswith((".tf", ".tf.json")):
            return "lf"
        return "lf" if detect_format(name, self.text[:4096]) == "json" else "yaml"

    @property
    def positions(self) -> LineModel:
        """The text's lines as the LSP and as pipelint count them (worked out once per text)."""
        known = self._positions_of
        if self._positions is None or known is None or known[0] is not self.text or known[1] != self.kind:
            self._positions = LineModel(self.text, self.line_format)
            self._positions_of = (self.text, self.kind)
        return self._positions

    @property
    def lines(self) -> list[str]:
        """The text's lines as pipelint numbers them (without their line breaks)."""
        return self.positions.own_lines

    @property
    def display(self) -> str:
        """The path findings carry (relative to the working directory, as the CLI shows it)."""
        if self.path is None:
            return untitled_name(self.uri)
        return display_path(self.path)


def untitled_name(uri: str) -> str:
    """A file name for a document that is not a file (``untitled:Untitled-1``), from its URI."""
    tail = uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return tail or "untitled"


class FileSettings:
    """The settings for the files of one config file and project root, and when they were read."""

    def __init__(self, settings: Any, stamp: tuple[Any, ...]) -> None:
        self.settings = settings  # every active rule (open and save)
        self.stamp = stamp
        # Without the project rules (a keystroke); rules still see the full set of active codes.
        self.document_settings = copy.copy(settings)
        self.document_settings.active = [r for r in settings.active if r.scope != "project"]
        self.document_settings._active_codes = settings.active_codes
        self.document_settings._by_kind = {}
        self.project_codes = frozenset(r.code for r in settings.project_rules)


class ConfigProblem(Exception):
    """The config that applies to a file is invalid (shown to the user; the file is not linted)."""


def _stamp(path: str | None) -> tuple[Any, ...]:
    if path is None:
        return (None,)
    try:
        info = os.stat(path)
    except OSError:
        return (path, None)
    return (path, info.st_mtime_ns, info.st_size)


class Session:
    """Open documents, settings and findings of one language-server process."""

    def __init__(self, *, trust_config_plugins: bool | None = None, config_path: str | None = None, isolated: bool = False,
                 log: Callable[[str], None] | None = None, alert: Callable[[str], None] | None = None) -> None:
        self.trust = trust_config_plugins
        self.config_path = os.path.abspath(config_path) if config_path else None
        self.isolated = isolated
        self.log = log or (lambda message: None)
        # What the user must see (an invalid config stops linting): once per document and message.
        self.alert = alert or self.log
        self.documents: dict[str, Document] = {}
        # origin file (absolute) → file (absolute) → the project findings the origin's run put there
        self.project: dict[str, dict[str, list[Finding]]] = {}
        # origin file (absolute) → files its project rules read (buildspecs), for re-running on their save
        self.depends: dict[str, set[str]] = {}
        # origin file (absolute) → the other open templates and pipeline files its last run saw
        # (a CodeBuild project named by a literal `Name` may be declared in one of them)
        self.supports: dict[str, set[str]] = {}
        self._settings: dict[tuple[str | None, str], FileSettings] = {}
        self._roots: dict[str, str] = {}
        self._logged: set[str] = set()
        self.config_errors: dict[str, str] = {}  # document URI → the config error that stops its lint

    # ----------------------------------------------------------------------------------------
    # Settings

    def owner(self, path: str) -> str | None:
        """The config file that applies to ``path`` (``--config``, none with ``--isolated``, else
        the nearest one at or above its folder, as the CLI finds it)."""
        if self.config_path is not None:
            return self.config_path
        if self.isolated:
            return None
        from ..config import find_config

        found = find_config(os.path.dirname(path))
        return os.path.abspath(found) if found else None

    def file_settings(self, path: str | None) -> FileSettings:
        """The settings for the file ``path`` (``None``: a document that is not a file, linted with
        the defaults), rebuilt when a config file changed. Raises :class:`ConfigProblem`."""
        from ..config import ConfigError, user_config_path
        from ..engine.plan import plan_for_entries, root_for

        owner = self.owner(path) if path is not None else None
        if owner is not None:
            root = os.path.dirname(owner)
        elif path is None:
            root = os.getcwd()
        else:
            folder = os.path.dirname(path)
            root = self._roots.get(folder) or self._roots.setdefault(folder, root_for(path, None))
        stamp = (_stamp(owner), _stamp(user_config_path()))
        key = (owner, root)
        cached = self._settings.get(key)
        if cached is not None and cached.stamp == stamp:
            return cached
        name = path or os.path.join(root, "untitled")
        try:
            plan = plan_for_entries(lambda _limit: [], name, config_path=owner, isolated=owner is None,
                                    trust_config_plugins=self.trust, report_unrecognised=False)
        except ConfigError as error:
            self._settings.pop(key, None)
            raise ConfigProblem(str(error)) from None
        finally:
            self._log_notices()
        group = next(iter(plan.groups.values()))
        built = FileSettings(group.settings, stamp)
        self._settings[key] = built
        return built

    def forget_settings(self) -> None:
        """Drop every cached setting (a config file changed); the next lint reads them again."""
        self._settings.clear()
        self._roots.clear()

    def excluded(self, path: str | None, settings: Any) -> bool:
        """Whether the config's ``exclude`` matches the file (it is then not linted, as with
        ``pipelint check --force-exclude``)."""
        config = settings.config
        if path is None or not config.exclude:
            return False
        from ..discover import _excluded

        return _excluded(display_path(path), config.exclude, config.root if config.path else None, path)

    # ----------------------------------------------------------------------------------------
    # Documents

    def open(self, uri: str, text: str, version: int | None = None) -> set[str]:
        """A document was opened: lint it, with the cross-file rules. Returns the URIs whose
        diagnostics changed."""
        path = uri_to_path(uri)
        doc = self.documents[uri] = Document(uri, path, text, version)
        return self._lint_with_project(doc)

    def change(self, uri: str, text: str, version: int | None = None) -> set[str]:
        """The text of an open document changed: lint it (without the cross-file rules)."""
        if uri not in self.documents:
            return self.open(uri, text, version)
        self.edit(uri, text, version)
        return self.flush(uri)

    def edit(self, uri: str, text: str, version: int | None = None) -> bool:
        """Take the new text of an open document without linting it yet (the server lints the
        latest text once the user pauses: :meth:`flush`). ``False`` for a document not open."""
        doc = self.documents.get(uri)
        if doc is None:
            return False
        doc.text = text
        doc.version = version
        doc.pending = True
        return True

    def flush(self, uri: str) -> set[str]:
        """Lint the document's latest text if it changed since its last lint (document rules
        only, as for a keystroke). Returns the URIs whose diagnostics changed."""
        doc = self.documents.get(uri)
        if doc is None or not doc.pending:
            return set()
        self._lint_document(doc)
        return {uri}

    def save(self, uri: str, text: str | None = None) -> set[str]:
        """A document was saved: lint it and re-run the cross-file rules it takes part in."""
        doc = self.documents.get(uri)
        if doc is None:
            path = uri_to_path(uri)
            if path is None or text is None:
                return set()
            doc = self.documents[uri] = Document(uri, path, text, None)
        if text is not None:
            doc.text = text
        return self._lint_with_project(doc)

    def close(self, uri: str) -> None:
        """A document was closed: forget its text and own findings (what it taught about
        dependencies, and the project findings it produced on disk files, stay)."""
        self.documents.pop(uri, None)
        self.config_errors.pop(uri, None)

    def relint_all(self) -> set[str]:
        """Lint every open document again (settings changed); cross-file rules included."""
        changed: set[str] = set()
        for doc in list(self.documents.values()):
            changed |= self._lint_with_project(doc)
        return changed

    def findings_for(self, uri: str) -> list[Finding]:
        """What to show in an open document: its own findings and the project findings put in
        it by every pipeline's run, each once, in report order."""
        doc = self.documents.get(uri)
        if doc is None:
            return []
        shown: list[Finding] = list(doc.findings)
        if doc.path is not None:
            seen = {_identity(f) for f in shown}
            for by_file in self.project.values():
                for finding in by_file.get(doc.path, ()):
                    if _identity(finding) not in seen:
                        seen.add(_identity(finding))
                        shown.append(finding)
        shown.sort(key=Finding.sort_key)
        return shown

    # ----------------------------------------------------------------------------------------
    # Linting

    def _entry(self, doc: Document, limit: int) -> BufferEntry:
        """The document's text as the engine reads a file (at most ``limit`` bytes of it)."""
        text = doc.text if len(doc.text) <= limit else doc.text[:limit]
        data = text.encode("utf-8", "surrogatepass")
        # Not "named on the command line": like a file found by walking, a YAML or JSON file that shows
        # none of the kinds' marks is not even parsed (editors open many that are no concern of ours).
        return BufferEntry(doc.path or untitled_name(doc.uri), doc.display, False, data)

    def _prepare(self, doc: Document) -> FileSettings | None:
        """The document's settings, or ``None`` (its findings cleared) when it is not linted:
        its config is invalid, or ``exclude`` matches it."""
        try:
            settings = self.file_settings(doc.path)
        except ConfigProblem as error:
            message = str(error)
            if self.config_errors.get(doc.uri) != message:
                self.config_errors[doc.uri] = message
                self.alert(f"error: {message}; {doc.display} is not linted until the config is fixed")
            doc.findings, doc.kind = [], None
            return None
        self.config_errors.pop(doc.uri, None)
        if self.excluded(doc.path, settings.settings):
            doc.findings, doc.kind = [], None
            return None
        doc.registry = settings.settings.registry
        return settings

    def _lint_document(self, doc: Document) -> None:
        """Lint one document's text with the document rules (a keystroke)."""
        doc.pending = False
        settings = self._prepare(doc)
        if settings is None:
            return
        entry = self._entry(doc, settings.settings.limits.max_bytes + 1)
        result = self._run(settings.document_settings, [entry])
        self._take(doc, result)

    def lint_text(self, doc: Document, text: str) -> tuple[str | None, list[Finding]]:
        """Lint ``text`` as the document (its settings, document rules) without keeping anything:
        ``(kind, findings)`` (used to verify fixes)."""
        settings = self._prepare(doc)
        if settings is None:
            return None, []
        probe = Document(doc.uri, doc.path, text, doc.version)
        result = self._run(settings.document_settings, [self._entry(probe, settings.settings.limits.max_bytes + 1)])
        return result.file_kinds.get(doc.display), [f for f in result.findings if f.path == doc.display]

    def _take(self, doc: Document, result: Any, project_codes: Iterable[str] = ()) -> None:
        """Keep what a run found in ``doc`` itself (not the project findings, kept apart)."""
        codes = frozenset(project_codes)
        doc.findings = [f for f in result.findings if f.path == doc.display and not _is_project(f, codes)]
        doc.kind = result.file_kinds.get(doc.display)
        source = result.sources.get(doc.display)
        doc.secrets = set(source.secrets) if source is not None else set()

    def _run(self, settings: Any, entries: list[FileEntry]) -> Any:
        """One engine run over ``entries``, exactly as the CLI's (serial: one document is small)."""
        from ..engine.runner import run

        result = run(settings=settings, jobs=1, entries=entries)
        for notice in result.notices:
            self._log_once(notice)
        self._log_notices()
        return result

    def _lint_with_project(self, doc: Document) -> set[str]:
        """Lint a document on open or save: its own findings and the cross-file rules of every
        pipeline that involves it. Returns the URIs of open documents whose findings changed."""
        changed = {doc.uri}
        doc.pending = False
        settings = self._prepare(doc)
        if settings is None:
            return changed
        origins: list[str] = []
        if doc.path is not None and _may_hold_pipeline(doc, self, settings):
            origins.append(doc.path)
        else:
            self._lint_document(doc)
        if doc.path is not None:
            for table in (self.depends, self.supports):
                origins.extend(o for o, files in table.items() if doc.path in files and o not in origins)
        touched: set[str] = set()
        for origin in origins:
            touched |= self._project_run(origin)
        if doc.path is not None and doc.kind not in PIPELINE_KINDS and doc.path in self.project:
            touched |= set(self.project.pop(doc.path))  # it no longer holds a pipeline
            self.depends.pop(doc.path, None)
            self.supports.pop(doc.path, None)
        for uri, other in self.documents.items():
            if other.path in touched:
                changed.add(uri)
        return changed

    def _project_run(self, origin: str) -> set[str]:
        """Run the project rules of the pipeline-bearing file ``origin`` (its editor text when
        open, else the file on disk) together with the files they read, as ``pipelint check``
        would over those files. Returns the files whose project findings changed."""
        from ..engine.runner import project_root
        from .crossfile import referenced_files

        before = set(self.project.get(origin, {}))
        origin_doc = self._open_document(origin)
        try:
            settings = self.file_settings(origin)
        except ConfigProblem:
            self.project.pop(origin, None)
            return before
        limit = settings.settings.limits.max_bytes + 1
        if origin_doc is not None:
            entry: FileEntry = self._entry(origin_doc, limit)
        elif regular_file(origin) and confined(origin, project_root(settings.settings), False):
            entry = FileEntry(origin, display_path(origin), True)
        else:
            self.project.pop(origin, None)
            self.depends.pop(origin, None)
            self.supports.pop(origin, None)
            return before
        # The other open templates and pipeline files of the same project: a CodeBuild project
        # named by a literal `ProjectName` may be declared there (never the whole repository).
        support: dict[str, FileEntry] = {}
        for other in self.documents.values():
            if other.path and other.path != origin and other.kind in PIPELINE_KINDS and self._same_group(other.path, origin):
                support[other.path] = self._entry(other, limit)
        depends = referenced_files(entry, list(support.values()), settings.settings)
        self._log_notices()
        self.depends[origin] = depends
        self.supports[origin] = set(support)
        entries = [entry, *support.values()]
        members = {origin, *support}
        root = project_root(settings.settings)
        follow = bool(getattr(settings.settings.config, "follow_symlinks", False))
        for path in sorted(depends):
            if path in members or not confined(path, root, follow):
                continue  # never a file outside the project (by its real path), a link, a FIFO or a device
            open_doc = self._open_document(path)
            if open_doc is not None:
                entries.append(self._entry(open_doc, limit))
            elif regular_file(path):
                entries.append(FileEntry(path, display_path(path), True))
            else:
                continue
            members.add(path)
        result = self._run(settings.settings, entries)
        by_file: dict[str, list[Finding]] = {}
        for finding in result.findings:
            if not _is_project(finding, settings.project_codes):
                continue
            target = os.path.abspath(finding.path)
            if not os.path.isfile(target) and target != origin:
                target = origin  # a project rule that crashed reports on the project root
            if target in support:
                continue  # that file's own run reports it
            by_file.setdefault(target, []).append(finding)
        self.project[origin] = by_file
        if origin_doc is not None:
            self._take(origin_doc, result, settings.project_codes)
        return before | set(by_file) | {origin}

    def _open_document(self, path: str) -> Document | None:
        for doc in self.documents.values():
            if doc.path == path:
                return doc
        return None

    def _same_group(self, path: str, other: str) -> bool:
        return self.owner(path) == self.owner(other)

    # ----------------------------------------------------------------------------------------
    # Notices

    def _log_notices(self) -> None:
        from ..engine.notices import drain

        for notice in drain():
            self._log_once(notice)

    def _log_once(self, notice: str) -> None:
        if notice not in self._logged:
            self._logged.add(notice)
            self.log(notice)


def confined(path: str, root: str, follow_symlinks: bool) -> bool:
    """Whether a file the project rules name may be read, as ``pipelint check`` decides: inside
    the project root by its real path, and not a link unless links are followed."""
    from ..discover import inside

    return inside(path, root) and (follow_symlinks or not os.path.islink(path))


def regular_file(path: str) -> bool:
    """Whether ``path`` is a regular file (``stat``, never opening it: no FIFO, socket or device)."""
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _may_hold_pipeline(doc: Document, session: Session, settings: FileSettings) -> bool:
    """Whether the document may be a template or pipeline file (its kind from its last lint;
    a document not linted yet is linted first to find out)."""
    if doc.kind is None:
        session._lint_document(doc)
    return doc.kind in PIPELINE_KINDS and bool(settings.project_codes)


def _is_project(finding: Finding, project_codes: frozenset[str]) -> bool:
    """Whether a finding comes from a project rule (or is the crash of one)."""
    if finding.code in project_codes:
        return True
    return finding.code == "PL001" and finding.anchor.split(":", 1)[0] in project_codes


def _identity(finding: Finding) -> tuple[Any, ...]:
    return (finding.code, finding.line, finding.col, finding.end_line, finding.end_col, finding.message)


def uri_to_path(uri: str) -> str | None:
    """The absolute local path of a ``file:`` URI, else ``None``."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return os.path.abspath(path)


def path_to_uri(path: str) -> str:
    """The ``file:`` URI of an absolute path."""
    from pathlib import Path

    return Path(path).absolute().as_uri()
