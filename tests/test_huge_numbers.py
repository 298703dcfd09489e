"""Numbers of thousands of digits in rule inputs (issue 13): no rule calls ``int()``/``float()``
on them (Python refuses past 4,300 digits, and ``float()`` past 1e308), each is reported as the
out-of-range value it is, and messages show it clipped, never in full."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import lint, triples
from pipelint.rules.appspec.ec2_acls_selinux import range_problem
from pipelint.rules.codebuild._regex import parse

HUGE = "9" * 5000  # past Python's 4,300-digit int() limit and the loader's 1,000-digit bound
BIG = "7" * 400  # the loader makes this an int, which float() refuses
CLIPPED = "999999999999…(5,000 digits)"


def _lint(tmp_path: Path, name: str, text: str, select: list[str]) -> list[Any]:
    path = tmp_path / name
    path.write_text(text)
    findings = lint(str(path), select=select + ["PL001"])
    assert not [f for f in findings if f.code == "PL001"], [f.message[:300] for f in findings]
    for finding in findings:
        assert len(finding.message) < 600 and "9" * 60 not in finding.message and "7" * 60 not in finding.message
        assert finding.fix is None or ("9" * 60 not in finding.fix and "7" * 60 not in finding.fix)
    return findings


def _hooks(*timeouts: str) -> str:
    scripts = "".join(f"    - location: scripts/s{i}.sh\n      timeout: {t}\n" for i, t in enumerate(timeouts))
    return f"version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n{scripts}"


def test_as205_huge_timeout_is_positive_and_as206_reports_it_clipped(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yml", _hooks(HUGE), ["AS205", "AS206"])
    assert triples(findings) == [("AS206", 6, 16)]
    assert f"this timeout is {CLIPPED} seconds" in findings[0].message


def test_as205_huge_negative_timeout(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yml", _hooks(f'"-{HUGE}"'), ["AS205", "AS206"])
    assert triples(findings) == [("AS205", 6, 16)]


def test_as206_sum_with_a_400_digit_integer_after_a_float(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yml", _hooks("1.5", BIG), ["AS205", "AS206"])
    assert triples(findings) == [("AS206", 8, 16)]
    assert "far more than 3600 seconds" in findings[0].message


def _ecs(port: str, base: str = "1") -> str:
    return (
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n"
        "        TaskDefinition: <TASK_DEFINITION>\n        LoadBalancerInfo:\n          ContainerName: web\n"
        f"          ContainerPort: {port}\n        CapacityProviderStrategy:\n"
        f"          - CapacityProvider: FARGATE\n            Base: {base}\n"
        f"          - CapacityProvider: FARGATE_SPOT\n            Base: {base}\n            Weight: 1\n"
    )


def test_as402_huge_container_port_is_out_of_range(tmp_path: Path) -> None:
    for port in (HUGE, f'"{HUGE}"'):
        findings = _lint(tmp_path, "appspec.yaml", _ecs(port), ["AS402", "AS403"])
        assert triples(findings) == [("AS402", 9, 26)]
        assert "(1–65535)" in findings[0].message


def test_as405_400_digit_base(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yaml", _ecs("80", base=BIG), ["AS405"])
    assert triples(findings) == [("AS405", 14, 19)]


def _lambda(current: str, target: str) -> str:
    return (
        "version: 0.0\nResources:\n  - myFunction:\n      Type: AWS::Lambda::Function\n      Properties:\n"
        f"        Name: fn\n        Alias: live\n        CurrentVersion: {current}\n        TargetVersion: {target}\n"
    )


def test_as502_huge_version_is_not_a_published_version(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yml", _lambda('"1"', f'"{HUGE}"'), ["AS502", "AS504"])
    assert triples(findings) == [("AS502", 9, 24)]


def test_as504_equal_huge_versions_are_both_invalid_not_equal(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yml", _lambda(f'"{HUGE}"', f'"{HUGE}"'), ["AS502", "AS504"])
    assert triples(findings) == [("AS502", 8, 25), ("AS502", 9, 24)]


def test_as503_as504_clip_a_400_digit_version(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "appspec.yml", _lambda(BIG, BIG), ["AS503", "AS504"])
    assert triples(findings) == [("AS503", 8, 25), ("AS503", 9, 24), ("AS504", 9, 24)]
    assert "777777777777…(400 digits)" in findings[0].message
    assert findings[0].fix == "quote the number"


def test_as122_as126_huge_mode_and_selinux_range(tmp_path: Path) -> None:
    text = (
        "version: 0.0\nos: linux\npermissions:\n  - object: /opt/app\n"
        f"    mode: 0{BIG}\n    context:\n      type: var_t\n      range: s0-s{HUGE}:c{HUGE}\n"
    )
    findings = _lint(tmp_path, "appspec.yml", text, ["AS122", "AS126"])
    assert triples(findings) == [("AS122", 5, 11), ("AS126", 8, 14)]
    assert "invalid category" in findings[1].message


def test_selinux_range_compares_long_sensitivities_exactly() -> None:
    assert range_problem(f"s{HUGE}-s1{HUGE}") is None
    assert range_problem(f"s1{HUGE}-s{HUGE}") == "invalid sensitivity"
    assert range_problem("s٣") == "invalid range part"  # the agent's \d is ASCII


def test_codebuild_regex_quantifier_with_a_non_ascii_digit() -> None:
    parse("^refs/heads/a{²}")  # str.isdigit() accepts "²", int() does not


def _pipeline(run_order: str, actions: int = 1) -> str:
    build = "".join(
        f"            - Name: Build{i}\n"
        "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: \"1\"}\n"
        "              Configuration: {ProjectName: app}\n"
        "              InputArtifacts: [{Name: Src}]\n"
        f"              RunOrder: {run_order}\n"
        for i in range(actions)
    )
    return (
        "Resources:\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n"
        "      RoleArn: arn:aws:iam::123456789012:role/pipeline\n"
        "      ArtifactStore: {Type: S3, Location: my-artifacts}\n      Stages:\n"
        "        - Name: Source\n          Actions:\n            - Name: Source\n"
        "              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: \"1\"}\n"
        "              Configuration: {RepositoryName: app, BranchName: main}\n"
        "              OutputArtifacts: [{Name: Src}]\n"
        "        - Name: Build\n          Actions:\n" + build
    )


def test_cp107_huge_run_order_is_out_of_range(tmp_path: Path) -> None:
    for written in (HUGE, f'"{HUGE}"'):
        findings = _lint(tmp_path, "pipeline.yaml", _pipeline(written), ["CP107"])
        assert triples(findings) == [("CP107", 20, 25)]
        assert f"is {CLIPPED}; it must be between 1 and 999" in findings[0].message
        assert findings[0].fix == "use 999 or another value in range"


def test_cp108_clips_a_400_digit_run_order(tmp_path: Path) -> None:
    findings = _lint(tmp_path, "pipeline.yaml", _pipeline(BIG, actions=51), ["CP108"])
    assert triples(findings) == [("CP108", 14, 17)]
    assert "at runOrder 777777777777…(400 digits)" in findings[0].message


def test_number_of_text_and_clip_number() -> None:
    from pipelint.load.scalars import clip_number, number_of_text

    assert number_of_text(" 42 ") == 42
    assert number_of_text(HUGE) == float("inf")
    assert number_of_text("-" + HUGE) == float("-inf")
    assert number_of_text("²") is None and number_of_text("4x") is None
    assert clip_number("12345") == "12345"
    assert clip_number(HUGE) == CLIPPED


def test_as123_clips_a_mode_of_hundreds_of_leading_zeros(tmp_path: Path) -> None:
    zeros = "0" * 900
    text = f"version: 0.0\nos: linux\npermissions:\n  - object: /opt/app\n    mode: {zeros}644\n"
    findings = _lint(tmp_path, "appspec.yml", text, ["AS123"])
    assert triples(findings) == [("AS123", 5, 11)]
    message = findings[0].message
    assert "000000000000…(903 digits)" in message and "0" * 60 not in message
    assert "write `mode: 644`" in message and "quote it" not in message  # quoted, 903 characters are invalid


def test_bs302_bs303_clip_a_long_runtime_version(tmp_path: Path) -> None:
    text = f"version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: {BIG}\n      python: 3.1{'0' * 400}\n"
    findings = _lint(tmp_path, "buildspec.yml", text, ["BS302", "BS303"])
    assert triples(findings) == [("BS302", 5, 15), ("BS303", 6, 15)]
    assert "nodejs 777777777777…(400 digits) is not preinstalled" in findings[0].message
    assert "python: 3.1000000000…(403 characters)" in findings[1].message
    assert findings[1].fix == "write the same text in quotes"


def test_cp201_offers_no_run_order_past_999(tmp_path: Path) -> None:
    # The producer runs at 999 alongside its consumer: "set RunOrder: 1000" would break the pipeline.
    text = _pipeline("999").replace("InputArtifacts: [{Name: Src}]", "InputArtifacts: [{Name: Mid}]") + (
        "            - Name: Make\n"
        "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: \"1\"}\n"
        "              Configuration: {ProjectName: app}\n"
        "              InputArtifacts: [{Name: Src}]\n"
        "              OutputArtifacts: [{Name: Mid}]\n"
        "              RunOrder: 999\n"
    )
    findings = _lint(tmp_path, "pipeline.yaml", text, ["CP201"])
    assert triples(findings) == [("CP201", 19, 39)]
    assert findings[0].fix == "give the producer a lower runOrder than the consumer, or move the consumer to a later stage"
