"""Bundled data tables (runtimes, pipeline providers, IAM actions, the rule index).

Read them with :func:`read_json`: a plain ``open`` next to this file. ``importlib.resources``
would do the same but costs about 10 ms to import, more than linting a small file.
"""

from __future__ import annotations

import json
import os
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))


def read_json(name: str) -> Any:
    """The parsed contents of the bundled data file ``name``; raises ``OSError``/``ValueError``."""
    with open(os.path.join(HERE, name), encoding="utf-8") as handle:
        return json.load(handle)
