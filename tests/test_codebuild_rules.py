"""CB rules: exact findings on failing CloudFormation templates (YAML and JSON), none on passing ones."""

from __future__ import annotations

import os

import pytest

from helpers import fixture, lint, triples

# code -> [(line, column, severity)] in the YAML fixture, then in its JSON twin
FAILING = {
    "CB001": ([(16, 24, "warning"), (20, 24, "warning"), (25, 24, "warning"), (39, 24, "warning")],
              [(30, 28, "warning"), (40, 28, "warning"), (51, 28, "warning"), (84, 28, "warning")]),
    "CB002": ([(16, 24, "warning"), (20, 24, "warning"), (24, 24, "warning")],
              [(31, 28, "warning"), (41, 28, "warning"), (51, 28, "warning")]),
    "CB003": ([(20, 24, "warning"), (24, 24, "warning"), (39, 24, "warning")],
              [(40, 28, "warning"), (50, 28, "warning"), (85, 28, "warning")]),
    "CB004": ([(34, 24, "warning"), (53, 24, "warning"), (71, 24, "warning")],
              [(69, 28, "warning"), (111, 28, "warning"), (157, 28, "warning")]),
    "CB005": ([(9, 7, "warning"), (29, 20, "note")], [(16, 9, "warning"), (53, 24, "note")]),
    "CB006": ([(16, 24, "warning"), (31, 24, "warning")], [(29, 28, "warning"), (62, 28, "warning")]),
    "CB007": ([(12, 22, "warning"), (17, 24, "warning")], [(19, 26, "warning"), (26, 28, "warning")]),
    "CB008": ([(12, 25, "note"), (23, 25, "warning")], [(15, 29, "note"), (33, 29, "warning")]),
    "CB009": ([(9, 86, "warning"), (19, 16, "warning"), (30, 16, "note")],
              [(17, 20, "warning"), (34, 20, "warning"), (52, 20, "note")]),
    "CB010": ([(12, 29, "note"), (17, 31, "note"), (22, 31, "note")], [(19, 33, "note"), (26, 35, "note"), (33, 35, "note")]),
    "CB011": ([(12, 19, "note"), (21, 34, "note")], [(21, 23, "note"), (43, 23, "note")]),
    "CB012": ([(7, 19, "warning")], [(8, 23, "warning")]),
    "CB013": ([(14, 19, "warning")], [(28, 23, "warning")]),
    "CB014": ([(13, 20, "warning")], [(24, 24, "warning")]),
}
CASES = [(code, ext, expected) for code, (yaml_expected, json_expected) in sorted(FAILING.items())
         for ext, expected in (("yaml", yaml_expected), ("json", json_expected))]


def _name(code: str, kind: str, ext: str) -> str:
    return fixture("codebuild", f"cb{code[2:]}_{kind}.{ext}")


@pytest.mark.parametrize(("code", "ext", "expected"), CASES)
def test_failing_fixture(code, ext, expected):
    findings = lint(_name(code, "fail", ext), select=[code])
    assert triples(findings) == [(code, line, col) for line, col, _ in expected]
    by_position = {(f.line, f.col): f for f in findings}
    for line, col, severity in expected:
        found = by_position[(line, col)]
        assert str(found.severity) == severity
        assert found.fix and found.security_severity is not None
        assert "`" in found.message


@pytest.mark.parametrize("code", sorted(FAILING))
@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_passing_fixture(code, ext):
    assert triples(lint(_name(code, "pass", ext), select=[code])) == []


def test_no_cb_rule_is_an_error():
    from pipelint.engine.registry import load_rules

    cb = [r for r in load_rules(use_entry_points=False).rules if r.code.startswith("CB")]
    assert len(cb) == 20
    cd = [r for r in load_rules(use_entry_points=False).rules if r.code.startswith("CD")]
    assert len(cd) == 3 and all(str(r.severity) == "note" for r in cd)
    assert all(str(r.severity) in ("warning", "note") and r.security_severity is not None for r in cb)


def test_actor_message_names_the_alternatives_and_the_fix():
    first = lint(_name("CB001", "fail", "yaml"), select=["CB001"])[0]
    assert "`123456` has neither `^` nor `$`" in first.message
    assert "(such as `1234560`)" in first.message
    assert first.fix == "write `^(123456|789012)$`"


def test_escalation_says_which():
    findings = {f.line: f.message for f in lint(_name("CB004", "fail", "yaml"), select=["CB004"])}
    assert "privileged mode" in findings[34] and "secrets" not in findings[34]
    assert "secrets (`NPM_TOKEN`)" in findings[53] and "`s3:PutObject`" in findings[53]
    assert "logs:" not in findings[53]
    assert "`managed policy AdministratorAccess`" in findings[71]  # an ARN written with !Sub


def test_numeric_actor_pattern_is_read_as_written():
    """`Pattern: 123456` is a YAML integer; CloudFormation passes on its digits."""
    found = [f for f in lint(_name("CB001", "fail", "yaml"), select=["CB001"]) if f.line == 39]
    assert found and "pattern `123456`" in found[0].message


def test_pull_request_rules_do_not_overlap():
    """A group is CB003's or CB004's, never both."""
    for name in ("cb003_fail.yaml", "cb004_fail.yaml", "cb008_fail.yaml"):
        found = triples(lint(fixture("codebuild", name), select=["CB003", "CB004"]))
        positions = [(line, col) for _, line, col in found]
        assert len(positions) == len(set(positions)), name


def test_buildspec_fix_is_a_pattern_matching_only_that_file():
    finding = lint(_name("CB005", "fail", "yaml"), select=["CB005"])[1]
    assert "`^ci/buildspec-pr\\.yml$`" in finding.message


CORPUS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "corpus", "cfn-codebuild")


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="the shared corpus (../shared/corpus) is absent")
def test_corpus_findings_are_the_reviewed_ones():
    """Every CB finding on the 22 real templates was read; this pins the reviewed set."""
    findings = [f for f in lint(CORPUS, select=["CB"]) if f.code.startswith("CB")]
    got = sorted((f.code, os.path.relpath(f.path, CORPUS) if os.path.isabs(f.path) else f.path.split("cfn-codebuild/")[-1],
                  f.line) for f in findings)
    assert ("CB002", "012/codebuild-stack.yaml", 116) in got  # `^refs/heads/main` without `$`
    assert ("CB004", "008/codebuild.yml", 79) in got  # pull requests of anyone with an admin role
    assert all(str(f.severity) != "error" for f in findings)
    counts: dict[str, int] = {}
    for code, _, _ in got:
        counts[code] = counts.get(code, 0) + 1
    # CB008: 9 since the note is left out for the inline buildspecs of 002 and 006, which run `docker build`.
    assert counts == {"CB002": 1, "CB003": 1, "CB004": 3, "CB005": 3, "CB008": 9, "CB009": 3, "CB010": 2}


# What a build runs: buildspec files (exact text spans), inline buildspecs, pipeline commands.
BUILDSPEC_FAILING = {
    "CB101": [(5, 9, 61), (6, 9, 59), (7, 9, 57), (10, 9, 57), (13, 9, 57)],
    "CB102": [(4, 5, 22), (5, 5, 33), (9, 9, 40), (10, 14, 19), (11, 14, 24), (12, 14, 36), (13, 29, 49), (14, 21, 35), (15, 16, 35)],
    "CB103": [(5, 29, 56), (6, 25, 53), (7, 30, 55)],
    "CB104": [(9, 7, 16), (10, 7, 18)],
    "CB106": [(5, 64, 70), (6, 84, 91)],
}


@pytest.mark.parametrize("code", sorted(BUILDSPEC_FAILING))
def test_buildspec_failing_fixture(code):
    findings = lint(fixture("codebuild", f"buildspec-cb{code[2:]}-fail.yml"), select=[code])
    assert sorted((f.code, f.line, f.col, f.end_col) for f in findings) == [(code, *span) for span in BUILDSPEC_FAILING[code]]
    assert all(f.fix and f.security_severity is not None for f in findings)


@pytest.mark.parametrize("code", sorted(BUILDSPEC_FAILING))
def test_buildspec_passing_fixture(code):
    assert triples(lint(fixture("codebuild", f"buildspec-cb{code[2:]}-pass.yml"), select=[code])) == []


@pytest.mark.parametrize(("ext", "expected"), [
    ("yaml", [("CB101", 21, 19), ("CB102", 22, 19), ("CB103", 25, 30), ("CB104", 17, 17)]),
    ("json", [("CB101", 18, 178), ("CB102", 18, 240), ("CB103", 18, 318), ("CB104", 18, 11)]),
])
def test_inline_buildspec_positions(ext, expected):
    findings = lint(fixture("codebuild", f"cb10x_inline_fail.{ext}"), select=["CB101", "CB102", "CB103", "CB104"])
    assert triples(findings) == sorted(expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("cb105_fail.yaml", [(29, 36), (30, 41), (31, 41)]),
    ("cb105_fail.json", [(62, 37), (63, 43), (64, 41)]),
    ("cb105_fail_cli.json", [(31, 44)]),
    ("cb105_pass.yaml", []),
    ("cb105_pass.json", []),
])
def test_untrusted_pipeline_variables(name, expected):
    assert triples(lint(fixture("codebuild", name), select=["CB105"])) == [("CB105", line, col) for line, col in expected]


def test_shell_readers_are_linear_on_hostile_lines():
    """Each reader makes one pass: a 200,000-token line of near-misses is read, not backtracked."""
    from pipelint.rules.codebuild._shell import pipe_to_shell, tls_off, webhook_into_shell

    line = "curl x " * 100_000 + "|| sh"
    assert pipe_to_shell(line) is None
    assert tls_off("curl " + "-H " * 100_000) is None
    assert webhook_into_shell("sh " * 100_000 + "$CODEBUILD_WEBHOOK_HEAD_REF") is None


def test_credentials_file_needs_a_sweeping_artifact(tmp_path):
    """The same write is not reported when the artifact packs only a build directory."""
    text = open(fixture("codebuild", "buildspec-cb106-fail.yml"), encoding="utf-8").read()
    path = tmp_path / "buildspec.yml"
    path.write_text(text.replace("artifacts:\n", "artifacts:\n  base-directory: dist\n"), encoding="utf-8")
    assert triples(lint(str(path), select=["CB106"])) == []
    path.write_text(text.replace("artifacts:\n", "artifacts:\n  exclude-paths: ['.npmrc', '.pypirc']\n"), encoding="utf-8")
    assert triples(lint(str(path), select=["CB106"])) == []


# Deployment safety: notes, YAML and JSON twins.
DEPLOYMENT_FAILING = {
    "CD001": ([(23, 21)], [(65, 25)]),
    "CD002": ([(3, 3), (14, 18), (22, 17)], [(4, 5), (17, 22), (28, 21)]),
    "CD003": ([(10, 25), (21, 41)], [(16, 29), (41, 29)]),
}


@pytest.mark.parametrize("code", sorted(DEPLOYMENT_FAILING))
@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_deployment_safety_fixtures(code, ext):
    expected = DEPLOYMENT_FAILING[code][0 if ext == "yaml" else 1]
    failing = lint(fixture("codebuild", f"cd{code[2:]}_fail.{ext}"), select=[code])
    assert triples(failing) == [(code, line, col) for line, col in expected]
    assert all(str(f.severity) == "note" and f.fix for f in failing)
    assert triples(lint(fixture("codebuild", f"cd{code[2:]}_pass.{ext}"), select=[code])) == []


PIPELINE_CORPUS = os.path.join(os.path.dirname(CORPUS), "cfn-pipeline")


@pytest.mark.skipif(not os.path.isdir(PIPELINE_CORPUS), reason="the shared corpus (../shared/corpus) is absent")
def test_pipeline_corpus_reviewed_findings():
    """Pins findings read on real pipeline templates, and the create/approve/execute sequence that must pass."""
    def found(folder: str, codes: list[str]) -> list[tuple[str, int]]:
        return sorted((f.code, f.line) for f in lint(os.path.join(PIPELINE_CORPUS, folder), select=codes) if f.code in codes)

    assert found("032", ["CB014"]) == [("CB014", 73)]  # the pull request project shares the deploy role
    assert found("050", ["CD001"]) == [("CD001", 136)]  # Deploy-ssm-PROD right after DEV and TEST
    assert found("031", ["CD001"]) == []  # CHANGE_SET_REPLACE, approval, CHANGE_SET_EXECUTE


def test_no_rewrite_offered_when_it_would_close_a_ref_folder(tmp_path):
    """Appending `$` to `^refs/heads/release/` would stop every release branch from building."""
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n  R:\n    Type: AWS::CodeBuild::Project\n    Properties:\n"
        "      Source: {Type: GITHUB, Location: 'https://github.com/acme/app.git'}\n"
        "      Triggers:\n        Webhook: true\n        FilterGroups:\n"
        "          - - {Type: EVENT, Pattern: PUSH}\n"
        "            - {Type: HEAD_REF, Pattern: 'refs/heads/main|^refs/heads/release/'}\n", encoding="utf-8")
    [finding] = lint(str(path), select=["CB002"])
    assert (finding.line, finding.col) == (10, 41)
    assert "`refs/heads/main` has neither" in finding.message and "release/`" not in finding.message.split("has")[1]
    assert finding.fix == "pin every alternative with `^` and `$`"


def test_pipe_to_shell_message_shows_the_shape_not_the_command(tmp_path):
    """A fetched URL may carry a token; the message names the tools only."""
    path = tmp_path / "buildspec.yml"
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0" * 2
    path.write_text(f"version: 0.2\nphases:\n  build:\n    commands:\n      - curl -fsSL https://ci:{token}@example.com/i.sh | sudo bash\n",
                    encoding="utf-8")
    [finding] = lint(str(path), select=["CB101"])
    assert finding.message.startswith("`curl … | sudo bash` runs a downloaded script")
    assert token not in finding.message and token not in (finding.fix or "")
