"""The engine: discover → load → extract → rules → filter, for a whole run.

:func:`run` is what the CLI and the Python API call. Files are linted independently (in
parallel worker processes for large runs, with identical, deterministically sorted output);
project rules run on each pipeline-bearing file, then once per group of files that must be
checked together (:mod:`pipelint.engine.joint`). No file's text or tree outlives its linting
or its group's run; reports get the lines near findings (:mod:`pipelint.engine.kept_lines`).
A rule that raises becomes a
``PL001`` finding for that rule and file, and the run goes on. At most
:data:`FINDINGS_PER_RULE` findings of one rule in one file are listed; one more counts the rest.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from typing import Any

from ..config import Config, ConfigError, find_config, load_config
from ..discover import BufferEntry, FileEntry, discover
from ..findings import Finding, Severity
from ..load.nodes import Mapping, Node, Scalar, Sequence, Source
from ..load.problems import Limits, LoadProblem
from ..records import ValueRecord
from ..textutil import SECRET_ANCHOR, mask_secret_like, mask_secrets, record_secret, scrub_secrets
from .collector import between_files, paused
from .kept_lines import KeptLines, SparseLines, keep_lines
from .registry import Registry, RuleLoadError, load_rules
from .rule import LATER, Document, Report, Rule
from .suppressions import Suppressions, comment_findings, parse_suppressions


class RunResult(ValueRecord):
    """Everything a reporter needs about a run."""

    __slots__ = ("findings", "registry", "files", "suppressed", "internal_error", "sources", "baseline_suppressed", "baseline_fixed", "notices", "file_kinds")

    findings: list[Finding]
    registry: Registry
    files: int
    suppressed: int
    internal_error: bool
    sources: dict[str, KeptLines]  # display path → the lines reports may show, and the file's secrets
    baseline_suppressed: int
    baseline_fixed: int
    notices: list[str]
    file_kinds: dict[str, str]  # display path → kind, linted files only

    def __init__(
        self,
        findings: list[Finding],
        registry: Registry,
        files: int = 0,
        suppressed: int = 0,
        internal_error: bool = False,
        sources: dict[str, KeptLines] | None = None,
        baseline_suppressed: int = 0,
        baseline_fixed: int = 0,
        notices: list[str] | None = None,
        file_kinds: dict[str, str] | None = None,
    ) -> None:
        self.findings = findings
        self.registry = registry
        self.files = files
        self.suppressed = suppressed
        self.internal_error = internal_error
        self.sources = {} if sources is None else sources
        self.baseline_suppressed = baseline_suppressed
        self.baseline_fixed = baseline_fixed
        self.notices = [] if notices is None else notices
        self.file_kinds = {} if file_kinds is None else file_kinds


class Settings(ValueRecord):
    """Resolved settings shared with worker processes."""

    __slots__ = ("config", "active", "severity", "limits", "registry", "ignored_codes", "report_unrecognised", "shadow", "options", "cache", "_active_codes", "_by_kind")

    config: Config
    active: list[Rule]
    severity: dict[str, Severity]
    limits: Limits
    registry: Registry
    ignored_codes: set[str]
    report_unrecognised: bool
    # Secret detectors that are not selected still run, silently, so that every output can mask
    # the secrets they find (a code frame of another rule's finding may show the same line).
    shadow: list[Rule]
    options: dict[str, dict[str, Any]]  # rule code → merged options
    cache: tuple[str | None, bool]  # (--cache-dir, not --no-cache): see pipelint.cache

    def __init__(
        self,
        config: Config,
        active: list[Rule],
        severity: dict[str, Severity],
        limits: Limits,
        registry: Registry,
        ignored_codes: set[str] | None = None,
        report_unrecognised: bool = True,
        shadow: list[Rule] | None = None,
        options: dict[str, dict[str, Any]] | None = None,
        cache: tuple[str | None, bool] = (None, True),
    ) -> None:
        self.config = config
        self.active = active
        self.severity = severity
        self.limits = limits
        self.registry = registry
        self.ignored_codes = set() if ignored_codes is None else ignored_codes
        self.report_unrecognised = report_unrecognised
        self.shadow = [] if shadow is None else shadow
        self.options = {} if options is None else options
        self.cache = cache
        self._active_codes: frozenset[str] | None = None
        self._by_kind: dict[tuple[str, str, bool], list[Rule]] = {}

    @property
    def active_codes(self) -> frozenset[str]:
        """The codes of the selected rules (rules may defer to a more specific selected rule)."""
        if self._active_codes is None:
            self._active_codes = frozenset(r.code for r in self.active)
        return self._active_codes

    def rules_for(self, doc: Document, shadow: bool = False) -> list[Rule]:
        """The active (or, with ``shadow``, the silent) rules that read this document's kind and
        flavor, in run order; worked out once per kind and flavor."""
        key = (doc.kind, doc.flavor, shadow)
        found = self._by_kind.get(key)
        if found is None:
            found = [r for r in (self.shadow if shadow else self.active) if r.applies_to(doc)]
            self._by_kind[key] = found
        return found

    def options_for(self, found: Rule) -> dict[str, Any]:
        """The options configured for a rule (by prefix, code or name; the most specific wins)."""
        return self.options.get(found.code, {})

    @property
    def project_rules(self) -> list[Rule]:
        """The active project rules, in run order."""
        return [r for r in self.active if r.scope == "project"]

    def shares(self, docs: list[Document]) -> bool:
        """Whether the project rules must see these documents (one file's) with other files';
        when not, they run on the file alone (see ``rule(shared=...)``)."""
        return bool(self.share_keys(docs))

    def share_keys(self, docs: list[Document]) -> frozenset[str]:
        """The keys that join these documents (one file's) to other files' for the project rules:
        files sharing a key are checked together (see ``rule(shared=...)``). A rule without
        ``shared``, a predicate answering ``True`` and a broken predicate all give
        :data:`EVERYTHING`, the key of the one joint run of every such file."""
        keys: set[str] = set()
        asked: set[Any] = set()
        for found in self.project_rules:
            if found.shared is None:
                return frozenset((EVERYTHING,))
            # Rules often share one predicate (CP401-CP405 do): ask it once. Index-loaded rules
            # hold a lazy wrapper each, named by module and function.
            predicate = (getattr(found.shared, "module", None), getattr(found.shared, "attr", None), found.shared if not hasattr(found.shared, "attr") else None)
            if predicate in asked:
                continue
            asked.add(predicate)
            for doc in docs:
                try:
                    verdict = found.shared(doc)
                    if verdict is True:
                        keys.add(EVERYTHING)
                    elif isinstance(verdict, str):
                        keys.add(verdict)
                    elif verdict:
                        keys.update(str(key) for key in verdict)
                except Exception:  # a broken predicate: the joint run is always correct
                    return frozenset((EVERYTHING,))
        return frozenset(keys)


#: The share key of files that must be checked with every other such file (see ``Settings.share_keys``).
EVERYTHING = "*"


_SETTINGS: Settings | None = None


def _resolve_idents(registry: Registry, idents: list[str], where: str) -> set[str]:
    codes: set[str] = set()
    for ident in idents:
        matched = registry.resolve(ident)
        if not matched:
            raise ConfigError(f"{where}: unknown rule {ident!r} (see `pipelint rules`)")
        codes.update(r.code for r in matched)
    return codes


def build_settings(
    *,
    config_path: str | None = None,
    paths: list[str] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    rules_dirs: list[str] | None = None,
    jobs: int | None = None,
    max_file_size: int | None = None,
    isolated: bool = False,
    report_unrecognised: bool = True,
    trust_config_plugins: bool | None = None,
    cache_dir: str | None = None,
    no_cache: bool = False,
) -> Settings:
    """Merge the config file and explicit options; raise ``ConfigError`` on any invalid value.

    ``trust_config_plugins``: load the config file's ``rules-dir`` plugins (``None``: as the
    user-level config says; see :mod:`pipelint.config`). ``cache_dir``, ``no_cache``: where
    external tools' results are cached, or not at all (see :mod:`pipelint.cache`)."""
    if config_path is None and not isolated:
        config_path = find_config((paths or ["."])[0])
    config = load_config(config_path, trust_config_plugins)
    if select:
        config.select = list(select)
    if ignore:
        config.ignore = config.ignore + list(ignore)
    if fail_on:
        config.fail_on = fail_on
    if rules_dirs:
        config.rules_dir = config.rules_dir + list(rules_dirs)
    if jobs:
        config.jobs = jobs
    if max_file_size:
        config.max_file_size = max_file_size
    if config.fail_on not in ("error", "warning", "note", "never"):
        raise ConfigError(f"fail-on must be error, warning, note or never, not {config.fail_on!r}")
    try:
        registry = load_rules(config.rules_dir)
    except RuleLoadError as error:
        raise ConfigError(str(error)) from None
    # Rules tagged "opt-in" run only when a `select` names them (by code, name or prefix).
    selected = _resolve_idents(registry, config.select, "select") if config.select else {r.code for r in registry.rules if "opt-in" not in r.tags}
    selected |= _resolve_idents(registry, config.extend_select, "extend-select")
    ignored = _resolve_idents(registry, config.ignore, "ignore")
    selected.add("PL001")
    ignored.discard("PL001")
    severity: dict[str, Severity] = {}
    for ident, level in config.severity.items():
        try:
            parsed = Severity.parse(level)
        except ValueError as error:
            raise ConfigError(f"severity.{ident}: {error}") from None
        for code in _resolve_idents(registry, [ident], "severity"):
            severity[code] = parsed
    for glob, idents in config.per_file_ignores.items():
        _resolve_idents(registry, idents, f"per-file-ignores.{glob}")
    for ident in config.rule_options:
        _resolve_idents(registry, [ident], "rule-options")
    if config.rule_options:
        from ..rule_options import validate_rule_options

        validate_rule_options(registry, config.rule_options)
    active = [r for r in registry.sorted() if r.code in selected and r.code not in ignored]
    active.sort(key=lambda r: "external" not in r.tags)  # their processes overlap the other rules
    limits = Limits(max_bytes=config.max_file_size, max_depth=config.max_depth)
    active_codes = {r.code for r in active}
    shadow = [r for r in registry.sorted() if r.code.startswith("SEC") and r.scope == "document" and r.code not in active_codes]
    return Settings(config, active, severity, limits, registry, ignored, report_unrecognised, shadow, _merge_options(registry, config),
                    (cache_dir, not no_cache))


def _merge_options(registry: Registry, config: Config) -> dict[str, dict[str, Any]]:
    """Per rule code, the options of every ``rule-options`` entry naming it, most specific last:
    a prefix (``BS3``) before a longer prefix, then the exact code, then the name."""
    merged: dict[str, dict[str, Any]] = {}
    def specificity(ident: str) -> tuple[int, int]:
        exact = registry.get(ident)
        if exact is not None and ident.lower() == exact.name:
            return (2, 0)
        if exact is not None:
            return (1, 0)
        return (0, len(ident))
    for ident in sorted(config.rule_options, key=specificity):
        for found in registry.resolve(ident):
            merged.setdefault(found.code, {}).update(config.rule_options[ident])
    return merged


# --------------------------------------------------------------------------------------------
# One file


# How much of a file over the size limit is read to tell whether it is one pipelint lints.
_OVERSIZED_SNIFF = 1 << 20


def _classify(entry: FileEntry, settings: Settings) -> tuple[str | None, Any]:
    """Load a file and decide its kind. Returns ``(kind, LoadResult or None)``."""
    from ..extract.classify import kind_by_content, kind_by_name, kind_by_text, worth_sniffing
    from ..load import load_bytes, read_limited

    kind = kind_by_name(entry.display, settings.config.kinds)
    relative = config_relative(entry.display, settings.config)
    if kind is None and relative != entry.display:  # `kinds` globs are written relative to their config file
        kind = kind_by_name(relative, settings.config.kinds)
    if isinstance(entry, BufferEntry):  # an editor's text (the language server): never the file on disk
        data = entry.data[: settings.limits.max_bytes + 1]
    else:
        data = read_limited(entry.path, settings.limits.max_bytes + 1)
    if kind == "terraform":
        return kind, _load_terraform(entry, data, settings)
    if kind is None and not entry.explicit:
        # Found by walking and not named like a buildspec/appspec: sniff cheaply before parsing.
        if b"\x00" in data[:8192]:
            return None, None
        if len(data) > settings.limits.max_bytes:
            # Too large to parse: if its first mebibyte reads like a template, pipeline or policy,
            # it is one pipelint would lint, and the user must hear that it was not (PL007).
            head = data[:_OVERSIZED_SNIFF].decode("utf-8", "replace")
            sniffed = kind_by_text(head) if worth_sniffing(head) else None
            return (sniffed, load_bytes(data, entry.display, settings.limits)) if sniffed else (None, None)
        if not worth_sniffing(data.decode("utf-8", "replace")):
            return None, None
    result = load_bytes(data, entry.display, settings.limits)
    if kind is None:
        for root in result.roots:
            kind = kind_by_content(root)
            if kind:
                break
        if kind is None and result.fatal and result.source.text:
            kind = kind_by_text(result.source.text)
    return kind, result


def _load_terraform(entry: FileEntry, data: bytes, settings: Settings) -> Any:
    """A Terraform file loaded as its synthetic template (the parser is imported only here)."""
    from ..terraform.load import load_terraform_bytes

    return load_terraform_bytes(data, entry.display, entry.path, settings.limits, project_root(settings))


def _finding_from_problem(problem: LoadProblem, path: str, settings: Settings) -> Finding:
    found = settings.registry.by_code[problem.code]
    return Finding(
        code=found.code,
        name=found.name,
        severity=settings.severity.get(found.code, found.severity),
        message=problem.message,
        path=path,
        line=problem.line,
        col=problem.col,
        end_line=problem.end_line,
        end_col=problem.end_col,
        fix=problem.fix,
        anchor=problem.anchor or problem.message,
    )


def _anchor(node: Node) -> str:
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, Mapping):
        return "{" + ",".join(_first_keys(node, 20)) + "}"
    if isinstance(node, Sequence):
        return f"[{len(node.items)}]"
    return ""


def _first_keys(node: Mapping, count: int) -> list[str]:
    """``node.keys()[:count]`` without copying every key of a huge mapping (the first
    ``count`` distinct scalar key texts, in file order)."""
    keys: dict[str, None] = {}
    for key, _value in node.pairs:
        if isinstance(key, Scalar) and key.text not in keys:
            keys[key.text] = None
            if len(keys) == count:
                break
    return list(keys)


def finding_from_report(report: Report, found: Rule, doc: Document | None, settings: Settings) -> Finding:
    """Turn a rule's :class:`Report` into a located :class:`Finding`."""
    node = report.node
    source = node.source or (doc.source if doc else None)
    path = source.path if source else (doc.path if doc else "")
    end = report.end or node
    anchor = report.anchor if report.anchor is not None else _anchor(node)
    if report.secret:
        _remember_secret(report, source)
        anchor = SECRET_ANCHOR  # nothing derived from the value reaches a fingerprint or baseline
    if isinstance(report.severity, Severity):
        level = report.severity
    elif isinstance(report.severity, str):
        level = Severity.parse(report.severity)
    else:
        level = found.severity
    level = settings.severity.get(found.code, level)
    message = report.message
    if report.secret and report.secret in message:
        message = mask_secrets(message, [report.secret])
    return Finding(
        code=found.code,
        name=found.name,
        severity=level,
        message=message,
        path=path,
        line=node.line,
        col=node.col,
        end_line=end.end_line,
        end_col=end.end_col if (end.end_line, end.end_col) > (node.line, node.col) else node.col + 1,
        fix=report.fix,
        node_path=node.path,
        anchor=anchor,
        kind=doc.kind if doc else "",
        security_severity=found.security_severity,
        related=_related(report, source),
        edit=_edit(report, found, doc),
    )


def _edit(report: Report, found: Rule, doc: Document | None) -> Any:
    """The report's automatic fix, if the rule declares fixes and the engine can place it."""
    if report.edit is None or not found.fixable:
        return None
    from ..fixes.edit import edit_allowed

    return edit_allowed(report.edit, found, doc, report)


def _related(report: Report, source: Source | None) -> tuple[tuple[str, int, int, int, int], ...]:
    """A report's related places as ``(message, line, col, end_line, end_col)``, same file only."""
    out = []
    for other, text in report.related[:50]:
        if other.source is not None and source is not None and other.source.path != source.path:
            continue
        end_col = other.end_col if (other.end_line, other.end_col) > (other.line, other.col) else other.col + 1
        out.append((text, other.line, other.col, other.end_line, end_col))
    return tuple(out)


def internal_error(found: Rule, error: BaseException, path: str, settings: Settings) -> Finding:
    """A ``PL001`` finding for a rule that raised."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    internal = settings.registry.by_code["PL001"]
    return Finding(
        code="PL001",
        name=internal.name,
        severity=Severity.ERROR,
        message=f"rule {found.code} ({found.name}) crashed: {type(error).__name__}: {mask_secret_like(str(error))[:200]}{where}; other rules still ran",
        path=path,
        line=1,
        col=1,
        end_line=1,
        end_col=2,
        anchor=f"{found.code}:{type(error).__name__}",
    )


# At most this many findings of one rule in one file are listed; the rest become one finding
# that counts them, at the first one left out. A 5 MB file can hold a million unknown keys, and
# every finding costs time and memory in each reporter while nobody reads past the first
# screenful. Past the cap a document rule is asked for at most COUNT_LIMIT more reports (to
# count them), then no more; secret detectors always run to the end, because every secret
# they find is masked in every output.
FINDINGS_PER_RULE = 100
COUNT_LIMIT = 10_000


class _Omitted:
    """The reports of one rule in one file that the cap left out."""

    __slots__ = ("count", "first", "doc", "level", "stopped")

    def __init__(self, first: Report, doc: Document | None, level: Severity) -> None:
        self.count = 0
        self.first = first
        self.doc = doc
        self.level = level
        self.stopped = False


class _Cap:
    """Counts the findings of each rule in each file and keeps at most
    :data:`FINDINGS_PER_RULE` listed (inline-suppressed findings count apart)."""

    __slots__ = ("suppressions", "shown", "hidden", "omitted", "suppressed_omitted", "may_stop")

    def __init__(self, suppressions: Suppressions | None = None, may_stop: bool = True) -> None:
        self.suppressions = suppressions
        self.shown: dict[tuple[str, str], int] = {}
        self.hidden: dict[tuple[str, str], int] = {}  # suppressed findings kept, per rule and file
        self.omitted: dict[tuple[str, str], _Omitted] = {}
        self.suppressed_omitted = 0  # suppressed findings not even built (past the cap)
        self.may_stop = may_stop

    def collect(self, found: Rule, doc: Document | None, produced: Iterator[Report], settings: Settings, findings: list[Finding]) -> bool:
        """Turn a rule's reports into findings, under the cap, until the rule yields
        :data:`LATER` (returns True: resume it later) or ends or is stopped (returns False)."""
        for report in produced:
            if report is LATER:
                return True
            if self._admit(found, report, doc, settings):
                findings.append(finding_from_report(report, found, doc, settings))
            elif self._stopping(found, report, doc):
                close = getattr(produced, "close", None)
                if close is not None:
                    close()
                return False
        return False

    def _key(self, found: Rule, report: Report, doc: Document | None) -> tuple[tuple[str, str], Source | None]:
        source = report.node.source or (doc.source if doc else None)
        return (found.code, source.path if source else ""), source

    def _admit(self, found: Rule, report: Report, doc: Document | None, settings: Settings) -> bool:
        """Whether this report becomes a listed finding; if not, it is counted."""
        key, source = self._key(found, report, doc)
        if self.suppressions is not None and doc is not None and key[1] == doc.path and self.suppressions.matches(report.node.line, found.code, found.name):
            kept = self.hidden.get(key, 0)
            if kept < FINDINGS_PER_RULE:
                self.hidden[key] = kept + 1
                return True
            self.suppressed_omitted += 1
            _remember_secret(report, source)
            return False
        shown = self.shown.get(key, 0)
        if shown < FINDINGS_PER_RULE:
            self.shown[key] = shown + 1
            return True
        level = _level(report, found, settings)
        omitted = self.omitted.get(key)
        if omitted is None:
            omitted = self.omitted[key] = _Omitted(report, doc, level)
        omitted.count += 1
        if level > omitted.level:
            omitted.level = level
        _remember_secret(report, source)
        return False

    def _stopping(self, found: Rule, report: Report, doc: Document | None) -> bool:
        """Whether enough has been counted to stop asking this rule (never a secret detector)."""
        if not self.may_stop or found.code.startswith("SEC"):
            return False
        omitted = self.omitted.get(self._key(found, report, doc)[0])
        if omitted is None or omitted.count < COUNT_LIMIT:
            return False
        omitted.stopped = True
        return True

    def summaries(self, settings: Settings) -> list[Finding]:
        """One finding per rule and file whose findings were left out, counting them."""
        made: list[Finding] = []
        for (code, _path), omitted in self.omitted.items():
            found = settings.registry.by_code[code]
            finding = finding_from_report(omitted.first, found, omitted.doc, settings)
            made.append(omitted_finding(finding, omitted.count, omitted.level, omitted.stopped))
        return made


def omitted_finding(first: Finding, count: int, level: Severity, stopped: bool = False) -> Finding:
    """The finding that stands for ``count`` findings the cap left out, at the first of them."""
    more = f"at least {count:,}" if stopped else f"{count:,}"
    first.message = (f"{more} more {first.code} finding{'s' if count != 1 else ''} in this file not listed "
                     f"(at most {FINDINGS_PER_RULE} per rule and file); this is the first of them")
    first.severity = level
    first.fix = None
    first.edit = None
    first.anchor = f"{first.code}:omitted"  # stable while the count changes
    return first


def _level(report: Report, found: Rule, settings: Settings) -> Severity:
    """The severity a report's finding would have (without building the finding)."""
    override = settings.severity.get(found.code)
    if override is not None:
        return override
    if isinstance(report.severity, Severity):
        return report.severity
    if isinstance(report.severity, str):
        return Severity.parse(report.severity)
    return found.severity


def _remember_secret(report: Report, source: Source | None) -> None:
    """Record a report's secret on its file (its value and, where escapes make it differ, the
    raw text of the node's source range), so that every output masks it."""
    if report.secret and source is not None:
        end = report.end or report.node
        record_secret(source, report.secret, (report.node.line, report.node.col, end.end_line, end.end_col))


def _capped_problems(problems: list[LoadProblem], path: str, settings: Settings) -> list[Finding]:
    """The reportable loading problems as findings, at most :data:`FINDINGS_PER_RULE` per code.

    A loader that caps a code itself (duplicate keys) gives :data:`FINDINGS_PER_RULE` problems
    and one that counts the rest; that one is kept, not counted again as "1 more"."""
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    omitted: dict[str, tuple[LoadProblem, int]] = {}
    totals: dict[str, int] = {}
    for problem in problems:
        totals[problem.code] = totals.get(problem.code, 0) + 1
    for problem in problems:
        if not _reportable(problem, settings):
            continue
        seen = counts.get(problem.code, 0)
        counts[problem.code] = seen + 1
        if seen < FINDINGS_PER_RULE or totals[problem.code] == FINDINGS_PER_RULE + 1:
            findings.append(_finding_from_problem(problem, path, settings))
        else:
            first, count = omitted.get(problem.code, (problem, 0))
            omitted[problem.code] = (first, count + 1)
    for first, count in omitted.values():
        finding = _finding_from_problem(first, path, settings)
        findings.append(omitted_finding(finding, count, finding.severity))
    return findings


def run_document_rules(docs: list[Document], settings: Settings, cap: _Cap | None = None) -> list[Finding]:
    """Run every active document rule on every document; crashes become PL001 findings.

    A rule that yields :data:`~pipelint.engine.rule.LATER` is set aside and resumed after all
    the other rules of these documents ran (its external process works meanwhile). At most
    :data:`FINDINGS_PER_RULE` findings of a rule in a file are listed (``cap`` counts them for
    the whole file); one more finding counts the rest.
    """
    findings: list[Finding] = []
    waiting: list[tuple[Rule, Document, Iterator[Report]]] = []
    active_codes = settings.active_codes
    own_cap = cap is None
    cap = _Cap() if cap is None else cap
    for doc in docs:
        doc.context.setdefault("active_rules", active_codes)
        for found in settings.rules_for(doc):
            options = settings.options_for(found)
            try:
                produced = iter(found.check(doc, options) or ())
                if cap.collect(found, doc, produced, settings, findings):
                    waiting.append((found, doc, produced))
            except Exception as error:  # a broken rule must not stop the others
                findings.append(internal_error(found, error, doc.path, settings))
        for found in settings.rules_for(doc, shadow=True):
            try:
                for report in found.check(doc, {}) or ():
                    if report.secret:
                        _remember_secret(report, report.node.source or doc.source)
            except Exception:  # a silent detector's crash is reported when it is selected
                pass
    for found, doc, produced in waiting:
        try:
            while cap.collect(found, doc, produced, settings, findings):
                pass
        except Exception as error:
            findings.append(internal_error(found, error, doc.path, settings))
    if own_cap:
        findings.extend(cap.summaries(settings))
    return _each_crash_once(findings)


class FileResult(ValueRecord):
    """What linting one file produced."""

    __slots__ = ("findings", "kind", "secrets", "lines", "notices", "documents", "project_findings", "project_secrets", "project_lines",
                 "shared", "share_keys", "project_done", "suppressed_omitted")

    findings: list[Finding]
    kind: str | None
    secrets: set[str]
    # The file's lines that a report may show for its findings (never the whole text: see
    # `pipelint.engine.kept_lines`).
    lines: SparseLines
    notices: list[str]
    # The file's documents, kept (in the main process only, within `joint.KEEP_BYTES`) for
    # templates and pipeline files whose project rules must run with other files' documents
    # (`shared`), so that they are not read again. Never sent between processes.
    documents: list[Document]
    # What the project rules found when they ran on this file alone, the secrets they found and
    # the lines their findings point at, by the path of the file holding them (it may be another
    # file they read).
    project_findings: list[Finding]
    project_secrets: dict[str, set[str]]
    project_lines: dict[str, SparseLines]
    # The project rules may need this file's documents together with other files' (those
    # sharing one of `share_keys`); `project_done`: they ran on the file alone all the same,
    # which is the answer when no other file of the run shares a key with it.
    shared: bool
    share_keys: frozenset[str]
    project_done: bool
    # Inline-suppressed findings past the cap, counted but never built (see `_Cap`).
    suppressed_omitted: int

    def __init__(
        self,
        findings: list[Finding],
        kind: str | None,
        secrets: set[str] | None = None,
        lines: SparseLines | None = None,
        notices: list[str] | None = None,
        documents: list[Document] | None = None,
        project_findings: list[Finding] | None = None,
        project_secrets: dict[str, set[str]] | None = None,
        shared: bool = False,
        suppressed_omitted: int = 0,
    ) -> None:
        self.findings = findings
        self.kind = kind
        self.secrets = set() if secrets is None else secrets
        self.lines = SparseLines(0) if lines is None else lines
        self.notices = [] if notices is None else notices
        self.documents = [] if documents is None else documents
        self.project_findings = [] if project_findings is None else project_findings
        self.project_secrets = {} if project_secrets is None else project_secrets
        self.project_lines: dict[str, SparseLines] = {}
        self.shared = shared
        self.share_keys: frozenset[str] = frozenset()
        self.project_done = False
        self.suppressed_omitted = suppressed_omitted


def lint_entry(entry: FileEntry, settings: Settings | None = None, keep: bool = False) -> FileResult:
    """Lint one file completely (load, extract, document rules). Never raises.

    The project rules run here on the file's templates and pipelines (unless a rule needs every
    such file together); when they may need other files' documents (``Settings.share_keys``)
    the result is marked ``shared``, and ``keep`` retains the documents for a joint run.
    """
    from .notices import drain

    settings = settings or _SETTINGS
    assert settings is not None
    try:
        file_result = _lint_entry(entry, settings)
        docs = file_result.documents
        file_result.documents = []
        if docs:
            keys = settings.share_keys(docs)
            if EVERYTHING not in keys:  # alone, unless another file shares a key (see `joint`)
                file_result.project_findings, file_result.project_secrets, file_result.project_lines = run_project_rules(
                    docs, settings, project_root(settings))
                file_result.project_done = True
            if keys:
                file_result.shared = True
                file_result.share_keys = keys
                if keep:
                    for doc in docs:
                        doc.forget_models()  # derived models are built again if a joint run needs them
                    file_result.documents = docs
        del docs  # what is not kept must be garbage by the time the collector looks
        file_result.notices = drain()
        between_files()
        return file_result
    except Exception as error:  # the engine itself failed on this file
        internal = settings.registry.by_code["PL001"]
        return FileResult(
            [
                Finding("PL001", internal.name, Severity.ERROR, f"internal error while reading this file: {type(error).__name__}: {str(error)[:200]}",
                        entry.display, 1, 1, 1, 2, anchor=type(error).__name__)
            ],
            None,
        )


def _lint_entry(entry: FileEntry, settings: Settings) -> FileResult:
    from ..extract import extract

    try:
        kind, result = _classify(entry, settings)
    except OSError as error:
        problem = LoadProblem("PL013", f"cannot read file: {error.strerror or error}")
        return FileResult([_finding_from_problem(problem, entry.display, settings)] if _reportable(problem, settings) else [], None)
    if result is None:
        return FileResult([], None)
    if kind == "buildspec" and result.fatal and result.problems and result.problems[0].code == "PL002" and "%{" in result.source.text:
        template = _terraform_template(entry, result, settings)
        if template is not None:
            return template
    findings: list[Finding] = []
    suppressions = parse_suppressions(result.source.text, hcl=result.source.fmt == "hcl") if result.source.fmt in ("yaml", "hcl") else Suppressions()
    if kind is None:
        if entry.explicit and settings.report_unrecognised:
            if result.fatal:
                findings.extend(_capped_problems(result.problems, entry.display, settings))
                if findings and result.source.text:
                    # The syntax error's code frame shows the file's lines: the secret scanners
                    # read it as text first, so whatever they find there is masked.
                    from ..textutil import record_secret_like

                    record_secret_like(result.source)
            elif "PL014" not in settings.ignored_codes:
                from .plan import unrecognised_message

                findings.append(_finding_from_problem(
                    LoadProblem("PL014", unrecognised_message(entry.display, result.source.text)), entry.display, settings))
        elif result.fatal and result.problems and result.problems[0].code in ("PL004",):
            pass
        return _finish(FileResult(findings, None), result.source, settings, suppressions)
    problems = list(result.problems)
    cap = _Cap(suppressions)
    docs: list[Document] = []
    if result.fatal and result.source.text:
        # Text-level rules (secret scanning) still read a file that did not parse.
        blank = Scalar(None, "", None, "", result.source, 1, 1, 1, 2)
        findings.extend(run_document_rules([Document("text", blank, result.source, flavor=kind)], settings, cap))
    if not result.fatal:
        docs, extracted = extract(result, kind, settings.limits)
        problems.extend(extracted)
        if settings.config.bundle_root:
            for doc in docs:
                if doc.kind == "appspec":
                    doc.context["bundle-root"] = settings.config.bundle_root
        if kind == "terraform":
            from ..terraform import lint_documents

            findings.extend(lint_documents(docs, lambda own: run_document_rules(own, settings, cap)))
        else:
            findings.extend(run_document_rules(docs, settings, cap))
    findings[:0] = _capped_problems(problems, entry.display, settings)
    findings.extend(cap.summaries(settings))
    file_result = FileResult(findings, kind, suppressed_omitted=cap.suppressed_omitted)
    if kind in ("template", "pipeline", "terraform"):
        file_result.documents = docs
    return _finish(file_result, result.source, settings, suppressions)


def _terraform_template(entry: FileEntry, result: Any, settings: Settings) -> FileResult | None:
    """A buildspec-named file that Terraform renders with ``templatefile()`` (its directives are
    not YAML): not linted, with a ``PL014`` note when named; ``None`` for any other file."""
    from ..terraform.templates import rendered_by_terraform

    if not rendered_by_terraform(entry.path, result.source.text, result.problems[0].line, project_root(settings)):
        return None
    findings: list[Finding] = []
    if entry.explicit and settings.report_unrecognised and "PL014" not in settings.ignored_codes:
        findings.append(_finding_from_problem(LoadProblem(
            "PL014", "a Terraform `templatefile()` template (it holds `%{…}` directives, YAML only once Terraform renders it); "
            "not linted on its own: the project that renders it reads it as unknown", result.problems[0].line, 1), entry.display, settings))
    file_result = FileResult(findings, None)
    if findings:
        file_result.lines = keep_lines(result.source.lines, findings, result.source.path)
    return file_result


def _reportable(problem: LoadProblem, settings: Settings) -> bool:
    """Loading problems honour ``--ignore`` but not a narrower ``--select``: like a compiler's
    syntax errors, a file that cannot be read must not pass silently because of a filter."""
    return problem.code not in settings.ignored_codes


def _finish(file_result: FileResult, source: Source, settings: Settings, suppressions: Suppressions) -> FileResult:
    """Apply suppressions, redaction and fingerprints to one file's findings."""
    kept: list[Finding] = []
    for finding in file_result.findings:
        if finding.code != "PL001" and finding.path == source.path and suppressions.matches(finding.line, finding.code, finding.name):
            finding.suppressed = True
        if source.secrets:
            mask_finding(finding, source.secrets)
        finding.fingerprint = finding.compute_fingerprint()
        kept.append(finding)
    bad = settings.registry.by_code.get("PL012")
    for line, col, end_col, ident in suppressions.mentions if "PL012" not in settings.ignored_codes else ():
        if ident.upper() != "ALL" and not settings.registry.resolve(ident):
            assert bad is not None
            finding = Finding(bad.code, bad.name, settings.severity.get(bad.code, bad.severity),
                              f"suppression comment names unknown rule `{ident}`; see `pipelint rules`",
                              source.path, line, col, line, end_col, anchor=ident)
            finding.fingerprint = finding.compute_fingerprint()
            kept.append(finding)
    if file_result.kind is not None:  # an unrecognised file was not linted: its comments mean nothing
        kept.extend(comment_findings(suppressions, source.path, settings))
    if file_result.kind == "terraform":
        from ..terraform.wording import reword_findings

        reword_findings(kept, json=source.fmt == "json", text=source.text, documents=file_result.documents)
    file_result.findings = kept
    file_result.secrets = set(source.secrets)
    if kept and source.text:
        file_result.lines = keep_lines(source.lines, kept, source.path)  # numbered as the loader numbers lines
    return file_result


# --------------------------------------------------------------------------------------------
# Project rules


def mask_finding(finding: Finding, secrets: set[str]) -> None:
    """Mask ``secrets`` in everything of ``finding`` that is shown or fingerprinted: message, fix,
    related locations' messages, and the anchor its fingerprint is made from. An automatic fix
    whose new text holds a secret is dropped (masking it would write the mask into the file)."""
    finding.message = mask_secrets(finding.message, secrets)
    if finding.edit is not None and finding.edit.touches_secret(secrets):
        finding.edit = None
    if finding.fix:
        finding.fix = mask_secrets(finding.fix, secrets)
    if finding.related:
        finding.related = tuple((mask_secrets(r[0], secrets), r[1], r[2], r[3], r[4]) for r in finding.related)
    finding.anchor = scrub_secrets(finding.anchor, secrets)


def run_project_rules(docs: list[Document], settings: Settings, root: str) -> tuple[list[Finding], dict[str, set[str]], dict[str, SparseLines]]:
    """Run the active project rules over the documents of pipeline-bearing files.

    Returns the findings, the secrets found (by the path of the file holding them) and the
    lines of those files that a report may show for the findings (by path)."""
    from .project import Project

    project_rules = settings.project_rules
    # Project rules start from pipelines, which only templates and pipeline files hold.
    if not project_rules or not any(doc.kind == "pipeline" for doc in docs):
        return [], {}, {}
    project = Project(docs, root, settings.limits, settings.config)
    findings: list[Finding] = []
    cap = _Cap(may_stop=False)  # a project rule reports on many files: it is never stopped
    for found in project_rules:
        options = settings.options_for(found)
        try:
            produced = iter(found.check(project, options) or ())
            while cap.collect(found, None, produced, settings, findings):
                pass
        except Exception as error:
            findings.append(internal_error(found, error, root, settings))
    findings.extend(cap.summaries(settings))
    secrets: dict[str, set[str]] = {}
    lines: dict[str, SparseLines] = {}
    pointed = {finding.path for finding in findings}
    for doc in [*docs, *project.loaded_documents()]:
        if doc.source.secrets:
            secrets.setdefault(doc.source.path, set()).update(doc.source.secrets)
        if doc.source.path in pointed and doc.source.path not in lines and doc.source.text:
            lines[doc.source.path] = keep_lines(doc.source.lines, findings, doc.source.path)
    return findings, secrets, lines


# --------------------------------------------------------------------------------------------
# The run


def project_root(settings: Settings) -> str:
    """The folder cross-file paths (a project's BuildSpec, an action's artifacts) are relative
    to: ``config.root``, the config file's folder, or where :mod:`pipelint.engine.plan` put it
    (the git work tree or the linted path); by default the working directory."""
    return os.path.abspath(settings.config.root)


def _default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def set_worker_settings(settings: Settings) -> None:
    """Give a pool worker process the run's settings (``lint_entry`` uses them by default)."""
    global _SETTINGS
    _SETTINGS = settings
    _use_cache(settings)
    gc.disable()  # a worker only lints; `lint_entry` collects between files


def _use_cache(settings: Settings) -> None:
    """Point this process's cache (:mod:`pipelint.cache`) where the settings say."""
    from .. import cache

    cache.configure(*settings.cache)


def run(
    paths: list[str] | None = None,
    *,
    settings: Settings | None = None,
    jobs: int | None = None,
    progress: Any = None,
    entries: list[FileEntry] | None = None,
    **options: Any,
) -> RunResult:
    """Lint ``paths`` (default ``.``) and return every finding, suppressed ones marked.

    ``entries``, when given, are the files to lint instead of what ``paths`` discovers (the
    command line passes standard input this way, and its ``-v`` lists what was discovered).

    Raises :class:`~pipelint.config.ConfigError` for invalid configuration and
    :class:`~pipelint.discover.PathError` for a named path that cannot be read.
    """
    with paused():
        return _run(paths, settings, jobs, progress, options, entries)


def _run(paths: list[str] | None, settings: Settings | None, jobs: int | None, progress: Any, options: dict[str, Any],
         entries: list[FileEntry] | None = None) -> RunResult:
    paths = list(paths or ["."])
    if settings is None:
        settings = build_settings(paths=paths, jobs=jobs, **options)
    _use_cache(settings)
    if entries is None:
        config = settings.config
        entries = discover(paths, config.exclude, follow_symlinks=config.follow_symlinks, exclude_root=config.root if config.path else None)
    workers = jobs or settings.config.jobs or _default_jobs()
    results: list[FileResult]
    if workers > 1 and len(entries) >= 16:
        from .parallel import lint_in_parallel

        results = lint_in_parallel(entries, settings, workers, progress)
    else:
        from .joint import KeepBudget

        budget = KeepBudget()
        results = []
        for index, entry in enumerate(entries):
            file_result = lint_entry(entry, settings, keep=True)
            budget.admit(file_result)
            results.append(file_result)
            if progress:
                progress(index + 1, len(entries))
    findings: list[Finding] = []
    kinds: dict[str, str | None] = {}
    sources: dict[str, KeptLines] = {}
    notices: list[str] = []
    for entry, file_result in zip(entries, results):
        notices.extend(n for n in file_result.notices if n not in notices)
        findings.extend(file_result.findings)
        kinds[entry.display] = file_result.kind
        if file_result.kind is not None or file_result.findings:
            sources[entry.display] = KeptLines(entry.display, file_result.lines, set(file_result.secrets))
        file_result.findings, file_result.lines = [], SparseLines(0)  # merged: the run holds them once
    from .joint import merge_lines, run_groups

    joint = run_groups(entries, results, settings)
    project_lines: dict[str, SparseLines] = {}
    for more in (joint.lines, *(file_result.project_lines for file_result in results)):
        merge_lines(project_lines, more)
    for path, lines in project_lines.items():
        if path in sources:
            merge_lines({path: sources[path].lines}, {path: lines})
    for secrets in (joint.secrets, *(file_result.project_secrets for file_result in results)):
        for path, values in secrets.items():
            if path in sources:
                sources[path].secrets |= values
    project_findings = _each_crash_once([*joint.findings, *(f for file_result in results for f in file_result.project_findings)])
    _terraform_wording(project_findings, kinds)
    for finding in project_findings:
        known = sources.get(finding.path)
        if known is not None and known.secrets:
            mask_finding(finding, known.secrets)
        finding.fingerprint = finding.compute_fingerprint()
    findings.extend(project_findings)
    from .notices import drain

    notices.extend(n for n in drain() if n not in notices)
    findings = _apply_path_ignores(findings, settings)
    findings.sort(key=Finding.sort_key)
    visible = [f for f in findings if not f.suppressed]
    return RunResult(
        findings=visible,
        registry=settings.registry,
        files=sum(1 for k in kinds.values() if k is not None),
        suppressed=len(findings) - len(visible) + sum(file_result.suppressed_omitted for file_result in results),
        internal_error=any(f.code == "PL001" for f in visible),
        sources=sources,
        notices=notices,
        file_kinds={path: kind for path, kind in kinds.items() if kind is not None},
    )


def _terraform_wording(findings: list[Finding], kinds: dict[str, str | None]) -> None:
    """Project findings in Terraform files name Terraform attributes (see pipelint.terraform.wording)."""
    if "terraform" not in kinds.values():
        return
    from ..terraform.wording import reword_findings

    for path, kind in kinds.items():
        if kind == "terraform":
            reword_findings([f for f in findings if f.path == path], json=path.lower().endswith(".json"))


def _each_crash_once(findings: list[Finding]) -> list[Finding]:
    """Findings without repeated crashes: a rule that crashed reports ``PL001`` for every
    document of a file (a template's policies) and a project rule for every file it ran on
    alone; once per rule, file and error type is enough."""
    kept: list[Finding] = []
    crashes: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.code == "PL001":
            if (finding.path, finding.anchor) in crashes:
                continue
            crashes.add((finding.path, finding.anchor))
        kept.append(finding)
    return kept


def config_relative(path: str, config: Config) -> str:
    """``path`` relative to the config file's folder (``/``-separated), where its globs
    (``kinds``, ``per-file-ignores``, ``exclude``) were written; ``path`` itself when there is
    no config file or the file lies outside its folder."""
    if not config.path:
        return path
    try:
        relative = os.path.relpath(os.path.abspath(path), config.root)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _apply_path_ignores(findings: list[Finding], settings: Settings) -> list[Finding]:
    import fnmatch

    table = settings.config.per_file_ignores
    if not table:
        return findings
    for finding in findings:
        relative = config_relative(finding.path, settings.config)
        for glob, idents in table.items():
            if fnmatch.fnmatch(finding.path, glob) or fnmatch.fnmatch(relative, glob):
                for ident in idents:
                    if any(r.code == finding.code for r in settings.registry.resolve(ident)):
                        finding.suppressed = True
    return findings
