"""When Python's cycle collector runs during a lint run.

A run allocates a great many small, long-lived objects: every node of every file, and (in the
process that runs the project rules) the documents of every template kept until the end. The
automatic collector runs every 700 net allocations and walks all young objects each time, and
every so often the whole heap: building a large template's tree paid for about a third of its
load time in collections that found nothing, because a tree has no reference cycles and is
freed by reference counting alone.

So during a run the automatic collector is off, and the engine collects the young generation
at file boundaries instead (:func:`between_files`), once enough objects have piled up since the
last collection. By then the engine holds no reference to the documents it does not keep, so
the cycles a file leaves behind (rule models that point back at each other, about a thousand
objects for a pipeline template) are freed, and each surviving object is walked about once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Net new container objects since the last collection above which the next file boundary
# collects: garbage stays around 10 MiB at most, and a collection every hundred-odd templates
# costs little.
PENDING_LIMIT = 100_000


@contextmanager
def paused() -> Iterator[None]:
    """Turn the automatic collector off for the block (restored afterwards, if it was on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def between_files() -> None:
    """Collect the young generation at a file boundary when the automatic collector is off
    and enough has piled up since the last collection (a no-op while it is on)."""
    if not gc.isenabled() and gc.get_count()[0] > PENDING_LIMIT:
        gc.collect(0)
