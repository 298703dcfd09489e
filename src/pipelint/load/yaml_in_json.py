"""A ``.json`` file that holds YAML: say so, and lint the YAML it holds.

A YAML AppSpec or template saved under a ``.json`` name fails JSON parsing at its first
character (``JSON syntax error: unexpected 'v'``), which hides what is wrong and, when the YAML
has a real mistake, where it is. When a ``.json`` file fails JSON parsing, does not start with
``{`` or ``[``, and its first line of content reads like YAML (``key:``, ``- item``, ``---``),
it is read with the YAML loader instead:

* it parses to a mapping or a list: the file is linted as the YAML it is, with one more problem
  at its first character saying that it holds YAML. That problem is ``PL002`` (an error) when
  the content is an AWS CLI JSON input or an IAM policy (CodePipeline, CodeBuild, policy
  documents), which are read as JSON only, and ``PL016`` (a warning) otherwise: CodeDeploy reads
  ECS and Lambda AppSpec content as JSON or YAML, and CloudFormation reads templates in either;
* it fails as YAML too: the YAML error is reported (with its hint and position), saying that the
  file holds YAML, so the real mistake is shown rather than the first character.

Anything else keeps the JSON error. Positions are the YAML loader's, on the file's own lines.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .nodes import Mapping, NodePath, Sequence, Source
from .problems import Limits, LoadAbort, LoadProblem

if TYPE_CHECKING:
    from . import LoadResult

# The first line of content (after blank and comment lines): a plain or quoted key followed by
# `:` and a blank or the line end, a list item, or a document start. Matched on one line only.
_YAML_START = re.compile(r"(?:---|\.\.\.|-)(?:[ \t]|$)|(?:[A-Za-z_][\w.-]*|\"[^\"]*\"|'[^']*')[ \t]*:(?:[ \t]|$)")
# Kinds read as JSON only: AWS CLI JSON inputs and IAM policy documents.
_JSON_ONLY_KINDS = ("pipeline", "codebuild-json", "policy")


def first_content_line(lines: list[str]) -> tuple[int, int, str] | None:
    """``(line, column, text)`` of the first line that is neither blank nor a ``#`` comment
    (1-based; the column of its first non-blank character), looking at 200 lines at most."""
    for number, raw in enumerate(lines[:200], 1):
        stripped = raw.strip(" \t\ufeff")
        if stripped and not stripped.startswith("#"):
            return number, len(raw) - len(raw.lstrip(" \t\ufeff")) + 1, stripped
    return None


def load_yaml_in_json(text: str, path: str, limits: Limits, base_path: NodePath = ()) -> LoadResult | None:
    """The result of reading a ``.json`` file that failed as JSON as YAML, or ``None`` when it
    does not look like YAML (then the JSON error stands)."""
    from . import LoadResult

    if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        return None
    source = Source(path, text, "yaml")
    first = first_content_line(source.lines)
    if first is None or _YAML_START.match(first[2]) is None:
        return None
    from .yaml_loader import load_yaml

    result = LoadResult(source)
    try:
        result.roots = load_yaml(text, source, limits, result.problems, base_path)
    except LoadAbort as abort:
        problem = abort.problem
        if problem.code not in ("PL002", "PL010"):
            return None
        problem.message = f"this `.json` file holds YAML, not JSON, and the YAML is invalid: {problem.message}"
        problem.fix = (problem.fix + "; then " if problem.fix else "") + "rename the file `.yaml` (or convert it to JSON)"
        result.problems.append(problem)
        result.fatal = True
        return result
    except RecursionError:
        return None
    collections = [root for root in result.roots if isinstance(root, (Mapping, Sequence))]
    if not collections:
        return None
    from ..extract.classify import kind_by_content

    line, col, shown = first
    kind = kind_by_content(collections[0])
    word = shown if len(shown) <= 30 else shown[:27] + "..."
    if kind in _JSON_ONLY_KINDS:
        code = "PL002"
        why = "the AWS CLI reads JSON input files (`--cli-input-json file://…`, a policy document) as JSON only and rejects it"
        fix = "convert it to JSON (or give the YAML to the AWS CLI v2 with `--cli-input-yaml`)"
    else:
        code = "PL016"
        why = ("the AWS service may read YAML there too (CloudFormation templates, CodeDeploy AppSpec content, "
               "CodeBuild buildspecs), but an editor, a schema check or a tool that reads a `.json` file as JSON rejects it")
        fix = "rename it `.yaml` (`appspec.yaml`, `buildspec.yml`), or convert it to JSON"
    problem = LoadProblem(code, f"this `.json` file holds YAML, not JSON (it starts with `{word}`): {why}",
                          line, col, line, col + len(shown), fix=fix, anchor="this `.json` file holds YAML, not JSON")
    result.problems.insert(0, problem)
    return result
