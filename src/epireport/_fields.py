"""Small converters shared by the frozen records (institutions, rules, lint findings)."""

from __future__ import annotations

import enum
import warnings
from typing import Any, TypeVar

from epireport.exceptions import ModelError

__all__ = ["enum_member", "renamed"]

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


class renamed:
    """A read-only alias of a renamed field that warns (``DeprecationWarning``) when read.

    Ids are ``code`` and labels ``name``/``title`` across epireport's records; records whose
    id used to be called ``name`` keep it readable for a release, so a plugin written for the
    old spelling keeps working while it says what to change.
    """

    def __init__(self, new: str) -> None:
        self.new = new
        self.old = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.old = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        warnings.warn(
            f"{type(instance).__name__}.{self.old} is deprecated: the id is "
            f"{type(instance).__name__}.{self.new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(instance, self.new)
