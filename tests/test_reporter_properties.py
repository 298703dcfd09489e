"""Property test over every report format: whatever text findings and files carry (controls,
bidirectional overrides, lone surrogates, long lines), every reporter writes output that encodes
as strict UTF-8, parses as its format, holds no raw ESC or BEL, and stays bounded."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelint.engine.registry import load_rules
from pipelint.engine.runner import RunResult
from pipelint.findings import Finding, Severity
from pipelint.load.nodes import Source
from pipelint.reporters import FORMATS, MAX_MESSAGE, render

REGISTRY = load_rules([])
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())
HOSTILE = st.sampled_from(["\n", "\r", "\x1b[2J", "\x07", "\x00", "\u202e", "\u2028", "\ud800", "\udcff", "\x85", "::error file=x::y", "%0A", "]]>", "<&>\"'"])
TEXT = st.lists(st.one_of(ANY_CHAR, HOSTILE), max_size=40).map("".join)


@st.composite
def runs(draw):
    path = draw(TEXT.filter(bool))
    lines = draw(st.lists(st.one_of(TEXT, st.integers(200, 3000).map(lambda n: "y" * n)), min_size=1, max_size=6))
    source = Source(path, "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines), "yaml")
    findings = []
    for _ in range(draw(st.integers(1, 4))):
        line = draw(st.integers(1, len(lines) + 1))
        col = draw(st.integers(1, 4000))
        finding = Finding("PL003", "duplicate-key", draw(st.sampled_from(list(Severity))), draw(TEXT) or "m", path, line, col,
                          line + draw(st.integers(0, 2)), draw(st.integers(1, 4000)), fix=draw(st.one_of(st.none(), TEXT)))
        finding.fingerprint = finding.compute_fingerprint()
        findings.append(finding)
    return RunResult(findings, REGISTRY, files=1, sources={path: source}, file_kinds={path: "buildspec"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_every_format_is_encodable_parseable_and_clean(result):
    for fmt in FORMATS:
        stream = io.StringIO()
        render(fmt, result, stream, fail_on="warning")
        text = stream.getvalue()
        text.encode("utf-8")  # strict: no lone surrogate reaches the output
        assert "\x1b" not in text and "\x07" not in text, fmt
        if fmt in ("json", "sarif", "gitlab", "rdjson"):
            json.loads(text)
        elif fmt in ("junit", "checkstyle"):
            ET.fromstring(text.encode("utf-8"))
        elif fmt == "github":
            assert len(text.splitlines()) == len(result.findings)
        assert len(text) < 200_000 + len(result.findings) * (3 * MAX_MESSAGE + 4000), fmt
