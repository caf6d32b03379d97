"""JSON: the document tree itself, with the facts and data values behind every figure."""

import json

import attrs

from epireport.document import Document
from epireport.render._options import RenderOptions

__all__ = ["render_json"]


def render_json(document: Document, options: RenderOptions) -> str:
    """Draw *document* as JSON: :meth:`Document.to_dict`, indented, UTF-8 text kept as is.

    Keys keep the tree's field order (stable from run to run); ``Document.from_dict`` of the
    parsed output gives the document back. With ``options.draft`` the output's
    ``meta.draft`` is true, as the other formats mark the draft.
    """
    if options.draft and not document.meta.draft:
        document = attrs.evolve(document, meta=attrs.evolve(document.meta, draft=True))
    return json.dumps(document.to_dict(), ensure_ascii=False, indent=2) + "\n"
