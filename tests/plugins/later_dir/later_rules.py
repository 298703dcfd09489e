"""Rules that yield LATER, loaded with --rules-dir in tests/test_engine.py."""

from pipelint.api import LATER, Mapping, Report, rule


def _order(doc):
    return doc.context.setdefault("test-order", [])


@rule("XL101", "plain-rule", severity="note", kinds=("buildspec",))
def plain_rule(doc, config):
    """Records that it ran.

    Failing: any buildspec. Fixed: not applicable.
    """
    _order(doc).append("XL101")
    return ()


@rule("XL109", "waits-for-a-process", severity="warning", kinds=("buildspec",), tags=("external",))
def waits(doc, config):
    """Reports once, yields LATER, then reports what ran meanwhile.

    Failing: any buildspec. Fixed: not applicable.
    """
    if not isinstance(doc.root, Mapping):
        return
    _order(doc).append("XL109 started")
    yield Report(doc.root.key_node("version"), "before waiting")
    yield LATER
    yield Report(doc.root.key_node("phases"), "after waiting; meanwhile: " + ", ".join(_order(doc)))


@rule("XL110", "crashes-after-waiting", severity="error", kinds=("buildspec",), tags=("external",))
def crashes_after_waiting(doc, config):
    """Yields LATER, then raises.

    Failing: any buildspec. Fixed: not applicable.
    """
    yield LATER
    raise RuntimeError("collected badly")
