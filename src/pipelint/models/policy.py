"""One model of an IAM policy: :class:`Policy` → :class:`Statement` → located values.

Every ``policy`` document (an inline or managed policy, a trust policy, a bucket/topic/queue/key
policy in a template, or a standalone policy file) is read into the same model, so IAM rules
never walk raw nodes. Each element keeps its key and value nodes, so a rule can point at the
exact ``Action`` item it is about.

CloudFormation intrinsic functions are tolerated everywhere: a value built with ``Fn::Sub`` keeps
its template text (``arn:aws:s3:::${Bucket}/*``), ``Fn::Join`` of literal parts and references is
rebuilt with ``${…}`` placeholders, both branches of ``Fn::If`` are considered, ``Ref
AWS::NoValue`` removes the value, and any other function (``Ref``, ``Fn::GetAtt``…) is an opaque
*dynamic* value that is never ``*`` and never matches an action pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..load.nodes import Mapping, Node, Scalar, Sequence, intrinsic, intrinsic_arg, leading_arg
from ..records import ValueRecord


class Value(ValueRecord):
    """One value of a policy element, located.

    ``form`` is ``literal`` (a plain string or number), ``sub`` (an ``Fn::Sub``/``Fn::Join``
    template whose ``text`` holds ``${…}`` placeholders), ``dynamic`` (any other intrinsic: its
    text is unknown) or ``invalid`` (a mapping or list where a string belongs).
    """

    __slots__ = ("node", "text", "form")

    node: Node
    text: str | None
    form: str

    def __init__(self, node: Node, text: str | None, form: str = "literal") -> None:
        self.node = node
        self.text = text
        self.form = form

    @property
    def literal(self) -> bool:
        """Whether the value is a plain string known in full."""
        return self.form == "literal"

    @property
    def is_star(self) -> bool:
        """Whether the value is exactly ``*`` (written literally or as ``!Sub '*'``)."""
        return self.text == "*" and self.form in ("literal", "sub")

    @property
    def has_wildcard(self) -> bool:
        """Whether the known text contains ``*`` or ``?`` outside ``${…}`` placeholders."""
        if self.text is None or self.form not in ("literal", "sub"):
            return False
        text = _PLACEHOLDER.sub("", self.text) if self.form == "sub" else self.text
        return "*" in text or "?" in text

    def shape(self) -> str | None:
        """The text with every ``${…}`` placeholder replaced by ``x`` (for shape checks)."""
        if self.text is None:
            return None
        return _PLACEHOLDER.sub("x", self.text) if self.form == "sub" else self.text


class Element(ValueRecord):
    """A statement element (``Action``, ``Resource``…): its key node, value node and values."""

    __slots__ = ("key", "node", "values")

    key: Scalar
    node: Node
    values: list[Value]

    def __init__(self, key: Scalar, node: Node, values: list[Value]) -> None:
        self.key = key
        self.node = node
        self.values = values


class PrincipalValue(ValueRecord):
    """One principal: its type (``*`` for ``Principal: "*"``, else ``AWS``/``Service``/…)."""

    __slots__ = ("type", "value")

    type: str
    value: Value

    def __init__(self, type: str, value: Value) -> None:
        self.type = type
        self.value = value


class PrincipalElement(ValueRecord):
    """A ``Principal``/``NotPrincipal`` element."""

    __slots__ = ("key", "node", "principals")

    key: Scalar
    node: Node
    principals: list[PrincipalValue]

    def __init__(self, key: Scalar, node: Node, principals: list[PrincipalValue]) -> None:
        self.key = key
        self.node = node
        self.principals = principals


class ConditionEntry(ValueRecord):
    """One ``operator → key → value`` entry of a ``Condition`` block."""

    __slots__ = ("operator", "key", "key_node", "value")

    operator: str
    key: str
    key_node: Scalar
    value: Node

    def __init__(self, operator: str, key: str, key_node: Scalar, value: Node) -> None:
        self.operator = operator
        self.key = key
        self.key_node = key_node
        self.value = value

    def values(self) -> list[Value]:
        """The entry's values, flattened."""
        return values_of(self.value)


class Statement(ValueRecord):
    """One policy statement with every element located."""

    __slots__ = ("node", "index", "sid", "effect", "effect_key", "action", "not_action", "resource", "not_resource", "principal", "not_principal", "condition", "conditions")

    node: Mapping
    index: int
    sid: str | None
    effect: Scalar | None
    effect_key: Scalar | None
    action: Element | None
    not_action: Element | None
    resource: Element | None
    not_resource: Element | None
    principal: PrincipalElement | None
    not_principal: PrincipalElement | None
    condition: Node | None
    conditions: list[ConditionEntry]

    def __init__(
        self,
        node: Mapping,
        index: int,
        sid: str | None = None,
        effect: Scalar | None = None,
        effect_key: Scalar | None = None,
        action: Element | None = None,
        not_action: Element | None = None,
        resource: Element | None = None,
        not_resource: Element | None = None,
        principal: PrincipalElement | None = None,
        not_principal: PrincipalElement | None = None,
        condition: Node | None = None,
        conditions: list[ConditionEntry] | None = None,
    ) -> None:
        self.node = node
        self.index = index
        self.sid = sid
        self.effect = effect
        self.effect_key = effect_key
        self.action = action
        self.not_action = not_action
        self.resource = resource
        self.not_resource = not_resource
        self.principal = principal
        self.not_principal = not_principal
        self.condition = condition
        self.conditions = [] if conditions is None else conditions

    @property
    def effect_text(self) -> str | None:
        """The literal effect (``Allow``/``Deny``…), or ``None`` if missing or not a string."""
        if self.effect is not None and isinstance(self.effect.value, str):
            return self.effect.value
        return None

    @property
    def allow(self) -> bool:
        """Whether this is an ``Allow`` statement."""
        return self.effect_text == "Allow"

    @property
    def deny(self) -> bool:
        """Whether this is a ``Deny`` statement."""
        return self.effect_text == "Deny"

    @property
    def actions(self) -> list[Value]:
        """The values of ``Action`` (empty when absent)."""
        return self.action.values if self.action else []

    @property
    def resources(self) -> list[Value]:
        """The values of ``Resource`` (empty when absent)."""
        return self.resource.values if self.resource else []

    @property
    def resource_star(self) -> Value | None:
        """The ``*`` value of ``Resource``, if there is one."""
        return next((v for v in self.resources if v.is_star), None)

    def condition_keys(self) -> set[str]:
        """The lower-cased condition keys the statement tests."""
        return {entry.key.lower() for entry in self.conditions}

    def matches_action(self, action: str) -> Value | None:
        """The ``Action`` value that covers ``action`` (or, for ``NotAction``, a stand-in value).

        Wildcards count: ``*``, ``iam:*`` and ``iam:Pass*`` all cover ``iam:PassRole``. A
        ``NotAction`` statement covers every action its list does not name; the value returned
        then is the first ``NotAction`` value, as the place to point at.
        """
        if self.action is not None:
            return _first_match(self.action.values, action)
        if self.not_action is not None and self.not_action.values:
            if _first_match(self.not_action.values, action) is not None:
                return None
            if any(v.form not in ("literal", "sub") for v in self.not_action.values):
                return None  # unknown list: do not guess
            return self.not_action.values[0]
        return None


def _first_match(values: list[Value], action: str) -> Value | None:
    """The first known value whose action pattern covers ``action`` (:func:`action_matches`).

    A pattern without wildcards covers an ASCII ``action`` exactly when both lower-case to the
    same text (what :func:`glob_match` finds: its length test can only fail where the lower-cased
    texts differ in length), so most values are compared without a call per value."""
    plain = action.isascii()
    lowered = action.lower()
    for value in values:
        text = value.text
        if not text or value.form not in ("literal", "sub"):
            continue
        if plain and "*" not in text and "?" not in text:
            if text.lower() == lowered:
                return value
        elif action_matches(text, action):
            return value
    return None


class Policy(ValueRecord):
    """A whole policy document: its root, ``Version`` and statements."""

    __slots__ = ("root", "version", "version_key", "statement_key", "statement_node", "statements")

    root: Node
    version: Scalar | None
    version_key: Scalar | None
    statement_key: Scalar | None
    statement_node: Node | None
    statements: list[Statement]

    def __init__(
        self,
        root: Node,
        version: Scalar | None = None,
        version_key: Scalar | None = None,
        statement_key: Scalar | None = None,
        statement_node: Node | None = None,
        statements: list[Statement] | None = None,
    ) -> None:
        self.root = root
        self.version = version
        self.version_key = version_key
        self.statement_key = statement_key
        self.statement_node = statement_node
        self.statements = [] if statements is None else statements


_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def glob_match(pattern: str, text: str, ignore_case: bool = True) -> bool:
    """Whether an IAM wildcard ``pattern`` (``*`` any run, ``?`` one character) covers ``text``.

    No regular expression and no recursion: runs of ``*`` collapse to one, a pattern needing
    more characters than ``text`` has fails at once, and the classic two-pointer scan (resume
    after the last ``*`` on a mismatch) costs at most ``len(pattern) * len(text)`` steps, so a
    hostile ``ec2:*?*?*?…!`` is rejected in linear time instead of backtracking exponentially.
    IAM compares action names case-insensitively and ARNs case-sensitively (``ignore_case``).
    """
    if pattern == "*":
        return True
    if len(pattern) > len(text) and len(pattern) - pattern.count("*") > len(text):
        return False  # needs more characters than the text has (checked before any copy)
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    if "**" in pattern:
        pattern = _STAR_RUN.sub("*", pattern)
    p = t = 0
    star = -1
    resume = 0
    plen, tlen = len(pattern), len(text)
    while t < tlen:
        if p < plen and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif p < plen and pattern[p] == "*":
            star, resume = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            resume += 1
            t = resume
        else:
            return False
    while p < plen and pattern[p] == "*":
        p += 1
    return p == plen


_STAR_RUN = re.compile(r"\*+")


def action_matches(pattern: str, action: str) -> bool:
    """Whether an IAM action pattern (``s3:*``, ``iam:Pass*``, ``*``) covers ``action``.

    IAM compares actions case-insensitively; ``*`` matches any run of characters and ``?`` one.
    Linear in the pattern and the action (see :func:`glob_match`): patterns come from the
    linted file and may be hostile. Results for ordinary-sized patterns are cached; a huge
    pattern is matched uncached so the cache never holds megabytes.
    """
    if len(pattern) > 256 or len(action) > 256:
        return glob_match(pattern, action, ignore_case=True)
    return _cached_action_match(pattern, action)


@lru_cache(maxsize=65536)
def _cached_action_match(pattern: str, action: str) -> bool:
    return glob_match(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a ``Resource`` pattern covers an ARN (case-sensitive, IAM wildcards)."""
    return glob_match(pattern, arn, ignore_case=False)


def values_of(node: Node | None) -> list[Value]:
    """The values of an element, flattened from a string, a list and intrinsic functions."""
    out: list[Value] = []
    _collect(node, out, 0)
    return out


def _collect(node: Node | None, out: list[Value], depth: int) -> None:
    if node is None or depth > 20:
        return
    if isinstance(node, Scalar):
        if node.value is None:
            return
        # a string of a policy written with `Fn::Sub` (tagged `!Sub` when it was read) is a template
        form = "sub" if node.tag == "!Sub" and "${" in node.text else "literal"
        out.append(Value(node, node.text, form))
        return
    if isinstance(node, Sequence):
        for item in node.items:
            _collect(item, out, depth + 1)
        return
    if isinstance(node, Mapping):
        name = intrinsic(node)
        if name is None:
            out.append(Value(node, None, "invalid"))
            return
        arg = node.pairs[0][1]
        if name == "Fn::If":
            if isinstance(arg, Sequence) and len(arg.items) == 3:
                _collect(arg.items[1], out, depth + 1)
                _collect(arg.items[2], out, depth + 1)
            return
        if name == "Ref" and isinstance(arg, Scalar) and arg.text == "AWS::NoValue":
            return
        if name == "Fn::Sub":
            template = leading_arg(arg)
            if isinstance(template, Scalar) and isinstance(template.value, str):
                out.append(Value(node, template.value, "sub"))
                return
        if name == "Fn::Join":
            joined = _join_text(arg)
            if joined is not None:
                out.append(Value(node, joined, "sub"))
                return
        out.append(Value(node, None, "dynamic"))
        return
    out.append(Value(node, None, "invalid"))


def _join_text(arg: Node) -> str | None:
    """The text of ``Fn::Join [sep, [parts]]`` with ``${…}`` for parts that are not literal."""
    if not (isinstance(arg, Sequence) and len(arg.items) == 2):
        return None
    sep, parts = arg.items
    if not (isinstance(sep, Scalar) and isinstance(parts, Sequence)):
        return None
    texts = []
    for part in parts.items:
        if isinstance(part, Scalar) and part.value is not None:
            texts.append(part.text)
        elif intrinsic(part) == "Fn::Sub":
            inner = intrinsic_arg(part)
            texts.append(inner.text if isinstance(inner, Scalar) else "${?}")
        else:
            texts.append("${?}")
    return (sep.text if sep.value is not None else "").join(texts)


def _element(stmt: Mapping, name: str) -> Element | None:
    key = stmt.key_node(name)
    node = stmt.get(name)
    if key is None or node is None:
        return None
    return Element(key, node, values_of(node))


def _principal(stmt: Mapping, name: str) -> PrincipalElement | None:
    key = stmt.key_node(name)
    node = stmt.get(name)
    if key is None or node is None:
        return None
    found: list[PrincipalValue] = []
    _principals(node, found, 0)
    return PrincipalElement(key, node, found)


def _principals(node: Node, found: list[PrincipalValue], depth: int) -> None:
    if depth > 10:
        return
    name = intrinsic(node)
    if name == "Fn::If":
        arg = intrinsic_arg(node)
        if isinstance(arg, Sequence) and len(arg.items) == 3:
            _principals(arg.items[1], found, depth + 1)
            _principals(arg.items[2], found, depth + 1)
        return
    if isinstance(node, Mapping) and name is None:
        for key, value in node.items():
            for item in values_of(value):
                found.append(PrincipalValue(key.text, item))
        return
    for item in values_of(node):
        found.append(PrincipalValue("*" if item.is_star else "?", item))


def _conditions(node: Node | None) -> list[ConditionEntry]:
    entries: list[ConditionEntry] = []
    if not isinstance(node, Mapping) or intrinsic(node) is not None:
        return entries
    for operator, body in node.items():
        if isinstance(body, Mapping) and intrinsic(body) is None:
            for key, value in body.items():
                entries.append(ConditionEntry(operator.text, key.text, key, value))
    return entries


def _statement(node: Mapping, index: int) -> Statement:
    sid = node.get("Sid")
    effect = node.get("Effect")
    return Statement(
        node=node,
        index=index,
        sid=sid.text if isinstance(sid, Scalar) else None,
        effect=effect if isinstance(effect, Scalar) else None,
        effect_key=node.key_node("Effect"),
        action=_element(node, "Action"),
        not_action=_element(node, "NotAction"),
        resource=_element(node, "Resource"),
        not_resource=_element(node, "NotResource"),
        principal=_principal(node, "Principal"),
        not_principal=_principal(node, "NotPrincipal"),
        condition=node.get("Condition"),
        conditions=_conditions(node.get("Condition")),
    )


def _statement_nodes(node: Node | None, depth: int = 0) -> Iterator[Mapping]:
    if node is None or depth > 10:
        return
    if isinstance(node, Sequence):
        for item in node.items:
            yield from _statement_nodes(item, depth + 1)
        return
    if isinstance(node, Mapping):
        name = intrinsic(node)
        if name == "Fn::If":
            arg = node.pairs[0][1]
            if isinstance(arg, Sequence) and len(arg.items) == 3:
                yield from _statement_nodes(arg.items[1], depth + 1)
                yield from _statement_nodes(arg.items[2], depth + 1)
            return
        if name is None:
            yield node


def parse_policy(root: Node) -> Policy:
    """Read a policy document's root node into a :class:`Policy`. Never raises."""
    policy = Policy(root)
    if not isinstance(root, Mapping):
        return policy
    version = root.get("Version")
    policy.version = version if isinstance(version, Scalar) else None
    policy.version_key = root.key_node("Version")
    policy.statement_key = root.key_node("Statement")
    policy.statement_node = root.get("Statement")
    policy.statements = [_statement(n, i) for i, n in enumerate(_statement_nodes(policy.statement_node))]
    return policy


def policy_of(doc: Any) -> Policy:
    """The (cached) :class:`Policy` of a ``policy`` document (a template's policies are kept
    with the template: see :func:`policy_at`)."""
    return policy_at(doc.parent if doc.parent is not None else doc, doc.root)


def policy_at(holder: Any, node: Node) -> Policy:
    """The :class:`Policy` of a policy node of ``holder``'s file, read once per node: a template's
    policy documents, the policies its principals combine (IAM010) and its roles' trust
    policies (read for ``iam:PassedToService`` advice) are the same nodes, whichever rule
    reads them first. ``holder``: the document (a template, or a policy file) owning ``node``."""
    policy: Policy = holder.cached(f"iam-policy:{id(node)}", lambda: parse_policy(node))
    return policy
