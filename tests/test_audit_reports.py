"""JUnit XML and the HTML audit report (rendered in a real headless Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from pipelint.cli import main

BROKEN = "version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n"
CLEAN = "version: 0.2\nphases:\n  build:\n    commands: [make]\n"


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "buildspec.yml").write_text(BROKEN)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "buildspec.yml").write_text(CLEAN)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "appspec.yml").write_text("version: 0.0\nos: linux\nos: linux\n")
    return tmp_path


def _check(repo, *args):
    old = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", *args, "."])
    finally:
        os.chdir(old)


def test_junit_one_case_per_file_with_failures(repo):
    result = _check(repo, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "2"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"a/buildspec.yml", "b/buildspec.yml", "c/appspec.yml"}
    assert cases["b/buildspec.yml"].find("failure") is None
    failure = cases["a/buildspec.yml"].find("failure")
    assert "a/buildspec.yml:2:1: PL003 [warning]" in failure.text
    assert cases["c/appspec.yml"].get("classname") == "pipelint.appspec"


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _dump_dom(browser, profile, uri):
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", uri],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_junit_follows_fail_on(repo):
    (repo / "a" / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n  bulid:\n    commands: [x]\n")
    result = _check(repo, "--select", "BS105,PL003", "--format", "junit", "--fail-on", "never")
    assert result.exit_code == 0
    suite = ET.fromstring(result.output).find("testsuite")
    assert suite.get("failures") == "0"  # the run passes, so does every test case


def test_html_rule_docs_written_once_and_opened_from_a_row(repo, tmp_path_factory):
    for name in ("d", "e"):
        (repo / name).mkdir()
        (repo / name / "buildspec.yml").write_text(BROKEN)
    result = _check(repo, "--format", "html", "--output", "report.html")
    page = repo / "report.html"
    text = page.read_text()
    assert text.count('<tr data-severity="warning"') == 4
    assert text.count('id="rule-PL003"') == 1 and text.count('href="#rule-PL003"') == 4
    assert text.count("YAML parsers keep only the last value") == 1  # PL003's doc, once
    assert "``" not in text and "Failing::" not in text
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium package)")
    proc = _dump_dom(browser, tmp_path_factory.mktemp("chromium-profile"), page.as_uri() + "#rule-PL003")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r'<details class="rule-doc" id="rule-PL003" open="">', proc.stdout), "the linked rule doc opens"
    assert result.exit_code == 1


def test_html_report_renders_in_headless_chromium(repo, tmp_path_factory):
    result = _check(repo, "--format", "html", "--output", "report.html")
    assert result.exit_code == 1
    page = repo / "report.html"
    text = page.read_text()
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text  # self-contained
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium package)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    totals = dict(re.findall(r'data-testid="(total[a-z-]*)"><b>(\d+)</b>', dom))
    assert totals == {"total": "2", "total-error": "0", "total-warning": "2", "total-note": "0", "total-files": "3"}  # PL003 is a warning
    assert re.search(r'<span id="shown-count">2</span>', dom)  # the filter script ran
    assert dom.count('<tr data-severity="warning"') == 2
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
