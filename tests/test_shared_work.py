"""Work done once per file: the secret detectors SEC009 shares with the SEC rules, the command
lines the CB rules share, and the substring guards that keep regexes off text they cannot match.

Each guard is a necessary condition of its regex; these tests check that on the inputs that
match (so a guard never hides a finding) and count the work that guards and sharing save.
"""

from __future__ import annotations

import random
import re

import pytest

from helpers import fixture, lint, triples
from pipelint.rules.codebuild import _shell
from pipelint.rules.secrets import _commands, _patterns, _structural
from pipelint.textutil import LazyRegex

# ---------------------------------------------------------------------------------------------
# SEC009 shares the structural detectors' hits with the rules that report them


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls = [0]
    original = getattr(_structural, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(_structural, name, counted)
    return calls


def test_buildspec_commands_are_read_once_for_sec008_and_sec009(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch, "buildspec_commands")
    path = fixture("secrets", "buildspec-sec008-fail.yml")
    findings = lint(path, select=["SEC008", "SEC009"])
    assert calls[0] == 1
    assert triples(findings, "SEC008") == [("SEC008", 5, 36), ("SEC008", 6, 49), ("SEC008", 7, 34), ("SEC008", 10, 48),
                                           ("SEC008", 12, 28), ("SEC008", 13, 37), ("SEC008", 14, 34)]
    assert triples(findings, "SEC009") == []  # every secret is SEC008's


def test_template_pipelines_are_read_once_for_sec003_sec006_and_sec009(monkeypatch: pytest.MonkeyPatch) -> None:
    oauth = _counting(monkeypatch, "oauth_tokens")
    env = _counting(monkeypatch, "pipeline_env")
    path = fixture("secrets", "sec003_fail.yaml")
    findings = lint(path, select=["SEC003", "SEC006", "SEC009"])
    pipelines = _count_pipelines(path)
    assert oauth[0] == pipelines and env[0] == pipelines
    assert triples(findings, "SEC003") == [("SEC003", 9, 14), ("SEC003", 24, 29), ("SEC003", 32, 29)]


def _count_pipelines(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        return handle.read().count("AWS::CodePipeline::Pipeline")


# ---------------------------------------------------------------------------------------------
# Command patterns: the `also` needles


MATCHING_TEXTS = [
    "docker login -u ci -p hunter2-Zq9x",
    "docker   login --password=s3cr3t-Value registry",
    "export AWS_SECRET_ACCESS_KEY=abcdEFGH1234ijklMNOP5678qrstUVWX9012yzAB",
    "env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7ABCDEFG aws s3 ls",
    "x;AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDH",
    "git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/app.git",
    'curl -H "Authorization: Bearer abcdef0123456789"',
    'curl -H "AUTHORIZATION: token abcdef0123456789"',
    'curl -H "X-Api-Key: abcdef0123456789"',
    'curl -H "x-api-\u212aey: abcdef0123456789"',  # KELVIN SIGN: `(?i)` matches it with `k`
    'curl -H "PRIVATE-TOKEN: abcdef0123456789"',
    'curl -H "X-Auth-Token: abcdef0123456789"',
    'curl -H "x-access-token: abcdef0123456789"',
]


@pytest.mark.parametrize("text", MATCHING_TEXTS)
def test_also_needles_are_in_every_text_a_pattern_matches(text: str) -> None:
    lowered = text.lower()
    matched = False
    for pattern in _commands.COMMAND_PATTERNS:
        if pattern.also and pattern.regex.search(text):
            matched = True
            assert any(needle in lowered for needle in pattern.also), (pattern.kind, text)
    assert matched
    assert _commands.find_in_text(text), text


class _CountingRegex(LazyRegex):
    """A LazyRegex counting how often a scan asks for the compiled pattern."""

    __slots__ = ("uses",)

    def __init__(self, source: str, flags: int = 0) -> None:
        super().__init__(source, flags)
        self.uses = 0

    @property
    def compiled(self) -> re.Pattern[str]:
        self.uses += 1
        return re.compile(self._source, self._flags)


def test_header_pattern_does_not_run_over_a_template_full_of_oauth_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = {}
    patterns = []
    for pattern in _commands.COMMAND_PATTERNS:
        regex = _CountingRegex(pattern.regex.pattern, pattern.regex.flags)
        counting[pattern.kind, pattern.needles] = regex
        patterns.append(_commands.CommandPattern(pattern.kind, pattern.needles, regex, pattern.what, pattern.fix, pattern.lead, pattern.also))
    monkeypatch.setattr(_commands, "COMMAND_PATTERNS", tuple(patterns))
    text = "Configuration:\n  OAuthToken: '{{resolve:secretsmanager:gh}}'\n  ApiKeyName: api-key\n" * 1000
    assert _commands.find_in_text(text) == []
    assert counting["auth-header", ("token:", "api-key:")].uses == 0
    assert all(regex.uses == 0 for regex in counting.values())


def test_one_search_tells_whether_a_command_holds_any_needle() -> None:
    needles = [needle for pattern in _commands.COMMAND_PATTERNS for needle in pattern.needles]
    texts = MATCHING_TEXTS + ["echo hello", "make build", "npm ci", "x@y", "CURL", "api-key:", "token", "aws s3 cp", ""]
    texts += [needle[:-1] for needle in needles] + [needle.upper() for needle in needles]
    for text in texts:
        lowered = text.lower()
        assert (_commands._ANY_NEEDLE.search(lowered) is not None) == any(needle in lowered for needle in needles), text


# ---------------------------------------------------------------------------------------------
# Token shapes and keyword assignments

OLD_KEYWORDS = (r"passw|pwd|pass|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|credential|signing[_.-]?key|"
                r"auth[_.-]?key|client[_.-]?key|license[_.-]?key")


def _random_texts(seed: int, count: int) -> list[str]:
    pieces = ["pass", "passw", "password", "pwd", "secret", "token", "api", "_", "-", ".", "key", "apikey", "access", "private",
              "credential", "signing", "auth", "client", "license", "x" * 41, "word", ": ", "=", " = ", "::", "==", '"', "'",
              "\\\"", "abc123XYZ789", "Zq9wE3rT7yU1", "\n", " ", "\t", "arn:aws:", "${X}", "ſecret", "\u212a", "PASS", "Token"]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(count)]


@pytest.mark.parametrize("flags", [0, re.I])
def test_grouped_keyword_alternation_matches_like_the_plain_one(flags: int) -> None:
    grouped = re.compile(f"(?:{_patterns._KEYWORD_TEXT}){_patterns._ASSIGNMENT_TAIL}", flags)
    plain = re.compile(f"(?:{OLD_KEYWORDS}){_patterns._ASSIGNMENT_TAIL}", flags)
    for text in _random_texts(18, 3000):
        spans = [(m.span(), m.span("rest"), m.span("value")) for m in grouped.finditer(text)]
        assert spans == [(m.span(), m.span("rest"), m.span("value")) for m in plain.finditer(text)], text


def test_token_shape_needle_regex_answers_like_substring_tests() -> None:
    texts = ["", "AKIA", "xASIAy", "A3T", "AB1A", "ghp_", "gh_p", "ghr_x", "npm_", "xoxb", "hooks.slack.com", "nothing here"]
    for shape in _patterns.TOKEN_SHAPES:
        for text in texts:
            assert shape.may_occur(text) == any(needle in text for needle in shape.needles), (shape.kind, text)


# ---------------------------------------------------------------------------------------------
# CB rules: guards on each line


@pytest.mark.parametrize(("line", "expected"), [
    ("git config --global HTTP.SSLVERIFY false", "`http.sslVerify false` turns off git's TLS checks"),
    ("git config --global http.sslVerify 0", "`http.sslVerify false` turns off git's TLS checks"),
    ("wget --no-check-certificate https://x", "`wget --no-check-certificate` accepts any certificate"),
    ("export GIT_SSL_NO_VERIFY=true", "`GIT_SSL_NO_VERIFY` turns off git's TLS checks"),
    ("NODE_TLS_REJECT_UNAUTHORIZED=0 node x.js", "`NODE_TLS_REJECT_UNAUTHORIZED=0` turns off Node.js TLS checks"),
    ("PYTHONHTTPSVERIFY=0 python x.py", "`PYTHONHTTPSVERIFY=0` turns off Python's TLS checks"),
    ("yarn config set strict-ssl false", "`strict-ssl false` turns off npm's TLS checks"),
    ("npm install --strict-ssl=false", "`--strict-ssl false` turns off npm's TLS checks"),
    ("pip install --trusted-host pypi.internal x", "`pip --trusted-host` lets pip use that host without valid TLS"),
    ("pip config set global.trusted-host pypi.internal", "pip's `trusted-host` lets pip use that host without valid TLS"),
    ("PIP_TRUSTED_HOST=pypi.internal pip install x", "`PIP_TRUSTED_HOST` lets pip use that host without valid TLS"),
    ("curl -sSLk https://x", "`curl -sSLk` accepts any certificate"),
])
def test_tls_needles_let_every_pattern_match(line: str, expected: str) -> None:
    found = _shell.tls_off(line)
    assert found is not None and found[1] == expected
    for pattern, what, needle in _shell._TLS_PATTERNS:
        if pattern.search(line):
            assert (needle in line) if needle else (_shell._SSLVERIFY_NEEDLE in line.lower()), what


def test_line_guards_keep_findings() -> None:
    assert _shell.pipe_to_shell("curl -fsSL https://x/install.sh | bash") == "curl -fsSL https://x/install.sh | bash"
    assert _shell.pipe_to_shell("bash <(wget -qO- https://x)") == "bash <(wget -qO- https://x)"
    assert _shell.webhook_into_shell('eval "echo $CODEBUILD_WEBHOOK_HEAD_REF"') == ("$CODEBUILD_WEBHOOK_HEAD_REF", "`eval`")
    assert _shell.credential_file_write('echo "//r/:_authToken=$T" > .npmrc') == ".npmrc"
    assert _shell.credential_file_write('echo "$T" > ./.docker/config.json') == "./.docker/config.json"


def test_cb_rules_read_the_command_lines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelint.rules.codebuild import builds

    calls = [0]
    original = builds._command_lines

    def counted(root: object) -> object:
        calls[0] += 1
        return original(root)

    monkeypatch.setattr(builds, "_command_lines", counted)
    lint(fixture("secrets", "buildspec-sec008-fail.yml"), select=["CB101", "CB102", "CB103", "CB106"])
    assert calls[0] == 1


# ---------------------------------------------------------------------------------------------
# TPL001: whole-value shapes are tried only on values starting with their character


def _problem_unguarded(text: str, whole: bool) -> str | None:
    """TPL001's test of one value, with every regex run (what the guarded version must equal)."""
    from pipelint.rules.general._format import placeholder
    from pipelint.rules.pipeline import placeholders as tpl

    stripped = text.strip()
    if whole and not stripped.startswith("{{resolve:") and placeholder(stripped):
        return f"the placeholder `{stripped[:60]}`"
    if whole and tpl._WHOLE_BRACKETS.fullmatch(stripped):
        return f"the placeholder `{stripped[:60]}`"
    word = tpl._placeholder_word(text)
    if word is not None:
        return f"the placeholder `{word[:60]}`"
    if tpl._ARN_ACCOUNT.search(text) or (whole and stripped == tpl._SAMPLE_ACCOUNT):
        return f"`{tpl._SAMPLE_ACCOUNT}`, the example account of the AWS documentation"
    return None


TPL_VALUES = ["<bucket>", "  <bucket>  ", "%ServiceName%", "% x%", "{{name}}", "{{resolve:ssm:x}}", "__TOKEN__", "__x__",
              "[SNS ARN]", " [SNS ARN] ", "[1 ARN]", "YOUR_ACCOUNT_ID", "my-YOUR_BUCKET", "REPLACE_ME", "CHANGE_ME",
              "arn:aws:iam::123456789012:role/x", "123456789012", " 123456789012\n", "1234567890123", "arn:aws:s3:::b",
              "", "   ", "plain", "<a>b", "\t%X%\t", "_"]


@pytest.mark.parametrize("whole", [True, False])
def test_tpl001_guards_answer_like_every_regex(whole: bool) -> None:
    from pipelint.rules.pipeline import placeholders as tpl

    for text in TPL_VALUES:
        assert tpl._problem(text, whole) == _problem_unguarded(text, whole), text


# ---------------------------------------------------------------------------------------------
# IAM: a statement's action patterns are compared without a call per plain value


def test_first_matching_action_value_agrees_with_action_matches() -> None:
    from pipelint.load.nodes import Scalar
    from pipelint.models.policy import Value, _first_match, action_matches

    node = Scalar("x", "x", None, "", None, 1, 1, 1, 2)
    pieces = ["iam", "s3", ":", "Pass", "Role", "pass", "ROLE", "*", "?", "İ", "i̇", "\u212a", "k", "Get", "${X}", "a" * 130]
    rng = random.Random(4)
    patterns = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(400)]
    actions = ["iam:PassRole", "IAM:passrole", "s3:GetObject", "iam:İ", "iam:i̇", "k", "\u212a", "a" * 300, "", "s3:" + "a" * 260]
    for action in actions + patterns[:40]:
        for start in range(0, len(patterns), 7):
            values = [Value(node, text, rng.choice(["literal", "sub", "dynamic"])) for text in patterns[start:start + 7]]
            expected = next((v for v in values if v.form in ("literal", "sub") and v.text and action_matches(v.text, action)), None)
            assert _first_match(values, action) is expected, (values, action)


# ---------------------------------------------------------------------------------------------
# Appspec hook scripts: the repository root is looked up only when a script is named


def test_hook_scripts_look_for_the_repository_root_only_when_a_script_is_named(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelint.rules.secrets import _hooks

    calls = [0]
    original = _hooks.repository_root

    def counted(path: str) -> str:
        calls[0] += 1
        return original(path)

    monkeypatch.setattr(_hooks, "repository_root", counted)
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "appspec.yml").write_text("version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n")
    assert triples(lint(str(bare), select=["SEC008", "SEC009"])) == []
    assert calls[0] == 0
    hooked = tmp_path / "hooked"
    (hooked / "scripts").mkdir(parents=True)
    (hooked / "appspec.yml").write_text("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: scripts/start.sh\n")
    (hooked / "scripts" / "start.sh").write_text("#!/bin/sh\ndocker login -u ci -p hunter2-Zq9x registry.example.com\n")
    assert triples(lint(str(hooked), select=["SEC008"])) == [("SEC008", 2, 23)]
    assert calls[0] == 1


# ---------------------------------------------------------------------------------------------
# IAM: a template's policy documents are read once, by whichever rule asks first

_TEMPLATE_WITH_POLICIES = """\
Resources:
  BuildRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: codebuild.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: build
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["codebuild:*", "iam:PassRole"]
                Resource: "*"
  DeployPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref BuildRole]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: "*"
"""


def test_template_policies_are_parsed_once_each(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelint.models import policy

    parsed: list[int] = []
    original = policy.parse_policy

    def counted(node: object) -> object:
        parsed.append(id(node))
        return original(node)

    monkeypatch.setattr(policy, "parse_policy", counted)
    path = tmp_path / "template.yaml"
    path.write_text(_TEMPLATE_WITH_POLICIES)
    findings = lint(str(path), select=["IAM"])
    assert {code for code, _, _ in triples(findings)} >= {"IAM004", "IAM010"}
    assert len(parsed) == len(set(parsed)) == 3  # the trust policy, the inline policy, the managed policy
