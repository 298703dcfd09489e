"""SEC009: credentials with a recognisable shape anywhere in a linted file (and hook scripts)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from pipelint.api import Document, Report, Source, redact, rule

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


def _disjoint(matches: list[TokenMatch]) -> list[TokenMatch]:
    """Matches that overlap no earlier kept one: recognised shapes first, then keyword matches.

    Each group is walked in text order and checked against the kept shapes by binary search,
    so the cost is linear in the number of matches (times a logarithm), never quadratic.
    """
    shapes = sorted((m for m in matches if m.kind != "keyword"), key=lambda m: (m.start, -m.end))
    kept: list[TokenMatch] = []
    reach = -1
    for match in shapes:
        if match.start >= reach:
            kept.append(match)
            reach = match.end
    starts = [m.start for m in kept]
    ends = [m.end for m in kept]
    reach = -1
    for match in sorted((m for m in matches if m.kind == "keyword"), key=lambda m: m.start):
        index = bisect_left(ends, match.start + 1)
        if (index < len(starts) and starts[index] < match.end) or match.start < reach:
            continue
        kept.append(match)
        reach = match.end
    return kept


def scan(source: Source, taken: set[str]) -> Iterator[Report]:
    """Reports for every unclaimed credential in a source's text, each value once."""
    text = source.text
    claims = _Claims(taken)
    reported: set[str] = set()
    for match in _disjoint(find_tokens(text) + find_keyword_secrets(text)):
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
            f"{match.label} is hard-coded here ({redact(match.value)}); {_ADVICE[match.kind]}",
            fix=_ADVICE[match.kind].split(", then ")[-1] if match.kind != "keyword" else "move the value to Secrets Manager and reference it",
            secret=match.value,
        )


@rule("SEC009", "hard-coded-token", severity="warning", kinds=("buildspec", "appspec", "pipeline", "template", "policy", "text"),
      security_severity=9.0)
def hard_coded_token(doc: Document, config: dict) -> Iterator[Report]:
    """A credential with a recognisable shape is written in the file.

    The whole text of every linted file (comments included) and of appspec hook scripts is
    scanned for: AWS access key ids (``AKIA…``, ``ASIA…``) and secret access keys next to an
    AWS name; GitHub tokens (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, ``github_pat_``);
    npm tokens; Slack tokens and webhook URLs; private key blocks; and random-looking values
    assigned to secret-named keys (``API_TOKEN: 8f3k…``). References (``$VAR``, ``${VAR}``,
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
    yield from scan(doc.source, claimed(doc))
    if doc.kind == "appspec":
        for script in hook_scripts(doc):
            yield from scan(script.source, {found.value for found in find_in_text(script.source.text)})
