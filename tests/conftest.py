"""pytest configuration: make tests/helpers importable and locate the shared corpus."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
CORPUS = os.path.join(SHARED, "corpus")
SARIF_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "schemas", "sarif-schema-2.1.0.json")

# The tests share one throw-away cache folder, never the user's (see pipelint.cache).
os.environ["PIPELINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="pipelint-test-cache-")
atexit.register(shutil.rmtree, os.environ["PIPELINT_CACHE_DIR"], True)
os.environ.pop("PIPELINT_NO_CACHE", None)
