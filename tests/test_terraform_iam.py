"""IAM and SEC rules on policies and credentials written in Terraform.

Every IAM rule family fires with its exact position on a ``.tf`` fixture and is silent on the
fixed twin; a policy written with ``jsonencode``, heredoc JSON and ``aws_iam_policy_document``
gives the same codes as its CloudFormation twin; values Terraform knows only at apply time
keep every rule silent.
"""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples

FAILING = {
    "wildcards_fail.tf": ["IAM001@21:18", "IAM002@35:22", "IAM003@46:18"],
    "passrole_fail.tf": ["IAM004@35:36", "IAM004@36:36"],
    "not_elements_fail.tf": ["IAM005@4:5", "IAM005@9:5", "IAM005@24:7"],
    "principals_fail.tf": ["IAM006@8:19", "IAM006@21:22", "IAM007@44:29", "IAM007@44:63"],
    "malformed_fail.tf": ["IAM008@8:20", "IAM008@9:20", "IAM008@10:20", "IAM008@11:20", "IAM008@23:13", "IAM008@24:3",
                          "IAM008@29:17", "IAM008@50:7", "IAM009@15:21", "IAM009@48:42"],
    "escalation_fail.tf": ["IAM003@20:20", "IAM004@32:18", "IAM010@3:25", "IAM010@60:26", "IAM011@57:16", "IAM011@66:16"],
    "secrets_fail.tf": ["SEC004@5:18", "SEC005@15:21"],
    "github_oidc_fail.tf": ["IAM007@12:22"],
}
PASSING = ["wildcards_pass.tf", "passrole_pass.tf", "not_elements_pass.tf", "principals_pass.tf", "malformed_pass.tf",
           "escalation_pass.tf", "secrets_pass.tf", "unknown_values.tf"]


def _expected(items: list[str]) -> list[tuple[str, int, int]]:
    out = []
    for item in items:
        code, _, where = item.partition("@")
        line, _, col = where.partition(":")
        out.append((code, int(line), int(col)))
    return sorted(out)


def _tf(*parts: str) -> str:
    return fixture("terraform", "iam", *parts)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_fixture(name):
    findings = lint(_tf(name), select=["IAM", "SEC", "PL"])
    assert triples(findings) == _expected(FAILING[name])
    for finding in findings:
        assert finding.fix and finding.security_severity is not None


@pytest.mark.parametrize("name", PASSING)
def test_passing_fixture(name):
    assert triples(lint(_tf(name), select=["IAM", "SEC", "PL"])) == []


@pytest.mark.parametrize("form", ["jsonencode.tf", "heredoc.tf", "document.tf"])
def test_each_policy_form_gives_the_codes_of_its_cloudformation_twin(form):
    twin = sorted(f.code for f in lint(_tf("twins", "template.yaml"), select=["IAM"]))
    assert twin == ["IAM002", "IAM003", "IAM004", "IAM005", "IAM006", "IAM007", "IAM008", "IAM008", "IAM008", "IAM008",
                    "IAM009", "IAM010"]
    assert sorted(f.code for f in lint(_tf("twins", form), select=["IAM"])) == twin


def test_findings_name_the_terraform_address():
    findings = lint(_tf("wildcards_fail.tf"), select=["IAM001"])
    assert "policy `aws_iam_role_policy.everything`" in findings[0].message
    escalation = lint(_tf("escalation_fail.tf"), select=["IAM010"])
    assert any("role `aws_iam_role.pipeline`" in f.message for f in escalation)
    # The grants come from the inline_policy block and from the attached aws_iam_policy.
    related = {line for f in escalation for _text, line, *_ in f.related}
    assert {19, 32} <= related


# ---------------------------------------------------------------------------------------------
# Forms and resolution, on small files


def _lint_text(tmp_path, text: str, select: list[str] | None = None, name: str = "main.tf"):
    path = tmp_path / name
    path.write_text(text)
    return lint(str(path), select=select or ["IAM", "PL"])


_ROLE = '''resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}
'''


def test_terraform_escapes_and_interpolations_in_heredoc_json(tmp_path):
    text = _ROLE + '''resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/$${aws:username}/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "${aws_s3_bucket.b.arn}/*"},
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
  ]
}
EOF
}
'''
    # The escaped policy variable and the interpolated bucket are valid resources (no IAM008);
    # the known statement is still checked, at its exact place in the heredoc.
    assert triples(_lint_text(tmp_path, text)) == [("IAM002", 13, 35)]


def test_interpolation_outside_strings_makes_the_heredoc_unknown(tmp_path):
    text = _ROLE + '''resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)}, "Resource": "*"}, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
EOF
}
'''
    assert triples(_lint_text(tmp_path, text)) == []


def test_invalid_json_in_a_literal_heredoc_is_reported(tmp_path):
    text = _ROLE + '''resource "aws_iam_policy" "p" {
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject" "Resource": "*"}]}
EOF
}
'''
    found = _lint_text(tmp_path, text)
    assert [f.code for f in found if f.code.startswith("PL")] and all(f.line >= 6 for f in found)


def test_legacy_interpolation_only_strings_are_references(tmp_path):
    text = _ROLE + '''data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "p" {
  role   = "${aws_iam_role.r.id}"
  policy = "${data.aws_iam_policy_document.d.json}"
}
'''
    found = _lint_text(tmp_path, text, ["IAM010"])
    assert triples(found) == [("IAM010", 1, 25)]  # combined on the role the policy is attached to
    assert "role `aws_iam_role.r`" in found[0].message


def test_policy_document_merges_source_and_override_documents(tmp_path):
    text = '''data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Read"
    actions   = ["s3:*"]
    resources = ["*"]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/app:*"]
  }
}

data "aws_iam_policy_document" "final" {
  count                   = 1
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({
    Statement = [{Sid = "Logs", Effect = "Allow", Action = "kms:*", Resource = "*"}]
  })]
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::artifacts/*"]
  }
  dynamic "statement" {
    for_each = var.extra
    content {
      actions   = ["iam:*"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.final[0].json
}
'''
    # `Read` of the source is replaced by the document's own; `Logs` by the override (kms:*);
    # the dynamic statement is unknown and left out.
    assert triples(_lint_text(tmp_path, text, ["IAM002"])) == [("IAM002", 18, 60)]


@pytest.mark.parametrize("source", [
    "source_policy_documents = [var.extra]",
    "override_policy_documents = var.overrides",
    "source_policy_documents = [data.aws_iam_policy_document.elsewhere.json]",
])
def test_unresolvable_source_or_override_makes_the_document_unknown(tmp_path, source):
    text = f'''data "aws_iam_policy_document" "d" {{
  {source}
  statement {{
    actions   = ["s3:*"]
    resources = ["*"]
  }}
}}

resource "aws_iam_policy" "p" {{
  policy = data.aws_iam_policy_document.d.json
}}
'''
    assert triples(_lint_text(tmp_path, text)) == []


def test_statement_with_unknown_condition_or_principal_is_left_out(tmp_path):
    text = '''data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::artifacts/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = var.condition_key
      values   = ["o-123"]
    }
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::artifacts/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    dynamic "condition" {
      for_each = var.conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::artifacts/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "b" {
  bucket = "artifacts"
  policy = data.aws_iam_policy_document.d.json
}
'''
    assert triples(_lint_text(tmp_path, text, ["IAM006"])) == [("IAM006", 36, 22)]


def test_principals_of_one_type_and_conditions_of_one_test_are_merged(tmp_path):
    from pipelint.terraform.load import load_terraform

    text = '''data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/ci"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-central-1"]
    }
  }
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
'''
    root = load_terraform(text, "main.tf", None).roots[0]
    trust = root.to_python()["Resources"]["aws_iam_role.r"]["Properties"]["AssumeRolePolicyDocument"]
    assert trust == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": ["sts:AssumeRole"],
        "Principal": {"AWS": ["arn:aws:iam::111122223333:role/ci", "arn:aws:iam::444455556666:root"]},
        "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}},
    }]}
    # The account root is reported at its own place (a region condition does not narrow who).
    assert triples(_lint_text(tmp_path, text, ["IAM007", "IAM008"])) == [("IAM007", 10, 22)]


def test_attachments_by_literal_name_and_policy_attachment_lists(tmp_path):
    text = '''resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_role" "build" {
  name               = "build"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}

resource "aws_iam_user_policy_attachment" "deployer" {
  user       = "deployer"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_policy_attachment" "shared" {
  name       = "shared"
  roles      = [aws_iam_role.build.name]
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_role_policy_attachment" "unknown" {
  role       = var.role
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
'''
    assert triples(_lint_text(tmp_path, text, ["IAM011"])) == [("IAM011", 12, 16), ("IAM011", 18, 16)]


def test_kms_key_policy_and_trust_in_a_local(tmp_path):
    text = '''locals {
  trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {AWS = "*"}}]
  })
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = local.trust
}

resource "aws_kms_key" "artifacts" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{Effect = "Allow", Principal = {AWS = "arn:aws:iam::123456789012:root"}, Action = "kms:*", Resource = "*"}]
  })
}
'''
    # The trust policy is read through the local; `Resource: "*"` in a key policy is the key
    # itself (no IAM003), as for AWS::KMS::Key.
    assert triples(_lint_text(tmp_path, text, ["IAM003", "IAM007"])) == [("IAM007", 4, 83)]


def test_terraform_json_syntax():
    # `.tf.json`: the data source's statement list, a "${…}" reference, and a JSON string policy
    # (positions inside the string, as for a JSON string in a CloudFormation template).
    findings = lint(_tf("policies.tf.json"), select=["IAM", "PL"])
    assert triples(findings) == [("IAM002", 6, 24), ("IAM007", 16, 176), ("IAM008", 6, 53)]


def test_advice_is_written_for_terraform():
    findings = [f for name in FAILING for f in lint(_tf(name), select=["IAM", "SEC"])]
    for finding in findings:
        for text in (finding.message, finding.fix or ""):
            assert not any(cfn in text for cfn in ("!GetAtt", "!Sub", "!Ref", "{{resolve")), (finding.code, text)
    by_code = {f.code: f for f in findings}
    assert 'auth_type = "SECRETS_MANAGER"' in by_code["SEC004"].fix
    assert "`aws_codebuild_source_credential.github.token`" in by_code["SEC004"].message
    assert "`authentication_configuration.secret_token`" in by_code["SEC005"].message
    assert '`"Condition": {"StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}}`' in by_code["IAM004"].message
    assert "`aws_iam_role.<name>.arn`" in by_code["IAM004"].message
    # github_oidc_fail.tf writes its trust policy as data "aws_iam_policy_document": advice in its blocks
    assert ('`condition { test = "StringLike" variable = "token.actions.githubusercontent.com:sub" '
            'values = ["repo:<org>/<repo>:ref:refs/heads/main"] }`') in by_code["IAM007"].message


def test_documents_listing_documents_many_times_are_translated_once(tmp_path):
    # d0 lists d1 forty times, d1 lists d2 forty times, … : expanded naively that is 40^7
    # documents; each is translated once, and the rendered d0 (over the statement quota) is unknown.
    blocks = []
    for level in range(8):
        sources = ", ".join([f"data.aws_iam_policy_document.d{level + 1}.json"] * 40) if level < 7 else ""
        listed = f"  source_policy_documents = [{sources}]\n" if sources else ""
        blocks.append(f'data "aws_iam_policy_document" "d{level}" {{\n{listed}  statement {{\n'
                      f'    actions   = ["s3:*"]\n    resources = ["*"]\n  }}\n}}\n')
    blocks.append('resource "aws_iam_policy" "p" {\n  policy = data.aws_iam_policy_document.d0.json\n}\n')
    blocks.append('resource "aws_iam_policy" "q" {\n  policy = data.aws_iam_policy_document.d6.json\n}\n')
    found = _lint_text(tmp_path, "\n".join(blocks), ["IAM002"])
    # d6 renders d7's statement forty times (same sid-less statement) plus its own.
    assert len(found) == 41 and {(f.line, f.col) for f in found} == {(52, 18), (59, 18)}


def test_many_attachments_by_literal_name(tmp_path):
    count = 2000
    roles = "".join(f'resource "aws_iam_role" "r{i}" {{\n  name = "role-{i}"\n}}\n' for i in range(count))
    attachments = "".join(f'resource "aws_iam_role_policy_attachment" "a{i}" {{\n  role = "role-{i}"\n'
                          f'  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}}\n' for i in range(count))
    from pipelint.terraform.load import load_terraform

    resources = load_terraform(roles + attachments, "main.tf", None).roots[0].to_python()["Resources"]
    attached = [r for r in resources.values() if r["Properties"].get("ManagedPolicyArns")]
    assert len(attached) == count


def test_jsonencode_of_a_local_with_an_unknown_part(tmp_path):
    text = '''locals {
  policy = {
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:*", Resource = "*" },
      { Effect = "Allow", Action = "s3:GetObject", Resource = var.bucket_arn },
    ]
  }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode(local.policy)
}

resource "aws_iam_policy" "q" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [for action in var.actions : { Effect = "Allow", Action = action, Resource = "*" }]
  })
}
'''
    # The local's object is read where it is written (one unknown Resource does not hide the
    # known statement); a `for` expression is unknown.
    assert triples(_lint_text(tmp_path, text)) == [("IAM002", 5, 36)]


def test_hcl_comments_suppress_iam_findings(tmp_path):
    text = '''resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*" # pipelint: disable=IAM002
      Resource = "*"
    }]
  })
}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:*"] // pipelint: disable=IAM002
    resources = ["*"]
  }
}

resource "aws_iam_policy" "q" {
  policy = data.aws_iam_policy_document.d.json
}
'''
    assert triples(_lint_text(tmp_path, text)) == []
    assert triples(_lint_text(tmp_path, text.replace("# pipelint: disable=IAM002", ""), ["IAM002"])) == [("IAM002", 6, 18)]
