"""The secret scanners read crafted multi-megabyte files in linear time.

Each input is generated here (never stored) and big enough that the quadratic scanners they
were found with would not finish inside CI's time limit (a 4.95 MB file of BEGIN PRIVATE KEY
lines took 111 s; repeated ``api_token:`` lines over 60 s; ``password=`` 45 s; ``//a:_authToken=``
30 s). Nothing is timed: the tests assert what the scanners find, and, where a cost is
structural (positions from a line index, masking by an index), how often the work is done.
"""

from __future__ import annotations

import random
import re
import string

import pytest
from click.testing import CliRunner

from pipelint.cli import main
from pipelint.rules.secrets import _commands, _locate, _patterns, tokens
from pipelint.textutil import mask_secret_like, mask_secrets, secret_like_spans

SIZE = 4_900_000  # just under the default 5 MB file limit


def _repeat(unit: str, size: int = SIZE) -> str:
    return unit * (size // len(unit))


# (repeated unit, token shapes found, keyword assignments found, command secrets found)
CRAFTED = [
    ("# -----BEGIN PRIVATE KEY-----\n", 0, 0, 0),
    ("api_token: a1B2c3D4e5F6g7H8\n", 0, SIZE // 28, 0),
    ("password=", 0, 0, 0),
    ("//a:_authToken=", 0, 0, 0),  # one run of 4.9 MB: no value ends within 512 characters
]


@pytest.mark.parametrize("unit, shapes, keywords, commands", CRAFTED, ids=["private-key", "api-token", "password", "npm-auth"])
def test_issue_inputs_scan_in_one_pass(unit, shapes, keywords, commands):
    text = _repeat(unit)
    assert len(_patterns.find_tokens(text)) == shapes
    assert len(_patterns.find_keyword_secrets(text)) == keywords
    found = _commands.find_in_text(text)
    assert len(found) == commands
    assert all(len(f.value) <= 512 for f in found)  # values are bounded, never the whole file


# More shapes of the same class: a command or name word repeated so that a scan from each
# occurrence to the end of the line (or a fixed window) would re-read the text many times.
MORE = [
    "pass", "pass ", "passpasspass=", "secret_key=", "a://b:", "/", "curl -u ", "docker login ", "docker login -u a -p $X ",
    "-----END PRIVATE KEY-----", "xoxb-123456-", "hooks.slack.com/services/", "aws configure set x.", "token\\\"", "=",
    "Authorization: ", "'" , "a" * 99 + "\n", "password:\"",
]


@pytest.mark.parametrize("unit", MORE)
def test_crafted_repetitions_find_nothing_or_bounded_values(unit):
    text = _repeat(unit, 1_500_000)
    for found in (_patterns.find_tokens(text), _patterns.find_keyword_secrets(text)):
        assert all(m.end - m.start <= 300 for m in found if m.kind != "private-key")
    for command in _commands.find_in_text(text):
        assert command.end - command.start <= 512
    assert len(secret_like_spans(text)) <= len(text) // len(unit) + 1


def test_a_real_key_after_a_megabyte_of_unmatched_begin_lines_is_found():
    rnd = random.Random(7)
    body = "".join(rnd.choice(string.ascii_letters + string.digits + "+/") for _ in range(256))
    key = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + "\n".join(body[i:i + 64] for i in range(0, 256, 64)) + "\n-----END RSA " + "PRIVATE KEY-----"
    text = _repeat("# -----BEGIN PRIVATE KEY-----\n", 2_000_000) + key + "\n"
    found = _patterns.find_tokens(text)
    assert [(m.kind, m.start) for m in found] == [("private-key", text.index("-----BEGIN RSA"))]
    assert found[0].value == key


def test_a_secret_after_a_long_value_run_is_still_found():
    text = "note: " + "x" * 400 + "\nAPI_TOKEN: 8f3kQ2mX9vL4pR7tW1zB\n"
    assert [m.value for m in _patterns.find_keyword_secrets(text)] == ["8f3kQ2mX9vL4pR7tW1zB"]


def test_command_options_need_their_command_in_the_same_command():
    text = "docker login -u ci -p Hx4-pT8w-Qm2z r; mkdir -p abcdefgh; echo docker login; tar -p Zz9-notapw\ncurl -u d:Cu5r-Lp4ss-9z x"
    assert [(f.pattern.kind, f.value) for f in _commands.find_in_text(text)] == [
        ("docker-password", "Hx4-pT8w-Qm2z"), ("curl-user", "Cu5r-Lp4ss-9z")]
    far = "curl " + "-H x " * 60 + "-u d:Cu5r-Lp4ss-9z x"  # more than 200 characters of arguments before `-u`
    assert _commands.find_in_text(far) == []


def test_positions_come_from_one_line_index_per_file(monkeypatch):
    # 20,000 distinct secrets on 20,000 lines: counting newlines from the top for each one
    # would read the file 20,000 times; the line index is built once.
    rnd = random.Random(3)
    lines = ["version: 0.2", "env:", "  variables:"]
    values = ["".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(20)) for _ in range(20_000)]
    lines += [f"    # api_token: {value}" for value in values]
    source = _locate.Source("buildspec.yml", "\n".join(lines) + "\n", "yaml")
    builds = []
    real = _locate._line_starts

    def counting(src):
        if not any(seen is src for seen, _ in _locate._LINE_STARTS):
            builds.append(src)
        return real(src)

    monkeypatch.setattr(_locate, "_line_starts", counting)
    reports = list(tokens.scan(source, set()))
    expected = sum(1 for value in values if _patterns.looks_random(value))
    assert expected > 19_000 and len(reports) == expected and len(builds) == 1
    assert all((r.node.line, r.node.col, r.node.end_col) == (4 + values.index(r.secret), 18, 38) for r in reports[:50])


def test_masking_many_secrets_is_one_pass_per_text():
    rnd = random.Random(5)
    values = {"".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(16)) for _ in range(50_000)}
    text = " ".join(sorted(values))
    masked = mask_secrets(text, values)
    assert masked.count("…(16 chars)") == len(values) and re.search("[A-Za-z0-9]{6}", masked) is None


def test_a_megabyte_of_distinct_secrets_lints_and_every_output_line_is_masked(tmp_path):
    rnd = random.Random(11)
    values = ["".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(16)) for _ in range(10_000)]
    (tmp_path / "buildspec.yml").write_text("version: 0.2\n" + "".join(f"# api_token: {v}\n" for v in values)
                                            + "phases:\n  build:\n    commands: [make]\n")
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--isolated", "--no-color", "--select", "SEC009", str(tmp_path)])
    reported = [v for v in values if _patterns.looks_random(v)]
    assert len(reported) > 9_000
    # 100 findings are listed and one more counts the rest (the engine's cap per rule and file);
    # the detector still runs to the end, so every secret is known and masked in every frame
    assert result.output.count(": SEC009 [") == 101
    assert f"{len(reported) - 100:,} more SEC009 findings" in result.output
    frames = [line for line in result.output.splitlines() if " | " in line and "api_token" in line]
    assert len(frames) == 101
    assert all("…(16 chars)" in line for line in frames)
    assert not any(value in result.output for value in reported)


def test_mask_secret_like_is_linear_and_masks_assignments():
    assert mask_secret_like("password=hunter2 and token: $TOKEN") == "password=h…(7 chars) and token: $TOKEN"
    text = _repeat("password=", 2_000_000)
    assert "password=" in mask_secret_like(text)


@pytest.mark.parametrize("extra", [0, 100], ids=["few-secrets", "indexed"])
def test_overlapping_secrets_are_masked_whole_by_either_masker(extra):
    # With more than a few dozen secrets masking goes through an index; both ways must leave
    # nothing of two secrets that overlap in the text (one starting inside the other).
    long, inner, before = "abcdEFGH12345678", "EFGH1234", "zz12abcdEF"
    secrets = {long, inner, before} | {f"filler-{n:04}-xyz" for n in range(extra)}
    for text in (f"x {long} y", f"x {inner} y", f"x zz12{long} y", f"x {inner}{inner} y"):
        masked = mask_secrets(text, secrets)
        for secret in (long, inner, before):
            assert not any(secret[i:i + 5] in masked for i in range(len(secret) - 4)), (text, masked)


@pytest.mark.parametrize("prefix", ["", "https://", "http://", "x"])
def test_slack_webhook_keeps_its_scheme_wherever_it_starts(prefix):
    hook = "hooks." + "slack.com/services/" + "T1A2B3C4D/B5E6F7G8H/" + "Zx9kq2LmN8vB4cR7tY1uI0oP"
    text = prefix + hook + " https://"  # a scheme at the end of the text must not be taken for this one's
    found = [m for m in _patterns.find_tokens(text) if m.kind == "slack-webhook"]
    expected = prefix + hook if prefix.startswith("http") else hook
    assert [(m.value, m.start) for m in found] == [(expected, text.index(expected))]


def test_many_four_character_secrets_are_indexed_too():
    # An unparsable file of `password=abcd` lines registers 100,000 four-character values;
    # searching each one in every message and frame line would be quadratic.
    rnd = random.Random(13)
    values = {"".join(rnd.choice(string.ascii_letters) for _ in range(4)) for _ in range(100_000)}
    text = " ".join(sorted(values)[:20_000])
    masked = mask_secrets(text, values)
    assert masked.count("…(4 chars)") == 20_000
