"""Reading buildspec command lines for what a build runs: fetch-and-execute, TLS verification
turned off, webhook-controlled text reaching ``eval`` or ``sh -c``.

Every function reads one physical line in a single pass (``str.split`` and regular expressions
without nested or overlapping repetition), so a hostile buildspec costs time linear in its size.
Findings point at the exact text on the line (inside block scalars and inline buildspecs too).
"""

from __future__ import annotations

import re

from pipelint.api import Mapping, Node, Scalar, Sequence
from pipelint.textutil import lazy_regex

_FETCH = lazy_regex(r"(?:^|[\s;&(`])(curl|wget)(?=\s|$)")
_SHELL_AFTER_PIPE = lazy_regex(r"\s*(?:sudo(?:\s+-\S+)*\s+)?(?:/usr/bin/|/bin/|/usr/local/bin/)?((?:ba|z|k|da)?sh)(?=\s|$|;|\))")
_PROCESS_SUBSTITUTION = lazy_regex(r"(?:(?:ba|z|k)?sh|source|\.)\s+<\(\s*(?:curl|wget)\s[^)\n]*\)?")
_SHELL_C_FETCH = lazy_regex(r"(?:ba|z|k|da)?sh\s+-c\s+[\"']?\$\(\s*(?:curl|wget)\s[^)\n]*\)?")

# curl's short options that take an argument: in a cluster such as `-sSo-`, the rest is that argument.
_CURL_ARG_OPTIONS = frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz")
# (regex, what it does, a substring every match holds): the regex runs only on lines holding
# the substring (in the lower-cased line for the case-insensitive regex, whose substring has no
# `i` or `s`, which `(?i)` also matches with non-ASCII letters that lower-case to others).
_TLS_PATTERNS = (
    (lazy_regex(r"--no-check-certificate\b"), "`wget --no-check-certificate` accepts any certificate", "--no-check-certificate"),
    (lazy_regex(r"(?i)\bhttp\.sslverify\s*[= ]\s*[\"']?(?:false|0|no|off)\b"), "`http.sslVerify false` turns off git's TLS checks", ""),
    (lazy_regex(r"\bGIT_SSL_NO_VERIFY=[\"']?[^\s\"';]"), "`GIT_SSL_NO_VERIFY` turns off git's TLS checks", "GIT_SSL_NO_VERIFY="),
    (lazy_regex(r"\bNODE_TLS_REJECT_UNAUTHORIZED=[\"']?0\b"), "`NODE_TLS_REJECT_UNAUTHORIZED=0` turns off Node.js TLS checks",
     "NODE_TLS_REJECT_UNAUTHORIZED="),
    (lazy_regex(r"\bPYTHONHTTPSVERIFY=[\"']?0\b"), "`PYTHONHTTPSVERIFY=0` turns off Python's TLS checks", "PYTHONHTTPSVERIFY="),
    (lazy_regex(r"\b(?:npm|yarn|pnpm)\s+(?:config\s+)?set\s+strict-ssl\s+[\"']?false\b"), "`strict-ssl false` turns off npm's TLS checks",
     "strict-ssl"),
    (lazy_regex(r"--strict-ssl[= ][\"']?false\b"), "`--strict-ssl false` turns off npm's TLS checks", "--strict-ssl"),
    (lazy_regex(r"--trusted-host(?=[\s=])"), "`pip --trusted-host` lets pip use that host without valid TLS", "--trusted-host"),
    (lazy_regex(r"\bglobal\.trusted-host\b"), "pip's `trusted-host` lets pip use that host without valid TLS", "global.trusted-host"),
    (lazy_regex(r"\bPIP_TRUSTED_HOST=[\"']?[^\s\"';]"), "`PIP_TRUSTED_HOST` lets pip use that host without valid TLS", "PIP_TRUSTED_HOST="),
)
_SSLVERIFY_NEEDLE = "http."  # in the lower-cased line, for the case-insensitive `http.sslVerify` regex (its needle is "")
TLS_ENV = {
    "GIT_SSL_NO_VERIFY": "turns off git's TLS checks",
    "NODE_TLS_REJECT_UNAUTHORIZED": "turns off Node.js TLS checks when `0`",
    "PYTHONHTTPSVERIFY": "turns off Python's TLS checks when `0`",
    "PIP_TRUSTED_HOST": "lets pip use that host without valid TLS",
}
WEBHOOK_VARIABLES = ("CODEBUILD_WEBHOOK_HEAD_REF", "CODEBUILD_WEBHOOK_BASE_REF", "CODEBUILD_WEBHOOK_TRIGGER", "CODEBUILD_SOURCE_VERSION")
_WEBHOOK_USE = lazy_regex(r"\$\{?(" + "|".join(WEBHOOK_VARIABLES) + r")\b\}?")
_CREDENTIAL_FILE = lazy_regex(
    r"(?:>>?|\btee\s+(?:-a\s+)?|--userconfig[= ])\s*[\"']?(?P<path>[^\s\"';|&<>]*?(?:\.npmrc|\.pypirc|\.git-credentials|\.netrc|"
    r"\.docker/config\.json))(?=[\s\"';|&]|$)")
_CREDENTIAL_FILE_NAMES = (".npmrc", ".pypirc", ".git-credentials", ".netrc", ".docker/config.json")
_EVAL = lazy_regex(r"(?:^|[\s;&|(`])(eval)(?=\s)")
_SHELL_C = lazy_regex(r"(?:^|[\s;&|(`/])((?:ba|z|k|da)?sh)\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*c(?=\s)")


def command_scalars(root: Node) -> list[Scalar]:
    """The string commands of a buildspec's phases (``commands`` and ``finally``)."""
    out: list[Scalar] = []
    phases = root.get("phases") if isinstance(root, Mapping) else None
    if not isinstance(phases, Mapping):
        return out
    for _, phase in phases.items():
        if not isinstance(phase, Mapping):
            continue
        for key in ("commands", "finally"):
            listed = phase.get(key)
            for item in listed.items if isinstance(listed, Sequence) else []:
                if isinstance(item, Scalar) and isinstance(item.value, str):
                    out.append(item)
    return out


def point(node: Scalar, text: str) -> Node:
    """A node spanning the first occurrence of ``text`` on the scalar's own lines, else the scalar."""
    source = node.source
    if source is None or not text or "\n" in text:
        return node
    lines = source.lines
    for number in range(max(1, node.line), min(len(lines), max(node.end_line, node.line)) + 1):
        begin = node.col - 1 if number == node.line else 0
        index = lines[number - 1].find(text, max(0, begin))
        if index >= 0:
            return Scalar(text, text, None, "", source, number, index + 1, number, index + 1 + len(text), node.path)
    return node


def pipe_to_shell(line: str) -> str | None:
    """The ``curl … | sh`` (or ``sh <(curl …)``, ``sh -c "$(curl …)"``) text of a line, if any."""
    if "curl" not in line and "wget" not in line:  # every shape names one of them
        return None
    for pattern in (_PROCESS_SUBSTITUTION, _SHELL_C_FETCH):
        found = pattern.search(line)
        if found:
            return found.group(0).strip()
    parts = line.split("|")
    offset = 0
    skip = False
    for index, part in enumerate(parts[:-1]):
        start = offset
        offset += len(part) + 1
        if skip or parts[index + 1] == "":  # `||` is "or", not a pipe
            skip = parts[index + 1] == ""
            continue
        fetch = _FETCH.search(part)
        shell = _SHELL_AFTER_PIPE.match(parts[index + 1])
        if fetch and shell:
            return line[start + fetch.start(1):offset + shell.end(1)]
    return None


def _curl_insecure(line: str) -> str | None:
    for segment in re.split(r"[|;&]", line):
        tokens = segment.split()
        if "curl" not in tokens:
            continue
        skip_next = False
        for token in tokens[tokens.index("curl") + 1:]:
            if skip_next:
                skip_next = False
                continue
            if token in ("--insecure", "--proxy-insecure"):
                return token
            if not token.startswith("-") or token.startswith("--") or token == "-":
                continue
            for position, letter in enumerate(token[1:]):
                if letter == "k":
                    return token
                if letter in _CURL_ARG_OPTIONS:
                    skip_next = position == len(token) - 2
                    break
    return None


def tls_off(line: str) -> tuple[str, str] | None:
    """``(text, what it does)`` if the line turns TLS verification off."""
    token = _curl_insecure(line) if "curl" in line else None
    if token is not None:
        return token, f"`curl {token}` accepts any certificate"
    for pattern, what, needle in _TLS_PATTERNS:
        if needle not in line if needle else _SSLVERIFY_NEEDLE not in line.lower():
            continue
        found = pattern.search(line)
        if found:
            return found.group(0).strip(), what
    return None


def webhook_into_shell(line: str) -> tuple[str, str] | None:
    """``(variable, how)`` when a webhook-controlled variable follows ``eval`` or ``sh -c``."""
    if "CODEBUILD_" not in line:  # every variable of WEBHOOK_VARIABLES starts so
        return None
    for pattern, how in ((_EVAL, "`eval`"), (_SHELL_C, "`sh -c`")):
        found = pattern.search(line)
        if not found:
            continue
        use = _WEBHOOK_USE.search(line, found.end(1))
        if use:
            return use.group(0), how
    return None


def credential_file_write(line: str) -> str | None:
    """The relative path of a credentials file (``.npmrc``, ``.pypirc``, ``.git-credentials``,
    ``.netrc``, ``.docker/config.json``) a command line writes, if any; files under ``/``, ``~``
    or ``$HOME`` are outside the source directory and not returned."""
    if not any(name in line for name in _CREDENTIAL_FILE_NAMES):
        return None
    for found in _CREDENTIAL_FILE.finditer(line):
        path = found.group("path")
        if not path.startswith(("/", "~", "$HOME", "${HOME}")) and expands_variable(line[:found.start()]):
            return path
    return None


def expands_variable(text: str) -> bool:
    """Whether the shell expands a ``$`` in ``text`` (one outside single quotes): only then does a
    written file hold the secret's value rather than a ``${NPM_TOKEN}`` the tool resolves later."""
    quoted = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and not quoted:
            escaped = True
        elif char == "'":
            quoted = not quoted
        elif char == "$" and not quoted:
            return True
    return False
