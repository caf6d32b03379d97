"""Approximate figures through aggregation: a sum with an inexact part is inexact.

A unit may state a figure as approximate (约500), as a lower bound (480余, 300多) or an upper
bound (近500) (:data:`~epireport.model.QUALIFIERS`). A figure computed from such values is
never more precise than they are; its qualifier, following GB/T 15835 and the parts:

* every part exact: exact;
* exact parts and lower bounds: a lower bound (480余 + 20 is more than 500: 500余), written
  with 余 unless every bound said 多;
* exact parts and upper bounds: an upper bound (近);
* anything with 约, or lower and upper bounds together: about (约);
* a rate or ratio computed from any inexact figure: about.

The qualifier is read from an aggregate's sources (the data values it was computed from): the
engines that collect provenance give it, a columnar run (no sources) has only exact values.
"""

from collections.abc import Iterable

from epireport.model._values import DataValue

__all__ = ["combined_qualifier"]


def combined_qualifier(values: Iterable[DataValue], *, computed: bool = False) -> str:
    """The qualifier of a figure computed from *values* (see the module docstring).

    *computed* says the figure is a quotient (a rate or a ratio), whose bounds do not carry
    over: any inexact input makes it 约.
    """
    found = {v.qualifier for v in values if v.qualifier}
    if not found:
        return ""
    if computed or "约" in found or ("近" in found and found & {"余", "多"}):
        return "约"
    if found == {"近"}:
        return "近"
    return "余" if "余" in found else "多"
