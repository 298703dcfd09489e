"""ruamel.yaml's C parser is imported without the package's __init__, and the package still
works in full for anyone in the same process who uses its public API afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

_AFTER_A_LINT = r"""
import json, sys
from pipelint.load import load_text
loaded = load_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n", "buildspec.yml")
assert loaded.roots, loaded
state = {"main_before": "ruamel.yaml.main" in sys.modules}
import ruamel.yaml
state["attribute_import"] = ruamel.yaml.YAML.__name__
state["version"] = ruamel.yaml.__version__
from ruamel.yaml import YAML, version_info
state["from_import"] = YAML.__name__
state["version_info"] = list(version_info)
state["round_trip"] = dict(YAML(typ="safe", pure=True).load("a: [b:c]"))
state["main_after"] = "ruamel.yaml.main" in sys.modules
state["same_module"] = sys.modules["ruamel.yaml"] is ruamel.yaml
sys.stdout.write(json.dumps(state))
"""


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_package_init_is_skipped_then_completes_on_first_use():
    from importlib.metadata import version

    state = _run(_AFTER_A_LINT)
    assert state["main_before"] is False
    assert state["attribute_import"] == state["from_import"] == "YAML"
    assert state["version"] == version("ruamel.yaml")
    assert ".".join(map(str, state["version_info"])) == state["version"]
    assert state["round_trip"] == {"a": ["b:c"]}
    assert state["main_after"] is True and state["same_module"] is True


def test_an_already_imported_package_is_used_as_it_is():
    code = r"""
import json, sys
import ruamel.yaml
package = sys.modules["ruamel.yaml"]
from pipelint.load.ruamel_import import c_parser_class
parser = c_parser_class()
from ruamel.yaml.cyaml import CParser
sys.stdout.write(json.dumps({"same": sys.modules["ruamel.yaml"] is package and parser is CParser,
                             "no_hook": "__getattr__" not in vars(package)}))
"""
    assert _run(code) == {"same": True, "no_hook": True}


def test_dunder_probes_do_not_load_the_package():
    code = r"""
import json, sys
from pipelint.load.ruamel_import import c_parser_class
c_parser_class()
package = sys.modules["ruamel.yaml"]
probes = [hasattr(package, name) for name in ("__wrapped__", "__test__", "__file__", "__path__")]
sys.stdout.write(json.dumps({"probes": probes, "main": "ruamel.yaml.main" in sys.modules}))
"""
    assert _run(code) == {"probes": [False, False, True, True], "main": False}
