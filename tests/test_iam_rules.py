"""IAM rules: exact findings on failing fixtures, none on passing ones, and robustness."""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples
from pipelint.rules.iam import _actions

FAILING = {
    "IAM001": ("iam001_fail.yaml", [(17, 25), (28, 22)]),
    "IAM002": ("iam002_fail.yaml", [(11, 17), (15, 21)]),
    "IAM003": ("iam003_fail.json", [(7, 19), (12, 20)]),
    "IAM004": ("iam004_fail.yaml", [(12, 21), (15, 21)]),
    "IAM005": ("iam005_fail.json", [(4, 25), (5, 51), (6, 25)]),
    "IAM006": ("iam006_fail.yaml", [(11, 24), (22, 20)]),
    "IAM007": ("iam007_fail.yaml", [(15, 19), (16, 19), (25, 20), (34, 26)]),
    "IAM008": ("iam008_fail.yaml", [(9, 18), (11, 18), (12, 21), (13, 21), (14, 23), (15, 13), (16, 23), (17, 13),
                                    (19, 13), (21, 13), (24, 13), (25, 23), (32, 34), (34, 13)]),
    "IAM009": ("iam009_fail.json", [(6, 18), (6, 35), (6, 59)]),
    "IAM010": ("iam010_fail.yaml", [(3, 3), (20, 3), (41, 3), (64, 3), (83, 3), (88, 3)]),
    "IAM011": ("iam011_fail.yaml", [(14, 11), (24, 22), (28, 27)]),
}
PASSING = {
    "IAM001": "iam001_pass.yaml",
    "IAM002": "iam002_pass.yaml",
    "IAM003": "iam003_pass.json",
    "IAM004": "iam004_pass.yaml",
    "IAM005": "iam005_pass.json",
    "IAM006": "iam006_pass.yaml",
    "IAM007": "iam007_pass.yaml",
    "IAM008": "iam008_pass.yaml",
    "IAM009": "iam009_pass.json",
    "IAM010": "iam010_pass.yaml",
    "IAM011": "iam011_pass.yaml",
}


@pytest.mark.parametrize("code", sorted(FAILING))
def test_failing_fixture(code):
    name, expected = FAILING[code]
    findings = lint(fixture("iam", name), select=[code])
    assert triples(findings, "IAM") == [(code, line, col) for line, col in expected]
    assert not [f for f in findings if f.code == "PL001"]
    for finding in findings:
        assert finding.fix, finding
        assert finding.security_severity is not None


@pytest.mark.parametrize("code", sorted(PASSING))
def test_passing_fixture(code):
    assert triples(lint(fixture("iam", PASSING[code]), select=[code]), "IAM") == []


def test_escalation_in_a_standalone_policy_file():
    findings = lint(fixture("iam", "iam010_fail_policy.json"), select=["IAM010"])
    assert triples(findings) == [("IAM010", 4, 35)]
    assert "codebuild:UpdateProject" in findings[0].message and "codebuild:StartBuildBatch" in findings[0].message


def test_pipeline_role_example_names_every_problem_and_the_fix():
    findings = lint(fixture("iam", "pipeline_role_fail.yaml"), select=["IAM"])
    assert triples(findings) == [("IAM002", 21, 21), ("IAM004", 24, 21), ("IAM010", 4, 3)]
    by_line = {f.line: f for f in findings}
    grouped = by_line[21]
    assert grouped.message.startswith("role `PipelineRole` (inline policy `pipeline`) allows `s3:*` and `codebuild:*`, `codedeploy:*`, `kms:*`, `cloudwatch:*`")
    # The other wildcards of the statement are related locations, each with its least-privilege hint.
    related = {line: text for text, line, _col, _end_line, _end_col in grouped.related}
    assert sorted(related) == [22, 23, 25, 26]
    assert [(r[1], r[2], r[3], r[4]) for r in grouped.related][0] == (22, 21, 22, 32)
    assert related[22] == ("`codebuild:*`: every codebuild action (67 actions, 4 of them permissions-management); "
                           "scope to `arn:aws:codebuild:<region>:<account>:project/<project>`")
    assert "`codedeploy:*`" in related[23] and "deploymentgroup:<application>/<group>" in related[23]
    assert "`kms:*`" in related[25] and "key/<key-id>" in related[25]
    assert "`cloudwatch:*`" in related[26] and "alarm:<name>" in related[26]
    assert "iam:PassedToService" in by_line[24].message and "every role" in by_line[24].message
    escalation = by_line[4].message
    assert "PipelineRole" in escalation and "codebuild:CreateProject" in escalation and "iam:PassRole" in escalation
    assert "iam:PassedToService: codebuild.amazonaws.com" in by_line[4].fix


def test_single_service_wildcard_keeps_its_hint():
    findings = lint(fixture("iam", "iam002_fail.yaml"), select=["IAM002"])
    single = [f for f in findings if f.line == 15][0]
    assert "`cloudformation:*`" in single.message and "stack/<stack-name>/*" in single.message and not single.related
    grouped = [f for f in findings if f.line == 11][0]
    assert [(r[1], r[2]) for r in grouped.related] == [(12, 17)]


def test_kms_root_statement_is_not_a_finding():
    # iam002_pass.yaml holds the standard `kms:*` statements for the account root (as `!Sub` and as a literal ARN).
    assert lint(fixture("iam", "iam002_pass.yaml"), select=["IAM"]) == []


def test_action_table_is_not_loaded_without_policies(tmp_path):
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    for cached in (_actions._raw, _actions._prefixes, _actions._service):
        cached.cache_clear()
    lint(str(path), select=["IAM", "SEC"])
    assert _actions._raw.cache_info().currsize == 0
    lint(fixture("iam", "iam009_fail.json"), select=["IAM009"])
    assert _actions._raw.cache_info().currsize == 1



def test_action_table_read_per_line_matches_whole_file():
    # The table is read one service per line and parsed per service on use; it must hold exactly
    # what a whole-file JSON parse holds.
    import json

    from pipelint.data import read_json

    whole = {k: v for k, v in read_json("iam_actions.json").items() if not k.startswith("_")}
    _actions._raw.cache_clear()
    assert sorted(_actions._raw()) == sorted(whole)
    assert all(_actions._service_entries(prefix) == actions for prefix, actions in whole.items())
    assert json.dumps(whole)  # the file itself stays valid JSON


ODD_POLICIES = [
    '{"Version": "2012-10-17", "Statement": "nope"}',
    '{"Version": "2012-10-17", "Statement": [1, null, ["x"], {"Effect": ["Allow"], "Action": {"a": 1}}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": 7, "Resource": 8, "Principal": 9, "Condition": "x"}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "", "Resource": [], "NotPrincipal": {"AWS": []}}]}',
    '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ":", "Resource": "arn:", "Principal": {"Federated": null}}}',
]


@pytest.mark.parametrize("text", ODD_POLICIES)
def test_odd_standalone_policies_never_crash(tmp_path, text):
    path = tmp_path / "policy.json"
    path.write_text(text)
    findings = lint(str(path), select=["IAM"])
    assert not [f for f in findings if f.code == "PL001"], [f.message for f in findings]


def test_odd_template_never_crashes(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Role:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      AssumeRolePolicyDocument: !If [C, {Statement: []}, !Ref 'AWS::NoValue']\n"
        "      ManagedPolicyArns: !Ref Arns\n"
        "      Policies: [{PolicyName: !Sub x, PolicyDocument: '{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}'}]\n"
        "  Policy:\n"
        "    Type: AWS::IAM::Policy\n"
        "    Properties:\n"
        "      Roles: !Ref Roles\n"
        "      PolicyDocument: {Statement: [{Effect: Allow, Action: !Split [',', 'a,b'], Resource: !GetAtt X.Arn}]}\n"
        "  Broken: 5\n"
        "  NoProps: {Type: AWS::IAM::Role}\n"
    )
    findings = lint(str(path), select=["IAM"])
    assert not [f for f in findings if f.code == "PL001"], [f.message for f in findings]


def test_unknown_action_advice_is_a_fact_or_a_same_level_typo():
    findings = lint(fixture("iam", "iam009_advice.json"), select=["IAM009"])
    got = [(f.code, f.line, f.col, f.message, f.fix) for f in findings]
    assert got == [
        ("IAM009", 7, 9, "`codebuild:GetProject` is not an IAM action: CodeBuild reads projects with `BatchGetProjects`; "
         "write `codebuild:BatchGetProjects`", "write `codebuild:BatchGetProjects`"),
        ("IAM009", 8, 9, "`sts:passRole` is not an IAM action: passing a role is an IAM action, not an STS one; write `iam:PassRole`",
         "write `iam:PassRole`"),
        ("IAM009", 9, 9, "`s3:PutBucketEncryption` is not an IAM action: the `PutBucketEncryption` API is authorized by "
         "`s3:PutEncryptionConfiguration`; write `s3:PutEncryptionConfiguration`", "write `s3:PutEncryptionConfiguration`"),
        ("IAM009", 10, 9, "`s3:ListObjects` is not an IAM action: the `ListObjects` API is authorized by `s3:ListBucket`; "
         "write `s3:ListBucket`", "write `s3:ListBucket`"),
        # sso:DescribePermissionsPolicies and sso:GetPermissionsPolicy are legacy actions AWS still honours: no finding.
        # GetResourceLFTags is a real read action but not a typo of GetResource: no guess.
        ("IAM009", 13, 9, "`lakeformation:GetResource` is not a known `lakeformation` action",
         "check the action name in the Service Authorization Reference"),
        # Case differences are valid (S3:getObject, IAM:passrole); a garbled verb still gets its two-edit typo fix.
        ("IAM009", 16, 9, "`s3:GPutbject` is not a known `s3` action; did you mean `s3:PutObject`?", "write `s3:PutObject`"),
    ]


def test_unknown_read_action_is_never_corrected_into_a_write():
    from pipelint.rules.iam.malformed import close_action

    assert close_action("codebuild", "GetProject") is None  # DeleteProject is spelled close but deletes
    assert close_action("s3", "GetObjects") == "s3:GetObject"
    assert close_action("elasticbeanstalk", "DescribeApplicationVersion") == "elasticbeanstalk:DescribeApplicationVersions"
    assert close_action("s3", "ListObjects") is None  # ListJobs is another action entirely


def test_escalation_honours_resources_and_conditions_like_iam004():
    # PassRole on an S3 pattern, on `role/cfn-*`, attach to `role/app-*` while the role is `deployer`,
    # PutRolePolicy limited by an `iam:PolicyARN` condition: none is a path to any permission.
    path = fixture("iam", "iam010_scoped_pass.yaml")
    findings = lint(path, select=["IAM010", "IAM004"])
    got = [(f.code, f.line, f.col, f.message) for f in findings]
    assert got == [
        ("IAM004", 41, 25, "role `NamedRole` (inline policy `attach-others`) allows `iam:PassRole` without an `iam:PassedToService` "
         "condition, so the roles can be passed to any service; add `Condition: {StringEquals: {iam:PassedToService: "
         "cloudformation.amazonaws.com}}`"),
        # The role's own ARN (account aside) is inside `role/self-*`: it can attach a policy to itself.
        ("IAM010", 46, 3, "role `SelfAttachRole` can escalate to any permission: `iam:AttachRolePolicy` lets it attach "
         "`AdministratorAccess` to itself or another principal"),
    ]
    escalation = findings[1]
    assert escalation.fix == "remove the `iam:Attach*Policy` actions or scope them to other named roles"
    assert [(r[1], r[2]) for r in escalation.related] == [(60, 25)]


def test_pass_role_advice_names_the_receiving_service():
    findings = lint(fixture("iam", "iam004_services.yaml"), select=["IAM004"])
    got = [(f.code, f.line, f.col, str(f.severity), f.message, f.fix) for f in findings]
    assert got == [
        ("IAM004", 16, 25, "note", "role `PipelineRole` (inline policy `pass`) allows `iam:PassRole` without an `iam:PassedToService` "
         "condition, so the roles can be passed to any service; add `Condition: {StringEquals: {iam:PassedToService: "
         "[ecs-tasks.amazonaws.com, cloudformation.amazonaws.com]}}`", "add an `iam:PassedToService` condition"),
        # A condition exists: only the resources are to be scoped.
        ("IAM004", 19, 25, "warning", "role `PipelineRole` (inline policy `pass`) allows `iam:PassRole` on every role: it can hand any role, "
         "including an administrator role, to a service and run code as it; set `Resource` to the ARNs of the roles it must pass "
         "(e.g. `!GetAtt <Role>.Arn`)", "scope `Resource` to the passed roles' ARNs"),
        # `role/*` is every role; the policy creates Lambda functions, so the service is Lambda. The statement
        # also grants lambda:CreateFunction, which the role-ARN Resource and the condition would break: split first.
        ("IAM004", 25, 51, "warning", "role `PipelineRole` (inline policy `pass`) allows `iam:PassRole` on every role and without an "
         "`iam:PassedToService` condition: it can hand any role, including an administrator role, to a service and run code as it; "
         "move `iam:PassRole` into its own statement first (`Resource` and `Condition` apply to the whole statement and would "
         "also restrict `lambda:CreateFunction`), then set its `Resource` to the ARNs of the roles it must pass "
         "(e.g. `!GetAtt <Role>.Arn`) and add `Condition: {StringEquals: {iam:PassedToService: lambda.amazonaws.com}}`",
         "move `iam:PassRole` into its own statement, with `Resource` set to the passed roles' ARNs and an "
         "`iam:PassedToService` condition"),
    ]


def test_pathological_action_wildcard_is_matched_without_backtracking(tmp_path):
    # Issue 13: `ec2:*?*?…*?!` made the translated regex backtrack exponentially (7 pairs: about a
    # minute; 10 pairs: over 15 minutes). 40 pairs would take the old code far beyond any CI limit.
    # Every rule that matches actions (IAM002-IAM010) runs on it; IAM009 matches it against all ec2 actions.
    for pattern, expected in (("ec2:" + "*?" * 20 + "Z", "IAM009"), ("ec2:" + "*?" * 40 + "!", "IAM008")):
        path = tmp_path / "policy.json"
        path.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "' + pattern + '", "Resource": "*"}]}')
        findings = lint(str(path), select=["IAM"])
        assert [(f.code, f.line, f.col) for f in findings] == [(expected, 1, 71)]
    assert findings[0].message.startswith(f"`{pattern[:79]}…` is not an action")  # clipped to 80 characters


def test_glob_match_semantics_and_hostile_patterns():
    from pipelint.models.policy import action_matches, arn_matches, glob_match

    assert action_matches("s3:Get*", "s3:getobject") and action_matches("S3:G?tObject", "s3:GetObject")
    assert action_matches("iam:*Role*", "iam:PassRole") and not action_matches("iam:*Role?", "iam:PassRole")
    assert arn_matches("arn:aws:iam::*:role/*", "arn:aws:iam::1:role/x") and not arn_matches("arn:aws:iam::*:ROLE/*", "arn:aws:iam::1:role/x")
    assert glob_match("a**b", "ab") and glob_match("*", "") and not glob_match("?", "")
    # Long enough text that the pattern fits, so the scan runs: a backtracking matcher would need
    # about 2**40 steps here; the two-pointer scan needs at most len(pattern) * len(text).
    hostile = "*?" * 40 + "!"
    assert not glob_match(hostile, "x" * 200)
    assert glob_match(hostile, "x" * 200 + "!")
    assert not arn_matches("arn:aws:s3:::" + "*a" * 2000 + "b", "arn:aws:s3:::" + "a" * 5000)


def test_wildcard_examples_fit_the_principal():
    findings = lint(fixture("iam", "iam_principal_hints.yaml"), select=["IAM001", "IAM002", "IAM003"])
    got = [(f.code, f.line, f.col, f.message) for f in findings]
    assert got == [
        # A CloudFormation execution role: no CI/CD example actions.
        ("IAM002", 16, 25, "role `StackRole` (inline policy `deploy`) allows `lambda:*` on `Resource: \"*\"`: every lambda action "
         "(88 actions, 6 of them permissions-management) on every lambda resource in the account; this CloudFormation execution role "
         "needs the create, update and delete actions of the resource types its stacks declare, on the ARNs those stacks name"),
        ("IAM001", 19, 25, "role `StackRole` (inline policy `deploy`) allows `Action: \"*\"` (every action of every service) on every "
         "resource, which is full administrator access; list only the actions this principal calls, scoped to the ARNs it works on "
         "(IAM Access Analyzer can generate that list from its CloudTrail activity)"),
        # Bucket-level actions need the bucket ARN; the log-writing trio and Describe reads are not worth a note.
        ("IAM003", 38, 27, "role `BuildRole` (inline policy `artifacts`) applies `s3:PutBucketVersioning`, `s3:PutObject` to "
         "`Resource: \"*\"`, but these actions accept resource ARNs; name the resources instead, e.g. "
         "`arn:aws:s3:::<bucket>` for bucket actions; `arn:aws:s3:::<bucket>/*` for object actions"),
    ]


def test_malformed_policy_errors_are_rejections_and_the_rest_warnings():
    findings = lint(fixture("iam", "iam008_fail.yaml"), select=["IAM008"])
    severities = {(f.line, f.col): str(f.severity) for f in findings}
    assert severities[(14, 23)] == "warning"  # `${ArtifactBucket}` without !Sub: IAM accepts it, it matches nothing
    assert {s for place, s in severities.items() if place != (14, 23)} == {"error"}
    # IAM policy variables reach IAM as written: not a missing !Sub.
    findings = lint(fixture("iam", "iam008_variables.yaml"), select=["IAM008"])
    assert [(f.code, f.line, f.col, str(f.severity)) for f in findings] == [("IAM008", 14, 17, "warning")]


def test_resource_hint_matches_each_actions_resource_type():
    from pipelint.rules.iam.wildcards import resource_hint

    assert resource_hint(["iam:CreatePolicy"]) == "`arn:aws:iam::<account>:policy/<name>`"
    assert resource_hint(["iam:AttachRolePolicy"]) == "`arn:aws:iam::<account>:role/<name>`"
    assert resource_hint(["codebuild:CreateReport"]) == "`arn:aws:codebuild:<region>:<account>:report-group/<report-group-name>`"  # from the bundled ARN table
    assert resource_hint(["s3:PutBucketPolicy", "s3:GetObject"]) == (
        "`arn:aws:s3:::<bucket>` for bucket actions; `arn:aws:s3:::<bucket>/*` for object actions")


def test_huge_action_names_give_bounded_messages(tmp_path):
    # A 400 KB action or service name: every finding still fits on a line, and the
    # per-action work is one length check, not one copy of the pattern per known action.
    big = "ec2:" + "*?" * 100_000 + "Z"
    prefix = "x" * 200_000
    path = tmp_path / "policy.json"
    path.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["' + big + '", "' + prefix
                    + ':*"], "Resource": "*"}]}')
    findings = lint(str(path), select=["IAM"])
    assert sorted(f.code for f in findings) == ["IAM002", "IAM009", "IAM009"]
    assert all(len(f.message) < 600 and len(f.fix or "") < 300 for f in findings)
    assert any(f.message.startswith("`ec2:*?*?") and "…` matches no `ec2` action" in f.message for f in findings)


def test_escalation_through_a_role_it_creates_and_may_pass():
    # No "any role" anywhere, but CreateRole + AttachRolePolicy + PassRole on `role/${Project}-*`:
    # it can create `<project>-x`, attach AdministratorAccess and run a Lambda function as it.
    # A permissions-boundary condition on CreateRole closes the path.
    findings = lint(fixture("iam", "iam010_created_role.yaml"), select=["IAM010"])
    assert [(f.code, f.line, f.col, f.message) for f in findings] == [
        ("IAM010", 3, 3, "role `StackRole` can escalate to any permission: `iam:CreateRole` + `iam:AttachRolePolicy` + `iam:PassRole` + "
         "`lambda:CreateFunction` + `lambda:InvokeFunction` let it run a Lambda function as a role it creates with any policy"),
    ]
    assert findings[0].fix.startswith("require a permissions boundary when it creates roles")
    assert [(r[0], r[1], r[2]) for r in findings[0].related] == [
        ("`iam:CreateRole` is granted here (inline policy `app-roles`)", 17, 21),
        ("`iam:AttachRolePolicy` is granted here (inline policy `app-roles`)", 18, 21),
        ("`iam:PassRole` is granted here (inline policy `app-roles`)", 19, 21),
        ("`lambda:CreateFunction` is granted here (inline policy `app-roles`)", 23, 21),
        ("`lambda:InvokeFunction` is granted here (inline policy `app-roles`)", 24, 21),
    ]
