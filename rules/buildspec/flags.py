"""``BS403``: yes/no flags across the buildspec (artifacts, reports, proxy, batch)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Node, Report, Scalar, Sequence, intrinsic, rule
from pipelint.models import buildspec as bs

_ARTIFACT_FLAGS = ("discard-paths", "enable-symlinks")
_TASK_FLAGS = ("ignore-failure", "debug-session")


def _flags_of(node: Node | None, names: tuple[str, ...], where: str) -> Iterator[tuple[str, Scalar, Node]]:
    body = bs.mapping(node)
    if body is None:
        return
    for name in names:
        key = body.key_node(name)
        value = body.get(name)
        if key is not None and value is not None:
            yield f"{where}.{name}", key, value


def _all_flags(doc: Document) -> Iterator[tuple[str, Scalar, Node]]:
    top = bs.root(doc)
    if top is None:
        return
    artifacts = top.get("artifacts")
    yield from _flags_of(artifacts, _ARTIFACT_FLAGS, "artifacts")
    secondary = bs.mapping(bs.child(artifacts, "secondary-artifacts"))
    for key, value in secondary.items() if secondary is not None else ():
        yield from _flags_of(value, _ARTIFACT_FLAGS, f"artifacts.secondary-artifacts.{key.text}")
    reports = bs.mapping(top.get("reports"))
    for key, value in reports.items() if reports is not None else ():
        yield from _flags_of(value, ("discard-paths",), f"reports.{key.text}")
    yield from _flags_of(top.get("proxy"), ("upload-artifacts", "logs"), "proxy")
    batch = bs.mapping(top.get("batch"))
    if batch is None:
        return
    yield from _flags_of(batch, ("fast-fail",), "batch")
    for kind in ("build-graph", "build-list"):
        tasks = batch.get(kind)
        if isinstance(tasks, Sequence):
            for index, task in enumerate(tasks.items):
                yield from _flags_of(task, _TASK_FLAGS, f"batch.{kind}[{index}]")
                yield from _flags_of(bs.child(task, "env"), ("privileged-mode",), f"batch.{kind}[{index}].env")
    static = bs.child(batch, "build-matrix", "static")
    yield from _flags_of(static, ("ignore-failure",), "batch.build-matrix.static")
    yield from _flags_of(bs.child(static, "env"), ("privileged-mode",), "batch.build-matrix.static.env")
    yield from _flags_of(batch.get("build-fanout"), ("ignore-failure",), "batch.build-fanout")


@rule("BS403", "invalid-yes-no-flag", severity="warning", kinds=("buildspec",))
def invalid_yes_no_flag(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A yes/no setting (``discard-paths``, ``enable-symlinks``, proxy and batch flags) has
    another value.

    Why: these settings are booleans: ``yes``/``no`` (or ``true``/``false``). A value such as
    ``enabled`` or ``1`` is not a documented setting; CodeBuild may reject it or silently use
    the default.

    Failing::

        version: 0.2
        phases:
          build:
            commands:
              - make
        artifacts:
          files: ['**/*']
          discard-paths: always

    Fixed::

        version: 0.2
        phases:
          build:
            commands:
              - make
        artifacts:
          files: ['**/*']
          discard-paths: yes
    """
    for where, _key, value in _all_flags(doc):
        if intrinsic(value) is not None or bs.flag(value) is not None:
            continue
        shown = value.raw if isinstance(value, Scalar) else ("a list" if isinstance(value, Sequence) else "a mapping")
        if isinstance(value, Mapping) and not value.pairs:
            shown = "an empty mapping"
        yield Report(value, f"`{where}` must be yes or no (true/false), not {shown or 'empty'}", fix="write `yes` or `no`")
