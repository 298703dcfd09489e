"""Small helpers shared by the pipeline rules."""

from __future__ import annotations

from collections.abc import Iterable

from pipelint.models.pipeline import Action


def names(items: Iterable[str | None]) -> str:
    """```a`, `b``` for a message, at most eight names."""
    shown = sorted({item for item in items if item})
    if not shown:
        return "none"
    text = ", ".join(f"`{item}`" for item in shown[:8])
    return text + (", …" if len(shown) > 8 else "")


def action_type(action: Action) -> str:
    """``Build/AWS/CodeBuild`` for messages."""
    return f"{action.category or '?'}/{action.owner or '?'}/{action.provider or '?'}"
