"""SEC rules: exact findings on failing fixtures, none on passing ones, one report per secret.

Tokens whose shapes push protection knows (GitHub, npm, Slack, private keys) are assembled here
at run time and written to temporary files, never stored in fixtures.
"""

from __future__ import annotations

import pytest

from helpers import fixture, lint, triples
from pipelint.rules.secrets import _patterns

FAILING = {
    "SEC001": ("buildspec-sec001-fail.yml", [(5, 18), (6, 18), (7, 27), (8, 31)]),
    "SEC002": ("sec002_fail.yaml", [(15, 20), (18, 20), (20, 20)]),
    "SEC003": ("sec003_fail.yaml", [(9, 14), (24, 29), (32, 29)]),
    "SEC004": ("sec004_fail.yaml", [(11, 14), (18, 14)]),
    "SEC005": ("sec005_fail.json", [(8, 57)]),
    "SEC006": ("sec006_fail.yaml", [(14, 102), (21, 26)]),
    "SEC007": ("sec007_fail.yaml", [(11, 34), (15, 44)]),
    "SEC008": ("buildspec-sec008-fail.yml", [(5, 36), (6, 49), (7, 34), (10, 48), (12, 28), (13, 37), (14, 34)]),
    "SEC009": ("sec009_fail.yaml", [(2, 23), (9, 27), (23, 27)]),
}
PASSING = {
    "SEC001": ["buildspec-sec001-pass.yml"],
    "SEC002": ["sec002_pass.yaml"],
    "SEC003": ["sec003_pass.yaml", "sec003_pass_cli.json"],
    "SEC004": ["sec004_pass.yaml"],
    "SEC005": ["sec005_pass.json"],
    "SEC006": ["sec006_pass.yaml"],
    "SEC007": ["sec007_pass.yaml"],
    "SEC008": ["buildspec-sec008-pass.yml", "sec008_bundle_pass"],
    "SEC009": ["sec009_pass.yaml", "buildspec-sec009-pass.yml"],
}


def _no_raw_secret(findings, secret):
    for finding in findings:
        assert secret not in finding.message and secret not in (finding.fix or "") and secret not in finding.anchor


@pytest.mark.parametrize("code", sorted(FAILING))
def test_failing_fixture(code):
    name, expected = FAILING[code]
    findings = lint(fixture("secrets", name), select=[code])
    assert triples(findings, "SEC") == [(code, line, col) for line, col in expected]
    for finding in findings:
        assert finding.fix and finding.security_severity is not None
        assert "…(" in finding.message or "NoEcho" in finding.message  # a redacted value, or a finding about a reference


@pytest.mark.parametrize("code", sorted(PASSING))
def test_passing_fixtures(code):
    for name in PASSING[code]:
        assert triples(lint(fixture("secrets", name), select=[code]), "SEC") == [], name


def test_cli_pipeline_literal_oauth_token():
    findings = lint(fixture("secrets", "sec003_fail_cli.json"), select=["SEC003"])
    assert triples(findings) == [("SEC003", 13, 96)]
    assert "CodeStarSourceConnection" in findings[0].message


def test_hook_script_findings_point_into_the_script():
    findings = lint(fixture("secrets", "sec008_bundle_fail"), select=["SEC008"])
    assert triples(findings) == [("SEC008", 4, 25), ("SEC008", 5, 45)]
    assert all(f.path.endswith("sec008_bundle_fail/scripts/configure.sh") for f in findings)
    assert "--password-stdin" in findings[0].message


def test_token_scan_in_json_string_parameter_overrides():
    findings = lint(fixture("secrets", "sec009_fail_cli.json"), select=["SEC009"])
    assert triples(findings) == [("SEC009", 16, 57)]
    assert "DbPassword" in findings[0].message


def test_token_scan_in_buildspec_and_each_secret_once():
    findings = lint(fixture("secrets", "buildspec-sec009-fail.yml"), select=["SEC009"])
    assert triples(findings) == [("SEC009", 2, 32), ("SEC009", 6, 21)]
    # sec009_fail.yaml holds the same key id twice (a comment and an inline buildspec): reported once.
    template = lint(fixture("secrets", "sec009_fail.yaml"), select=["SEC009"])
    assert sum("access key id" in f.message for f in template) == 1


@pytest.mark.parametrize(("name", "structural"), [
    ("buildspec-sec001-fail.yml", "SEC001"),
    ("sec002_fail.yaml", "SEC002"),
    ("sec003_fail.yaml", "SEC003"),
    ("sec004_fail.yaml", "SEC004"),
    ("sec005_fail.json", "SEC005"),
    ("sec006_fail.yaml", "SEC006"),
    ("sec007_fail.yaml", "SEC007"),
    ("buildspec-sec008-fail.yml", "SEC008"),
    ("sec008_bundle_fail", "SEC008"),
])
def test_structural_rule_wins_over_token_scan(name, structural):
    findings = lint(fixture("secrets", name), select=[structural, "SEC009"])
    assert [f for f in findings if f.code == "SEC009"] == []
    assert [f for f in findings if f.code == structural]


# Tokens assembled at run time -------------------------------------------------------------

BODY36 = "Zx9kq2LmN8vB4cR7tY1uI0oP3aS6dF5gH2jK"
GITHUB = "gh" + "p_" + BODY36
GITHUB_APP = "gh" + "s_" + BODY36[::-1]
FINE_GRAINED = "github" + "_pat_" + "11ABCDEFG0" + (BODY36 * 3)[:72]
NPM = "np" + "m_" + BODY36[::-1]
SLACK_TOKEN = "xo" + "xb-" + "1234567890" + "-" + "9876543210" + "-" + "Zx9kq2LmN8vB4cR7tY1uI0oP"
SLACK_HOOK = "https://hooks." + "slack.com/services/" + "T1A2B3C4D" + "/B5E6F7G8H/" + "Zx9kq2LmN8vB4cR7tY1uI0oP"
KEY_BODY = ["MIIEowIBAAKCAQEAv8pQ3yL9Zq2kN4mR7tY1uI0oP3aS6dF5gH2jK8lQwXcVbN", "Qk3Zr8Tn2Wm5Yp7Vx9Sa1Dc4Fe6Gh8Jk0Lm2Np4Qr6St8Uv0Wx2Yz4Ab6Cd8Ef0G"]
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + "\n".join(KEY_BODY) + "\n-----END RSA " + "PRIVATE KEY-----"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(("token", "label"), [
    (GITHUB, "GitHub token"),
    (GITHUB_APP, "GitHub token"),
    (FINE_GRAINED, "fine-grained"),
    (NPM, "npm access token"),
    (SLACK_TOKEN, "Slack token"),
    (SLACK_HOOK, "Slack webhook"),
])
def test_token_shapes_in_a_comment(tmp_path, token, label):
    path = _write(tmp_path, "buildspec.yml", f"version: 0.2\n# {token}\nphases:\n  build:\n    commands:\n      - make\n")
    findings = lint(path, select=["SEC009"])
    assert triples(findings) == [("SEC009", 2, 3)]
    assert label in findings[0].message
    _no_raw_secret(findings, token)


def test_private_key_in_a_template(tmp_path):
    indented = "\n".join("        " + line for line in PRIVATE_KEY.splitlines())
    path = _write(tmp_path, "template.yaml",
                  "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  DeployKey:\n    Type: String\n    Default: |\n"
                  + indented + "\nResources: {}\n")
    findings = lint(path, select=["SEC009"])
    assert triples(findings) == [("SEC009", 6, 9)]
    assert "private key" in findings[0].message


def test_secret_in_env_and_commands_and_url(tmp_path):
    path = _write(tmp_path, "buildspec.yml", (
        "version: 0.2\n"
        "env:\n"
        "  variables:\n"
        f"    GH_TOKEN: {GITHUB}\n"
        "phases:\n"
        "  build:\n"
        "    commands:\n"
        f"      - git clone https://{GITHUB}@github.com/acme/app.git\n"
        f"      - echo \"//registry.npmjs.org/:_authToken={NPM}\" > .npmrc\n"
    ))
    findings = lint(path, select=["SEC"])
    assert triples(findings) == [("SEC001", 4, 15), ("SEC008", 8, 27), ("SEC008", 9, 48)]
    _no_raw_secret(findings, GITHUB)
    _no_raw_secret(findings, NPM)


def test_multi_document_file_is_scanned_once(tmp_path):
    path = _write(tmp_path, "policy.yaml", (
        f"# {GITHUB}\n"
        "Version: '2012-10-17'\nStatement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]\n"
        "---\n"
        "Version: '2012-10-17'\nStatement: [{Effect: Allow, Action: 's3:PutObject', Resource: '*'}]\n"
    ))
    findings = lint(path, select=["SEC009"])
    assert triples(findings) == [("SEC009", 1, 3)]


@pytest.mark.parametrize("value", [
    "$GITHUB_TOKEN", "${GITHUB_TOKEN}", "$(aws secretsmanager get-secret-value --secret-id x)",
    "{{resolve:secretsmanager:ci/github:SecretString:token}}", "{{resolve:ssm-secure:/ci/token}}",
    "#{SourceVariables.CommitId}", "!Ref GitHubToken", "<your-token>",
])
def test_references_are_never_secrets(value):
    assert _patterns.is_reference(value)


@pytest.mark.parametrize("value", ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "xxxxxxxxxxxxxxxx", "changeme", "****"])
def test_placeholders_are_never_secrets(value):
    assert _patterns.is_placeholder(value)
    assert _patterns.classify(value) is None


@pytest.mark.parametrize(("name", "kind"), [
    ("DB_PASSWORD", "password"), ("dockerhubPass", "password"), ("SONAR_TOKEN", "secret"), ("ClientSecret", "secret"),
    ("SECRET_NAME", None), ("TOKEN_ARN", None), ("PASSWORD_LENGTH", None), ("KmsKeyId", None), ("PassRole", None),
])
def test_secret_names(name, kind):
    assert _patterns.name_kind(name) == kind


def test_messages_never_hold_the_raw_value():
    for code, (name, _) in FAILING.items():
        findings = lint(fixture("secrets", name), select=[code])
        text = open(fixture("secrets", name)).read()
        for finding in findings:
            if "…(" in finding.message:
                assert finding.anchor == "<secret>"  # nothing derived from the secret, not even a hash
            for token in ("Zq9-hunter2-pw", "FakeSecretKeyForPipelintTests1234567890a", "AKIAFAKEPIPELINT7TST"):
                if token in text:
                    assert token not in finding.message


def test_every_sec_rule_is_a_warning_or_below():
    # "error" means AWS rejects the file; a hard-coded secret deploys fine (AWS warns at most, in
    # docs and Security Hub controls), so no SEC rule may be an error without evidence that AWS
    # refuses the file. Any that becomes one must say in its docstring what AWS does.
    from pipelint.engine.registry import load_rules
    from pipelint.findings import Severity

    rules = [r for r in load_rules([]).rules if r.code.startswith("SEC")]
    assert len(rules) == 9
    for found in rules:
        if found.severity == Severity.ERROR:
            assert "reject" in (found.doc or "").lower(), found.code
        else:
            assert found.severity in (Severity.WARNING, Severity.NOTE), found.code
