"""The category axis: data values split by category options, resolved before the org-unit rollup.

An indicator disaggregated by categories (返乡人员 by 来源地) is planned as one figure per option
combination (its *series*: ``returnees``, ``returnees[hubei]``, ``returnees[wuhan]`` ...; see
:meth:`~epireport.model.Indicator.series_indicators`). Every engine reads the category axis
the same way, before it combines values over time and across units:

* **Per unit and reported period.** The values one unit states for one period (one form) are
  resolved on their own: the category axis never mixes units or periods.
* **A stated figure is authoritative**, as a unit's own figure is on the org axis: where the
  form states a series itself (a value, or a zero-report), that is its figure; where it does
  not, the figure is the sum of the options nested in it (the total: the top options), taken
  along the first category (in the indicator's order) whose nested options have any figure.
  Options without a figure are left out of the sum; a sum of zero-reports is a zero-report.
* **Nothing submitted** under a series: it is missing when any option is stated missing,
  else not applicable when any is, else it has no value at all.

A stated figure that differs from the sum of its options is a contradiction:
:func:`category_sum_violations` reports each one (the built-in ``category-sum`` check,
beside ``children-sum`` for the org tree). The resolved values keep their provenance:
:func:`traced` gives back an engine's aggregates with the data values as stated.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from epireport.aggregate._results import Aggregate, AggregateSet, AggregateStatus
from epireport.model._indicators import Category, series_code
from epireport.model._periods import Period
from epireport.model._values import DataValue, Value, ValueStatus

__all__ = ["CategorySum", "category_sums", "resolve_categories", "traced"]

# A node of the option tree product: one option code (or None, the category's total) per
# category.
_Node = tuple[str | None, ...]


@attrs.frozen
class CategorySum:
    """Where a form states a figure and also the options nested in it, with both sides."""

    indicator: str
    unit: str
    period: Period
    series: str
    stated: int | Decimal
    parts: tuple[tuple[str, int | Decimal], ...]

    @property
    def total(self) -> int | Decimal:
        """What the options add up to."""
        return sum((n for _, n in self.parts), 0)


class _Resolver:
    """Resolves the values of one indicator stated by one unit for one period."""

    def __init__(self, code: str, categories: Sequence[Category]) -> None:
        self.code = code
        self.categories = tuple(categories)
        self.position = {
            option.code: i for i, category in enumerate(categories) for option in category.options
        }

    def node_of(self, options: Sequence[str]) -> _Node | None:
        node: list[str | None] = [None] * len(self.categories)
        for option in options:
            i = self.position.get(option)
            if i is None or node[i] is not None:
                return None  # not an option of this indicator: checked by the loaders
            node[i] = option
        return tuple(node)

    def nodes(self) -> list[_Node]:
        found: list[_Node] = [()]
        for category in self.categories:
            found = [
                (*n, extra)
                for n in found
                for extra in [None, *(o.code for o in category.ordered())]
            ]
        return found

    def code_of(self, node: _Node) -> str:
        return series_code(self.code, [o for o in node if o is not None])

    def resolve(
        self, stated: Mapping[_Node, list[DataValue]]
    ) -> tuple[dict[_Node, tuple[ValueStatus | None, Any, tuple[DataValue, ...]]], list[Any]]:
        """Each node's (status, figure, sources), and where a stated figure meets its options."""
        memo: dict[_Node, tuple[ValueStatus | None, Any, tuple[DataValue, ...]]] = {}
        clashes: list[Any] = []

        def children(node: _Node) -> Iterator[list[_Node]]:
            for i, category in enumerate(self.categories):
                kids = category.children(node[i])
                if kids:
                    yield [(*node[:i], kid.code, *node[i + 1 :]) for kid in kids]

        def split(node: _Node) -> tuple[list[_Node], list[Any]] | None:
            for kids in children(node):
                figures = [(k, visit(k)) for k in kids]
                submitted = [(k, f) for k, f in figures if f[0] in _SUBMITTED]
                if submitted:
                    return [k for k, _ in submitted], [f for _, f in submitted]
            return None

        def visit(node: _Node) -> tuple[ValueStatus | None, Any, tuple[DataValue, ...]]:
            done = memo.get(node)
            if done is not None:
                return done
            own = stated.get(node, [])
            own_submitted = [v for v in own if v.status.is_submitted]
            found = split(node)
            result: tuple[ValueStatus | None, Any, tuple[DataValue, ...]]
            if own_submitted:
                figure = sum((_figure(v) for v in own_submitted), 0)
                zero = all(v.status is ValueStatus.ZERO_REPORT for v in own_submitted)
                result = (
                    ValueStatus.ZERO_REPORT if zero else ValueStatus.REPORTED,
                    figure,
                    tuple(own_submitted),
                )
                if found is not None:
                    clashes.append((node, figure, found))
            elif found is not None:
                parts = found[1]
                zero = all(p[0] is ValueStatus.ZERO_REPORT for p in parts)
                result = (
                    ValueStatus.ZERO_REPORT if zero else ValueStatus.REPORTED,
                    sum((p[1] for p in parts), 0),
                    tuple(v for p in parts for v in p[2]),
                )
            else:
                statuses = {v.status for v in own}
                for kids in children(node):
                    statuses.update(s for k in kids if (s := visit(k)[0]) is not None)
                if ValueStatus.MISSING in statuses:
                    result = (ValueStatus.MISSING, None, tuple(own))
                elif ValueStatus.NOT_APPLICABLE in statuses:
                    result = (ValueStatus.NOT_APPLICABLE, None, tuple(own))
                else:
                    result = (None, None, ())
            memo[node] = result
            return result

        for node in self.nodes():
            visit(node)
        return memo, clashes


_SUBMITTED = (ValueStatus.REPORTED, ValueStatus.ZERO_REPORT)


def _figure(value: DataValue) -> Any:
    return value.value if value.status is ValueStatus.REPORTED else 0


def _group(
    split: Mapping[str, _Resolver], values: Iterable[DataValue], rest: list[DataValue] | None
) -> dict[tuple[str, str, Period], dict[_Node, list[DataValue]]]:
    groups: dict[tuple[str, str, Period], dict[_Node, list[DataValue]]] = {}
    for value in values:
        resolver = split.get(value.indicator)
        if resolver is None:
            if rest is not None and not value.options:
                rest.append(value)
            continue
        node = resolver.node_of(value.options)
        if node is None:
            continue
        groups.setdefault((value.indicator, value.unit, value.period), {}).setdefault(
            node, []
        ).append(value)
    return groups


def resolve_categories(
    categories: Mapping[str, Sequence[Category]], values: Iterable[DataValue]
) -> tuple[list[DataValue], dict[int, tuple[DataValue, ...]]]:
    """Resolve the category axis of *values* (see the module docstring).

    *categories* maps each disaggregated indicator to its categories. Returns the values an
    engine aggregates (values of other indicators unchanged; one value per series, unit and
    period for the disaggregated ones, named by its series code and without options) and, by
    the ``id()`` of each value made here, the data values it stands for. A value with options
    of an indicator that has no categories, or options it does not have, is left out.
    """
    split = {code: _Resolver(code, cats) for code, cats in categories.items() if cats}
    out: list[DataValue] = []
    origins: dict[int, tuple[DataValue, ...]] = {}
    for (code, unit, period), stated in _group(split, values, out).items():
        resolver = split[code]
        resolved, _clashes = resolver.resolve(stated)
        for node, (status, figure, sources) in resolved.items():
            if status is None:
                continue
            series = resolver.code_of(node)
            if (
                len(sources) == 1
                and sources[0].indicator == series
                and not sources[0].options
                and sources[0].status is status
            ):
                out.append(sources[0])  # a stated total, as it is
                continue
            first = sources[0] if sources else None
            made = DataValue._trusted(
                series,
                unit,
                period,
                status,
                figure if status is ValueStatus.REPORTED else None,
                max((s.submitted_at for s in sources if s.submitted_at), default=None),
                first.submitted_by if first is not None else "",
                "",
            )
            out.append(made)
            origins[id(made)] = sources
    return out, origins


def category_sums(
    categories: Mapping[str, Sequence[Category]], values: Iterable[DataValue]
) -> tuple[CategorySum, ...]:
    """Every figure a form states beside the options nested in it, with what they add up to."""
    split = {code: _Resolver(code, cats) for code, cats in categories.items() if cats}
    found: list[CategorySum] = []
    for (code, unit, period), stated in _group(split, values, None).items():
        resolver = split[code]
        _resolved, clashes = resolver.resolve(stated)
        for node, figure, (kids, parts) in clashes:
            found.append(
                CategorySum(
                    indicator=code,
                    unit=unit,
                    period=period,
                    series=resolver.code_of(node),
                    stated=figure,
                    parts=tuple(
                        (resolver.code_of(k), p[1]) for k, p in zip(kids, parts, strict=True)
                    ),
                )
            )
    return tuple(found)


class _Traced(AggregateSet):
    """An engine's aggregates whose sources are the data values as stated."""

    def __init__(self, inner: AggregateSet, origins: Mapping[int, tuple[DataValue, ...]]) -> None:
        self._inner = inner
        self._origins = origins
        self._items = {}

    def __iter__(self) -> Iterator[tuple[str, str, Period]]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)

    # Tracing changes the sources only: the figures are the inner engine's.

    def value(self, indicator: str, unit: str, period: Period) -> Value | None:
        return self._inner.value(indicator, unit, period)

    def figures(self) -> Iterator[tuple[str, str, Period, AggregateStatus, Value | None]]:
        return self._inner.figures()

    def _find(self, key: tuple[str, str, Period]) -> Aggregate | None:
        found = self._items.get(key)
        if found is not None:
            return found
        inner = self._inner._find(key)
        if inner is None or not inner.sources:
            return inner
        origins = self._origins
        sources = tuple(s for v in inner.sources for s in origins.get(id(v), (v,)))
        built = attrs.evolve(inner, sources=sources)
        self._items[key] = built
        return built


def traced(
    run: Callable[[list[DataValue]], AggregateSet],
    categories: Mapping[str, Sequence[Category]],
    values: Iterable[DataValue],
) -> AggregateSet:
    """Resolve the category axis of *values*, *run* an engine on them, and trace its sources."""
    resolved, origins = resolve_categories(categories, values)
    result = run(resolved)
    return _Traced(result, origins) if origins else result
