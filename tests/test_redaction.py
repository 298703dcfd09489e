"""No output format ever shows a secret pipelint found.

Known fake secrets are planted in every place the SEC rules read (buildspec env and commands,
template environment variables, OAuth and webhook tokens, source URLs, a private key, an
appspec hook script, a CLI pipeline definition); the CLI is run over the bundle once per
format (text with code frames, json, sarif, github…) and the raw values must appear nowhere.
Tokens with shapes push protection knows are assembled at run time, never stored in files.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipelint.cli import main

# Adding a reporter to the redaction guarantee is one line here.
FORMATS = ["text", "json", "sarif", "github", "junit", "html"]

BODY = "Zx9kq2LmN8vB4cR7tY1uI0oP3aS6dF5gH2jK"
SECRETS = {
    "buildspec_env_token": "gh" + "p_" + BODY,
    "buildspec_env_password": "Vq7-Lr2m-Xs9k",
    "docker_password": "Hx4-pT8w-Qm2z",
    "curl_password": "Cu5r-Lp4ss-9z",
    "bearer": "b7e1c9d3a5f24e6b8c0d2f4a6e8b0c1d",
    "npm": "np" + "m_" + BODY[::-1],
    "git_url_password": "Gt3-uRl-pw7Q",
    "slack_hook": "https://hooks." + "slack.com/services/" + "T1A2B3C4D/B5E6F7G8H/" + "Zx9kq2LmN8vB4cR7tY1uI0oP",
    "codebuild_secret_key": "Qw3eRt5yUi7oPa9sDf1gHj3kLz5xCv7bNm9QwErT",
    "codebuild_key_id": "AKIA" + "QW3ERT5YUI7OPA2S",
    "oauth": "f1e2d3c4b5a69788f1e2d3c4b5a69788f1e2d3c4",
    "webhook": "d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9",
    "source_url": "Su7rc-Url-Pw3x",
    "source_credential": "c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0",
    "db_password": "Db9xK2mQ7vL4pR8t",
    "comment_key_id": "AKIA" + "ZX5CV7BN2MQ3WE4R",
    "hook_password": "Hk6-sCr1pt-Pw4",
    "hook_key_id": "AKIA" + "HK6SCR7PTPW4QW3E",
    "cli_oauth": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    "cli_env": "e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0",
}
KEY_LINES = [
    "MIIEowIBAAKCAQEAv8pQ3yL9Zq2kN4mR7tY1uI0oP3aS6dF5gH2jK8lQwXcVbN",
    "Qk3Zr8Tn2Wm5Yp7Vx9Sa1Dc4Fe6Gh8Jk0Lm2Np4Qr6St8Uv0Wx2Yz4Ab6Cd8Ef0G",
]
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + "\n".join(KEY_LINES) + "\n-----END RSA " + "PRIVATE KEY-----"


def _bundle(root) -> None:
    s = SECRETS
    (root / "buildspec.yml").write_text(
        "version: 0.2\n"
        f"# notifications: {s['slack_hook']}\n"
        "env:\n"
        "  variables:\n"
        f"    GITHUB_TOKEN: {s['buildspec_env_token']}\n"
        f"    DB_PASSWORD: {s['buildspec_env_password']}\n"
        "    DEPLOY_KEY: |\n"
        + "".join(f"      {line}\n" for line in PRIVATE_KEY.splitlines())
        + "phases:\n"
        "  build:\n"
        "    commands:\n"
        f"      - docker login -u ci -p {s['docker_password']} registry.example.com\n"
        f"      - curl -u deploy:{s['curl_password']} https://nexus.example.com/upload\n"
        f"      - 'curl -H \"Authorization: Bearer {s['bearer']}\" https://api.example.com'\n"
        f"      - echo \"//registry.npmjs.org/:_authToken={s['npm']}\" > .npmrc\n"
        f"      - git clone https://ci:{s['git_url_password']}@bitbucket.org/acme/lib.git\n"
    )
    (root / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f"# old deploy user {s['comment_key_id']}\n"
        "Resources:\n"
        "  Build:\n"
        "    Type: AWS::CodeBuild::Project\n"
        "    Properties:\n"
        "      ServiceRole: arn:aws:iam::123456789012:role/build\n"
        "      Artifacts: {Type: NO_ARTIFACTS}\n"
        "      Source:\n"
        "        Type: BITBUCKET\n"
        f"        Location: https://ci:{s['source_url']}@bitbucket.org/acme/app.git\n"
        "      Environment:\n"
        "        Type: LINUX_CONTAINER\n"
        "        ComputeType: BUILD_GENERAL1_SMALL\n"
        "        Image: aws/codebuild/standard:7.0\n"
        "        EnvironmentVariables:\n"
        "          - Name: AWS_ACCESS_KEY_ID\n"
        f"            Value: {s['codebuild_key_id']}\n"
        "          - Name: AWS_SECRET_ACCESS_KEY\n"
        f"            Value: {s['codebuild_secret_key']}\n"
        "  Credential:\n"
        "    Type: AWS::CodeBuild::SourceCredential\n"
        "    Properties:\n"
        "      AuthType: PERSONAL_ACCESS_TOKEN\n"
        "      ServerType: GITHUB\n"
        f"      Token: {s['source_credential']}\n"
        "  Hook:\n"
        "    Type: AWS::CodePipeline::Webhook\n"
        "    Properties:\n"
        "      Authentication: GITHUB_HMAC\n"
        f"      AuthenticationConfiguration: {{SecretToken: {s['webhook']}}}\n"
        "      Filters: [{JsonPath: $.ref}]\n"
        "      TargetPipeline: !Ref Pipeline\n"
        "      TargetAction: Source\n"
        "      TargetPipelineVersion: 1\n"
        "  Database:\n"
        "    Type: AWS::RDS::DBInstance\n"
        "    Properties:\n"
        "      Engine: postgres\n"
        f"      MasterUserPassword: {s['db_password']}\n"
        "  Pipeline:\n"
        "    Type: AWS::CodePipeline::Pipeline\n"
        "    Properties:\n"
        "      RoleArn: arn:aws:iam::123456789012:role/pipeline\n"
        "      ArtifactStore: {Type: S3, Location: artifacts}\n"
        "      Stages:\n"
        "        - Name: Source\n"
        "          Actions:\n"
        "            - Name: App\n"
        "              ActionTypeId: {Category: Source, Owner: ThirdParty, Provider: GitHub, Version: '1'}\n"
        f"              Configuration: {{Owner: acme, Repo: app, Branch: main, OAuthToken: {s['oauth']}}}\n"
        "              OutputArtifacts: [{Name: App}]\n"
    )
    bundle = root / "deploy"
    (bundle / "scripts").mkdir(parents=True)
    (bundle / "appspec.yml").write_text(
        "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /opt/app\n"
        "hooks:\n  AfterInstall:\n    - location: scripts/start.sh\n      timeout: 60\n"
    )
    (bundle / "scripts" / "start.sh").write_text(
        "#!/bin/bash\n"
        f"docker login -u ci --password {s['hook_password']} registry.example.com\n"
        f"export AWS_ACCESS_KEY_ID={s['hook_key_id']}\n"
    )
    (root / "pipeline.json").write_text(json.dumps({"pipeline": {
        "name": "app", "roleArn": "arn:aws:iam::123456789012:role/p", "artifactStore": {"type": "S3", "location": "a"},
        "stages": [
            {"name": "Source", "actions": [{
                "name": "App", "actionTypeId": {"category": "Source", "owner": "ThirdParty", "provider": "GitHub", "version": "1"},
                "configuration": {"Owner": "acme", "Repo": "app", "Branch": "main", "OAuthToken": s["cli_oauth"]},
                "outputArtifacts": [{"name": "App"}]}]},
            {"name": "Build", "actions": [{
                "name": "Build", "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                "configuration": {"ProjectName": "build", "EnvironmentVariables": json.dumps(
                    [{"name": "API_TOKEN", "value": s["cli_env"], "type": "PLAINTEXT"}])},
                "inputArtifacts": [{"name": "App"}]}]},
        ]}}, indent=2))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("redaction")
    _bundle(root)
    return root


def _run(bundle, fmt: str) -> str:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "-j", "1", "--format", fmt, str(bundle)])
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_every_place_is_detected(bundle):
    data = json.loads(_run(bundle, "json"))
    codes = {f["code"] for f in data["findings"]}
    assert {"SEC001", "SEC002", "SEC003", "SEC004", "SEC005", "SEC006", "SEC007", "SEC008", "SEC009"} <= codes
    assert "PL001" not in codes
    messages = "\n".join(f["message"] for f in data["findings"])
    for name, secret in SECRETS.items():
        prefix = secret[: min(4, len(secret) // 4)]
        assert f"{prefix}…({len(secret)} chars)" in messages, name


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_output(bundle, fmt):
    output = _run(bundle, fmt)
    assert "SEC00" in output
    for name, secret in SECRETS.items():
        assert secret not in output, f"{name} leaked in {fmt} output"
    for line in KEY_LINES:
        assert line not in output, f"private key line leaked in {fmt} output"


def test_text_output_shows_masked_code_frames(bundle):
    output = _run(bundle, "text")
    assert " | " in output  # code frames are shown, so masking is what keeps secrets out
    assert "Vq7-…(13 chars)" in output or "Vq7…(13 chars)" in output


def test_each_secret_is_reported_once(bundle):
    findings = json.loads(_run(bundle, "json"))["findings"]
    for name, secret in SECRETS.items():
        shown = f"{secret[: min(4, len(secret) // 4)]}…({len(secret)} chars)"
        places = {
            (str(path.relative_to(bundle)), number)
            for path in bundle.rglob("*") if path.is_file()
            for number, line in enumerate(path.read_text().splitlines(), 1) if secret in line
        }
        hits = [f for f in findings if shown in f["message"] and any(f["path"].endswith(p) and f["line"] == n for p, n in places)]
        assert len(hits) == 1, (name, hits)
    assert sum("private key" in f["message"] for f in findings) == 1


def test_secret_in_a_file_that_does_not_parse_is_still_found_and_masked(tmp_path):
    from helpers import lint, triples

    key = "AKIA" + "Q7ZR4NXT2MWB6PLD"
    path = tmp_path / "buildspec.yml"
    path.write_text(f"version: 0.2\nenv:\n  variables:\n    KEY: {key}\n  bad: [unclosed\n")
    findings = lint(str(path), select=["SEC009", "PL002"])
    assert triples(findings) == [("PL002", 6, 1), ("SEC009", 4, 10)]
    assert all(key not in f.message for f in findings)


def test_deselected_structural_rule_leaves_the_value_to_sec009(tmp_path):
    from helpers import lint

    key = "AKIA" + "Q7ZR4NXT2MWB6PLD"
    path = tmp_path / "buildspec.yml"
    path.write_text(f"version: 0.2\nenv:\n  variables:\n    AWS_ACCESS_KEY_ID: {key}\nphases:\n  build:\n    commands: [make]\n")
    assert {f.code for f in lint(str(path), select=["SEC"])} == {"SEC001"}
    assert {f.code for f in lint(str(path), select=["SEC009"])} == {"SEC009"}


@pytest.mark.parametrize("fmt", ["text", "sarif", "html", "json"])
@pytest.mark.parametrize("line", [
    "    DB_PASSWORD: correcthorse: x",          # letters only: too plain to report, still masked
    "    db_pass = battery-staple: x: y",
    '    "api_key": "tr0ub4dor": x',
    "    url: https://ci:staplehorse@example.com/a: x",
])
def test_assignments_in_a_file_that_does_not_parse_are_masked(tmp_path, fmt, line):
    # Only token-shaped secrets used to be masked in unparsable files; the syntax error's code
    # frame showed `password=…` style values in full.
    (tmp_path / "buildspec.yml").write_text(f"version: 0.2\nenv:\n  variables:\n{line}\n")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--format", fmt, str(tmp_path)])
    assert "PL002" in result.output
    for word in ("correcthorse", "battery-staple", "tr0ub4dor", "staplehorse"):
        assert word not in result.output
    if fmt == "text":
        assert "…(" in result.output  # the frame is shown, masked


def test_mask_secret_like_for_messages_about_unanalysed_input():
    from pipelint.textutil import mask_secret_like

    assert mask_secret_like("rule-options.BS301.images: expected a list, got 'x'") == "rule-options.BS301.images: expected a list, got 'x'"
    assert mask_secret_like("unknown key 'password = hunter2xyz' in [tool.pipelint]") == "unknown key 'password = hu…(10 chars)' in [tool.pipelint]"
    assert mask_secret_like('token: "ghp_x", api_key=$API_KEY') == 'token: "g…(5 chars)", api_key=$API_KEY'
    assert mask_secret_like("kinds: https://bot:Zq9-pw-7x@git.example.com/x") == "kinds: https://bot:Zq…(9 chars)@git.example.com/x"
    key = "AKIA" + "Q7ZR4NXT2MWB6PLD"
    assert mask_secret_like(f"bad value {key}!") == "bad value AKIA…(20 chars)!"
    assert mask_secret_like("Authorization: Bearer b7e1c9d3a5f24e6b") == "Authorization: Bearer b7e1…(16 chars)"


PROJECT_RULE = '''
from pipelint.api import Report, rule


@rule("XS101", "quotes-a-value", severity="warning", kinds=("pipeline",), scope="project")
def quotes_a_value(project, config):
    """A project rule whose message and fix quote a value of the file (as CP403/CP405 quote paths).

    Failing: any pipeline. Fixed: not applicable.
    """
    for doc in project.documents("pipeline"):
        text = doc.source.text
        start = text.index("OAuthToken: ") + len("OAuthToken: ")
        value = text[start:text.index("}", start)]
        yield Report(doc.root, f"the token is {value}", fix=f"replace {value}")
'''


def test_project_rule_messages_and_fixes_are_masked(tmp_path):
    # Project (cross-file) findings are masked with the secrets the document rules found in
    # their file: the message, and the suggested fix too.
    token = "f1e2d3c4b5a69788f1e2d3c4b5a69788f1e2d3c4"
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "quoting.py").write_text(PROJECT_RULE)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pipeline.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n"
        "    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/p\n      ArtifactStore: {Type: S3, Location: b}\n"
        "      Stages:\n        - Name: Source\n          Actions:\n            - Name: Src\n"
        "              ActionTypeId: {Category: Source, Owner: ThirdParty, Provider: GitHub, Version: '1'}\n"
        "              OutputArtifacts: [{Name: Out}]\n"
        f"              Configuration: {{Owner: acme, Repo: app, Branch: main, OAuthToken: {token}}}\n"
        "        - Name: Build\n          Actions:\n            - Name: B\n"
        "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1'}\n"
        "              InputArtifacts: [{Name: Out}]\n              Configuration: {ProjectName: p}\n")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--rules-dir", str(tmp_path / "plugins"),
                                       "--format", "json", str(repo)])
    findings = json.loads(result.output)["findings"]
    quoted = [f for f in findings if f["code"] == "XS101"]
    assert quoted and {f["code"] for f in findings} >= {"SEC003"}
    assert token not in result.output
    assert quoted[0]["fix"] == "replace f1e2…(40 chars)"
