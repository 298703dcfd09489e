"""SEC009: credentials with a recognisable shape anywhere in a linted file (and hook scripts)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from pipelint.api import Document, Report, Source, redact, rule
from pipelint.textutil import record_secret_like

from ._commands import find_in_text
from ._hooks import hook_scripts
from ._locate import node_at
from ._patterns import TokenMatch, find_keyword_secrets, find_tokens
from ._structural import claimed, register_lines

_ADVICE = {
    "aws-access-key-id": "deactivate the key in IAM now (it stays in the repository history) and give the build or deployment an IAM role instead of keys",
    "aws-secret-access-key": "deactivate the key pair in IAM now and give the build or deployment an IAM role instead of keys",
    "github-token": "revoke it on GitHub, then read it at build time from Secrets Manager (`env.secrets-manager:`) or use a CodeStar connection",
    "github-fine-grained-token": "revoke it on GitHub, then read it at build time from Secrets Manager (`env.secrets-manager:`) or use a CodeStar connection",
    "npm-token": "revoke it (`npm token revoke`) and map `NPM_TOKEN` under `env.secrets-manager:`",
    "slack-token": "revoke it in Slack and read it at run time from Secrets Manager",
    "slack-webhook": "regenerate the webhook in Slack and read its URL at run time from Secrets Manager",
    "private-key": "remove it, replace the key pair, and keep the private key in Secrets Manager",
    "command": "read it at run time from a variable mapped under `env.secrets-manager:` (or from Secrets Manager), and rotate it",
    "keyword": "if it is a real secret, move it to Secrets Manager or a Parameter Store SecureString, reference it "
               "(`{{resolve:secretsmanager:…}}` in templates, `env.secrets-manager:` in buildspecs) and rotate it",
}
# Sources scanned last: the documents of one file are linted one after another, and a file with
# several YAML documents must be scanned once. Holding the objects keeps `is` comparisons valid.
_RECENT: list[Source] = []


def _first_scan(source: Source) -> bool:
    if any(seen is source for seen in _RECENT):
        return False
    _RECENT.append(source)
    del _RECENT[:-8]
    return True


def _compact(text: str) -> str:
    return "".join(text.split())


class _Claims:
    """The values structural rules report, for quick "is this one of them" questions."""

    def __init__(self, taken: set[str]) -> None:
        self.exact = taken
        self.compact = [c for c in {_compact(value) for value in taken} if len(c) >= 8]
        self.compact_set = set(self.compact)

    def claim(self, value: str) -> bool:
        """Whether a structural rule reports this value (or one containing it; spacing ignored)."""
        if value in self.exact:
            return True
        compact = _compact(value)
        if compact in self.compact_set:
            return True
        return any(c in compact or compact in c for c in self.compact)


def _disjoint(groups: list[list[TokenMatch]]) -> list[TokenMatch]:
    """Matches that overlap no kept one, the groups in priority order (recognised shapes, then
    command-line secrets, then keyword assignments).

    Each group is walked in text order and checked against the spans kept before it by binary
    search, so the cost is linear in the number of matches (times a logarithm), never quadratic.
    """
    kept: list[TokenMatch] = []
    starts: list[int] = []
    ends: list[int] = []
    for group in groups:
        mine: list[TokenMatch] = []
        reach = -1
        for match in sorted(group, key=lambda m: (m.start, -m.end)):
            index = bisect_left(ends, match.start + 1)
            if (index < len(starts) and starts[index] < match.end) or match.start < reach:
                continue
            mine.append(match)
            reach = match.end
        kept.extend(mine)
        spans = sorted([*zip(starts, ends), *((m.start, m.end) for m in mine)])
        starts = [start for start, _ in spans]
        ends = [end for _, end in spans]
    return kept


def _command_matches(text: str) -> list[TokenMatch]:
    """Secrets on command lines and in URLs and headers (``curl -u``, ``https://u:pw@``,
    ``Authorization: Bearer``) anywhere in the text: in every scalar and every key, so a command
    YAML read as a mapping, or a URL used as a key, is scanned like any other text."""
    return [TokenMatch("command", found.describe(), found.value, found.start, found.end) for found in find_in_text(text)]


def _advice(match_kind: str, doc_kind: str) -> str:
    """What to do about one credential kind: a value on a command line or in a URL is read at run
    time from a variable mapped under ``env.secrets-manager:`` in a buildspec, through a dynamic
    reference in a template (whose text may hold inline buildspecs too, so both are named)."""
    if match_kind == "command" and doc_kind in ("template", "pipeline", "policy"):
        return ("keep it in Secrets Manager and read it at run time (in a buildspec, a variable mapped under "
                "`env.secrets-manager:`; in a template, a `{{resolve:secretsmanager:…}}` dynamic reference), and rotate it")
    return _ADVICE[match_kind]


def scan(source: Source, taken: set[str], kind: str = "buildspec") -> Iterator[Report]:
    """Reports for every unclaimed credential in a source's text (a document of ``kind``), each value once."""
    text = source.text
    claims = _Claims(taken)
    reported: set[str] = set()
    for match in _disjoint([find_tokens(text), _command_matches(text), find_keyword_secrets(text, hcl=source.fmt == "hcl")]):
        if match.value in reported:
            continue
        reported.add(match.value)
        if claims.claim(match.value):
            continue
        end = match.end
        if match.kind == "private-key":
            end = text.find("\n", match.start, match.end)
            end = match.end if end < 0 else end
        node = node_at(source, match.start, end, match.value[: end - match.start], ("secret", match.kind))
        register_lines(node, match.value)
        yield Report(
            node,
            f"{match.label} {'are' if match.label.startswith('credentials') else 'is'} hard-coded here ({redact(match.value)}); "
            f"{_advice(match.kind, kind)}",
            fix=_advice(match.kind, kind).split(", then ")[-1] if match.kind not in ("keyword", "command")
            else "move the value to Secrets Manager and reference it",
            secret=match.value,
        )


def mask_assignments(source: Source) -> None:
    """In a file that did not parse (no structural rule could read it), mask every value
    assigned to a secret-named key (``password=hunter2``, ``"token": "abc"``), every URL
    password and every credential shape, whether or not it looks random enough to report: the
    syntax error's code frame shows those lines."""
    record_secret_like(source, MIN_MASKED)


MIN_MASKED = 4  # shorter values would mask common letter pairs all over the frames


@rule("SEC009", "hard-coded-token", severity="warning", kinds=("buildspec", "appspec", "pipeline", "template", "policy", "text"),
      security_severity=9.0)
def hard_coded_token(doc: Document, config: dict) -> Iterator[Report]:
    """A credential with a recognisable shape is written in the file.

    The whole text of every linted file (comments included) and of appspec hook scripts is
    scanned for: AWS access key ids (``AKIA…``, ``ASIA…``) and secret access keys next to an
    AWS name; GitHub tokens (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, ``github_pat_``);
    npm tokens; Slack tokens and webhook URLs; private key blocks; random-looking values
    assigned to secret-named keys (``API_TOKEN: 8f3k…``); and the command-line secrets SEC008
    knows (``curl -u user:pw``, ``https://user:pw@host``, ``Authorization: Bearer …``) in any
    scalar or key, so a command YAML read as a mapping is scanned too. References (``$VAR``, ``${VAR}``,
    ``{{resolve:…}}``, ``#{Ns.Var}``, ``!Ref``), placeholders and AWS's documented example
    keys (``…EXAMPLE``) are ignored. Each secret is reported once per file; a value that a
    more specific SEC rule (env variables, commands, tokens in resources) reports is left to
    that rule. Findings show only a redacted prefix.

    Why: anything committed is readable by everyone with access to the repository, its forks
    and its history, and CI systems copy files into logs and artifacts. Leaked AWS keys and
    GitHub tokens are harvested from public repositories within minutes.

    Failing::

        phases:
          build:
            commands:
              - aws s3 cp out s3://bucket/  # key AKIA****************

    Fixed::

        phases:
          build:
            commands:
              - aws s3 cp out s3://bucket/  # the service role grants the access
    """
    if doc.parent is not None or not _first_scan(doc.source):
        return  # embedded documents share their template's text, which is scanned once
    if doc.kind == "text":
        mask_assignments(doc.source)
    yield from scan(doc.source, claimed(doc), doc.kind)
    if doc.kind == "appspec":
        for script in hook_scripts(doc):
            yield from scan(script.source, {found.value for found in find_in_text(script.source.text)})
