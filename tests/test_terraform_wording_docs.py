"""Every ``pipelint check`` command of docs/terraform.md works verbatim from the repository root.

The commands name fixture files (standing in for a user's ``infra/``); each must lint (exit 0 or
1), never stop at a missing path (exit 2). A ``< FILE`` redirection is fed as standard input.
"""

from __future__ import annotations

import os
import re
import shlex

from click.testing import CliRunner

from pipelint.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "terraform.md")


def _commands() -> list[str]:
    text = open(DOC, encoding="utf-8").read()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.DOTALL)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.startswith("pipelint check")]


def test_docs_name_commands():
    assert len(_commands()) >= 4


def test_every_terraform_docs_command_runs_verbatim():
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        for command in _commands():
            words = shlex.split(command)[1:]
            stdin = None
            if "<" in words:
                at = words.index("<")
                stdin = open(words[at + 1], encoding="utf-8").read()
                words = words[:at] + words[at + 2:]
            result = CliRunner().invoke(main, [*words[:1], "--isolated", *words[1:]], input=stdin)
            assert result.exit_code in (0, 1), (command, result.output)
            assert "Found" in result.output and "PL014" not in result.output, (command, result.output)
    finally:
        os.chdir(old)
