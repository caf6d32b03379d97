"""What the store answers with: ingest counts and revisions of a value (no sqlite3 here)."""

from __future__ import annotations

import datetime as dt

import attrs

from epireport.model._values import DataValue

__all__ = ["IngestResult", "Revision"]


@attrs.frozen
class IngestResult:
    """What one ingest did: values added, corrected (old kept in history), unchanged, and more.

    ``older`` counts values the store already holds in a version submitted later (an older copy
    of a file ingested after a newer one changes nothing); ``withdrawn`` counts stored values
    whose cell the file now leaves empty (kept in the history). ``warnings`` are the messages
    of the warning-level validation rules the data fails, each after the row that sent a
    figure the rule reads (``row 12: warning: ...``) when the ingest had rows. ``dry_run`` is
    true when nothing was written (the counts say what *would* have happened).
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    source: str = ""
    dry_run: bool = False
    older: int = 0
    withdrawn: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """Every value read: added + updated + unchanged + older."""
        return self.added + self.updated + self.unchanged + self.older

    def __str__(self) -> str:
        head = f"{self.source}: " if self.source else ""
        extra = ""
        if self.older:
            extra += f", kept {self.older} newer stored value(s) over this older copy"
        if self.withdrawn:
            extra += f", {'would withdraw' if self.dry_run else 'withdrew'} {self.withdrawn}"
        if self.dry_run:
            return (
                f"{head}would add {self.added}, update {self.updated}, "
                f"leave {self.unchanged} unchanged{extra}"
            )
        return (
            f"{head}added {self.added}, updated {self.updated}, unchanged {self.unchanged}{extra}"
        )


@attrs.frozen
class Revision:
    """One version of a stored value: what it was, who sent it, when it arrived, from where.

    ``superseded_at`` is when a correction or a withdrawal replaced it (``reason`` says which:
    ``"corrected"`` or ``"withdrawn"``), ``None`` for the current version. ``row`` locates it
    in ``source`` (``sheet 社会宣传, row 12``).
    """

    value: DataValue
    ingested_at: dt.datetime
    source: str = ""
    row: str = ""
    superseded_at: dt.datetime | None = None
    reason: str = ""

    @property
    def is_current(self) -> bool:
        """Whether this is the value as it stands now."""
        return self.superseded_at is None
