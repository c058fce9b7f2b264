"""What a finding-code entry says: its code, severities, topics and meaning (the catalogue is core/codes.py)."""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Severity

# The topics a code can belong to, in the order the docs list them.
TOPICS = {
    "seeds": "Seeds and front matter",
    "sidecars": "Sidecars (`*.meta.yaml`)",
    "tables": "CSV files",
    "schemas": "Schemas and descriptor",
    "facts": "Curated facts",
    "ids": "Ids, tombstones and versions",
    "release": "Releasing and comparing versions",
    "verify": "`faceledger verify`",
    "frictionless": "The frictionless validator",
}

ERROR: tuple[Severity, ...] = ("error",)
WARNING: tuple[Severity, ...] = ("warning",)
INFO: tuple[Severity, ...] = ("info",)
# The diff's problems: `diff` and `release` refuse them, `build` only reports them (build.py).
BOTH: tuple[Severity, ...] = ("error", "warning")

# A code ending in this stands for a family whose rest comes from another tool.
FAMILY = "*"


@dataclass(frozen=True)
class Code:
    code: str
    severity: tuple[Severity, ...]
    # The first topic is where the README lists the code; the others are where else it is reported.
    topics: tuple[str, ...]
    meaning: str

    def matches(self, code: str) -> bool:
        if self.code.endswith(FAMILY):
            return code.startswith(self.code[: -len(FAMILY)])
        return code == self.code
