"""Renderers: draw a document tree as text, Markdown, HTML, DOCX or JSON.

Each renderer is registered as a report format by the built-in plugin
``epireport._builtins.formats``; agencies add their own through the same hook. The DOCX renderer
imports python-docx only when called, so importing this package stays light.

Every format draws emphasis, figures, placeholders, the draft mark and the signature from one
description, which a plugin's format can follow too: :func:`paragraph_runs` (bold item leads,
figures with their facts, a draft's placeholders), :func:`fact_note` (a figure's fact as one
line), :func:`place_signature` (GB/T 9704 7.3.5, sealed or not), :func:`title_lines` (a long
title broken between words), :data:`DRAFT_MARK` and :data:`DRAFT_COLOR`.
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
    from epireport.render._layout import (
        DRAFT_COLOR,
        DRAFT_MARK,
        Run,
        SignaturePlacement,
        fact_note,
        paragraph_runs,
        place_signature,
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
    from epireport.render._title import (
        title_lines,
    )

__all__ = [
    "DRAFT_COLOR",
    "DRAFT_MARK",
    "RenderOptions",
    "ReportFormat",
    "Run",
    "SignaturePlacement",
    "escape_markdown",
    "fact_note",
    "paragraph_runs",
    "place_signature",
    "render_docx",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "title_lines",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DRAFT_COLOR": "epireport.render._layout",
        "DRAFT_MARK": "epireport.render._layout",
        "RenderOptions": "epireport.render._options",
        "Run": "epireport.render._layout",
        "SignaturePlacement": "epireport.render._layout",
        "fact_note": "epireport.render._layout",
        "paragraph_runs": "epireport.render._layout",
        "place_signature": "epireport.render._layout",
        "title_lines": "epireport.render._title",
        "ReportFormat": "epireport.render._formats",
        "escape_markdown": "epireport.render._markdown",
        "render_docx": "epireport.render._docx",
        "render_html": "epireport.render._html",
        "render_json": "epireport.render._json",
        "render_markdown": "epireport.render._markdown",
        "render_text": "epireport.render._text",
    },
)
