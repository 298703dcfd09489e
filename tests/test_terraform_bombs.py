"""Hostile Terraform input: locals that expand to enormous values, and long non-ASCII lines.

Each bomb is a file of a few kilobytes whose locals stand for 10^11 characters or 12^9 values;
without a bound the first exhausts memory and the second runs for hours. The tests assert what
the loader builds is bounded (sizes and counts, not times) and that ordinary locals resolve.
"""

from __future__ import annotations

import json
from typing import Any

from helpers import lint
from pipelint.load.nodes import Mapping, Node, Scalar, Sequence, intrinsic, walk
from pipelint.terraform import context as tf_context
from pipelint.terraform import hcl
from pipelint.terraform.load import load_terraform

PROJECT = '''resource "aws_codebuild_project" "p" {{
  name = "p"
  service_role = "arn:aws:iam::111111111111:role/x"
  artifacts {{ type = "NO_ARTIFACTS" }}
  environment {{
    compute_type = "BUILD_GENERAL1_SMALL"
    image = "aws/codebuild/standard:7.0"
    type = "LINUX_CONTAINER"
  }}
  source {{
    type = "NO_SOURCE"
    buildspec = {buildspec}
  }}
  badge_enabled = {other}
  description = {description}
}}
'''


def _string_bomb(levels: int) -> str:
    """Each local is the previous one ten times over, in a template: 1,000 × 10^levels chars."""
    lines = ["locals {", '  a0 = "' + "x" * 1000 + '"']
    for i in range(1, levels + 1):
        lines.append(f"  a{i} = \"" + f"${{local.a{i - 1}}}" * 10 + '"')
    lines.append("}")
    last = f"local.a{levels}"
    return "\n".join(lines) + "\n" + PROJECT.format(buildspec=last, other=last, description=last)


def _list_bomb(levels: int) -> str:
    """Each local lists the previous one twelve times: 12^levels objects."""
    lines = ["locals {", '  a0 = { Name = "A", Value = "b", Type = "PLAINTEXT" }']
    for i in range(1, levels + 1):
        lines.append(f"  a{i} = [" + ", ".join([f"local.a{i - 1}"] * 12) + "]")
    lines.append("}")
    last = f"local.a{levels}"
    return "\n".join(lines) + "\n" + PROJECT.format(buildspec='"version: 0.2"', other=last, description=last)


def _list_bomb_json(levels: int) -> str:
    """The list bomb in `.tf.json`: whole-string `"${local.aN}"` references."""
    locals_: dict[str, object] = {"a0": {"Name": "A", "Value": "b"}}
    for i in range(1, levels + 1):
        locals_[f"a{i}"] = [f"${{local.a{i - 1}}}"] * 12
    last = f"${{local.a{levels}}}"
    return json.dumps({"locals": locals_, "resource": {"aws_codebuild_project": {"p": {"name": "p", "description": last, "badge_enabled": last}}}})


def _properties(text: str, name: str = "main.tf") -> Mapping:
    result = load_terraform(text, name, None)
    assert not result.fatal and result.roots
    props = result.roots[0].get("Resources").get("aws_codebuild_project.p").get("Properties")
    assert isinstance(props, Mapping)
    return props


def _expanded(node: Node) -> tuple[int, int]:
    """The nodes and characters of a tree as the rules walk it (shared parts once per use)."""
    nodes = chars = 0
    for current in walk(node):
        nodes += 1
        if isinstance(current, Scalar) and isinstance(current.value, str):
            chars += len(current.value)
    return nodes, chars


def _is_unknown_reference(node: Node | None, address: str) -> bool:
    return intrinsic(node) == "Ref" and isinstance(node, Mapping) and node.pairs[0][1].value == address


def test_string_bomb_in_locals_is_unknown_not_expanded():
    # 10^11 characters in a8: the old loader ran out of memory building it.
    props = _properties(_string_bomb(8))
    assert _is_unknown_reference(props.get("Description"), "local.a8")
    nodes, chars = _expanded(props)
    assert chars <= tf_context.EXPANDED_CHARS_FLOOR + 10_000


def test_list_bomb_in_locals_is_bounded():
    # 12^9 objects in a9 (the old loader walked them again and again for hours).
    props = _properties(_list_bomb(9))
    assert _is_unknown_reference(props.get("Description"), "local.a9")
    nodes, _ = _expanded(props)
    assert nodes <= tf_context.MAX_EXPANDED_NODES + 1_000


def test_list_bomb_in_tf_json_is_bounded():
    props = _properties(_list_bomb_json(9), "main.tf.json")
    description = props.get("Description")
    assert intrinsic(description) is not None and _expanded(description)[0] < 10
    assert _expanded(props)[0] <= tf_context.MAX_EXPANDED_NODES + 1_000


def test_list_bomb_lints_without_findings_about_the_bomb(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(_list_bomb(9))
    codes = sorted(f.code for f in lint(str(path)))
    assert not any(code.startswith("PL0") for code in codes)  # no internal error, nothing refused


def test_each_resolved_collection_is_measured_once(monkeypatch):
    # Resolving a local measures only what its own expression wrote: the shared values of the
    # locals it repeats were measured when those were resolved.
    measured: list[int] = []
    original = tf_context.ModuleContext._measure

    def counting(self: tf_context.ModuleContext, root: Node) -> dict[int, tuple[Node, int, int]] | None:
        sizes = original(self, root)
        measured.append(len(sizes or ()))
        return sizes

    monkeypatch.setattr(tf_context.ModuleContext, "_measure", counting)
    _properties(_list_bomb(4))
    # a0 (one mapping) and a1..a4 (one list each, whose items are the shared previous local).
    assert sum(measured) <= 5


def test_locals_within_the_budget_still_resolve():
    text = '''locals {
  stage = "dev"
  prefix = "${local.stage}-${local.stage}"
  tag = { Name = local.prefix, Team = "ci" }
  tags = [local.tag, local.tag, local.tag]
}
''' + PROJECT.format(buildspec='"version: 0.2"', other="local.tags[1].Name", description='"${local.prefix}/${local.stage}"')
    props = _properties(text)
    description = props.get("Description")
    assert isinstance(description, Scalar) and description.value == "dev-dev/dev"
    tag = props.get("BadgeEnabled")
    assert isinstance(tag, Scalar) and tag.value == "dev-dev" and (tag.line, tag.col) == (20, 19)


def test_a_use_past_the_budget_is_unknown_and_smaller_uses_before_it_resolve(monkeypatch):
    # `many` resolves (18 × 3 nodes), but its use would pass the budget of 60; `small` fits.
    monkeypatch.setattr(tf_context, "MAX_EXPANDED_NODES", 60)
    text = '''locals {
  small = ["a", "b"]
  many = [local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small, local.small]
}
''' + PROJECT.format(buildspec='"version: 0.2"', other="local.small", description="local.many")
    props = _properties(text)
    assert isinstance(props.get("BadgeEnabled"), Sequence)
    assert _is_unknown_reference(props.get("Description"), "local.many")


def test_jsonencode_of_a_list_bomb_is_unknown():
    text = _list_bomb(9).replace("description = local.a9", "description = jsonencode(local.a9)")
    description = _properties(text).get("Description")
    assert intrinsic(description) is not None


class _CountingBytes(bytes):
    """Bytes that count how many bytes their slices copy."""

    copied = 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        part = super().__getitem__(index)
        if isinstance(index, slice):
            _CountingBytes.copied += len(part)
        return part


def test_columns_on_a_long_non_ascii_line_cost_constant_work_per_node(monkeypatch):
    # 18,000 values on one line, one non-ASCII character: decoding the line's prefix for every
    # node's position copied gigabytes (93 s for the reviewer's 990 KB line).
    line = '  x = ["é", ' + ", ".join(["1234567890"] * 18_000) + "]"
    class Converter(hcl._Converter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.lines = [_CountingBytes(part) for part in self.lines]

    monkeypatch.setattr(hcl, "_Converter", Converter)
    _CountingBytes.copied = 0
    body, problems = hcl.parse_hcl("locals {\n" + line + "\n}\n")
    assert problems == [] and body is not None
    length = len(line.encode())
    # At most a stride per position (the old way: half the line per position, 10^10 bytes).
    assert _CountingBytes.copied < 2 * length + 8 * 18_000 * hcl._COL_STRIDE
    items = body.blocks[0].body.attributes["x"].expr.items or []
    assert len(items) == 18_001 and items[-1].span.col == line.rindex("1234567890") + 1


def test_columns_count_code_points_on_mixed_lines():
    lines = ["ab\tcé€😀" * 70 + "x", "", "plain", "\u2028é" * 300]
    text = "\n".join(lines)
    converter = hcl._Converter(text.encode("utf-8"), text)
    for row, line in enumerate(lines):
        for index in range(len(line) + 1):
            assert converter.col(row, len(line[:index].encode("utf-8"))) == index + 1


def _policy_uses(policy: str, uses: int) -> str:
    text = "locals {\n" + policy + "}\n"
    for r in range(uses):
        text += f'resource "aws_iam_role_policy" "r{r}" {{\n  role = "x"\n  policy = {"jsonencode(local.p)" if "p = {" in policy else "local.p"}\n}}\n'
    return text


def _policy_trees(text: str) -> list[Node]:
    result = load_terraform(text, "main.tf", None)
    resources = result.roots[0].get("Resources")
    assert isinstance(resources, Mapping)
    trees = []
    for _, resource in resources.pairs:
        props = resource.get("Properties") if isinstance(resource, Mapping) else None
        tree = props.get("PolicyDocument") if isinstance(props, Mapping) else None
        assert tree is not None
        trees.append(tree)
    return trees


def test_a_policy_local_read_at_every_use_is_bounded():
    # IAM reads a policy local from its text at each use: 400 uses of a 250-statement heredoc
    # were 700,000 values (a 330 KB file of 2,500 statements and 1,500 uses: 3 GB, MemoryError).
    statements = ",\n".join(f'    {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b{i}/*"}}' for i in range(250))
    text = _policy_uses('  p = <<EOF\n{"Version": "2012-10-17", "Statement": [\n' + statements + "\n]}\nEOF\n", 400)
    trees = _policy_trees(text)
    assert len(trees) == 400
    read = [tree for tree in trees if intrinsic(tree) is None]
    assert 10 < len(read) < 400  # the first uses are read, the rest are unknown
    assert sum(_expanded(tree)[0] for tree in trees) <= tf_context.MAX_EXPANDED_NODES + 2_000
    statement = read[-1].get("Statement")
    assert isinstance(statement, Sequence) and len(statement) == 250 and statement.items[0].line == 4


def test_a_jsonencoded_policy_local_read_at_every_use_is_bounded():
    statements = ", ".join(f'{{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b{i}/*" }}' for i in range(250))
    trees = _policy_trees(_policy_uses('  p = { Version = "2012-10-17", Statement = [' + statements + "] }\n", 400))
    assert 10 < len([tree for tree in trees if intrinsic(tree) is None]) < 400
    assert sum(_expanded(tree)[0] for tree in trees) <= tf_context.MAX_EXPANDED_NODES + 2_000
