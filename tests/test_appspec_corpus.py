"""The appspec rules on the real-world corpus: every error was reviewed as a real defect.

A new error-level finding on the corpus is either a newly caught defect (add it here after
checking it) or a false positive (fix the rule).
"""

from __future__ import annotations

import os

import pytest

from conftest import CORPUS
from helpers import lint

# (folder, code, line): each checked by hand against what CodeDeploy does.
REVIEWED_ERRORS = {
    ("001", "AS103", 2),  # os: linus
    ("001", "AS110", 5),  # sources:
    ("001", "AS110", 6),  # destinations:
    ("026", "AS002", 7),  # Fn::ImportValue in an AppSpec file
    ("026", "AS002", 10),
    ("038", "AS103", 2),  # os: ubuntu
    ("038", "AS204", 8),  # empty location
    ("079", "AS505", 23),  # the `LifeCycleEvent` placeholder
    ("084", "AS103", 2),  # os: ubuntu
    ("084", "AS204", 6),  # run: instead of a script
    ("084", "AS204", 8),
    ("084", "AS204", 10),
}
# Real defects that AWS does not reject: the agent ignores keys it does not know (the hooks never
# run) and applies each script's timeout without adding them up. Kept, as warnings.
REVIEWED_WARNINGS = {
    ("035", "AS206", 18),  # timeout: 6000
    ("044", "AS001", 19),  # `\   AfterInstall` at the top level
    ("051", "AS001", 4),  # hooks written at the top level
    ("051", "AS001", 7),
    ("070", "AS010", 1),  # a SAM template named appspec.yaml: fails only if CodeDeploy is given it
}
# 025 is an EC2 AppSpec with a stray `resources` key; once the extractor classifies it as EC2,
# its `source: s3://…` is reported too.
OPTIONAL_ERRORS = {("025", "AS113", 5)}


def test_corpus_errors_are_the_reviewed_ones() -> None:
    folder = os.path.join(CORPUS, "appspec")
    if not os.path.isdir(folder):
        pytest.skip(f"corpus not found at {CORPUS} (it lives in ../shared/corpus beside the repository)")
    findings = lint(folder, select=["AS"])
    assert not [f for f in findings if f.code == "PL001"]
    errors = {
        (os.path.basename(os.path.dirname(f.path)), f.code, f.line)
        for f in findings
        if f.code.startswith("AS") and f.severity.name.lower() == "error"
    }
    assert errors - OPTIONAL_ERRORS == REVIEWED_ERRORS
    warnings = {
        (os.path.basename(os.path.dirname(f.path)), f.code, f.line)
        for f in findings
        if f.code.startswith("AS") and f.severity.name.lower() == "warning"
    }
    assert REVIEWED_WARNINGS <= warnings
