"""The Arrow memory pool of a `faceledger` command: jemalloc, which hands freed pages back.

pyarrow's default pool on Linux is mimalloc, which keeps the pages it freed for the thread that
freed them: reading a few columns of a Parquet file on Arrow's thread pool left 60 MB the
process never used again. At 20,000 documents a full build peaked at about 620 MB with
mimalloc and 530 MB with jemalloc, in the same time (BENCHMARKS.md). The pool changes no byte
of the output. ARROW_DEFAULT_MEMORY_POOL, when set, is the user's choice and stands.
"""

from __future__ import annotations

import os
from contextlib import suppress


def use_returning_pool() -> None:
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa

    # A pyarrow built without jemalloc keeps its default.
    with suppress(NotImplementedError):
        pa.set_memory_pool(pa.jemalloc_memory_pool())
