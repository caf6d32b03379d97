"""Renderers: draw a document tree as text, Markdown, HTML, DOCX or JSON.

Each renderer is registered as a report format by the built-in plugin
``epireport._builtins.formats``; agencies add their own through the same hook. The DOCX renderer
imports python-docx only when called, so importing this package stays light.
"""

from typing import TYPE_CHECKING

from epireport._lazy import lazy_exports

if TYPE_CHECKING:
    from epireport.render._docx import (
        render_docx,
    )
    from epireport.render._formats import (
        ReportFormat,
    )
    from epireport.render._html import (
        render_html,
    )
    from epireport.render._json import (
        render_json,
    )
    from epireport.render._markdown import (
        escape_markdown,
        render_markdown,
    )
    from epireport.render._options import (
        RenderOptions,
    )
    from epireport.render._text import (
        render_text,
    )

__all__ = [
    "RenderOptions",
    "ReportFormat",
    "escape_markdown",
    "render_docx",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "RenderOptions": "epireport.render._options",
        "ReportFormat": "epireport.render._formats",
        "escape_markdown": "epireport.render._markdown",
        "render_docx": "epireport.render._docx",
        "render_html": "epireport.render._html",
        "render_json": "epireport.render._json",
        "render_markdown": "epireport.render._markdown",
        "render_text": "epireport.render._text",
    },
)
