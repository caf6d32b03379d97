"""Options every renderer accepts."""

from typing import Any

import attrs

from epireport.exceptions import ModelError

__all__ = ["RenderOptions"]


def _bool(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, bool):
        raise ModelError(f"RenderOptions.{attribute.name}: expected True or False, got {value!r}")


@attrs.frozen
class RenderOptions:
    """How to draw a document, whatever the format.

    ``draft`` marks the output as a draft (【草稿】) even when the document's own
    ``Meta.draft`` is false; a document marked draft is always drawn as one.
    """

    draft: bool = attrs.field(default=False, validator=_bool)

    def is_draft(self, draft: bool) -> bool:
        """Return whether to mark the output as a draft, given the document's ``Meta.draft``."""
        return self.draft or draft
