"""Pausing Python's cyclic garbage collector around bulk building."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Parsing a document and building its graph make tens of thousands of small tuples,
    dicts and records that live on and form no cycles; the collector would rescan them
    again and again (a quarter of the graph building, half the parse time of large
    files). Process-wide, so keep the block to one document (a few hundred ms)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
