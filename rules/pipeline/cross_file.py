"""Cross-file checks: a pipeline's CodeBuild actions against their buildspecs, deploy inputs against build outputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Report, did_you_mean, rule
from pipelint.models.pipeline import Action, Pipeline

from ._crossfile import (
    Buildspec,
    artifact_section,
    buildspec_of,
    codebuild_project,
    exported_variables,
    may_contain,
    needs_other_files,
    pipeline_documents,
    producer_of,
    secondary_identifiers,
    single_top_folder,
)
from ._refs import references
from ._util import names


def _is_codebuild(action: Action) -> bool:
    return action.provider == "CodeBuild" and action.owner in (None, "AWS")


def _buildspecs(project: Any, doc: Document, pipeline: Pipeline) -> dict[int, Buildspec]:
    """The buildspec of every CodeBuild action of the pipeline whose buildspec is known (by action id)."""

    def build() -> dict[int, Buildspec]:
        """Resolve every CodeBuild action once."""
        found: dict[int, Buildspec] = {}
        for action in pipeline.actions:
            if not _is_codebuild(action):
                continue
            target = codebuild_project(project, doc, action)
            spec = buildspec_of(project, target) if target is not None else None
            if spec is not None:
                found[id(action)] = spec
        return found

    result: dict[int, Buildspec] = doc.cached("pipeline-codebuild-buildspecs", build)
    return result


def _actions_with_specs(project: Any) -> Iterator[tuple[Document, Pipeline, Action, Buildspec]]:
    for doc, pipeline in pipeline_documents(project):
        specs = _buildspecs(project, doc, pipeline)
        for action in pipeline.actions:
            spec = specs.get(id(action))
            if spec is not None:
                yield doc, pipeline, action, spec


@rule("CP401", "buildspec-not-found", severity="warning", kinds=("pipeline",), scope="project", shared=needs_other_files)
def buildspec_not_found(project: Any, config: Any) -> Iterator[Report]:
    """The buildspec file a pipeline's CodeBuild project names does not exist in the repository.

    Why: a CodeBuild project whose `Source.BuildSpec` is a path reads that file from the root of
    its primary source; when it is missing the build fails with `YAML_FILE_ERROR: YAML file does
    not exist`. The check follows a CodeBuild action's `ProjectName` (`!Ref` to a project of the
    same template, or a project `Name` declared in a template of the run) and looks for the path
    under the repository root. It is a warning because the source may be another repository;
    a project without `BuildSpec` (the default `buildspec.yml`) is not reported.

    Failing::

        BuildProject:
          Type: AWS::CodeBuild::Project
          Properties:
            Source:
              Type: CODEPIPELINE
              BuildSpec: ci/buildspec.yml     # no such file in the repository
        ...
            Configuration:
              ProjectName: !Ref BuildProject

    Fixed::

              BuildSpec: ci/build.yml         # the file that exists

    To stay clear of pipelines whose source is another repository, the rule reports a path only
    when its folder exists in this repository (for a file at the root: when a file with a
    similar name exists there).
    """
    for _, _, action, spec in _actions_with_specs(project):
        if not spec.missing:
            continue
        line = spec.spec_node.line if spec.spec_node is not None else "?"
        hint = f"; did you mean `{spec.suggestion}`?" if spec.suggestion else ""
        yield Report(action.config("ProjectName") or action.where,
                     f"CodeBuild action `{action.label}` runs project `{spec.project.logical_id}`, whose buildspec "
                     f"`{spec.path}` ({spec.project.template.path}:{line}) does not exist under the repository root"
                     f"{hint}", fix=f"write `BuildSpec: {spec.suggestion}`" if spec.suggestion
                     else "fix `Source.BuildSpec` or add the file")


@rule("CP402", "secondary-artifacts-mismatch", severity="warning", kinds=("pipeline",), scope="project", shared=needs_other_files)
def secondary_artifacts_mismatch(project: Any, config: Any) -> Iterator[Report]:
    """A CodeBuild action with several output artifacts needs a matching `secondary-artifacts` entry for each.

    Why: when a CodeBuild action in a pipeline declares more than one output artifact, CodeBuild
    fills each one from the buildspec's `artifacts.secondary-artifacts` entry whose identifier
    is the output artifact's name. An output without a matching identifier is not produced and
    the action fails.

    Failing::

        # pipeline
        OutputArtifacts: [{Name: App}, {Name: Templates}]
        # buildspec
        artifacts:
          files: ['**/*']
          secondary-artifacts:
            app: {files: [dist/**/*]}

    Fixed::

          secondary-artifacts:
            App: {files: [dist/**/*]}
            Templates: {files: [template.yaml]}
    """
    for _, _, action, spec in _actions_with_specs(project):
        outputs = [ref for ref in action.outputs]
        if len(outputs) < 2 or not action.outputs_known or any(ref.name is None for ref in outputs):
            continue
        found = secondary_identifiers(spec)
        if found is None:
            continue
        identifiers, node = found
        missing = [ref for ref in outputs if ref.name not in identifiers]
        for ref in missing:
            best = did_you_mean(ref.name or "", identifiers)
            hint = f" (`{best}` differs only slightly)" if best else ""
            yield Report(ref.where, f"CodeBuild action `{action.label}` declares output artifact `{ref.name}`, but "
                         f"{spec.where(node)} has no `secondary-artifacts` entry `{ref.name}`{hint} "
                         f"(identifiers: {names(identifiers)})",
                         fix=f"add `secondary-artifacts: {{{ref.name}: {{files: [...]}}}}` to the buildspec")


@rule("CP403", "exported-variable-missing", severity="error", kinds=("pipeline",), scope="project", shared=needs_other_files)
def exported_variable_missing(project: Any, config: Any) -> Iterator[Report]:
    """A `#{BuildNamespace.VAR}` reference must name a variable the buildspec exports.

    Why: a CodeBuild action's output variables are exactly the names listed in its buildspec's
    `env.exported-variables`. A reference to any other name cannot be resolved and the consuming
    action fails. The check follows the action's project to its buildspec (inline, or the file
    named in `Source.BuildSpec`, or `buildspec.yml` at the repository root).

    AWS behaviour: the consuming action fails when it runs: a CodeBuild action outputs exactly the
    buildspec's exported variables, and an unresolvable `#{…}` fails the action. Source: AWS
    CodePipeline User Guide, "Variables reference" (CodeBuild action output variables); AWS
    CodeBuild User Guide, "Build specification reference for CodeBuild"
    (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html), 'env/exported-variables'.

    Failing::

        # buildspec
        env:
          exported-variables: [IMAGE_TAG]
        # pipeline
        Configuration:
          ParameterOverrides: '{"Tag": "#{BuildVariables.IMAGE_URI}"}'

    Fixed::

        env:
          exported-variables: [IMAGE_TAG, IMAGE_URI]
    """
    for doc, pipeline in pipeline_documents(project):
        specs = _buildspecs(project, doc, pipeline)
        if not specs:
            continue
        by_namespace: dict[str, list[Action]] = {}
        for action in pipeline.actions:
            if action.namespace is not None:
                by_namespace.setdefault(action.namespace, []).append(action)
        for consumer in pipeline.actions:
            for ref in references(consumer):
                producers = by_namespace.get(ref.namespace, [])
                if len(producers) != 1:
                    continue
                producer = producers[0]
                spec = specs.get(id(producer))
                if spec is None or producer.config_text("BatchEnabled") == "true":
                    continue
                exported = exported_variables(spec)
                if exported is None or ref.key in exported[0]:
                    continue
                listed, node = exported
                best = did_you_mean(ref.key, listed)
                hint = f"; did you mean `{best}`?" if best else ""
                where = spec.where(node) if node is not None else spec.label
                detail = f"exports only {names(listed)}" if listed else "has no `env.exported-variables`"
                yield Report(ref.node, f"`{ref.text}` in action `{consumer.label}` reads variable `{ref.key}` of "
                             f"CodeBuild action `{producer.label}`, but {where} {detail}{hint}",
                             fix=f"add `{ref.key}` to `env.exported-variables` in the buildspec")


def _deploy_inputs(project: Any, provider: str) -> Iterator[tuple[Action, Action, Buildspec, Any]]:
    """``(deploy action, producing CodeBuild action, its buildspec, artifact section)`` for each deploy action."""
    for doc, pipeline in pipeline_documents(project):
        specs = None
        for action in pipeline.actions:
            if action.provider != provider or action.category not in (None, "Deploy") or len(action.inputs) != 1:
                continue
            if specs is None:
                specs = _buildspecs(project, doc, pipeline)
            ref = action.inputs[0]
            producer = producer_of(pipeline, action, ref.key)
            spec = specs.get(id(producer)) if producer is not None else None
            if producer is None or spec is None or spec.doc is None or not producer.outputs_known:
                continue
            if producer.config_text("BatchEnabled") == "true":
                continue  # batch builds may combine artifacts into one folder per build
            section = artifact_section(spec, ref.name, len(producer.outputs))
            if section is not None:
                yield action, producer, spec, section


@rule("CP404", "image-definitions-missing", severity="error", kinds=("pipeline",), scope="project", shared=needs_other_files)
def image_definitions_missing(project: Any, config: Any) -> Iterator[Report]:
    """An ECS deploy action's image definitions file must be among the producing build's artifact files.

    Why: the ECS (rolling update) deploy action reads `imagedefinitions.json` (or the file named
    in `FileName`) from the root of its input artifact. When the CodeBuild action producing that
    artifact does not list the file in its buildspec's `artifacts.files` (taking
    `base-directory` and `discard-paths` into account), the deployment fails with "Exception
    while trying to read the image artifact file". Patterns such as `**/*` match any file.

    AWS behaviour: the ECS deploy action fails with "Exception while trying to read the image
    artifact file" when its input artifact has no image definitions file. Source: AWS CodePipeline
    User Guide, "Image definitions file reference" (file-reference.html).

    Failing::

        # buildspec
        post_build:
          commands:
            - printf '[{"name":"web","imageUri":"%s"}]' $URI > imagedefinitions.json
        artifacts:
          files: [appspec.yml]

    Fixed::

        artifacts:
          files: [imagedefinitions.json]
    """
    for action, producer, spec, section in _deploy_inputs(project, "ECS"):
        wanted = action.config_text("FileName") or "imagedefinitions.json"
        if action.config("FileName") is not None and action.config_text("FileName") is None:
            continue
        if may_contain(section, wanted):
            continue
        listed = names(section.files) if section.files else "no files"
        where = spec.where(section.node) if section.node is not None else f"{spec.label} (no `artifacts` section)"
        yield Report(action.where, f"ECS deploy action `{action.label}` reads `{wanted}` from artifact "
                     f"`{action.inputs[0].name}`, but CodeBuild action `{producer.label}` puts {listed} in it "
                     f"({where})", fix=f"add `{wanted}` to `artifacts.files` in the buildspec")


@rule("CP405", "appspec-missing-from-artifact", severity="error", kinds=("pipeline",), scope="project", shared=needs_other_files)
def appspec_missing_from_artifact(project: Any, config: Any) -> Iterator[Report]:
    """A CodeDeploy deploy action's input artifact must contain `appspec.yml` at its root.

    Why: CodeDeploy looks for `appspec.yml` (or `appspec.yaml`) at the root of the revision
    bundle (or inside its single top-level folder). When the CodeBuild action producing the
    artifact does not list it in the buildspec's `artifacts.files` (relative to
    `base-directory`, flattened by `discard-paths`), the deployment fails because the AppSpec
    file cannot be found.

    AWS behaviour: the CodeDeploy action's deployment fails: the agent reports "The CodeDeploy agent
    did not find an AppSpec file within the unpacked revision directory at revision-relative path
    "appspec.yml"". Source: aws/aws-codedeploy-agent command_executor.rb; AWS CodeDeploy User Guide,
    "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html).

    Failing::

        artifacts:
          files: [target/app.jar, scripts/*]

    Fixed::

        artifacts:
          files: [target/app.jar, scripts/*, appspec.yml]
    """
    for action, producer, spec, section in _deploy_inputs(project, "CodeDeploy"):
        candidates = ["appspec.yml", "appspec.yaml"]
        folder = single_top_folder(section)
        if folder is not None:
            candidates += [f"{folder}/appspec.yml", f"{folder}/appspec.yaml"]
        if any(may_contain(section, name) for name in candidates):
            continue
        listed = names(section.files) if section.files else "no files"
        where = spec.where(section.node) if section.node is not None else f"{spec.label} (no `artifacts` section)"
        yield Report(action.where, f"CodeDeploy action `{action.label}` deploys artifact `{action.inputs[0].name}`, "
                     f"but CodeBuild action `{producer.label}` puts {listed} in it and no `appspec.yml` ({where})",
                     fix="add `appspec.yml` to `artifacts.files` in the buildspec")
