"""Valid YAML loads: the same tree and positions as libyaml 0.2.5 (PyYAML's C loader) gives.

ruamel.yaml.clib's older libyaml rejects colons and question marks inside plain scalars of flow
collections; the loader reads those files again with the characters swapped for placeholders.
Each shape below must load without a problem, to the value PyYAML's safe loader builds (with
CloudFormation short tags turned into their long forms, as the loader does), and every node
must sit where libyaml's own composer puts it.
"""

from __future__ import annotations

import datetime
import textwrap

import pytest

from helpers import lint, triples
from pipelint.load import load_text
from pipelint.load.nodes import Mapping, Node, Scalar, Sequence

yaml = pytest.importorskip("yaml", reason="PyYAML (libyaml 0.2.5) is the reference; install the `test` extra")
if not getattr(yaml, "__with_libyaml__", False):  # pragma: no cover - depends on the wheel
    pytest.skip("PyYAML was built without libyaml; the reference must be libyaml 0.2.5", allow_module_level=True)

_LONG_FORMS = {"Ref": "Ref", "Condition": "Condition"}


class _CfnLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
    """PyYAML's libyaml-based safe loader, reading `!Tag x` as `{"Fn::Tag": x}`."""


def _construct_short_tag(loader, suffix: str, node):  # type: ignore[no-untyped-def]
    name = suffix.lstrip("!")
    key = _LONG_FORMS.get(name, f"Fn::{name}")
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "GetAtt" and "." in value:
            return {key: value.split(".", 1)}
        return {key: value}
    if isinstance(node, yaml.SequenceNode):
        return {key: loader.construct_sequence(node, deep=True)}
    return {key: loader.construct_mapping(node, deep=True)}


_CfnLoader.add_multi_constructor("!", _construct_short_tag)


def _reference(text: str) -> list:
    """PyYAML's values, with dates (which pipelint keeps as text) back as text."""

    def plain(value):  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            return {plain(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return [plain(doc) for doc in yaml.load_all(text, Loader=_CfnLoader)]


def _spans(ours: Node, theirs, found: list) -> None:  # type: ignore[no-untyped-def]
    """Pair our nodes with PyYAML's composed nodes and collect both spans of each pair."""
    if isinstance(ours, Mapping) and len(ours.pairs) == 1:
        key = ours.pairs[0][0]
        if isinstance(key, Scalar) and key.raw.startswith("!") and theirs.tag.startswith("!"):
            # A short tag the loader expanded: the wrapper sits where the tagged node does.
            found.append((_ours(ours), _theirs(theirs), theirs.tag))
            value = ours.pairs[0][1]
            if key.raw == "!GetAtt" and isinstance(theirs, yaml.ScalarNode):
                return
            _spans(value, theirs, found)
            return
    found.append((_ours(ours), _theirs(theirs), getattr(theirs, "value", None) if isinstance(theirs, yaml.ScalarNode) else theirs.tag))
    if isinstance(ours, Mapping):
        assert len(ours.pairs) == len(theirs.value)
        for (key, value), (their_key, their_value) in zip(ours.pairs, theirs.value):
            _spans(key, their_key, found)
            _spans(value, their_value, found)
    elif isinstance(ours, Sequence):
        assert len(ours.items) == len(theirs.value)
        for item, their_item in zip(ours.items, theirs.value):
            _spans(item, their_item, found)


def _ours(node: Node) -> tuple[int, int, int, int]:
    return node.span


def _theirs(node) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    start, end = node.start_mark, node.end_mark
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


SHAPES = {
    "colon-in-flow-sequence": "Action: [sts:AssumeRole, 's3:Get*', \"s3:PutObject\", logs:*]\n",
    "colon-in-flow-mapping": "Principal: { AWS: arn:aws:iam::123456789012:root }\n",
    "short-tags-in-flow": "ImageId: !FindInMap [RegionAMI, !Ref AWS::Region, AMI]\n",
    "url-in-flow": "commands: [make, aws s3 cp dist s3://bucket/app]\n",
    "hash-slash-star-in-plain": "items: [a#b, /usr/local/bin, arn:aws:s3:::bucket/*, c*d, 'e #f'] # a comment\n",
    "question-marks": "urls: [https://example.com/path?a=b&c=d, what?, a?:b]\n",
    "json-style-keys": 'map: {"key":"v:w", "n":1, k2: x:y}\n',
    "keys-with-colons": "m: {arn:aws:iam::1:role/x: allowed, plain: 1}\n",
    "sexagesimal-in-flow": "times: [1:30, 190:20:30, '1:30']\n",
    "nested-flow-in-block": textwrap.dedent(
        """\
        Statement:
          - Effect: Allow
            Action: [logs:CreateLogGroup, logs:PutLogEvents]
            Resource: {Fn::Sub: "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:*"}
            Condition: {StringEquals: {aws:RequestedRegion: [eu-west-1, us-east-1]}}
        """
    ),
    "cloudformation-tags": textwrap.dedent(
        """\
        AWSTemplateFormatVersion: 2010-09-09
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Join [':', [!Ref AWS::StackName, !Select [0, !GetAZs '']]]
              Arn: !Sub ['arn:aws:s3:::${B}/*', {B: !Ref Bucket}]
              Role: !If [IsProd, !GetAtt Role.Arn, !Ref AWS::NoValue]
              Tags: [{Key: owner:team, Value: !ImportValue shared:owner}]
        """
    ),
    "comments-everywhere": textwrap.dedent(
        """\
        # leading comment
        a: # after a key
          - x # after an item
          # between items
          - [y:1, # inside a flow sequence
             z:2] # after it
        b: {c: d:e, # inside a flow mapping
            f: g}
        # trailing comment
        """
    ),
    "indented-root-mapping": "   a: [x:y]\n   b: {c: d:e}\n",
    "indented-root-sequence": "  - a:b\n  - [c:d, e]\n",
    "quoted-and-unquoted-equivalents": "q: [x:y, 'x:y', \"x:y\", x?y, 'x?y']\n",
    "colon-after-a-space-in-flow": "d: [a :b, {k: c  :d}, 'e' , f]\n",
    "lone-colons-and-spaces": "e: [a: b, {k: v}, \"q\": w]\n",
    "multi-line-flow": "list: [one:two,\n  three:four,\n  five]\n",
    "anchors-and-aliases": "base: &b [a:b, c:d]\nuse: *b\n",
    "block-scalar-beside-flow": "cmd: |\n  echo [a:b]\nflow: [a:b]\n",
    "documents": "---\na: [x:y]\n---\nb: {c: d:e}\n...\n",
    "tabs-after-values": "a: [x:y]\t\nb: c\t# tab then comment\n",
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_valid_shape_loads_like_libyaml_025(name: str) -> None:
    text = SHAPES[name]
    result = load_text(text, f"{name}.yml")
    assert result.problems == []
    assert [root.to_python() for root in result.roots] == _reference(text)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_valid_shape_positions_match_libyaml_025(name: str) -> None:
    text = SHAPES[name]
    roots = load_text(text, f"{name}.yml").roots
    composed = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    assert len(roots) == len(composed)
    pairs: list = []
    for ours, theirs in zip(roots, composed):
        _spans(ours, theirs, pairs)
    mismatched = [(label, ours, theirs) for ours, theirs, label in pairs if ours != theirs]
    assert mismatched == []
    assert len(pairs) > 2


def test_positions_of_scalars_inside_flow_with_colons() -> None:
    text = "Statement:\n  - Action: [sts:AssumeRole, s3:GetObject]\n    Principal: { AWS: arn:aws:iam::123456789012:root }\n"
    root = load_text(text, "x.yml").roots[0]
    statement = root.get("Statement")[0]
    actions = statement.get("Action")
    assert [(a.value, a.span) for a in actions] == [("sts:AssumeRole", (2, 14, 2, 28)), ("s3:GetObject", (2, 30, 2, 42))]
    assert actions.span == (2, 13, 2, 43)
    principal = statement.get("Principal").get("AWS")
    assert (principal.value, principal.span) == ("arn:aws:iam::123456789012:root", (3, 23, 3, 53))
    assert principal.path == ("Statement", 0, "Principal", "AWS")
    assert statement.get("Principal").key_node("AWS").span == (3, 18, 3, 21)


def test_short_tag_in_flow_keeps_its_position() -> None:
    root = load_text("ImageId: !FindInMap [RegionAMI, !Ref AWS::Region, AMI]\n", "x.yml").roots[0]
    find = root.get("ImageId")
    assert find.to_python() == {"Fn::FindInMap": ["RegionAMI", {"Ref": "AWS::Region"}, "AMI"]}
    ref = find.get("Fn::FindInMap")[1]
    assert ref.span == (1, 33, 1, 49)  # from the tag to the end of its value
    assert ref.key_node("Ref").span == (1, 33, 1, 37)
    assert ref.get("Ref").span == (1, 33, 1, 49)


def test_flow_colons_load_in_json_style_yaml_keys_too() -> None:
    root = load_text('a: {"k":v:w}\n', "x.yml").roots[0]
    assert root.to_python() == {"a": {"k": "v:w"}}


def test_syntax_error_after_flow_colons_is_reported_where_it_is() -> None:
    """The relaxed reading names the real error, not the colon the old parser stopped at."""
    result = load_text("a: [sts:AssumeRole]\nb: [x\nc: d\n", "x.yml")
    assert [(p.code, p.line, p.col) for p in result.problems] == [("PL002", 3, 2)]
    assert "did not find expected ',' or ']'" in result.problems[0].message


@pytest.mark.parametrize("text", ["a: [x:]\n", "a: [x:, y]\n"])
def test_what_libyaml_025_rejects_is_still_an_error(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.load(text, Loader=yaml.CSafeLoader)
    assert [p.code for p in load_text(text, "x.yml").problems] == ["PL002"]


def test_tags_with_colons_are_left_alone() -> None:
    result = load_text("a: !<tag:yaml.org,2002:str> 12\nb: [c:d]\n", "x.yml")
    assert result.problems == []
    root = result.roots[0]
    assert root.get("a").value == "12" and root.get("a").tag == "tag:yaml.org,2002:str"
    assert root.get("b").to_python() == ["c:d"]


SNIPPETS = [
    ("Action: [sts:AssumeRole]\n", {"Action": ["sts:AssumeRole"]}),
    ("Principal: { AWS: arn:aws:iam::123456789012:root }\n", {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}}),
    ("ImageId: !FindInMap [RegionAMI, !Ref AWS::Region, AMI]\n", {"ImageId": {"Fn::FindInMap": ["RegionAMI", {"Ref": "AWS::Region"}, "AMI"]}}),
    ("commands: [make, aws s3 cp dist s3://bucket/app]\n", {"commands": ["make", "aws s3 cp dist s3://bucket/app"]}),
]


@pytest.mark.parametrize("text,expected", SNIPPETS)
def test_issue_snippets_load_without_pl002(text: str, expected: dict) -> None:
    result = load_text(text, "x.yml")
    assert result.problems == []
    assert result.roots[0].to_python() == expected


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Mappings:
  RegionAMI:
    us-east-1: {AMI: ami-12345678}
Resources:
  BuildRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::123456789012:root }
            Action: [sts:AssumeRole]
      Policies:
        - PolicyName: build
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:*]
                Resource: "*"
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionAMI, !Ref AWS::Region, AMI]
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: !GetAtt BuildRole.Arn
      Artifacts: {Type: NO_ARTIFACTS}
      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: "aws/codebuild/standard:7.0"}
      Source:
        Type: NO_SOURCE
        BuildSpec: |
          version: 0.2
          phases:
            build:
              commands: [make, aws s3 cp dist s3://bucket/app]
"""


def test_issue_snippets_in_a_real_template_get_their_other_checks(tmp_path) -> None:
    (tmp_path / "template.yml").write_text(TEMPLATE)
    found = triples(lint(str(tmp_path)))
    assert [t for t in found if t[0].startswith("PL")] == []
    # The trust policy's account root and the `s3:*` wildcard, both inside flow collections.
    assert ("IAM007", 13, 31) in found
    assert ("IAM002", 21, 26) in found


_ATOMS = [
    "a", "b:c", "x:y:z", "http://h/p?q=1", "a?b", "'q:r'", '"s:t"', "1:30", "arn:aws:iam::1:root", "k#v",
    "c*d", "/x/y", "0755", "yes", "~", "''", "a :b", "e: f", "[g:h]", "{i: j:k}", ":", "a:", "-x", "*",
    "!!str 1:2", '"k":v', "a b:c", "x  :y",
]
_KEYS = ["a", "b:c", "k", '"q"', "x?y", "m :n"]


def _flow(rng, depth: int = 0) -> str:  # type: ignore[no-untyped-def]
    roll = rng.random()
    if depth > 2 or roll < 0.4:
        return rng.choice(_ATOMS)
    if roll < 0.7:
        return "[" + ", ".join(_flow(rng, depth + 1) for _ in range(rng.randint(0, 3))) + "]"
    return "{" + ", ".join(rng.choice(_KEYS) + ": " + _flow(rng, depth + 1) for _ in range(rng.randint(0, 3))) + "}"


def test_random_flow_collections_load_exactly_when_libyaml_025_does():
    """Differential: generated flow collections (colons, `?`, `#`, quotes, tags) are accepted
    by the loader exactly when libyaml 0.2.5 accepts them, with the same values."""
    import random

    def plain(value):  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            return {("" if k is None else plain(k)): plain(v) for k, v in value.items()}
        return [plain(v) for v in value] if isinstance(value, list) else value

    rng = random.Random(12)
    accepted = 0
    for _ in range(2000):
        text = "root: " + _flow(rng) + "\nother: " + _flow(rng) + "\n"
        try:
            theirs = plain(yaml.load(text, Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            theirs = None
        result = load_text(text, "x.yml")
        ours = None if result.fatal else result.roots[0].to_python()
        assert ours == theirs, text
        accepted += theirs is not None
    assert accepted > 700
