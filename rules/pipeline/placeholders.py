"""TPL001: placeholders from a sample or a generator left in a template.

A value copied from documentation (``arn:aws:iam::123456789012:role/…``, ``YOUR_ACCOUNT_ID``,
``<bucket>``, ``[SNS ARN]``) deploys as written and fails later, far from its cause. Only
values are read (never comments, ``Description`` or ``Metadata``), and only shapes no real
value has: a whole value in angle brackets, percent signs or square brackets, an upper-case
``YOUR_…``/``REPLACE_ME`` word, and AWS's documentation account ``123456789012`` in an ARN or
as a whole account id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, rule
from pipelint.rules.general._format import placeholder

_WHOLE_BRACKETS = re.compile(r"\[[A-Za-z][A-Za-z0-9 _.-]{0,60}\]")
# Words are maximal runs of letters, digits and `_` (runs never overlap, so finding them is
# linear); a placeholder word is upper case and starts with one of these.
_WORDS = re.compile(r"[A-Za-z0-9_]+")
_PLACEHOLDER_STARTS = ("YOUR_", "REPLACE_WITH_")
_PLACEHOLDER_WORDS = frozenset({"REPLACE_ME", "CHANGE_ME"})
_SAMPLE_ACCOUNT = "123456789012"
_ARN_ACCOUNT = re.compile(r"arn:aws[a-z-]{0,20}:[a-z0-9-]{0,40}:[a-z0-9-]{0,30}:123456789012(?![0-9])")
_WHOLE_STARTS = ("%", "<", "{", "_")  # the first characters of the shapes `placeholder` matches
_SKIPPED_KEYS = frozenset({"Description", "Metadata", "Conditions", "Mappings", "Outputs", "Rules", "Transform"})
_MAX_VALUES = 100_000


def _problem(text: str, whole: bool) -> str | None:
    """What kind of placeholder ``text`` holds, or ``None``."""
    if whole:
        # Each whole-value shape starts with its own character (most values start with none).
        stripped = text.strip()
        first = stripped[:1]
        if first in _WHOLE_STARTS and not stripped.startswith("{{resolve:") and placeholder(stripped):
            return f"the placeholder `{stripped[:60]}`"
        if first == "[" and _WHOLE_BRACKETS.fullmatch(stripped):
            return f"the placeholder `{stripped[:60]}`"
    word = _placeholder_word(text)
    if word is not None:
        return f"the placeholder `{word[:60]}`"
    if _SAMPLE_ACCOUNT in text and (_ARN_ACCOUNT.search(text) or (whole and text.strip() == _SAMPLE_ACCOUNT)):
        return f"`{_SAMPLE_ACCOUNT}`, the example account of the AWS documentation"
    return None


def _placeholder_word(text: str) -> str | None:
    """The first ``YOUR_…``/``REPLACE_WITH_…``/``REPLACE_ME``/``CHANGE_ME`` word of ``text``."""
    if "YOUR_" not in text and "REPLACE_" not in text and "CHANGE_ME" not in text:
        return None
    for found in _WORDS.finditer(text):
        word = found.group(0).strip("_")
        if word.isupper() and (word.startswith(_PLACEHOLDER_STARTS) or word in _PLACEHOLDER_WORDS) and not word.endswith("_"):
            return word
    return None


def _values(node: Node | None, skip_whole: bool, out: list[tuple[Scalar, bool]], depth: int = 0) -> None:
    """The string scalars under ``node`` (``whole``: the scalar is a value of its own, not a
    ``!Sub`` template or a ``!Join`` part)."""
    if node is None or depth > 60 or len(out) >= _MAX_VALUES:
        return
    if isinstance(node, Scalar):
        if isinstance(node.value, str):
            out.append((node, not skip_whole and not str(node.tag or "").startswith("!")))
        elif isinstance(node.value, int) and not isinstance(node.value, bool) and node.raw == _SAMPLE_ACCOUNT:
            out.append((node, not skip_whole))
        return
    if isinstance(node, Sequence):
        for item in node.items:
            _values(item, skip_whole, out, depth + 1)
        return
    if isinstance(node, Mapping):
        for key, value in node.pairs:
            name = key.text if isinstance(key, Scalar) else ""
            if name in _SKIPPED_KEYS:
                continue
            if name in ("Ref", "Fn::GetAtt", "Condition", "Fn::ImportValue", "Fn::FindInMap", "Fn::GetAZs"):
                continue  # names of things in the template, not values
            _values(value, skip_whole or name.startswith("Fn::"), out, depth + 1)


@rule("TPL001", "template-placeholder", severity="warning", kinds=("template", "pipeline"))
def template_placeholder(doc: Document, config: Any) -> Iterator[Report]:
    """A template or pipeline file still holds a placeholder: ``YOUR_ACCOUNT_ID``, ``<bucket>``, ``123456789012``.

    Read in the values of a template's ``Resources`` and parameter ``Default``s, and in a CLI
    pipeline file: a whole value such as ``<bucket>``, ``%ServiceName%`` or ``[SNS ARN]``; an
    upper-case ``YOUR_…``, ``REPLACE_ME`` or ``CHANGE_ME`` word anywhere in a value; and
    ``123456789012`` (the account the AWS documentation uses in its examples) as the account
    of an ARN or as a whole account id. ``{{resolve:…}}`` dynamic references are values, not
    placeholders. (A whole-value placeholder in a CLI pipeline file is CP001's.)

    Why: CloudFormation and CodePipeline take most such values as written: a role ARN in the
    sample account deploys, and the pipeline fails when it first tries to assume the role; a
    bucket named ``<bucket>`` fails when an action first writes to it. Fill the value in, or
    make it a parameter.

    The advice follows the file: in a CloudFormation template, a parameter (``!Ref``,
    ``${AWS::AccountId}``); in an ``aws codepipeline create-pipeline`` or ``aws codebuild
    create-project`` JSON file, which the CLI sends as written (nothing resolves ``!Ref``,
    ``${AWS::AccountId}`` or ``{{resolve:…}}`` there), generating the file at deploy time (e.g.
    ``envsubst``); in Terraform, a variable or ``data.aws_caller_identity``.

    Failing::

        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: <bucket>}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Parameters:
          ArtifactBucket:
            Type: String
        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: !Sub arn:aws:iam::${AWS::AccountId}:role/pipeline
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: app}
                      InputArtifacts: [{Name: Src}]

    AWS: IAM User Guide, "IAM identifiers" (ARN format: the account is the 12-digit id of the
    account that owns the resource); the AWS documentation writes ``123456789012`` for "your
    account" in its examples.
    """
    found: list[tuple[Scalar, bool]] = []
    cli = doc.kind == "pipeline"
    if cli:
        if doc.flavor != "cli":
            return  # a CloudFormation pipeline is read with its template
        _values(doc.root, False, found)
    else:
        root = doc.root
        resources = root.get("Resources") if isinstance(root, Mapping) else None
        params = root.get("Parameters") if isinstance(root, Mapping) else None
        if isinstance(params, Mapping):
            for _, param in params.items():
                if isinstance(param, Mapping):
                    _values(param.get("Default"), False, found)
        if isinstance(resources, Mapping):
            for _, resource in resources.items():
                if isinstance(resource, Mapping):
                    _values(resource.get("Properties"), False, found)
    for node, whole in found:
        what = _problem(node.text, whole and not cli)
        if what is None:
            continue
        yield Report(node, f"this value holds {what}: a placeholder from a sample or a generator that was never filled in",
                     fix=_placeholder_fix(doc))


def _placeholder_fix(doc: Document) -> str:
    """TPL001's advice for the kind of file: only CloudFormation resolves ``!Ref`` and
    ``${AWS::AccountId}``; an ``aws`` CLI input file is sent as written, and Terraform has its
    own references."""
    flavor = doc.parent.flavor if doc.parent is not None else doc.flavor
    if doc.flavor in ("cli", "codebuild-json"):
        return ("replace it with the real value, or generate the file at deploy time (e.g. with `envsubst`): the `aws` CLI "
                "sends the file as written")
    if flavor == "terraform":
        return "replace it with the real value, or a reference (`var.<name>`, `data.aws_caller_identity.current.account_id`)"
    return "replace it with the real value, or a parameter (`!Ref`, `${AWS::AccountId}`)"
