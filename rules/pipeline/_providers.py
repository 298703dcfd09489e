"""The action provider table (``pipelint/data/pipeline_providers.json``), loaded lazily once."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

CATEGORIES = ("Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute")
OWNERS = ("AWS", "ThirdParty", "Custom")


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The whole data file."""
    from pipelint.data import read_json

    data: dict[str, Any] = read_json("pipeline_providers.json")
    return data


def providers() -> dict[str, dict[str, Any]]:
    """``"<category>/<owner>/<provider>"`` → entry."""
    found: dict[str, dict[str, Any]] = table().get("providers", {})
    return found


def entry(category: str | None, owner: str | None, provider: str | None) -> dict[str, Any] | None:
    """The table entry of one exact action type, if listed."""
    if not (category and owner and provider):
        return None
    return providers().get(f"{category}/{owner}/{provider}")


@cache
def entries_for_provider(provider: str) -> tuple[dict[str, Any], ...]:
    """Every listed action type with this provider name (any category and owner)."""
    return tuple(e for e in providers().values() if e.get("provider") == provider)


@lru_cache(maxsize=1)
def provider_names() -> tuple[str, ...]:
    """Every listed provider name."""
    return tuple(sorted({e["provider"] for e in providers().values() if "provider" in e}))


def counts(category: str | None, owner: str | None, provider: str | None) -> dict[str, Any] | None:
    """The table entry giving artifact counts for an action type (the Custom default for an unlisted Custom provider)."""
    found = entry(category, owner, provider)
    if found is not None:
        return found
    if owner == "Custom" and provider:
        return {"category": category, "owner": owner, "provider": provider, **table().get("custom_default", {})}
    return None


def output_variables(category: str | None, owner: str | None, provider: str | None) -> tuple[str, ...] | None:
    """The fixed output variable keys of an action type, or ``None`` when they are not fixed or unknown."""
    found = entry(category, owner, provider)
    if found is None or "output_variables" not in found:
        return None
    return tuple(found["output_variables"])
