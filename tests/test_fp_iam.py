"""False positives and wrong advice in the IAM rules, found on the real-file corpus
(review items 4, 7, 8, 12, 16): exact rule id, line, column and the advice given."""

from __future__ import annotations

from pathlib import Path

from helpers import lint, triples

MIXED_PASSROLE = """\
Resources:
  DeployPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - cloudformation:CreateStack
              - iam:PassRole
            Resource: "*"
          - Effect: Allow
            Action: iam:PassRole
            Resource: "*"
          - Effect: Allow
            Action: [iam:GetRole, iam:PassRole]
            Resource: !Sub arn:aws:iam::${AWS::AccountId}:role/deploy-role
"""


def _lint_text(tmp_path: Path, name: str, text: str, code: str) -> list:
    path = tmp_path / name
    path.write_text(text)
    return lint(str(path), select=[code])


def test_iam004_mixed_statement_is_told_to_split_out_passrole_first(tmp_path):
    findings = _lint_text(tmp_path, "template.yaml", MIXED_PASSROLE, "IAM004")
    assert triples(findings) == [("IAM004", 11, 17), ("IAM004", 14, 21), ("IAM004", 17, 35)]
    mixed, alone, named = sorted(findings, key=lambda f: f.line)
    assert "move `iam:PassRole` into its own statement first" in mixed.message
    assert "would also restrict `cloudformation:CreateStack`" in mixed.message
    assert mixed.fix.startswith("move `iam:PassRole` into its own statement")
    assert mixed.edit is None  # no automatic edit: scoping in place would break CreateStack
    # A statement holding only iam:PassRole keeps the in-place advice.
    assert "own statement" not in alone.message and "own statement" not in alone.fix
    assert "set `Resource` to the ARNs of the roles it must pass" in alone.message
    # The note (named roles, no iam:PassedToService) in a mixed statement: the condition would deny iam:GetRole.
    assert named.severity.name == "NOTE"
    assert "move `iam:PassRole` into its own statement first" in named.message
    assert "would also restrict `iam:GetRole`" in named.message


RESOURCE_CONDITIONS = """\
Resources:
  BuildPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: "*"
            Condition:
              StringEquals:
                aws:ResourceTag/Role: pipeline-execution-role
          - Effect: Allow
            Action: s3:PutObject
            Resource: "*"
            Condition:
              StringEquals:
                aws:ResourceAccount: !Ref AWS::AccountId
          - Effect: Allow
            Action: ec2:TerminateInstances
            Resource: "*"
            Condition:
              StringLike:
                ec2:ResourceTag/Stage: "dev-*"
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: "*"
            Condition:
              StringEqualsIfExists:
                aws:ResourceTag/Role: pipeline-execution-role
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: "*"
            Condition:
              "Null":
                aws:ResourceTag/Role: "false"
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: "*"
            Condition:
              StringLike:
                aws:ResourceTag/Role: "*"
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: "*"
            Condition:
              StringEquals:
                aws:RequestedRegion: eu-west-1
"""


def test_iam003_skips_statements_whose_condition_limits_the_resources(tmp_path):
    findings = _lint_text(tmp_path, "template.yaml", RESOURCE_CONDITIONS, "IAM003")
    # Reported: ...IfExists (true without the tag), Null, a `*`-only value, a key that says nothing about the resource.
    # Not reported: aws:ResourceTag/Role (line 10), aws:ResourceAccount (16), ec2:ResourceTag/Stage with StringLike (22).
    assert triples(findings) == [("IAM003", 28, 23), ("IAM003", 34, 23), ("IAM003", 40, 23), ("IAM003", 46, 23)]


ARN_EXAMPLES = """\
Resources:
  DeployPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ecs:RegisterTaskDefinition
            Resource: "*"
          - Effect: Allow
            Action: ec2:CreateNetworkInterfacePermission
            Resource: "*"
          - Effect: Allow
            Action: [cloudfront:CreateInvalidation, codebuild:StartBuild]
            Resource: "*"
"""


def test_iam003_example_arn_is_the_actions_own_resource_type(tmp_path):
    findings = sorted(_lint_text(tmp_path, "template.yaml", ARN_EXAMPLES, "IAM003"), key=lambda f: f.line)
    assert triples(findings) == [("IAM003", 10, 23), ("IAM003", 13, 23), ("IAM003", 16, 23)]
    task, eni, mixed = (f.message.split("e.g. ", 1)[1] for f in findings)
    # RegisterTaskDefinition acts on a task definition (SAR), not on the ECS service.
    assert task == "`arn:aws:ecs:<region>:<account>:task-definition/<family>:*`"
    assert eni == "`arn:aws:ec2:<region>:<account>:network-interface/<network-interface-id>`"
    # From the bundled ARN table for a service without an example; the service's example where it fits.
    assert mixed == ("`arn:aws:cloudfront::<account>:distribution/<distribution-id>`; "
                     "`arn:aws:codebuild:<region>:<account>:project/<project>`")


def test_resource_arn_comes_from_the_bundled_table():
    from pipelint.rules.iam import _actions

    assert _actions.resource_arn("codedeploy:RegisterApplicationRevision") == (
        "arn:aws:codedeploy:<region>:<account>:application:<application-name>")
    assert _actions.resource_arn("states:StartExecution") == "arn:aws:states:<region>:<account>:stateMachine:<state-machine-name>"
    assert _actions.resource_arn("ecs:DescribeTaskDefinition") is None  # a read, and it takes only "*"
    assert _actions.resource_arn("s3:PutObject") is None  # object or access-point object: none required
    assert _actions.resource_arn("nosuchservice:DoIt") is None


def test_arn_table_reads_per_line_like_the_whole_file():
    from pipelint.data import read_json
    from pipelint.rules.iam import _actions

    whole = {k.lower(): v for k, v in read_json("iam_arns.json").items() if not k.startswith("_")}
    assert sorted(_actions._raw_arns()) == sorted(whole)
    for prefix, (arns, actions) in whole.items():
        assert all(a.count(":") >= 3 for a in arns), prefix
        assert all(-1 <= index < len(arns) for index in actions.values()), prefix


ARNLESS_SERVICES = """\
Resources:
  DataPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: lakeformation:*
            Resource: "*"
          - Effect: Allow
            Action: compute-optimizer:*
            Resource: "*"
          - Effect: Allow
            Action: codebuild:*
            Resource: "*"
"""


def test_iam002_service_without_resource_arns_is_not_told_to_scope_resource(tmp_path):
    findings = sorted(_lint_text(tmp_path, "template.yaml", ARNLESS_SERVICES, "IAM002"), key=lambda f: f.line)
    assert triples(findings) == [("IAM002", 9, 21), ("IAM002", 12, 21), ("IAM002", 15, 21)]
    lake, optimizer, build = findings
    for finding, service in ((lake, "lakeformation"), (optimizer, "compute-optimizer")):
        assert f"no {service} action accepts a resource ARN, so `Resource` must stay `*`: list only the actions it calls" in finding.message
        assert "scope" not in finding.message and "scope" not in finding.fix
    # Lake Formation has permissions-management actions (GrantPermissions): still a warning.
    assert (lake.severity.name, optimizer.severity.name, build.severity.name) == ("WARNING", "NOTE", "WARNING")
    assert "arn:aws:codebuild:<region>:<account>:project/<project>" in build.message


OWN_ACCOUNT_TRUST = """\
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS:
                - !Sub arn:aws:iam::${AWS::AccountId}:root
                - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root
                - !Ref AWS::AccountId
                - !Sub arn:aws:iam::${ToolsAccount}:root
                - arn:aws:iam::123456789012:root
            Action: sts:AssumeRole
"""

OWN_ACCOUNT_TRUST_TF = """\
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}
"""


def test_iam007_trusting_the_templates_own_account_is_a_note(tmp_path):
    findings = sorted(_lint_text(tmp_path, "template.yaml", OWN_ACCOUNT_TRUST, "IAM007"), key=lambda f: f.line)
    assert triples(findings) == [("IAM007", line, 19) for line in (11, 12, 13, 14, 15)]
    assert [f.severity.name for f in findings] == ["NOTE", "NOTE", "NOTE", "WARNING", "WARNING"]
    assert "trusts its own account (its root)" in findings[0].message
    assert "trusts a whole account (its root)" in findings[3].message


def test_iam007_terraform_caller_identity_account_is_a_note(tmp_path):
    findings = _lint_text(tmp_path, "main.tf", OWN_ACCOUNT_TRUST_TF, "IAM007")
    assert triples(findings) == [("IAM007", 10, 27)]
    assert findings[0].severity.name == "NOTE"


CFN_HANDLER_ACTIONS = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "sso:UpdateApplicationProfileForAWSAccountInstance",
        "ec2:DescribeSecurityGroup",
        "s3:ListObjects",
        "sso:UpdateApplicationProfileForAWSAccountInstanc"
      ],
      "Resource": "*"
    }
  ]
}
"""


def test_iam009_accepts_actions_cloudformation_handlers_need(tmp_path):
    findings = sorted(_lint_text(tmp_path, "policy.json", CFN_HANDLER_ACTIONS, "IAM009"), key=lambda f: f.line)
    # Line 7 (in the create handler of AWS::SSO::InstanceAccessControlAttributeConfiguration) is not reported.
    # Line 8 is listed by a schema too, but it is a near-typo of ec2:DescribeSecurityGroups: still reported.
    assert triples(findings) == [("IAM009", 8, 9), ("IAM009", 9, 9), ("IAM009", 10, 9)]
    assert "did you mean `ec2:DescribeSecurityGroups`?" in findings[0].message
    assert "write `s3:ListBucket`" in findings[1].message
    assert "is not a known `sso` action" in findings[2].message
