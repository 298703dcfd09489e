"""CD001–CD003: deployment safety (notes): production deploys without an approval, CodeDeploy
deployment groups that do not roll back, blue/green deployments that watch no alarm."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, intrinsic, rule
from pipelint.models.codebuild import flag_of, items_of, mapping_options, options_of, text_of
from pipelint.textutil import lazy_regex

if TYPE_CHECKING:
    from pipelint.models.pipeline import Action

_PRODUCTION = lazy_regex(r"(?i)(?:^|[^a-z])(?:prod|production|prd|live)(?:[^a-z]|$)")


def _looks_production(name: str | None) -> bool:
    return bool(name) and _PRODUCTION.search(name or "") is not None


class _Gates:
    """What may run before an action of a pipeline, worked out once for all its actions.

    An action counts as gated when some other action surely runs before it and is an approval
    or of an unknown category, or when the order cannot be told (a runOrder that is not a
    literal, in the same stage): then CD001 says nothing. Asking this for each deploy action by
    scanning every other action was quadratic in a stage of thousands of deploys.
    """

    __slots__ = ("_per_stage", "_gate_earliest", "_gate_lowest")

    def __init__(self, actions: list[Action]) -> None:
        self._per_stage: dict[int, list[int]] = {}  # stage position -> [actions, actions of unknown runOrder]
        self._gate_earliest: int | None = None  # earliest stage position of an approval (or unknown category)
        self._gate_lowest: dict[int, int] = {}  # stage position -> lowest literal runOrder of such an action
        for action in actions:
            stage, order = action.stage.index, action.run_order
            counts = self._per_stage.setdefault(stage, [0, 0])
            counts[0] += 1
            counts[1] += order is None
            if action.category is None or action.category == "Approval":
                if self._gate_earliest is None or stage < self._gate_earliest:
                    self._gate_earliest = stage
                if order is not None and order < self._gate_lowest.get(stage, order + 1):
                    self._gate_lowest[stage] = order

    def gated(self, action: Action) -> bool:
        """Whether an approval (or an action of unknown category) may run before ``action``,
        or the order of another action of its stage cannot be told."""
        stage, order = action.stage.index, action.run_order
        count, unknown = self._per_stage.get(stage, (0, 0))
        if (count > 1) if order is None else (unknown > 0):
            return True  # an order that cannot be told: say nothing
        if self._gate_earliest is not None and self._gate_earliest < stage:
            return True
        lowest = self._gate_lowest.get(stage)
        return order is not None and lowest is not None and lowest < order


@rule("CD001", "production-deploy-without-approval", severity="note", kinds=("pipeline",))
def production_deploy_without_approval(doc: Document, config: dict) -> Iterator[Report]:
    """A production-looking deploy runs with no manual approval before it.

    Reported for a ``Deploy`` action in a stage whose name (or the action's own name) says
    production (``prod``, ``production``, ``prd``, ``live`` as a word) when no ``Approval``
    action runs before it: none in an earlier stage, none earlier in the same stage. Not reported
    when the stage has a V2 ``BeforeEntry`` condition (a gate of its own), or when an earlier
    action's category or order is computed. A CloudFormation action that only prepares a
    change set (``ActionMode: CHANGE_SET_REPLACE``) is not a deploy: the usual
    create-change-set, approve, execute sequence passes.

    Why: every change that reaches the branch then goes to production with no human look at
    what is deployed, including a change from a compromised dependency or a mistaken merge. A
    note: many teams deploy continuously on purpose, behind tests and alarms.

    Failing::

        Resources:
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
                - Name: Production
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
                      Configuration: {ActionMode: CREATE_UPDATE, StackName: app, TemplatePath: "Src::template.yaml", RoleArn: !GetAtt CfnRole.Arn}
                      InputArtifacts: [{Name: Src}]

    Fixed::

        Resources:
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
                - Name: Approve
                  Actions:
                    - Name: ReleaseApproval
                      ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual, Version: "1"}
                - Name: Production
                  Actions:
                    - Name: Deploy
                      ActionTypeId: {Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: "1"}
                      Configuration: {ActionMode: CREATE_UPDATE, StackName: app, TemplatePath: "Src::template.yaml", RoleArn: !GetAtt CfnRole.Arn}
                      InputArtifacts: [{Name: Src}]

    AWS: CodePipeline User Guide, "Manage approval actions in CodePipeline"; "Declare a stage
    condition" (V2 ``BeforeEntry`` gates).
    """
    from pipelint.models.pipeline import pipeline_of

    pipeline = pipeline_of(doc)
    if not pipeline.stages_known:
        return
    gates = _Gates(pipeline.actions)
    for stage in pipeline.stages:
        if stage.get("beforeEntry") is not None or not stage.actions_known:
            continue
        for action in stage.actions:
            if action.category != "Deploy" or not (_looks_production(stage.name) or _looks_production(action.name)):
                continue
            if action.provider == "CloudFormation" and (action.config_text("ActionMode") or "").upper() == "CHANGE_SET_REPLACE":
                continue  # only prepares a change set; the execute action is the deploy
            if gates.gated(action):
                continue
            yield Report(action.where, f"action `{action.label}` deploys to what looks like production (stage `{stage.label}`) with no "
                                       "manual approval before it; add an `Approval` action (or a stage `BeforeEntry` condition) "
                                       "if releases should be reviewed",
                         fix="add a stage with a Manual approval action before this one")
            break


def _deployment_groups(doc: Document) -> Iterator[tuple[Scalar, Mapping]]:
    """``(logical id key, Properties)`` of every CodeDeploy deployment group."""
    res = doc.root.get("Resources") if isinstance(doc.root, Mapping) else None
    if not isinstance(res, Mapping):
        return
    for key, resource in res.items():
        if isinstance(resource, Mapping) and text_of(resource.get("Type")) == "AWS::CodeDeploy::DeploymentGroup":
            props = resource.get("Properties")
            if isinstance(props, Mapping):
                yield key, props


def _known_options(node: Node | None) -> list[Mapping | None] | None:
    """The mappings (``None`` for absent) an object property may be, or ``None`` if computed."""
    out: list[Mapping | None] = []
    for option in options_of(node):
        if option is not None and (not isinstance(option, Mapping) or intrinsic(option) is not None):
            return None
        out.append(option)
    return out


@rule("CD002", "deployment-group-without-rollback", severity="note", kinds=("template",))
def deployment_group_without_rollback(doc: Document, config: dict) -> Iterator[Report]:
    """A CodeDeploy deployment group does not roll back automatically when a deployment fails.

    Reported for an ``AWS::CodeDeploy::DeploymentGroup`` whose ``AutoRollbackConfiguration`` is
    absent, has ``Enabled: false``, or lists events without ``DEPLOYMENT_FAILURE``.

    Why: a failed deployment then leaves the instances, the Lambda alias or the ECS service on
    a half-deployed revision until someone redeploys by hand.

    Failing::

        Resources:
          DeploymentGroup:
            Type: AWS::CodeDeploy::DeploymentGroup
            Properties:
              ApplicationName: !Ref App
              ServiceRoleArn: !GetAtt DeployRole.Arn

    Fixed::

        Resources:
          DeploymentGroup:
            Type: AWS::CodeDeploy::DeploymentGroup
            Properties:
              ApplicationName: !Ref App
              ServiceRoleArn: !GetAtt DeployRole.Arn
              AutoRollbackConfiguration:
                Enabled: true
                Events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]

    AWS: CodeDeploy User Guide, "Redeploy and roll back a deployment with CodeDeploy";
    CloudFormation ``AWS::CodeDeploy::DeploymentGroup AutoRollbackConfiguration``.
    """
    for key, props in _deployment_groups(doc):
        logical_id = key.text
        options = _known_options(props.get("AutoRollbackConfiguration"))
        for option in options or []:
            if option is None:
                yield Report(key, f"deployment group `{logical_id}` has no `AutoRollbackConfiguration`: a failed deployment stays "
                                  "half-deployed until someone acts; enable rollback on `DEPLOYMENT_FAILURE`",
                             fix="add `AutoRollbackConfiguration: {Enabled: true, Events: [DEPLOYMENT_FAILURE]}`")
                break
            enabled_node = option.get("Enabled")
            enabled = flag_of(enabled_node)
            if enabled is False and enabled_node is not None:
                yield Report(enabled_node, f"deployment group `{logical_id}` turns automatic rollback off: a failed deployment stays "
                                           "half-deployed until someone acts",
                             fix="set `Enabled: true` with `Events: [DEPLOYMENT_FAILURE]`")
                break
            events_node = option.get("Events")
            events = [text_of(e) for e in items_of(events_node)]
            if enabled is True and isinstance(events_node, Sequence) and all(isinstance(e, str) for e in events) \
                    and "DEPLOYMENT_FAILURE" not in events:
                listed = ", ".join(f"`{e}`" for e in events) or "no event"
                yield Report(events_node, f"deployment group `{logical_id}` rolls back only on {listed}, not when a deployment "
                                          "fails; add `DEPLOYMENT_FAILURE`",
                             fix="add `DEPLOYMENT_FAILURE` to `Events`")
                break


def _watches_nothing(option: Mapping | None) -> bool:
    """Whether an ``AlarmConfiguration`` (``None``: absent) is known to watch no alarm."""
    if option is None:
        return True
    enabled = flag_of(option.get("Enabled"))
    if enabled is False:
        return True
    alarms = option.get("Alarms")
    if enabled is not True or (alarms is not None and not isinstance(alarms, Sequence)):
        return False
    return not items_of(alarms)


@rule("CD003", "blue-green-without-alarms", severity="note", kinds=("template",))
def blue_green_without_alarms(doc: Document, config: dict) -> Iterator[Report]:
    """A blue/green CodeDeploy deployment group watches no CloudWatch alarm.

    Reported for an ``AWS::CodeDeploy::DeploymentGroup`` with
    ``DeploymentStyle.DeploymentType: BLUE_GREEN`` whose ``AlarmConfiguration`` is absent,
    disabled, or lists no alarm.

    Why: blue/green's promise is a fast, automatic way back. Without alarms CodeDeploy cannot
    tell that the new (green) fleet is failing once traffic shifts, so it neither stops the
    deployment nor rolls back; the old fleet may be gone by the time someone notices.

    Failing::

        Resources:
          DeploymentGroup:
            Type: AWS::CodeDeploy::DeploymentGroup
            Properties:
              ApplicationName: !Ref App
              ServiceRoleArn: !GetAtt DeployRole.Arn
              DeploymentStyle:
                DeploymentType: BLUE_GREEN
                DeploymentOption: WITH_TRAFFIC_CONTROL
              AutoRollbackConfiguration:
                Enabled: true
                Events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]

    Fixed::

        Resources:
          DeploymentGroup:
            Type: AWS::CodeDeploy::DeploymentGroup
            Properties:
              ApplicationName: !Ref App
              ServiceRoleArn: !GetAtt DeployRole.Arn
              DeploymentStyle:
                DeploymentType: BLUE_GREEN
                DeploymentOption: WITH_TRAFFIC_CONTROL
              AutoRollbackConfiguration:
                Enabled: true
                Events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]
              AlarmConfiguration:
                Enabled: true
                Alarms:
                  - Name: !Ref Http5xxAlarm

    AWS: CodeDeploy User Guide, "Monitor deployments with CloudWatch alarms in CodeDeploy";
    CloudFormation ``AWS::CodeDeploy::DeploymentGroup AlarmConfiguration``.
    """
    for key, props in _deployment_groups(doc):
        logical_id = key.text
        styles = mapping_options(props.get("DeploymentStyle"))
        if len(styles) != 1:
            continue
        kind_node = styles[0].get("DeploymentType")
        kind = text_of(kind_node)
        if kind_node is None or not isinstance(kind, str) or kind.upper() != "BLUE_GREEN":
            continue
        options = _known_options(props.get("AlarmConfiguration"))
        if options is None or not all(_watches_nothing(option) for option in options):
            continue
        yield Report(kind_node, f"deployment group `{logical_id}` deploys blue/green but watches no CloudWatch alarm: CodeDeploy "
                                "cannot see the green fleet failing and will not stop or roll back on its own; add an "
                                "`AlarmConfiguration` with the service's error alarms",
                     fix="add `AlarmConfiguration: {Enabled: true, Alarms: [{Name: <alarm>}]}`")
