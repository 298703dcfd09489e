"""Which kind of file is this? By name first, then by content (design.md, stage 1)."""

from __future__ import annotations

import fnmatch
import os
import re

from ..load.nodes import Mapping, Node, Scalar
from ..textutil import lazy_regex

BUILDSPEC_NAME = re.compile(r"^buildspec[^/]*\.ya?ml$", re.I)
APPSPEC_NAME = re.compile(r"^appspec\.(?:ya?ml|json)$", re.I)
CANDIDATE_EXTENSIONS = (".yml", ".yaml", ".json", ".template", ".tf")
# Words one of which a file must contain before it is worth parsing to sniff its content.
_SNIFF = lazy_regex(r"AWSTemplateFormatVersion|Resources|\"?pipeline\"?\s*:|Statement|phases|[Hh]ooks|AWS::|\"(?:computeType|filterGroups)\"")

FILE_KINDS = ("buildspec", "appspec", "pipeline", "template", "policy", "terraform", "codebuild-json")


def kind_by_name(path: str, kind_globs: dict[str, str] | None = None) -> str | None:
    """The kind a file's name (or a configured glob) gives it, if any."""
    normalised = path.replace(os.sep, "/")
    for pattern, kind in (kind_globs or {}).items():
        if fnmatch.fnmatch(normalised, pattern) or fnmatch.fnmatch(os.path.basename(normalised), pattern):
            return kind
    base = os.path.basename(normalised)
    if base.lower().endswith((".tf", ".tf.json")):
        return "terraform"
    if BUILDSPEC_NAME.match(base):
        return "buildspec"
    if APPSPEC_NAME.match(base):
        return "appspec"
    return None


def worth_sniffing(text: str) -> bool:
    """Whether a file's text might hold a kind we read (cheap test before parsing)."""
    return _SNIFF.search(text) is not None


# Linear in the text: no `\s*` after `^` (which, with re.M, would run over every following
# blank line from every line start), and no "anything, then a later word" searches.
_TEXT_TEMPLATE = lazy_regex(r"AWSTemplateFormatVersion|^[ \t]*Type:[ \t]*['\"]?AWS::|\"Type\"[ \t]*:[ \t]*\"AWS::", re.M)
_TEXT_PIPELINE_KEY = lazy_regex(r"pipeline[\"']?[ \t]*:")
_TEXT_STAGES_KEY = lazy_regex(r"stages[\"']?[ \t]*:")
# A policy: a `Statement` key and an `Effect` or `Version` key (anywhere: a statement may follow
# a long value). Each is one search for a literal word, linear in the text.
_TEXT_STATEMENT_KEY = lazy_regex(r"\bStatement[\"']?[ \t]*:")
_TEXT_POLICY_KEY = lazy_regex(r"\b(?:Effect|Version)[\"']?[ \t]*:")
# An `aws codebuild` input file: the environment's `computeType`, or a webhook's `filterGroups`.
_TEXT_CODEBUILD_KEY = lazy_regex(r"\"(?:computeType|filterGroups)\"[ \t]*:")


def kind_by_text(text: str) -> str | None:
    """The kind of a file that does not parse, judged from its raw text (to report the error)."""
    if _TEXT_TEMPLATE.search(text):
        return "template"
    head = text[:20000]
    pipeline = _TEXT_PIPELINE_KEY.search(head)
    if pipeline is not None and _TEXT_STAGES_KEY.search(head, pipeline.end()):
        return "pipeline"
    if _TEXT_STATEMENT_KEY.search(text) and _TEXT_POLICY_KEY.search(text):
        return "policy"
    if _TEXT_CODEBUILD_KEY.search(head):
        return "codebuild-json"
    return None


def kind_by_content(root: Node) -> str | None:
    """The kind a parsed document's content shows, if any."""
    if not isinstance(root, Mapping):
        return None
    if "AWSTemplateFormatVersion" in root:
        return "template"
    resources = root.get("Resources")
    if isinstance(resources, Mapping) and any(_is_aws_resource(v) for _, v in resources.items()):
        return "template"
    pipeline = root.get("pipeline")
    if isinstance(pipeline, Mapping) and "stages" in pipeline:
        return "pipeline"
    if "Statement" in root and ("Version" in root or isinstance(root.get("Statement"), (Mapping,)) or _is_statement_list(root.get("Statement"))):
        return "policy"
    phases = root.get("phases")
    if "version" in root and isinstance(phases, Mapping) and any(p in phases for p in ("install", "pre_build", "build", "post_build")):
        return "buildspec"
    version = root.get("version")
    if isinstance(version, Scalar) and str(version.value) in ("0.0", "0") and any(k in root for k in ("hooks", "Hooks", "files", "Resources", "resources", "os")):
        return "appspec"
    from ..models.codebuild_cli import is_codebuild_json

    if is_codebuild_json(root):
        return "codebuild-json"
    return None


def _is_aws_resource(node: Node) -> bool:
    if not isinstance(node, Mapping):
        return False
    kind = node.get("Type")
    return isinstance(kind, Scalar) and isinstance(kind.value, str) and kind.value.startswith(("AWS::", "Custom::", "Alexa::"))


def _is_statement_list(node: Node | None) -> bool:
    from ..load.nodes import Sequence

    return isinstance(node, Sequence) and bool(node.items) and all(isinstance(i, Mapping) and ("Effect" in i or "Action" in i) for i in node.items)
