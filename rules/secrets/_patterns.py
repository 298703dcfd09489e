"""What a secret looks like: token shapes, secret-ish names, references and placeholders.

Everything here is pure string logic shared by the SEC rules. Regexes compile on first use;
the scanners pre-filter with plain substring tests before running them.

Every regex that runs over file text is linear in its input: its quantifiers are bounded (or
possessive, or followed by nothing that can fail), and no scan re-reads text that an earlier
match already covered. ``tests/test_secrets_linear.py`` holds inputs that a quadratic scan
would not finish.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from pipelint.records import FrozenRecord
from pipelint.textutil import LazyRegex, lazy_regex

# ---------------------------------------------------------------------------------------------
# Token shapes: (kind, description, regex with the secret in group 1, minimum entropy)

class TokenShape(FrozenRecord):
    """A recognisable credential format."""

    __slots__ = ("kind", "label", "pattern", "min_entropy", "needles", "_any_needle")

    kind: str
    label: str
    pattern: LazyRegex  # compiled on first use
    min_entropy: float
    needles: tuple[str, ...]  # at least one must occur in the text before the regex runs
    # For several needles, one regex that finds any of them: a single pass over the text
    # instead of one `in` per needle (each reading the whole text when it is absent).
    _any_needle: LazyRegex | None

    def __init__(self, kind: str, label: str, pattern: LazyRegex, min_entropy: float, needles: tuple[str, ...]) -> None:
        self.kind = kind
        self.label = label
        self.pattern = pattern
        self.min_entropy = min_entropy
        self.needles = needles
        self._any_needle = lazy_regex("|".join(map(re.escape, needles))) if len(needles) > 1 else None

    def may_occur(self, text: str) -> bool:
        """Whether one of the needles occurs in ``text`` (else the regex cannot match)."""
        if self._any_needle is None:
            return self.needles[0] in text
        return self._any_needle.search(text) is not None


TOKEN_SHAPES: tuple[TokenShape, ...] = (
    TokenShape("aws-access-key-id", "an AWS access key id",
               lazy_regex(r"(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])"), 3.0,
               ("AKIA", "ASIA", "ABIA", "ACCA", "A3T")),
    TokenShape("github-token", "a GitHub token",
               lazy_regex(r"(?<![A-Za-z0-9_])(gh[pousr]_[0-9A-Za-z]{36})(?![A-Za-z0-9_])"), 3.0,
               ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    TokenShape("github-fine-grained-token", "a GitHub fine-grained token",
               lazy_regex(r"(?<![A-Za-z0-9_])(github_pat_[0-9A-Za-z_]{82})(?![A-Za-z0-9_])"), 3.0, ("github_pat_",)),
    TokenShape("npm-token", "an npm access token",
               lazy_regex(r"(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])"), 2.5, ("npm_",)),
    TokenShape("slack-token", "a Slack token",
               lazy_regex(r"(?<![A-Za-z0-9])(xox[abposre]-[0-9]{6,13}-[0-9A-Za-z-]{8,255}+)"), 3.0, ("xox",)),
    TokenShape("slack-webhook", "a Slack webhook URL",
               lazy_regex(r"(hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,255}+)"), 3.0,
               ("hooks.slack.com",)),
)

# The armour lines of a private key block. A block is paired from each END line to the nearest
# BEGIN line before it (at most MAX_KEY_BODY characters earlier), so every character of the text
# is read a bounded number of times however many unmatched BEGIN lines there are.
_KEY_BEGIN = lazy_regex(r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = lazy_regex(r"-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----")
MAX_KEY_BODY = 20_000
_KEY_BODY = lazy_regex(r"[A-Za-z0-9+/=]{16,}")

# A 40-character AWS secret access key next to a name that says so.
_AWS_SECRET_TEXT = r"(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s{0,64}+(?::|=>|=)\s{0,64}+[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
_AWS_SECRET = lazy_regex("(?i)" + _AWS_SECRET_TEXT)
_AWS_SECRET_LOWER = lazy_regex(_AWS_SECRET_TEXT)  # over lower-cased ASCII text


def entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    size = len(text)
    return -sum(c / size * math.log2(c / size) for c in counts.values())


# ---------------------------------------------------------------------------------------------
# References and placeholders: never secrets

_REFERENCE_START = ("$", "{{resolve:", "#{", "!", "%{", "@@", "{{")
_PLACEHOLDER = lazy_regex(
    r"(?i)^(?:x+|\*+|\.+|-+|_+|0+|#+|"
    r"changeme|change[_-]?me|replace[_-]?me|todo|tbd|none|null|nil|undefined|example|sample|dummy|fake|test|testing|"
    r"placeholder|secret|password|passwd|token|redacted|hidden|masked|default|value|string|true|false|yes|no|empty|"
    r"your[_-]?\w*|my[_-]?(?:api[_-]?)?(?:key|token|secret|password)\w*|\w*[_-]here|insert[_-]?\w*|enter[_-]?\w*)$"
)


def is_reference(value: str) -> bool:
    """Whether a value refers to a secret instead of holding one (``$VAR``, ``{{resolve:…}}``…)."""
    text = value.strip().strip("\"'")
    if not text:
        return True
    if text.startswith(_REFERENCE_START):
        return True
    return "{{resolve:" in text or text.startswith("<") and text.endswith(">")


def is_placeholder(value: str) -> bool:
    """Whether a value is an obvious placeholder (``xxxx``, ``changeme``, ``<token>``, ``…EXAMPLE``)."""
    text = value.strip().strip("\"'")
    if _PLACEHOLDER.match(text) or "EXAMPLE" in text or "example" in text:
        return True
    if len(set(text)) <= 2:
        return True
    return "XXXX" in text.upper() or "0000000000" in text or "..." in text or "…" in text


# ---------------------------------------------------------------------------------------------
# Names that say "secret"

_PASSWORD_NAME = lazy_regex(r"(?i)(?:passw(?:or)?d|passwd|(?:^|[_.-])pwd(?:$|[_.-])|(?:^|[_.-])pass(?:$|[_.-]))")
_PASSWORD_WORDS = {"pass", "pwd", "passwd", "password", "passphrase", "pw"}
_SECRET_NAME = lazy_regex(
    r"(?i)(?:secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|credential|signing[_.-]?key|"
    r"encryption[_.-]?key|auth[_.-]?key|client[_.-]?key|license[_.-]?key|webhook|bearer)"
)
_NOT_A_VALUE_SUFFIX = {
    "name", "names", "id", "ids", "arn", "arns", "path", "paths", "file", "filename", "files", "param", "params",
    "parameter", "url", "uri", "type", "length", "enabled", "disabled", "ref", "version", "field", "header", "policy",
    "role", "region", "prefix", "suffix", "count", "size", "ttl", "expiry", "expiration", "endpoint", "location",
    "store", "manager", "provider", "dir", "directory", "bucket", "table", "mode", "format", "rotation", "kms",
    "key_id", "keyid", "source", "user", "username", "usr", "login", "email", "host", "port", "secretid",
    "template", "config", "configuration", "env", "timeout", "scope", "scopes", "algorithm", "hash", "secrets",
}
_SPLIT = lazy_regex(r"[_.\-\s]+|(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=1024)
def name_kind(name: str) -> str | None:
    """``password`` or ``secret`` when a variable name says it holds one, else ``None``."""
    parts = [p.lower() for p in _SPLIT.split(name) if p]
    if not parts or parts[-1] in _NOT_A_VALUE_SUFFIX:
        return None
    if _PASSWORD_NAME.search(name) or any(p in _PASSWORD_WORDS for p in parts):
        return "password"
    if _SECRET_NAME.search(name):
        return "secret"
    return None


# ---------------------------------------------------------------------------------------------
# Values

_PATHISH = lazy_regex(r"^(?:[a-z0-9_.-]+/)+[a-z0-9_.*-]*/?$")
_IDENT_SEGMENTS = lazy_regex(r"[-_./:]+")
_FILE_EXT = lazy_regex(r"(?i)\.(?:json|ya?ml|txt|pem|key|crt|cer|p12|pfx|sh|env|cfg|conf|ini|properties|xml|zip|jar|js|py)$")
_VERSIONISH = lazy_regex(r"^v?\d+(?:\.\d+)+(?:[-+][\w.]+)?$")


def not_a_literal_secret(text: str) -> bool:
    """Values that are names, paths, URLs, ARNs, references or placeholders, not secrets."""
    stripped = text.strip()
    if not stripped or is_reference(stripped) or is_placeholder(stripped):
        return True
    if stripped.startswith(("arn:", "/", "./", "~/", "s3://", "file:")) or "://" in stripped:
        return True
    if len(stripped.split(None, 1)) > 1:  # white space inside
        return True
    if _PATHISH.match(stripped) or _FILE_EXT.search(stripped) or _VERSIONISH.match(stripped):
        return True
    return stripped.isdigit() or stripped.lower() in ("true", "false", "yes", "no", "on", "off")


def looks_random(text: str) -> bool:
    """Whether a value looks machine-generated (a token or key) rather than a word or name."""
    if len(text) < 12 or not_a_literal_secret(text):
        return False
    segments = [s for s in _IDENT_SEGMENTS.split(text) if s]
    if len(segments) > 1 and all(s.isalpha() or (s.isdigit() and len(s) <= 4) for s in segments):
        return False  # my-build-secret-name, prod.db.password_v2
    has_digit = any(c.isdigit() for c in text)
    has_alpha = any(c.isalpha() for c in text)
    mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
    score = entropy(text)
    if has_digit and has_alpha and score >= 3.0:
        return True
    return mixed and len(text) >= 20 and score >= 3.5


def looks_like_password(text: str) -> bool:
    """Whether a value under a password-ish name is a literal password (any real-looking value)."""
    if len(text) < 4 or not_a_literal_secret(text):
        return False
    segments = [s for s in _IDENT_SEGMENTS.split(text) if s]
    # `my-db-password-param` is the name of a parameter, not a password.
    return not (len(segments) > 2 and all(s.isalpha() and s.islower() for s in segments))


class TokenMatch(FrozenRecord):
    """A token found in text: its kind, label, value and offsets."""

    __slots__ = ("kind", "label", "value", "start", "end")

    kind: str
    label: str
    value: str
    start: int
    end: int

    def __init__(self, kind: str, label: str, value: str, start: int, end: int) -> None:
        self.kind = kind
        self.label = label
        self.value = value
        self.start = start
        self.end = end


def find_tokens(text: str) -> list[TokenMatch]:
    """Every recognisable credential in ``text`` (AWS key ids, GitHub/npm/Slack tokens…)."""
    found: list[TokenMatch] = []
    for shape in TOKEN_SHAPES:
        if not shape.may_occur(text):
            continue
        for match in shape.pattern.finditer(text):
            start, end = match.span(1)
            if shape.kind == "slack-webhook":  # with its scheme (a regex starting with a literal is faster)
                start -= next((len(s) for s in ("https://", "http://") if start >= len(s) and text.startswith(s, start - len(s))), 0)
            value = text[start:end]
            if is_placeholder(value) or entropy(value) < shape.min_entropy:
                continue
            found.append(TokenMatch(shape.kind, shape.label, value, start, end))
    if "PRIVATE KEY" in text:
        found.extend(_private_keys(text))
    if "ecret" in text or "ECRET" in text:
        ascii_text = text.isascii()  # lower-cased ASCII keeps every offset, and is faster than (?i)
        for match in (_AWS_SECRET_LOWER.finditer(text.lower()) if ascii_text else _AWS_SECRET.finditer(text)):
            value = text[match.start(1):match.end(1)]
            if not is_placeholder(value) and entropy(value) >= 4.0:
                found.append(TokenMatch("aws-secret-access-key", "an AWS secret access key", value, match.start(1), match.end(1)))
    return found


def _private_keys(text: str) -> list[TokenMatch]:
    """Private key blocks: each END line with the nearest BEGIN line before it (linear)."""
    found: list[TokenMatch] = []
    begins = [(m.start(), m.end()) for m in _KEY_BEGIN.finditer(text)]
    if not begins:
        return found
    index = 0  # the first BEGIN not yet paired or passed
    for end in _KEY_END.finditer(text):
        nearest = None
        while index < len(begins) and begins[index][1] <= end.start():
            nearest = begins[index]
            index += 1
        if nearest is None or end.start() - nearest[1] > MAX_KEY_BODY:
            continue
        body = text[nearest[1]:end.start()]
        compact = "".join(_KEY_BODY.findall(body.replace("\\n", "\n")))
        if len(compact) >= 64 and not is_placeholder(compact) and entropy(compact) >= 4.0:
            found.append(TokenMatch("private-key", "a private key", text[nearest[0]:end.end()], nearest[0], end.end()))
    return found


def classify(value: str) -> TokenMatch | None:
    """The token shape a whole value (or a token inside it) matches, if any."""
    if not value or len(value) < 16:
        return None
    tokens = find_tokens(value)
    return tokens[0] if tokens else None


def is_aws_secret_key(value: str) -> bool:
    """Whether a value has the shape of an AWS secret access key (40 random base64 characters)."""
    return bool(re.fullmatch(r"[A-Za-z0-9/+]{40}", value)) and entropy(value) >= 4.0 and not is_placeholder(value)


# passw|pwd|pass|private[_.-]?key|secret|signing[_.-]?key|token|api[_.-]?key|apikey|access[_.-]?key|
# auth[_.-]?key|credential|client[_.-]?key|license[_.-]?key, grouped by first letter (in their order
# within a group): the alternatives of two groups never match at the same place, so the grouping
# changes no match, and the regex engine tries one group where a letter starts one, not all 14.
_KEYWORD_TEXT = (r"p(?:assw|wd|ass|rivate[_.-]?key)|s(?:ecret|igning[_.-]?key)|token|"
                 r"a(?:pi[_.-]?key|pikey|ccess[_.-]?key|uth[_.-]?key)|c(?:redential|lient[_.-]?key)|license[_.-]?key")
_STOP = r" \t\r\n\"'`;,)}\]\\"
# keyword, the rest of the name (at most 40 more characters), an optional closing quote (also the
# escaped quote of JSON inside a JSON string: \"key\": \"value\"), an operator that is not `::` or
# `==`, opening quotes, and a value: the whole run of characters up to a stop character. The
# quantifiers before the value are bounded and possessive; the value's is possessive and always
# read to its end, so the next match starts after it: each character is read a bounded number
# of times. Values over MAX_VALUE characters are then dropped (a run that long is no secret).
_ASSIGNMENT_TAIL = (
    r"(?P<rest>[A-Za-z0-9_.-]{0,40}+)(?:\\[\"']|[\"'])?[ \t]{0,64}+(?::=|=>|:|=)(?![:=])[ \t\"'`=\\]{0,64}+"
    rf"(?P<value>[^{_STOP}]{{6,}}+)"
)
MAX_VALUE = 300
_ASSIGNMENT = lazy_regex(f"(?:{_KEYWORD_TEXT}){_ASSIGNMENT_TAIL}")  # over lower-cased ASCII text: faster than (?i)
_ASSIGNMENT_CI = lazy_regex(f"(?i:{_KEYWORD_TEXT}){_ASSIGNMENT_TAIL}")
MAX_NAME_BEFORE_KEYWORD = 60
# `arn:<partition>:` right before a name: the name is an ARN's service field, not a key.
_ARN_PREFIX = lazy_regex(r"arn:[a-z-]{1,16}:$")
# An HCL `=` whose value is not quoted: an expression (a reference, a call), not a literal.
_HCL_EXPRESSION = lazy_regex(r"[ \t]*=[ \t]*")


# The start of a name: after the last non-name character of the (at most 60-character) window
# before the keyword; the greedy `.*` makes the regex engine find it from the right, in C.
_NAME_HEAD = lazy_regex(r"(?s:.*[^A-Za-z0-9_.-])?")


@lru_cache(maxsize=4096)
def _judge(name: str, value: str) -> str | None:
    """The label of a secret assigned as ``name = value``, or ``None`` (cached: files repeat)."""
    kind = name_kind(name)
    if kind is None:
        return None
    if looks_random(value) or (kind == "password" and len(value) >= 8 and _has_digit_and_letter(value)
                               and looks_like_password(value)):
        label = "a password" if kind == "password" else "a secret"
        return f"{label} (assigned to `{name}`)"
    return None


_DIGIT = lazy_regex(r"\d")
_LETTER = lazy_regex(r"[^\W\d_]")


def _has_digit_and_letter(value: str) -> bool:
    return _DIGIT.search(value) is not None and _LETTER.search(value) is not None


def find_keyword_secrets(text: str, hcl: bool = False) -> list[TokenMatch]:
    """Random-looking values assigned to secret-named keys (``API_TOKEN: 8f3k…``).

    One regex pass finds each keyword with its operator and value; the name is then extended
    backwards over name characters. Matches do not overlap, so a value is read once. Not
    assignments: the service field of an ARN (``arn:aws:secretsmanager:eu-west-1:…``), and, in
    Terraform (``hcl``), ``name = value`` with an unquoted value, which is an expression
    (``token = data.aws_ssm_parameter.pat.value``), never a literal.
    """
    found: list[TokenMatch] = []
    matches = _ASSIGNMENT.finditer(text.lower()) if text.isascii() else _ASSIGNMENT_CI.finditer(text)
    head = _NAME_HEAD.compiled.match
    for match in matches:
        value_start, value_end = match.span("value")
        if value_end - value_start > MAX_VALUE:
            continue
        start = match.start()
        before = head(text, max(0, start - MAX_NAME_BEFORE_KEYWORD), start)
        name_start = before.end() if before is not None else start
        if _ARN_PREFIX.search(text, max(0, name_start - 24), name_start) is not None:
            continue
        if hcl and _HCL_EXPRESSION.fullmatch(text, match.end("rest"), value_start) is not None:
            continue
        name = text[name_start:match.end("rest")]
        label = _judge(name, text[value_start:value_end])
        if label is not None:
            found.append(TokenMatch("keyword", label, text[value_start:value_end], value_start, value_end))
    return found
