"""Built-in validation rules: what every institution's indicator sets imply.

Non-negative counts, percentages within 0-100, 其中 items not above their whole and declared
parts adding up to their total (see :func:`epireport.aggregate._validate.builtin_rules`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from epireport._plugins import hookimpl
from epireport.aggregate._validate import builtin_rules

if TYPE_CHECKING:
    from epireport.aggregate._rules import ValidationRule
    from epireport.model._institution import Institution

__all__ = ["epireport_register_validation_rules"]


@hookimpl
def epireport_register_validation_rules(institution: Institution) -> list[ValidationRule]:
    """Register the rules implied by *institution*'s indicator sets."""
    return list(builtin_rules(i for s in institution.indicator_sets for i in s.indicators))
