"""Terraform text pipelint does not read as Terraform says how to have it read.

Terraform is read only from ``.tf``/``.tf.json`` files: on standard input without
``--stdin-filename``, or in a file of another name, ``PL014`` says so and names the option or
the ``kinds`` mapping; the "nothing to lint" notice lists Terraform among the kinds read.
"""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from helpers import fixture
from pipelint.cli import main

PIPELINE = fixture("terraform", "semantics", "run_order_zero.tf")


def _check(cwd, *args, input=None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--isolated", "--format", "json", *args], input=input)
    finally:
        os.chdir(old)


def _findings(result):
    return [(f["code"], f["line"], f["column"], f["message"]) for f in json.loads(result.stdout)["findings"]]


def test_terraform_on_stdin_without_a_name_points_at_stdin_filename(tmp_path):
    text = open(PIPELINE, encoding="utf-8").read()
    [(code, line, col, message)] = _findings(_check(tmp_path, "-", input=text))
    assert (code, line, col) == ("PL014", 1, 1)
    assert "looks like Terraform" in message and "`--stdin-filename main.tf`" in message


def test_terraform_on_stdin_with_a_name_is_linted(tmp_path):
    text = open(PIPELINE, encoding="utf-8").read()
    codes = sorted(code for code, *_ in _findings(_check(tmp_path, "--stdin-filename", "main.tf", "-", input=text)))
    assert codes == ["CP107", "CP107", "CP201"]


def test_terraform_in_a_file_of_another_name_points_at_renaming_or_kinds(tmp_path):
    (tmp_path / "pipeline.txt").write_text(open(PIPELINE, encoding="utf-8").read(), encoding="utf-8")
    [(code, _line, _col, message)] = _findings(_check(tmp_path, "pipeline.txt"))
    assert code == "PL014"
    assert "rename it to end in `.tf`" in message and "`terraform`" in message and "--stdin-filename" not in message


def test_other_text_names_every_kind_read(tmp_path):
    [(code, _line, _col, message)] = _findings(_check(tmp_path, "-", input="just: some yaml\n"))
    assert code == "PL014"
    assert "IAM policy or Terraform file (`.tf`, `.tf.json`)" in message and "Terraform," not in message


def test_nothing_to_lint_lists_terraform(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    result = _check(tmp_path, ".")
    assert "nothing to lint in" in result.stderr and "Terraform file (`.tf`, `.tf.json`)" in result.stderr
