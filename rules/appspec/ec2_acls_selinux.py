"""AS125–AS127: ACL entries and SELinux contexts in EC2/on-premises ``permissions``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelint.api import Document, Mapping, Report, Scalar, rule
from pipelint.models.appspec import AGENT, is_empty, items_of, show, shown

from .ec2_permissions import permission_entries

_ACL_TYPES = ("u", "user", "g", "group", "m", "mask", "o", "other")
_PERMS = re.compile(r"^(?:[rwx-]{1,3}|[0-7])$")
_RANGE = re.compile(r"^s(\d+)(?:-s(\d+))?(?::(c\d+(?:\.c\d+)?(?:,c\d+(?:\.c\d+)?)*))?$", re.ASCII)


def acl_problem(entry: str) -> str | None:
    """What the agent says about an ACL entry, or ``None`` if it accepts it."""
    parts = entry.split(":")
    if len(parts) == 4:
        if parts[0] not in ("d", "default"):
            return f"Invalid acl entry ({entry})"
        parts = parts[1:]
        default = True
    else:
        default = False
    if len(parts) != 3 or parts[0] not in _ACL_TYPES:
        return f"Invalid acl entry ({entry})"
    kind, name, perms = parts
    if not default and not name and kind in ("u", "user", "g", "group"):
        return f"Use mode to set the base acl entry ({entry})"
    if not _PERMS.match(perms):
        bad = next((c for c in perms if c not in "rwx-01234567"), perms[:1] or " ")
        return f"the access control list (ACL) named {entry} … contains an invalid character ({bad})"
    return None


@rule("AS125", "ec2-permission-acl", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_permission_acl(doc: Document, config: dict) -> Iterator[Report]:
    """Each ``acls`` entry must have the form ``[d[efault]:]u[ser]|g[roup]|m[ask]|o[ther]:name:perms``.

    ``perms`` is ``rwx``-style (``r-x``) or one octal digit. The agent rejects anything else
    ("…problem with the acls permission settings … Invalid acl entry (…)"), and rejects a user
    or group entry without a name, which is the base entry that ``mode`` sets ("Use mode to set
    the base acl entry").

    AWS behaviour: the agent's AclInfo/AceInfo raise "…problem with the acls permission settings …
    Invalid acl entry (…)", "…Use mode to set the base acl entry (…)" or "…contains an invalid
    character (…)" at parse time. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/acl_info.rb, ace_info.rb.

    Failing::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            acls:
              - "u::rwx"
              - "www-data:rx"

    Fixed::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            mode: 755
            acls:
              - "u:www-data:r-x"
    """
    for entry in permission_entries(doc):
        for item in items_of(entry.get("acls")):
            if isinstance(item, Scalar) and isinstance(item.value, str):
                problem = acl_problem(item.value.strip())
                if problem is None:
                    continue
            else:
                problem = f"Invalid acl entry ({shown(item)})"
            yield Report(item, f"ACL entry {show(item)} is invalid; {AGENT} \"…problem with the acls permission settings … {problem}\"; "
                         "write `u:NAME:rwx`, `g:NAME:r-x` or `d:u:NAME:rwx` (set the base entries with `mode`)",
                         fix="write `u:NAME:PERMS` or `g:NAME:PERMS`")


def _magnitude(digits: str) -> tuple[int, str]:
    """A key that orders decimal digit strings by value, however long (no ``int()``)."""
    significant = digits.lstrip("0")
    return len(significant), significant


def range_problem(text: str) -> str | None:
    """Why an SELinux range is invalid, or ``None``."""
    match = _RANGE.match(text)
    if match is None:
        return "invalid range part"
    low, high, categories = match.groups()
    if high is not None and _magnitude(high) < _magnitude(low):
        return "invalid sensitivity"
    seen: set[int] = set()
    for part in (categories or "").split(",") if categories else []:
        numbers = [c[1:].lstrip("0") or "0" for c in part.split(".")]
        if any(len(n) > 4 for n in numbers):  # compared as text: `c` + 5,000 digits is no int()
            return "invalid category"
        bounds = [int(n) for n in numbers]
        if any(b > 1023 for b in bounds):
            return "invalid category"
        if len(bounds) == 2 and bounds[1] < bounds[0]:
            return "invalid category range"
        values = set(range(bounds[0], bounds[-1] + 1))
        if values & seen:
            return "duplicate categories"
        seen |= values
    return None


@rule("AS126", "ec2-selinux-context-invalid", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_selinux_context_invalid(doc: Document, config: dict) -> Iterator[Report]:
    """An SELinux ``context`` needs a ``type``, and its ``range`` must be a valid MLS range.

    Without ``type`` the agent fails with "…specifies an invalid context type"; a range must read
    ``s<low>[-s<high>][:c<n>[.c<m>][,…]]`` with high ≥ low, categories up to ``c1023``, and no
    category twice, else "…problem with the SELinux range specified (…)".

    AWS behaviour: the agent's ContextInfo/RangeInfo raise "…specifies an invalid context type (…)"
    or "…problem with the SELinux range specified (…)" at parse time. Source:
    aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/context_info.rb, range_info.rb.

    Failing::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            context:
              name: system_u
              range: s0:c1024

    Fixed::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            context:
              name: system_u
              type: httpd_sys_content_t
              range: s0:c0.c1023
    """
    for entry in permission_entries(doc):
        context = entry.get("context")
        key = entry.key_node("context")
        if not isinstance(context, Mapping) or key is None:
            continue
        kind = context.get("type")
        if is_empty(kind) or not isinstance(kind, Scalar):
            target = kind if kind is not None else key
            yield Report(target, f'the SELinux `context` has no `type`; {AGENT} "…specifies an invalid context type"; add '
                         "`type:`, for example `type: httpd_sys_content_t`", fix="add `type`")
        span = context.get("range")
        if isinstance(span, Scalar) and span.value is not None:
            problem = range_problem(span.text.strip())
            if problem:
                yield Report(span, f'SELinux `range` {show(span)} is invalid ({problem}); {AGENT} "…problem with the SELinux range '
                             f'specified ({shown(span)})"; write it as `s0`, `s0-s15` or `s0:c0.c1023`', fix="fix the range")


@rule("AS127", "ec2-selinux-context-user-key", severity="warning", kinds=("appspec",), flavors=("ec2",))
def ec2_selinux_context_user_key(doc: Document, config: dict) -> Iterator[Report]:
    """The SELinux user in ``context`` is read from ``name``; the documented ``user`` key is ignored.

    The AppSpec reference documents ``context.user``, but the CodeDeploy agent reads the SELinux
    user from ``context.name``, so with ``user`` the user is silently not set. This conflict
    between documentation and agent makes it a warning; writing ``name`` works with the agent.

    Failing::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            context:
              user: system_u
              type: httpd_sys_content_t

    Fixed::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            context:
              name: system_u
              type: httpd_sys_content_t
    """
    for entry in permission_entries(doc):
        context = entry.get("context")
        if not isinstance(context, Mapping) or "name" in context:
            continue
        key = context.key_node("user")
        if key is not None:
            yield Report(key, "the agent reads the SELinux user from `name`, not from the documented `user`, so this user is "
                         "not applied; rename `user:` to `name:`", fix="rename `user` to `name`")
