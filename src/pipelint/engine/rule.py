"""The rule plugin interface: :func:`rule`, :class:`Rule`, :class:`Report` and :class:`Document`.

A rule is a function decorated with :func:`rule`. It receives one :class:`Document` (or, for
``scope="project"``, the :class:`~pipelint.engine.project.Project`) and yields :class:`Report`
objects that point at nodes; the engine turns nodes into files, lines and columns, applies
severity overrides, suppressions and redaction. The function's docstring is the rule's user
documentation: what it checks, why, a failing and a fixed example.

Example plugin module::

    from pipelint.api import Report, rule

    @rule("XY001", "no-latest-image", severity="warning", kinds=("buildspec",))
    def no_latest_image(doc, config):
        \"\"\"Images must be pinned. ...\"\"\"
        ...
        yield Report(node, "image tag `latest` is not reproducible; pin a version")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..docstrings import clean_docstring
from ..findings import Severity
from ..load.nodes import Node, Source
from ..records import ValueRecord

if TYPE_CHECKING:  # pragma: no cover
    from ..fixes.edit import Fix

_CODE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

# ``text`` is the raw text of a file of a known kind that did not parse, for rules that read
# text rather than structure (a secret in a broken file is still a leaked secret).
KINDS = ("buildspec", "appspec", "pipeline", "template", "policy", "text")

# The values of `rule(fixable=...)`.
FIXABLE = ("", "safe", "unsafe", "safe/unsafe")


class _Later:
    """The type of :data:`LATER`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "LATER"


LATER = _Later()
"""Yielded by a rule that has started slow work in another process (``BS901`` starts
shellcheck): the engine runs the file's other rules meanwhile, then resumes the rule to collect
its reports. Rules tagged ``external`` run first, so that their work overlaps the most."""


class Report(ValueRecord):
    """What a rule yields: a node, a message, and optionally a fix and more.

    * ``node``: where the problem is; a key node points at the key, a value node at the value.
    * ``message``: what is wrong, where, and what to write instead. Never include a secret.
    * ``fix``: a short hint of the fix, shown after the message.
    * ``severity``: overrides the rule's default for this one report.
    * ``anchor``: content that identifies the finding for fingerprints, if the node's own text
      is not the right thing (defaults to the node's text).
    * ``secret``: the raw secret value this finding is about, so every output masks it.
    * ``end``: another node whose end ends the highlighted range.
    * ``related``: other ``(node, message)`` places in the same file the finding concerns,
      rendered as SARIF ``relatedLocations``, JSON ``related`` and indented text lines.
    * ``edit``: the automatic fix, a :class:`~pipelint.fixes.edit.Fix` (text edits built from
      node positions, marked safe or unsafe) that ``--fix`` applies; ``None`` when the right
      change needs a judgement. The rule must be declared with ``fixable=``.
    """

    __slots__ = ("node", "message", "fix", "severity", "anchor", "secret", "end", "related", "edit")

    node: Node
    message: str
    fix: str | None
    severity: Severity | str | None
    anchor: str | None
    secret: str | None
    end: Node | None
    related: tuple[tuple[Node, str], ...]
    edit: Fix | None

    def __init__(
        self,
        node: Node,
        message: str,
        fix: str | None = None,
        severity: Severity | str | None = None,
        anchor: str | None = None,
        secret: str | None = None,
        end: Node | None = None,
        related: tuple[tuple[Node, str], ...] = (),
        edit: Fix | None = None,
    ) -> None:
        self.node = node
        self.message = message
        self.fix = fix
        self.severity = severity
        self.anchor = anchor
        self.secret = secret
        self.end = end
        self.related = related
        self.edit = edit


class Document(ValueRecord):
    """One document of one kind, extracted from a file.

    * ``kind``: ``buildspec``, ``appspec``, ``pipeline``, ``template`` or ``policy``; ``text`` for
      the raw text of a file that did not parse (its ``flavor`` is the kind it was named as).
    * ``flavor``: a sub-kind: pipelines are ``cfn`` or ``cli``; appspecs ``ec2``, ``ecs`` or
      ``lambda``; policies ``identity``, ``resource`` or ``trust``; buildspecs ``file`` or
      ``inline``.
    * ``root``: the document's root node (for a CloudFormation pipeline, its ``Properties``).
    * ``context``: extra facts from where the document was found (for an inline buildspec, the
      ``project`` node and the ``image`` name; for an embedded document, ``logical_id``).
    * ``parent``: the template document an embedded document came from.
    """

    __slots__ = ("kind", "root", "source", "flavor", "context", "parent", "_models")

    kind: str
    root: Node
    source: Source
    flavor: str
    context: dict[str, Any]
    parent: Document | None
    _models: dict[str, Any]

    def __init__(
        self,
        kind: str,
        root: Node,
        source: Source,
        flavor: str = "",
        context: dict[str, Any] | None = None,
        parent: Document | None = None,
        _models: dict[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.root = root
        self.source = source
        self.flavor = flavor
        self.context = {} if context is None else context
        self.parent = parent
        self._models = {} if _models is None else _models

    @property
    def path(self) -> str:
        """The display path of the file the document came from."""
        return self.source.path

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """Build a derived model once per document and share it between rules."""
        if key not in self._models:
            self._models[key] = build()
        return self._models[key]

    def forget_models(self) -> None:
        """Drop the derived models (they are built again on demand), and the line list of the
        document's source: the engine calls this on documents it keeps for later."""
        self._models.clear()
        self.source.forget_lines()


class Rule(ValueRecord):
    """A registered rule: identity, documentation and the check function."""

    __slots__ = ("code", "name", "severity", "kinds", "summary", "_doc", "check", "scope", "tags", "security_severity", "flavors", "origin", "shared", "fixable")

    code: str
    name: str
    severity: Severity
    kinds: tuple[str, ...]
    summary: str
    # The documentation, or (for a rule read from the index) a function that reads it: see `doc`.
    _doc: str | Callable[[], str]
    check: Callable[..., Iterable[Report] | None]
    scope: str
    tags: tuple[str, ...]
    security_severity: float | None
    flavors: tuple[str, ...]
    origin: str
    # For a project rule: which documents it must see together with every other such document
    # (see `rule(shared=...)`); None means every document of the run.
    shared: Callable[[Document], Any] | None
    # Which automatic fixes the rule's reports may carry: "" (none), "safe", "unsafe" or
    # "safe/unsafe" (see `rule(fixable=...)`).
    fixable: str

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        kinds: tuple[str, ...],
        summary: str,
        doc: str | Callable[[], str],
        check: Callable[..., Iterable[Report] | None],
        scope: str = "document",
        tags: tuple[str, ...] = (),
        security_severity: float | None = None,
        flavors: tuple[str, ...] = (),
        origin: str = "",
        shared: Callable[[Document], Any] | None = None,
        fixable: str = "",
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.kinds = kinds
        self.summary = summary
        self._doc = doc
        self.check = check
        self.scope = scope
        self.tags = tags
        self.security_severity = security_severity
        self.flavors = flavors
        self.origin = origin
        self.shared = shared
        self.fixable = fixable

    @property
    def doc(self) -> str:
        """The rule's user documentation (its docstring), read on first use for indexed rules."""
        doc = self._doc
        if not isinstance(doc, str):
            doc = self._doc = doc()
        return doc

    def applies_to(self, doc: Document) -> bool:
        """Whether this rule reads documents of this kind and flavor."""
        if self.scope != "document":
            return False
        if self.kinds and doc.kind not in self.kinds:
            return False
        return not self.flavors or doc.flavor in self.flavors


def rule(
    code: str,
    name: str,
    *,
    severity: str = "warning",
    kinds: Iterable[str] = (),
    scope: str = "document",
    tags: Iterable[str] = (),
    security_severity: float | None = None,
    flavors: Iterable[str] = (),
    summary: str | None = None,
    shared: Callable[[Document], Any] | None = None,
    fixable: str = "",
) -> Callable[[Callable[..., Any]], Rule]:
    """Declare a rule. The decorated function becomes a :class:`Rule` object.

    ``scope="loader"`` declares a finding the engine itself produces while reading files (the
    ``PL`` rules); such a rule's function is never called.

    ``code`` is a stable id (two to four capital letters and three digits, e.g. ``BS101``),
    ``name`` a kebab-case name; both are accepted wherever users name a rule. The function
    takes ``(doc, config)`` (``config`` is the rule's options mapping from the user's
    configuration, usually empty) and yields :class:`Report` objects. For ``scope="project"``
    it takes ``(project, config)``.

    ``shared`` (project rules only) is a module-level function ``(doc) -> bool | keys`` naming
    the documents the rule must check together with other files' documents. ``True`` means
    together with every other such document; a collection of strings (keys, such as the names a
    lookup across files matches) means together with the documents of the files that share a
    key with it, directly or through other files (:mod:`pipelint.engine.joint`); ``False`` or
    no keys: on its own. Every file is first checked on its own, in the process that linted it;
    a file that shares a key with another is checked again with its group, and that result
    replaces its own. Declare it only when that finds what checking all files together finds:
    what the rule reports about a file's pipelines depends only on the documents of its group
    and files it reads from disk, and both ends of any lookup across files share a key. Without
    ``shared`` (and whenever an active project rule lacks it), project rules see every
    pipeline-bearing document of the run at once.

    ``fixable`` declares the automatic fixes the rule's reports carry (``Report(edit=...)``):
    ``"safe"``, ``"unsafe"``, ``"safe/unsafe"`` (some reports one, some the other), or ``""``
    for none. The engine drops the fix of a rule that does not declare one, and ``pipelint
    rules`` and docs/rules.md list the declaration.
    """
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r} must look like AB123")
    if not _NAME.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case")
    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"rule {code}: unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    if scope not in ("document", "project", "loader"):
        raise ValueError(f"rule {code}: scope must be 'document', 'project' or 'loader'")
    if shared is not None and scope != "project":
        raise ValueError(f"rule {code}: only project rules take `shared`")
    if fixable not in FIXABLE:
        raise ValueError(f"rule {code}: fixable must be one of {', '.join(map(repr, FIXABLE))}")

    def decorate(function: Callable[..., Any]) -> Rule:
        doc = clean_docstring(function.__doc__ or "")  # inspect.cleandoc, without importing inspect
        if not doc:
            raise ValueError(f"rule {code} has no docstring; the docstring is its documentation")
        first = summary or doc.split("\n\n", 1)[0].replace("\n", " ").strip()
        return Rule(
            code=code,
            name=name,
            severity=Severity.parse(severity),
            kinds=kinds,
            summary=first,
            doc=doc,
            check=function,
            scope=scope,
            tags=tuple(tags) + (("security",) if security_severity is not None and "security" not in tags else ()),
            security_severity=security_severity,
            flavors=tuple(flavors),
            origin=f"{function.__module__}.{function.__qualname__}",
            shared=shared,
            fixable=fixable,
        )

    return decorate
