"""Options every renderer accepts."""

from typing import Any

import attrs

from epireport.exceptions import ModelError

__all__ = ["RenderOptions"]


def _bool(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, bool):
        raise ModelError(f"RenderOptions.{attribute.name}: expected True or False, got {value!r}")


def _facts(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    # Imported only when facts are given: the fact machinery is heavy and rendering is not.
    from epireport.facts import FactSet

    if not isinstance(value, FactSet):
        raise ModelError(
            f"RenderOptions.facts: expected an epireport.facts.FactSet or None, got {value!r}"
        )


@attrs.frozen
class RenderOptions:
    """How to draw a document, whatever the format.

    ``draft`` marks the output as a draft (【草稿】) even when the document's own
    ``Meta.draft`` is false; a document marked draft is always drawn as one.

    ``sealed`` lays the signature out for a seal (GB/T 9704-2012 7.3.5.1: date four characters
    from the right, unit centred over it) instead of the unsealed layout (7.3.5.2); DOCX and
    HTML follow it, text, Markdown and JSON have no positions to change.

    ``appendix`` adds a data appendix (附件) to HTML and DOCX: each indicator the summary
    states, by sub-unit, with its total and completeness, and a chart of its daily series.
    ``facts`` (the :class:`~epireport.facts.FactSet` the document was composed from, as
    :func:`epireport.build_document` returns it) names the sub-units; without it the appendix
    reads the facts the document's figures carry and lists the reporting units by code.
    """

    draft: bool = attrs.field(default=False, validator=_bool)
    sealed: bool = attrs.field(default=False, validator=_bool, kw_only=True)
    appendix: bool = attrs.field(default=False, validator=_bool, kw_only=True)
    facts: Any = attrs.field(default=None, validator=_facts, kw_only=True, eq=False, repr=False)

    def is_draft(self, draft: bool) -> bool:
        """Return whether to mark the output as a draft, given the document's ``Meta.draft``."""
        return self.draft or draft
