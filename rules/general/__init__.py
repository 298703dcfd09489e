"""``PL`` rules: problems found while reading files, and engine-level findings.

The loader and the engine produce these findings themselves (``scope="loader"``); the rules here
declare their codes, names, severities and documentation.
"""

from __future__ import annotations

from pipelint.api import rule


@rule("PL001", "internal-error", severity="error", scope="loader")
def internal_error() -> None:
    """A rule or the engine crashed on this file.

    The crash is reported as a finding of this rule on the file it happened on, the other rules
    and files still run, and pipelint exits with status 3. Please report it with the file that
    triggers it (redact any secrets first).

    AWS behaviour: none: this is pipelint's own failure, not AWS's. It is an error because the file
    was not fully checked (exit status 3). Source: pipelint.
    """


@rule("PL002", "syntax-error", severity="error", scope="loader")
def syntax_error() -> None:
    """The file is not valid YAML or JSON (or, for a ``.tf`` file, HCL).

    AWS cannot read it either: CodeBuild fails with ``YAML_FILE_ERROR``, CodeDeploy with an
    AppSpec parse error, CloudFormation rejects the template; ``terraform plan`` stops at an HCL
    syntax error before anything reaches AWS. The finding points at the place the parser gave
    up (for HCL, the first error only).

    Where the cause is recognisable the message names it: a merge-conflict marker, a stray
    character before a key, a value starting with ``@``, a stray line, or a missing space in
    ``key:value``. When the line below ``key:value`` is indented deeper than the key, that block
    is the key's value, so the word after the colon is stray (``- TargetService:service`` over
    ``Type: AWS::ECS::Service``): the fix deletes it (``TargetService:``) rather than adding a
    space, which would give the key a value and a block at once and still fail. A fix that
    rewrites one line (adding the space, deleting the glued word or a stray character, quoting a
    value) is suggested only after pipelint has read the file again with it (the same parser,
    this file only) and the error is gone, with no new one at or before its place (an unclosed
    bracket counts where it opens); otherwise the finding carries no fix.

    In JSON, a ``}`` or ``]`` right after a comma is reported on the comma, as "trailing comma
    after the last item on line N" (fix: delete the comma), not as an unexpected bracket on the
    next line. A Terraform 0.11 ``configuration { … }`` block in an ``aws_codepipeline`` action is
    valid HCL that Terraform itself rejects ("Unsupported block type"): it is worded as a
    Terraform error, not an HCL syntax error.

    A ``.json`` file that holds YAML is read as YAML (see ``PL016``): an error in that YAML is
    reported here at its own position, saying that the file holds YAML, instead of "unexpected
    'v'" at the first character; and when the YAML is valid but the content is an AWS CLI JSON
    input or an IAM policy document (read as JSON only), the file holding YAML is this error.

    AWS behaviour: CodeBuild fails the build in DOWNLOAD_SOURCE with YAML_FILE_ERROR and the
    parser's message ("found character that cannot start any token", "did not find expected ',' or
    ']'"); CloudFormation answers "Template format error: YAML not well-formed"; the CodeDeploy
    agent fails the deployment with a Psych parse error. Source: observed in
    awsdocs/aws-codebuild-user-guide#25 and aws-samples/bedrock-chat#441.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - 'echo it's done'     # a ' inside '…' ends the string

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - "echo it's done"
    """


@rule("PL016", "yaml-in-json-file", severity="warning", scope="loader")
def yaml_in_json_file() -> None:
    """A ``.json`` file holds YAML, not JSON.

    A YAML AppSpec or template saved under a ``.json`` name fails JSON parsing at its first
    character. When a ``.json`` file is not JSON, does not start with ``{`` or ``[``, and its
    first line of content reads like YAML (``key:``, ``- item``, ``---``), pipelint reads it as
    YAML: this finding sits on that first line, and the file is linted as the YAML it holds (so
    its real mistakes are reported too). If the YAML is invalid as well, the YAML error is
    reported as ``PL002``, saying that the file holds YAML, at the YAML error's position.

    This is a warning because the services that read such files by content accept YAML:
    CodeDeploy takes the AppSpec of an ECS or Lambda deployment as JSON or YAML, and
    CloudFormation reads templates in either. Anything that trusts the ``.json`` name (an
    editor, a JSON schema check, ``jq``) rejects it. When the content is an AWS CLI JSON input
    (a CodePipeline or CodeBuild definition) or an IAM policy document, which are read as JSON
    only, the same message is reported as ``PL002``, an error.

    AWS behaviour: CodeDeploy: "An AppSpec file can be written using JSON or YAML" (ECS), and the
    AppSpec content of a Lambda or ECS revision "is formatted as JSON or YAML"; an EC2/On-Premises
    AppSpec must be named ``appspec.yml``. Source: AWS CodeDeploy User Guide, "Add an application
    specification file to a revision for CodeDeploy"
    (docs.aws.amazon.com/codedeploy/latest/userguide/application-revisions-appspec-file.html) and
    "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html); CodeDeploy API
    Reference, RevisionLocation (appSpecContent).

    Failing (``appspec.json``)::

        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service

    Fixed: rename the file ``appspec.yaml`` (and name that file in the pipeline's
    ``AppSpecTemplatePath``), or write it as JSON::

        {"version": 0.0, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service"}}]}
    """


@rule("PL003", "duplicate-key", severity="warning", scope="loader")
def duplicate_key() -> None:
    """A mapping has the same key twice.

    YAML parsers keep only the last value, silently: the first ``commands`` list of a phase, or
    the first ``Properties`` of a resource, never runs. JSON files get the same check.

    The finding sits on the repeated key and names the line of the first one. When both values
    are the same (compared by value: key order in a mapping does not matter, ``1`` and ``"1"``
    differ) nothing is lost and the message says so: "duplicate key `X` (same value as line N):
    AWS keeps one; remove the repeat". When they differ it names both lines and which value is
    dropped. PL003 is reported at most 100 times per file; one more finding, on the 101st
    repeat, counts the rest.

    AWS behaviour: CloudFormation accepts a duplicated key and keeps the last value (checked with
    validate-template), and so do the CodeDeploy agent's Ruby YAML and JSON parsers; only the AWS
    CLI's `aws cloudformation deploy`/`package` refuse a YAML template with "found duplicate key". A
    warning: the earlier value is silently lost. Source: go-to-k/cdk-real-drift#1074
    (CloudFormation), brentley/container-demo#11 (AWS CLI), aws-cloudformation/cfn-lint#35.

    Failing::

        phases:
          build:
            commands: [make]
          build:
            commands: [make test]

    Fixed: merge the two into one key.
    """


@rule("PL004", "not-utf8", severity="error", scope="loader")
def not_utf8() -> None:
    """The file is not valid UTF-8.

    AWS reads these files as UTF-8. The finding names the first bad byte and its position.
    Fix: re-save the file as UTF-8.

    AWS behaviour: AWS reads these files as UTF-8 and fails to parse invalid byte sequences
    (CodeBuild: YAML_FILE_ERROR). Source: AWS CodeBuild User Guide, "Build specification reference
    for CodeBuild" (docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html) (YAML); YAML
    1.2 §5.2 character encodings.
    """


@rule("PL005", "binary-file", severity="error", scope="loader")
def binary_file() -> None:
    """The file contains NUL bytes, so it is binary, not YAML or JSON. It is not linted.

    This fires only for files named like a buildspec or appspec, or named on the command line.

    AWS behaviour: a NUL byte is not allowed in YAML, so CodeBuild fails with YAML_FILE_ERROR and
    CodeDeploy with a parse error; pipelint does not lint the file. Source: YAML 1.2 §5.1 character
    set.
    """


@rule("PL006", "empty-file", severity="error", scope="loader")
def empty_file() -> None:
    """The file is empty or holds only comments.

    CodeBuild and CodeDeploy reject an empty buildspec or appspec (the CodeDeploy agent says
    "the application specification file was empty").

    AWS behaviour: the CodeDeploy agent raises "the application specification file was empty. Make
    sure your AppSpec file defines at minimum the 'version' and 'os' properties"; CodeBuild has no
    version or phases to run. Source: aws/aws-codedeploy-agent (agent 1.8.1)
    application_specification.rb.
    """


@rule("PL007", "file-too-large", severity="error", scope="loader")
def file_too_large() -> None:
    """The file is larger than the size limit (5 MB by default), or holds more than 200,000 values, and is not linted.

    No real buildspec, appspec or pipeline is that large; a file that is usually is generated or
    hostile. Raise ``max-file-size`` in the configuration if you really need to lint it. A file
    of more than 200,000 values (scalars, lists and mappings, counted as they are read) is refused
    too, as soon as the 200,001st is read (real files hold about 55,000 values per MB, so a full
    1 MB CloudFormation template stays well under the cap). A Terraform file is refused when it
    holds more than 200,000 values or 400,000 syntax elements (a few kilobytes is usual).

    AWS behaviour: none recorded; the error is pipelint's: the file was not checked. Raise
    `max-file-size` to lint it. Source: pipelint.
    """


@rule("PL008", "nesting-too-deep", severity="error", scope="loader")
def nesting_too_deep() -> None:
    """The file nests mappings or lists deeper than the limit (256 levels by default).

    Such input is hostile or generated; it is refused before it can exhaust the stack.
    Raise ``max-depth`` in the configuration if you really need it.

    AWS behaviour: none recorded; the error is pipelint's: the file was not checked. Raise
    `max-depth` to lint it. Source: pipelint.
    """


@rule("PL009", "alias-bomb", severity="error", scope="loader")
def alias_bomb() -> None:
    """YAML aliases in the file expand to an enormous tree ("billion laughs").

    pipelint counts the nodes aliases would expand to and stops at a bounded limit instead of
    expanding them, so the check takes microseconds and constant memory. It also counts the
    characters of the values each alias repeats: past 1 MiB or twice the file's size, whichever
    is larger (one 4 MB string behind 400 aliases), the file is refused too, since every rule
    would read that text once per alias.

    AWS behaviour: none recorded; the error is pipelint's: the file was not checked, because
    expanding it is unsafe. Source: pipelint.

    Failing::

        a: &a [x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        ...
    """


@rule("PL010", "tab-indentation", severity="error", scope="loader")
def tab_indentation() -> None:
    """A YAML line is indented with a tab character.

    YAML allows only spaces for indentation; CodeBuild fails with ``YAML_FILE_ERROR … found
    character that cannot start any token``. (JSON files may use tabs; they are not flagged.)

    Fix: indent with spaces.

    AWS behaviour: CodeBuild fails the build in DOWNLOAD_SOURCE with "YAML_FILE_ERROR Message: found
    character that cannot start any token at line N". Source: observed in
    awsdocs/aws-codebuild-user-guide#25.
    """


@rule("PL011", "not-a-mapping", severity="error", scope="loader")
def not_a_mapping() -> None:
    """The document is a list or a single value where a mapping is required.

    Buildspecs, appspecs, templates, pipelines and policies are all mappings at the top level.

    AWS behaviour: every AWS parser expects a mapping at the top: CodeBuild fails with
    YAML_FILE_ERROR, the CodeDeploy agent with a NoMethodError on the top-level value,
    CloudFormation with "Template format error". Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb
    (yaml_hash['version']).

    Failing::

        - echo build

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - echo build
    """


@rule("PL012", "bad-suppression", severity="warning", scope="loader")
def bad_suppression() -> None:
    """A ``# pipelint: disable=…`` comment names a rule that does not exist, or is not a
    suppression comment at all.

    Unknown codes in suppression comments (and in configuration) are reported rather than
    ignored, so a typo never hides a finding you meant to keep, or keeps one you meant to hide.
    So is a comment that starts with ``# pipelint:`` but does not have the form
    ``disable=``, ``disable-next-line=`` or ``disable-file=`` (a missing ``=`` is the usual
    slip): it silences nothing. In Terraform files, ``//`` and one-line ``/* … */`` comments
    work like ``#``; a ``pipelint:`` line inside a block comment that spans lines is not read,
    and is reported too.

    Failing::

        version: 0.2  # pipelint: disable=BS999
        phases:       # pipelint: disable BS110

    Fixed: use a code or name listed by ``pipelint rules``, and write ``disable=BS110``.
    """


@rule("PL015", "unused-suppression", severity="warning", scope="loader", tags=("opt-in",))
def unused_suppression() -> None:
    """A suppression comment names a rule that reported nothing there (opt-in).

    A ``# pipelint: disable=…`` comment outlives the problem it silenced: the file gets fixed,
    the comment stays, and later hides a new finding of the same rule on that line. Only rules
    that ran are judged (a rule left out by ``--select`` might still need its comment), and
    cross-file findings (``CP4xx``), which comments cannot silence, never count as uses. This
    rule is off unless selected: ``--select PL015`` or ``extend-select = ["PL015"]``.

    Failing::

        version: 0.2  # pipelint: disable=BS110

    Fixed: remove the comment (or the code from it).
    """


@rule("PL013", "unreadable-file", severity="error", scope="loader")
def unreadable_file() -> None:
    """A file found while walking a directory could not be read (permissions, a broken link).

    A path named on the command line that cannot be read is a usage error instead (exit 2).

    AWS behaviour: none: the error is pipelint's: a file it was asked to lint could not be read.
    Source: pipelint.
    """


@rule("PL014", "unrecognised-file", severity="warning", scope="loader")
def unrecognised_file() -> None:
    """A file named on the command line is not a kind pipelint reads.

    Files found by walking a directory are skipped silently when they are not buildspecs,
    appspecs, CloudFormation templates, ``aws codepipeline`` definitions, IAM policies or
    Terraform files; a file you name explicitly is reported, so a typo in a CI step does not pass
    unnoticed. Map it to a kind with the ``kinds`` configuration key if pipelint should read it.
    Terraform is read only from ``.tf`` and ``.tf.json`` files: Terraform text in another file,
    or on standard input without ``--stdin-filename main.tf``, is reported with that advice. A
    buildspec-named file that a Terraform ``templatefile()`` call renders, and that is not YAML
    until rendered (``%{ if … }`` directives), is not linted on its own either.
    """
