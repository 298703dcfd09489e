"""Stage 3 of the data flow: a loaded file → the documents it holds.

A buildspec or appspec file is one document. A CloudFormation template is a ``template``
document plus every pipeline, inline buildspec and IAM policy it declares. An
``aws codepipeline`` JSON/YAML file is one ``pipeline`` document; a policy file one ``policy``.
"""

from __future__ import annotations

from ..engine.rule import Document
from ..load import LoadResult
from ..load.nodes import Mapping, Node, Scalar, Sequence, Source, intrinsic
from ..load.problems import Limits, LoadProblem
from .embedded import load_embedded, string_of

# CloudFormation resource types holding policies: type → (property paths, flavor)
_POLICY_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "AWS::IAM::Policy": (("PolicyDocument", "identity"),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument", "identity"),),
    "AWS::S3::BucketPolicy": (("PolicyDocument", "resource"),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument", "resource"),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument", "resource"),),
    "AWS::KMS::Key": (("KeyPolicy", "resource"),),
    "AWS::IAM::Role": (("AssumeRolePolicyDocument", "trust"),),
    "AWS::ECR::Repository": (("RepositoryPolicyText", "resource"),),
}
_INLINE_POLICY_HOLDERS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")


def appspec_flavor(root: Node) -> str:
    """``ecs``, ``lambda`` or ``ec2`` for an appspec root (either key case)."""
    from ..models.appspec import detect_flavor

    return detect_flavor(root)


def policy_flavor(root: Node) -> str:
    """``trust`` for an assume-role policy, ``resource`` when statements name principals."""
    statements = root.get("Statement") if isinstance(root, Mapping) else None
    items = statements.items if isinstance(statements, Sequence) else [statements] if statements is not None else []
    has_principal = False
    assume = False
    for item in items:
        if isinstance(item, Mapping):
            if "Principal" in item or "NotPrincipal" in item:
                has_principal = True
                action = item.get("Action")
                text = str(action.to_python()) if action is not None else ""
                if "sts:AssumeRole" in text:
                    assume = True
    if has_principal and assume:
        return "trust"
    return "resource" if has_principal else "identity"


def extract(result: LoadResult, kind: str, limits: Limits | None = None) -> tuple[list[Document], list[LoadProblem]]:
    """The documents of a loaded file of the given kind, and problems found while extracting."""
    problems: list[LoadProblem] = []
    docs: list[Document] = []
    source = result.source
    for root in result.roots:
        if kind in ("buildspec", "appspec", "pipeline", "template", "policy", "terraform", "codebuild-json") and not isinstance(root, Mapping):
            if isinstance(root, Scalar) and root.value is None:
                continue
            problems.append(
                LoadProblem(
                    "PL011",
                    f"a {kind} must be a mapping (key: value pairs) at the top level, but this document is a {_describe(root)}",
                    root.line, root.col, root.line, root.col + 1,
                )
            )
            continue
        if kind == "buildspec":
            docs.append(Document("buildspec", root, source, flavor="file"))
        elif kind == "appspec":
            docs.append(Document("appspec", root, source, flavor=appspec_flavor(root)))
        elif kind == "policy":
            docs.append(Document("policy", root, source, flavor=policy_flavor(root)))
        elif kind == "pipeline":
            assert isinstance(root, Mapping)
            inner = root.get("pipeline")
            docs.append(Document("pipeline", inner if isinstance(inner, Mapping) else root, source, flavor="cli", context={"file_root": root}))
        elif kind in ("template", "terraform"):
            # A Terraform file is loaded as a synthetic template (see pipelint.terraform).
            template = Document("template", root, source, flavor="terraform" if kind == "terraform" else "")
            docs.append(template)
            docs.extend(_from_template(template, problems, limits))
        elif kind == "codebuild-json":
            docs.extend(_from_codebuild_json(root, source, problems, limits))
    return docs, problems


def _from_codebuild_json(root: Node, source: Source, problems: list[LoadProblem], limits: Limits | None) -> list[Document]:
    """An ``aws codebuild`` JSON file as a template of its projects, plus their inline buildspecs."""
    from ..models.codebuild_cli import template_of

    assert isinstance(root, Mapping)
    shaped, webhook_only = template_of(root)
    template = Document("template", shaped, source, flavor="codebuild-json", context={"file_root": root, "webhook_only": webhook_only})
    docs = [template]
    resources = shaped.get("Resources")
    if isinstance(resources, Mapping):
        for logical, resource in resources.items():
            props = resource.get("Properties") if isinstance(resource, Mapping) else None
            if isinstance(props, Mapping):
                context = {"logical_id": logical.text, "resource": resource, "resource_type": "AWS::CodeBuild::Project", "template": template}
                docs.extend(_inline_buildspec(template, props, context, problems, limits))
    return docs


def _describe(node: Node) -> str:
    if isinstance(node, Sequence):
        return "list"
    if isinstance(node, Scalar):
        return f"single value ({type(node.value).__name__})"
    return type(node).__name__.lower()


def _from_template(template: Document, problems: list[LoadProblem], limits: Limits | None) -> list[Document]:
    root = template.root
    assert isinstance(root, Mapping)
    resources = root.get("Resources")
    if not isinstance(resources, Mapping):
        return []
    docs: list[Document] = []
    for logical_key, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        type_node = resource.get("Type")
        rtype = type_node.value if isinstance(type_node, Scalar) and isinstance(type_node.value, str) else ""
        props = resource.get("Properties")
        if not isinstance(props, Mapping):
            continue
        context = {"logical_id": logical_key.text, "resource": resource, "resource_type": rtype, "template": template}
        if rtype == "AWS::CodePipeline::Pipeline":
            docs.append(Document("pipeline", props, template.source, flavor="cfn", context=context, parent=template))
        elif rtype == "AWS::CodeBuild::Project":
            docs.extend(_inline_buildspec(template, props, context, problems, limits))
        if rtype in _POLICY_PROPERTIES:
            for prop, flavor in _POLICY_PROPERTIES[rtype]:
                docs.extend(_policy_docs(template, props.get(prop), props.key_node(prop), flavor, context, problems))
        if rtype in _INLINE_POLICY_HOLDERS:
            policies = props.get("Policies")
            if isinstance(policies, Sequence):
                for index, item in enumerate(policies.items):
                    if isinstance(item, Mapping):
                        ctx = dict(context, policy_name=_text(item.get("PolicyName")), policy_index=index)
                        docs.extend(_policy_docs(template, item.get("PolicyDocument"), item.key_node("PolicyDocument"), "identity", ctx, problems))
    return docs


def _text(node: Node | None) -> str:
    return node.text if isinstance(node, Scalar) else ""


def _policy_docs(template: Document, node: Node | None, key: Node | None, flavor: str, context: dict, problems: list[LoadProblem]) -> list[Document]:
    if node is None:
        return []
    if isinstance(node, Mapping) and intrinsic(node) is None:
        return [Document("policy", node, template.source, flavor=flavor, context=context, parent=template)]
    scalar = string_of(node)  # a JSON string, or the template of `Fn::Sub`
    if scalar is not None and scalar.value.lstrip().startswith("{"):
        from .embedded import json_policy_text

        text, mark = json_policy_text(scalar, sub=scalar is not node)
        loaded = load_embedded(scalar, key or scalar, fmt="json", text=text, before=mark, one_line=True)
        problems.extend(loaded.problems)
        return [
            Document("policy", r, template.source, flavor=flavor, context=dict(context, embedded=True), parent=template)
            for r in loaded.roots
            if isinstance(r, Mapping)
        ]
    return []


def _inline_buildspec(template: Document, props: Mapping, context: dict, problems: list[LoadProblem], limits: Limits | None) -> list[Document]:
    source_node = props.get("Source")
    if not isinstance(source_node, Mapping):
        return []
    spec = source_node.get("BuildSpec")
    key = source_node.key_node("BuildSpec")
    scalar = string_of(spec)
    environment = props.get("Environment")
    image = environment.get("Image") if isinstance(environment, Mapping) else None
    ctx = dict(context, project=props, image=image.value if isinstance(image, Scalar) and isinstance(image.value, str) else None)
    if scalar is None or key is None:
        return []
    text = scalar.value
    # A path (`buildspecs/build.yml`, an S3 ARN) is resolved by the cross-file checks.
    if "\n" not in text.strip() and not text.lstrip().startswith(("version", "{")):
        return []
    # A buildspec is YAML whatever the template's format (a JSON template embeds YAML text).
    loaded = load_embedded(scalar, key, fmt="yaml", limits=limits)
    problems.extend(loaded.problems)
    docs = []
    for root in loaded.roots:
        if isinstance(root, Mapping):
            docs.append(Document("buildspec", root, template.source, flavor="inline", context=ctx, parent=template))
    return docs
