"""Rules that crash with a secret in the exception text (tests/test_internal_error_masking.py)."""

import os

from pipelint.api import rule


@rule("XK101", "crashes-quoting-a-key", severity="note", kinds=("buildspec",))
def crashes_quoting_a_key(doc, config):
    """Raises an exception whose text is an AWS access key id (from PIPELINT_TEST_LEAK).

    Failing: any buildspec. Fixed: not applicable.
    """
    raise ValueError(f"credential {os.environ['PIPELINT_TEST_LEAK']} rejected")
    yield


@rule("XK102", "crashes-with-a-key-at-the-cut", severity="note", kinds=("buildspec",))
def crashes_with_a_key_at_the_cut(doc, config):
    """Raises an exception whose text holds the key across the 200th character, where PL001 clips.

    Failing: any buildspec. Fixed: not applicable.
    """
    raise ValueError("x" * 190 + " " + os.environ["PIPELINT_TEST_LEAK"])
    yield
