"""Findings in Terraform files speak Terraform.

Every finding on every Terraform fixture is checked against a denylist of spellings that exist
only in CloudFormation (``RunOrder``, ``BeforeEntry``, ``!GetAtt``, `` `Type` ``…); findings on a
``data "aws_iam_policy_document"`` use that data source's attributes (``resources = [...]``,
``condition { … }``, ``not_actions``); SEC009 outside buildspecs gives advice for the resource
holding the value; a ``#{variables.x}`` reference inside ``jsonencode([...])`` is pointed at.
"""

from __future__ import annotations

import glob
import os
import re

import pytest

from helpers import FIXTURES, fixture, lint

TERRAFORM = os.path.join(FIXTURES, "terraform")
# Spellings of CloudFormation (property names and syntax) with no place in a message about HCL.
CLOUDFORMATION_ONLY = [
    r"\bRunOrder\b", r"\brunOrder\b", r"\bBeforeEntry\b", r"\bOnFailure\b", r"\bOnSuccess\b", r"\bActionTypeId\b",
    r"\bInputArtifacts\b", r"\bOutputArtifacts\b", r"\bArtifactStores?\b", r"\bPrivilegedMode\b", r"\bServiceRole\b",
    r"\bFilterGroups\b", r"`Type`", r"`Provider: ", r"`Category: ", r"!GetAtt", r"!Sub\b", r"!Ref\b", r"Fn::",
    r"\{\{resolve:", r"AWS::CodeBuild::", r"\bProperties\b",
]
# In a data "aws_iam_policy_document", policy elements are the data source's attributes and blocks.
POLICY_JSON_ONLY = [r"`Resource", r"`NotAction`", r"`Action`", r"`Effect", r"`Principal", r"`NotPrincipal", r'"Condition"',
                    r"`Condition", r"`Sid`", r"`Version", r"`Deny` statement", r'`"AWS": ']


def _terraform_files() -> list[str]:
    files = glob.glob(os.path.join(TERRAFORM, "**", "*.tf"), recursive=True)
    files += glob.glob(os.path.join(TERRAFORM, "**", "*.tf.json"), recursive=True)
    return sorted(files)


def _folders() -> list[str]:
    return sorted({os.path.dirname(path) for path in _terraform_files()})


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: os.path.relpath(p, TERRAFORM) or ".")
def test_no_cloudformation_spelling_in_terraform_findings(folder):
    findings = [f for f in lint(folder) if os.path.dirname(os.path.abspath(f.path)) == folder]
    assert not any(f.code == "PL001" for f in findings)
    findings = [f for f in findings if f.path.endswith((".tf", ".tf.json"))]
    for finding in findings:
        if finding.kind in ("buildspec", "appspec"):
            continue  # an inline buildspec's findings speak its YAML
        for pattern in CLOUDFORMATION_ONLY:
            for text in (finding.message, finding.fix or "", finding.edit.title if finding.edit else ""):
                assert not re.search(pattern, text), f"{finding.code} at {finding.path}:{finding.line} says {pattern!r}: {text}"


def test_the_generic_test_covers_the_wording_fixtures():
    assert os.path.join(TERRAFORM, "wording") in _folders()
    assert len(_terraform_files()) >= 30
    findings = lint(os.path.join(TERRAFORM, "wording"))
    assert sum(os.path.dirname(os.path.abspath(f.path)) == os.path.join(TERRAFORM, "wording") for f in findings) >= 20


def _wording(name: str) -> str:
    return fixture("terraform", "wording", name)


def _by_place(path: str) -> dict[tuple[str, int, int], object]:
    return {(f.code, f.line, f.col): f for f in lint(path)}


def test_pipeline_findings_name_terraform_attributes():
    found = _by_place(_wording("pipeline.tf"))
    assert sorted(found) == sorted([
        ("CB008", 10, 23), ("SEC002", 18, 16), ("CB005", 21, 3), ("CP406", 22, 16), ("CP406", 25, 22), ("CB004", 33, 17),
        ("CB002", 43, 17), ("CP130", 55, 3), ("SEC003", 73, 23), ("CP107", 85, 25), ("CP203", 87, 34), ("CP303", 90, 142),
        ("CP201", 100, 26), ("CD001", 107, 25),
    ])
    assert "(`type` is omitted, and PLAINTEXT is the default)" in found[("SEC002", 18, 16)].message
    assert "(`provider = \"CodeStarSourceConnection\"` with a `ConnectionArn` in `configuration`)" in found[("SEC003", 73, 23)].message
    assert "(stage `Build`, run_order 1)" in found[("CP203", 87, 34)].message
    assert "(stage `Build`, run_order 1)" in found[("CP201", 100, 26)].message
    assert "the same run_order" in found[("CP201", 100, 26)].message
    assert found[("CP201", 100, 26)].fix == "set `run_order = 2` (or higher) on `Test`"
    assert "(or a stage `before_entry` condition)" in found[("CD001", 107, 25)].message


def test_reference_inside_jsonencode_is_pointed_at():
    [finding] = [f for f in lint(_wording("pipeline.tf"), select=["CP303"])]
    line = open(_wording("pipeline.tf"), encoding="utf-8").read().splitlines()[finding.line - 1]
    assert (finding.line, finding.end_line) == (90, 90)
    assert line[finding.col - 1:finding.end_col - 1] == "#{variables.Envv}"


def test_policy_document_findings_use_the_data_source_attributes():
    found = _by_place(_wording("document.tf"))
    assert sorted(found) == sorted([("IAM004", 5, 18), ("IAM005", 9, 5), ("IAM003", 14, 18), ("IAM008", 16, 3), ("IAM008", 18, 5),
                                    ("IAM010", 25, 32), ("IAM006", 36, 22)])
    passrole = found[("IAM004", 5, 18)]
    assert ("set `resources` to the ARNs of the roles it must pass (e.g. `aws_iam_role.<name>.arn`) and add "
            "`condition { test = \"StringEquals\" variable = \"iam:PassedToService\" values = [\"<service>.amazonaws.com\"] }`") \
        in passrole.message
    assert passrole.fix == "scope `resources` to the passed roles' ARNs and add an `iam:PassedToService` condition"
    assert ("combines `effect = \"Allow\"` with `not_actions`" in found[("IAM005", 9, 5)].message
            and "list the allowed actions in `actions` instead, or keep `not_actions` only in a statement with `effect = \"Deny\"`"
            in found[("IAM005", 9, 5)].message)
    assert "to `resources = [\"*\"]`" in found[("IAM003", 14, 18)].message
    assert "has no `resources`" in found[("IAM008", 16, 3)].message
    assert "must not have `principals`" in found[("IAM008", 18, 5)].message
    assert "allows `principals { type = \"*\" identifiers = [\"*\"] }`" in found[("IAM006", 36, 22)].message
    assert "`principals { type = \"AWS\" identifiers = [\"arn:aws:iam::<account>:role/<role>\"] }`" in found[("IAM006", 36, 22)].message
    for (code, line, _col), finding in found.items():
        if code == "IAM010":
            continue  # about the role, not about one statement
        for pattern in POLICY_JSON_ONLY:
            assert not re.search(pattern, finding.message + " " + (finding.fix or "")), (code, line, pattern, finding.message)


def test_json_policies_keep_the_json_element_names():
    found = {(f.code, f.line): f for f in lint(fixture("terraform", "iam", "not_elements_fail.tf"))}
    document, jsonencoded = found[("IAM005", 4)], found[("IAM005", 24)]
    assert "`not_actions`" in document.message
    assert "`NotPrincipal`" in jsonencoded.message and "`Principal`" in jsonencoded.message


def test_hard_coded_values_outside_buildspecs_get_terraform_advice():
    found = _by_place(_wording("secrets.tf"))
    assert sorted(found) == [("SEC008", 32, 36), ("SEC009", 4, 64), ("SEC009", 12, 32)]
    secret_version, lambda_url = found[("SEC009", 4, 64)], found[("SEC009", 12, 32)]
    assert "it is the secret's own value" in secret_version.message and "`secret_string_wo`" in secret_version.message
    assert "Secrets Manager" not in secret_version.message.split("); ", 1)[1]  # it is already there
    assert lambda_url.message.startswith("credentials embedded in a URL are hard-coded here")
    assert "let the code that uses it read it at run time" in lambda_url.message
    for finding in (secret_version, lambda_url):
        assert "env.secrets-manager" not in finding.message + (finding.fix or "")
        assert "Terraform keeps it in plain text in the state" in finding.message
    assert "env.secrets-manager" in found[("SEC008", 32, 36)].message  # a command in the buildspec: buildspec advice


def test_url_credentials_grammar_and_advice_in_a_cloudformation_template(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Function:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Environment:\n"
        "        Variables:\n"
        "          DB_URL: postgres://app:Xk82mQpz7Lw@db.internal:5432/app\n"
    )
    [finding] = lint(str(template), select=["SEC009"])
    assert finding.message.startswith("credentials embedded in a URL are hard-coded here")
    assert "`{{resolve:secretsmanager:…}}`" in finding.message
