"""The cold path stays lean: what a one-buildspec `pipelint check` imports (issue 18, item 3).

Timing is never asserted; this counts modules instead. A run is a fresh interpreter entering
the command as the console script does (``pipelint.launch``), and the test reads ``sys.modules``
afterwards. Heavy modules that a buildspec run never needs must stay out, whatever features
are added (a Terraform parser, the language server, automatic fixes, HTML reports), so the
list names them generically, by package.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Never on the path of `pipelint check one-buildspec.yml` (any option a plain run uses).
HEAVY = (
    "click",  # the command line is parsed by pipelint.fast_argv
    "inspect", "ast", "dis", "tokenize",  # docstrings are cleaned without inspect
    "jsonschema", "referencing", "rpds",  # the compiled validator covers the bundled schemas
    "pygments",  # only reports with colour or HTML highlight code
    "tree_sitter", "tree_sitter_hcl", "hcl2", "lark",  # Terraform parsers
    "pygls", "lsprotocol", "asyncio",  # the language server
    "multiprocessing", "concurrent",  # parallel runs fork without them
    "importlib.metadata", "importlib.resources",  # the rule index and data files are read directly
    "difflib",  # only for "did you mean" hints and diffs
    "yaml",  # PyYAML: the benchmark's parse floor, never pipelint
    "ruamel.yaml.main", "glob",  # the C parser is imported without ruamel.yaml's package __init__
    "pipelint.cli", "pipelint.terraform", "pipelint.lsp", "pipelint.fixes.apply",
    "pipelint.rules.appspec", "pipelint.rules.pipeline", "pipelint.rules.iam",  # other kinds' rules
)

# Only for running ShellCheck (BS901) on a cold cache, or writing files: not in a run without it.
EXTERNAL = ("subprocess", "tempfile", "shutil", "hashlib", "random", "bz2", "lzma",
            "threading")  # (subprocess imports it; signal handlers are installed without it)

_DRIVER = r"""
import json, sys
from pipelint.launch import _dispatch
try:
    _dispatch(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.write("\n" + json.dumps(sorted(sys.modules)) + "\n")
"""

BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo building\n      - make test\n"


def _modules(tmp_path, *options: str) -> set[str]:
    path = tmp_path / "buildspec.yml"
    path.write_text(BUILDSPEC)
    done = subprocess.run([sys.executable, "-c", _DRIVER, "check", "--isolated", "--no-color", *options, str(path)],
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in names))


@pytest.mark.parametrize("options", [("--ignore", "BS901"), ("--format", "json", "--ignore", "BS901"), ("--format", "sarif", "--ignore", "BS901")])
def test_a_buildspec_run_imports_nothing_heavy(tmp_path, options):
    modules = _modules(tmp_path, *options)
    assert "pipelint.rules.buildspec" in modules  # the run did lint the file
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, EXTERNAL) == []


def test_a_run_with_shellcheck_imports_nothing_heavy(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINT_CACHE_DIR", str(tmp_path / "cache"))
    modules = _modules(tmp_path)
    assert _loaded(modules, HEAVY) == []
    warm = _modules(tmp_path)  # the cache answers: no process, no temporary file, no OpenSSL
    assert _loaded(warm, HEAVY) == []
    assert _loaded(warm, ("tempfile", "shutil", "hashlib", "subprocess", "threading")) == []
