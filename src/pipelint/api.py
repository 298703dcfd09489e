"""The stable surface for rule plugins: import everything a rule needs from here.

See the README section "Writing a plugin rule".
"""

from __future__ import annotations

from .engine.rule import LATER, Document, Report, Rule, rule
from .findings import Finding, Severity
from .fixes.edit import Edit, Fix
from .load.nodes import Mapping, Node, Scalar, Sequence, Source, intrinsic, walk
from .textutil import did_you_mean, redact

__all__ = [
    "LATER", "Document", "Edit", "Finding", "Fix", "Mapping", "Node", "Report", "Rule", "Scalar", "Sequence", "Severity",
    "Source", "did_you_mean", "intrinsic", "redact", "rule", "walk",
]
