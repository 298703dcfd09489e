"""IAM011: administrator-equivalent AWS managed policies attached in a template."""

from __future__ import annotations

from collections.abc import Iterator

from pipelint.api import Document, Mapping, Report, Scalar, rule
from pipelint.load.nodes import branch_items as list_items

from ._attachments import aws_managed_name
from ._util import clip, trusted_services

_PRINCIPALS = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group"}
_GRANTS = {
    "AdministratorAccess": "every action on every resource",
    "PowerUserAccess": "every action outside IAM and Organizations, on every resource",
    "IAMFullAccess": "every IAM action, which lets it grant itself anything",
}


@rule("IAM011", "admin-managed-policy", severity="warning", kinds=("template",), security_severity=9.0)
def admin_managed_policy(doc: Document, config: dict) -> Iterator[Report]:
    """A role, user or group attaches ``AdministratorAccess``, ``PowerUserAccess`` or ``IAMFullAccess``.

    Why: these AWS managed policies make the principal an administrator (``IAMFullAccess`` lets
    it become one). Build, pipeline and deployment roles run code from the repository, its
    dependencies and build images; with an administrator role, one compromised dependency owns
    the account. Attach a customer-managed policy that lists the actions the role needs, and
    give CloudFormation deployment roles a permissions boundary.

    Failing::

        Resources:
          CodeBuildRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Service: codebuild.amazonaws.com}
                    Action: sts:AssumeRole
              ManagedPolicyArns:
                - arn:aws:iam::aws:policy/AdministratorAccess

    Fixed::

        Resources:
          CodeBuildRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Service: codebuild.amazonaws.com}
                    Action: sts:AssumeRole
              ManagedPolicyArns:
                - !Ref CodeBuildPolicy   # an AWS::IAM::ManagedPolicy listing the needed actions

    """
    resources = doc.root.get("Resources") if isinstance(doc.root, Mapping) else None
    if not isinstance(resources, Mapping):
        return
    for key, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        rtype = resource.get("Type")
        kind = _PRINCIPALS.get(rtype.text) if isinstance(rtype, Scalar) else None
        props = resource.get("Properties")
        if kind is None or not isinstance(props, Mapping):
            continue
        for item in list_items(props.get("ManagedPolicyArns")):
            name = aws_managed_name(item)
            if name not in _GRANTS:
                continue
            services = trusted_services(resource, doc)
            if services and all(s == "cloudformation.amazonaws.com" for s in services):
                advice = ("a stack role gets what its stacks' resources need: attach a customer-managed policy listing the actions "
                          "of the resource types its stacks declare, plus a permissions boundary")
            else:
                advice = ("a CI/CD principal runs code from the repository and its dependencies, so attach a customer-managed "
                          "policy listing only the actions it calls")
            yield Report(
                item,
                f"{kind} `{clip(key.text)}` attaches the AWS managed policy `{name}`, which allows {_GRANTS[name]}; {advice}",
                fix=f"replace `{name}` with a least-privilege customer-managed policy",
            )
