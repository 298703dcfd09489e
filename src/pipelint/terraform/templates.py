"""Files that Terraform renders with ``templatefile()`` before anyone reads them as YAML.

A buildspec such as ``ci/buildspec.yml.tftpl`` or ``ci/buildspec-tpl.yml`` read through
``templatefile("${path.module}/ci/buildspec-tpl.yml", {…})`` may hold template directives
(``%{ if … }``, ``%{ for … }``, ``%{ endif }``) that are not YAML: CodeBuild receives what
Terraform renders, never this text. When a buildspec-named file fails to load as YAML at such a
directive, and a ``.tf`` file of its folder or of a folder above it (inside the project, at most
:data:`MAX_LEVELS` up, at most :data:`MAX_FILES` files of at most :data:`MAX_BYTES` each, no
symbolic link) calls ``templatefile(`` with the file's name, the file is a template, not a
broken buildspec: it is not linted on its own (the project that renders it treats it as
unknown), and a ``PL014`` note says so when the file is named on the command line.
"""

from __future__ import annotations

import os
import re

MAX_LEVELS = 3
MAX_FILES = 64
MAX_BYTES = 1_000_000
# A template directive (`%{ if x }`, `%{~ for a in b ~}`, `%{ endfor }`); `%%{` is an escape.
_DIRECTIVE = re.compile(r"(?<!%)%\{~?[ \t]*(?:if|for|else|endif|endfor)\b")


def has_directive(line: str) -> bool:
    """Whether a line holds a Terraform template directive (not the ``%%{`` escape)."""
    return _DIRECTIVE.search(line) is not None


def rendered_by_terraform(path: str, text: str, error_line: int, root: str) -> bool:
    """Whether the file at ``path``, which failed to load as YAML at ``error_line``, is a
    ``templatefile()`` template: a directive on that line, and a ``.tf`` file nearby naming it."""
    from ..load.nodes import Source

    lines = Source(path, text, "yaml").lines  # numbered as the YAML loader numbered error_line
    if not 1 <= error_line <= len(lines) or not has_directive(lines[error_line - 1]):
        return False
    name = os.path.basename(path)
    folder = os.path.dirname(os.path.abspath(path))
    root = os.path.abspath(root)
    read = 0
    for _level in range(MAX_LEVELS + 1):
        if os.path.commonpath([folder, root]) != root:
            return False  # never read outside the project
        try:
            entries = sorted((e for e in os.scandir(folder) if e.name.endswith(".tf") and e.is_file(follow_symlinks=False)),
                             key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            if read >= MAX_FILES:
                return False
            read += 1
            if _names_template(entry.path, name):
                return True
        if folder == root:
            return False
        folder = os.path.dirname(folder)
    return False


def _names_template(tf_path: str, name: str) -> bool:
    try:
        if os.path.getsize(tf_path) > MAX_BYTES:
            return False
        with open(tf_path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(MAX_BYTES)
    except OSError:
        return False
    start = text.find("templatefile(")
    while start >= 0:
        call = text[start:start + 400]
        end = call.find(")")
        if name in (call if end < 0 else call[:end + 1]):
            return True
        start = text.find("templatefile(", start + 1)
    return False
