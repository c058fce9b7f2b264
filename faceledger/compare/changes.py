"""A diff as data: what changed in each resource, and the version bump that calls for."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.findings import Finding
from ..core.versions import Level
from . import schema_changes
from .snapshots import Snapshot


@dataclass
class ResourceChanges:
    resource: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[tuple[str, list[str]]] = field(default_factory=list)
    renamed: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # Why each removed key went (from its tombstone), and why rows were not compared one by one.
    reasons: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    # For rows that could not be compared one by one: do the tables differ at all?
    unmatched: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.modified or self.renamed or self.unmatched)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "modified": len(self.modified),
            "renamed": len(self.renamed),
        }


@dataclass
class Diff:
    old: Snapshot
    new: Snapshot
    schema: list[schema_changes.SchemaChange]
    data: list[ResourceChanges]
    problems: list[Finding]

    @property
    def required(self) -> Level:
        """The smallest version bump these changes allow."""
        level = max((change.level for change in self.schema), default=Level.NONE)
        if any(changes.changed for changes in self.data):
            level = max(level, Level.PATCH)
        return level

    def reasons(self, level: Level) -> list[str]:
        return [str(change) for change in self.schema if change.level == level]
