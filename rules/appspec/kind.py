"""AS010: a file named like an AppSpec that is really a CloudFormation or SAM template."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Mapping, Report, rule
from pipelint.models.appspec import looks_like_template


@rule("AS010", "appspec-is-template", severity="warning", kinds=("appspec",))
def appspec_is_template(doc: Document, config: dict) -> Iterator[Report]:
    """A file named ``appspec.yml``/``appspec.yaml``/``appspec.json`` holds a CloudFormation or SAM template.

    CodeDeploy reads the file named ``appspec.*`` as the AppSpec of the revision; a template has
    none of the AppSpec's keys, so the deployment fails before anything is deployed. The template
    is usually what a SAM or CloudFormation deploy step needs, under another name: rename it
    (``template.yaml``), and if CodeDeploy deploys the function, write an AppSpec under this name.
    No other appspec rule reads such a file, so this is the only finding it gets.

    AWS behaviour: the agent parses the file as an AppSpec and fails the deployment at its first
    lifecycle event with "an invalid version value () was entered in the application specification
    file" (a template has no `version: 0.0`); for ECS/Lambda the AppSpec content is rejected as an
    invalid revision. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_version).

    Severity: a warning, not an error. The deployment fails only if CodeDeploy is given this
    file; a template that merely carries the name (the deploy step of a SAM pipeline reads it
    as a template, which CloudFormation accepts) deploys fine, and pipelint cannot tell which.

    Failing::

        # appspec.yaml
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Resources:
          MyFunction:
            Type: AWS::Serverless::Function

    Fixed::

        # appspec.yaml (the template is now template.yaml)
        version: 0.0
        Resources:
          - MyFunction:
              Type: AWS::Lambda::Function
              Properties:
                Name: my-function
                Alias: live
                CurrentVersion: "1"
                TargetVersion: "2"
    """
    reason = looks_like_template(doc.root)
    if reason is None or not isinstance(doc.root, Mapping):
        return
    first = doc.root.pairs[0][0] if doc.root.pairs else doc.root
    yield Report(
        first,
        f"this file is named like a CodeDeploy AppSpec but is a CloudFormation/SAM template ({reason}); "
        "CodeDeploy cannot read it as an AppSpec. Rename the template (for example `template.yaml`) "
        "and give the deployment a real AppSpec (`version: 0.0` with `Resources` as a list)",
        fix="rename the template; write an AppSpec under this name if CodeDeploy needs one",
    )
