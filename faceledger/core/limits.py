"""How much FaceLedger reads of any one input, in one place (README.md "Limits" lists them).

A pull request can put anything in the repository; these bound what one file, field or list
can make the build read or hold. Going over one is an `over-limit` finding naming the limit.
"""

from __future__ import annotations

MiB = 1 << 20

# Bytes per file, by what the file is.
SEED_BYTES = 2 * MiB
SIDECAR_BYTES = 64 * 1024
# A million evidence rows with their quotes take about 120 MiB (bench/facts_package.py).
CSV_BYTES = 256 * MiB
SCHEMA_BYTES = 1 * MiB
DESCRIPTOR_BYTES = 1 * MiB
PRIVATE_NAMES_BYTES = 8 * MiB

# Characters per field of a document (a seed's, a sidecar's or a related entry's).
FIELD_CHARS = {"title": 1_000, "excerpt": 10_000}
# Entries in one seed's related list.
RELATED_ENTRIES = 1_000


def size(limit: int) -> str:
    """A byte count as a person reads it: 2 MiB, 64 KiB, 512 bytes."""
    if limit >= MiB and limit % MiB == 0:
        return f"{limit // MiB} MiB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit:,} bytes"
