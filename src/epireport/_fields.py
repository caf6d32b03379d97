"""Small converters shared by the frozen records (institutions, rules, lint findings)."""

from __future__ import annotations

import enum
from typing import TypeVar

from epireport.exceptions import ModelError

__all__ = ["enum_member"]

_E = TypeVar("_E", bound=enum.Enum)


def enum_member(enum_type: type[_E], owner: str, value: object) -> _E:
    """Return the member of *enum_type* that *value* is or spells (``"<="``, ``"error"``).

    Files and plugins write members by their values; both spellings must give the same
    record. Anything else raises :class:`ModelError` naming *owner* (``Class.field``) and the
    allowed values.
    """
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum_type)
        raise ModelError(f"{owner}: expected one of {allowed}, got {value!r}") from None
