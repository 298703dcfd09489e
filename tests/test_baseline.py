"""Baselines: record today's findings, report only new ones, survive unrelated edits."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from pipelint.cli import main

BROKEN = "version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n"


def _check(cwd, *args):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--isolated", "--no-color", *args])
    finally:
        os.chdir(old)


def test_baseline_hides_recorded_findings_and_survives_line_shifts(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BROKEN)
    written = _check(tmp_path, "--select", "PL", "--write-baseline", "baseline.json", ".")
    assert written.exit_code == 0  # the baseline was written: a success (issue 14.9)
    assert json.loads((tmp_path / "baseline.json").read_text())["findings"][0]["code"] == "PL003"
    (tmp_path / "buildspec.yml").write_text("# a new comment\n\n" + BROKEN)  # unrelated edit above
    again = _check(tmp_path, "--select", "PL", "--baseline", "baseline.json", ".")
    assert again.exit_code == 0, again.output
    assert "No problems found; 1 file linted. (1 in the baseline)" in again.output


def test_new_findings_are_reported_and_fixed_entries_counted(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BROKEN)
    _check(tmp_path, "--select", "PL", "--write-baseline", "baseline.json", ".")
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n    commands: [test]\n")
    result = _check(tmp_path, "--select", "PL", "--baseline", "baseline.json", ".")
    assert result.exit_code == 1
    assert "buildspec.yml:5:5: PL003" in result.output
    assert "1 baseline entry now fixed" in result.output


def test_secrets_are_stored_hashed_only(tmp_path):
    key = "AKIA" + "Q7ZR4NXT2MWB6PLD"
    (tmp_path / "buildspec.yml").write_text(f"version: 0.2\nenv:\n  variables:\n    KEY: {key}\nphases:\n  build:\n    commands: [make]\n")
    _check(tmp_path, "--write-baseline", "baseline.json", ".")
    text = (tmp_path / "baseline.json").read_text()
    assert "SEC" in text and key not in text and key[:8] not in text


def test_malformed_baseline_is_exit_2(tmp_path):
    (tmp_path / "buildspec.yml").write_text(BROKEN)
    (tmp_path / "baseline.json").write_text("{not json")
    assert _check(tmp_path, "--baseline", "baseline.json", ".").exit_code == 2
    assert _check(tmp_path, "--baseline", "missing.json", ".").exit_code == 2


def test_fingerprint_hash_is_sha256():
    # Fingerprints and secret hashes use CPython's built-in SHA-256 (not hashlib, which loads
    # OpenSSL); the digests must be exactly hashlib's, or existing baselines would stop matching.
    import hashlib

    from pipelint.textutil import secret_hash, sha256

    for data in (b"", b"abc", "päss\0word".encode()):
        assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert secret_hash("hunter2") == hashlib.sha256(b"hunter2").hexdigest()


def _baseline_for(tmp_path, name, password, key):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "buildspec.yml").write_text(
        "version: 0.2\nenv:\n  variables:\n"
        f"    DB_PASSWORD: {password}\n    AWS_ACCESS_KEY_ID: {key}\n"
        "phases:\n  build:\n    commands:\n"
        f"      - curl -u deploy:{password} https://nexus.example.com/upload\n"
        f"      - git clone https://ci:{password}@bitbucket.org/acme/lib.git: x\n"
    )
    result = _check(folder, "--write-baseline", "baseline.json", ".")
    assert result.exit_code in (0, 1), result.output
    return (folder / "baseline.json").read_text()


def test_baseline_holds_nothing_derived_from_a_secret(tmp_path):
    # A dictionary attack on the old entries (unsalted SHA-256 next to the first 4 characters and
    # the length) recovered a planted password. Two repositories that differ only in their
    # secrets (values and lengths) must now get byte-identical baselines: then nothing in the file
    # can depend on a secret, whatever the attacker's dictionary.
    import hashlib

    first = _baseline_for(tmp_path, "a", "Hunter2-Planted9", "AKIA" + "Q7ZR4NXT2MWB6PLD")
    second = _baseline_for(tmp_path, "b", "Zq9-other-longer-Pw7", "AKIA" + "ZX5CV7BN2MQ3WE4R")
    assert '"SEC001"' in first and '"SEC008"' in first and '"BS120"' in first
    assert first == second
    for secret in ("Hunter2-Planted9", "AKIA" + "Q7ZR4NXT2MWB6PLD"):
        digest = hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in first and secret[:4] + "…" not in first and digest[:12] not in first
        assert f"({len(secret)} chars)" not in first


def test_baseline_written_here_matches_a_run_elsewhere(tmp_path, monkeypatch):
    # No per-machine key: another user (another home and data folder, as on a CI runner)
    # reads the committed baseline and every secret finding is matched.
    text = _baseline_for(tmp_path, "repo", "Hunter2-Planted9", "AKIA" + "Q7ZR4NXT2MWB6PLD")
    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere" / "data"))
    result = _check(tmp_path / "repo", "--baseline", "baseline.json", ".")
    assert result.exit_code == 0, result.output
    assert f"({len(json.loads(text)['findings'])} in the baseline)" in result.output


def test_a_new_secret_in_the_same_place_is_matched_by_the_old_entry(tmp_path):
    # The price of keeping no trace of the value: rotating a baselined secret to another literal
    # in the same place stays hidden (the finding is "a literal secret here", already accepted).
    _baseline_for(tmp_path, "repo", "Hunter2-Planted9", "AKIA" + "Q7ZR4NXT2MWB6PLD")
    spec = tmp_path / "repo" / "buildspec.yml"
    spec.write_text(spec.read_text().replace("Hunter2-Planted9", "Other-Literal-8x"))
    assert _check(tmp_path / "repo", "--baseline", "baseline.json", ".").exit_code == 0
