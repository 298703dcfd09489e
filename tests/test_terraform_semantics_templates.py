"""Terraform template directives (``%{ for … }``, ``%{ if … }``) in buildspecs are not YAML errors.

A heredoc buildspec holding directives is unknown (what CodeBuild receives is known only once
Terraform renders it). A buildspec-named file that ``templatefile()`` renders is not linted on its
own when it fails to load as YAML at a directive and a ``.tf`` file of its folder or a folder
above names it in a ``templatefile(`` call: walked, it is skipped; named, ``PL014`` says why.
The same file that no ``.tf`` file renders stays a ``PL002`` error.
"""

from __future__ import annotations

from helpers import fixture, lint, triples
from pipelint.terraform.templates import has_directive, rendered_by_terraform

TEMPLATES = fixture("terraform", "semantics", "templates")
TEMPLATE = fixture("terraform", "semantics", "templates", "ci", "buildspec-tpl.yml")
UNTEMPLATED = fixture("terraform", "semantics", "untemplated", "buildspec-tpl.yml")


def test_directives_in_heredoc_and_templatefile_buildspecs_give_no_finding():
    assert triples(lint(TEMPLATES)) == []


def test_a_rendered_template_named_alone_is_a_note_of_what_it_is():
    [finding] = lint(TEMPLATE)
    assert (finding.code, finding.line, finding.col) == ("PL014", 6, 1)
    assert "`templatefile()` template" in finding.message


def test_the_same_text_that_no_terraform_file_renders_is_a_yaml_error():
    assert triples(lint(UNTEMPLATED)) == [("PL002", 6, 2)]


def test_directive_detection_reads_escapes_as_terraform_does():
    assert has_directive("%{ if push ~}") and has_directive("  %{~ for c in var.cmds ~}") and has_directive("%{endfor}")
    assert not has_directive('- echo "100%%{ if }"') and not has_directive("- echo ${region}") and not has_directive("%{ iffy }")


def test_no_file_outside_the_project_is_read(tmp_path):
    project = tmp_path / "project"
    (project / "ci").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('locals { b = templatefile("project/ci/buildspec.yml", {}) }\n')
    text = "version: 0.2\n%{ if x }\n"
    (project / "ci" / "buildspec.yml").write_text(text)
    assert not rendered_by_terraform(str(project / "ci" / "buildspec.yml"), text, 2, str(project))
    assert rendered_by_terraform(str(project / "ci" / "buildspec.yml"), text, 2, str(tmp_path))
