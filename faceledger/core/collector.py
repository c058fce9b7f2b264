"""Python's cyclic garbage collector, paused while a build makes millions of long-lived objects.

Reading a large tree makes objects that live until the command ends (sources, rows, strings)
and no reference cycles (normalizing 300 feed seeds left none to collect). With the collector
on, each young collection walks the new objects again as they are promoted; at 20,000 seeds
the decoding and the merge spent about a third of their time there. Not frozen afterwards: a
program that builds many times (the tests do) must get its cycles back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
