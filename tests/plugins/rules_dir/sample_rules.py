"""A third-party rules file, loaded with --rules-dir in the tests."""

from pipelint.api import Mapping, Report, rule


@rule("XT101", "no-forbidden-key", severity="warning", kinds=("buildspec",))
def no_forbidden_key(doc, config):
    """A buildspec must not have a top-level key named `forbidden`.

    Failing::

        forbidden: true

    Fixed: remove it.
    """
    if isinstance(doc.root, Mapping) and "forbidden" in doc.root:
        yield Report(doc.root.key_node("forbidden"), "remove the `forbidden` key", fix="delete the line")


@rule("XT102", "always-crashes", severity="error", kinds=("buildspec",))
def always_crashes(doc, config):
    """A rule that raises, to prove a crash does not stop the other rules.

    Failing: any buildspec. Fixed: not applicable.
    """
    raise RuntimeError("boom")
