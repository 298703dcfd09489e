"""Resources split over the files of a module, as Terraform users lay them out: a webhook in
another file than its project, policies in another file than their role, a pipeline whose
project is in a file not named on the command line. Each finding is reported once, in the
file that holds its node, whichever files of the module are named."""

from __future__ import annotations

import os
import shutil

from helpers import fixture, lint, triples

WEBHOOK = fixture("terraform", "crossfile2", "webhook")
IAM = fixture("terraform", "crossfile2", "iam")


def _by_file(findings: list) -> list[tuple[str, str, int, int]]:
    return sorted((os.path.basename(f.path), f.code, f.line, f.col) for f in findings)


def test_webhook_in_another_file_gets_every_webhook_finding():
    assert _by_file(lint(WEBHOOK)) == [
        ("codebuild.tf", "CB005", 15, 3),   # buildspec from the pull request: the project's `source`
        ("codebuild.tf", "CB008", 8, 23),   # privileged and building pull requests from anyone
        ("webhook.tf", "CB002", 16, 17),    # unanchored HEAD_REF, on the filter
        ("webhook.tf", "CB004", 6, 17),     # pull requests from anyone, privileged, with secrets
    ]


def test_the_split_module_reports_what_the_same_resources_in_one_file_report(tmp_path):
    one = tmp_path / "main.tf"
    codebuild = open(os.path.join(WEBHOOK, "codebuild.tf")).read()
    webhook = open(os.path.join(WEBHOOK, "webhook.tf")).read()
    one.write_text(codebuild + webhook)
    offset = codebuild.count("\n")
    merged = sorted((f.code, f.line, f.col) for f in lint(str(one)))
    split = sorted((f.code, f.line + (offset if f.path.endswith("webhook.tf") else 0), f.col) for f in lint(WEBHOOK))
    assert split == merged


def test_each_file_named_alone_reports_only_its_own_findings_and_together_nothing_twice():
    alone = lint(os.path.join(WEBHOOK, "webhook.tf")) + lint(os.path.join(WEBHOOK, "codebuild.tf"))
    assert _by_file(alone) == _by_file(lint(WEBHOOK))
    named = lint([os.path.join(WEBHOOK, "webhook.tf"), os.path.join(WEBHOOK, "codebuild.tf")])
    assert _by_file(named) == _by_file(lint(WEBHOOK))


def test_policies_in_another_file_are_combined_on_their_role_for_iam010():
    found = lint(IAM)
    assert ("roles.tf", "IAM010", 1, 25) in _by_file(found)
    assert [f.code for f in found].count("IAM010") == 1
    escalation = next(f for f in found if f.code == "IAM010")
    assert escalation.related == ()  # the grants are in policies.tf: no position of one file shown as another's
    # Named alone, roles.tf still sees the policies of its role; policies.tf does not repeat it.
    assert [f.code for f in lint(os.path.join(IAM, "roles.tf"))] == ["IAM010"]
    assert "IAM010" not in {f.code for f in lint(os.path.join(IAM, "policies.tf"))}


def test_borrowing_reads_nothing_outside_the_folder_and_no_symbolic_link(tmp_path):
    module = tmp_path / "m"
    module.mkdir()
    shutil.copy(os.path.join(WEBHOOK, "webhook.tf"), module / "webhook.tf")
    (tmp_path / "codebuild.tf").write_text(open(os.path.join(WEBHOOK, "codebuild.tf")).read())
    os.symlink(tmp_path / "codebuild.tf", module / "linked.tf")
    assert triples(lint(str(module / "webhook.tf"))) == []


def test_a_sibling_with_a_syntax_error_is_not_borrowed(tmp_path):
    shutil.copy(os.path.join(WEBHOOK, "webhook.tf"), tmp_path / "webhook.tf")
    (tmp_path / "codebuild.tf").write_text(open(os.path.join(WEBHOOK, "codebuild.tf")).read() + "resource {\n")
    assert triples(lint(str(tmp_path / "webhook.tf"))) == []
