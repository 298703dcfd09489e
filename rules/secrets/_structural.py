"""Structural secret detectors: secrets in the places a CI/CD file keeps them.

Each detector reads one kind of tree and returns :class:`Hit` objects carrying the node to
point at, the raw secret (``None`` when the finding is about a reference, not a value), and a
complete message that shows at most ``redact(secret)``. The SEC rules yield these hits, and the
token scan (SEC009) asks :func:`claimed` for the values they already report, so that one
secret is reported once, by the most specific rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, intrinsic, redact
from pipelint.load.nodes import branch_items as _items
from pipelint.load.nodes import branches as _alternatives
from pipelint.load.nodes import intrinsic_arg, leading_arg
from pipelint.records import ValueRecord
from pipelint.textutil import lazy_regex

from ._commands import CommandSecret, find_in_text
from ._locate import Cursor, locate, node_at, raw_text
from ._patterns import (
    classify,
    is_aws_secret_key,
    is_placeholder,
    is_reference,
    looks_like_password,
    looks_random,
    name_kind,
)

AWS_CREDENTIAL_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
_SECRET_STORE_FIX = "store the value in Secrets Manager (or as a Parameter Store SecureString) and reference it"


class Hit(ValueRecord):
    """A structural finding: where, the raw secret if any, the message and the fix."""

    __slots__ = ("node", "secret", "message", "fix")

    node: Node
    secret: str | None
    message: str
    fix: str

    def __init__(self, node: Node, secret: str | None, message: str, fix: str) -> None:
        self.node = node
        self.secret = secret
        self.message = message
        self.fix = fix


def register_lines(node: Node, secret: str) -> None:
    """Also mask every line of a multi-line secret (a private key), since frames show lines."""
    if "\n" in secret and node.source is not None:
        node.source.secrets.update(line.strip().strip("\"',") for line in secret.splitlines() if len(line.strip()) >= 8)


def to_report(hit: Hit) -> Report:
    """The :class:`Report` of a hit, its secret registered for masking."""
    if hit.secret:
        register_lines(hit.node, hit.secret)
    return Report(hit.node, hit.message, fix=hit.fix, secret=hit.secret)


# ---------------------------------------------------------------------------------------------
# Small helpers


def _get(node: Node | None, key: str) -> Node | None:
    """``node[key]`` for either key case (``Stages``/``stages``)."""
    if not isinstance(node, Mapping):
        return None
    value = node.get(key)
    if value is None:
        pair = node.get_ci(key)
        value = pair[1] if pair else None
    return value


def _text(node: Node | None) -> str | None:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    return None


def _literal(node: Node | None) -> Scalar | None:
    """The node if it is a literal string scalar holding a value (not a reference)."""
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.strip():
        return node
    return None


def secret_kind(name: str, value: str) -> str | None:
    """What a named value holds if it is a secret (``an AWS access key id``…), else ``None``."""
    if is_reference(value) or is_placeholder(value):
        return None
    token = classify(value)
    if token is not None:
        return token.label
    upper = name.upper()
    if upper in AWS_CREDENTIAL_NAMES:
        return {"AWS_ACCESS_KEY_ID": "an AWS access key id", "AWS_SECRET_ACCESS_KEY": "an AWS secret access key",
                "AWS_SESSION_TOKEN": "an AWS session token"}[upper] if len(value) >= 16 else None
    if "SECRET" in upper and is_aws_secret_key(value):
        return "an AWS secret access key"
    kind = name_kind(name)
    if kind == "password" and looks_like_password(value):
        return "a password"
    if kind == "secret" and looks_random(value):
        return "a secret"
    return None


def looks_like_credential(value: str) -> bool:
    """Whether a literal given for a token property is a real-looking credential, not a name."""
    if is_reference(value) or is_placeholder(value):
        return False
    if classify(value) is not None or looks_random(value):
        return True
    return looks_like_password(value) and len(value) >= 8 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _is_aws_credential(name: str, what: str) -> bool:
    return name.upper() in AWS_CREDENTIAL_NAMES or what.startswith("an AWS")


# ---------------------------------------------------------------------------------------------
# Buildspecs


def buildspec_env(root: Node) -> list[Hit]:
    """``env.variables`` entries holding secrets (by name or by value)."""
    env = _get(root, "env")
    variables = _get(env, "variables")
    hits: list[Hit] = []
    if not isinstance(variables, Mapping):
        return hits
    for key, value in variables.items():
        scalar = _literal(value)
        if scalar is None:
            continue
        what = secret_kind(key.text, scalar.value)
        if what is None:
            continue
        name = key.text
        if _is_aws_credential(name, what):
            advice = ("remove it: CodeBuild gives the build the service role's temporary credentials; grant that role the permissions "
                      "(or `aws sts assume-role` into another account), and deactivate the exposed key")
        else:
            advice = (f"move it to Secrets Manager and map it under `env.secrets-manager:` (`{name}: <secret-id>:<json-key>`), "
                      f"or to a Parameter Store SecureString under `env.parameter-store:` (`{name}: /path/to/param`), then rotate the exposed value")
        hits.append(Hit(
            locate(scalar, scalar.value),
            scalar.value,
            f"`env.variables.{name}` holds {what} in plain text ({redact(scalar.value)}): it is visible to everyone who can read the "
            f"repository or the build's environment; {advice}",
            "delete the key and rely on the build's service role" if _is_aws_credential(name, what)
            else f"map `{name}` under `env.secrets-manager:` or `env.parameter-store:` instead of `env.variables:`",
        ))
    return hits


def command_items(root: Node) -> list[Node]:
    """Every command of a buildspec's phases (``commands`` and ``finally``): the string
    scalars, and the items YAML read as a mapping because of an unquoted ``: `` (BS120)."""
    phases = _get(root, "phases")
    out: list[Node] = []
    if not isinstance(phases, Mapping):
        return out
    for _, phase in phases.items():
        if not isinstance(phase, Mapping):
            continue
        for list_key in ("commands", "finally"):
            commands = phase.get(list_key)
            items = commands.items if isinstance(commands, Sequence) else [commands] if commands is not None else []
            for item in items:
                if (isinstance(item, Scalar) and isinstance(item.value, str)) or (isinstance(item, Mapping) and intrinsic(item) is None):
                    out.append(item)
    return out


def command_scalars(root: Node) -> list[Scalar]:
    """Every command string of a buildspec's phases (``commands`` and ``finally``)."""
    return [item for item in command_items(root) if isinstance(item, Scalar)]


def _command_hit(node: Node, found: CommandSecret) -> Hit:
    return Hit(
        node,
        found.value,
        f"this command passes {found.describe()} ({redact(found.value)}); the command is stored with the buildspec "
        f"and printed in build logs; {found.pattern.fix}",
        found.pattern.fix,
    )


def buildspec_commands(root: Node) -> list[Hit]:
    """Literal secrets in buildspec commands (``docker login -p``, ``curl -u``…).

    A command YAML read as a mapping (``- curl -H "Authorization: Bearer …"``) is scanned as
    written in the file, key and value together, so that the secret is found (and masked in
    every output, BS120's message included) wherever YAML split it.
    """
    hits: list[Hit] = []
    for item in command_items(root):
        if isinstance(item, Scalar):
            cursor = Cursor(item)
            for found in find_in_text(item.value):
                hits.append(_command_hit(locate(item, found.value, cursor), found))
            continue
        written = raw_text(item)
        if written is None:
            continue
        base, text = written
        for found in find_in_text(text):
            assert item.source is not None
            hits.append(_command_hit(node_at(item.source, base + found.start, base + found.end, found.value, item.path), found))
    return hits


# ---------------------------------------------------------------------------------------------
# Templates


def _resources(root: Node, rtype: str) -> list[tuple[str, Mapping]]:
    resources = _get(root, "Resources")
    out: list[tuple[str, Mapping]] = []
    if not isinstance(resources, Mapping):
        return out
    for key, resource in resources.items():
        if isinstance(resource, Mapping) and _text(resource.get("Type")) == rtype:
            props = resource.get("Properties")
            if isinstance(props, Mapping):
                out.append((key.text, props))
    return out


def parameters(root: Node) -> Mapping | None:
    """The template's ``Parameters`` mapping, if any."""
    params = _get(root, "Parameters")
    return params if isinstance(params, Mapping) else None


def _no_echo(param: Mapping) -> bool:
    flag = param.get("NoEcho")
    return isinstance(flag, Scalar) and str(flag.value).lower() == "true"


def credential_property(node: Node | None, root: Node | None, label: str, fix: str) -> list[Hit]:
    """A credential property: a literal value, or a ``!Ref`` to a parameter without ``NoEcho``."""
    hits: list[Hit] = []
    for alt in _alternatives(node):
        scalar = _literal(alt)
        if scalar is not None:
            value = scalar.value
            if not looks_like_credential(value):
                continue
            hits.append(Hit(locate(scalar, value), value,
                            f"{label} is a literal ({redact(value)}): it is committed with the file and readable by everyone who can see "
                            f"the repository or the deployed configuration; {fix}, and rotate the exposed value", fix))
            continue
        if intrinsic(alt) != "Ref" or root is None:
            continue
        target = intrinsic_arg(alt)
        name = _text(target)
        params = parameters(root)
        param = params.get(name) if params is not None and name else None
        if not isinstance(param, Mapping):
            continue
        ssm_typed = (_text(param.get("Type")) or "").startswith("AWS::SSM::Parameter::Value")
        default = None if ssm_typed else _literal(param.get("Default"))
        if default is not None and looks_like_credential(default.value):
            hits.append(Hit(locate(default, default.value), default.value,
                            f"parameter `{name}`, used as {label}, has a literal `Default` ({redact(default.value)}), so the secret "
                            f"is in the template; remove the default and {fix}", fix))
        elif not _no_echo(param):
            hits.append(Hit(alt, None,
                            f"{label} comes from parameter `{name}`, which lacks `NoEcho: true`, so CloudFormation shows the value "
                            f"in the console and API; add `NoEcho: true`, or better {fix}", "add `NoEcho: true` to the parameter"))
    return hits


def codebuild_env(root: Node) -> list[Hit]:
    """``AWS::CodeBuild::Project`` PLAINTEXT environment variables holding secrets."""
    hits: list[Hit] = []
    for logical, props in _resources(root, "AWS::CodeBuild::Project"):
        for environment in _alternatives(props.get("Environment")):
            for item in _items(_get(environment, "EnvironmentVariables")):
                if not isinstance(item, Mapping):
                    continue
                type_node = item.get("Type")
                type_text = _text(type_node)
                if type_node is not None and (type_text is None or type_text.upper() != "PLAINTEXT"):
                    continue
                name = _text(item.get("Name")) or ""
                scalar = _literal(item.get("Value"))
                if scalar is None:
                    continue
                what = secret_kind(name, scalar.value)
                if what is None:
                    continue
                default = "" if type_node is not None else " (`Type` is omitted, and PLAINTEXT is the default)"
                if _is_aws_credential(name, what):
                    advice = ("remove it: builds get the project's service role credentials, so grant that role the permissions "
                              "instead, and deactivate the exposed key")
                else:
                    advice = ("set `Type: SECRETS_MANAGER` with `Value: <secret-name>:<json-key>` (or `Type: PARAMETER_STORE` "
                              "with a SecureString parameter name), and rotate the exposed value")
                hits.append(Hit(
                    locate(scalar, scalar.value), scalar.value,
                    f"CodeBuild project `{logical}` environment variable `{name}` is PLAINTEXT{default} and holds {what} "
                    f"({redact(scalar.value)}); anyone allowed `codebuild:BatchGetProjects` can read it; {advice}",
                    "delete the key and rely on the project's service role" if _is_aws_credential(name, what)
                    else "use `Type: SECRETS_MANAGER` or `Type: PARAMETER_STORE`",
                ))
    return hits


def source_urls(root: Node) -> list[Hit]:
    """Credentials in CodeBuild ``Source.Location`` / ``SecondarySources[].Location`` URLs."""
    hits: list[Hit] = []
    for logical, props in _resources(root, "AWS::CodeBuild::Project"):
        sources = _alternatives(props.get("Source")) + _items(props.get("SecondarySources"))
        for source in sources:
            location = _get(source, "Location")
            for alt in _alternatives(location):
                text = _text(alt)
                if text is None and intrinsic(alt) == "Fn::Sub":
                    text = _text(intrinsic_arg(alt))
                if not text:
                    continue
                cursor = Cursor(alt)
                for found in find_in_text(text):
                    if found.pattern.kind not in ("url-credentials", "url-token-user"):
                        continue
                    hits.append(Hit(
                        locate(alt, found.value, cursor), found.value,
                        f"CodeBuild project `{logical}` source URL embeds credentials ({redact(found.value)}); they are stored in the "
                        "project and shown to anyone who can read it; connect the repository with a CodeStar connection "
                        "(`Auth: {Type: CODECONNECTIONS}`) or an `AWS::CodeBuild::SourceCredential` whose token is read from "
                        "Secrets Manager, and rotate the exposed token",
                        "remove the credentials from the URL and use a CodeStar connection or a SourceCredential",
                    ))
    return hits


_RESOLVE_FIX = "read it with a dynamic reference such as `'{{resolve:secretsmanager:my/secret:SecretString:token}}'`"


def source_credentials(root: Node) -> list[Hit]:
    """``AWS::CodeBuild::SourceCredential`` tokens given as literals or echoing parameters."""
    hits: list[Hit] = []
    for logical, props in _resources(root, "AWS::CodeBuild::SourceCredential"):
        hits.extend(credential_property(props.get("Token"), root, f"`{logical}.Token` (a source provider token)", _RESOLVE_FIX))
    return hits


def webhooks(root: Node) -> list[Hit]:
    """``AWS::CodePipeline::Webhook`` secret tokens given as literals or echoing parameters."""
    hits: list[Hit] = []
    for logical, props in _resources(root, "AWS::CodePipeline::Webhook"):
        auth = _get(props, "AuthenticationConfiguration")
        for alt in _alternatives(auth):
            token = _get(alt, "SecretToken")
            hits.extend(credential_property(token, root, f"webhook `{logical}` `SecretToken`",
                                            _RESOLVE_FIX + " and generate a unique token per webhook"))
            hits.extend(_plain_ssm_reference(token, f"webhook `{logical}` `SecretToken`"))
    return hits


_PLAIN_SSM = lazy_regex(r"\{\{resolve:ssm:")


def _plain_ssm_reference(node: Node | None, label: str) -> list[Hit]:
    """A ``{{resolve:ssm:…}}`` reference (a plain String parameter, stored unencrypted);
    ``ssm-secure`` and ``secretsmanager`` references are not reported."""
    hits: list[Hit] = []
    for alt in _alternatives(node):
        inner = intrinsic_arg(alt) if intrinsic(alt) == "Fn::Sub" else alt
        scalar = _literal(inner)
        if scalar is not None and _PLAIN_SSM.search(scalar.value):
            hits.append(Hit(scalar, None, f"{label} is read from a plain Systems Manager `String` parameter "
                            "(`{{resolve:ssm:…}}`), which is stored unencrypted and readable by anyone with `ssm:GetParameter`; "
                            "keep it in Secrets Manager "
                            "(`{{resolve:secretsmanager:…}}`)", "read it with `{{resolve:secretsmanager:…}}`"))
    return hits


# ---------------------------------------------------------------------------------------------
# Pipelines


def _actions(root: Node) -> list[Mapping]:
    out: list[Mapping] = []
    for stage in _items(_get(root, "Stages")):
        for action in _items(_get(stage, "Actions")):
            if isinstance(action, Mapping):
                out.append(action)
    return out


def _action_name(action: Mapping) -> str:
    return _text(_get(action, "Name")) or "?"


# An `aws codepipeline create-pipeline` file is sent to CodePipeline as written: nothing resolves a
# `{{resolve:…}}` reference in it, so the advice for a CloudFormation template would send the
# reference text to GitHub as the token.
_CLI_OAUTH_FIX = ("use a CodeStar connection instead of the GitHub (version 1) OAuth action (`Provider: CodeStarSourceConnection` "
                  "with a `ConnectionArn`), or fill the token in at deploy time from Secrets Manager and keep it out of the file")


def oauth_tokens(root: Node, template_root: Node | None, cli: bool = False) -> list[Hit]:
    """GitHub (version 1) source actions whose ``OAuthToken`` is a literal or an echoing parameter.

    ``cli``: the actions are in an ``aws codepipeline`` JSON file, where only CodePipeline's own
    means (a CodeStar connection) or a deploy-time fill-in keep the token out of the file."""
    hits: list[Hit] = []
    for action in _actions(root):
        type_id = _get(action, "ActionTypeId")
        provider = _text(_get(type_id, "Provider"))
        if provider != "GitHub":
            continue
        config = _get(action, "Configuration")
        token = None
        if isinstance(config, Mapping):
            pair = config.get_ci("OAuthToken")
            token = pair[1] if pair else None
        label = f"GitHub source action `{_action_name(action)}` `OAuthToken`"
        fix = _CLI_OAUTH_FIX if cli else (_RESOLVE_FIX + "; better, replace the GitHub (version 1) OAuth action with a CodeStar "
                                          "connection (`Provider: CodeStarSourceConnection` with a `ConnectionArn`)")
        hits.extend(credential_property(token, template_root, label, fix))
    return hits


def pipeline_env(root: Node) -> list[Hit]:
    """PLAINTEXT action environment variables holding secrets (also CodeBuild's JSON string)."""
    hits: list[Hit] = []
    for action in _actions(root):
        name = _action_name(action)
        for item in _items(_get(action, "EnvironmentVariables")):
            if not isinstance(item, Mapping):
                continue
            type_text = _text(_get(item, "Type"))
            if type_text is not None and type_text.upper() != "PLAINTEXT":
                continue
            var = _text(_get(item, "Name")) or ""
            scalar = _literal(_get(item, "Value"))
            what = secret_kind(var, scalar.value) if scalar is not None else None
            if scalar is not None and what is not None:
                hits.append(Hit(locate(scalar, scalar.value), scalar.value,
                                f"action `{name}` environment variable `{var}` is PLAINTEXT and holds {what} ({redact(scalar.value)}); "
                                "set `Type: SECRETS_MANAGER` with the secret's name as `Value`, and rotate the exposed value",
                                "use `Type: SECRETS_MANAGER`"))
        config = _get(action, "Configuration")
        raw = _get(config, "EnvironmentVariables")
        for alt in _alternatives(raw):
            text = _text(alt)
            if text is None and intrinsic(alt) == "Fn::Sub":
                arg = intrinsic_arg(alt)
                text = _text(leading_arg(arg))
            if not text or "[" not in text:
                continue
            try:
                entries = json.loads(text)
            except ValueError:
                continue
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                kind = str(entry.get("type", "PLAINTEXT")).upper()
                value = entry.get("value")
                var = str(entry.get("name", ""))
                if kind != "PLAINTEXT" or not isinstance(value, str):
                    continue
                what = secret_kind(var, value)
                if what is None:
                    continue
                hits.append(Hit(locate(alt, value), value,
                                f"CodeBuild action `{name}` passes `{var}` as a PLAINTEXT environment variable holding {what} "
                                f"({redact(value)}) in `Configuration.EnvironmentVariables`; use `\"type\": \"SECRETS_MANAGER\"` "
                                "(value: the secret's name) or `\"type\": \"PARAMETER_STORE\"`, and rotate the exposed value",
                                "use `\"type\": \"SECRETS_MANAGER\"`"))
    return hits


# ---------------------------------------------------------------------------------------------
# What the structural rules report, for the token scan


def inline_buildspec_roots(root: Node) -> list[Node]:
    """The parsed roots of every inline ``BuildSpec`` of the template's CodeBuild projects."""
    from pipelint.extract.embedded import load_embedded, string_of

    out: list[Node] = []
    for _, props in _resources(root, "AWS::CodeBuild::Project"):
        source = props.get("Source")
        if not isinstance(source, Mapping):
            continue
        scalar = string_of(source.get("BuildSpec"))
        key = source.key_node("BuildSpec")
        if scalar is None or key is None or "\n" not in scalar.value.strip():
            continue
        try:
            loaded = load_embedded(scalar, key)
        except Exception:  # an unreadable inline buildspec has nothing to claim
            continue
        out.extend(r for r in loaded.roots if isinstance(r, Mapping))
    return out


def _shared(holder: Document, name: str, node: Node, build: Callable[[], list[Hit]]) -> list[Hit]:
    """``build()``, once per document and node: the SEC rule that reports these hits and the
    token scan (which asks which values they claim) read the same nodes, so they share one list."""
    return holder.cached(f"secret-hits:{name}:{id(node)}", build)


def buildspec_env_hits(doc: Document, root: Node | None = None) -> list[Hit]:
    """:func:`buildspec_env` of the document's root (or of ``root``, a buildspec inside it), built once."""
    node = doc.root if root is None else root
    return _shared(doc, "buildspec-env", node, lambda: buildspec_env(node))


def buildspec_command_hits(doc: Document, root: Node | None = None) -> list[Hit]:
    """:func:`buildspec_commands` of the document's root (or of ``root``), built once."""
    node = doc.root if root is None else root
    return _shared(doc, "buildspec-commands", node, lambda: buildspec_commands(node))


def codebuild_env_hits(doc: Document) -> list[Hit]:
    """:func:`codebuild_env` of a template document, built once."""
    return _shared(doc, "codebuild-env", doc.root, lambda: codebuild_env(doc.root))


def source_url_hits(doc: Document) -> list[Hit]:
    """:func:`source_urls` of a template document, built once."""
    return _shared(doc, "source-urls", doc.root, lambda: source_urls(doc.root))


def source_credential_hits(doc: Document) -> list[Hit]:
    """:func:`source_credentials` of a template document, built once."""
    return _shared(doc, "source-credentials", doc.root, lambda: source_credentials(doc.root))


def webhook_hits(doc: Document) -> list[Hit]:
    """:func:`webhooks` of a template document, built once."""
    return _shared(doc, "webhooks", doc.root, lambda: webhooks(doc.root))


def _pipeline_holder(doc: Document) -> tuple[Document, Node | None]:
    """The document that keeps a pipeline's hits (its template's, which the token scan of the
    template reads too; else its own) and the template root its parameters are looked up in."""
    template = doc.context.get("template") if doc.context else None
    if template is not None:
        return template, template.root
    return doc, None


def oauth_token_hits(doc: Document, pipeline: Node | None = None) -> list[Hit]:
    """:func:`oauth_tokens` of a pipeline document (or, in a template document, of the
    ``pipeline`` properties of one of its resources), built once per pipeline."""
    if pipeline is None:
        holder, template_root = _pipeline_holder(doc)
        node = doc.root
    else:
        holder, template_root, node = doc, doc.root, pipeline
    cli = pipeline is None and doc.flavor == "cli"  # an `aws codepipeline` JSON file: its own advice
    return _shared(holder, "oauth-tokens", node, lambda: oauth_tokens(node, template_root, cli=cli))


def pipeline_env_hits(doc: Document, pipeline: Node | None = None) -> list[Hit]:
    """:func:`pipeline_env` of a pipeline document (or of one pipeline of a template), built once per pipeline."""
    if pipeline is None:
        holder, _ = _pipeline_holder(doc)
        node = doc.root
    else:
        holder, node = doc, pipeline
    return _shared(holder, "pipeline-env", node, lambda: pipeline_env(node))


def _claimed(doc: Document) -> set[str]:
    # Only values a *selected* structural rule reports are left to it; when that rule is
    # deselected, SEC009 reports the value instead of nobody reporting it.
    active = doc.context.get("active_rules") if doc.context else None

    def on(code: str) -> bool:
        return active is None or code in active

    hits: list[Hit] = []
    root = doc.root
    if doc.kind == "buildspec":
        hits += (buildspec_env_hits(doc) if on("SEC001") else []) + (buildspec_command_hits(doc) if on("SEC008") else [])
    elif doc.kind == "pipeline":
        hits += oauth_token_hits(doc) if on("SEC003") else []
        hits += pipeline_env_hits(doc) if on("SEC006") else []
    elif doc.kind == "template":
        hits += codebuild_env_hits(doc) if on("SEC002") else []
        hits += source_url_hits(doc) if on("SEC007") else []
        hits += source_credential_hits(doc) if on("SEC004") else []
        hits += webhook_hits(doc) if on("SEC005") else []
        for _, props in _resources(root, "AWS::CodePipeline::Pipeline"):
            hits += (oauth_token_hits(doc, props) if on("SEC003") else []) + (pipeline_env_hits(doc, props) if on("SEC006") else [])
        for inline in inline_buildspec_roots(root):
            hits += (buildspec_env(inline) if on("SEC001") else []) + (buildspec_commands(inline) if on("SEC008") else [])
    return {hit.secret for hit in hits if hit.secret}


def claimed(doc: Document) -> set[str]:
    """The secret values the structural rules report for this document (cached)."""
    return doc.cached("secrets-claimed", lambda: _claimed(doc))
