"""Terraform values mean what the AWS provider sends, not what the same text means in CloudFormation.

``run_order = 0`` (or below) is the provider's "unset": it reaches CodePipeline as no run order,
which runs the action at 1. So CP107 is a note there (never the error, never the unsafe "set it
to 1" fix, which changes nothing), and the real consequence, a consumer in the same stage running
in parallel with its producer, is CP201.
"""

from __future__ import annotations

from helpers import fixture, lint, triples


def _semantics(name: str) -> str:
    return fixture("terraform", "semantics", name)


def test_run_order_zero_or_negative_is_unset_and_runs_at_one():
    findings = lint(_semantics("run_order_zero.tf"), select=["CP"])
    assert triples(findings) == [("CP107", 30, 26), ("CP107", 54, 25), ("CP201", 42, 26)]
    by_code = {(f.code, f.line): f for f in findings}
    for line, written in ((30, "0"), (54, "-2")):
        note = by_code[("CP107", line)]
        assert note.severity.name == "NOTE"
        assert f"`run_order = {written}`" in note.message and "runs at 1" in note.message
        assert note.edit is None  # setting it to 1 would change nothing AWS receives
    parallel = by_code[("CP201", 42)]
    assert parallel.severity.name == "ERROR"
    assert "run in parallel" in parallel.message
    assert parallel.fix == "set `run_order = 2` (or higher) on `Test`"


def test_run_orders_above_zero_are_silent():
    assert triples(lint(_semantics("run_order_pass.tf"), select=["CP"])) == []


def test_run_order_zero_stays_an_error_in_cloudformation(tmp_path):
    template = tmp_path / "pipeline.yaml"
    template.write_text(
        "Resources:\n"
        "  Pipeline:\n"
        "    Type: AWS::CodePipeline::Pipeline\n"
        "    Properties:\n"
        "      RoleArn: arn:aws:iam::111111111111:role/pipeline\n"
        "      ArtifactStore: {Type: S3, Location: my-artifacts}\n"
        "      Stages:\n"
        "        - Name: Source\n"
        "          Actions:\n"
        "            - Name: Source\n"
        "              ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: \"1\"}\n"
        "              Configuration: {RepositoryName: app, BranchName: main}\n"
        "              OutputArtifacts: [{Name: Src}]\n"
        "        - Name: Build\n"
        "          Actions:\n"
        "            - Name: Build\n"
        "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: \"1\"}\n"
        "              Configuration: {ProjectName: app}\n"
        "              InputArtifacts: [{Name: Src}]\n"
        "              RunOrder: 0\n"
    )
    [finding] = lint(str(template), select=["CP107"])
    assert (finding.severity.name, finding.line, finding.col) == ("ERROR", 20, 25)
    assert finding.edit is not None and not finding.edit.safe


def test_the_rule_knows_the_tag_of_an_unset_run_order():
    from pipelint.rules.pipeline.names import UNSET_RUN_ORDER as seen_by_the_rule
    from pipelint.terraform import UNSET_RUN_ORDER

    assert seen_by_the_rule == UNSET_RUN_ORDER


def test_a_short_wildcard_arn_is_accepted_without_a_crash(tmp_path):
    # corpus/terraform/130 writes `arn:aws:logs:*`: IAM accepts it (the wildcard covers the rest).
    policy = tmp_path / "roles.tf"
    policy.write_text('resource "aws_iam_policy" "logs" {\n'
                      '  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",\n'
                      '    Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:*" }] })\n'
                      '}\n')
    assert [f.code for f in lint(str(policy), select=["IAM008", "PL"])] == []
