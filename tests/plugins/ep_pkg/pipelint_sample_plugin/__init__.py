"""A third-party plugin package, loaded through the `pipelint.rules` entry point in the tests."""

from pipelint.api import Report, Scalar, rule


@rule("XE201", "no-version-01", severity="error", kinds=("buildspec",))
def no_version_01(doc, config):
    """A plugin rule: buildspec version 0.1 is not allowed here.

    Failing::

        version: 0.1

    Fixed::

        version: 0.2
    """
    version = doc.root.get("version")
    if isinstance(version, Scalar) and version.value == 0.1:
        yield Report(version, "use version 0.2")
