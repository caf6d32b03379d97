"""A summary for every unit at one level of the store's tree (``render --each``).

The store is opened once and read once: :meth:`Store.report_inputs` streams each unit's
report input from a single query ordered by unit, and the org tree is built once. Each unit's
summary is then rendered exactly as :func:`~epireport.render_report` renders it alone (the
tests hold the two equal), so a batch never says anything a single render would not.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING

import attrs

from epireport.exceptions import EpireportError, UsageError
from epireport.model._periods import Period
from epireport.model._report import ReportInput

if TYPE_CHECKING:
    from epireport._pipeline import Rendered
    from epireport._plugins import Plugins
    from epireport.model._institution import Institution
    from epireport.model._units import OrgTree, OrgUnit

__all__ = ["EachResult", "each_units", "render_each"]


@attrs.frozen
class EachResult:
    """One unit's outcome in :func:`render_each`: its rendered summary, or why not.

    Exactly one of *rendered* and *error* is set: a unit whose data fails a rule (or misses a
    required figure) is refused with the error a single render would raise, and the batch
    goes on with the next unit.
    """

    unit: str
    name: str
    rendered: Rendered | None = None
    error: EpireportError | None = None


def each_units(
    tree: OrgTree,
    level: int | str,
    *,
    under: str | None = None,
    level_names: tuple[str, ...] = (),
) -> tuple[OrgUnit, ...]:
    """The units at *level* (a number from 1, or a level name) of *tree*, under *under*.

    Raises :class:`UsageError` naming the known levels for an unknown level, and when no unit
    stands at that level.
    """
    names = tree.level_names or level_names
    if isinstance(level, int) or level.isdigit():
        number = int(level)
    elif level in names:
        number = names.index(level) + 1
    else:
        known = ", ".join(f"{i} ({n})" for i, n in enumerate(names, 1)) or "numbers from 1"
        raise UsageError(f"--each {level}: no such level; levels: {known}")
    if under is not None and under not in tree:
        raise UsageError(f"--each: unknown org unit {under!r}")
    units = tuple(
        u for u in tree.at_level(number) if under is None or tree.is_ancestor(under, u.code)
    )
    if not units:
        where = f" under {under}" if under is not None else ""
        raise UsageError(f"--each {level}: no unit at level {number}{where}")
    return units


def render_each(
    store: str | os.PathLike[str],
    institution: str | Institution,
    period: str | Period,
    level: int | str,
    *,
    under: str | None = None,
    words: ReportInput | None = None,
    format: str = "text",
    plugins: Plugins | None = None,
    draft: bool = False,
    template: str | os.PathLike[str] | None = None,
    allow_violations: bool = False,
    sealed: bool = False,
    appendix: bool = False,
    only: Collection[str] | None = None,
) -> Iterator[EachResult]:
    """Render a summary for every unit at *level* of the store at *store*, one at a time.

    *level* is a number (1: the roots) or one of the tree's level names; *under* keeps the
    units below one unit. Each unit's summary is what :func:`~epireport.render_report` gives
    for :func:`~epireport.input_from_store` of that unit (final renders are checked, and a
    refused unit comes back with its error instead of stopping the batch). *words* supplies
    measures and narrative inputs for every unit (each keeps its own name and title).
    :func:`each_units` tells beforehand which units these are; *only* keeps those of them
    whose codes it holds (a share of a batch). *sealed* and *appendix* are
    :func:`~epireport.render_report`'s.

    Raises :class:`UsageError` for an unknown level or unit, before anything is rendered.
    """
    from epireport._pipeline import combine_words, render_report
    from epireport._plugins import Plugins
    from epireport.store._sqlite import Store

    plugins = plugins if plugins is not None else Plugins.create()
    inst = plugins.institution(institution)
    the_period = plugins.period(period) if isinstance(period, str) else period
    if words is not None and words.values:
        raise UsageError(
            "the store supplies the figures: the report input given for the words must carry "
            f"no values (it has {len(words.values)})"
        )
    # The words are the summary's, not one unit's: each unit keeps its own name and title.
    shared = None
    if words is not None:
        # A summary without a title (title None) stays without one for every unit.
        shared = attrs.evolve(words, unit_name="", title=None if words.title is None else "")
    with Store.open(store) as opened:
        units = each_units(opened.units(), level, under=under, level_names=inst.level_names)
        # A set: a worker's share is a list of codes, asked about for every unit of the level.
        kept = None if only is None else frozenset(only)
        names = {u.code: u.name for u in units if kept is None or u.code in kept}
        for data in opened.report_inputs(inst, list(names), the_period):
            report = combine_words(data, shared)
            try:
                rendered = render_report(
                    report,
                    format=format,
                    plugins=plugins,
                    draft=draft,
                    template=template,
                    allow_violations=allow_violations,
                    sealed=sealed,
                    appendix=appendix,
                )
            except EpireportError as exc:
                yield EachResult(data.unit, names[data.unit], error=exc)
                continue
            yield EachResult(data.unit, names[data.unit], rendered=rendered)
