"""What the store answers with: ingest counts and revisions of a value (no sqlite3 here)."""

from __future__ import annotations

import datetime as dt

import attrs

from epireport.model._values import DataValue

__all__ = ["IngestResult", "Revision"]


@attrs.frozen
class IngestResult:
    """What one ingest did: values added, values corrected (old kept in history), unchanged.

    ``dry_run`` is true when nothing was written (the counts say what *would* have happened).
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    source: str = ""
    dry_run: bool = False

    @property
    def total(self) -> int:
        """Every value read: added + updated + unchanged."""
        return self.added + self.updated + self.unchanged

    def __str__(self) -> str:
        head = f"{self.source}: " if self.source else ""
        if self.dry_run:
            return (
                f"{head}would add {self.added}, update {self.updated}, "
                f"leave {self.unchanged} unchanged"
            )
        return f"{head}added {self.added}, updated {self.updated}, unchanged {self.unchanged}"


@attrs.frozen
class Revision:
    """One version of a stored value: what it was, who sent it, when it arrived, from where.

    ``superseded_at`` is when a correction replaced it, ``None`` for the current version.
    ``row`` locates it in ``source`` (``sheet 社会宣传, row 12``).
    """

    value: DataValue
    ingested_at: dt.datetime
    source: str = ""
    row: str = ""
    superseded_at: dt.datetime | None = None

    @property
    def is_current(self) -> bool:
        """Whether this is the value as it stands now."""
        return self.superseded_at is None
