"""Report formats: what a plugin registers to add an output format (text, Markdown, DOCX ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from epireport._fields import renamed
from epireport.exceptions import ModelError
from epireport.model._institution import check_name

__all__ = ["ReportFormat"]


def _name(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_name("ReportFormat.code", value)


def _title(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"ReportFormat.title: expected a non-blank title, got {value!r}")


def _suffix(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        not isinstance(value, str)
        or not value.startswith(".")
        or len(value) < 2
        or any(ch.isspace() or ch == "/" for ch in value)
    ):
        raise ModelError(
            f"ReportFormat.suffix: expected a file suffix such as '.md', got {value!r}"
        )


def _media_type(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value.count("/") != 1 or any(ch.isspace() for ch in value):
        raise ModelError(
            f"ReportFormat.media_type: expected a media type such as 'text/markdown', got {value!r}"
        )


def _binary(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    # attrs' instance_of raises TypeError; every record check raises ModelError instead.
    if not isinstance(value, bool):
        raise ModelError(f"ReportFormat.binary: expected True or False, got {value!r}")


def _render(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise ModelError(f"ReportFormat.render: expected a callable, got {value!r}")


@attrs.frozen
class ReportFormat:
    """An output format: its name on the command line, its file suffix and its renderer.

    ``render(document, options)`` draws a document tree and returns ``str`` for text formats or
    ``bytes`` when ``binary`` is true (DOCX). The document tree and the options record are
    defined by the rendering stage; until then they are typed ``Any``.
    """

    code: str = attrs.field(validator=_name)
    name = renamed("code")  # the id used to be called name
    title: str = attrs.field(validator=_title)
    suffix: str = attrs.field(validator=_suffix)
    media_type: str = attrs.field(validator=_media_type)
    binary: bool = attrs.field(validator=_binary)
    # (document tree, render options) -> output; both types belong to the rendering stage.
    render: Callable[[Any, Any], str | bytes] = attrs.field(validator=_render)
