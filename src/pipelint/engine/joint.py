"""Project rules over files that must be checked together, a few files at a time.

Every pipeline-bearing file gets the project rules in the process that linted it, on its own
documents. A file whose documents the rules may need together with other files' (for the
built-in rules: a pipeline naming a CodeBuild project literally, and a template declaring a
project by ``Name``) also carries *share keys* (``Settings.share_keys``; for those rules, the
project name). Once every file is linted, the files are split into groups that share keys,
directly or through other files (connected components):

* a file that shares no key with any other file keeps the result of its own run, which is what
  a run over every file would have given it;
* each group of several files is checked in one run of the project rules over the group's
  documents, which replaces the files' own results; then the group's documents are dropped.

So the documents held at once are those of the largest group, not those of every shared file
of the repository. A group's documents come from the main process's own linting when it kept
them (within :data:`KEEP_BYTES` of source text, see :class:`KeepBudget`), otherwise the file is
read again (``reread_documents``): only files that the rules need together are read twice.
Rules that need every such file together (no ``shared`` predicate, or one answering ``True``)
share the key :data:`~pipelint.engine.runner.EVERYTHING`: one group, as before groups existed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kept_lines import SparseLines
from .rule import Document

if TYPE_CHECKING:  # pragma: no cover
    from ..discover import FileEntry
    from ..findings import Finding
    from .runner import FileResult, Settings

#: At most this much source text (bytes of the files' text, summed) of kept documents: a
#: document tree takes about 15 times its text, so about 8 MiB of trees. Past it, shared files'
#: documents are read again when their group runs.
KEEP_BYTES = 512 * 1024


class KeepBudget:
    """Decides which shared files' documents the main process keeps for the joint runs."""

    def __init__(self, limit: int | None = None) -> None:
        self.left = KEEP_BYTES if limit is None else limit

    def admit(self, file_result: FileResult) -> None:
        """Keep ``file_result``'s documents if they fit in what is left; drop them otherwise."""
        if not file_result.documents:
            return
        size = sum(len(source.text) for source in {id(doc.source): doc.source for doc in file_result.documents}.values())
        if size <= self.left:
            self.left -= size
        else:
            file_result.documents = []


def groups(results: list[FileResult]) -> list[list[int]]:
    """The indexes of the files that share keys, directly or not, one list per group (in
    order of their first file), files in run order; files without keys are in none."""
    parent: dict[int, int] = {}

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}
    for index, file_result in enumerate(results):
        if not file_result.share_keys:
            continue
        parent[index] = index
        for key in sorted(file_result.share_keys):
            other = owner.setdefault(key, index)
            if other != index:
                first, second = find(other), find(index)
                if first != second:
                    parent[max(first, second)] = min(first, second)
    members: dict[int, list[int]] = {}
    for index in parent:
        members.setdefault(find(index), []).append(index)
    return [members[root] for root in sorted(members)]


class JointOutcome:
    """What the joint runs found, for :func:`pipelint.engine.runner.run` to merge."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.secrets: dict[str, set[str]] = {}
        self.lines: dict[str, SparseLines] = {}
        self.rereads = 0  # files read again because their documents were not kept


def run_groups(entries: list[FileEntry], results: list[FileResult], settings: Settings) -> JointOutcome:
    """Run the project rules once per group of files that share keys (see the module
    docstring), replacing those files' own project results; release every kept document."""
    from .collector import between_files
    from .runner import project_root, run_project_rules

    outcome = JointOutcome()
    for members in groups(results):
        if len(members) == 1 and results[members[0]].project_done:
            results[members[0]].documents = []
            continue
        docs: list[Document] = []
        for index in members:
            file_result = results[index]
            if file_result.documents:
                docs.extend(file_result.documents)
            else:
                outcome.rereads += 1
                docs.extend(reread_documents(entries[index], settings))
            file_result.documents = []
            file_result.project_findings, file_result.project_secrets, file_result.project_lines = [], {}, {}
        findings, secrets, lines = run_project_rules(docs, settings, project_root(settings))
        del docs
        outcome.findings.extend(findings)
        for path, values in secrets.items():
            outcome.secrets.setdefault(path, set()).update(values)
        merge_lines(outcome.lines, lines)
        between_files()
    return outcome


def merge_lines(into: dict[str, SparseLines], more: dict[str, SparseLines]) -> None:
    """Add the kept lines of ``more`` to ``into`` (both by path)."""
    for path, lines in more.items():
        known = into.get(path)
        if known is None:
            into[path] = lines
        else:
            known.count = max(known.count, lines.count)
            for number, text in lines.kept.items():
                known.kept.setdefault(number, text)


def reread_documents(entry: FileEntry, settings: Settings) -> list[Document]:
    """The documents of a template or pipeline file (linted elsewhere), for the project rules.

    The file is classified exactly as the linting pass did (``runner._classify``); no rule
    runs, and other kinds of files yield nothing.
    """
    from ..extract import extract
    from .runner import _classify

    try:
        kind, result = _classify(entry, settings)
    except OSError:
        return []
    if result is None or result.fatal or kind not in ("template", "pipeline", "terraform"):
        return []
    docs, _ = extract(result, kind, settings.limits)
    return docs
