"""A rule that kills any process but the one named in PIPELINT_TEST_MAIN_PID (tests/test_engine.py)."""

import os

from pipelint.api import Mapping, Report, rule


@rule("XD101", "dies-in-children", severity="note", kinds=("buildspec",))
def dies_in_children(doc, config):
    """Reports every buildspec's `version` key, and kills a forked worker that runs it.

    Failing: any buildspec. Fixed: not applicable.
    """
    if str(os.getpid()) != os.environ.get("PIPELINT_TEST_MAIN_PID"):
        with open(os.path.join(os.environ["PIPELINT_TEST_DEATHS"], str(os.getpid())), "w"):
            pass
        os._exit(7)
    if isinstance(doc.root, Mapping) and doc.root.key_node("version") is not None:
        yield Report(doc.root.key_node("version"), "seen by the main process")
