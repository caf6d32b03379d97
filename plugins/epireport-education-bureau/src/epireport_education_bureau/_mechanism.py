"""The "四个三" mechanism: which of its blocks and items a report states, and the counts.

The seed summary announces “四个三” (four blocks of three items each) and every block its own
count (完善三项制度, 制定三类文件 ...). An office that did not, say, draw up archives of its
documents leaves that measure out of its input; the item disappears, the block becomes 制定两类
文件, and a block left with no item disappears and the headline becomes “三个三”. Counts are
computed here, from the measures an input lists, so that the template never states a count the
items do not match (the linter's EPI503 checks the same thing on the written text).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from epireport.plugin import ReportInput

__all__ = ["BLOCKS", "Block", "Mechanism", "mechanism"]


@attrs.frozen
class Block:
    """One block of the mechanism: its name, its measure category and its items.

    Each item is the tuple of measure codes any one of which makes it present: the first item
    of 完善三项制度 tells of the duty system and the access control together, and stands as long
    as either was taken.
    """

    name: str
    category: str
    items: tuple[tuple[str, ...], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Every measure code the block's items name, in order."""
        return tuple(code for item in self.items for code in item)


#: The four blocks, in the seed's order; categories are those of the measure catalogue.
BLOCKS: tuple[Block, ...] = (
    Block(
        "systems",
        "制度",
        (("duty_system", "access_control"), ("daily_screening",), ("daily_report",)),
    ),
    Block("documents", "文件", (("bureau_plan",), ("unit_plans",), ("archives",))),
    Block("publicity", "宣传", (("online_publicity",), ("notices",), ("experience",))),
    Block("measures", "措施", (("isolation",), ("screening_work",), ("no_gatherings",))),
)

_BY_NAME = {block.name: block for block in BLOCKS}


def _to_codes(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen
class Mechanism:
    """The measures a report took, and what that makes of the “四个三”.

    ``taken`` holds the measure codes of the report; :meth:`count` is the number of items a
    block states, :attr:`blocks` the number of blocks with at least one item, and
    :attr:`uniform` the item count every such block shares (``None`` when they differ, and
    the headline cannot be “N个M”).
    """

    taken: frozenset[str] = attrs.field(converter=_to_codes)

    def has(self, *codes: str) -> bool:
        """Whether the report took any of the measures *codes*."""
        return any(code in self.taken for code in codes)

    def count(self, block: str) -> int:
        """The number of items the block *block* (``systems``, ``documents`` ...) states."""
        try:
            found = _BY_NAME[block]
        except KeyError:
            known = ", ".join(_BY_NAME)
            raise KeyError(f"unknown block {block!r}; expected one of {known}") from None
        return sum(1 for item in found.items if self.has(*item))

    @property
    def counts(self) -> tuple[int, ...]:
        """The item count of every block, in order (0 for a block left out)."""
        return tuple(self.count(block.name) for block in BLOCKS)

    @property
    def blocks(self) -> int:
        """The number of blocks with at least one item."""
        return sum(1 for n in self.counts if n)

    @property
    def uniform(self) -> int | None:
        """The item count every block stated shares, or ``None`` (no block, or counts differ)."""
        present = {n for n in self.counts if n}
        return present.pop() if len(present) == 1 else None


def mechanism(report: ReportInput | Iterable[str]) -> Mechanism:
    """Return the mechanism of *report* (its ``measures``), or of an iterable of measure codes."""
    if isinstance(report, ReportInput):
        return Mechanism(m.code for m in report.measures)
    return Mechanism(report)
