"""Findings in Terraform files speak Terraform: property names and fix snippets in HCL.

Rules write their messages for CloudFormation (`` `PrivilegedMode: true` ``). In a ``.tf``
file, outside inline buildspecs and policy documents (whose text keeps its own syntax), every backticked CloudFormation property name that a translator maps is
replaced by its Terraform attribute name, and a backticked ``Key: value`` pair by
``attribute = value``. A fix hint whose snippet cannot be written in HCL as shown (a YAML flow
mapping, a CloudFormation intrinsic) is dropped rather than shown wrong. Action
``configuration`` keys are CodePipeline's own names in both languages and are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_BACKTICKED = re.compile(r"`([^`\n]{1,300})`")
_IDENT = re.compile(r"[A-Z][A-Za-z0-9]*")
_DOTTED = re.compile(r"[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)+")
_PAIR = re.compile(r'"?([A-Z][A-Za-z0-9]*)"?: (.+)')
_DOTTED_PAIR = re.compile(r"([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)+): ([^{}\[\]]+)")
_RESOURCES = frozenset({"aws_codebuild_webhook"})
_ONE_PAIR = re.compile(r"\{([A-Z][A-Za-z0-9]*): ([^{}\[\],:]+)\}")
_NEITHER = re.compile(r"neither (`[^`\n]{1,80}`) nor \1")
_BARE_RUN_ORDER = re.compile(r"\b[Rr]unOrder\b")
# Names that are written differently for each kind of document they appear in.
_BY_KIND = {
    "pipeline": {"Triggers": "trigger", "TimeoutInMinutes": "timeout_in_minutes", "Variables": "variable", "Name": "name"},
    "template": {"Triggers": "aws_codebuild_webhook", "TimeoutInMinutes": "build_timeout"},
}
_NOT_HCL = ("!", "Fn::", "{{resolve", "{", "[", "- ")
# Property names that are also common values (stage `Source`, category `Build`, type `S3`):
# renamed only in a `Key: value` pair or a dotted path, never alone.
_ALSO_VALUES = frozenset({"Source", "Build", "Deploy", "Test", "Approval", "Invoke", "Environment", "Cache", "Artifacts", "Location",
                          "Description", "Image", "Name", "Type", "Version", "Region", "Path", "Packaging", "Namespace", "Status",
                          "Context", "Auth", "Resource", "Certificate", "Action", "Result", "Id", "Key", "Value", "Events"})


@lru_cache(maxsize=1)
def names() -> dict[str, str]:
    """CloudFormation property name → Terraform attribute/block name, from the translators."""
    from . import codebuild, codedeploy, pipeline
    from .shapes import Custom, Many, One

    table: dict[str, str] = {}

    def visit(shape: dict[str, Any]) -> None:
        for tf_name, target in shape.items():
            cfn = target if isinstance(target, str) else target.cfn
            table.setdefault(cfn, tf_name)
            if isinstance(target, (One, Many)):
                visit(target.shape)
            elif isinstance(target, Custom):
                continue

    for shape in (codebuild.PROJECT, codebuild.WEBHOOK, codebuild.FILTER, pipeline.PIPELINE, pipeline.ACTION, pipeline.STORE, codedeploy.GROUP):
        visit(shape)
    table.update({"Stages": "stage", "Actions": "action", "ArtifactStore": "artifact_store", "ArtifactStores": "artifact_store",
                  "FilterGroups": "filter_group", "Webhook": "aws_codebuild_webhook", "BuildType": "build_type",
                  "PullRequestBuildPolicy": "pull_request_build_policy", "RequiresCommentApproval": "requires_comment_approval",
                  "ApproverRoles": "approver_roles", "PipelineType": "pipeline_type", "ExecutionMode": "execution_mode",
                  "BeforeEntry": "before_entry", "OnFailure": "on_failure", "OnSuccess": "on_success",
                  "Category": "category", "Owner": "owner", "Provider": "provider"})
    return table


def _hcl_value(value: str) -> str:
    if " | " in value:  # alternatives: `Status: ENABLED | DISABLED`
        return " | ".join(_hcl_value(part.strip()) for part in value.split(" | "))
    if value in ("true", "false") or re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", value):
        return value
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return value
    return '"' + value.strip("'") + '"'


def _assign(key: str, value: str, json: bool) -> str:
    """``key = value`` in HCL, ``"key": value`` in Terraform's JSON syntax."""
    return f'"{key}": {value}' if json else f"{key} = {value}"


def _block(key: str, inner: str, value: str, json: bool) -> str:
    """A block with one attribute, on one line."""
    return f'"{key}": {{"{inner}": {value}}}' if json else f"{key} {{ {inner} = {value} }}"


def _segment(inner: str, table: dict[str, str], json: bool = False) -> str | None:
    """A backticked segment in Terraform's words; ``None`` when it cannot be written in HCL."""
    if _IDENT.fullmatch(inner):
        return inner if inner in _ALSO_VALUES else table.get(inner, inner)
    if _DOTTED.fullmatch(inner):
        parts = inner.split(".")
        if parts[0] == "Configuration":  # an action's configuration keys are CodePipeline's own names
            return "configuration." + ".".join(parts[1:])
        if parts[0] in table:
            return ".".join(table.get(p, p) for p in parts)
        return inner
    dotted = _DOTTED_PAIR.fullmatch(inner)
    if dotted is not None:
        parts = [table.get(p, "") for p in dotted.group(1).split(".")]
        if parts and parts[0] in _RESOURCES:
            parts = parts[1:]  # `Triggers.X` of a CodeBuild project is the webhook resource's `x`
        if len(parts) == 2 and all(parts) and not dotted.group(2).strip().startswith(_NOT_HCL):
            return _block(parts[0], parts[1], _hcl_value(dotted.group(2).strip()), json)
        return None
    pair = _PAIR.fullmatch(inner)
    if pair is not None and table.get(pair.group(1)) in _RESOURCES:
        return table[pair.group(1)]  # `Webhook: true` is a resource of its own in Terraform
    if pair is not None and pair.group(1) in table:
        value = pair.group(2).strip()
        inner_pair = _ONE_PAIR.fullmatch(value)
        if inner_pair is not None and inner_pair.group(1) in table:
            # `Key: {Inner: value}`: a block with one attribute, which HCL writes on one line
            return _block(table[pair.group(1)], table[inner_pair.group(1)], _hcl_value(inner_pair.group(2).strip()), json)
        if value.startswith(_NOT_HCL) or "::" in value:
            return None
        return _assign(table[pair.group(1)], _hcl_value(value), json)
    if any(marker in inner for marker in ("!Sub", "!Ref", "Fn::", "{{resolve")) or re.match(r"[A-Z][A-Za-z0-9]*: [{\[]", inner) \
            or (inner.startswith(("- ", "{")) and ": " in inner):
        return None
    return inner


def reword(finding: Any, table: dict[str, str] | None = None, json: bool = False) -> None:
    """Rewrite one finding's message and fix for a Terraform file (in place)."""
    base = dict(table or names())
    base.update(_BY_KIND.get(finding.kind or "", {}))
    unwritable = False

    def one(match: re.Match[str]) -> str:
        nonlocal unwritable
        replaced = _segment(match.group(1), base, json)
        if replaced is None:
            unwritable = True
            pair = _PAIR.fullmatch(match.group(1))
            if pair is not None and pair.group(1) in base:  # a block whose content HCL cannot show on one line
                return f'`"{base[pair.group(1)]}": {{…}}`' if json else f"`{base[pair.group(1)]} {{ … }}`"
            return match.group(0)
        return f"`{replaced}`"

    # `ArtifactStore` and `ArtifactStores` are both `artifact_store` blocks in Terraform.
    finding.message = _bare(_NEITHER.sub(r"no \1", _BACKTICKED.sub(one, finding.message)))
    unwritable = False
    if finding.fix:
        fix = _bare(_BACKTICKED.sub(one, finding.fix))
        finding.fix = None if unwritable else fix


def _bare(text: str) -> str:
    """Property names written without backticks (``(stage `Build`, RunOrder 1)``, ``the same
    runOrder``) in Terraform's spelling."""
    return _BARE_RUN_ORDER.sub("run_order", text) if "unOrder" in text else text


def reword_findings(findings: list[Any], json: bool = False, text: str | None = None, documents: list[Any] | None = None) -> None:
    """Reword the findings of a Terraform file that point at HCL: not those of a buildspec or
    policy document, nor project findings inside a project's inline buildspec (whose logical
    path runs through ``BuildSpec``), which keep the wording of the text they point at.

    ``text`` (the file's text) and ``documents`` (its documents) let the advice fit the place:
    IAM advice on a ``data "aws_iam_policy_document"`` statement is written in that data source's
    attributes, and SEC009 advice depends on the resource holding the secret."""
    table = names()
    from .iam_wording import reword as reword_security
    from .iam_wording import reword_hard_coded

    places = _Places(text, documents)
    for finding in findings:
        code = str(finding.code)
        if text is not None and finding.message.startswith("`#{"):
            narrow_to_reference(finding, places.lines())
        if code == "SEC009":
            reword_hard_coded(finding, places.resource_type(finding.line), places.in_buildspec(finding.line))
        reword_security(finding, document_form=code.startswith(("IAM", "SEC")) and places.in_policy_document(finding))
        if finding.kind in ("buildspec", "policy", "appspec") or code.startswith("PL") or "BuildSpec" in finding.node_path:
            continue
        reword(finding, table, json)


_POLICY_DOCUMENT_NAMES = frozenset({"actions", "not_actions", "resources", "not_resources", "principals", "not_principals",
                                    "condition", "effect", "sid", "statement"})


class _Places:
    """Where a finding of one Terraform file lies: in which top-level block, in an inline
    buildspec, in a statement of a ``data "aws_iam_policy_document"``. Worked out on first use."""

    def __init__(self, text: str | None, documents: list[Any] | None) -> None:
        self.text = text
        self.documents = documents or []
        self._blocks: list[tuple[int, int, str]] | None = None
        self._statements: set[int] | None = None
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        """The file's lines (split once)."""
        if self._lines is None:
            self._lines = hcl_lines(self.text) if self.text is not None else []
        return self._lines

    def resource_type(self, line: int) -> str | None:
        """The type of the ``resource`` block holding ``line`` (``None``: none, or not known)."""
        if self._blocks is None:
            self._blocks = top_level_blocks(self.text) if self.text is not None else []
        for start, end, kind in self._blocks:
            if start <= line <= end:
                return kind
        return None

    def in_buildspec(self, line: int) -> bool:
        """Whether ``line`` lies in an inline buildspec of this file."""
        return any(doc.kind == "buildspec" and doc.root.line <= line <= doc.root.end_line for doc in self.documents)

    def in_policy_document(self, finding: Any) -> bool:
        """Whether a finding points into a ``data "aws_iam_policy_document"`` (its keys are
        written as that data source's attributes: ``actions``, ``resources``, ``effect``)."""
        if self._statements is None:  # the lines the data sources' statements cover (blocks take whole lines)
            self._statements = set()
            # Only this file's documents: a module's other files lend documents whose lines are theirs.
            own = [doc for doc in self.documents if getattr(doc.root.source, "path", None) == finding.path]
            for first, last in set(_document_spans(own)):
                self._statements.update(range(first, last + 1))
        return finding.line in self._statements


def _document_spans(documents: list[Any]) -> list[tuple[int, int]]:
    """The line spans of the policy documents, and of their statements, written as ``aws_iam_policy_document``."""
    from ..load.nodes import Mapping, Scalar, Sequence

    spans: list[tuple[int, int]] = []
    for doc in documents:
        root = doc.root
        if doc.kind != "policy" or not isinstance(root, Mapping):
            continue
        statements = root.get("Statement")
        items = statements.items if isinstance(statements, Sequence) else [statements] if isinstance(statements, Mapping) else []
        found = False
        for item in items:
            if isinstance(item, Mapping) and any(isinstance(k, Scalar) and k.raw in _POLICY_DOCUMENT_NAMES for k, _ in item.pairs):
                spans.append((item.line, item.end_line))
                found = True
        if found or any(isinstance(k, Scalar) and k.raw in ("version", "policy_id") for k, _ in root.pairs):
            spans.append((root.line, root.end_line))
    return spans


_TOP_LEVEL = re.compile(r'[ \t]*resource[ \t]+"([A-Za-z0-9_-]{1,100})"')
_HEREDOC = re.compile(r"<<-?[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?$")


def top_level_blocks(text: str) -> list[tuple[int, int, str]]:
    """``(first line, last line, type)`` of each top-level ``resource "TYPE" …`` block.

    One pass over the lines, counting braces outside strings, comments and heredocs (an
    approximation of HCL's lexer that only needs to find where top-level blocks end)."""
    blocks: list[tuple[int, int, str]] = []
    depth = 0
    start = 0
    kind = ""
    heredoc: str | None = None
    in_comment = False
    lines = hcl_lines(text)
    for number, line in enumerate(lines, 1):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        if depth == 0 and not in_comment:
            match = _TOP_LEVEL.match(line)
            start, kind = (number, match.group(1)) if match else (number, "")
        depth, in_comment = _braces(line, depth, in_comment)
        opened = _HEREDOC.search(line)
        if opened is not None and not in_comment:
            heredoc = opened.group(1)
        if depth <= 0:
            if kind:
                blocks.append((start, number, kind))
            depth, kind = 0, ""
    if kind:
        blocks.append((start, len(lines), kind))
    return blocks


def hcl_lines(text: str) -> list[str]:
    """The lines of a Terraform file numbered as its findings are: HCL ends a line at ``\n``
    only (:attr:`pipelint.load.nodes.Source.lines`), not at every break ``str.splitlines`` knows."""
    from ..load.nodes import Source

    return Source("", text, "hcl").lines


def _braces(line: str, depth: int, in_comment: bool) -> tuple[int, bool]:
    """The brace depth after one line, skipping quoted strings and comments."""
    index = 0
    quoted = False
    size = len(line)
    while index < size:
        char = line[index]
        if in_comment:
            end = line.find("*/", index)
            if end < 0:
                return depth, True
            in_comment = False
            index = end + 2
            continue
        if quoted:
            if char == "\\":
                index += 2
                continue
            if char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "#" or line.startswith("//", index):
            break
        elif line.startswith("/*", index):
            in_comment = True
            index += 2
            continue
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        index += 1
    return depth, in_comment


def narrow_to_reference(finding: Any, lines: list[str]) -> None:
    """Point a finding about a ``#{Namespace.Variable}`` reference (the file's ``lines``) at the
    reference itself when its range is a whole expression (``EnvironmentVariables = jsonencode([...])``, whose JSON text
    Terraform builds from the strings inside: the reference is one of them)."""
    token = finding.message[1:finding.message.find("`", 1)]
    if not token.startswith("#{") or not token.endswith("}"):
        return
    if not 1 <= finding.line <= finding.end_line <= len(lines) or not lines[finding.line - 1].startswith("jsonencode(", finding.col - 1):
        return
    for number in range(finding.line, finding.end_line + 1):
        line = lines[number - 1]
        start = finding.col - 1 if number == finding.line else 0
        end = finding.end_col - 1 if number == finding.end_line else len(line)
        found = line.find(token, start, end)
        if found >= 0:
            finding.line = finding.end_line = number
            finding.col, finding.end_col = found + 1, found + 1 + len(token)
            return
