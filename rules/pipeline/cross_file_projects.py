"""CP406–CP407: a pipeline's CodeBuild and CodeDeployToECS actions against the projects and
buildspecs they run (the same cross-file reasoning as CP404)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Mapping, Report, Scalar, rule
from pipelint.models.pipeline import Action, text_of

from ._crossfile import artifact_section, codebuild_project, may_contain, needs_other_files, pipeline_documents, producer_of
from ._util import names
from .cross_file import _buildspecs, _is_codebuild


def _type_of(props: Mapping, key: str) -> tuple[Any, str | None]:
    """The ``Type`` node and text of ``Source`` or ``Artifacts`` (text ``None`` if computed)."""
    section = props.get(key)
    node = section.get("Type") if isinstance(section, Mapping) else None
    text = text_of(node)
    return node, text.strip().upper() if text else None


@rule("CP406", "codebuild-project-not-pipeline-shaped", severity="note", kinds=("pipeline",), scope="project",
      shared=needs_other_files)
def codebuild_project_not_pipeline_shaped(project: Any, config: Any) -> Iterator[Report]:
    """A CodeBuild project run by a pipeline declares its own source, or no artifacts.

    Reported when the project a CodeBuild action runs (``ProjectName: !Ref Project``, or a
    literal name matching a project of the run) has ``Source.Type`` other than
    ``CODEPIPELINE``, or ``Artifacts.Type: NO_ARTIFACTS`` while the action has output
    artifacts.

    Why: when a pipeline runs the project, CodePipeline hands it the action's input artifacts
    as its source and collects the output artifacts itself, in place of the project's own
    settings (the CodeBuild action reference: "adding the build action to your pipeline
    adjusts the source"). A project that also names a repository or ``NO_ARTIFACTS`` therefore
    describes a build the pipeline never runs, and builds started any other way (a webhook,
    the console) fetch other code and keep no artifacts. ``NO_ARTIFACTS`` is a setting the
    pipeline does not use, not a missing output: the action still gets the files the
    buildspec's ``artifacts`` section lists.

    The advice: set **both** ``Source.Type`` and ``Artifacts.Type`` to ``CODEPIPELINE``, since
    CodeBuild refuses a project where only one of them is (CreateProject/UpdateProject fail with
    "InvalidInputException: Invalid input: when using CodePipeline both sourceType, and
    artifactType must be set to: CODEPIPELINE"); remove the repository settings of ``Source``
    (``Location``, ``Auth``, ``ReportBuildStatus``, ``GitCloneDepth``…, which CodePipeline
    ignores or CodeBuild refuses for a non-repository source) and keep only ``Type`` in
    ``Artifacts`` (``EncryptionDisabled`` is refused for any type but ``S3``). When the project
    also serves a webhook (``Triggers.Webhook: true``, or an ``aws_codebuild_webhook`` in
    Terraform), that change would break the webhook, which needs a repository source; the advice
    is then to give the pipeline a separate ``CODEPIPELINE`` project and keep this one for
    webhook builds (each commit otherwise starts two identical builds, one per trigger). The
    finding carries no automatic fix: the right edit touches several keys and depends on
    whether the repository builds are still wanted.

    Failing::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Source: {Type: GITHUB, Location: https://github.com/acme/app.git}
              Artifacts: {Type: NO_ARTIFACTS}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: !GetAtt PipelineRole.Arn
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: !Ref Project}
                      InputArtifacts: [{Name: Src}]
                      OutputArtifacts: [{Name: Built}]

    Fixed::

        Resources:
          Project:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: !GetAtt BuildRole.Arn
              Source: {Type: CODEPIPELINE}
              Artifacts: {Type: CODEPIPELINE}
              Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/standard:7.0}
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              RoleArn: !GetAtt PipelineRole.Arn
              ArtifactStore: {Type: S3, Location: !Ref ArtifactBucket}
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: {Category: Source, Owner: AWS, Provider: CodeCommit, Version: "1"}
                      Configuration: {RepositoryName: app, BranchName: main}
                      OutputArtifacts: [{Name: Src}]
                - Name: Build
                  Actions:
                    - Name: Build
                      ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
                      Configuration: {ProjectName: !Ref Project}
                      InputArtifacts: [{Name: Src}]
                      OutputArtifacts: [{Name: Built}]

    AWS: CodePipeline User Guide, "AWS CodeBuild build and test action reference" (the pipeline
    adjusts the project's source); CodeBuild API Reference, ``ProjectSource`` (``CODEPIPELINE``:
    "the source code settings are specified in the source action of a pipeline"; ``location``
    "should not be specified" for it, CodePipeline ignores it; ``reportBuildStatus`` with a
    non-repository source raises ``invalidInputException``) and ``ProjectArtifacts``
    (``CODEPIPELINE``: "build output generated through CodePipeline", which "manages its build
    output locations"; ``encryptionDisabled`` is valid only for ``S3``); CodeBuild API
    Reference, ``CreateWebhook`` (webhooks are for projects whose source is a GitHub or
    Bitbucket repository; a webhook on a project a pipeline also runs creates two identical
    builds per commit, and AWS recommends disabling it). The "both must be CODEPIPELINE"
    refusal is CodeBuild's observed ``InvalidInputException`` (reported against Terraform's
    CodeBuild module, cloudposse/terraform-aws-codebuild issue 23).
    """
    seen: set[int] = set()
    for doc, pipeline in pipeline_documents(project):
        for action in pipeline.actions:
            if not _is_codebuild(action):
                continue
            build = codebuild_project(project, doc, action)
            if build is None or id(build.properties) in seen:
                continue
            seen.add(id(build.properties))  # one report per project, however many actions run it
            advice = _pipeline_shape_advice(build.properties)
            source_node, source = _type_of(build.properties, "Source")
            if source is not None and source != "CODEPIPELINE" and source_node is not None:
                served = " (and serves its own webhook)" if _has_webhook(build.properties) else ""
                yield Report(source_node, f"CodeBuild project `{build.logical_id}` declares `Source.Type: {source}`{served} but "
                                          f"pipeline action `{action.label}` runs it on its input artifacts; the project's own "
                                          "source is used only by builds started outside the pipeline", fix=advice)
            artifacts_node, artifacts = _type_of(build.properties, "Artifacts")
            if artifacts == "NO_ARTIFACTS" and action.outputs and artifacts_node is not None:
                yield Report(artifacts_node, f"CodeBuild project `{build.logical_id}` declares `Artifacts.Type: NO_ARTIFACTS`, a "
                                             f"setting unused in the pipeline: pipeline action `{action.label}` still collects its "
                                             f"output artifact `{action.outputs[0].key}` from the buildspec's `artifacts`",
                             fix=advice)


# `Source` keys that describe a repository: ignored or refused once the source is CODEPIPELINE.
_REPOSITORY_KEYS = ("Location", "Auth", "ReportBuildStatus", "BuildStatusConfig", "GitCloneDepth", "GitSubmodulesConfig",
                    "InsecureSsl")


def _has_webhook(props: Mapping) -> bool:
    """Whether the project's ``Triggers.Webhook`` is (or may be) on: a Terraform
    ``aws_codebuild_webhook`` arrives here as ``Triggers: {Webhook: true}``."""
    from pipelint.models.codebuild import UNKNOWN, flag_of

    triggers = props.get("Triggers")
    flag = flag_of(triggers.get("Webhook")) if isinstance(triggers, Mapping) else None
    return flag is True or flag is UNKNOWN  # a computed flag may be on: the advice must hold either way


def _pipeline_shape_advice(props: Mapping) -> str:
    """The fix text of CP406 for one project: both types set to ``CODEPIPELINE`` (CodeBuild
    rejects a project with only one) and the repository settings removed; a project that also
    serves a webhook keeps them, and the pipeline gets a project of its own."""
    if _has_webhook(props):
        return ("give the pipeline a project of its own with both `Source.Type` and `Artifacts.Type` set to `CODEPIPELINE`, "
                "and keep this one for webhook builds (a `CODEPIPELINE` source cannot have a webhook)")
    source = props.get("Source")
    artifacts = props.get("Artifacts")
    remove = [f"`Source.{key}`" for key in _REPOSITORY_KEYS if isinstance(source, Mapping) and source.get(key) is not None]
    if props.get("Triggers") is not None:
        remove.append("`Triggers`")
    advice = "set both `Source.Type` and `Artifacts.Type` to `CODEPIPELINE` (CodeBuild rejects a project with only one)"
    if remove:
        advice += "; remove " + (", ".join(remove[:-1]) + " and " if len(remove) > 1 else "") + remove[-1]
    if isinstance(artifacts, Mapping) and any(isinstance(key, Scalar) and key.text != "Type" for key, _ in artifacts.pairs):
        advice += "; remove the other artifact settings (keep only `Artifacts.Type`)"
    return advice + "; builds started from the repository need a project of their own"


def _image_inputs(project: Any) -> Iterator[tuple[Action, str, Action, Any, Any]]:
    """``(deploy action, artifact name, producing CodeBuild action, buildspec, section)`` for each
    ``Image<N>ArtifactName`` of a CodeDeployToECS action whose producer's buildspec is known."""
    for doc, pipeline in pipeline_documents(project):
        specs = None
        for action in pipeline.actions:
            if action.provider != "CodeDeployToECS" or action.owner not in (None, "AWS"):
                continue
            for number in range(1, 5):
                name = action.config_text(f"Image{number}ArtifactName")
                if not name:
                    continue
                ref = next((r for r in action.inputs if r.key == name), None)
                if ref is None:
                    continue  # CP114 reports an artifact that is not an input
                if specs is None:
                    specs = _buildspecs(project, doc, pipeline)
                producer = producer_of(pipeline, action, ref.key)
                spec = specs.get(id(producer)) if producer is not None else None
                if producer is None or spec is None or spec.doc is None or not producer.outputs_known:
                    continue
                if producer.config_text("BatchEnabled") == "true":
                    continue
                section = artifact_section(spec, ref.name, len(producer.outputs))
                if section is not None:
                    yield action, name, producer, spec, section


@rule("CP407", "image-detail-missing", severity="error", kinds=("pipeline",), scope="project", shared=needs_other_files)
def image_detail_missing(project: Any, config: Any) -> Iterator[Report]:
    """A CodeDeployToECS action's image artifact must hold ``imageDetail.json``, and the build producing it does not write it there.

    The ECS blue/green action (``CodeDeployToECS``) reads the image URI from
    ``imageDetail.json`` at the root of the artifact named by ``Image1ArtifactName``
    (``Image2ArtifactName``… likewise). When a CodeBuild action produces that artifact, its
    buildspec's ``artifacts.files`` (with ``base-directory`` and ``discard-paths``) must
    include the file; an ECR source action writes it by itself and is not checked.

    Why: the build often writes ``imageDetail.json`` and then leaves it out of the artifact (or
    ships only the ``imagedefinitions.json`` of the ECS rolling-update action), and the gap
    shows only when the deployment runs.

    AWS behaviour: the deployment fails in CodePipeline because the action cannot read the
    image detail file from the artifact (the exact message is not recorded). Source: AWS
    CodePipeline User Guide, "Image definitions file reference" (imageDetail.json for Amazon
    ECS blue/green deployment actions) and "Amazon Elastic Container Service and CodeDeploy
    blue-green deploy action reference" (Image1ArtifactName).

    Failing::

        # buildspec of the build producing the `Image` artifact
        post_build:
          commands:
            - printf '{"ImageURI":"%s"}' $URI > imageDetail.json
        artifacts:
          files: [imagedefinitions.json]

    Fixed::

        artifacts:
          files: [imageDetail.json]
    """
    for action, name, producer, spec, section in _image_inputs(project):
        if may_contain(section, "imageDetail.json"):
            continue
        listed = names(section.files) if section.files else "no files"
        where = spec.where(section.node) if section.node is not None else f"{spec.label} (no `artifacts` section)"
        node = action.config(f"Image{_number(action, name)}ArtifactName") or action.where
        yield Report(node, f"ECS blue/green action `{action.label}` reads `imageDetail.json` from artifact `{name}`, but "
                           f"CodeBuild action `{producer.label}` puts {listed} in it ({where})",
                     fix="write `imageDetail.json` in the build and add it to `artifacts.files`")


def _number(action: Action, name: str) -> int:
    for number in range(1, 5):
        if action.config_text(f"Image{number}ArtifactName") == name:
            return number
    return 1
