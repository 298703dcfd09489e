"""CP406–CP407: a pipeline's CodeBuild and CodeDeployToECS actions against the projects and
buildspecs they run (the same cross-file reasoning as CP404)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Mapping, Report, rule
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
    the console) fetch other code and keep no artifacts. Declare ``Type: CODEPIPELINE`` for
    both, and give builds from a repository a project of their own.

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
    adjusts the project's source); CloudFormation User Guide, "AWS::CodeBuild::Project Source"
    and "Artifacts" (``CODEPIPELINE``: the build's source and output come from CodePipeline).
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
            source_node, source = _type_of(build.properties, "Source")
            if source is not None and source != "CODEPIPELINE" and source_node is not None:
                yield Report(source_node, f"CodeBuild project `{build.logical_id}` declares `Source.Type: {source}` but pipeline "
                                          f"action `{action.label}` runs it on its input artifacts; the project's own source is used "
                                          "only by builds started outside the pipeline",
                             fix="write `Type: CODEPIPELINE`, and give repository builds a project of their own")
            artifacts_node, artifacts = _type_of(build.properties, "Artifacts")
            if artifacts == "NO_ARTIFACTS" and action.outputs and artifacts_node is not None:
                yield Report(artifacts_node, f"CodeBuild project `{build.logical_id}` declares `Artifacts.Type: NO_ARTIFACTS` but "
                                             f"pipeline action `{action.label}` expects output artifact `{action.outputs[0].key}` "
                                             "from it", fix="write `Type: CODEPIPELINE`")


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
