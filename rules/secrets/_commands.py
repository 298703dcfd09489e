"""Secrets passed on command lines: ``docker login -p``, ``aws configure set``, ``curl -u``…

:func:`find_in_text` runs every pattern over a piece of shell text (a buildspec command, a hook
script) and returns the literal secrets with their offsets. References (``$VAR``, ``$(cmd)``,
``${VAR}``) and placeholders are not secrets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from pipelint.records import FrozenRecord
from pipelint.textutil import LazyRegex, lazy_regex

from ._patterns import TOKEN_SHAPES, is_placeholder, is_reference


class CommandPattern(FrozenRecord):
    """One way a command line can carry a secret."""

    __slots__ = ("kind", "needles", "regex", "what", "fix", "lead", "also")

    kind: str
    needles: tuple[str, ...]  # lower-case substrings, one of which must occur before the regex runs
    regex: LazyRegex  # compiled on first use
    what: str
    fix: str
    # The command an option belongs to (`docker login`, `curl`), as a regex starting with `.*`
    # (so that it matches up to its last occurrence): it must come before the match, in the same
    # command, at most MAX_ARGS_BEFORE characters earlier. Checked in a bounded window so that
    # the regex starts at the option, and no text is read again for every earlier command word.
    lead: LazyRegex | None
    # More lower-case substrings, one of which must occur too: narrower than `needles` (which a
    # word such as `token` in a template satisfies), so that the whole-text scan of SEC009 runs
    # a regex only over files that can match it. Each is in every match (or in the `lead` that a
    # match needs), lower-cased: the lower-cased text holds it whenever the regex matches, since
    # a case-insensitive part of a needle has no `i` or `s` (which `(?i)` also matches with
    # non-ASCII letters that lower-case to something else).
    also: tuple[str, ...]

    def __init__(self, kind: str, needles: tuple[str, ...], regex: LazyRegex, what: str, fix: str,
                 lead: LazyRegex | None = None, also: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.needles = needles
        self.regex = regex
        self.what = what
        self.fix = fix
        self.lead = lead
        self.also = also


# A value is read to its end, at most MAX_SECRET + 1 characters (possessive: no backtracking);
# a longer run is not a secret, and `find_in_text` drops it.
MAX_SECRET = 511
_VALUE = r"(?P<q>[\"']?)(?P<secret>[^\s\"';|&`]{1,512}+)(?P=q)"
_VALUE_STOP = lazy_regex(r"[\s\"']")  # where the value of every pattern has ended

COMMAND_PATTERNS: tuple[CommandPattern, ...] = (
    CommandPattern(
        "docker-password", ("docker",),
        lazy_regex(r"\s(?:-p|--password)(?:\s{1,16}+|=)" + _VALUE),
        "a literal password to `docker login` (`-p`/`--password`)",
        "pipe the password in with `--password-stdin` from a secret, e.g. `echo \"$DOCKERHUB_TOKEN\" | docker login -u <user> --password-stdin` "
        "with `DOCKERHUB_TOKEN` mapped under `env.secrets-manager` (for ECR: `aws ecr get-login-password | docker login --username AWS --password-stdin <registry>`)",
        lead=lazy_regex(r"(?s:.*)\bdocker\s{1,16}+login\b"),
        also=("login",),
    ),
    CommandPattern(
        "aws-configure", ("configure",),
        lazy_regex(r"\baws\s{1,16}+configure\s{1,16}+set\s{1,16}+(?:[\w.-]{1,64}\.)?(?P<key>aws_secret_access_key|aws_access_key_id|aws_session_token)\s{1,16}+" + _VALUE, re.I),
        "a literal AWS credential to `aws configure set`",
        "do not store long-lived AWS keys in the build: give the CodeBuild service role (or a role it assumes with `aws sts assume-role`) the permissions instead",
    ),
    CommandPattern(
        "aws-env-export", ("aws_",),
        lazy_regex(r"(?:\bexport\s{1,16}+|^|[\s;&|(])(?P<key>AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN)=" + _VALUE, re.M),
        "a literal AWS credential in an environment assignment",
        "remove the literal key: CodeBuild gives the build the service role's temporary credentials; for another account, use `aws sts assume-role`",
        also=("aws_secret_access_key=", "aws_access_key_id=", "aws_session_token="),  # the regex is case-sensitive
    ),
    CommandPattern(
        "npm-auth", ("_auth",),
        lazy_regex(r"//[^\s\"':]{0,256}+:(?P<key>_authToken|_auth|_password)=" + _VALUE),
        "a literal npm token into `.npmrc` (`_authToken=`)",
        "write `//registry.npmjs.org/:_authToken=${NPM_TOKEN}` (single-quoted so the shell does not expand it) and map `NPM_TOKEN` under `env.secrets-manager`",
    ),
    CommandPattern(
        "curl-user", ("curl",),
        lazy_regex(r"\s(?:-u|--user)(?:\s{1,16}+|=)(?P<q>[\"']?)(?P<user>[^\s\"':;|&]{1,256}+):(?P<secret>[^\s\"';|&`]{1,512}+)(?P=q)"),
        "a literal password to `curl -u user:password`",
        "use `curl -u \"user:$API_PASSWORD\"` (or a `--netrc-file`) with `API_PASSWORD` mapped under `env.secrets-manager`",
        lead=lazy_regex(r"(?s:.*)\bcurl\b"),
    ),
    CommandPattern(
        "url-credentials", ("@",),
        lazy_regex(r"\b[a-z][a-z0-9+.-]{1,15}://(?P<user>[^/\s:@\"'$]{0,256}+):(?P<secret>[^/\s@\"']{1,512}+)@[\w.-]"),
        "credentials embedded in a URL",
        "use a CodeStar connection or a git credential helper (`git config credential.helper`) fed from `env.secrets-manager`, "
        "instead of `https://user:token@host/...`, which also ends up in logs",
    ),
    CommandPattern(
        "url-token-user", ("@",),
        lazy_regex(r"\bhttps?://(?P<secret>gh[pousr]_[0-9A-Za-z]{36}|github_pat_\w{82})@[\w.-]"),
        "a token embedded in a URL",
        "use a CodeStar connection or a git credential helper fed from `env.secrets-manager` instead of a token in the URL",
        also=("://gh",),  # the regex is case-sensitive
    ),
    CommandPattern(
        "auth-header", ("authorization",),
        lazy_regex(r"(?i)\bauthorization:\s{0,16}+(?:bearer|token|basic)\s{1,16}+(?P<secret>[^\s\"'\\;|&`]{1,512}+)"),
        "a literal token in an `Authorization` header",
        "use `-H \"Authorization: Bearer $API_TOKEN\"` with `API_TOKEN` mapped under `env.secrets-manager`",
        also=("zation:",),  # of `authorization:` (no `i`)
    ),
    CommandPattern(
        "auth-header", ("token:", "api-key:"),
        lazy_regex(r"(?i)(?<![/\w-])(?:private-token|x-api-key|x-auth-token|x-access-token):\s{0,16}+(?P<secret>[^\s\"'\\;|&`]{1,512}+)"),
        "a literal token in an API key header",
        "read the token from a variable mapped under `env.secrets-manager` (`-H \"X-Api-Key: $API_KEY\"`)",
        also=("-token:", "-key:"),
    ),
)


# Any pattern's needle: one search tells that a short text (a command) holds none, instead of
# one `in` test per pattern. Over a whole file the separate `in` tests are faster (each one is a
# fast substring search, while this regex tries every place starting with one of the needles'
# first letters), so only texts up to SHORT_TEXT characters are tested this way first.
_ANY_NEEDLE = lazy_regex("|".join(sorted({re.escape(needle) for pattern in COMMAND_PATTERNS for needle in pattern.needles})))
SHORT_TEXT = 2048


class CommandSecret(FrozenRecord):
    """A literal secret found in shell text."""

    __slots__ = ("pattern", "value", "start", "end", "key")

    pattern: CommandPattern
    value: str
    start: int
    end: int
    key: str | None

    def __init__(self, pattern: CommandPattern, value: str, start: int, end: int, key: str | None = None) -> None:
        self.pattern = pattern
        self.value = value
        self.start = start
        self.end = end
        self.key = key

    def describe(self) -> str:
        """What the command passes: ``a literal password to `docker login` …``."""
        if self.key and self.pattern.kind == "aws-configure":
            return f"`{self.key}` as a literal to `aws configure set`"
        if self.key and self.pattern.kind == "aws-env-export":
            return f"`{self.key}` as a literal"
        return self.pattern.what


@lru_cache(maxsize=4096)
def _literal(value: str) -> bool:
    return not (is_reference(value) or "$" in value or "`" in value or is_placeholder(value) or len(value) < 4)


def find_in_text(text: str) -> list[CommandSecret]:
    """Every literal secret the command patterns find in ``text``, one per place."""
    lowered = text.lower()
    if len(lowered) <= SHORT_TEXT and _ANY_NEEDLE.search(lowered) is None:
        return []
    found: list[CommandSecret] = []
    # Spans taken by earlier patterns: disjoint, sorted by start (starts and ends both ascend).
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    for pattern in COMMAND_PATTERNS:
        if not any(needle in lowered for needle in pattern.needles):
            continue
        if pattern.also and not any(needle in lowered for needle in pattern.also):
            continue
        mine: list[CommandSecret] = []
        regex = pattern.regex.compiled
        position = 0
        while position <= len(text):
            match = regex.search(text, position)
            if match is None:
                break
            position = max(match.end(), match.start() + 1)
            value = match.group("secret")
            start, end = match.start("secret"), match.end("secret")
            if len(value) > MAX_SECRET:  # a run this long is no secret: go on after all of it
                stop = _VALUE_STOP.search(text, end)
                position = stop.start() if stop is not None else len(text) + 1
                continue
            if not _literal(value) or _overlaps(taken_starts, taken_ends, start, end):
                continue
            if pattern.lead is not None and not _led_by(text, match.start(), pattern.lead):
                continue
            if pattern.kind == "url-credentials" and not _looks_like_url_secret(value, match.group("user")):
                continue
            key = match.groupdict().get("key")
            mine.append(CommandSecret(pattern, value, start, end, key))
        if mine:
            found.extend(mine)
            spans = sorted([*zip(taken_starts, taken_ends), *((f.start, f.end) for f in mine)])
            taken_starts = [s for s, _ in spans]
            taken_ends = [e for _, e in spans]
    return found


MAX_ARGS_BEFORE = 200


def _led_by(text: str, start: int, lead: LazyRegex) -> bool:
    """Whether ``lead`` (the command) occurs before ``start`` in the same command, with at most
    :data:`MAX_ARGS_BEFORE` characters of arguments between (reads a bounded window)."""
    begin = max(0, start - MAX_ARGS_BEFORE - 40)
    for separator in "\n;|&":
        cut = text.rfind(separator, begin, start)
        if cut >= 0:
            begin = cut + 1
    last = lead.match(text, begin, start)  # the lead regex starts with `.*`: its last occurrence
    return last is not None and start - last.end() <= MAX_ARGS_BEFORE


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the disjoint sorted spans (binary search)."""
    index = bisect_left(ends, start + 1)  # the first span ending after `start`
    return index < len(starts) and starts[index] < end


def _looks_like_url_secret(password: str, user: str) -> bool:
    """``user:password@`` in a URL, excluding ports (``host:8080@``) and shell expansions."""
    if password.isdigit() or "{" in password:
        return False
    if any(shape.pattern.search(user) for shape in TOKEN_SHAPES):
        return True
    return bool(user) or len(password) >= 8
