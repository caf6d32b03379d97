"""``render --each``: one summary per unit written into a folder, in several processes.

Each unit's summary is rendered, written and linted exactly as one unit alone would be
(:func:`epireport.render_each`); the batch only decides where. With more than one job the
units are cut into contiguous chunks that forked worker processes render, each opening the
store itself (a worker inherits the plugins and the org tree, and nothing to pickle); the
index keeps the units' order whatever finishes first. Forking is used on Linux only, where
it is the tried default: elsewhere, and for small batches, everything runs in this process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from epireport._plugins import Plugins
    from epireport.model._institution import Institution
    from epireport.model._periods import Period
    from epireport.model._report import ReportInput

__all__ = ["EachBatch", "auto_jobs", "write_each"]

#: Below this many units a batch runs in this process (starting workers costs more).
PARALLEL_FROM = 64
#: At most this many worker processes by default.
MAX_JOBS = 8
#: The garbage collector's first threshold during a batch (Python's default is 700).
GC_THRESHOLD = 20_000


@attrs.frozen
class EachBatch:
    """What every unit of a ``render --each`` batch is rendered and written with."""

    plugins: Plugins
    db: Path
    inst: Institution
    period: Period
    level: str
    under: str | None
    words: ReportInput | None
    folder: Path
    fmt: str
    draft: bool
    template: str | os.PathLike[str] | None
    allow_violations: bool
    sealed: bool = False
    appendix: bool = False


def can_fork() -> bool:
    """Whether worker processes can be forked here (Linux: its tried default)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def auto_jobs(units: int, requested: int | None) -> int:
    """How many processes render *units* units: *requested*, or one per core for a big batch."""
    if requested is not None:
        return max(1, requested) if can_fork() else 1
    if units < PARALLEL_FROM or not can_fork():
        return 1
    return max(1, min(MAX_JOBS, os.cpu_count() or 1, units // 16))


def entries(batch: EachBatch, only: Sequence[str] | None = None) -> Iterator[dict[str, object]]:
    """Render, write and lint each unit of *batch* (or of *only*); yield its index entry."""
    from epireport._each import render_each
    from epireport._files import write_atomic
    from epireport.exceptions import InputError
    from epireport.lint._lint import lint_text

    fmt_record = batch.plugins.format(batch.fmt)
    results = render_each(
        batch.db,
        batch.inst,
        batch.period,
        batch.level,
        under=batch.under,
        words=batch.words,
        format=batch.fmt,
        plugins=batch.plugins,
        draft=batch.draft,
        template=batch.template,
        allow_violations=batch.allow_violations,
        sealed=batch.sealed,
        appendix=batch.appendix,
        only=only,
    )
    for result in results:
        entry: dict[str, object] = {"unit": result.unit, "name": result.name}
        if result.rendered is None:
            exc = result.error
            problems = exc.problems if isinstance(exc, InputError) else (exc,)
            entry.update(status="refused", errors=[str(p) for p in problems])
            yield entry
            continue
        rendered = result.rendered
        target = batch.folder / f"{result.unit}{fmt_record.suffix}"
        # Each file whole or not at all; the index, written last, is flushed to disk.
        write_atomic(target, rendered.output, durable=False)
        findings = []
        if isinstance(rendered.output, str) and batch.fmt in ("text", "markdown", "html"):
            findings = lint_text(
                rendered.output,
                path=str(target),
                format=batch.fmt,
                draft=batch.draft,
                numbering=batch.inst.item_numbering,
            )
        entry.update(
            status="written",
            file=target.name,
            violations=[v.message for v in rendered.violations],
            lint=[f"{f.rule_id} {f.line}:{f.column} {f.message}" for f in findings],
        )
        yield entry


# The batch of the forked workers: set before the pool starts, inherited by each worker.
_CURRENT: EachBatch | None = None


def _chunk(codes: Sequence[str]) -> list[dict[str, object]]:
    assert _CURRENT is not None
    return list(entries(_CURRENT, codes))


def write_each(
    batch: EachBatch,
    codes: Sequence[str],
    jobs: int,
    advance: Callable[[int], None],
) -> list[dict[str, object]]:
    """Every unit's index entry, in the order of *codes*, rendered by *jobs* processes.

    *advance* is told how many units are done as they finish (for a progress bar).
    """
    with _collecting_less():
        return _write_each(batch, codes, jobs, advance)


@contextlib.contextmanager
def _collecting_less() -> Iterator[None]:
    """Run a batch with fewer garbage collections, as a batch of short-lived objects allows.

    A unit's summary allocates (and frees) a few hundred thousand objects: at the default
    threshold the collector ran thousands of times per batch, each full collection walking
    everything the process holds (the org tree of every unit among it), about a tenth of the
    batch. What exists before the batch is frozen (never walked again; forked workers share
    it untouched), and the young generation is collected every ``GC_THRESHOLD`` allocations.
    Both are restored afterwards.
    """
    threshold = gc.get_threshold()
    # Objects someone else froze cannot be told from ours afterwards: leave them be.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def _write_each(
    batch: EachBatch,
    codes: Sequence[str],
    jobs: int,
    advance: Callable[[int], None],
) -> list[dict[str, object]]:
    if jobs <= 1:
        found = []
        for entry in entries(batch):
            found.append(entry)
            advance(1)
        return found
    global _CURRENT
    # Contiguous chunks (each worker reads its units with one query), several per worker so
    # that a slow chunk does not leave the others idle at the end.
    size = max(1, -(-len(codes) // (jobs * 4)))
    chunks = [list(codes[i : i + size]) for i in range(0, len(codes), size)]
    _CURRENT = batch
    try:
        context: Any = multiprocessing.get_context("fork")
        with context.Pool(jobs) as pool:
            found = []
            for done in pool.imap(_chunk, chunks):
                found.extend(done)
                advance(len(done))
            return found
    finally:
        _CURRENT = None
