"""Secrets written with escapes, or where YAML split a command, never reach any output.

Masking used to search the parsed value in the file's text, so a secret written differently
from its value (JSON ``\\/`` and ``\\u0041``, YAML ``''``, ``\\x41`` and escaped line breaks)
was masked in messages but shown by code frames, SARIF snippets and HTML excerpts. The engine
now also masks the raw text of the node's source range. Each case plants a known fake secret,
runs the CLI once per format, and checks that no 8-character piece of the secret (or of its
raw form) appears in the output. A small generated "fuzz" set puts escapes around secrets at
random positions.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from click.testing import CliRunner

from pipelint.cli import main

FORMATS = ["text", "json", "sarif", "github", "junit", "html"]

KEY_ID = "AKIA" + "QW3ERT5YUI7OPA2S"
SECRET_KEY = "Qw3eRt5yUi7oPa9/Df1gHj3kLz5xCv7bNm9QwErT"
GITHUB = "gh" + "p_" + "Zx9kq2LmN8vB4cR7tY1uI0oP3aS6dF5gH2jK"
PASSWORD = "Vq7-Lr2m-Xs9k-Pw"
TOKEN = "b7e1c9d3a5f24e6b8c0d2f4a6e8b0c1d"
URL_PASSWORD = "Gt3-uRl-pw7Q"


def _json_escape(value: str, index: int) -> str:
    """``value`` with the character at ``index`` written as a JSON ``\\uXXXX`` escape."""
    return value[:index] + f"\\u{ord(value[index]):04x}" + value[index + 1:]


def _buildspec_json(env: dict[str, str]) -> str:
    pairs = ", ".join(f'"{name}": "{raw}"' for name, raw in env.items())
    return '{"version": 0.2, "env": {"variables": {' + pairs + '}}, "phases": {"build": {"commands": ["make"]}}}\n'


def _buildspec_yaml(variables: str) -> str:
    return "version: 0.2\nenv:\n  variables:\n" + variables + "phases:\n  build:\n    commands: [make]\n"


# (case, file name, file text, secrets that must not leak)
CASES = [
    ("json-unicode-escape", "buildspec.json",
     _buildspec_json({"AWS_ACCESS_KEY_ID": _json_escape(KEY_ID, 0), "GITHUB_TOKEN": _json_escape(GITHUB, 0)}), [KEY_ID, GITHUB]),
    ("json-solidus-escape", "buildspec.json",
     _buildspec_json({"AWS_SECRET_ACCESS_KEY": SECRET_KEY.replace("/", "\\/")}), [SECRET_KEY]),
    ("json-escape-mid-token", "buildspec.json",
     _buildspec_json({"GITHUB_TOKEN": _json_escape(GITHUB, 20)}), [GITHUB]),
    ("yaml-escaped-line-break", "buildspec.yml",
     _buildspec_yaml(f'    DB_PASSWORD: "{PASSWORD[:8]}\\\n      {PASSWORD[8:]}"\n'
                     f'    API_TOKEN: "{TOKEN[:12]}\\\n      {TOKEN[12:]}"\n'), [PASSWORD, TOKEN]),
    ("yaml-single-quote-escape", "buildspec.yml",
     _buildspec_yaml(f"    DB_PASSWORD: '{PASSWORD[:3]}''{PASSWORD[3:]}'\n"), [PASSWORD[:3] + "'" + PASSWORD[3:]]),
    ("yaml-hex-escape", "buildspec.yml",
     _buildspec_yaml(f'    AWS_ACCESS_KEY_ID: "\\x41{KEY_ID[1:]}"\n'), [KEY_ID]),
    ("command-read-as-mapping", "buildspec.yml",
     "version: 0.2\nphases:\n  build:\n    commands:\n"
     f'      - curl -H "Authorization: Bearer {TOKEN}" https://api.example.com/a/long/path/that/goes/past/eighty/characters\n'
     f"      - git clone https://ci:{URL_PASSWORD}@bitbucket.org/acme/lib.git: x\n", [TOKEN, URL_PASSWORD]),
]


def _pieces(secret: str, size: int = 8) -> set[str]:
    """Every ``size``-character piece of a secret made only of letters, digits and ``-``."""
    return {secret[i:i + size] for i in range(len(secret) - size + 1) if re.fullmatch(r"[A-Za-z0-9-]+", secret[i:i + size])}


def _raw_pieces(text: str, secret: str) -> set[str]:
    """Pieces of the secret as written in the file (escapes included) that no other part of the
    file holds: none of them may appear in any output."""
    return _pieces(secret) | {p for p in _pieces(text) if p in secret}


def _run(path, fmt: str) -> str:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "-j", "1", "--format", fmt, str(path)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback (most recent call last)" not in result.output
    return result.output


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("case", "name", "text", "secrets"), CASES, ids=[c[0] for c in CASES])
def test_escaped_secret_never_reaches_output(tmp_path, case, name, text, secrets, fmt):
    (tmp_path / name).write_text(text)
    output = _run(tmp_path, fmt)
    assert "SEC00" in output, case  # the secret was found, so masking is what keeps it out
    for secret in secrets:
        for piece in _pieces(secret):
            assert piece not in output, f"{case}: {piece!r} of a secret leaked in {fmt} output"


def test_code_frames_are_shown_and_masked_for_escapes(tmp_path):
    (tmp_path / "buildspec.json").write_text(CASES[1][2])
    output = _run(tmp_path, "text")
    frame = [line for line in output.splitlines() if line.lstrip().startswith("1 |")]
    assert frame and all("Qw3e…" in line or "Qw3eRt5" not in line for line in frame)


def test_command_read_as_mapping_reports_secret_and_masks_bs120(tmp_path):
    (tmp_path / "buildspec.yml").write_text(CASES[-1][2])
    findings = json.loads(_run(tmp_path, "json"))["findings"]
    assert sorted((f["code"], f["line"], f["column"]) for f in findings) == [
        ("BS120", 5, 9), ("BS120", 6, 9), ("SEC008", 5, 40), ("SEC008", 6, 30)]
    bs120 = [f for f in findings if f["code"] == "BS120"]
    for finding in bs120:
        for secret in (TOKEN, URL_PASSWORD):
            assert not any(piece in finding["message"] + finding["fix"] for piece in _pieces(secret, 6))
    assert "Bearer b7e1…(32 chars)" in bs120[0]["message"]  # masked before BS120 clips its quote at 80 characters


def test_url_as_a_key_in_any_file_is_scanned(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n"
        f"  https://ci:{URL_PASSWORD}@bitbucket.org/acme/lib.git: mirror\nResources: {{}}\n")
    findings = json.loads(_run(tmp_path, "json"))["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in findings if f["code"].startswith("SEC")] == [("SEC009", 3, 14)]
    assert URL_PASSWORD not in _run(tmp_path, "sarif")


def _fuzz_cases(count: int) -> list[tuple[str, str, str]]:
    """Planted secrets with escapes at random places, in JSON and YAML (seeded: repeatable)."""
    rnd = random.Random(2026)
    cases = []
    for number in range(count):
        secret = "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(24)) + "9a"
        index = rnd.randrange(1, len(secret) - 1)
        kind = rnd.choice(["json-u", "json-solidus", "yaml-break", "yaml-quote", "yaml-x"])
        if kind == "json-u":
            text = _buildspec_json({"API_TOKEN": _json_escape(secret, index)})
        elif kind == "json-solidus":
            secret = secret[:index] + "/" + secret[index:]
            text = _buildspec_json({"API_TOKEN": secret.replace("/", "\\/")})
        elif kind == "yaml-break":
            text = _buildspec_yaml(f'    API_TOKEN: "{secret[:index]}\\\n      {secret[index:]}"\n')
        elif kind == "yaml-quote":
            secret = secret[:index] + "'" + secret[index:]
            text = _buildspec_yaml("    API_TOKEN: '" + secret.replace("'", "''") + "'\n")
        else:
            text = _buildspec_yaml(f'    API_TOKEN: "{secret[:index]}\\x{ord(secret[index]):02x}{secret[index + 1:]}"\n')
        name = "buildspec.json" if kind.startswith("json") else "buildspec.yml"
        cases.append((f"{number}-{kind}", name, text, secret))
    return cases


@pytest.mark.parametrize("fmt", ["text", "sarif", "html"])
def test_fuzzed_escapes_around_planted_secrets(tmp_path, fmt):
    for case, name, text, _ in _fuzz_cases(12):
        folder = tmp_path / case
        folder.mkdir()
        (folder / name).write_text(text)
    output = _run(tmp_path, fmt)
    assert output.count("SEC001") >= 12 or fmt != "text"
    for case, _, text, secret in _fuzz_cases(12):
        for piece in _raw_pieces(text, secret):
            assert piece not in output, f"{case}: {piece!r} leaked in {fmt} output"
