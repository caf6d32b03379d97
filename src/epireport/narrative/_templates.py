"""Where templates come from: :class:`TemplateSource`, as plugins register them.

Precedence
----------
When a template name is looked up, sources are tried from the highest ``priority`` down; among
sources of equal priority, the one whose plugin was loaded *later* is tried first (built-ins, then
entry points sorted by name, then plugins passed explicitly). The first source that has the
name wins. Reference institutions register their templates at priority ``0``; an agency that
wants its own wording registers a source with a higher priority holding a template of the same
name.

To override a single block rather than the whole template, the agency's template extends the
original through its source's name, ``<source name>::<template name>``, which always reaches
that one source::

    {% extends "district-publicity::district-publicity/report.md.j2" %}
    {% block next_steps %}……{% endblock %}

Trust
-----
Templates shipped in a plugin's package are code, as trusted as the plugin. Templates that come
from elsewhere (uploaded by a user, a shared directory) belong in a source with
``sandboxed=True``: any render that uses one of its templates runs in Jinja2's immutable
sandbox, where ``{{ ''.__class__ }}`` and the like are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from epireport._fields import renamed
from epireport.exceptions import ModelError
from epireport.model._institution import check_name

if TYPE_CHECKING:
    # Imported where used: plugins build TemplateSource records at import time, and
    # ``epireport.plugin`` keeps that from paying for Jinja2 until templates are loaded.
    import jinja2

__all__ = ["TemplateSource"]


def _name(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_name(f"TemplateSource.{attribute.name}", value)


def _priority(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ModelError(f"TemplateSource.priority: expected an integer, got {value!r}")


def _flag(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ModelError(f"TemplateSource.{attribute.name}: expected True or False, got {value!r}")


def _to_path(value: object) -> Path | None:
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value)
    raise ModelError(f"TemplateSource.directory: expected a path, got {value!r}")


@attrs.frozen
class TemplateSource:
    """A named place templates are loaded from, with a priority (see the module docstring).

    Give exactly one of ``package`` (an importable package whose ``package_path`` directory,
    ``templates`` by default, holds the templates: the way plugins ship them), ``directory`` (a
    directory on disk, for an agency's local overrides) or ``loader`` (any Jinja2 loader).
    """

    code: str = attrs.field(validator=_name)
    name = renamed("code")  # the id used to be called name
    package: str | None = attrs.field(default=None, kw_only=True)
    package_path: str = attrs.field(default="templates", kw_only=True)
    directory: Path | None = attrs.field(default=None, converter=_to_path, kw_only=True)
    loader: jinja2.BaseLoader | None = attrs.field(default=None, kw_only=True)
    priority: int = attrs.field(default=0, validator=_priority, kw_only=True)
    sandboxed: bool = attrs.field(default=False, validator=_flag, kw_only=True)

    def __attrs_post_init__(self) -> None:
        given = [
            field
            for field in ("package", "directory", "loader")
            if getattr(self, field) is not None
        ]
        if len(given) != 1:
            raise ModelError(
                f"TemplateSource: give exactly one of package, directory or loader for source "
                f"{self.code!r}, got {', '.join(given) or 'none'}"
            )
        if self.package is not None and (
            not isinstance(self.package, str) or not self.package.strip()
        ):
            raise ModelError(
                f"TemplateSource.package: expected a package name, got {self.package!r}"
            )
        if self.loader is not None:
            import jinja2

            if not isinstance(self.loader, jinja2.BaseLoader):
                raise ModelError(
                    f"TemplateSource.loader: expected a jinja2 loader, got {self.loader!r}"
                )

    def jinja_loader(self) -> jinja2.BaseLoader:
        """Return the Jinja2 loader reading this source's templates."""
        if self.loader is not None:
            return self.loader
        import jinja2

        if self.directory is not None:
            return jinja2.FileSystemLoader(self.directory)
        assert self.package is not None  # checked in __attrs_post_init__
        return jinja2.PackageLoader(self.package, self.package_path)
