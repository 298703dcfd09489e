"""pipelint: a linter for AWS CI/CD files (buildspec, appspec, CodePipeline, IAM, secrets).

The public Python API is :func:`lint_paths`; everything else is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from .findings import Finding


def lint_paths(paths: list[str], **options: Any) -> list[Finding]:
    """Lint files and directories and return the findings, sorted by file and position.

    ``options`` are the same as the ``check`` command's (``select``, ``ignore``, ``config``,
    ``jobs``, …, with underscores). Findings that are filtered out are not returned.
    """
    from .engine.runner import run

    return run(paths, **options).findings
