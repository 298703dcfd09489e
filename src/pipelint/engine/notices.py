"""One-time notices for the user (printed once on stderr, never in machine formats).

A rule calls :func:`notify` when it cannot do its job (``shellcheck`` is not installed); the
runner gathers notices from every worker process and the CLI prints each distinct one once.
"""

from __future__ import annotations

_PENDING: list[str] = []


def notify(message: str) -> None:
    """Queue a notice; duplicates are printed once."""
    if message not in _PENDING:
        _PENDING.append(message)


def drain() -> list[str]:
    """Take and clear the queued notices of this process."""
    taken = list(_PENDING)
    _PENDING.clear()
    return taken
