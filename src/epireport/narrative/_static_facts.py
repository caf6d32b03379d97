"""Facts given by hand: preview a template, write a benchmark or a test without aggregating data.

:class:`StaticFacts` answers the figure functions' lookups (:class:`FactSetLike`) from a plain
mapping. Real reports use :class:`epireport.facts.FactSet`, built by aggregation.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from epireport.exceptions import ModelError

__all__ = ["StaticFact", "StaticFacts"]


@attrs.frozen
class StaticFact:
    """One hand-given fact: a value, or ``None`` with a status saying why there is none."""

    indicator: str
    unit: str
    period: str
    value: int | Decimal | None
    status: str = "value"
    sources: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """``indicator/unit/period``."""
        return f"{self.indicator}/{self.unit}/{self.period}"


class StaticFacts:
    """Facts from a mapping: ``{"leaflets": 32456}`` or ``{("leaflets", "d1", "202002"): 1}``.

    A bare indicator code answers for any unit and period; a ``(code, unit, period)`` key (the
    period as its id) answers for that one. A value of ``None`` is a missing figure, the string
    ``"not_applicable"`` a figure that does not apply.
    """

    def __init__(self, values: Mapping[Any, int | Decimal | str | None]) -> None:
        """Store *values*; raise :class:`ModelError` on a value that is not a number."""
        self._values: dict[Any, int | Decimal | str | None] = {}
        for key, value in values.items():
            if (value is not None and value != "not_applicable") and (
                isinstance(value, bool) or not isinstance(value, int | Decimal)
            ):
                raise ModelError(
                    f"StaticFacts: {key!r}: expected an int, a Decimal, None or "
                    f"'not_applicable', got {value!r}"
                )
            self._values[key] = value

    def find(
        self, indicator: str, unit: str | None = None, period: Any = None
    ) -> StaticFact | None:
        """Return the fact of *indicator* for *unit* and *period*, or ``None``."""
        period_id = "" if period is None else str(period)
        key = (indicator, unit, period_id)
        if key in self._values:
            value = self._values[key]
        elif indicator in self._values:
            value = self._values[indicator]
        else:
            return None
        if value == "not_applicable":
            return StaticFact(indicator, unit or "", period_id, None, "not_applicable")
        if value is None:
            return StaticFact(indicator, unit or "", period_id, None, "missing")
        assert not isinstance(value, str)
        return StaticFact(indicator, unit or "", period_id, value)
