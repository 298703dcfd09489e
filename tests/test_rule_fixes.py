"""Every suggested fix must be right (issue 12, part 2).

Two kinds of test: one per corrected message (the fix that used to be wrong, on the input that
showed it), and a walk over every rule's documentation that lints the failing and the fixed
example: the failing one must trip the rule and the fixed one must not.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from typing import Any

import pytest

from helpers import lint
from pipelint.engine.registry import load_rules


def _write(tmp_path: Any, name: str, text: str) -> str:
    path = os.path.join(str(tmp_path), name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _only(findings: list[Any], code: str) -> list[Any]:
    return [f for f in findings if f.code == code]


# ---------------------------------------------------------------------------------------------
# One test per corrected message


def test_bs302_docker_runtime_says_delete_the_line(tmp_path: Any) -> None:
    """`docker: 18` cannot be selected on current x86_64 images: delete it, do not "use one of 23"."""
    path = _write(tmp_path, "buildspec.yml", "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      docker: 18\n"
                  "  build:\n    commands:\n      - docker build .\n")
    found = _only(lint(path), "BS302")
    assert [(f.line, f.col) for f in found] == [(5, 15)]
    assert found[0].fix == "delete the `docker:` line"
    assert "use one of" not in found[0].message and "Delete this line" in found[0].message
    assert str(found[0].severity) == "warning"


def test_bs302_other_runtimes_still_list_the_preinstalled_versions(tmp_path: Any) -> None:
    path = _write(tmp_path, "buildspec.yml", "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 12\n"
                  "  build:\n    commands:\n      - npm test\n")
    found = _only(lint(path), "BS302")
    assert [(f.line, f.col) for f in found] == [(5, 15)]
    assert found[0].fix is not None and found[0].fix.startswith("use one of 18")


_CFN_JSON = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"ProjectName": {"Type": "String"}},
    "Resources": {
        "Pipeline": {
            "Type": "AWS::CodePipeline::Pipeline",
            "Properties": {
                "RoleArn": "arn:aws:iam::123456789012:role/pipeline",
                "ArtifactStore": {"Type": "S3", "Location": "bucket"},
                "Stages": [
                    {"Name": "Source", "Actions": [{
                        "Name": "Source",
                        "ActionTypeId": {"Category": "Source", "Owner": "AWS", "Provider": "S3", "Version": "1"},
                        "Configuration": {"S3Bucket": "bucket", "S3ObjectKey": "app.zip"},
                        "OutputArtifacts": [{"Name": "${ProjectName}-Source"}]}]},
                    {"Name": "Deploy", "Actions": [{
                        "Name": "Deploy",
                        "ActionTypeId": {"Category": "Deploy", "Owner": "AWS", "Provider": "S3", "Version": "1"},
                        "Configuration": {"BucketName": "site", "Extract": "true"},
                        "InputArtifacts": [{"Name": "${ProjectName}-Source"}]}]},
                ],
            },
        }
    },
}


def test_cp106_fix_in_a_json_template_is_json(tmp_path: Any) -> None:
    """A `${…}` artifact name in a JSON template: the fix is `{"Fn::Sub": …}`, never `!Sub`."""
    path = _write(tmp_path, "pipeline.json", json.dumps(_CFN_JSON, indent=2))
    found = _only(lint(path), "CP106")
    assert len(found) == 2
    for finding in found:
        assert finding.fix == 'write `{"Fn::Sub": "${ProjectName}-Source"}`'
        assert "!Sub" not in finding.message + (finding.fix or "")
        json.loads(finding.fix[len("write `"):-1])  # the advice itself parses as JSON


def test_cp106_fix_in_a_yaml_template_uses_the_short_tag(tmp_path: Any) -> None:
    text = textwrap.dedent("""\
        Resources:
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: arn:aws:iam::123456789012:role/pipeline
              ArtifactStore: {Type: S3, Location: bucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {S3Bucket: bucket, S3ObjectKey: app.zip}
                      OutputArtifacts: [{Name: "${AWS::StackName}-Source"}]
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: S3, Version: "1"}
                      Configuration: {BucketName: site, Extract: "true"}
                      InputArtifacts: [{Name: "${AWS::StackName}-Source"}]
        """)
    path = _write(tmp_path, "pipeline.yaml", text)
    found = _only(lint(path), "CP106")
    assert [(f.line, f.col) for f in found] == [(13, 40), (19, 39)]
    assert found[0].fix == "write `!Sub ${AWS::StackName}-Source`"


def test_cp106_placeholder_is_called_a_placeholder(tmp_path: Any) -> None:
    """`%ServiceName%` is filled in by a generator; advice must not rename it `-ServiceName-`."""
    pipeline = {
        "pipeline": {
            "name": "%ServiceName%",
            "roleArn": "arn:aws:iam::123456789012:role/pipeline",
            "artifactStore": {"type": "S3", "location": "bucket"},
            "stages": [
                {"name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                    "configuration": {"S3Bucket": "bucket", "S3ObjectKey": "app.zip"},
                    "outputArtifacts": [{"name": "<SOURCE_ARTIFACT>"}]}]},
                {"name": "Deploy", "actions": [{
                    "name": "Deploy",
                    "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
                    "configuration": {"BucketName": "site", "Extract": "true"},
                    "inputArtifacts": [{"name": "<SOURCE_ARTIFACT>"}]}]},
            ],
        }
    }
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = _only(lint(path), "CP106")
    assert [(f.line, f.col) for f in found] == [(3, 13), (27, 25), (50, 25)]
    for finding in found:
        assert "placeholder" in finding.message
        assert finding.fix is not None and "placeholder" in finding.fix
        assert "-ServiceName-" not in finding.message + finding.fix
        assert "-SOURCE_ARTIFACT-" not in finding.message + finding.fix


def test_cp106_dollar_brace_in_a_cli_json_is_not_told_to_use_sub(tmp_path: Any) -> None:
    """A CLI JSON pipeline has no CloudFormation: `${X}` must be substituted before it is used."""
    pipeline = {"pipeline": {"name": "${APP}-pipeline", "roleArn": "arn:aws:iam::123456789012:role/p",
                             "artifactStore": {"type": "S3", "location": "bucket"}, "stages": []}}
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = _only(lint(path), "CP106")
    assert [(f.line, f.col) for f in found] == [(3, 13)]
    assert "Sub" not in found[0].message + (found[0].fix or "")
    assert "-APP--pipeline" not in (found[0].fix or "")


def test_cp001_placeholder_role_is_called_a_placeholder(tmp_path: Any) -> None:
    pipeline = {"pipeline": {"name": "app", "roleArn": "<ROLE_ARN>", "artifactStore": {"type": "S3", "location": "bucket"},
                             "stages": []}}
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = [f for f in _only(lint(path), "CP001") if f.line == 4]
    assert [(f.line, f.col) for f in found] == [(4, 16)]
    assert "`pipeline.roleArn` is the template placeholder `<ROLE_ARN>`" in found[0].message
    assert found[0].fix == "replace the placeholder with the real value"

def test_as505_template_placeholder_event_is_called_a_placeholder(tmp_path: Any) -> None:
    """The CodeDeploy guide's Lambda AppSpec template says `LifeCycleEvent`; no 'did you mean' another event."""
    text = ('version: 0.0\nResources:\n  - MyFunction:\n      Type: AWS::Lambda::Function\n      Properties:\n'
            '        Name: fn\n        Alias: live\n        CurrentVersion: "1"\n        TargetVersion: "2"\n'
            'Hooks:\n  - LifeCycleEvent: ""\n')
    path = _write(tmp_path, "appspec.yaml", text)
    found = _only(lint(path), "AS505")
    assert [(f.line, f.col) for f in found] == [(11, 5)]
    assert "placeholder" in found[0].message and "did you mean" not in found[0].message
    assert found[0].fix == "replace the placeholder with an event"

def test_cp120_fix_in_a_json_pipeline_is_json(tmp_path: Any) -> None:
    pipeline = {"pipeline": {"name": "app", "roleArn": "arn:aws:iam::123456789012:role/p", "stages": [
        {"name": "Source", "actions": [{
            "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"S3Bucket": "bucket", "S3ObjectKey": "app.zip"}, "outputArtifacts": [{"name": "Src"}]}]},
        {"name": "Deploy", "actions": [{
            "name": "Deploy", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"BucketName": "site", "Extract": "true"}, "inputArtifacts": [{"name": "Src"}]}]}]}}
    path = _write(tmp_path, "codepipeline.json", json.dumps(pipeline, indent=2))
    found = _only(lint(path), "CP120")
    assert [(f.line, f.col) for f in found] == [(5, 5)]
    assert found[0].fix == 'add `"artifactStore": {"type": "S3", "location": "<bucket>"}`'


def test_as102_fix_in_a_json_appspec_is_json(tmp_path: Any) -> None:
    appspec = {"version": 1, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {
        "TaskDefinition": "<TASK_DEFINITION>", "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": "80"}}}}]}
    path = _write(tmp_path, "appspec.json", json.dumps(appspec, indent=2))
    findings = lint(path)
    version = _only(findings, "AS102")
    assert [(f.line, f.col) for f in version] == [(2, 14)]
    assert version[0].fix == 'write `"version": 0.0`'
    port = _only(findings, "AS403")
    assert [(f.line, f.col) for f in port] == [(11, 30)]
    assert port[0].fix == 'write `"ContainerPort": 80`'



def test_ecs_appspec_json_gets_json_list_advice(tmp_path: Any) -> None:
    """`- TargetService:` and `- BeforeInstall: fn` are YAML; a JSON AppSpec is told the JSON form."""
    appspec = {"version": 0.0, "Resources": {"TargetService": {"Type": "AWS::ECS::Service", "Properties": {
        "TaskDefinition": "<TASK_DEFINITION>", "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 80}}}},
        "Hooks": {"BeforeInstall": "fn"}}
    path = _write(tmp_path, "appspec.json", json.dumps(appspec, indent=2))
    found = sorted((f for f in lint(path) if f.code in ("AS401", "AS406")), key=lambda f: f.line)
    assert [(f.code, f.line, f.col) for f in found] == [("AS401", 3, 16), ("AS406", 15, 12)]
    assert '`"Resources": [{"TargetService": {...}}]`' in found[0].message
    assert '`"Hooks": [{"BeforeInstall": "fn"}]`' in found[1].message
    assert "`- " not in found[0].message + found[1].message

# ---------------------------------------------------------------------------------------------
# "Error means AWS rejects it" (issue 12, part 3)

_DOMAINS = ("BS", "AS", "CP", "PL", "IAM", "SEC", "CB", "CD", "TPL")


def _domain_rules() -> list[Any]:
    """The rules of the walked domains (by the letters of the code: `IAM001` is IAM's, not `IA`'s)."""
    return [r for r in load_rules(full=True).sorted() if r.code.rstrip("0123456789") in _DOMAINS]


def test_every_error_rule_names_what_aws_does_and_where_that_is_recorded() -> None:
    missing = [r.code for r in _domain_rules() if str(r.severity) == "error"
               and not ("AWS behaviour:" in r.doc and "Source:" in r.doc)]
    assert missing == []


def test_rules_lowered_to_warning_say_why() -> None:
    """Rules where AWS goes on (ignores the key, runs nothing) are warnings and say so."""
    by_code = {r.code: r for r in _domain_rules()}
    for code in ("AS111", "AS201", "AS202", "AS206", "BS104", "BS105", "BS108", "BS110", "PL003"):
        assert str(by_code[code].severity) == "warning", code
        assert "AWS behaviour:" in by_code[code].doc and "Source:" in by_code[code].doc, code


def test_bs001_unknown_key_is_a_warning_and_a_wrong_type_an_error(tmp_path: Any) -> None:
    """CodeBuild logs unknown keys and goes on (aws-toolkit-vscode#4008); wrong types fail the build."""
    path = _write(tmp_path, "buildspec.yml", "version: 0.2\nenv:\n  variable:\n    A: b\n  variables: oops\n"
                  "phases:\n  build:\n    commands:\n      - make\n")
    found = sorted(_only(lint(path), "BS001"), key=lambda f: f.line)
    assert [(f.line, f.col, str(f.severity)) for f in found] == [(3, 3, "warning"), (5, 14, "error")]


def test_as001_top_level_hook_is_a_warning_and_overwrite_gets_the_right_fix(tmp_path: Any) -> None:
    text = ("version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n    overwrite: true\n"
            "AfterInstall:\n  - location: scripts/after.sh\n")
    path = _write(tmp_path, "appspec.yml", text)
    found = sorted(_only(lint(path), "AS001"), key=lambda f: f.line)
    assert [(f.line, f.col, str(f.severity)) for f in found] == [(6, 5, "warning"), (7, 1, "warning")]
    assert found[0].fix == "replace it with top-level `file_exists_behavior: OVERWRITE`"


# ---------------------------------------------------------------------------------------------
# Every rule's documented fix: the failing example trips the rule, the fixed example does not

_HEAD = re.compile(r"^(Failing|Fixed)\b[^\n]*::[ \t]*$")

# Rules whose examples need more than one file (a revision bundle, a buildspec beside the
# pipeline), so they cannot be linted on their own. The test below checks
# that each still is a fragment: once its examples become whole files, drop it from this list
# and the walk checks it like the others.
FRAGMENTS = {
    "AS301", "AS302", "AS303",  # need a revision bundle on disk
    "CP401", "CP402", "CP403", "CP404", "CP405", "CP407",  # need a buildspec or a repository beside the pipeline
    "SEC003", "SEC004", "SEC009",  # mask their example token (`ghp_****`): a real-looking one would trip secret scanners
}


# Rules whose fix renames or removes a top-level key (`file:` → `files:`, a template → an AppSpec).
RENAMES_TOP_LEVEL_KEY = {"AS001", "AS010", "AS120", "BS112"}


def _examples(doc: str) -> dict[str, str]:
    """The first ``Failing::`` and ``Fixed::`` literal blocks of a rule's documentation."""
    found: dict[str, str] = {}
    lines = doc.split("\n")
    i = 0
    while i < len(lines):
        match = _HEAD.match(lines[i])
        if not match:
            i += 1
            continue
        j = i + 1
        block: list[str] = []
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith((" ", "\t"))):
            block.append(lines[j])
            j += 1
        while block and not block[-1].strip():
            block.pop()
        found.setdefault(match.group(1), textwrap.dedent("\n".join(block)) + "\n")
        i = j
    return found


def _file_name(code: str, text: str) -> str:
    stripped = text.lstrip()
    if code.startswith("AS"):
        return "appspec.json" if stripped.startswith("{") else "appspec.yml"
    if "AWSTemplateFormatVersion" in text or re.search(r"^Resources:", text, re.M):
        return "template.json" if stripped.startswith("{") else "template.yaml"
    if code.startswith("CP"):
        return "pipeline.json" if stripped.startswith("{") else "pipeline.yaml"
    if code.startswith("IAM") or '"Statement"' in text or re.search(r"^Statement:", text, re.M):
        return "policy.json" if stripped.startswith("{") else "policy.yaml"
    return "buildspec.yml"


def _fires(tmp_path: Any, code: str, name: str, text: str) -> list[Any]:
    folder = tmp_path / name
    folder.mkdir()
    path = _write(folder, _file_name(code, text), text)
    return _only(lint(path), code)


def _top_keys(code: str, text: str) -> set[str]:
    """The top-level keys of an example (empty if it does not load to a mapping)."""
    from pipelint.load import load_text
    from pipelint.load.nodes import Mapping

    result = load_text(text, _file_name(code, text))
    if result.fatal or not result.roots or not isinstance(result.roots[0], Mapping):
        return set()
    return {key.text for key, _ in result.roots[0].pairs}


def _kinds(tmp_path: Any, code: str, name: str, text: str) -> set[str]:
    """The kinds of document pipelint reads from the example as a file (empty: not a whole file)."""
    from pipelint.discover import discover
    from pipelint.engine.runner import _classify, build_settings
    from pipelint.extract import extract

    folder = tmp_path / name
    folder.mkdir()
    path = _write(folder, _file_name(code, text), text)
    settings = build_settings(paths=[path], isolated=True)
    kinds: set[str] = set()
    for entry in discover([path], []):
        kind, result = _classify(entry, settings)
        if result is None or kind is None or result.fatal:
            continue
        docs, _ = extract(result, kind, settings.limits)
        kinds |= {doc.kind for doc in docs}
    return kinds


def _documented() -> list[tuple[str, dict[str, str]]]:
    out = []
    for found in _domain_rules():
        examples = _examples(found.doc)
        if "Failing" in examples and "Fixed" in examples:
            out.append((found.code, examples))
    return out


@pytest.mark.parametrize(("code", "examples"), [c for c in _documented() if c[0] not in FRAGMENTS], ids=lambda v: v if isinstance(v, str) else "")
def test_documented_fix_is_clean(tmp_path: Any, code: str, examples: dict[str, str]) -> None:
    """The failing example trips the rule; the fixed example, linted as the same kind of file, does not."""
    assert _fires(tmp_path, code, "failing", examples["Failing"]), f"{code}: the failing example does not trip the rule"
    fixed = _fires(tmp_path, code, "fixed", examples["Fixed"])
    assert fixed == [], f"{code}: the fixed example still trips it: {[f.message for f in fixed]}"
    if not code.startswith("PL"):  # a fixed syntax error is the one case where the failing file has no document
        failing_kinds = _kinds(tmp_path, code, "failing-kind", examples["Failing"])
        assert failing_kinds and failing_kinds <= _kinds(tmp_path, code, "fixed-kind", examples["Fixed"]), (
            f"{code}: the fixed example is not a whole file of the failing example's kind")
        failing_keys, fixed_keys = _top_keys(code, examples["Failing"]), _top_keys(code, examples["Fixed"])
        if code in RENAMES_TOP_LEVEL_KEY:
            assert failing_keys & fixed_keys, f"{code}: the fixed example shares no top-level key with the failing one"
        else:
            assert failing_keys <= fixed_keys, f"{code}: the fixed example lacks top-level keys of the failing one (a fragment?)"


def test_fragment_list_holds_only_fragments(tmp_path: Any) -> None:
    """A listed rule whose failing example now trips it on its own must leave FRAGMENTS."""
    documented = dict(_documented())
    assert FRAGMENTS <= set(documented)
    whole = [code for code in sorted(FRAGMENTS) if _fires(tmp_path, code, f"probe-{code}", documented[code]["Failing"])]
    assert whole == []


def test_the_walk_covers_most_rules() -> None:
    walked = [code for code, _ in _documented() if code not in FRAGMENTS]
    assert len(walked) >= 90
