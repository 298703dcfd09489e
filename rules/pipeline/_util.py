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


#: How many name comparisons the "did you mean" hints of one rule run may cost in all. A real
#: pipeline never comes close (a hundred outputs allow 500 misspelt names); a hostile one with
#: thousands of unknown names and thousands of candidates would otherwise spend minutes on
#: hints (each one compares against every candidate). Past the budget, findings come without
#: a hint: only the hint is dropped, never a finding.
HINT_BUDGET = 50_000


class Hints:
    """``did_you_mean`` against one list of candidates, for many words, within :data:`HINT_BUDGET`."""

    __slots__ = ("_choices", "_left", "_known")

    def __init__(self, choices: list[str], budget: int = HINT_BUDGET) -> None:
        self._choices = choices
        self._left = budget
        self._known: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        """The closest candidate to ``word``, or ``None`` (also once the budget is spent)."""
        if word in self._known:
            return self._known[word]
        cost = max(1, len(self._choices))
        if cost > self._left:
            return None
        self._left -= cost
        from pipelint.api import did_you_mean

        best = self._known[word] = did_you_mean(word, self._choices)
        return best
