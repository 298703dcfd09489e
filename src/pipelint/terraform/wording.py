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
                  "ApproverRoles": "approver_roles", "PipelineType": "pipeline_type", "ExecutionMode": "execution_mode"})
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
    finding.message = _NEITHER.sub(r"no \1", _BACKTICKED.sub(one, finding.message))
    unwritable = False
    if finding.fix:
        fix = _BACKTICKED.sub(one, finding.fix)
        finding.fix = None if unwritable else fix


def reword_findings(findings: list[Any], json: bool = False) -> None:
    """Reword the findings of a Terraform file that point at HCL: not those of a buildspec or
    policy document, nor project findings inside a project's inline buildspec (whose logical
    path runs through ``BuildSpec``), which keep the wording of the text they point at."""
    table = names()
    from .iam_wording import reword as reword_security

    for finding in findings:
        reword_security(finding)  # IAM/SEC advice in Terraform's terms, inside heredocs too
        if finding.kind in ("buildspec", "policy", "appspec") or finding.code.startswith("PL") or "BuildSpec" in finding.node_path:
            continue
        reword(finding, table, json)
