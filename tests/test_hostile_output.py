"""Output must be bounded and clean whatever the linted files contain (issue 13, "Output"):
control characters escaped in every format, lone surrogates and undecodable file names encoded
safely, long lines clipped around the finding, the HTML report capped per file and each rule's
documentation written once and rendered for its medium (issue 14.12)."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from pipelint.cli import FORMATS, main
from pipelint.docs import doc_html, doc_markdown, doc_text
from pipelint.engine.registry import load_rules
from pipelint.reporters.safe import clean, clip, window

FORGED = "::error file=evil.yml,line=1::forged"
# a key with a newline, a forged workflow command, an ESC sequence, a BEL and a bidi override
HOSTILE_KEY = '"x\\n' + FORGED + '\\e[2J\\a\\u202e"'
HOSTILE = f"version: 0.2\n{HOSTILE_KEY}: 1\n{HOSTILE_KEY}: 2\nphases:\n  build:\n    commands: [make]\n"


def run(cwd, *args):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--isolated", "--select", "PL", "--no-color", *args])
    finally:
        os.chdir(old)


def parse(fmt, text):
    """Parse a report as its consumers would (raises if it is malformed)."""
    if fmt in ("json", "sarif", "gitlab", "rdjson"):
        return json.loads(text)
    if fmt in ("junit", "checkstyle"):
        return ET.fromstring(text.encode("utf-8"))
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_are_escaped_in_every_format(tmp_path, fmt):
    (tmp_path / "buildspec.yml").write_text(HOSTILE)
    result = run(tmp_path, "--format", fmt, "-o", "report.out", "buildspec.yml")
    assert result.exit_code == 1, result.output
    text = (tmp_path / "report.out").read_text(encoding="utf-8")
    parse(fmt, text)
    for char in ("\x1b", "\x07", "\u202e"):
        assert char not in text, (fmt, repr(char))
    assert not any(line.lstrip().startswith("::error file=evil") for line in text.splitlines()), fmt
    if fmt in ("text", "github", "junit", "checkstyle", "html"):
        assert "\\x1b[2J\\x07\\u202e" in text  # shown, visibly, not hidden


def test_github_annotation_cannot_be_forged(tmp_path):
    (tmp_path / "buildspec.yml").write_text(HOSTILE)
    lines = run(tmp_path, "--format", "github", "buildspec.yml").output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::warning file=buildspec.yml,line=3,")
    assert "\\n%3A%3Aerror" not in lines[0] and "\\n::error file=evil.yml" in lines[0]


def surrogate_repo(tmp_path):
    # a JSON key with a lone surrogate escape, and a file whose name is not UTF-8
    (tmp_path / "appspec.json").write_text('{"version": 0.0, "Bogus\\ud800": 1, "Bogus\\ud800": 2}\n')
    name = os.fsencode(str(tmp_path)) + b"/buildspec-\xff.yml"
    with open(name, "wb") as handle:
        handle.write(b"version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n")
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_lone_surrogates_never_crash_a_reporter(tmp_path, fmt):
    repo = surrogate_repo(tmp_path)
    result = run(repo, "--format", fmt, "-o", "report.out", ".")
    assert result.exit_code == 1, result.output  # not 3: no reporter crashed
    text = (repo / "report.out").read_text(encoding="utf-8")
    parse(fmt, text)
    assert "Bogus" in text
    if fmt in ("json", "gitlab", "rdjson"):
        assert "buildspec-\\\\xff.yml" in text  # the undecodable byte, shown as a byte (in a JSON string)
    elif fmt != "sarif":
        assert "buildspec-\\xff.yml" in text
    stdout = run(repo, "--format", fmt, ".")
    assert stdout.exit_code == 1 and "Bogus" in stdout.output


def test_sarif_uri_of_an_undecodable_file_name_is_its_bytes(tmp_path):
    repo = surrogate_repo(tmp_path)
    log = json.loads(run(repo, "--format", "sarif", ".").output)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "buildspec-%FF.yml" in uris


# -- bounded output -----------------------------------------------------------------------------

DUPLICATES = 300
PAD = 200_000


@pytest.fixture
def one_long_line(tmp_path):
    """A 200 KB one-line buildspec with 300 findings far along its only line."""
    text = "{version: 0.2, pad: " + "x" * PAD + "" + ", a: 1" * (DUPLICATES + 1) + "}\n"
    (tmp_path / "buildspec.yml").write_text(text)
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_lines_are_clipped_in_every_format(one_long_line, fmt):
    result = run(one_long_line, "--format", fmt, "-o", "report.out", "buildspec.yml")
    assert result.exit_code == 1, result.output
    size = os.path.getsize(one_long_line / "report.out")
    # unclipped, each finding repeated the 200 KB line: 60 MB; clipped, well under 3 KB a finding
    assert size < DUPLICATES * 3000, (fmt, size)
    assert "x" * 200 not in (one_long_line / "report.out").read_text()


def test_text_frame_is_clipped_around_the_finding_with_the_caret_under_it(one_long_line):
    output = run(one_long_line, "buildspec.yml").output
    frame = output.split("\n\n")[0].splitlines()
    code_line, caret_line = frame[2], frame[3]
    assert code_line.startswith("  1 | …") and code_line.endswith("…")
    assert len(code_line) < 200
    caret = caret_line.index("^")
    assert code_line[caret:caret + 1] == "a" and caret_line[caret:] == "^"


def test_html_is_capped_per_file_and_writes_each_rule_doc_once():
    """300 findings in one file (more than any single rule reports per file since findings are
    capped, so built directly): the page lists 200, says how many more, and writes the doc once."""
    import io

    from pipelint.engine.runner import RunResult
    from pipelint.findings import Finding, Severity
    from pipelint.reporters import render

    findings = []
    for number in range(1, DUPLICATES + 1):
        finding = Finding("PL003", "duplicate-key", Severity.WARNING, f"duplicate key `a{number}`", "buildspec.yml", 1, number, 1, number + 1)
        finding.fingerprint = finding.compute_fingerprint()
        findings.append(finding)
    stream = io.StringIO()
    render("html", RunResult(findings, load_rules([]), files=1, file_kinds={"buildspec.yml": "buildspec"}), stream, fail_on="warning")
    page = stream.getvalue()
    assert page.count('<tr data-severity="warning"') == 200
    assert f"{DUPLICATES - 200} more findings in this file not listed here" in page
    assert page.count('id="rule-PL003"') == 1
    doc_start = doc_html(load_rules([]).get("PL003").doc)[:60]
    assert page.count(doc_start) == 1
    assert page.count('href="#rule-PL003"') == 200
    assert f'data-testid="total"><b>{DUPLICATES}</b>' in page  # the totals still count everything


def test_clip_helpers():
    assert window(10, 3, 5) == (0, 10)
    first, last = window(1000, 500, 505)
    assert first == 460 and last == 620
    assert clip("a" * 1000, first, last) == "…" + "a" * 160 + "…"
    assert clean("a\nb\x1bc\udcffd\ud800") == "a\\nb\\x1bc\\xffd\\ud800"
    assert clean("plain, ünïcode and\ttab") == "plain, ünïcode and\ttab"


# -- 14.12: rule documentation rendered for each medium ------------------------------------------


def test_rule_docs_render_without_raw_markup():
    registry = load_rules([])
    for found in registry.sorted():
        text, markdown, html = doc_text(found.doc), doc_markdown(found.doc), doc_html(found.doc)
        assert "``" not in text and "``" not in html, found.code
        for rendered in (text, markdown):
            assert not re.search(r"^(Failing|Fixed)::", rendered, re.M), found.code
    bs104 = registry.get("BS104")
    assert "Failing:\n\n    phases:" in doc_text(bs104.doc)
    assert "`runtime-versions` appears" in doc_text(bs104.doc)
    assert "Failing:\n\n```yaml\nphases:\n" in doc_markdown(bs104.doc)
    assert "<code>runtime-versions</code>" in doc_html(bs104.doc) and "<pre><code>phases:" in doc_html(bs104.doc)


def test_terminal_and_sarif_show_rendered_docs(tmp_path):
    shown = CliRunner().invoke(main, ["rules", "BS104"]).output
    assert "``" not in shown and "Failing::" not in shown and "Failing:" in shown
    (tmp_path / "buildspec.yml").write_text("version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n")
    log = json.loads(run(tmp_path, "--format", "sarif", "buildspec.yml").output)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert "``" not in rule["help"]["text"] and "Failing::" not in rule["help"]["markdown"]
    assert "```yaml" in rule["help"]["markdown"]
    assert "``" not in rule["fullDescription"]["text"]


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "checkstyle", "html", "json", "sarif", "gitlab", "rdjson"])
def test_a_file_name_with_control_characters_is_escaped(tmp_path, fmt):
    name = "buildspec-\x1b[31m\n::error file=evil.yml::x\a.yml"
    (tmp_path / name).write_text("version: 0.2\nversion: 0.2\nphases:\n  build:\n    commands: [make]\n")
    result = run(tmp_path, "--format", fmt, "-o", "report.out", ".")
    assert result.exit_code == 1, result.output
    text = (tmp_path / "report.out").read_text(encoding="utf-8")
    parse(fmt, text)
    assert "\x1b" not in text and "\x07" not in text
    assert not any(line.lstrip().startswith("::error file=evil") for line in text.splitlines())
    verbose = run(tmp_path, "-v", "-q", ".")
    assert "\x1b" not in verbose.output and "pipelint: linted buildspec-\\x1b[31m\\n::error file=evil.yml::x\\x07.yml as buildspec" in verbose.output


@pytest.mark.parametrize("fmt", FORMATS)
def test_messages_quoting_huge_keys_are_clipped(tmp_path, fmt):
    key = "k" * 100_000
    (tmp_path / "appspec.json").write_text('{"version": 0.0' + f', "{key}": 1' * 21 + "}")
    result = run(tmp_path, "--format", fmt, "-o", "report.out", ".")
    assert result.exit_code == 1
    # 20 duplicate-key findings, each quoting the 100 KB key in full, would be 2 MB and more
    assert os.path.getsize(tmp_path / "report.out") < 400_000, fmt
    parse(fmt, (tmp_path / "report.out").read_text(encoding="utf-8"))
