"""The rule engine: plugin loading (entry points and rules dirs), crashes, project rules."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from helpers import lint, triples
from pipelint.cli import main
from pipelint.engine.registry import load_rules
from pipelint.engine.rule import rule

PLUGINS = os.path.join(os.path.dirname(__file__), "plugins")
RULES_DIR = os.path.join(PLUGINS, "rules_dir")


def _buildspec(tmp_path, text):
    path = tmp_path / "buildspec.yml"
    path.write_text(text)
    return str(path)


def test_rules_dir_plugin_loads_and_a_crashing_rule_does_not_stop_others(tmp_path):
    path = _buildspec(tmp_path, "version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n")
    findings = lint(path, select=["XT"], rules_dirs=[RULES_DIR])
    assert triples(findings) == [("PL001", 1, 1), ("XT101", 2, 1)]
    crash = [f for f in findings if f.code == "PL001"][0]
    assert "XT102" in crash.message and "RuntimeError" in crash.message


def test_crash_exits_3_with_other_results(tmp_path):
    path = _buildspec(tmp_path, "version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-color", "--select", "XT", "--rules-dir", RULES_DIR, path])
    assert result.exit_code == 3, result.output
    assert "XT101" in result.output and "PL001" in result.output


def test_entry_point_plugin_loads_through_importlib_metadata(tmp_path):
    path = _buildspec(tmp_path, "version: 0.1\nphases:\n  build:\n    commands: [make]\n")
    env = dict(os.environ, PYTHONPATH=os.path.join(PLUGINS, "ep_pkg"))
    proc = subprocess.run(
        [sys.executable, "-m", "pipelint", "check", "--isolated", "--no-color", "--select", "XE201", path],
        capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert f"{path}:1:10: XE201 [error] use version 0.2 (no-version-01)" in proc.stdout
    listed = subprocess.run([sys.executable, "-m", "pipelint", "rules"], capture_output=True, text=True, env=env, check=False)
    assert "XE201" in listed.stdout


def test_builtin_rules_have_codes_names_and_docs():
    registry = load_rules()
    assert registry.rules
    for found in registry.rules:
        assert found.doc and found.summary, found.code
        assert registry.get(found.name) is found


def test_rule_declaration_is_validated():
    import pytest

    with pytest.raises(ValueError):
        rule("bad", "x")
    with pytest.raises(ValueError):
        rule("AB123", "Not_Kebab")
    with pytest.raises(ValueError):
        rule("AB123", "ok", kinds=("nonsense",))

    def undocumented(doc, config):
        return None

    with pytest.raises(ValueError):
        rule("AB123", "ok")(undocumented)
    with pytest.raises(ValueError):  # only project rules say which documents they share
        rule("AB123", "ok", shared=lambda doc: True)


def test_project_rules_without_shared_see_every_document_together():
    """A project rule that does not declare `shared` (a plugin's) keeps the joint run; the
    built-in cross-file rules run file by file unless a file names a project literally."""
    from pipelint.engine.rule import Document
    from pipelint.engine.rule_index import _qualified
    from pipelint.engine.runner import build_settings
    from pipelint.load.nodes import Mapping, Source

    def check(project, config):
        """A project rule for this test."""
        return iter(())

    empty = Document("template", Mapping([], None, Source("t.yaml", "", "yaml"), 1, 1, 1, 1), Source("t.yaml", "", "yaml"))
    settings = build_settings(paths=["."], isolated=True, select=["CP4"])
    assert settings.project_rules and not settings.shares([empty])
    plugin = rule("XP401", "joint-check", kinds=("pipeline",), scope="project")(check)
    settings.active.append(plugin)
    assert settings.shares([empty])
    with pytest.raises(ValueError):  # the index imports `shared` by name: module level only
        _qualified(lambda doc: True)

    def broken(doc):
        raise RuntimeError("broken predicate")

    settings.active[-1] = rule("XP402", "broken-split", kinds=("pipeline",), scope="project", shared=broken)(check)
    assert settings.shares([empty])  # a predicate that raises keeps the joint run


def test_select_by_code_name_and_prefix(tmp_path):
    path = _buildspec(tmp_path, "version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n")
    for ident in ("XT101", "no-forbidden-key", "XT1"):
        findings = lint(path, select=[ident], rules_dirs=[RULES_DIR], ignore=["XT102"])
        assert triples(findings) == [("XT101", 2, 1)], ident
    assert triples(lint(path, select=["XT"], ignore=["no-forbidden-key", "XT102"], rules_dirs=[RULES_DIR])) == []


def test_parallel_run_is_identical_and_deterministic():
    import json

    fixtures = os.path.join(os.path.dirname(__file__), "fixtures")
    outputs = []
    for jobs in ("1", "2", "2"):
        result = CliRunner().invoke(main, ["check", "--isolated", "--format", "json", "--ignore", "BS901", "--jobs", jobs, fixtures])
        assert result.exit_code == 1, result.output[-2000:]
        outputs.append(json.loads(result.output))
    assert outputs[0]["summary"]["files"] >= 16  # enough files for the worker pool to be used
    assert outputs[0] == outputs[1] == outputs[2]



def test_parallel_runs_with_more_processes_are_identical_on_the_corpus():
    from conftest import CORPUS

    if not os.path.isdir(CORPUS):
        import pytest

        pytest.skip(f"corpus not found at {CORPUS}")
    outputs = []
    for jobs in ("1", "2", "3"):
        result = CliRunner().invoke(main, ["check", "--isolated", "--format", "json", "--ignore", "BS901", "--jobs", jobs, CORPUS])
        assert result.exit_code == 1, result.output[-2000:]
        outputs.append(result.output)
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_worker_that_dies_is_survived(tmp_path, monkeypatch):
    # XD101 kills every forked worker that runs it; the main process lints what they did not report.
    for number in range(20):
        (tmp_path / f"buildspec-{number:02}.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    from pipelint.engine.runner import build_settings, run

    deaths = tmp_path / "deaths"
    deaths.mkdir()
    monkeypatch.setenv("PIPELINT_TEST_MAIN_PID", str(os.getpid()))
    monkeypatch.setenv("PIPELINT_TEST_DEATHS", str(deaths))
    paths = [str(tmp_path)]
    settings = build_settings(paths=paths, select=["XD101"], isolated=True, rules_dirs=[os.path.join(PLUGINS, "dying_dir")])
    findings = run(paths, settings=settings, jobs=2).findings
    if hasattr(os, "fork"):
        assert len(list(deaths.iterdir())) == 1  # the forked worker ran the rule, and died
    assert sorted((os.path.basename(f.path), f.code, f.line) for f in findings) == [
        (f"buildspec-{number:02}.yml", "XD101", 1) for number in range(20)]

LATER_DIR = os.path.join(PLUGINS, "later_dir")


def test_a_rule_that_yields_later_is_resumed_after_the_other_rules(tmp_path):
    # XL109 (tagged external) runs before XL101 although its code sorts after it, yields LATER,
    # and is resumed once XL101 has run; XL110 crashes on resumption without hiding the others.
    path = _buildspec(tmp_path, "version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    findings = lint(path, select=["XL"], rules_dirs=[LATER_DIR])
    assert triples(findings) == [("PL001", 1, 1), ("XL109", 1, 1), ("XL109", 2, 1)]
    after = [f for f in findings if f.code == "XL109" and f.line == 2][0]
    assert after.message == "after waiting; meanwhile: XL109 started, XL101"
    crash = [f for f in findings if f.code == "PL001"][0]
    assert "XL110" in crash.message and "collected badly" in crash.message


def test_the_process_pool_fallback_gives_the_same_result():
    # Where fork or memfd is missing (Windows, macOS) a process pool lints instead.
    from pipelint.discover import discover
    from pipelint.engine import parallel
    from pipelint.engine.runner import build_settings, lint_entry

    fixtures = os.path.join(os.path.dirname(__file__), "fixtures")
    settings = build_settings(paths=[fixtures], isolated=True, ignore=["BS901"])
    entries = discover([fixtures], [])
    pooled = parallel._with_pool(entries, settings, 2, None)
    serial = [lint_entry(entry, settings, keep=True) for entry in entries]
    assert [[f.to_dict() for f in r.findings] for r in pooled] == [[f.to_dict() for f in r.findings] for r in serial]
    marked = [parallel.feeds_project_rules(entry, settings.limits.max_bytes) for entry in entries]
    assert any(marked)
    # Pool workers keep no documents; what the joint runs need from each file is the same.
    assert not any(r.documents for r in pooled) and any(r.documents for r in serial)
    assert [(r.share_keys, r.project_done, [f.to_dict() for f in r.project_findings]) for r in pooled] == \
        [(r.share_keys, r.project_done, [f.to_dict() for f in r.project_findings]) for r in serial]


def test_the_cycle_collector_is_paused_during_a_run_and_restored(tmp_path, monkeypatch):
    """Automatic collection is off while files are linted (trees have no cycles; collecting
    them only costs time), back on afterwards, and garbage cycles are freed between files."""
    import gc
    import weakref

    from pipelint.engine import collector, runner

    seen = []
    original = runner.discover

    def spying(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, "discover", spying)
    path = _buildspec(tmp_path, "version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    assert gc.isenabled()
    lint(path)
    assert seen == [False] and gc.isenabled()

    class Cyclic:
        pass

    monkeypatch.setattr(collector, "PENDING_LIMIT", 0)
    with collector.paused():
        first, second = Cyclic(), Cyclic()
        first.other, second.other = second, first
        alive = weakref.ref(first)
        del first, second
        assert alive() is not None  # no automatic collection while paused
        collector.between_files()
        assert alive() is None


def _plugin(tmp_path, name: str, source: str) -> str:
    """A rules directory holding one plugin module."""
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / name).write_text(source)
    return str(rules_dir)


def _template_repo(tmp_path, names: list[str]):
    """A repository folder with the clean pipeline template under each of ``names``."""
    import shutil

    repo = tmp_path / "repo"
    repo.mkdir()
    template = os.path.join(os.path.dirname(__file__), "fixtures", "pipeline", "repo_pass", "template.yaml")
    for name in names:
        shutil.copy(template, repo / name)
    return repo


def test_a_crashing_project_rule_reports_once_with_any_number_of_processes(tmp_path, monkeypatch):
    """A plugin project rule that raises on every pipeline gives one PL001, not one per file."""

    from pipelint.engine.runner import build_settings, run

    rules_dir = _plugin(tmp_path, "crashy.py",
        "from pipelint.api import rule\n\n"
        "def splits(doc):\n    return False\n\n"
        "@rule('XC401', 'crashy-project', kinds=('pipeline',), scope='project', shared=splits)\n"
        "def crashy(project, config):\n"
        "    '''Crashes on purpose (a test plugin).'''\n"
        "    for doc in project.documents('pipeline'):\n"
        "        raise ValueError('boom')\n"
        "    return iter(())\n"
    )
    repo = _template_repo(tmp_path, [f"t{number:02}.yaml" for number in range(18)])
    monkeypatch.chdir(repo)
    for jobs in (1, 2):
        settings = build_settings(paths=["."], isolated=True, select=["XC401"], rules_dirs=[rules_dir])
        crashes = [f for f in run(["."], settings=settings, jobs=jobs).findings if f.code == "PL001"]
        assert len(crashes) == 1 and "XC401" in crashes[0].message, (jobs, crashes)


@pytest.mark.parametrize("split", ["", ", shared=alone"])
def test_secrets_a_project_rule_finds_in_files_it_loads_are_masked(tmp_path, monkeypatch, split):
    """A project rule that reports a secret on a node of a file it loaded from disk gets it
    masked in that file's code frames, as if it had reported on the run's own document, whether
    it runs over the whole run or file by file."""
    from pipelint.engine.runner import build_settings, run

    rules_dir = _plugin(tmp_path, "peek.py",
        "from pipelint.api import Report, rule\n\n"
        "def alone(doc):\n    return False\n\n"
        f"@rule('XS401', 'peek-secret', kinds=('pipeline',), scope='project'{split})\n"
        "def peek(project, config):\n"
        "    '''Reports the motto in buildspec.yml as a secret (a test plugin).'''\n"
        "    for doc in project.load_document(project.find_file('buildspec.yml'), 'buildspec'):\n"
        "        node = doc.root.get('motto')\n"
        "        yield Report(node, 'a secret motto is written here', secret=node.value)\n"
    )
    repo = _template_repo(tmp_path, ["template.yaml"])
    (repo / "buildspec.yml").write_text("version: 0.2\nmotto: plain words nobody flags\nphases:\n  build:\n    commands: [make]\n")
    monkeypatch.chdir(repo)
    settings = build_settings(paths=["."], isolated=True, select=["XS401"], rules_dirs=[rules_dir])
    result = run(["."], settings=settings, jobs=1)
    assert [(f.code, f.path, f.line) for f in result.findings] == [("XS401", "buildspec.yml", 2)]
    assert "plain words nobody flags" in result.sources["buildspec.yml"].secrets


# --------------------------------------------------------------------------------------------
# Hostile input (issue 13)


def _on_failure(tmp_path, value: str) -> str:
    path = tmp_path / "buildspec.yml"
    path.write_text(f"version: 0.2\nphases:\n  build:\n    on-failure: '{value}'\n    commands:\n      - make\n")
    return str(path)


@pytest.mark.parametrize(("value", "expected"), [
    ("RETRY-3-a{99999999999}", "the repeat count 99999999999 in the retry pattern exceeds 1,000"),
    ("RETRY-a{1001}", "the repeat count 1001 in the retry pattern exceeds 1,000"),
    ("RETRY-2-x{2," + "9" * 900 + "}", "exceeds 1,000"),
    ("RETRY-3-" + "(" * 1000 + "a" + ")" * 1000, "the retry pattern is 2,001 characters long"),
    ("RETRY-3-" + "(" * 150 + "a" + ")" * 150, "nests groups 150 deep"),
    ("RETRY-3-" + "(a|b)*c" * 300_000, "the retry pattern is 2,100,000 characters long"),
    ("RETRY-" + "9" * 5000, "the retry count 9999"),
    ("RETRY-2-(unclosed", "`(unclosed` is not a valid regular expression"),
])
def test_a_crafted_retry_pattern_is_a_finding_and_never_compiled_unchecked(tmp_path, monkeypatch, value, expected):
    """BS107 measures the pattern (length, nesting, repeat counts) before `re` sees it, so no
    pattern overflows, recurses or takes seconds to compile; each one is reported instead."""
    import re

    compiled: list[int] = []
    original = re.compile

    def spying(pattern, *args, **kwargs):
        if isinstance(pattern, str) and len(pattern) >= 5 and pattern in value:
            compiled.append(len(pattern))
        return original(pattern, *args, **kwargs)

    monkeypatch.setattr(re, "compile", spying)
    findings = lint(_on_failure(tmp_path, value), select=["BS107", "PL001"])
    assert triples(findings) == [("BS107", 4, 17)], findings
    finding = findings[0]
    assert expected in finding.message and str(finding.severity) == "warning", finding.message
    assert len(finding.message) < 400  # the pattern is clipped, never quoted whole
    assert compiled == ([len("(unclosed")] if "unclosed" in value else [])


@pytest.mark.parametrize("value", ["RETRY", "RETRY-3", "RETRY-.*timeout.*", "RETRY-2-[]x]+", "RETRY-1-a{2,5}", "RETRY-100-(a(b(c)))"])
def test_valid_retry_forms_pass(tmp_path, value):
    assert triples(lint(_on_failure(tmp_path, value), select=["BS107", "PL001"])) == []


_MANY = (
    "from pipelint.api import Mapping, Report, rule\n\n"
    "CONSUMED = []\n\n"
    "@rule('XK101', 'every-key', severity='warning', kinds=('buildspec',))\n"
    "def every_key(doc, config):\n"
    "    '''Reports every top-level key (a test plugin); `loud` keys as errors.'''\n"
    "    for key, _value in doc.root.pairs:\n"
    "        if not key.text.startswith(('key', 'loud')):\n"
    "            continue\n"
    "        CONSUMED.append(key.line)\n"
    "        yield Report(key, 'a key', severity='error' if key.text.startswith('loud') else None)\n\n"
    "@rule('SEC901', 'every-key-secret', severity='error', kinds=('buildspec',))\n"
    "def every_key_secret(doc, config):\n"
    "    '''Reports each `pw` value as a secret (a test plugin).'''\n"
    "    for key, value in doc.root.pairs:\n"
    "        if key.text.startswith('pw'):\n"
    "            yield Report(value, 'a secret', secret=value.value)\n\n"
    "def alone(doc):\n    return False\n\n"
    "@rule('XK401', 'every-key-project', kinds=('pipeline',), scope='project', shared=alone)\n"
    "def every_key_project(project, config):\n"
    "    '''Reports 250 times on each pipeline (a test plugin).'''\n"
    "    for doc in project.documents('pipeline'):\n"
    "        for _ in range(250):\n"
    "            yield Report(doc.root, 'again')\n"
)


def _many_keys(tmp_path, count: int, extra: str = "", loud_from: int | None = None) -> str:
    lines = ["version: 0.2", "phases:", "  build:", "    commands: [make]"]
    lines += [f"{'loud' if loud_from is not None and number >= loud_from else 'key'}{number}: 1" for number in range(count)]
    path = tmp_path / "buildspec.yml"
    path.write_text(extra + "\n".join(lines) + "\n")
    return str(path)


def _many_settings(tmp_path, select):
    from pipelint.engine.runner import build_settings

    rules_dir = tmp_path / "rules"
    if not rules_dir.exists():
        _plugin(tmp_path, "many.py", _MANY)
    return build_settings(paths=["."], isolated=True, select=select, rules_dirs=[str(rules_dir)])


def test_findings_per_rule_and_file_are_capped_and_the_rest_counted(tmp_path):
    """250 findings of one rule: the first 100 are listed, one more at the 101st counts the
    other 150 with the highest severity among them."""
    from pipelint.engine.runner import FINDINGS_PER_RULE, run

    path = _many_keys(tmp_path, 250, loud_from=240)
    settings = _many_settings(tmp_path, ["XK101"])
    result = run([path], settings=settings, jobs=1)
    assert FINDINGS_PER_RULE == 100
    listed = [f for f in result.findings if f.code == "XK101"]
    assert len(listed) == 101
    summary = [f for f in listed if "more" in f.message]
    assert [(f.line, f.col, str(f.severity)) for f in summary] == [(5 + 100, 1, "error")]
    assert summary[0].message.startswith("150 more XK101 findings in this file not listed (at most 100 per rule and file)")
    assert sorted(f.line for f in listed if f not in summary) == list(range(5, 105))
    assert len(settings.registry.by_code["XK101"].check.__globals__["CONSUMED"]) == 250


def test_a_rule_past_the_cap_is_stopped_after_the_count_limit(tmp_path, monkeypatch):
    """Past the cap the engine asks a rule for at most COUNT_LIMIT more reports, then stops
    it (operation count, not time: 100 + 50 reports consumed out of 5,000)."""
    from pipelint.engine import runner

    monkeypatch.setattr(runner, "COUNT_LIMIT", 50)
    path = _many_keys(tmp_path, 5000)
    settings = _many_settings(tmp_path, ["XK101"])
    findings = runner.run([path], settings=settings, jobs=1).findings
    assert len(settings.registry.by_code["XK101"].check.__globals__["CONSUMED"]) == 150
    summary = [f for f in findings if "more" in f.message]
    assert len(findings) == 101 and summary[0].message.startswith("at least 50 more XK101 findings")


def test_a_secret_detector_is_never_stopped_and_every_secret_is_masked(tmp_path, monkeypatch):
    from pipelint.engine import runner

    monkeypatch.setattr(runner, "COUNT_LIMIT", 10)
    lines = ["version: 0.2", "phases:", "  build:", "    commands: [make]"] + [f"pw{n}: Sx{n:05}qQzZ" for n in range(300)]
    path = tmp_path / "buildspec.yml"
    path.write_text("\n".join(lines) + "\n")
    settings = _many_settings(tmp_path, ["SEC901"])
    result = runner.run([str(path)], settings=settings, jobs=1)
    assert len(result.findings) == 101
    assert {f"Sx{n:05}qQzZ" for n in range(300)} <= result.sources[str(path)].secrets


def test_suppressed_findings_do_not_count_against_the_cap(tmp_path):
    from pipelint.engine.runner import run

    settings = _many_settings(tmp_path, ["XK101"])
    path = _many_keys(tmp_path, 250, extra="# pipelint: disable-file=XK101\n")
    result = run([path], settings=settings, jobs=1)
    assert result.findings == [] and result.suppressed == 250


def test_project_rule_findings_are_capped_too(tmp_path, monkeypatch):
    from pipelint.engine.runner import run

    settings = _many_settings(tmp_path, ["XK401"])
    repo = _template_repo(tmp_path, ["template.yaml"])
    monkeypatch.chdir(repo)
    findings = run(["."], settings=settings, jobs=1).findings
    assert len(findings) == 101
    assert [f.message for f in findings if "more" in f.message] == [
        "150 more XK401 findings in this file not listed (at most 100 per rule and file); this is the first of them"]


def test_loading_problems_are_capped_per_code():
    from pipelint.engine.runner import _capped_problems, build_settings
    from pipelint.load.problems import LoadProblem

    settings = build_settings(paths=["."], isolated=True)
    problems = [LoadProblem("PL003", f"duplicate key `k` (line {n})", line=n, col=1) for n in range(1, 1001)]
    findings = _capped_problems(problems, "x.yml", settings)
    assert len(findings) == 101 and findings[-1].line == 101
    assert findings[-1].message.startswith("900 more PL003 findings")


def test_a_huge_iam_action_list_gives_a_bounded_report(tmp_path):
    """30,000 `"*"` actions: 100 IAM001 findings and one counting at least 10,000 more; the
    rule is not asked for the other 19,900."""
    import json

    from pipelint.engine.runner import COUNT_LIMIT

    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": ["*"] * 30_000}]}))
    findings = [f for f in lint(str(path), select=["IAM001"]) if f.code == "IAM001"]
    assert len(findings) == 101
    assert [f.message.split(" more")[0] for f in findings if " more IAM001" in f.message] == [f"at least {COUNT_LIMIT:,}"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crashing_document_rule_stops_neither_other_rules_nor_other_files(tmp_path, jobs):
    """XT102 raises on every buildspec: each of 20 files gets exactly one PL001 for it and
    still its XT101 finding, in one process and in several."""
    from pipelint.engine.runner import build_settings, run

    for number in range(20):
        (tmp_path / f"buildspec-{number:02}.yml").write_text("version: 0.2\nforbidden: true\nphases:\n  build:\n    commands: [make]\n")
    settings = build_settings(paths=[str(tmp_path)], isolated=True, select=["XT"], rules_dirs=[RULES_DIR])
    result = run([str(tmp_path)], settings=settings, jobs=jobs)
    got = sorted((os.path.basename(f.path), f.code, f.line) for f in result.findings)
    assert got == sorted([(f"buildspec-{n:02}.yml", "PL001", 1) for n in range(20)] + [(f"buildspec-{n:02}.yml", "XT101", 2) for n in range(20)])
    assert all("XT102" in f.message for f in result.findings if f.code == "PL001") and result.internal_error


_SLEEPY = (
    "import os\nimport time\n\n"
    "from pipelint.api import rule\n\n"
    "@rule('XZ101', 'sleepy', kinds=('buildspec',))\n"
    "def sleepy(doc, config):\n"
    "    '''Sleeps on every file, so that a run is surely under way when it is signalled; says\n"
    "    which process sleeps with a file named by its pid (a test plugin).'''\n"
    "    open(os.path.join(os.environ['PIPELINT_TEST_SLEEPING'], str(os.getpid())), 'w').close()\n"
    "    time.sleep(60)\n"
    "    return iter(())\n"
)


def _start_sleepy_run(tmp_path, jobs: str, *extra: str, pool: bool = False) -> tuple[subprocess.Popen, list[int]]:
    """Start `pipelint check --jobs N` on 20 buildspecs with the sleeping rule; return the
    process once it and each of its workers sleep in the rule, with the workers' pids. With
    ``pool``, as where ``memfd`` is missing: a process pool whose N workers lint everything."""
    import time

    rules_dir = _plugin(tmp_path, "sleepy.py", _SLEEPY)
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(20):
        (tree / f"buildspec-{number:02}.yml").write_text("version: 0.2\nphases:\n  build:\n    commands: [make]\n")
    sleeping = tmp_path / "sleeping"
    sleeping.mkdir()
    launcher = ["-m", "pipelint"]
    if pool:
        script = tmp_path / "no_memfd.py"
        script.write_text("import os\nimport sys\n\ndel os.memfd_create\nfrom pipelint.cli import run\n\nsys.argv[0] = 'pipelint'\nrun()\n")
        launcher = [str(script)]
    proc = subprocess.Popen(
        [sys.executable, *launcher, "check", "--isolated", "--jobs", jobs, "--select", "XZ101", "--rules-dir", rules_dir, *extra, str(tree)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PIPELINT_TEST_SLEEPING=str(sleeping)),
    )
    deadline = time.monotonic() + 120
    pids: set[int] = set()
    while time.monotonic() < deadline and len(pids) < int(jobs) and proc.poll() is None:
        pids = {int(name) for name in os.listdir(sleeping)}
        time.sleep(0.05)
    assert (pool or proc.pid in pids) and len(pids) == int(jobs), (pids, proc.poll())
    return proc, sorted(pids - {proc.pid})


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self") or not hasattr(os, "fork"), reason="needs Linux /proc and fork")
@pytest.mark.parametrize(("jobs", "signum", "status", "pool"), [("2", 2, 130, False), ("2", 15, 143, False), ("1", 2, 130, False), ("3", 15, 143, False),
                                                          ("2", 2, 130, True), ("2", 15, 143, True)])
def test_an_interrupted_run_exits_128_plus_the_signal_and_leaves_no_worker(tmp_path, jobs, signum, status, pool):
    """SIGINT or SIGTERM to `pipelint check --jobs N` while workers lint: the exit status is
    128 + the signal, every worker is gone (none left running under PID 1), and no report
    file is written."""
    import time

    report = tmp_path / "report.json"
    proc, workers = _start_sleepy_run(tmp_path, jobs, "--format", "json", "-o", str(report), pool=pool)
    try:
        assert set(workers) <= set(_children(proc.pid))
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == status, err
    assert b"Traceback" not in err
    time.sleep(0.2)
    assert [pid for pid in workers if _state(pid) not in ("gone", "Z")] == []
    assert not report.exists()


def test_signal_handlers_are_installed_in_the_main_thread_only():
    """`exit_on_signals` turns SIGINT/SIGTERM into an exit in the main thread, restores the
    handlers afterwards, and in another thread (an embedding program's worker) leaves them
    alone and still runs the block."""
    import signal
    import threading

    from pipelint.engine.interrupt import exit_on_signals

    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    assert before == (signal.default_int_handler, signal.SIG_DFL)  # Python's own, as under pytest
    with exit_on_signals():
        during = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    assert during[0] is during[1] and during[0] not in before
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    seen: list[object] = []

    def in_a_thread() -> None:
        with exit_on_signals():
            seen.append((signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)))

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join()
    assert seen == [before]


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "memfd_create"), reason="needs fork")
def test_a_worker_dies_when_its_parent_is_killed(tmp_path):
    """`kill -9` of the main process cannot be handled; the workers die with it anyway
    (Linux PR_SET_PDEATHSIG, else they stop at their next file)."""
    import signal
    import time

    proc, workers = _start_sleepy_run(tmp_path, "2")
    try:
        assert workers
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_state(pid) not in ("gone", "Z") for pid in workers):
            time.sleep(0.05)
        assert all(_state(pid) in ("gone", "Z") for pid in workers)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()



def test_a_rule_crashing_on_every_document_of_a_file_reports_once(tmp_path):
    """A template with three policies: a policy rule that raises on each gives one PL001."""
    from pipelint.engine.runner import build_settings, run

    rules_dir = _plugin(tmp_path, "crashy_policy.py",
        "from pipelint.api import rule\n\n"
        "@rule('XP101', 'crashy-policy', kinds=('policy',))\n"
        "def crashy(doc, config):\n"
        "    '''Crashes on every policy (a test plugin).'''\n"
        "    raise KeyError('boom')\n"
    )
    policy = "      PolicyName: p{n}\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: '*'\n"
    resources = "".join(f"  P{n}:\n    Type: AWS::IAM::Policy\n    Properties:\n{policy.format(n=n)}      Roles: [r]\n" for n in range(3))
    path = tmp_path / "template.yaml"
    path.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + resources)
    settings = build_settings(paths=[str(path)], isolated=True, select=["XP101"], rules_dirs=[rules_dir])
    findings = run([str(path)], settings=settings, jobs=1).findings
    assert [(f.code, f.line) for f in findings] == [("PL001", 1)] and "XP101" in findings[0].message
