"""``BS430``–``BS433``: the ``batch`` section (batch builds)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, did_you_mean, rule
from pipelint.models import buildspec as bs

BATCH_TYPES = ("build-graph", "build-list", "build-matrix", "build-fanout")


def _batch(doc: Document) -> Mapping | None:
    return bs.mapping(bs.child(bs.root(doc), "batch"))


def _tasks(batch: Mapping, kind: str) -> list[tuple[Scalar | None, Mapping]]:
    """``(identifier node, task)`` of each task mapping of a build-graph or build-list."""
    tasks = batch.get(kind)
    found: list[tuple[Scalar | None, Mapping]] = []
    if isinstance(tasks, Sequence):
        for item in tasks.items:
            task = bs.mapping(item)
            if task is None:
                continue
            ident = task.get("identifier")
            found.append((ident if isinstance(ident, Scalar) and ident.value is not None else None, task))
    return found


def _depends(task: Mapping) -> list[Scalar]:
    node = task.get("depend-on")
    if isinstance(node, Sequence):
        return [item for item in node.items if isinstance(item, Scalar) and item.value is not None]
    if isinstance(node, Scalar) and node.value is not None:
        return [node]
    return []


@rule("BS430", "multiple-batch-types", severity="error", kinds=("buildspec",))
def multiple_batch_types(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """The ``batch`` section declares more than one batch type.

    Why: a buildspec runs one kind of batch: ``build-graph``, ``build-list``,
    ``build-matrix`` or ``build-fanout``. CodeBuild rejects a batch with two of them.

    AWS behaviour: CodeBuild refuses the batch build when the buildspec holds more than one batch
    type (documented as one of four); the exact message is not recorded. Source: AWS CodeBuild User
    Guide, "Batch build buildspec reference" (batch-build-buildspec.html): one of build-graph,
    build-list, build-matrix, build-fanout.

    Failing::

        batch:
          build-list:
            - identifier: linux
          build-matrix:
            dynamic:
              env:
                image: [aws/codebuild/standard:7.0]

    Fixed: keep one of the two (here, express both in the ``build-list``).
    """
    batch = _batch(doc)
    if batch is None:
        return
    present = [(kind, batch.key_node(kind)) for kind in BATCH_TYPES if batch.key_node(kind) is not None]
    for kind, key in present[1:]:
        yield Report(key, f"`batch.{kind}` is a second batch type (this batch already has `{present[0][0]}`); a buildspec uses only one of "  # type: ignore[arg-type]
                          f"{', '.join(BATCH_TYPES)}", fix=f"remove `{kind}` or `{present[0][0]}`")


@rule("BS431", "unknown-batch-dependency", severity="error", kinds=("buildspec",))
def unknown_batch_dependency(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A ``build-graph`` task's ``depend-on`` names an identifier no task has.

    Why: ``depend-on`` lists the identifiers of tasks in the same build graph that must finish
    first; an unknown identifier (often a typo) makes CodeBuild reject the batch.

    AWS behaviour: CodeBuild fails the batch build when a `depend-on` identifier names no task of
    the graph; the exact message is not recorded. Source: AWS CodeBuild User Guide, "Batch build
    buildspec reference", 'batch/build-graph' (depend-on).

    Failing::

        version: 0.2
        batch:
          build-graph:
            - identifier: build
            - identifier: test
              depend-on:
                - biuld

    Fixed::

        version: 0.2
        batch:
          build-graph:
            - identifier: build
            - identifier: test
              depend-on:
                - build
    """
    batch = _batch(doc)
    if batch is None:
        return
    tasks = _tasks(batch, "build-graph")
    known = [ident.text for ident, _ in tasks if ident is not None]
    for ident, task in tasks:
        for dependency in _depends(task):
            if dependency.text in known:
                continue
            best = did_you_mean(dependency.text, known)
            hint = f"; did you mean `{best}`?" if best else (f"; defined: {', '.join(known)}" if known else "")
            owner = f"task `{ident.text}`" if ident is not None else "this task"
            yield Report(dependency, f"{owner} depends on `{dependency.text}`, which no task in this build-graph defines{hint}",
                         fix=f"write `{best}`" if best else "name a defined identifier")


@rule("BS432", "batch-dependency-cycle", severity="error", kinds=("buildspec",))
def batch_dependency_cycle(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``build-graph`` tasks depend on each other in a cycle (or a task depends on itself).

    Why: a task in a cycle waits for itself and can never start; CodeBuild rejects the batch.

    AWS behaviour: a build graph with a cycle cannot be scheduled, so CodeBuild fails the batch
    build; the exact message is not recorded. Source: AWS CodeBuild User Guide, "Batch build
    buildspec reference", 'batch/build-graph'.

    Failing::

        batch:
          build-graph:
            - identifier: a
              depend-on: [b]
            - identifier: b
              depend-on: [a]

    Fixed: remove one of the dependencies (``b`` should not depend on ``a``).
    """
    batch = _batch(doc)
    if batch is None:
        return
    edges: dict[str, list[Scalar]] = {}
    for ident, task in _tasks(batch, "build-graph"):
        if ident is not None and ident.text not in edges:
            edges[ident.text] = _depends(task)
    state: dict[str, int] = {}  # 1 visiting, 2 done
    reported: set[frozenset[str]] = set()
    # A depth-first walk with its own stack: a recursive inner function would refer to itself
    # (a reference cycle that outlives the run, the cycle collector being off) and a chain of
    # thousands of tasks would exceed Python's recursion limit.
    for root in edges:
        if state.get(root) is not None:
            continue
        state[root] = 1
        trail = [root]
        pending = [iter(edges[root])]
        while pending:
            dependency = next(pending[-1], None)
            if dependency is None:
                pending.pop()
                state[trail.pop()] = 2
                continue
            target = dependency.text
            if target not in edges:
                continue
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] + [target]
                members = frozenset(cycle)
                if members not in reported:
                    reported.add(members)
                    yield Report(dependency, f"dependency cycle in build-graph: {' → '.join(cycle)} (→ means depends on); these tasks can never start",
                                 fix="remove one dependency of the cycle")
            elif state.get(target) is None:
                state[target] = 1
                trail.append(target)
                pending.append(iter(edges[target]))


@rule("BS433", "duplicate-batch-identifier", severity="warning", kinds=("buildspec",))
def duplicate_batch_identifier(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """Two tasks of a ``build-graph`` or ``build-list`` have the same ``identifier``.

    Why: identifiers name the builds of a batch and are what ``depend-on`` refers to; with two
    tasks of the same name, dependencies and build results are ambiguous.

    Failing::

        batch:
          build-list:
            - identifier: test
            - identifier: test

    Fixed: give each task its own identifier.
    """
    batch = _batch(doc)
    if batch is None:
        return
    for kind in ("build-graph", "build-list"):
        seen: dict[str, Node] = {}
        for ident, _task in _tasks(batch, kind):
            if ident is None:
                continue
            if ident.text in seen:
                yield Report(ident, f"identifier `{ident.text}` is already used by the task on line {seen[ident.text].line} of this "
                                    f"{kind}; give each task its own identifier", fix="rename one task")
            else:
                seen[ident.text] = ident
