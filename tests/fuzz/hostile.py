"""Seeded generators of hostile inputs, one per class of attack (issue 13), for the long
fuzzing run (``python -m tests.fuzz.run``) and its short pytest sample (``tests/test_fuzz.py``).

Every generator takes a :class:`random.Random` and returns a :class:`Sample`: a relative file
path (it decides the kind, and may itself be hostile), the file's bytes, and the secrets
planted in it, which must never appear in any output format. Input ``i`` of seed ``s`` is the
same on every machine, so any failure is reproduced with ``--seed s --only i``.
"""

from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from fuzz.strategies import KEYS, KIND_FILES, SCALARS, to_yaml

CORPUS = os.environ.get("PIPELINT_FUZZ_CORPUS") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), "shared", "corpus")
CORPUS_MAX_BYTES = 200_000


@dataclass
class Sample:
    """One fuzz input."""

    name: str
    data: bytes
    secrets: list[str] = field(default_factory=list)
    note: str = ""  # which variant of its class (for the failure log)


# --------------------------------------------------------------------------------------------
# Building blocks


def random_document(rng: random.Random, depth: int = 0) -> object:
    """A random nested value built from the kinds' real keys and tricky scalars."""
    roll = rng.random()
    if depth >= 4 or roll < 0.35:
        return _scalar(rng)
    if roll < 0.6:
        return [random_document(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_key(rng): random_document(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def _key(rng: random.Random) -> str:
    return rng.choice(KEYS) if rng.random() < 0.85 else "".join(rng.choice(string.ascii_letters + "-_") for _ in range(rng.randint(1, 10)))


def _scalar(rng: random.Random) -> object:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(SCALARS)
    if roll < 0.75:
        return rng.randint(-5, 100_000)
    if roll < 0.85:
        return rng.choice([True, False, None])
    return "".join(rng.choice(string.printable[:-5]) for _ in range(rng.randint(0, 20)))


def shaped(rng: random.Random, body: object, name: str | None = None) -> tuple[str, object]:
    """``body`` wrapped as the document a kind's file holds."""
    name = name or rng.choice(KIND_FILES)
    if name.startswith("template"):
        body = {"AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {"R": {"Type": rng.choice(["AWS::CodePipeline::Pipeline", "AWS::CodeBuild::Project", "AWS::IAM::Role", "AWS::IAM::Policy"]),
                                    "Properties": body}}}
    elif name.startswith("pipeline"):
        body = {"pipeline": {"name": "p", "stages": body}}
    elif name.startswith("policy"):
        body = {"Version": "2012-10-17", "Statement": body}
    elif name.startswith("buildspec") and isinstance(body, dict):
        body = {"version": 0.2, **body}
    return name, body


def encode(name: str, body: object) -> bytes:
    """JSON for ``.json`` names, the naive (unquoted) YAML emitter otherwise."""
    text = json.dumps(body, default=str) if name.endswith(".json") else to_yaml(body)
    return text.encode("utf-8", "surrogatepass")


def _with_value(rng: random.Random, raw: str) -> Sample:
    """A small document of a random kind in which one value is the raw text ``raw``."""
    name, body = shaped(rng, {_key(rng): "@@V@@", _key(rng): random_document(rng, 2)})
    if name.endswith(".json"):
        text = json.dumps(body).replace('"@@V@@"', raw)
    else:
        text = to_yaml(body).replace("@@V@@", raw)
    return Sample(name, text.encode("utf-8", "surrogatepass"))


def _mutate(rng: random.Random, data: bytes, rounds: int) -> bytes:
    """Byte and line mutations: junk inserted, ranges cut or duplicated, lines moved."""
    for _ in range(rounds):
        roll = rng.random()
        position = rng.randint(0, len(data))
        if roll < 0.3:
            data = data[:position] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + data[position:]
        elif roll < 0.5:
            data = data[:position] + data[position + rng.randint(1, 16):]
        elif roll < 0.65:
            end = min(len(data), position + rng.randint(1, 200))
            data = data[:end] + data[position:end] + data[end:]
        else:
            lines = data.split(b"\n")
            index = rng.randrange(len(lines))
            choice = rng.random()
            if choice < 0.3:
                lines.insert(index, lines[rng.randrange(len(lines))])
            elif choice < 0.5:
                del lines[index]
            elif choice < 0.7:
                lines[index] = b"  " + lines[index] if rng.random() < 0.5 else lines[index].lstrip()
            else:
                lines.insert(index, rng.choice(PAYLOADS)(rng).encode("utf-8", "surrogatepass"))
            data = b"\n".join(lines)
    return data


# --------------------------------------------------------------------------------------------
# Payloads: a hostile line or value of each class, for mutation and for the class generators


def huge_integer(rng: random.Random) -> str:
    """A number past Python's 4,300-digit conversion limit, in one of YAML's and JSON's forms."""
    digits = rng.choice([4301, 5000, 20_000, rng.randint(4000, 60_000)])
    body = "".join(rng.choice("0123456789") for _ in range(32)) * (digits // 32 + 1)
    body = "9" + body[:digits]
    return rng.choice([body, "-" + body, "0x" + body, "0o" + body.replace("9", "7").replace("8", "1"), "+" + body,
                       body[:100] + "_" + body, body + ".5", body + "e5", "1e" + body, "0b" + "1" * digits])


def sexagesimal(rng: random.Random) -> str:
    """A YAML 1.1 base-60 number (``1:59:59``), up to tens of thousands of fields."""
    fields = rng.choice([3, 50, 2_000, rng.randint(1, 30_000)])
    text = "1" + "".join(f":{rng.randint(0, 59):02}" for _ in range(fields))
    return rng.choice([text, "-" + text, text + ".25", "+" + text])


def surrogate(rng: random.Random) -> str:
    """Lone surrogates as JSON or YAML escapes (decoded by the parser, not by us)."""
    return rng.choice(['"Bogus\\ud800"', '"\\udfff"', '"a\\ud800\\ud800b"', '"\\udc80x"', '"\\ud83d"'])


_CONTROL = ["\x1b[2J\x1b[H", "\x07", "\x1b]0;owned\x07", "\r", "\x7f", "\x9b31m", "\x00", "\x08\x08\x08", "\u2028", "\u202e", "\ufeff"]


def control(rng: random.Random) -> str:
    """Control characters, as YAML/JSON escapes or raw, including a forged workflow command."""
    raw = rng.choice(_CONTROL + ["\n::error file=FORGED.yml,line=1::forged\n"])
    escaped = raw.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    if rng.random() < 0.5:
        return '"x' + escaped.replace("\\x", "\\u00") + 'y"'
    return "x" + raw + "y"


def iam_wildcard(rng: random.Random) -> str:
    """An IAM action or resource pattern built to make backtracking matchers explode."""
    pairs = rng.randint(2, 14)
    service = rng.choice(["ec2", "s3", "iam", "*", "sts", "codebuild"])
    return rng.choice([
        f"{service}:" + "*?" * pairs + "!",
        f"{service}:" + "*a" * pairs + "b",
        f"{service}:Get" + "*" * pairs + "Object" + "?*" * pairs,
        "arn:aws:s3:::" + "*?" * pairs + "/" + "?*" * pairs + "!",
        f"{service}:" + "?" * rng.randint(50, 5000),
        f"{service}:" + "*" * rng.randint(50, 5000) + "x",
    ])


def on_failure(rng: random.Random) -> str:
    """A hostile ``on-failure`` retry pattern."""
    depth = rng.choice([10, 99, 101, 150, 1_000, 5_000])
    return rng.choice([
        "RETRY-3-" + "(" * depth + "a" + ")" * depth,
        "RETRY-" + "(" * depth,
        "RETRY-3-a{" + rng.choice(["1001", str(2**31), str(2**32), "99999999999", "1" + "0" * 5000]) + "}",
        "RETRY-2-x{2," + "9" * rng.randint(1, 6000) + "}",
        "RETRY-3-" + "(a|b)*c" * rng.randint(1, 50_000),
        "RETRY-" + "9" * rng.randint(1, 9000),
        "RETRY-3-(a+)+$", "RETRY-[]", "RETRY-\\", "RETRY-(?<=a+)b", "retry-3-.*", "RETRY--1", "RETRY-3-",
    ])


PAYLOADS: list[Callable[[random.Random], str]] = [huge_integer, sexagesimal, surrogate, control, iam_wildcard, on_failure]


# --------------------------------------------------------------------------------------------
# Planted secrets: a fresh token in a context each detector claims, often behind an escape


def _token(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    if kind < 0.8:
        return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24)) + "!9q"


def _aws_secret(rng: random.Random, seed: str) -> str:
    """A 40-character AWS secret access key (with `/` and `+`), derived from ``seed``."""
    pick = random.Random(seed)
    return "".join(pick.choice(string.ascii_letters + string.digits + "/+") for _ in range(38)) + "/Q"


def _json_escaped(secret: str, rng: random.Random) -> str:
    """The secret as a JSON string body with one character written as ``\\uXXXX``."""
    index = rng.randrange(len(secret))
    return secret[:index] + f"\\u{ord(secret[index]):04x}" + secret[index + 1:]


def planted_secret(rng: random.Random) -> Sample:
    """A secret in one of the places and spellings where masking has failed before."""
    secret = _token(rng)
    context = rng.choice(["env", "env-escaped-json", "yaml-line-break", "yaml-single-quote", "curl-mapping", "url-mapping",
                          "key", "broken-file", "command", "pipeline-json", "template-param", "block-scalar"])
    if context == "env":
        text = f"version: 0.2\nenv:\n  variables:\n    AWS_ACCESS_KEY_ID: {secret}\n    API_TOKEN: {secret}\nphases:\n  build:\n    commands:\n      - echo $API_TOKEN\n"
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "env-escaped-json":
        body = ('{"version": 0.2, "env": {"variables": {"GITHUB_TOKEN": "@1@", "AWS_SECRET_ACCESS_KEY": "@2@"}}, "phases": {"build": {"commands": ["make"]}}}'
                .replace("@1@", _json_escaped(secret, rng)).replace("@2@", _aws_secret(rng, secret).replace("/", "\\/")))
        return Sample("buildspec.json", body.encode(), [secret, _aws_secret(rng, secret)], note=context)
    if context == "yaml-line-break":
        cut = rng.randint(4, len(secret) - 4)
        text = f'version: 0.2\nenv:\n  variables:\n    GITHUB_TOKEN: "{secret[:cut]}\\\n      {secret[cut:]}"\nphases:\n  build:\n    commands: [make]\n'
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "yaml-single-quote":
        quoted = secret[:6] + "''" + secret[6:]
        text = f"version: 0.2\nenv:\n  variables:\n    DB_PASSWORD: '{quoted}'\nphases:\n  build:\n    commands: [make]\n"
        return Sample("buildspec.yml", text.encode(), [secret[:6] + "'" + secret[6:]], note=context)
    if context == "curl-mapping":
        text = f'version: 0.2\nphases:\n  build:\n    commands:\n      - curl -H "Authorization: Bearer {secret}" https://example.com\n'
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "url-mapping":
        text = f"version: 0.2\nphases:\n  build:\n    commands:\n      - git clone https://deploy:{secret}@git.example.com/x.git: now\n"
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "key":
        text = f"version: 0.2\nenv:\n  variables:\n    {secret}: x\nphases:\n  build:\n    commands: [make]\n"
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "broken-file":
        text = f"version: 0.2\nphases: [\n  build:\n    commands:\n      - export password={secret}\n      - TOKEN={secret} make\n  : : :\n"
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "command":
        text = f"version: 0.2\nphases:\n  build:\n    commands:\n      - aws configure set aws_secret_access_key {secret}\n      - echo {secret} | docker login -u x --password-stdin\n"
        return Sample("buildspec.yml", text.encode(), [secret], note=context)
    if context == "pipeline-json":
        token = _json_escaped(secret, rng)
        body = ('{"pipeline": {"name": "p", "roleArn": "arn:aws:iam::123456789012:role/r", "artifactStore": {"type": "S3", "location": "b"}, '
                '"stages": [{"name": "Source", "actions": [{"name": "S", "actionTypeId": {"category": "Source", "owner": "ThirdParty", '
                '"provider": "GitHub", "version": "1"}, "configuration": {"Owner": "o", "Repo": "r", "Branch": "main", "OAuthToken": "@1@"}, '
                '"outputArtifacts": [{"name": "src"}]}]}]}}').replace("@1@", token)
        return Sample("pipeline.json", body.encode(), [secret], note=context)
    if context == "template-param":
        text = (f"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::CodeBuild::Project\n    Properties:\n"
                f"      Environment:\n        Image: aws/codebuild/standard:7.0\n        EnvironmentVariables:\n"
                f"          - Name: GITHUB_TOKEN\n            Value: \"{_json_escaped(secret, rng)}\"\n            Type: PLAINTEXT\n")
        return Sample("template.yml", text.encode(), [secret], note=context)
    text = f"version: 0.2\nphases:\n  build:\n    commands:\n      - |\n        export AWS_ACCESS_KEY_ID={secret}\n        export GH={secret}\n        make\n"
    return Sample("buildspec.yml", text.encode(), [secret], note=context)


# --------------------------------------------------------------------------------------------
# The classes


def _corpus_files() -> list[str]:
    found: list[str] = []
    if os.path.isdir(CORPUS):
        for folder, _dirs, names in os.walk(CORPUS):
            for name in names:
                path = os.path.join(folder, name)
                if not name.endswith((".md", ".tsv")) and os.path.getsize(path) <= CORPUS_MAX_BYTES:
                    found.append(path)
    return sorted(found)


_CORPUS: list[str] | None = None


def corpus_files() -> list[str]:
    """The real-file corpus (empty when ``../shared/corpus`` is absent)."""
    global _CORPUS
    if _CORPUS is None:
        _CORPUS = _corpus_files()
    return _CORPUS


def corpus_mutation(rng: random.Random) -> Sample:
    """A real file, mutated a few times (bytes, lines, hostile payload lines)."""
    files = corpus_files()
    if not files:
        return generated(rng)
    path = rng.choice(files)
    with open(path, "rb") as handle:
        data = handle.read()
    name = os.path.relpath(path, CORPUS)
    return Sample(name, _mutate(rng, data, rng.randint(0, 6)) if data else data)


def generated(rng: random.Random) -> Sample:
    """A random document of a random kind, sometimes mutated."""
    name, body = shaped(rng, random_document(rng))
    data = encode(name, body)
    if rng.random() < 0.4 and data:
        data = _mutate(rng, data, rng.randint(1, 5))
    return Sample(name, data)


def huge_integers(rng: random.Random) -> Sample:
    return _with_value(rng, huge_integer(rng)) if rng.random() < 0.7 else \
        Sample("buildspec.yml", f"version: {huge_integer(rng)}\nphases:\n  build:\n    commands: [make]\n".encode())


def sexagesimals(rng: random.Random) -> Sample:
    value = sexagesimal(rng)
    return _with_value(rng, value) if rng.random() < 0.6 else Sample(
        "appspec.yml", f"version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: s.sh\n      timeout: {value}\n".encode())


def surrogates(rng: random.Random) -> Sample:
    roll = rng.random()
    if roll < 0.4:
        policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", @1@: "s3:GetObject", "Resource": @2@}]}'
        return Sample("policy.json", policy.replace("@1@", surrogate(rng)).replace("@2@", surrogate(rng)).encode())
    if roll < 0.7:
        return _with_value(rng, surrogate(rng))
    if roll < 0.85:  # a surrogate's UTF-8 bytes, or bytes that are no UTF-8 at all
        sample = generated(rng)
        cut = rng.randint(0, len(sample.data))
        return Sample(sample.name, sample.data[:cut] + rng.choice([b"\xed\xa0\x80", b"\xff\xfe", b"\xc3", b"\xf4\x90\x80\x80"]) + sample.data[cut:])
    folder = rng.choice(["d\udcff", "\udc80x", "ok"])  # a file name that is not UTF-8
    sample = planted_secret(rng) if rng.random() < 0.3 else generated(rng)
    return Sample(os.path.join(folder, sample.name), sample.data, sample.secrets)


def control_characters(rng: random.Random) -> Sample:
    if rng.random() < 0.15:  # in the file name
        sample = generated(rng)
        return Sample(os.path.join(rng.choice(["a\x1b[2Jb", "x\ny", "c\x07d", "::error file=FORGED.yml::x"]), sample.name), sample.data)
    if rng.random() < 0.5:
        return _with_value(rng, control(rng))
    bad = control(rng).strip('"')
    return Sample("buildspec.yml", f"version: 0.2\nphases:\n  {bad}:\n    commands: [make]\n  build:\n    on-failure: {bad}\n    commands: [make]\n".encode("utf-8", "surrogatepass"))


def iam_wildcards(rng: random.Random) -> Sample:
    actions = [iam_wildcard(rng) for _ in range(rng.randint(1, 3))]
    statement = {"Effect": rng.choice(["Allow", "Deny"]), rng.choice(["Action", "NotAction"]): actions,
                 "Resource": rng.choice(["*", iam_wildcard(rng)])}
    if rng.random() < 0.3:
        name, body = shaped(rng, {"PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}, "PolicyName": "p"}, "template.yml")
        return Sample(name, encode(name, body))
    return Sample("policy.json", json.dumps({"Version": "2012-10-17", "Statement": [statement]}).encode())


def on_failures(rng: random.Random) -> Sample:
    value = on_failure(rng).replace("'", "''")
    return Sample("buildspec.yml", f"version: 0.2\nphases:\n  build:\n    on-failure: '{value}'\n    commands:\n      - make\n".encode())


def big_probes(rng: random.Random) -> Sample:
    """The reported quadratic inputs at a few hundred KB (a linear scan takes milliseconds)."""
    size = rng.choice([100_000, 250_000, 400_000])
    line, name = rng.choice([
        ("\n", "template.yml"), ("# -----BEGIN PRIVATE KEY-----\n", "buildspec.yml"), ("api_token: a1B2c3D4e5F6g7H8\n", "buildspec.yml"),
        ("password=\n", "buildspec.yml"), ("//a:_authToken=\n", "buildspec.yml"), ("x: 1\n", "buildspec.yml"),
        ("- " + "*?" * 8 + "!\n", "buildspec.yml"), (" a", "buildspec.yml"),
    ])
    head = "Resources: [" if line == "\n" else "version: 0.2\nphases:\n  build:\n    commands: [make]\n"
    return Sample(name, (head + line * (size // len(line))).encode())


def random_bytes(rng: random.Random) -> Sample:
    return Sample(rng.choice(KIND_FILES), bytes(rng.randrange(256) for _ in range(rng.randint(0, 600))))


def secrets(rng: random.Random) -> Sample:
    sample = planted_secret(rng)
    if rng.random() < 0.3:  # escapes, control characters or junk around the secret's line
        lines = sample.data.split(b"\n")
        index = rng.randrange(len(lines))
        lines.insert(index, rng.choice(PAYLOADS)(rng).encode("utf-8", "surrogatepass"))
        sample = Sample(sample.name, b"\n".join(lines), sample.secrets, sample.note + "+payload")
    return sample


_TF_PIECES = [
    'resource "aws_codebuild_project" "b" {\n  name = "b"\n  source {\n    type = "GITHUB"\n    buildspec = <<-EOT\n      version: 0.2\n      phases:\n        build:\n          commands: ["make"]\n    EOT\n  }\n  environment {\n    privileged_mode = true\n  }\n}\n',
    'resource "aws_codebuild_webhook" "w" {\n  project_name = aws_codebuild_project.b.name\n  filter_group {\n    filter {\n      type = "EVENT"\n      pattern = "PULL_REQUEST_CREATED"\n    }\n  }\n}\n',
    'resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.r.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })\n}\n',
    'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}\n',
    'locals {\n  x = "${var.a}-${local.x}"\n  y = [for i in var.l : "${i}"]\n}\n',
    'resource "aws_codepipeline" "p" {\n  name = "p"\n  stage {\n    name = "S"\n    action {\n      name = "A"\n      category = "Source"\n      owner = "AWS"\n      provider = "S3"\n      version = "1"\n      configuration {\n        S3Bucket = "b"\n      }\n    }\n  }\n}\n',
]


def terraform(rng: random.Random) -> Sample:
    """A Terraform file: real resource shapes, with what costs the HCL parser most (long strings
    and heredocs, long blank runs, deep template nesting, unterminated blocks), or mutated."""
    text = "".join(rng.choice(_TF_PIECES) for _ in range(rng.randint(1, 4)))
    roll = rng.random()
    size = rng.choice([1_000, 50_000, 300_000])
    if roll < 0.15:
        text += 'locals {\n  s = "' + rng.choice(["a", "a b ", "é", "$a", "}~", "\\n"]) * (size // 4) + '"\n}\n'
    elif roll < 0.3:
        text += "locals {\n  h = <<EOT\n" + (rng.choice(["x" * 70, "${var.a} text", "  %{ if true }y%{ endif }"]) + "\n") * (size // 70) + "EOT\n}\n"
    elif roll < 0.45:
        text = text.replace("= ", "=" + rng.choice([" ", "\n", "\t"]) * (size // 10), 1)
    elif roll < 0.55:
        depth = rng.choice([10, 40, 200, 2000])
        text += 'locals {\n  d = ' + '"${' * depth + "1" + '}"' * depth + "\n}\n"
    elif roll < 0.65:
        text = text[:rng.randrange(len(text))]  # cut anywhere: unterminated blocks, strings, heredocs
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.3:
        data = _mutate(rng, data, rng.randint(1, 4))
    return Sample(rng.choice(["main.tf", "ci/pipeline.tf"]), data)


CLASSES: dict[str, tuple[int, Callable[[random.Random], Sample]]] = {
    # name: (weight, generator)
    "generated": (20, generated),
    "corpus": (20, corpus_mutation),
    "huge-int": (6, huge_integers),
    "sexagesimal": (4, sexagesimals),
    "surrogate": (5, surrogates),
    "control": (5, control_characters),
    "secret": (12, secrets),
    "iam-wildcard": (3, iam_wildcards),
    "on-failure": (4, on_failures),
    "big": (1, big_probes),
    "bytes": (3, random_bytes),
    "terraform": (6, terraform),
}


def sample(seed: int, index: int, only: str | None = None) -> tuple[str, Sample]:
    """Input ``index`` of the run with ``seed``: its class and the sample."""
    rng = random.Random(seed * 1_000_003 + index)
    if only:
        return only, CLASSES[only][1](rng)
    names = list(CLASSES)
    name = rng.choices(names, weights=[CLASSES[n][0] for n in names])[0]
    return name, CLASSES[name][1](rng)
