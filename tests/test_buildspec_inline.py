"""Inline buildspecs in CloudFormation templates, and the build image that selects runtimes.

Findings inside a ``BuildSpec: |`` block land on the exact template line and column; inside a
JSON string they land on the ``BuildSpec`` key. ``Environment.Image`` (for inline buildspecs) or
the ``image`` rule option (for files) selects the runtime table.
"""

from __future__ import annotations

from helpers import fixture, lint, triples


def _bs(path: str, **options: object) -> list:
    findings = lint(path, select=["BS"], **options)
    assert not [f for f in findings if f.code == "PL001"], [f.message for f in findings if f.code == "PL001"]
    return [f for f in findings if f.code.startswith("BS") and not f.code.startswith("BS9")]


def test_literal_block_positions_and_image() -> None:
    findings = _bs(fixture("buildspec", "inline", "template-block.yaml"))
    assert triples(findings) == [
        ("BS105", 30, 13),  # `bulid` phase
        ("BS111", 59, 11),  # run-as on the Windows project
        ("BS120", 35, 19),  # `- echo Status: done`
        ("BS206", 61, 20),  # bash on a Windows image
        ("BS301", 27, 17),  # docker is not a runtime of standard:7.0 (the project's image)
        ("BS302", 29, 25),  # nodejs 16 is not preinstalled on standard:7.0
        ("BS303", 28, 25),  # python: 3.10
        ("BS402", 42, 15),  # `reports` is not a SecondaryArtifacts identifier of the project
    ]
    by_code = {f.code: f for f in findings}
    assert "aws/codebuild/standard:7.0" in by_code["BS301"].message
    assert str(by_code["BS301"].severity) == "error"
    assert "it declares docs" in by_code["BS402"].message


def test_fn_sub_positions_and_unknown_image() -> None:
    findings = _bs(fixture("buildspec", "inline", "template-sub.yaml"))
    assert triples(findings) == [
        ("BS202", 33, 17),
        ("BS204", 31, 23),  # stage and version id both given; the ${AWS::...} ARN above is fine
        ("BS302", 38, 25),  # docker 20: image is a !Ref, so maintained images are assumed (warning)
        ("BS303", 37, 25),
        ("BS410", 43, 13),  # ${CoverageGroup.Arn} is a CODE_COVERAGE group; default JUNITXML is a test format
    ]
    by_code = {f.code: f for f in findings}
    assert str(by_code["BS302"].severity) == "warning"
    # docker is not selectable on current x86_64 images: the advice is to delete the line, not "use 23"
    assert "Delete this line" in by_code["BS302"].message
    assert by_code["BS302"].fix == "delete the `docker:` line"
    assert "CoverageGroup" in by_code["BS410"].message


def test_json_string_buildspec_points_at_the_buildspec_key() -> None:
    findings = _bs(fixture("buildspec", "inline", "template-json.template"))
    assert triples(findings) == [
        ("BS305", 16, 11),  # Lambda image: runtime-versions is skipped
        ("BS306", 32, 11),  # standard:2.0 needs runtime-versions
    ]


def test_json_template_named_json() -> None:
    """The embedded buildspec is YAML even when the template file is ``*.json``."""
    findings = lint(fixture("buildspec", "inline", "template.json"), select=["BS", "PL"])
    assert [f.code for f in findings if f.code.startswith("PL")] == []
    assert triples(findings, "BS") == [("BS305", 16, 11), ("BS306", 32, 11)]


def test_clean_inline_buildspecs() -> None:
    assert _bs(fixture("buildspec", "inline", "template-pass.yaml")) == []


RUNTIMES = fixture("buildspec", "image", "buildspec-runtimes.yml")
NO_RUNTIMES = fixture("buildspec", "image", "buildspec-no-runtimes.yml")


def _config(name: str) -> dict:
    return {"config_path": fixture("buildspec", "image", f"{name}.toml")}


def test_file_without_image_uses_maintained_images() -> None:
    findings = _bs(RUNTIMES)
    assert triples(findings) == [("BS302", 5, 15), ("BS302", 6, 15)]
    assert all(str(f.severity) == "warning" for f in findings)


def test_image_option_selects_the_table_for_files() -> None:
    findings = _bs(RUNTIMES, **_config("standard-7"))
    assert triples(findings) == [("BS301", 5, 7), ("BS302", 6, 15)]
    assert "standard:7.0" in findings[0].message or "standard:7.0" in findings[1].message


def test_dated_image_name_and_no_custom_install_is_an_error() -> None:
    findings = _bs(RUNTIMES, **_config("standard-5"))
    assert triples(findings, "BS302") == [("BS302", 6, 15)]
    (nodejs,) = [f for f in findings if f.code == "BS302"]
    assert str(nodejs.severity) == "error"
    assert "Unknown runtime version named '16' of nodejs" in nodejs.message


def test_lambda_image_ignores_runtime_versions() -> None:
    assert triples(_bs(RUNTIMES, **_config("lambda")), "BS305") == [("BS305", 4, 5)]
    assert triples(_bs(NO_RUNTIMES, **_config("lambda")), "BS305") == []


def test_old_image_requires_runtime_versions() -> None:
    assert triples(_bs(NO_RUNTIMES, **_config("standard-2")), "BS306") == [("BS306", 2, 1)]
    assert triples(_bs(RUNTIMES, **_config("standard-2")), "BS306") == []


def test_custom_image_is_not_checked() -> None:
    assert triples(_bs(RUNTIMES, **_config("custom")), "BS30") == []


def test_image_missing_from_the_table_only_warns() -> None:
    windows = fixture("buildspec", "image", "buildspec-windows.yml")
    findings = _bs(windows, **_config("windows"))
    assert triples(findings) == [("BS301", 8, 7)]  # versions are not checked against other images' tables
    assert str(findings[0].severity) == "warning"
    (unknown,) = [f for f in _bs(windows) if f.code == "BS301"]
    assert str(unknown.severity) == "error"  # without the image: unknown on every image
