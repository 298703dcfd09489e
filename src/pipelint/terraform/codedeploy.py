"""``aws_codedeploy_app`` → ``AWS::CodeDeploy::Application``; ``aws_codedeploy_deployment_group``
→ ``AWS::CodeDeploy::DeploymentGroup``. Names follow the AWS provider's documentation."""

from __future__ import annotations

from ..load.nodes import Node
from . import translator
from .context import ModuleContext, Resource
from .model import Attribute, Block
from .shapes import Custom, Many, One, Shape, translate_body


def alarm_names(attribute: Attribute, ctx: ModuleContext) -> Node | None:
    """``alarms = ["a"]`` → ``Alarms: [{Name: "a"}]``; an unknown list stays unknown."""
    expr = attribute.expr
    if expr.kind != "tuple":
        return ctx.node(expr)
    items: list[Node] = []
    for item in expr.items or ():
        value = ctx.node(item)
        if value is not None:
            items.append(ctx.mapping([(ctx.key("Name", item.span, "alarms"), value)], item.span))
    return ctx.sequence(items, expr.span)


_TAG_FILTER: Shape = {"key": "Key", "type": "Type", "value": "Value"}
GROUP: Shape = {
    "app_name": "ApplicationName",
    "deployment_group_name": "DeploymentGroupName",
    "service_role_arn": "ServiceRoleArn",
    "deployment_config_name": "DeploymentConfigName",
    "autoscaling_groups": "AutoScalingGroups",
    "outdated_instances_strategy": "OutdatedInstancesStrategy",
    "auto_rollback_configuration": One("AutoRollbackConfiguration", {"enabled": "Enabled", "events": "Events"}),
    "alarm_configuration": One("AlarmConfiguration", {"alarms": Custom("Alarms", alarm_names), "enabled": "Enabled",
                                                      "ignore_poll_alarm_failure": "IgnorePollAlarmFailure"}),
    "deployment_style": One("DeploymentStyle", {"deployment_option": "DeploymentOption", "deployment_type": "DeploymentType"}),
    "ec2_tag_filter": Many("Ec2TagFilters", _TAG_FILTER),
    "on_premises_instance_tag_filter": Many("OnPremisesInstanceTagFilters", _TAG_FILTER),
    "ecs_service": Many("ECSServices", {"cluster_name": "ClusterName", "service_name": "ServiceName"}),
    "blue_green_deployment_config": One("BlueGreenDeploymentConfiguration", {
        "deployment_ready_option": One("DeploymentReadyOption", {"action_on_timeout": "ActionOnTimeout", "wait_time_in_minutes": "WaitTimeInMinutes"}),
        "green_fleet_provisioning_option": One("GreenFleetProvisioningOption", {"action": "Action"}),
        "terminate_blue_instances_on_deployment_success": One("TerminateBlueInstancesOnDeploymentSuccess", {
            "action": "Action", "termination_wait_time_in_minutes": "TerminationWaitTimeInMinutes"}),
    }),
    "trigger_configuration": Many("TriggerConfigurations", {"trigger_events": "TriggerEvents", "trigger_name": "TriggerName",
                                                            "trigger_target_arn": "TriggerTargetArn"}),
}


@translator("aws_codedeploy_app")
def codedeploy_app(block: Block, ctx: ModuleContext) -> list[Resource]:
    """An ``aws_codedeploy_app`` as an ``AWS::CodeDeploy::Application``."""
    resource = ctx.new_resource(block, "AWS::CodeDeploy::Application")
    for key, value in translate_body(block.body, {"name": "ApplicationName", "compute_platform": "ComputePlatform"}, ctx):
        resource.set(key, value)
    return [resource]


@translator("aws_codedeploy_deployment_group")
def deployment_group(block: Block, ctx: ModuleContext) -> list[Resource]:
    """An ``aws_codedeploy_deployment_group`` as an ``AWS::CodeDeploy::DeploymentGroup``."""
    resource = ctx.new_resource(block, "AWS::CodeDeploy::DeploymentGroup")
    for key, value in translate_body(block.body, GROUP, ctx):
        resource.set(key, value)
    return [resource]
