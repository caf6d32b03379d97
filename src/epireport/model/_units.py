"""Org units and the org tree they form (区 → 街道 → 社区, 局 → 学校 → 班级, ...).

An :class:`OrgTree` is validated once, when it is built, and then answers every structural query
from indexes computed at that moment: the tree is immutable, so the indexes never go stale.
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

import attrs

from epireport.exceptions import ModelError
from epireport.model._periods import Period

__all__ = ["OrgTree", "OrgUnit", "check_code"]


# What str.isspace() calls whitespace (Unicode's too); one regex search instead of a
# generator over every character: codes are checked once per value read.
_WHITESPACE: Final = re.compile(r"\s")


def check_code(owner: str, value: object) -> None:
    """Raise :class:`ModelError` unless *value* is a usable code: a non-empty string, no spaces.

    *owner* is the ``Class.field`` named in the message.
    """
    if not isinstance(value, str):
        raise ModelError(f"{owner}: expected a code (a string), got {value!r}")
    if not value:
        raise ModelError(f"{owner}: a code must not be empty, got ''")
    if _WHITESPACE.search(value) is not None:
        raise ModelError(f"{owner}: a code must not contain whitespace, got {value!r}")


def _check_name(owner: str, value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(f"{owner}: expected a name (a string), got {value!r}")
    if not value.strip():
        raise ModelError(f"{owner}: a name must not be blank, got {value!r}")


def _check_day(owner: str, value: object) -> None:
    # datetime is a subclass of date, but comparing the two raises TypeError later on.
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise ModelError(f"{owner}: expected a date or None, got {value!r}")


def _validate_code(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_code(f"{type(instance).__name__}.{attribute.name}", value)


def _validate_name(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    _check_name(f"{type(instance).__name__}.{attribute.name}", value)


def _validate_day(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    _check_day(f"{type(instance).__name__}.{attribute.name}", value)


@attrs.frozen
class OrgUnit:
    """One organisation unit: a district, a street office, a community, a school, a class.

    ``code`` identifies the unit (non-empty, no whitespace); ``parent`` is the code of the unit it
    belongs to, ``None`` for a root. ``level`` is optional; when given, 1 means a root and an
    :class:`OrgTree` checks that it equals the unit's depth. ``opening`` and ``closing`` are the
    first and the last day the unit operates (both inclusive, either may be unknown).
    """

    code: str = attrs.field(validator=_validate_code)
    name: str = attrs.field(validator=_validate_name)
    parent: str | None = attrs.field(default=None)
    level: int | None = attrs.field(default=None)
    opening: date | None = attrs.field(default=None, validator=_validate_day)
    closing: date | None = attrs.field(default=None, validator=_validate_day)

    @parent.validator
    def _check_parent(self, attribute: "attrs.Attribute[Any]", value: str | None) -> None:
        if value is None:
            return
        check_code("OrgUnit.parent", value)
        if value == self.code:
            raise ModelError(f"OrgUnit.parent: unit {self.code!r} cannot be its own parent")

    @level.validator
    def _check_level(self, attribute: "attrs.Attribute[Any]", value: int | None) -> None:
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ModelError(
                f"OrgUnit.level: expected a level >= 1 or None for unit {self.code!r}, "
                f"got {value!r}"
            )
        if self.parent is None and value != 1:
            raise ModelError(
                f"OrgUnit.level: unit {self.code!r} has no parent, so it is a root at level 1, "
                f"not {value!r}"
            )
        if self.parent is not None and value == 1:
            raise ModelError(
                f"OrgUnit.level: unit {self.code!r} has parent {self.parent!r}, "
                "so it cannot be at level 1"
            )

    def __attrs_post_init__(self) -> None:
        if self.opening is not None and self.closing is not None and self.opening > self.closing:
            raise ModelError(
                f"OrgUnit.closing: unit {self.code!r} closes on {self.closing.isoformat()}, "
                f"before it opens on {self.opening.isoformat()}"
            )

    @property
    def is_root(self) -> bool:
        """Whether the unit has no parent."""
        return self.parent is None

    def is_open_on(self, day: date) -> bool:
        """Whether the unit operates on *day* (unknown opening or closing dates do not limit)."""
        if self.opening is not None and day < self.opening:
            return False
        return self.closing is None or day <= self.closing

    def is_open_during(self, period: Period) -> bool:
        """Whether the unit operates on at least one day of *period* (whose end is exclusive)."""
        if self.opening is not None and self.opening >= period.end:
            return False
        return self.closing is None or self.closing >= period.start

    def is_open_throughout(self, period: Period) -> bool:
        """Whether the unit operates on every day of *period* (whose end is exclusive)."""
        if self.opening is not None and self.opening > period.start:
            return False
        # ``closing`` is the last open day and ``period.end`` the first day after the period.
        return self.closing is None or self.closing >= period.end - _ONE_DAY


_ONE_DAY = timedelta(days=1)


def _quote(codes: Any) -> str:
    return ", ".join(repr(c) for c in codes)


def _as_units(value: Iterable[OrgUnit]) -> tuple[OrgUnit, ...]:
    return tuple(value)


def _as_names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _validate_units(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    for i, unit in enumerate(value):
        if not isinstance(unit, OrgUnit):
            raise ModelError(f"OrgTree.units: item {i} is not an OrgUnit, got {unit!r}")


def _validate_level_names(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise ModelError(
                f"OrgTree.level_names: level {i + 1} needs a non-blank name such as '街道', "
                f"got {name!r}"
            )


@attrs.frozen
class OrgTree:
    """A forest of org units (usually a single tree), validated when built.

    Building an ``OrgTree`` collects *every* structural problem (duplicate codes, parents that do
    not exist, cycles, declared levels that disagree with the depth) and raises one
    :class:`ModelError` listing them all, each naming the units concerned.

    Roots keep the order in which they appear in ``units``, and so do the children of each unit;
    iteration is preorder. ``level_names`` names the levels from the top, e.g. ``("区", "街道",
    "社区")``. Queries answer from indexes computed once: ``get``, ``parent``, ``children``,
    ``depth``, ``is_ancestor`` in O(1), ``descendants``, ``subtree``, ``ancestors``, ``path`` in
    the size of their answer.
    """

    units: tuple[OrgUnit, ...] = attrs.field(converter=_as_units, validator=_validate_units)
    level_names: tuple[str, ...] = attrs.field(
        default=(), converter=_as_names, validator=_validate_level_names
    )
    # Derived indexes: excluded from __init__, equality, hashing and repr because they follow
    # from ``units`` alone.
    _by_code: dict[str, OrgUnit] = attrs.field(init=False, eq=False, repr=False)
    _children: dict[str, tuple[str, ...]] = attrs.field(init=False, eq=False, repr=False)
    _depth: dict[str, int] = attrs.field(init=False, eq=False, repr=False)
    _preorder: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    _position: dict[str, int] = attrs.field(init=False, eq=False, repr=False)
    _end: dict[str, int] = attrs.field(init=False, eq=False, repr=False)
    _by_level: dict[int, tuple[str, ...]] = attrs.field(init=False, eq=False, repr=False)
    _roots: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[str] = []
        by_code: dict[str, OrgUnit] = {}
        for unit in self.units:
            first = by_code.setdefault(unit.code, unit)
            if first is not unit:
                problems.append(
                    f"duplicate code {unit.code!r} (units {first.name!r} and {unit.name!r})"
                )
        for unit in by_code.values():
            if unit.parent is not None and unit.parent not in by_code:
                problems.append(
                    f"unit {unit.code!r} ({unit.name}) has unknown parent {unit.parent!r}"
                )
        problems.extend(self._find_cycles(by_code))

        children: dict[str, list[str]] = {code: [] for code in by_code}
        roots: list[str] = []
        for code, unit in by_code.items():
            if unit.parent is None:
                roots.append(code)
            elif unit.parent in children:
                children[unit.parent].append(code)

        # Iterative preorder: deep trees must not hit the recursion limit.
        preorder: list[str] = []
        depth: dict[str, int] = {}
        end: dict[str, int] = {}
        stack: list[tuple[str, int, bool]] = [(root, 1, False) for root in reversed(roots)]
        while stack:
            code, d, done = stack.pop()
            if done:
                end[code] = len(preorder)
                continue
            depth[code] = d
            preorder.append(code)
            stack.append((code, d, True))
            stack.extend((child, d + 1, False) for child in reversed(children[code]))

        for code in preorder:
            declared = by_code[code].level
            if declared is not None and declared != depth[code]:
                problems.append(
                    f"unit {code!r} ({by_code[code].name}) declares level {declared} "
                    f"but sits at level {depth[code]}"
                )
        if problems:
            if len(problems) == 1:
                raise ModelError(f"OrgTree.units: {problems[0]}")
            listing = "\n".join(f"  - {p}" for p in problems)
            raise ModelError(f"OrgTree.units: {len(problems)} problems:\n{listing}")

        by_level: dict[int, list[str]] = {}
        for code in preorder:
            by_level.setdefault(depth[code], []).append(code)
        set_ = object.__setattr__
        set_(self, "_by_code", by_code)
        set_(self, "_children", {code: tuple(kids) for code, kids in children.items()})
        set_(self, "_depth", depth)
        set_(self, "_preorder", tuple(preorder))
        set_(self, "_position", {code: i for i, code in enumerate(preorder)})
        set_(self, "_end", end)
        set_(self, "_by_level", {n: tuple(codes) for n, codes in by_level.items()})
        set_(self, "_roots", tuple(roots))

    @staticmethod
    def _find_cycles(by_code: Mapping[str, OrgUnit]) -> list[str]:
        # Follow parent links from every unit, colouring units as finished once their chain is
        # known to end (at a root, an unknown parent or an already reported cycle). Each cycle
        # is therefore reported once, starting at the unit met first in the input.
        finished: set[str] = set()
        problems: list[str] = []
        for start in by_code:
            chain: list[str] = []
            on_chain: dict[str, int] = {}
            code: str | None = start
            while code is not None and code in by_code and code not in finished:
                if code in on_chain:
                    cycle = chain[on_chain[code] :]
                    arrows = " → ".join(repr(c) for c in [*cycle, cycle[0]])
                    names = "、".join(by_code[c].name for c in cycle)
                    problems.append(f"parent links form a cycle: {arrows} ({names})")
                    break
                on_chain[code] = len(chain)
                chain.append(code)
                code = by_code[code].parent
            finished.update(chain)
        return problems

    @classmethod
    def from_parent_map(
        cls,
        parents: Mapping[str, str | None],
        names: Mapping[str, str] | None = None,
        level_names: tuple[str, ...] = (),
    ) -> "OrgTree":
        """Build a tree from ``{code: parent code or None}``; *names* default to the codes."""
        names = names or {}
        return cls(
            tuple(OrgUnit(code, names.get(code, code), parent) for code, parent in parents.items()),
            level_names,
        )

    # -- lookups -------------------------------------------------------------------------------

    def _known(self, code: str) -> str:
        if code not in self._by_code:
            raise ModelError(f"unknown org unit {code!r}")
        return code

    def get(self, code: str) -> OrgUnit:
        """Return the unit with *code*; raise :class:`ModelError` (unknown org unit) otherwise."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise ModelError(f"unknown org unit {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[OrgUnit]:
        """Yield the units in preorder, roots in their given order."""
        return (self._by_code[code] for code in self._preorder)

    def __len__(self) -> int:
        return len(self._preorder)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code, in preorder."""
        return self._preorder

    @property
    def roots(self) -> tuple[OrgUnit, ...]:
        """The units without a parent, in their given order."""
        return tuple(self._by_code[code] for code in self._roots)

    @property
    def height(self) -> int:
        """The number of levels (0 for an empty tree)."""
        return max(self._by_level, default=0)

    def parent(self, code: str) -> OrgUnit | None:
        """Return the parent of *code*, ``None`` for a root."""
        parent = self.get(code).parent
        return None if parent is None else self._by_code[parent]

    def children(self, code: str) -> tuple[OrgUnit, ...]:
        """Return the direct children of *code*, in their given order."""
        return tuple(self._by_code[c] for c in self._children[self._known(code)])

    def ancestors(self, code: str) -> tuple[OrgUnit, ...]:
        """Return the ancestors of *code*, nearest first (parent, grandparent, ..., root)."""
        found: list[OrgUnit] = []
        parent = self.get(code).parent
        while parent is not None:
            unit = self._by_code[parent]
            found.append(unit)
            parent = unit.parent
        return tuple(found)

    def descendants(self, code: str) -> tuple[OrgUnit, ...]:
        """Return every unit below *code*, in preorder, *code* itself excluded."""
        start = self._position[self._known(code)]
        return tuple(self._by_code[c] for c in self._preorder[start + 1 : self._end[code]])

    def subtree(self, code: str) -> tuple[OrgUnit, ...]:
        """*code* followed by its descendants, in preorder."""
        start = self._position[self._known(code)]
        return tuple(self._by_code[c] for c in self._preorder[start : self._end[code]])

    def path(self, code: str) -> tuple[OrgUnit, ...]:
        """Return the units from the root down to *code* itself."""
        return (*reversed(self.ancestors(code)), self._by_code[code])

    def depth(self, code: str) -> int:
        """Return the level of *code*, counting from 1 at a root."""
        return self._depth[self._known(code)]

    def level(self, code: str) -> int:
        """Return the level of *code*, counting from 1 at a root (same as :meth:`depth`)."""
        return self.depth(code)

    def at_level(self, level: int) -> tuple[OrgUnit, ...]:
        """Return every unit at *level* (1 = roots), in preorder; empty beyond the deepest level."""
        return tuple(self._by_code[c] for c in self._by_level.get(level, ()))

    def leaves(self, under: str | None = None) -> tuple[OrgUnit, ...]:
        """Return the units without children, in preorder, within ``subtree(under)`` if given."""
        scope = self.subtree(under) if under is not None else tuple(self)
        return tuple(unit for unit in scope if not self._children[unit.code])

    def is_leaf(self, code: str) -> bool:
        """Whether *code* has no children."""
        return not self._children[self._known(code)]

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether *ancestor* lies strictly above *descendant* (a unit is not its own ancestor)."""
        start = self._position[self._known(ancestor)]
        position = self._position[self._known(descendant)]
        return start < position < self._end[ancestor]

    def level_name(self, code_or_level: str | int) -> str:
        """Return the declared name of a level ('区', '街道', ...) given a level or a unit's code.

        Returns ``''`` when ``level_names`` does not reach that level.
        """
        if isinstance(code_or_level, str):
            level = self.depth(code_or_level)
        elif isinstance(code_or_level, int) and not isinstance(code_or_level, bool):
            level = code_or_level
        else:
            raise ModelError(
                f"OrgTree.level_name: expected a code or a level, got {code_or_level!r}"
            )
        if 1 <= level <= len(self.level_names):
            return self.level_names[level - 1]
        return ""
