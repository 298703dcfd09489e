"""CP001: the shape of a CLI pipeline file, checked against ``schemas/pipeline.schema.json``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Node, Report, Scalar, rule
from pipelint.rules.general._format import placeholder

# Problems a dedicated rule reports with a better message, by the last parts of the node path:
# name patterns and lengths (CP106), runOrder range (CP107), category and owner values (CP110).
_NAME_TAILS = {
    ("pipeline", "name"), ("stages", "name"), ("actions", "name"), ("inputArtifacts", "name"),
    ("outputArtifacts", "name"), ("variables", "name"),
}


def _covered(node: Node) -> bool:
    """Whether a dedicated pipeline rule already reports a problem at this node."""
    path = node.path
    if not path or not isinstance(node, Scalar):
        return False
    last = path[-1]
    parent = path[-3] if len(path) >= 3 else path[0] if len(path) == 2 else None
    if last == "name" and (parent, "name") in _NAME_TAILS and isinstance(node.value, str):
        # artifact names are CP106's only for actions (not for stage-condition rules)
        return parent not in ("inputArtifacts", "outputArtifacts") or (len(path) >= 6 and path[-5] == "actions")
    if last == "namespace" and len(path) >= 3 and path[-3] == "actions" and isinstance(node.value, str):
        return True
    if last == "runOrder" and isinstance(node.value, int) and not isinstance(node.value, bool):
        return True
    if len(path) >= 2 and path[-2] == "actionTypeId" and last in ("category", "owner") and isinstance(node.value, str):
        return True
    return False


@rule("CP001", "pipeline-schema", severity="error", kinds=("pipeline",), flavors=("cli",))
def pipeline_schema(doc: Document, config: Any) -> Iterator[Report]:
    """A CLI pipeline file must match the shape `aws codepipeline create-pipeline` accepts.

    Why: the AWS CLI validates `--cli-input-json` against the CodePipeline API before sending it
    and refuses unknown keys, wrong types and values outside the allowed lists; the service then
    refuses values outside its limits. This rule checks the whole file (`pipeline`, `metadata`,
    `tags`) against pipelint's pipeline schema. Names, `runOrder` and action categories and
    owners are checked by their own rules (CP106, CP107, CP110) with more specific messages.
    CloudFormation pipelines are left to cfn-lint for their shape.

    AWS behaviour: the AWS CLI validates --cli-input-json against the API model before sending it
    ("Parameter validation failed: Unknown parameter …", "Invalid type for parameter …", "Invalid
    length …") and the service answers values outside its enums and patterns with
    ValidationException. Source: AWS CLI parameter validation (botocore);
    CreatePipeline/UpdatePipeline errors in the CodePipeline API model (botocore codepipeline
    2015-07-09).

    Failing::

        {"pipeline": {"name": "app", "roleArn": "arn:aws:iam::123456789012:role/cp",
          "artifactStore": {"type": "S3", "location": "my-bucket"},
          "stages": [{"name": "Source", "actions": [{"name": "Src",
            "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": 1},
            "configuration": {"PollForSourceChanges": false}}]}]}}

    Fixed::

        {"pipeline": {"name": "app", "roleArn": "arn:aws:iam::123456789012:role/cp",
          "artifactStore": {"type": "S3", "location": "my-bucket"},
          "stages": [{"name": "Source", "actions": [{"name": "Src",
            "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
            "configuration": {"PollForSourceChanges": "false"}}]}]}}
    """
    file_root = doc.context.get("file_root") if doc.context else None
    if file_root is None:
        return
    from pipelint.schemas import compiled

    for node, message in compiled("pipeline").errors(file_root):
        if _covered(node):
            continue
        if isinstance(node, Scalar) and isinstance(node.value, str) and placeholder(node.value):
            field = message.split("`", 2)[1] if message.count("`") >= 2 else "this value"
            yield Report(node, f"`{field}` is the template placeholder `{node.value}`, not a value CodePipeline accepts; fill it in "
                         "before the file reaches CodePipeline", fix="replace the placeholder with the real value")
            continue
        yield Report(node, message, fix="see `pipelint schema pipeline` for the accepted shape")
