"""Which text of a rendered Terraform template came from an interpolation.

A template's value (see :mod:`pipelint.terraform.hcl`) keeps each ``${…}`` interpolation as
written but decodes the escapes: ``$${X}`` is the literal ``${X}``. In that value the two look
the same, so the raw source decides: :func:`interpolation_keys` lists the leading
name (``var``, ``jsonencode``) of every interpolation not escaped, and
:func:`holds_interpolation` tells whether a piece of the value holds one of them. A text that
matches is treated as unknown (what Terraform renders there is known only at apply time); a
literal ``${X}`` that happens to share its name with an interpolation is treated the same way,
which costs a finding, never a false one. Both functions are single linear passes.
"""

from __future__ import annotations

import re

# A whole run of `$` before `{` (the look-behind keeps the search linear), and the name that
# follows (`${ var.x }` and `${var.x}`, the form a quoted template's value is rebuilt in, both
# give `var`; a name on a later line gives an empty name).
_OPENING = re.compile(r"(?<!\$)(\$+)\{[ \t~]*([A-Za-z0-9_]*)")
_IN_VALUE = re.compile(r"\$\{[ \t~]*([A-Za-z0-9_]*)")


def interpolation_keys(raw: str) -> frozenset[str]:
    """The leading names (``var``, ``jsonencode``) of the interpolations of a template's source
    text; an empty name stands for an interpolation whose name is not on its first line.

    ``$${`` (exactly two signs) is Terraform's escape for a literal ``${``; one sign opens an
    interpolation; a longer run is ambiguous and counts as an interpolation."""
    return frozenset(match.group(2) for match in _OPENING.finditer(raw) if len(match.group(1)) != 2)


def holds_interpolation(text: str, keys: frozenset[str]) -> bool:
    """Whether ``text`` (a part of the template's value) holds a ``${`` opening one of the
    interpolations ``keys`` (an empty name among them matches any ``${``)."""
    if not keys or "${" not in text:
        return False
    if "" in keys:
        return True
    return any(match.group(1) in keys for match in _IN_VALUE.finditer(text))
