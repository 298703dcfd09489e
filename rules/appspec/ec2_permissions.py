"""AS120–AS124, AS128: the EC2/on-premises ``permissions`` section (objects, modes, types, patterns)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from pipelint.api import Document, Fix, Mapping, Report, Scalar, did_you_mean, rule
from pipelint.fixes.build import plain_scalar_text, replace_node
from pipelint.load.scalars import clip_number
from pipelint.models.appspec import AGENT, appspec_of, is_empty, items_of, show, shown


def permission_entries(doc: Document) -> list[Mapping]:
    """The ``permissions`` entries of a Linux (or unspecified-OS) EC2 AppSpec."""
    spec = appspec_of(doc)
    if spec is None or spec.os == "windows":
        return []
    return [item for item in items_of(spec.root.get("permissions")) if isinstance(item, Mapping)]


@rule("AS120", "ec2-permissions-on-windows", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_permissions_on_windows(doc: Document, config: dict) -> Iterator[Report]:
    """A Windows AppSpec must not have a ``permissions`` section.

    ``permissions`` sets Linux owners, modes, ACLs and SELinux contexts; the agent refuses it
    for Windows Server instances and fails the deployment with "…specifiles file permissions,
    but the deployment is targeting one or more Windows Server instances" (the typo is the
    agent's).

    AWS behaviour: the agent raises AppSpecValidationException "…specifiles file permissions, but
    the deployment is targeting one or more Windows Server instances" when it parses the AppSpec.
    Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_permissions).

    Failing::

        version: 0.0
        os: windows
        permissions:
          - object: C:\\app
            mode: 755

    Fixed (set Windows ACLs in a hook script instead)::

        version: 0.0
        os: windows
        files:
          - source: /
            destination: C:\\app
    """
    spec = appspec_of(doc)
    if spec is None or spec.os != "windows":
        return
    key = spec.root.key_node("permissions")
    if key is not None and items_of(spec.root.get("permissions")):
        yield Report(key, f'`permissions` is Linux-only but `os` is windows; {AGENT} "…specifiles file permissions, but the '
                     'deployment is targeting one or more Windows Server instances"; remove the section and set Windows '
                     "permissions in a hook script", fix="remove `permissions`")


@rule("AS121", "ec2-permission-without-object", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_permission_without_object(doc: Document, config: dict) -> Iterator[Report]:
    """Every ``permissions`` entry needs an ``object``: the path on the instance it applies to.

    Without it the agent fails the deployment with "a permission listed … has no object value".

    AWS behaviour: the agent raises AppSpecValidationException "a permission listed in the
    application specification file has no object value" when it parses the AppSpec. Source:
    aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_permissions).

    Failing::

        permissions:
          - owner: www-data
            mode: 755

    Fixed::

        permissions:
          - object: /var/www/html
            owner: www-data
            mode: 755
    """
    for entry in permission_entries(doc):
        value = entry.get("object")
        if isinstance(value, Scalar) and not is_empty(value):
            continue
        agent = f'{AGENT} "a permission listed … has no object value"'
        stray = next((k for k, _ in entry.items() if k.text != "object" and did_you_mean(k.text, ["object"], cutoff=0.7)), None)
        if stray is not None:
            yield Report(stray, f"`{stray.text}` is not a permissions key (the agent ignores it), so this entry has no `object`; "
                         f"{agent}; rename it to `object`", fix=f"rename `{stray.text}` to `object`")
        elif value is not None and not is_empty(value):
            yield Report(value, f"`object` must be one path, not {show(value)}; {agent}", fix="write one path as `object`")
        else:
            target = value if value is not None else (entry.pairs[0][0] if entry.pairs else entry)
            yield Report(target, f"this `permissions` entry has no `object`; {agent}; add `object:` with the path on the "
                         "instance, for example the `destination` of your `files` entry", fix="add `object`")


def agent_mode(node: Scalar) -> str:
    """The mode text the agent sees: YAML 1.1 turned an unquoted ``0755`` into 493 already."""
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return str(value) if value is not None else ""


def _leading_zero_trap(node: Scalar) -> bool:
    raw = node.raw.strip()
    return node.style == "" and isinstance(node.value, int) and not isinstance(node.value, bool) and len(raw) > 1 and raw.startswith("0") and raw.isdigit()


def _valid(mode: str) -> bool:
    return 1 <= len(mode) <= 4 and all(c in "01234567" for c in mode)


def _strip_zero_fix(node: Scalar) -> Fix | None:
    """``mode: 0755`` → ``mode: 755``: the digits as written, without the leading zeros, which
    YAML reads as the number 755 and the agent as the text ``755``, octal digits as meant.
    Only when the digits left are a mode the agent accepts (1–4 octal digits)."""
    written = plain_scalar_text(node)
    if written is None or not _leading_zero_trap(node):
        return None
    digits = written.lstrip("0")
    if not digits or not _valid(digits):
        return None
    return replace_node(node, digits, f"Write the mode as {digits}")


@rule("AS122", "ec2-permission-mode-invalid", severity="error", kinds=("appspec",), flavors=("ec2",), fixable="safe")
def ec2_permission_mode_invalid(doc: Document, config: dict) -> Iterator[Report]:
    """A permissions ``mode`` must be one to four octal digits, as the agent reads it.

    The agent fails the deployment with "the length of a permissions mode (…) is invalid" or
    "the permissions mode (…) contains an invalid character (…)". The usual cause is YAML: an
    unquoted ``0755`` is read as an octal number, 493, and ``9`` is not an octal digit. Write
    modes without the leading zero, or quote them.

    AWS behaviour: the agent's ModeInfo raises "the length of a permissions mode (…) … is invalid.
    Permissions modes must be between one and four characters long" or "the permissions mode (…)
    contains an invalid character (…)" at parse time. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/mode_info.rb.

    Failing::

        version: 0.0
        os: linux
        permissions:
          - object: /opt/app/run.sh
            mode: 0755

    Fixed::

        version: 0.0
        os: linux
        permissions:
          - object: /opt/app/run.sh
            mode: 755

    Fix: safe, for an unquoted mode with leading zeros (the YAML octal trap): drops the zeros
    (``0755`` → ``755``), which the agent reads as the mode the digits spell.
    """
    for entry in permission_entries(doc):
        node = entry.get("mode")
        if not isinstance(node, Scalar) or node.value is None:
            continue
        mode = agent_mode(node)
        if _valid(mode):
            continue
        trap = ""
        if _leading_zero_trap(node):
            raw = clip_number(node.raw)
            trap = (f"; YAML reads the unquoted `{raw}` as an octal number, so the agent sees `{clip_number(mode)}`: write "
                    f"`mode: {clip_number(node.raw.lstrip('0') or '0')}` or quote it (`mode: \"{raw}\"`)")
        if not 1 <= len(mode) <= 4:
            agent = f'"the length of a permissions mode ({clip_number(mode)}) … is invalid. Permissions modes must be between one and four characters long"'
        else:
            bad = next(c for c in mode if c not in "01234567")
            agent = f'"the permissions mode ({clip_number(mode)}) … contains an invalid character ({bad})"'
        yield Report(node, f"`mode` {show(node)} is not 1–4 octal digits; {AGENT} {agent}{trap or '; write the mode as octal digits, for example `644` or `755`'}",
                     fix="write the mode without a leading zero, e.g. `755`", edit=_strip_zero_fix(node))


@rule("AS123", "ec2-permission-mode-leading-zero", severity="warning", kinds=("appspec",), flavors=("ec2",), fixable="safe")
def ec2_permission_mode_leading_zero(doc: Document, config: dict) -> Iterator[Report]:
    """An unquoted ``mode`` with a leading zero silently becomes another mode.

    YAML reads an unquoted ``0644`` as the octal number 420; the agent then applies mode
    ``420`` (``r---w----``), not ``644``, and the deployment succeeds with the wrong
    permissions. (Values whose decimal form is not valid octal fail instead; see AS122.)

    Failing::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/html
            mode: 0644

    Fixed::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/html
            mode: 644

    Fix: safe. Drops the leading zeros (``0644`` → ``644``), so the agent applies the mode the
    digits spell.
    """
    for entry in permission_entries(doc):
        node = entry.get("mode")
        if not isinstance(node, Scalar) or not _leading_zero_trap(node):
            continue
        mode = agent_mode(node)
        if not _valid(mode) or int(mode, 8) == int(node.raw, 8):
            continue
        intended = node.raw.lstrip("0") or "0"
        raw = clip_number(node.raw)
        # Quoted, the agent reads the text itself: fine for `0755`, too long for `00755`.
        quote = f" or quote it (`mode: \"{node.raw}\"`)" if len(node.raw) <= 4 else ""
        yield Report(node, f"YAML reads the unquoted `{raw}` as the octal number {raw} = {node.value}, so the agent "
                     f"applies mode {mode}, not {intended}; write `mode: {intended}`{quote}",
                     fix=f"write `mode: {intended}`", edit=_strip_zero_fix(node))


@rule("AS124", "ec2-permission-type", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_permission_type(doc: Document, config: dict) -> Iterator[Report]:
    """A permissions ``type`` list may hold only ``file`` and ``directory``.

    Any other value fails the deployment with "a permission for an object type not supported for
    permissions (…)".

    AWS behaviour: the agent raises AppSpecValidationException "…specifies a permission for an
    object type not supported for permissions (…)" at parse time. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (parse_type_list).

    Failing::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            type:
              - files
              - folder

    Fixed::

        version: 0.0
        os: linux
        permissions:
          - object: /var/www/app
            type:
              - file
              - directory
    """
    for entry in permission_entries(doc):
        for item in items_of(entry.get("type")):
            if isinstance(item, Scalar) and item.value in ("file", "directory"):
                continue
            text = item.value if isinstance(item, Scalar) and isinstance(item.value, str) else ""
            best = "directory" if text.lower() in ("dir", "folder", "dirs", "directories", "folders") else did_you_mean(text, ["file", "directory"]) if text else None
            instead = f"write `{best}`" if best else "write `file` or `directory`"
            yield Report(item, f'permissions `type` {show(item)} is not `file` or `directory`; {AGENT} "a permission for an object '
                         f'type not supported for permissions ({shown(item)})"; {instead}', fix=instead)


@rule("AS128", "ec2-permission-file-pattern", severity="warning", kinds=("appspec",), flavors=("ec2",))
def ec2_permission_file_pattern(doc: Document, config: dict) -> Iterator[Report]:
    """A permissions entry whose ``object`` is a file cannot have a ``pattern`` or ``except``.

    ``pattern`` and ``except`` select entries under a directory. For a file the pattern must be
    ``**`` (the default) and ``except`` empty; otherwise the agent fails with "…includes an object
    (…) with an invalid pattern (…)". Whether the object is a file is decided on the instance,
    so this rule guesses from the name (a file extension) and is a warning.

    Failing::

        permissions:
          - object: /etc/myapp/app.conf
            pattern: "*.conf"
            mode: 640

    Fixed::

        permissions:
          - object: /etc/myapp
            pattern: "*.conf"
            mode: 640
    """
    for entry in permission_entries(doc):
        obj = entry.get("object")
        if not isinstance(obj, Scalar) or not isinstance(obj.value, str) or obj.value.rstrip().endswith("/"):
            continue
        name = posixpath.basename(obj.value.strip())
        if "." not in name.strip("."):
            continue
        pattern = entry.get("pattern")
        if isinstance(pattern, Scalar) and pattern.value is not None and pattern.text != "**":
            yield Report(pattern, f"`object` {show(obj)} looks like a file, and a file's `pattern` must be `**`; {AGENT} "
                         f'"…includes an object ({obj.value}) with an invalid pattern ({pattern.text})"; set `object` to the '
                         "folder the pattern applies in, or remove `pattern`", fix="remove `pattern` or use the folder as `object`")
        excluded = entry.get("except")
        if items_of(excluded):
            assert excluded is not None
            yield Report(excluded, f"`object` {show(obj)} looks like a file, and a file's `except` must be empty; set `object` "
                         "to a folder or remove `except`", fix="remove `except`")
