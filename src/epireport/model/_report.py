"""The input of one report: who reports, for when, and with which figures and measures."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from epireport.exceptions import ModelError
from epireport.model._measures import Measure
from epireport.model._periods import Period
from epireport.model._units import OrgTree
from epireport.model._values import DataValue

__all__ = ["ReportInput"]


def _freeze_narrative(value: Mapping[str, Any]) -> Mapping[str, Any]:
    def freeze(item: Any) -> Any:
        if isinstance(item, Mapping):
            return MappingProxyType({k: freeze(v) for k, v in item.items()})
        if isinstance(item, list | tuple):
            return tuple(freeze(v) for v in item)
        return item

    frozen = freeze(dict(value))
    assert isinstance(frozen, Mapping)
    return frozen


@attrs.frozen
class ReportInput:
    """Everything one summary is written from.

    ``unit`` is the code of the reporting unit (the root of ``tree`` when a tree is given, or any
    unit in it), ``period`` the report period. ``values`` may be about the reporting unit itself
    (the short form of an input file) or about its sub-units, day by day (the long form).
    ``narrative`` holds the free inputs an institution declares (document titles, meetings,
    statements), keyed by their declared names; it is read-only.

    ``title`` is the summary's title: ``""`` (the default) lets the template or the default
    title write it (城关区区委宣传部工作总结); ``None`` means the summary has no title at all,
    even where the template writes one.
    """

    institution: str
    unit: str
    period: Period
    title: str | None = ""
    unit_name: str = ""
    tree: OrgTree | None = None
    values: tuple[DataValue, ...] = ()
    measures: tuple[Measure, ...] = ()
    # Read-only views compare like the dicts they wrap, so equality needs no help; hashing would
    # fail on them, hence hash=False.
    narrative: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_freeze_narrative, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.institution:
            raise ModelError("ReportInput.institution: expected an institution name, got ''")
        if self.title is not None and not isinstance(self.title, str):
            raise ModelError(f"ReportInput.title: expected a text or None, got {self.title!r}")
        if not self.unit:
            raise ModelError("ReportInput.unit: expected the reporting unit's code, got ''")
        if self.tree is not None and self.unit not in self.tree:
            raise ModelError(
                f"ReportInput.unit: the reporting unit {self.unit!r} is not in the org tree"
            )
        codes = [m.code for m in self.measures]
        dups = sorted({code for code in codes if codes.count(code) > 1})
        if dups:
            raise ModelError(f"ReportInput.measures: duplicate measure codes {dups}")

    @property
    def display_name(self) -> str:
        """The reporting unit's name: from the tree, else ``unit_name``, else its code."""
        if self.tree is not None:
            return self.tree.get(self.unit).name
        return self.unit_name or self.unit
