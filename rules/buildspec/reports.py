"""``BS410``–``BS411``: the ``reports`` section (test and code coverage report groups)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Report, Scalar, did_you_mean, intrinsic, rule
from pipelint.models import buildspec as bs
from pipelint.textutil import lazy_regex

TEST_FORMATS = ("CUCUMBERJSON", "JUNITXML", "NUNITXML", "NUNIT3XML", "TESTNGXML", "VISUALSTUDIOTRX")
COVERAGE_FORMATS = ("CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV")
MAX_REPORT_GROUPS = 5
_SUB_REF = lazy_regex(r"^\$\{([A-Za-z0-9]+)(?:\.Arn)?\}$")


def _group_type(doc: Document, name: str) -> tuple[str, str] | None:
    """``(logical id, TEST|CODE_COVERAGE)`` of the template's report group this key names."""
    template = (doc.context or {}).get("template") if isinstance(doc.context, dict) else None
    resources = bs.mapping(bs.child(getattr(template, "root", None), "Resources"))
    if resources is None:
        return None
    match = _SUB_REF.match(name.strip())
    for key, resource in resources.items():
        body = bs.mapping(resource)
        kind = body.get("Type") if body is not None else None
        if not (isinstance(kind, Scalar) and kind.value == "AWS::CodeBuild::ReportGroup"):
            continue
        props = bs.mapping(body.get("Properties")) if body is not None else None
        group_name = props.get("Name") if props is not None else None
        named = isinstance(group_name, Scalar) and group_name.value == name
        if (match and match.group(1) == key.text) or named:
            group_type = props.get("Type") if props is not None else None
            if isinstance(group_type, Scalar) and isinstance(group_type.value, str):
                return key.text, group_type.value.upper()
    return None


@rule("BS410", "invalid-report-file-format", severity="error", kinds=("buildspec",))
def invalid_report_file_format(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A report group's ``file-format`` is not one CodeBuild reads, or does not fit the group's type.

    Why: test reports accept CUCUMBERJSON, JUNITXML (the default), NUNITXML, NUNIT3XML,
    TESTNGXML and VISUALSTUDIOTRX; code coverage reports accept CLOVERXML, COBERTURAXML,
    JACOCOXML and SIMPLECOV (case does not matter). Any other value is rejected. For an inline
    buildspec whose report group is declared in the same template, a test format on a
    CODE_COVERAGE group (or the reverse) is a warning: the report fails to parse.

    AWS behaviour: CodeBuild fails the build with YAML_FILE_ERROR for a file format outside the
    documented lists; the exact message is not recorded. Source: AWS CodeBuild User Guide, "Build
    specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html),
    'reports/<report-group-name-or-arn>/file-format'.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - make test
        reports:
          unit:
            files: ['report.xml']
            file-format: JUNIT

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make test
        reports:
          unit:
            files: ['report.xml']
            file-format: JUNITXML
    """
    reports = bs.mapping(bs.child(bs.root(doc), "reports"))
    if reports is None:
        return
    for key, group in reports.items():
        body = bs.mapping(group)
        if body is None:
            continue
        node = body.get("file-format")
        fmt = "JUNITXML"
        if node is not None and intrinsic(node) is None:
            if not isinstance(node, Scalar) or not isinstance(node.value, str) or node.value.strip().upper() not in TEST_FORMATS + COVERAGE_FORMATS:
                text = node.text if isinstance(node, Scalar) else ""
                best = did_you_mean(text.strip().upper(), TEST_FORMATS + COVERAGE_FORMATS) if text else None
                hint = f"; did you mean `{best}`?" if best else "."
                yield Report(node, f"`file-format` of report group `{key.text}` is not a report format{hint} Test reports: "
                                   f"{', '.join(TEST_FORMATS)}; coverage reports: {', '.join(COVERAGE_FORMATS)}",
                             fix=f"write `{best}`" if best else "use a listed format")
                continue
            fmt = node.value.strip().upper()
        elif node is not None:
            continue
        found = _group_type(doc, key.text)
        if found is None:
            continue
        logical, group_type = found
        anchor = node if node is not None else key
        if group_type == "CODE_COVERAGE" and fmt in TEST_FORMATS:
            default = "" if node is not None else " (the default when file-format is not set)"
            yield Report(anchor, f"report group `{logical}` is a CODE_COVERAGE group but `{fmt}`{default} is a test report format; "
                                 f"use one of {', '.join(COVERAGE_FORMATS)}", severity="warning", fix="use a coverage format")
        elif group_type == "TEST" and fmt in COVERAGE_FORMATS:
            yield Report(anchor, f"report group `{logical}` is a TEST group but `{fmt}` is a code coverage format; "
                                 f"use one of {', '.join(TEST_FORMATS)}", severity="warning", fix="use a test format")


@rule("BS411", "too-many-report-groups", severity="error", kinds=("buildspec",))
def too_many_report_groups(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The buildspec declares more than 5 report groups.

    Why: a CodeBuild project can have at most 5 report groups; the build fails when the
    buildspec asks for more. Merge report files into fewer groups.

    AWS behaviour: a build that creates or uses more report groups than the quota fails; the exact
    message is not recorded. Source: AWS CodeBuild User Guide, "Quotas for AWS CodeBuild" (report
    groups per project: 5).

    Failing::

        reports:
          unit: {files: [a.xml]}
          integration: {files: [b.xml]}
          e2e: {files: [c.xml]}
          lint: {files: [d.xml]}
          coverage: {files: [e.xml], file-format: COBERTURAXML}
          smoke: {files: [f.xml]}

    Fixed: merge two groups, e.g. put ``smoke`` files into ``e2e``.
    """
    reports = bs.mapping(bs.child(bs.root(doc), "reports"))
    if reports is None or len(reports) <= MAX_REPORT_GROUPS:
        return
    keys = [key for key, _ in reports.items()]
    extra = keys[MAX_REPORT_GROUPS]
    yield Report(extra, f"report group `{extra.text}` is number {MAX_REPORT_GROUPS + 1} of {len(keys)}; a project can have at most "
                        f"{MAX_REPORT_GROUPS} report groups. Merge report files into fewer groups", fix="merge report groups")
