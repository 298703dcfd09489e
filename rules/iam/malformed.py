"""IAM008–IAM009: statements AWS rejects, and actions that do not exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pipelint.api import Document, Mapping, Report, Scalar, Sequence, did_you_mean, intrinsic, rule
from pipelint.models.policy import Statement, Value, policy_of

from . import _actions
from ._renames import API_ACTIONS, LEGACY
from ._util import clip, resource_is_implicit, where

_ACTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*:[A-Za-z0-9*?_-]+$")
_SID = re.compile(r"^[A-Za-z0-9]*$")
_VERSIONS = ("2012-10-17", "2008-10-17")


def _arn_problem(value: Value) -> str | None:
    """Why a ``Resource`` value is not a valid ARN (or ``*``), or ``None``."""
    if value.form not in ("literal", "sub") or value.text is None:
        return None
    text = value.text
    if text == "*" or (value.form == "sub" and text.startswith("${")):
        return None
    shape = value.shape() or ""
    if not shape.startswith("arn:"):
        if value.form == "literal":
            return "is neither `*` nor an ARN; write `arn:<partition>:<service>:<region>:<account>:<resource>`"
        return None
    parts = shape.split(":", 5)
    # A short ARN whose last part is a wildcard (`arn:aws:logs:*`) is accepted by IAM: the
    # wildcard matches the missing fields too, and such statements are deployed widely.
    if len(parts) < 6:
        if parts[-1].endswith("*"):
            return None
        return (f"has {len(parts)} of the 6 colon-separated parts of an ARN (`arn:partition:service:region:account:resource`); "
                "keep the empty region/account fields, e.g. `arn:aws:s3:::my-bucket/*`")
    if not parts[1] or not parts[2]:
        return "has an empty partition or service field; write e.g. `arn:aws:s3:::my-bucket/*`"
    if not parts[5]:
        return "has an empty resource part; name the resource (or `*`) after the fifth colon"
    return None


_TEMPLATE_REFERENCE = re.compile(r"\$\{([A-Za-z0-9.]+|AWS::[A-Za-z]+)\}")


def _unsubstituted(value: Value, doc: Document) -> bool:
    """A plain string in a template holding ``${Logical}``/``${X.Arn}``/``${AWS::…}``: ``!Sub`` is missing.

    IAM policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``, ``${*}``) are meant
    to reach IAM as written and are not reported."""
    return doc.parent is not None and value.form == "literal" and _TEMPLATE_REFERENCE.search(value.text or "") is not None


@rule("IAM008", "malformed-policy", severity="error", kinds=("policy",), security_severity=5.0)
def malformed_policy(doc: Document, config: dict) -> Iterator[Report]:
    """A policy statement is malformed: IAM rejects it (error), or it silently does not do what it says (warning).

    AWS behaviour: IAM (``CreatePolicy``, ``PutRolePolicy``, ``CreateRole``…) refuses the document
    with ``MalformedPolicyDocument`` when the policy is created, so CloudFormation fails the
    resource with that error and rolls the stack back (other resources may already have been
    created); S3, SNS, SQS and KMS refuse a malformed resource policy the same way
    (``MalformedPolicy``). Each check, with the message AWS returns as observed from
    ``aws iam create-policy``/``put-role-policy`` and as listed as an *Error* finding in the IAM
    User Guide's "IAM Access Analyzer policy check reference" (the validator the IAM console
    runs before saving). Source: that reference, and the responses of ``aws iam create-policy``:

    * ``Version`` other than ``2012-10-17``/``2008-10-17``: "The policy failed legacy parsing"
      (Access Analyzer: Invalid version);
    * no ``Statement`` (Missing statement); a statement that is not a mapping (Json syntax error);
    * ``Effect`` missing or other than exactly ``Allow``/``Deny`` (Missing effect, Invalid effect);
    * neither ``Action`` nor ``NotAction``: "Policy statement must contain actions." (Missing
      action); both ``Action`` and ``NotAction`` or both ``Resource`` and ``NotResource``
      (Invalid policy element);
    * no ``Resource`` in an identity or resource policy: "Policy statement must contain
      resources." (Missing resource); ``Resource`` in a trust policy: "Has prohibited field
      Resource";
    * ``Principal`` in an identity policy: "Policy document should not specify a principal.";
      none in a resource or trust policy: "Missing required field Principal" (Missing principal);
      a principal that is neither ``*`` nor a typed mapping, or a service principal without a
      domain (Invalid principal format: "Invalid principal in policy");
    * an action not of the form ``service:Action``: "Actions/Conditions must be prefaced by a
      vendor, e.g., iam, sdb, ec2, etc." (Invalid action);
    * a resource that is neither ``*`` nor a six-part ARN: "Resource … must be in ARN format or
      \"*\"." (Invalid ARN resource);
    * a ``Sid`` with characters other than letters and digits, or used twice in one IAM policy:
      "Statement IDs (SID) must be alpha-numeric." and "Statement IDs (SID) in a single policy
      must be unique." (Unique Sids required).

    Reported as a warning, because AWS accepts it: a plain string holding a template reference
    (``arn:aws:s3:::${ArtifactBucket}/*`` without ``!Sub``). IAM stores it literally and it
    matches no resource, so the permission (or the ``Deny``) silently never applies. IAM policy
    variables such as ``${aws:username}`` are meant to be written that way and are not reported.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: allow
                    Action: s3.GetObject
                    Resource: arn:aws:s3:::${ArtifactBucket}/*

    Fixed::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: s3:GetObject
                    Resource: !Sub arn:aws:s3:::${ArtifactBucket}/*

    """
    policy = policy_of(doc)
    root = policy.root
    if not isinstance(root, Mapping):
        return
    if policy.version is not None and policy.version.text not in _VERSIONS:
        yield Report(policy.version, f"policy `Version` is `{policy.version.text}`; IAM accepts only `2012-10-17` (current) or `2008-10-17`",
                     fix='write `Version: "2012-10-17"`')
    if policy.statement_node is None:
        yield Report(root, "policy has no `Statement`; IAM rejects a policy without statements", fix="add a `Statement` list")
        return
    if isinstance(policy.statement_node, Sequence):
        for item in policy.statement_node.items:
            if isinstance(item, Scalar) or isinstance(item, Sequence):
                yield Report(item, "each `Statement` entry must be a mapping with `Effect`, `Action` and `Resource`", fix="write the statement as a mapping")
    sids: dict[str, Scalar] = {}
    for stmt in policy.statements:
        yield from _statement_problems(doc, stmt, sids)


def _statement_problems(doc: Document, stmt: Statement, sids: dict[str, Scalar]) -> Iterator[Report]:
    node = stmt.node
    iam_policy = doc.flavor in ("identity", "trust")
    sid_node = node.get("Sid")
    if iam_policy and isinstance(sid_node, Scalar) and isinstance(sid_node.value, str):
        if not _SID.match(sid_node.value):
            yield Report(sid_node, f"`Sid` `{sid_node.value}` must contain only letters and digits in an IAM policy; IAM rejects it",
                         fix="remove spaces, dashes and underscores from the Sid")
        elif sid_node.value and sid_node.value in sids:
            yield Report(sid_node, f"`Sid` `{sid_node.value}` is used twice in this policy; IAM requires unique statement ids",
                         fix="rename one of the statements")
        sids.setdefault(sid_node.value, sid_node)
    if stmt.effect is None:
        if stmt.effect_key is None:
            yield Report(node, "statement has no `Effect`; add `Effect: Allow` or `Effect: Deny`", fix="add `Effect: Allow`")
        elif intrinsic(node.get("Effect")) is None:
            yield Report(stmt.effect_key, "`Effect` must be the string `Allow` or `Deny`", fix="write `Effect: Allow`")
    elif stmt.effect_text not in ("Allow", "Deny"):
        text = stmt.effect.text
        best = did_you_mean(text, ["Allow", "Deny"])
        hint = f"write `{best}`" if best else "write `Allow` or `Deny`"
        yield Report(stmt.effect, f"`Effect: {clip(text)}` is invalid: IAM accepts exactly `Allow` or `Deny` (case-sensitive); {hint}", fix=hint)
    if stmt.action is None and stmt.not_action is None:
        yield Report(node, "statement has neither `Action` nor `NotAction`; IAM rejects it", fix="add the `Action` list")
    elif stmt.action is not None and stmt.not_action is not None:
        yield Report(stmt.not_action.key, "statement has both `Action` and `NotAction`; IAM allows only one", fix="keep only `Action`")
    if stmt.resource is not None and stmt.not_resource is not None:
        yield Report(stmt.not_resource.key, "statement has both `Resource` and `NotResource`; IAM allows only one", fix="keep only `Resource`")
    if doc.flavor == "trust":
        for element in (stmt.resource, stmt.not_resource):
            if element is not None:
                yield Report(element.key, f"a trust policy must not have `{element.key.text}` (the role itself is the resource); IAM rejects it",
                             fix=f"remove `{element.key.text}`")
    elif stmt.resource is None and stmt.not_resource is None and not resource_is_implicit(doc):
        yield Report(node, f"statement in {where(doc)} has no `Resource`; IAM rejects it — name the ARNs the actions apply to",
                     fix="add `Resource` with the ARNs (or `*` for actions that need it)")
    principal = stmt.principal or stmt.not_principal
    if doc.flavor == "identity" and principal is not None:
        yield Report(principal.key, f"an identity policy must not have `{principal.key.text}` (it applies to whoever it is attached to); "
                     "IAM rejects it — move the statement to a resource or trust policy, or remove the element",
                     fix=f"remove `{principal.key.text}`")
    elif doc.flavor in ("resource", "trust") and principal is None:
        yield Report(node, "statement in a resource or trust policy has no `Principal`; name who the statement applies to",
                     fix="add `Principal`")
    for element in (stmt.action, stmt.not_action):
        for value in element.values if element else ():
            if value.form == "invalid":
                yield Report(value.node, "an action must be a string such as `s3:GetObject`", fix="write the action as a string")
            elif value.form == "literal" and value.text != "*" and not _ACTION.match(value.text or ""):
                yield Report(value.node, f"`{clip(value.text)}` is not an action: write `<service>:<Action>`, e.g. `s3:GetObject`",
                             fix="use the `service:Action` form")
    for element in (stmt.resource, stmt.not_resource):
        for value in element.values if element else ():
            if value.form == "invalid":
                yield Report(value.node, "a resource must be an ARN string or `*`", fix="write the ARN as a string")
                continue
            if _unsubstituted(value, doc):
                yield Report(value.node, f"`{clip(value.text)}` holds `${{…}}` but is a plain string, so IAM receives it literally and it matches nothing; "
                             "write it with `!Sub`", fix="prefix the value with `!Sub`", severity="warning")
                continue
            problem = _arn_problem(value)
            if problem:
                yield Report(value.node, f"resource `{clip(value.text)}` {problem}", fix="write a full ARN or `*`")
    for holder in (stmt.principal, stmt.not_principal):
        for item in holder.principals if holder else ():
            value = item.value
            if item.type == "?" and holder is not None:
                yield Report(value.node, f"`{holder.key.text}` must be `\"*\"` or a mapping such as `{{AWS: <arn>}}` or `{{Service: <name>}}`",
                             fix="write e.g. `Principal: {AWS: arn:aws:iam::123456789012:role/name}`")
            elif item.type == "Service" and value.literal and value.text and "." not in value.text:
                yield Report(value.node, f"service principal `{clip(value.text)}` is not a service name; write e.g. `{clip(value.text)}.amazonaws.com`",
                             fix="use the service's principal name")
            elif item.type == "AWS" and _unsubstituted(value, doc):
                yield Report(value.node, f"`{clip(value.text)}` holds `${{…}}` but is a plain string; write it with `!Sub`",
                             fix="prefix the value with `!Sub`", severity="warning")


@rule("IAM009", "unknown-action", severity="warning", kinds=("policy",), security_severity=3.0)
def unknown_action(doc: Document, config: dict) -> Iterator[Report]:
    """An action names a service prefix or an action that does not exist.

    Why: IAM accepts unknown actions silently, so a typo (``s3:GetObjects``,
    ``codebuild:StartBuilds``) grants nothing, and the deploy fails later with AccessDenied,
    or a ``Deny`` you rely on never applies. Actions are checked against the bundled action
    table (from the AWS Service Authorization Reference), compared case-insensitively as IAM
    does (``S3:getobject`` is ``s3:GetObject``); if AWS added the action after this pipelint
    release, refresh the table or suppress the finding.

    Suggestions are facts or near-certain typos, never a guess by spelling alone:

    * an API operation's name written as an action gets the IAM action that authorizes it
      (``s3:ListObjects`` → ``s3:ListBucket``, ``s3:PutBucketEncryption`` →
      ``s3:PutEncryptionConfiguration``, ``sts:PassRole`` → ``iam:PassRole``, sources in
      ``rules/iam/_renames.py``);
    * otherwise only an action at most two edits away, starting with the same verb and of the
      same access level (a read is never "corrected" into a write or a delete);
    * actions that left the reference but that AWS still honours (``sso:GetPermissionsPolicy``,
      ``sso:DescribePermissionsPolicies``) are valid legacy actions and not reported;
    * actions that an AWS CloudFormation resource handler needs are real even where the Service
      Authorization Reference omits them or is newer than the bundled table, and are not
      reported: ``sso:UpdateApplicationProfileForAWSAccountInstance`` is in the ``create`` handler
      permissions of ``AWS::SSO::InstanceAccessControlAttributeConfiguration``. Every resource
      provider schema lists, per handler, the IAM permissions it calls (``handlers.*.permissions``,
      required by the provider definition meta-schema,
      https://schema.cloudformation.us-east-1.amazonaws.com/provider.definition.schema.v1.json;
      CloudFormation CLI User Guide, https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html).
      The list is bundled as ``iam_cfn_actions.json`` (``scripts/refresh_cfn_actions.py``). Some
      schemas name an API instead of its action (``s3:ListObjects``) or misspell one
      (``ec2:DescribeSecurityGroup``), so the API-name check comes first, and a name within typo
      distance of a listed action (the "did you mean" test below) is still reported.

    Failing::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action:
                      - s3:GetObjects
                      - codebiuld:StartBuild
                    Resource: "*"

    Fixed::

        Resources:
          BuildPolicy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action:
                      - s3:GetObject
                      - codebuild:StartBuild
                    Resource: "*"

    """
    table = _actions.table()
    if not table:
        return
    # Suggestions cost a comparison against every known name; a policy of thousands of made-up
    # names would spend seconds on hints nobody reads (at most 100 findings of a rule are shown).
    hints_left = HINTS_PER_DOCUMENT
    for stmt in policy_of(doc).statements:
        for element in (stmt.action, stmt.not_action):
            for value in element.values if element else ():
                full = value.text or ""
                if value.form != "literal" or not _ACTION.match(full):
                    continue
                text = clip(full)
                prefix, _, name = full.partition(":")
                lowered = full.lower()
                if lowered in LEGACY:
                    continue
                mapped = API_ACTIONS.get(lowered)
                if mapped is not None:
                    target, why = mapped
                    yield Report(value.node, f"`{text}` is not an IAM action: {why}; write `{target}`", fix=f"write `{target}`")
                    continue
                if _actions.cloudformation_needs(lowered) and close_action(prefix.lower(), name) is None:
                    continue  # a handler needs it; not a near-typo of a listed action (schemas have typos too)
                service = table.get(prefix.lower())
                if service is None:
                    if "*" in prefix or "?" in prefix:
                        continue
                    hints_left -= 1
                    hint = _close_prefix(prefix) if len(prefix) <= 64 and hints_left >= 0 else None
                    yield Report(value.node, f"`{clip(prefix)}` in `{text}` is not an IAM service prefix" + (f"; did you mean `{hint}:{clip(name)}`?" if hint else ""),
                                 fix=f"use `{hint}`" if hint else "check the service prefix in the Service Authorization Reference")
                elif "*" in name or "?" in name:
                    if not _actions.expand(full):
                        yield Report(value.node, f"`{text}` matches no `{prefix}` action", fix="fix the action pattern")
                elif name.lower() not in service:
                    hints_left -= 1
                    hint = close_action(prefix.lower(), name) if len(name) <= 128 and hints_left >= 0 else None
                    yield Report(value.node, f"`{text}` is not a known `{prefix}` action" + (f"; did you mean `{hint}`?" if hint else ""),
                                 fix=f"write `{hint}`" if hint else "check the action name in the Service Authorization Reference")


# Unknown names of one document that get a "did you mean" (more than the findings ever shown).
HINTS_PER_DOCUMENT = 200


@lru_cache(maxsize=1024)
def _close_prefix(prefix: str) -> str | None:
    """The known service prefix closest to a misspelt one (the same typos recur across files)."""
    if len(prefix) > 64:
        return None  # no prefix is that long; spare difflib a hostile string
    return did_you_mean(prefix, list(_actions.table()))


# Leading verbs of action names, by the access level they imply (longest first when matching).
_READ_VERBS = ("batchget", "describe", "get", "list", "head", "search", "lookup", "view", "read", "query", "scan", "select",
               "check", "validate", "simulate", "preview", "download", "test")
_WRITE_VERBS = ("put", "create", "delete", "update", "set", "attach", "detach", "add", "remove", "tag", "untag", "start", "stop",
                "run", "invoke", "publish", "send", "register", "deregister", "associate", "disassociate", "enable", "disable",
                "modify", "upload", "execute", "cancel", "reset", "import", "export", "pass", "assume", "replace", "restore",
                "terminate", "reboot", "retry", "complete", "initiate", "abort", "batchdelete", "batchput", "copy", "encrypt",
                "decrypt", "generate", "sign", "schedule", "rotate", "revoke", "authorize", "change", "apply", "accept", "reject")
_VERBS = tuple(sorted(_READ_VERBS + _WRITE_VERBS, key=len, reverse=True))


def _verb(name: str) -> str | None:
    """The leading verb of an action name (``getobjects`` → ``get``), if it is a known one."""
    lowered = name.lower()
    return next((v for v in _VERBS if lowered.startswith(v)), None)


@lru_cache(maxsize=1024)
def close_action(prefix: str, name: str) -> str | None:
    """A known action the unknown ``prefix:name`` is a near-certain typo of, in AWS's spelling.

    At most two edits away (letters swapped count once), the same leading verb when the name
    starts with a known one, and never of another access level than the verb implies: a read
    (``GetProject``) is not "corrected" into a delete (``DeleteProject``).
    """
    wanted = name.lower()
    verb = _verb(wanted)
    best: tuple[int, int, str] | None = None  # (edits, place in the table, action): the first closest
    by_length = _by_length(prefix)
    for place, candidate, level, candidate_verb in (c for size in range(len(wanted) - 2, len(wanted) + 3) for c in by_length.get(size, ())):
        if verb is not None:
            if candidate_verb != verb:
                continue
            if (level in ("R", "L")) != (verb in _READ_VERBS):
                continue
        distance = _edits(wanted, candidate, 2)
        if distance <= 2 and (best is None or (distance, place) < best[:2]):
            best = (distance, place, candidate)
    return _actions.spell(f"{prefix}:{best[2]}") if best else None


@lru_cache(maxsize=64)
def _by_length(prefix: str) -> dict[int, list[tuple[int, str, str, str | None]]]:
    """A service's actions as ``(place in the table, name, access level, leading verb)``, by name
    length: :func:`close_action` reads only the lengths within two edits, verbs found once."""
    grouped: dict[int, list[tuple[int, str, str, str | None]]] = {}
    for place, (candidate, (level, _arn)) in enumerate((_actions.table().get(prefix) or {}).items()):
        grouped.setdefault(len(candidate), []).append((place, candidate, level, _verb(candidate)))
    return grouped


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b``, or ``limit + 1`` once above ``limit``.

    The common beginning and end are skipped first (they cost nothing): an unknown name is
    compared with every action of similar length, and most share a long prefix with it
    (``DescribeInstancez1`` and ``DescribeInstances``), so the table is mostly left unbuilt."""
    start = 0
    shortest = min(len(a), len(b))
    while start < shortest and a[start] == b[start]:
        start += 1
    start = max(0, start - 1)  # keep one equal character: a swap across the cut still counts once
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    end = max(0, end - 1)
    a, b = a[start:len(a) - end], b[start:len(b) - end]
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
